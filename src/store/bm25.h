/* Inside the store: the SQLite side of FTS5 ranking. */
#ifndef MAJLIS_STORE_BM25_H
#define MAJLIS_STORE_BM25_H
#include <sqlite3.h>
#include <stdbool.h>

/* Registers bm25_cached(fts, key, weight...) — FTS5's bm25 with the per-phrase
 * match counts cached under key (see bm25.c) — on the connection of api. */
bool store_bm25_register(fts5_api *api);

#endif
