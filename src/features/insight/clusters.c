/* Clusters of near-duplicate recent messages: a periodic job groups the last
 * INSIGHT_CLUSTER_DAYS days greedily by SimHash (confirmed by the shingle
 * resemblance of the excerpts) per department, and labels each group by its
 * most frequent terms. */
#include "features/insight/insight.h"
#include "features/insight/internal.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "text/simhash.h"
#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGES 20000
#define MAX_LEADERS 5000
#define MIN_RESEMBLANCE 0.3
#define REPS 4 /* members a newcomer is compared with */

struct cmsg {
	int64_t id, dept, cat, at;
	uint64_t hash;
	char *excerpt, *sent;
	int cluster; /* index into clusters, -1 none */
};

struct ccl {
	int leader;  /* index into msgs */
	int size;
	int first;   /* first member's index (linked list through next) */
};

int insight_clusters_compute(store *s, int32_t today)
{
	arena *a = arena_new();
	int result = -1;
	struct cmsg *m = NULL;
	int n = 0, cap = 0;
	store_stmt *st = store_prepare(s,
		"SELECT id, dept_id, category_id, simhash, excerpt, coalesce(sentiment, ''), at FROM insight_messages"
		" WHERE day >= ? AND simhash <> 0 ORDER BY dept_id, at DESC, id DESC LIMIT ?");
	if (!st)
		goto out;
	store_bind_int(st, 1, today - INSIGHT_CLUSTER_DAYS + 1);
	store_bind_int(st, 2, MAX_MESSAGES);
	int rc;
	while ((rc = store_step(st)) == STORE_ROW) {
		if (n == cap) {
			int nc = cap ? cap * 2 : 256;
			struct cmsg *nm = arena_alloc(a, (size_t)nc * sizeof *nm);
			if (n)
				memcpy(nm, m, (size_t)n * sizeof *nm);
			m = nm, cap = nc;
		}
		struct cmsg *x = &m[n++];
		x->id = store_int(st, 0);
		x->dept = store_int(st, 1);
		x->cat = store_int(st, 2);
		x->hash = (uint64_t)store_int(st, 3);
		x->excerpt = arena_strdup(a, store_text(st, 4));
		x->sent = arena_strdup(a, store_text(st, 5));
		x->at = store_int(st, 6);
		x->cluster = -1;
	}
	store_done(st);
	if (rc != STORE_DONE)
		goto out;

	/* greedy grouping, department by department */
	int *leaders = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *leaders); /* cluster index -> leader msg */
	int *sizes = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *sizes);
	int *reps = arena_alloc(a, (size_t)(n ? n : 1) * REPS * sizeof *reps);
	int ncl = 0;
	for (int i = 0, dept_start_cl = 0; i < n; i++) {
		if (i > 0 && m[i].dept != m[i - 1].dept)
			dept_start_cl = ncl;
		int join = -1;
		/* compared with the first REPS members of each cluster (its leader
		 * and the next ones), so that a chain of rewrites stays together */
		for (int c = dept_start_cl; c < ncl && join < 0; c++) {
			int nr = sizes[c] < REPS ? sizes[c] : REPS;
			for (int r = 0; r < nr && join < 0; r++) {
				const struct cmsg *l = &m[reps[c * REPS + r]];
				if (text_hamming(l->hash, m[i].hash) <= INSIGHT_CLUSTER_BITS &&
				    text_resemblance(l->excerpt, m[i].excerpt) >= MIN_RESEMBLANCE)
					join = c;
			}
		}
		if (join < 0 && ncl - dept_start_cl < MAX_LEADERS) {
			join = ncl++;
			leaders[join] = i;
			sizes[join] = 0;
		}
		if (join >= 0) {
			m[i].cluster = join;
			if (sizes[join] < REPS)
				reps[join * REPS + sizes[join]] = i;
			sizes[join]++;
		}
	}

	int64_t now = now_s();
	if (!store_begin(s))
		goto out;
	if (store_run(s, "DELETE FROM insight_cluster_members", "") < 0 || store_run(s, "DELETE FROM insight_clusters", "") < 0)
		goto fail;
	int64_t *ids = arena_alloc(a, (size_t)(ncl ? ncl : 1) * sizeof *ids);
	int kept = 0;
	for (int c = 0; c < ncl; c++) {
		ids[c] = 0;
		if (sizes[c] < 2)
			continue;
		const struct cmsg *l = &m[leaders[c]];
		ids[c] = store_scalar(s, -1,
			"INSERT INTO insight_clusters(dept_id, category_id, size, label, first_at, last_at, n_pos, n_neg, n_neu,"
			" computed_at) VALUES (?, 0, ?, '', ?, ?, 0, 0, 0, ?) RETURNING id",
			"iiiii", l->dept, (int64_t)sizes[c], l->at, l->at, now);
		if (ids[c] < 0)
			goto fail;
		kept++;
	}
	for (int i = 0; i < n; i++) {
		int c = m[i].cluster;
		if (c < 0 || !ids[c])
			continue;
		if (store_run(s, "INSERT INTO insight_cluster_members(cluster_id, msg_id) VALUES (?, ?)", "ii", ids[c], m[i].id) != 1 ||
		    store_run(s, "UPDATE insight_clusters SET first_at = min(first_at, ?), last_at = max(last_at, ?),"
				 " n_pos = n_pos + ?, n_neg = n_neg + ?, n_neu = n_neu + ? WHERE id = ?",
			      "iiiiii", m[i].at, m[i].at, (int64_t)!strcmp(m[i].sent, "pos"), (int64_t)!strcmp(m[i].sent, "neg"),
			      (int64_t)!strcmp(m[i].sent, "neu"), ids[c]) != 1)
			goto fail;
	}
	/* category (the most frequent) and label (the top terms) of each cluster */
	for (int c = 0; c < ncl; c++) {
		if (!ids[c])
			continue;
		int64_t cat = store_scalar(s, 0,
			"SELECT m.category_id FROM insight_messages m JOIN insight_cluster_members c ON c.msg_id = m.id"
			" WHERE c.cluster_id = ? GROUP BY m.category_id ORDER BY count(*) DESC, m.category_id LIMIT 1", "i", ids[c]);
		st = store_prepare(s,
			"SELECT t.term FROM insight_msg_terms t JOIN insight_cluster_members c ON c.msg_id = t.msg_id"
			" WHERE c.cluster_id = ? AND instr(t.term, ' ') = 0 GROUP BY t.term ORDER BY count(*) DESC, t.term LIMIT 3");
		if (!st)
			goto fail;
		store_bind_int(st, 1, ids[c]);
		char *terms[3];
		int nt = 0;
		while ((rc = store_step(st)) == STORE_ROW && nt < 3)
			terms[nt++] = arena_strdup(a, store_text(st, 0));
		store_done(st);
		strbuf sb = STRBUF_INIT;
		for (int i = 0; i < nt; i++) {
			if (i)
				sb_puts(&sb, " · ");
			sb_puts(&sb, insight_display_of(s, a, terms[i]));
		}
		int64_t ok = store_run(s, "UPDATE insight_clusters SET category_id = ?, label = ? WHERE id = ?", "iti", cat,
				       sb_str(&sb), ids[c]);
		sb_free(&sb);
		if (ok != 1)
			goto fail;
	}
	if (!store_commit(s))
		goto fail;
	result = kept;
	goto out;
fail:
	store_rollback(s);
out:
	arena_free(a);
	return result;
}

int insight_clusters(store *s, arena *a, const struct insight_filter *f, int limit, struct insight_cluster **out)
{
	*out = NULL;
	if (insight_filter_empty(f))
		return 0;
	limit = limit < 1 ? 1 : limit > 100 ? 100 : limit;
	store_stmt *st = store_prepare(s,
		"SELECT id, dept_id, category_id, size, label, first_at, last_at, n_pos, n_neg, n_neu FROM insight_clusters"
		" WHERE (?1 = 0 OR dept_id = ?1) AND (?2 IS NULL OR instr(?2, ',' || dept_id || ',') > 0)"
		" AND (?3 = 0 OR category_id = ?3) ORDER BY size DESC, last_at DESC, id LIMIT ?4");
	if (!st)
		return -1;
	store_bind_int(st, 1, f->dept_id);
	store_bind_text(st, 2, insight_dept_list(a, f));
	store_bind_int(st, 3, f->category_id);
	store_bind_int(st, 4, limit);
	struct insight_cluster *v = arena_alloc(a, (size_t)limit * sizeof *v);
	int n = 0, rc;
	while ((rc = store_step(st)) == STORE_ROW && n < limit) {
		struct insight_cluster *c = &v[n++];
		c->id = store_int(st, 0);
		c->dept_id = store_int(st, 1);
		c->category_id = store_int(st, 2);
		c->size = (int)store_int(st, 3);
		c->label = arena_strdup(a, store_text(st, 4));
		c->first_at = store_int(st, 5);
		c->last_at = store_int(st, 6);
		c->pos = (int)store_int(st, 7);
		c->neg = (int)store_int(st, 8);
		c->neu = (int)store_int(st, 9);
	}
	store_done(st);
	if (rc != STORE_DONE && rc != STORE_ROW)
		return -1;
	for (int i = 0; i < n; i++) {
		st = store_prepare(s, "SELECT " INSIGHT_ITEM_COLS " FROM insight_messages m JOIN insight_cluster_members c"
				      " ON c.msg_id = m.id WHERE c.cluster_id = ? ORDER BY m.at DESC, m.id DESC LIMIT 3");
		if (!st)
			return -1;
		store_bind_int(st, 1, v[i].id);
		v[i].examples = arena_alloc(a, 3 * sizeof *v[i].examples);
		while (v[i].nexamples < 3 && store_step(st) == STORE_ROW)
			insight_item_read(st, a, &v[i].examples[v[i].nexamples++], 0);
		store_done(st);
	}
	*out = v;
	return n;
}
