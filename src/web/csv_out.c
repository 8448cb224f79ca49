#include "web/csv_out.h"
#include <csv.h>
#include <stdlib.h>
#include <string.h>

void csv_put(strbuf *sb, const char *v)
{
	size_t n = v ? strlen(v) : 0;
	/* csv_write needs at most 2n + 2 bytes (every byte a quote, plus the two). */
	char small[256];
	char *buf = 2 * n + 2 <= sizeof small ? small : malloc(2 * n + 2);
	if (!buf)
		abort();
	size_t len = csv_write(buf, 2 * n + 2, v ? v : "", n);
	sb_append(sb, buf, len);
	if (buf != small)
		free(buf);
}
