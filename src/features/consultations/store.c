/* Consultations storage and validation: every SQL statement of the feature. */
#include "features/consultations/internal.h"
#include "features/search/search.h"
#include "web/markdown.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "web/markdown.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = {"draft", "upcoming", "open", "closed"};

const char *consult_status_name(enum consult_status st) { return status_names[st]; }

enum consult_status consultation_status(const struct consultation *c, int64_t now)
{
	if (!c->published)
		return CONSULT_DRAFT;
	if (now < c->opens_at)
		return CONSULT_UPCOMING;
	return now < c->closes_at ? CONSULT_OPEN : CONSULT_CLOSED;
}

const char *consultation_path(arena *a, const struct consultation *c)
{
	return arena_printf(a, "/consultations/%lld", (long long)c->id);
}

#define COLS "id, dept_id, author_id, title, slug, lang, published, opens_at, closes_at, closed_at," \
	     " allow_proposals, support_threshold, proposals_deadline, created_at, updated_at"

static void read_row(store_stmt *st, arena *a, struct consultation *c)
{
	memset(c, 0, sizeof *c);
	c->id = store_int(st, 0);
	c->dept_id = store_int(st, 1);
	c->author_id = store_int(st, 2);
	c->title = arena_strdup(a, store_text(st, 3));
	c->slug = arena_strdup(a, store_text(st, 4));
	c->lang = arena_strdup(a, store_text(st, 5));
	c->published = store_int(st, 6);
	c->opens_at = store_int(st, 7);
	c->closes_at = store_int(st, 8);
	c->closed_at = store_int(st, 9);
	c->allow_proposals = store_int(st, 10);
	c->support_threshold = store_int(st, 11);
	c->proposals_deadline = store_int(st, 12);
	c->created_at = store_int(st, 13);
	c->updated_at = store_int(st, 14);
	c->body = c->body_html = c->summary = c->summary_html = "";
}

bool consultation_get(store *s, arena *a, int64_t id, struct consultation *c)
{
	store_stmt *st = store_prepare(s, "SELECT " COLS ", body, body_html, summary, summary_html FROM consultations WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		read_row(st, a, c);
		c->body = arena_strdup(a, store_text(st, 15));
		c->body_html = arena_strdup(a, store_text(st, 16));
		c->summary = arena_strdup(a, store_text(st, 17));
		c->summary_html = arena_strdup(a, store_text(st, 18));
	}
	store_done(st);
	if (!found)
		return false;
	c->docs = arena_alloc(a, sizeof *c->docs * CONSULT_DOCS_MAX);
	st = store_prepare(s, "SELECT name, title FROM consultation_documents WHERE consultation_id = ? ORDER BY position LIMIT 10");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	while (c->ndocs < CONSULT_DOCS_MAX && store_step(st) == STORE_ROW) {
		c->docs[c->ndocs].name = arena_strdup(a, store_text(st, 0));
		c->docs[c->ndocs].title = arena_strdup(a, store_text(st, 1));
		c->ndocs++;
	}
	store_done(st);
	return true;
}

/* One phase of a list: its letter, SQL and cursor direction. */
struct phase {
	char letter;
	const char *sql;
};

int consultation_list(store *s, arena *a, const struct consult_filter *f, int64_t now, struct consultation **out,
		      const char **next)
{
	/* Each phase reads one index range from a row-value bound (keyset). */
	static const char open_sql[] = "SELECT " COLS " FROM consultations WHERE published = 1 AND (closes_at, id) > (?, ?)"
				       " AND opens_at <= ? AND (? = 0 OR dept_id = ?) ORDER BY closes_at, id LIMIT ?";
	static const char upcoming_sql[] = "SELECT " COLS " FROM consultations WHERE published = 1 AND (opens_at, id) > (?, ?)"
					   " AND ? >= 0 AND (? = 0 OR dept_id = ?) ORDER BY opens_at, id LIMIT ?";
	static const char closed_sql[] = "SELECT " COLS " FROM consultations WHERE published = 1 AND (closes_at, id) < (?, ?)"
					 " AND ? >= 0 AND (? = 0 OR dept_id = ?) ORDER BY closes_at DESC, id DESC LIMIT ?";
	static const char staff_sql[] = "SELECT " COLS " FROM consultations WHERE (updated_at, id) < (?, ?)"
					" AND ? >= 0 AND (? = 0 OR dept_id = ?) ORDER BY updated_at DESC, id DESC LIMIT ?";
	static const char drafts_sql[] = "SELECT " COLS " FROM consultations WHERE (updated_at, id) < (?, ?) AND published = 0"
					 " AND ? >= 0 AND (? = 0 OR dept_id = ?) ORDER BY updated_at DESC, id DESC LIMIT ?";
	struct phase phases[3];
	int nph = 0;
	switch (f->status) {
	case CONSULT_LIST_PUBLIC:
		phases[nph++] = (struct phase){'o', open_sql};
		phases[nph++] = (struct phase){'u', upcoming_sql};
		phases[nph++] = (struct phase){'c', closed_sql};
		break;
	case CONSULT_OPEN: phases[nph++] = (struct phase){'o', open_sql}; break;
	case CONSULT_UPCOMING: phases[nph++] = (struct phase){'u', upcoming_sql}; break;
	case CONSULT_CLOSED: phases[nph++] = (struct phase){'c', closed_sql}; break;
	case CONSULT_DRAFT: phases[nph++] = (struct phase){'d', drafts_sql}; break;
	case CONSULT_LIST_STAFF: phases[nph++] = (struct phase){'s', staff_sql}; break;
	default: return -1;
	}
	int limit = f->limit < 1 || f->limit > 100 ? 20 : f->limit;
	int start = 0;
	long long cat = 0, cid = 0;
	if (f->cursor && *f->cursor) {
		char letter;
		int used = 0;
		if (sscanf(f->cursor, "%c%lld_%lld%n", &letter, &cat, &cid, &used) != 3 || f->cursor[used] || cid <= 0)
			return -1;
		for (start = 0; start < nph && phases[start].letter != letter; start++)
			;
		if (start == nph)
			return -1;
	}
	struct consultation *cs = arena_alloc(a, sizeof *cs * (size_t)limit);
	int n = 0;
	*next = NULL;
	for (int p = start; p < nph && n < limit; p++) {
		char L = phases[p].letter;
		bool from_cursor = p == start && f->cursor && *f->cursor;
		int64_t at, id;
		if (L == 'o') { /* closes_at > now: (closes_at, id) > (now, max) */
			at = now, id = INT64_MAX;
			if (from_cursor && (cat > at || (cat == at && cid > id)))
				at = cat, id = cid;
		} else if (L == 'u') { /* opens_at > now */
			at = now, id = INT64_MAX;
			if (from_cursor && (cat > at || (cat == at && cid > id)))
				at = cat, id = cid;
		} else if (L == 'c') { /* closes_at <= now: (closes_at, id) < (now + 1, 0) */
			at = now + 1, id = 0;
			if (from_cursor && (cat < at || (cat == at && cid < id)))
				at = cat, id = cid;
		} else {
			at = from_cursor ? cat : INT64_MAX, id = from_cursor ? cid : INT64_MAX;
		}
		store_stmt *st = store_prepare(s, phases[p].sql);
		if (!st)
			return -1;
		store_bind_int(st, 1, at);
		store_bind_int(st, 2, id);
		store_bind_int(st, 3, now);
		store_bind_int(st, 4, f->dept_id);
		store_bind_int(st, 5, f->dept_id);
		store_bind_int(st, 6, limit - n + 1);
		int rc, got = 0;
		while ((rc = store_step(st)) == STORE_ROW) {
			if (n == limit) { /* one more exists: the page ends on the previous row */
				got = -1;
				break;
			}
			read_row(st, a, &cs[n++]);
			got++;
		}
		store_done(st);
		if (rc == STORE_ERROR)
			return -1;
		if (n == limit) {
			/* a next page exists if this phase had one more row or a later phase has rows */
			bool more = got < 0;
			for (int q = p + 1; !more && q < nph; q++) {
				struct consult_filter g = *f;
				g.status = phases[q].letter == 'u' ? CONSULT_UPCOMING : CONSULT_CLOSED;
				g.cursor = NULL;
				g.limit = 1;
				struct consultation *tmp;
				const char *nx;
				more = consultation_list(s, a, &g, now, &tmp, &nx) > 0;
			}
			if (more) {
				const struct consultation *last = &cs[n - 1];
				int64_t k = L == 'u' ? last->opens_at : (L == 's' || L == 'd') ? last->updated_at : last->closes_at;
				*next = arena_printf(a, "%c%lld_%lld", L, (long long)k, (long long)last->id);
			}
		}
	}
	*out = cs;
	return n;
}

static bool save_docs(store *s, const struct consultation *c)
{
	if (store_run(s, "DELETE FROM consultation_documents WHERE consultation_id = ?", "i", c->id) < 0)
		return false;
	for (int i = 0; i < c->ndocs; i++)
		if (store_run(s, "INSERT INTO consultation_documents(consultation_id, position, name, title) VALUES (?, ?, ?, ?)",
			      "iitt", c->id, (int64_t)i, c->docs[i].name, c->docs[i].title) != 1)
			return false;
	return true;
}

/* Puts a published consultation (text and closing summary) in the search
 * index, removes a draft. Inside the caller's transaction. */
static bool consult_reindex(store *s, int64_t id)
{
	arena *a = arena_new();
	struct consultation c;
	bool ok;
	if (!consultation_get(s, a, id, &c) || !c.published) {
		ok = search_remove(s, "consultation", id);
	} else {
		char *body = markdown_plain(c.body, strlen(c.body), 200000);
		char *summary = c.summary && *c.summary ? markdown_plain(c.summary, strlen(c.summary), 50000) : NULL;
		struct search_doc d = {.type = "consultation", .id = c.id, .dept_id = c.dept_id, .visibility = SEARCH_PUBLIC,
				       .lang = c.lang, .title = c.title,
				       .body = arena_printf(a, "%s %s", body ? body : "", summary ? summary : ""),
				       .url = consultation_path(a, &c), .at = c.created_at};
		ok = search_put(s, &d);
		free(body);
		free(summary);
	}
	arena_free(a);
	return ok;
}

int64_t consult_insert(store *s, struct consultation *c)
{
	int64_t now = now_s();
	c->created_at = c->updated_at = now;
	if (!store_begin(s))
		return -1;
	store_stmt *st = store_prepare(s,
		"INSERT INTO consultations(dept_id, author_id, title, slug, lang, body, body_html, summary, summary_html,"
		" published, opens_at, closes_at, allow_proposals, support_threshold, proposals_deadline, created_at, updated_at)"
		" VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	if (!st)
		goto fail;
	store_bind_int(st, 1, c->dept_id);
	if (c->author_id)
		store_bind_int(st, 2, c->author_id);
	store_bind_text(st, 3, c->title);
	store_bind_text(st, 4, c->slug);
	store_bind_text(st, 5, c->lang);
	store_bind_text(st, 6, c->body);
	store_bind_text(st, 7, c->body_html);
	store_bind_text(st, 8, c->summary ? c->summary : "");
	store_bind_text(st, 9, c->summary_html ? c->summary_html : "");
	store_bind_int(st, 10, c->published);
	store_bind_int(st, 11, c->opens_at);
	store_bind_int(st, 12, c->closes_at);
	store_bind_int(st, 13, c->allow_proposals);
	store_bind_int(st, 14, c->support_threshold);
	if (c->proposals_deadline)
		store_bind_int(st, 15, c->proposals_deadline);
	store_bind_int(st, 16, now);
	store_bind_int(st, 17, now);
	c->id = store_step(st) == STORE_ROW ? store_int(st, 0) : -1;
	while (c->id > 0 && store_step(st) == STORE_ROW)
		;
	store_done(st);
	if (c->id < 0 || !save_docs(s, c) || !consult_reindex(s, c->id) || !store_commit(s))
		goto fail;
	return c->id;
fail:
	store_rollback(s);
	return -1;
}

bool consult_save(store *s, const struct consultation *c)
{
	if (!store_begin(s))
		return false;
	store_stmt *st = store_prepare(s,
		"UPDATE consultations SET dept_id = ?, title = ?, slug = ?, lang = ?, body = ?, body_html = ?, summary = ?,"
		" summary_html = ?, published = ?, opens_at = ?, closes_at = ?, allow_proposals = ?, support_threshold = ?,"
		" proposals_deadline = ?, updated_at = ? WHERE id = ?");
	if (!st)
		goto fail;
	store_bind_int(st, 1, c->dept_id);
	store_bind_text(st, 2, c->title);
	store_bind_text(st, 3, c->slug);
	store_bind_text(st, 4, c->lang);
	store_bind_text(st, 5, c->body);
	store_bind_text(st, 6, c->body_html);
	store_bind_text(st, 7, c->summary ? c->summary : "");
	store_bind_text(st, 8, c->summary_html ? c->summary_html : "");
	store_bind_int(st, 9, c->published);
	store_bind_int(st, 10, c->opens_at);
	store_bind_int(st, 11, c->closes_at);
	store_bind_int(st, 12, c->allow_proposals);
	store_bind_int(st, 13, c->support_threshold);
	if (c->proposals_deadline)
		store_bind_int(st, 14, c->proposals_deadline);
	store_bind_int(st, 15, now_s());
	store_bind_int(st, 16, c->id);
	int rc = store_step(st);
	store_done(st);
	if (rc != STORE_DONE || store_changes(s) != 1 || !save_docs(s, c) || !consult_reindex(s, c->id) || !store_commit(s))
		goto fail;
	return true;
fail:
	store_rollback(s);
	return false;
}

bool consult_close(store *s, int64_t id, int64_t now, const char *summary, const char *summary_html)
{
	if (!store_begin(s))
		return false;
	bool ok = store_run(s, "UPDATE consultations SET closed_at = ?, closes_at = ?, updated_at = ?"
			       " WHERE id = ? AND closes_at > ? AND opens_at < ?", "iiiiii", now, now, now, id, now, now) >= 0 &&
		  store_run(s, "UPDATE consultations SET closed_at = ?, closes_at = ?, opens_at = ? - 1, updated_at = ?"
			       " WHERE id = ? AND opens_at >= ?", "iiiiii", now, now, now, now, id, now) >= 0;
	if (ok && summary)
		ok = store_run(s, "UPDATE consultations SET summary = ?, summary_html = ?, updated_at = ? WHERE id = ?", "ttii",
			       summary, summary_html, now, id) == 1;
	if (ok && consult_reindex(s, id) && store_commit(s))
		return true;
	store_rollback(s);
	return false;
}

/* ---- validation ---- */

static bool chars_between(const char *v, size_t lo, size_t hi)
{
	size_t n = v ? utf8_length(v) : 0;
	return n >= lo && n <= hi;
}

static bool truthy(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

static bool md(arena *a, const char *src, const char **html)
{
	char *h = markdown_render(src, strlen(src));
	if (!h)
		return false;
	*html = arena_strdup(a, h);
	free(h);
	return true;
}

bool consult_apply_input(store *s, arena *a, const struct consult_input *in, struct consultation *c,
			 struct form_errors *e)
{
	if (in->title) {
		if (!chars_between(in->title, 3, CONSULT_TITLE_MAX))
			form_error(e, "title", *in->title ? "consult.title_length" : "form.required");
		else
			c->title = in->title;
	} else if (!c->title) {
		form_error(e, "title", "form.required");
	}
	if (in->body) {
		if (strlen(in->body) > CONSULT_BODY_MAX)
			form_error(e, "body", "form.too_long");
		else if (!chars_between(in->body, 1, CONSULT_BODY_MAX))
			form_error(e, "body", "form.required");
		else
			c->body = in->body;
	} else if (!c->body || !*c->body) {
		form_error(e, "body", "form.required");
	}
	if (in->summary) {
		if (strlen(in->summary) > CONSULT_SUMMARY_MAX)
			form_error(e, "summary", "form.too_long");
		else
			c->summary = in->summary;
	}
	if (in->lang) {
		if (!lang_supported(in->lang))
			form_error(e, "lang", "form.invalid_choice");
		else
			c->lang = in->lang;
	} else if (!c->lang) {
		form_error(e, "lang", "form.required");
	}
	if (in->dept) {
		int64_t id = dept_resolve(s, in->dept);
		if (!id)
			form_error(e, "dept", "form.invalid_choice");
		else
			c->dept_id = id;
	} else if (!c->dept_id) {
		form_error(e, "dept", "form.required");
	}
	time_t t;
	if (in->opens_at) {
		if (!parse_datetime(in->opens_at, &t))
			form_error(e, "opens_at", *in->opens_at ? "form.bad_datetime" : "form.required");
		else
			c->opens_at = (int64_t)t;
	} else if (!c->opens_at) {
		form_error(e, "opens_at", "form.required");
	}
	if (in->closes_at) {
		if (!parse_datetime(in->closes_at, &t))
			form_error(e, "closes_at", *in->closes_at ? "form.bad_datetime" : "form.required");
		else
			c->closes_at = (int64_t)t;
	} else if (!c->closes_at) {
		form_error(e, "closes_at", "form.required");
	}
	if (c->opens_at && c->closes_at && !form_error_for(e, "opens_at") && !form_error_for(e, "closes_at") &&
	    c->closes_at <= c->opens_at)
		form_error(e, "closes_at", "consult.closes_before_opens");
	if (in->allow_proposals)
		c->allow_proposals = truthy(in->allow_proposals);
	if (in->support_threshold) {
		int64_t v;
		if (*in->support_threshold && !parse_int64(in->support_threshold, 0, 1000000, &v))
			form_error(e, "support_threshold", "consult.bad_threshold");
		else
			c->support_threshold = *in->support_threshold ? v : 0;
	}
	if (in->proposals_deadline) {
		if (!*in->proposals_deadline)
			c->proposals_deadline = 0;
		else if (!parse_datetime(in->proposals_deadline, &t))
			form_error(e, "proposals_deadline", "form.bad_datetime");
		else
			c->proposals_deadline = (int64_t)t;
	}
	if (e->n)
		return false;
	c->slug = slugify(a, c->title);
	if (!md(a, c->body, &c->body_html)) {
		form_error(e, "body", "form.bad_text");
		return false;
	}
	if (!c->summary)
		c->summary = "";
	if (!md(a, c->summary, &c->summary_html)) {
		form_error(e, "summary", "form.bad_text");
		return false;
	}
	return true;
}
