/* Request-scoped memory: a bump allocator freed in one call. Allocation failure
 * aborts the process (a server that cannot allocate a few KB cannot answer anyway). */
#ifndef MAJLIS_CORE_ARENA_H
#define MAJLIS_CORE_ARENA_H
#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

/* New empty arena; the caller owns it and frees it with arena_free. */
arena *arena_new(void);
/* Frees the arena and everything allocated from it. NULL is accepted. */
void arena_free(arena *a);
/* n zeroed bytes, aligned for any type, valid until arena_free. */
void *arena_alloc(arena *a, size_t n);
/* Copy of s (NULL gives NULL), owned by the arena. */
char *arena_strdup(arena *a, const char *s);
/* Copy of the first n bytes of s plus a NUL, owned by the arena. */
char *arena_strndup(arena *a, const char *s, size_t n);
/* printf into arena memory. */
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena *a, const char *fmt, va_list ap);

#endif
