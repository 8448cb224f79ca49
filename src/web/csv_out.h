/* Writing CSV (RFC 4180) for exports: fields quoted by libcsv's csv_write. */
#ifndef MAJLIS_WEB_CSV_OUT_H
#define MAJLIS_WEB_CSV_OUT_H
#include "core/strbuf.h"

/* Appends v as one quoted field ("" doubled); NULL appends "" (an empty field). */
void csv_put(strbuf *sb, const char *v);

#endif
