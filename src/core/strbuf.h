/* A growable byte buffer owned by whoever declared it. Always NUL-terminated
 * after the first append. Allocation failure aborts. */
#ifndef MAJLIS_CORE_STRBUF_H
#define MAJLIS_CORE_STRBUF_H
#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
	char *data;
	size_t len, cap;
} strbuf;

#define STRBUF_INIT {NULL, 0, 0}

/* Appends n bytes of s. */
void sb_append(strbuf *sb, const char *s, size_t n);
/* Appends the C string s (NULL appends nothing). */
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory. */
void sb_reset(strbuf *sb);
/* Frees the memory; the buffer is empty and reusable afterwards. */
void sb_free(strbuf *sb);
/* Hands the malloc'd string to the caller (never NULL) and empties the buffer. */
char *sb_detach(strbuf *sb);
/* The contents as a C string ("" when empty); valid until the next change. */
const char *sb_str(const strbuf *sb);

#endif
