/* Proposals: storage, supports and answers (with their emails). */
#include "features/proposals/proposals.h"
#include "features/search/search.h"
#include "features/insight/insight.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "jobs/jobs.h"
#include "jobs/mail.h"
#include "web/i18n.h"
#include "web/markdown.h"
#include <stdlib.h>
#include <string.h>

void proposal_space_get(store *s, int64_t dept_id, struct proposal_space *sp)
{
	*sp = (struct proposal_space){.dept_id = dept_id};
	store_stmt *st = store_prepare(s, "SELECT open, threshold, deadline FROM proposal_spaces WHERE dept_id = ?");
	if (!st)
		return;
	store_bind_int(st, 1, dept_id);
	if (store_step(st) == STORE_ROW) {
		sp->open = store_int(st, 0) != 0;
		sp->threshold = store_int(st, 1);
		sp->deadline = store_int(st, 2);
	}
	store_done(st);
}

bool proposal_space_set(store *s, const struct proposal_space *sp, int64_t by)
{
	return store_run(s, "INSERT INTO proposal_spaces(dept_id, open, threshold, deadline, updated_by, updated_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(dept_id) DO UPDATE SET open = ?2, threshold = ?3,"
			    " deadline = ?4, updated_by = ?5, updated_at = ?6",
			 "iiiiii", sp->dept_id, (int64_t)sp->open, sp->threshold, sp->deadline, by, now_s()) == 1;
}

bool proposal_load(store *s, arena *a, int64_t id, struct proposal *p)
{
	store_stmt *st = store_prepare(s,
		"SELECT id, dept_id, coalesce(consultation_id, 0), author_id, title, body, body_html, threshold, deadline,"
		" supports, reached_at, answer, answer_text, answer_html, coalesce(answered_by, 0), answered_at, hidden, created_at"
		" FROM proposals WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		p->id = store_int(st, 0);
		p->dept_id = store_int(st, 1);
		p->consultation_id = store_int(st, 2);
		p->author_id = store_int(st, 3);
		p->title = arena_strdup(a, store_text(st, 4));
		p->body = arena_strdup(a, store_text(st, 5));
		p->body_html = arena_strdup(a, store_text(st, 6));
		p->threshold = store_int(st, 7);
		p->deadline = store_int(st, 8);
		p->supports = store_int(st, 9);
		p->reached_at = store_int(st, 10);
		p->answer = store_is_null(st, 11) ? NULL : arena_strdup(a, store_text(st, 11));
		p->answer_text = arena_strdup(a, store_text(st, 12));
		p->answer_html = arena_strdup(a, store_text(st, 13));
		p->answered_by = store_int(st, 14);
		p->answered_at = store_int(st, 15);
		p->hidden = store_int(st, 16) != 0;
		p->created_at = store_int(st, 17);
	}
	store_done(st);
	return found;
}

bool proposal_open(const struct proposal *p, int64_t now)
{
	if (p->hidden || (p->deadline && now >= p->deadline))
		return false;
	return !p->answer || !strcmp(p->answer, "under_study");
}

const char *proposal_state(const struct proposal *p, int64_t now)
{
	if (p->answer)
		return p->answer;
	if (p->reached_at)
		return "threshold";
	return proposal_open(p, now) ? "open" : "closed";
}

int proposal_recent(store *s, arena *a, int64_t dept_id, int limit, struct proposal **out)
{
	if (limit < 1)
		limit = 1;
	if (limit > 100)
		limit = 100;
	int64_t ids[100];
	int n = 0;
	store_stmt *st = store_prepare(s, "SELECT id FROM proposals WHERE hidden = 0 AND (?1 = 0 OR dept_id = ?1) "
					  "ORDER BY created_at DESC, id DESC LIMIT ?2");
	if (!st)
		return -1;
	store_bind_int(st, 1, dept_id);
	store_bind_int(st, 2, limit);
	while (n < limit && store_step(st) == STORE_ROW)
		ids[n++] = store_int(st, 0);
	store_done(st);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	int k = 0;
	for (int i = 0; i < n; i++)
		if (proposal_load(s, a, ids[i], &(*out)[k]))
			k++;
	return k;
}

bool proposal_reindex(store *s, int64_t id)
{
	arena *a = arena_new();
	struct proposal p;
	bool ok;
	if (!proposal_load(s, a, id, &p) || p.hidden) {
		ok = search_remove(s, "proposal", id);
	} else {
		char *plain = markdown_plain(p.body, strlen(p.body), 200000);
		struct search_doc d = {.type = "proposal", .id = p.id, .dept_id = p.dept_id, .visibility = SEARCH_PUBLIC,
				       .title = p.title,
				       .body = arena_printf(a, "%s %s", plain ? plain : "", p.answer_text ? p.answer_text : ""),
				       .url = arena_printf(a, "/proposals/%lld", (long long)p.id), .at = p.created_at};
		ok = search_put(s, &d);
		free(plain);
	}
	arena_free(a);
	return ok;
}

int64_t proposal_insert(store *s, struct proposal *p)
{
	int64_t now = now_s();
	if (!store_begin(s))
		return -1;
	p->id = store_scalar(s, -1,
		"INSERT INTO proposals(dept_id, consultation_id, author_id, title, body, body_html, threshold, deadline,"
		" created_at, updated_at) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iiitttiiii", p->dept_id, p->consultation_id, p->author_id, p->title, p->body, p->body_html, p->threshold,
		p->deadline, now, now);
	p->created_at = now;
	struct insight_msg m = {.source = "proposal", .source_id = p->id, .dept_id = p->dept_id, .channel = "web",
				.text = p->body, .at = now};
	char url[48];
	snprintf(url, sizeof url, "/proposals/%lld", (long long)p->id);
	m.url = url;
	if (p->id <= 0 || !proposal_reindex(s, p->id) || !insight_record(s, &m) || !store_commit(s)) {
		store_rollback(s);
		return -1;
	}
	return p->id;
}

bool proposal_supported_by(store *s, int64_t id, int64_t user_id)
{
	return store_scalar(s, 0, "SELECT count(*) FROM proposal_supports WHERE proposal_id = ? AND user_id = ?", "ii", id,
			    user_id) > 0;
}

/* Queues the "threshold reached" email to each editor/admin of the department. */
static bool notify_threshold(store *s, arena *a, const struct proposal *p, const char *base_url, const char *L)
{
	const char **to;
	int n = dept_staff_emails(s, a, p->dept_id, ROLE_EDITOR, &to);
	const char *link = arena_printf(a, "%s/proposals/%lld", base_url, (long long)p->id);
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)p->supports);
	for (int i = 0; i < n; i++) {
		const char *subject = T_fill(a, T(L, "prop.mail_threshold_subject"), 1, (const char *[]){p->title});
		const char *text = T_fill(a, T(L, "prop.mail_threshold_body"), 3, (const char *[]){p->title, num, link});
		if (mail_queue(s, arena_printf(a, "prop-threshold:%lld:%s", (long long)p->id, to[i]), to[i], subject, text, NULL, L) < 0)
			return false;
	}
	return true;
}

enum support_result proposal_support(store *s, arena *a, int64_t id, int64_t user_id, bool on, int64_t now,
				     const char *base_url, const char *lang, bool *reached)
{
	*reached = false;
	if (!store_begin(s))
		return SUPPORT_ERROR;
	enum support_result res = SUPPORT_ERROR;
	struct proposal p;
	if (!proposal_load(s, a, id, &p) || p.hidden) {
		res = SUPPORT_GONE;
		goto fail;
	}
	if (on && p.author_id == user_id) {
		res = SUPPORT_OWN;
		goto fail;
	}
	if (!proposal_open(&p, now)) {
		res = SUPPORT_CLOSED;
		goto fail;
	}
	if (on) {
		/* The primary key holds the one-support rule. */
		if (store_run(s, "INSERT INTO proposal_supports(proposal_id, user_id, created_at) VALUES (?, ?, ?)", "iii", id,
			      user_id, now) != 1) {
			res = store_constraint_error(s) ? SUPPORT_ALREADY : SUPPORT_ERROR;
			goto fail;
		}
		if (store_run(s, "UPDATE proposals SET supports = supports + 1 WHERE id = ?", "i", id) != 1)
			goto fail;
		p.supports++;
		if (p.threshold > 0 && p.supports >= p.threshold && !p.reached_at) {
			if (store_run(s, "UPDATE proposals SET reached_at = ? WHERE id = ? AND reached_at = 0", "ii", now, id) != 1 ||
			    !notify_threshold(s, a, &p, base_url, lang_supported(lang) ? lang : "ar"))
				goto fail;
			*reached = true;
		}
	} else {
		int64_t n = store_run(s, "DELETE FROM proposal_supports WHERE proposal_id = ? AND user_id = ?", "ii", id, user_id);
		if (n < 0)
			goto fail;
		if (n == 0) {
			res = SUPPORT_NOT_SUPPORTED;
			goto fail;
		}
		if (store_run(s, "UPDATE proposals SET supports = supports - 1 WHERE id = ?", "i", id) != 1)
			goto fail;
	}
	if (!store_commit(s))
		goto fail;
	if (*reached)
		jobs_kick();
	return SUPPORT_OK;
fail:
	store_rollback(s);
	return res;
}

static bool notify_answer(store *s, arena *a, const struct proposal *p, int64_t uid, const char *answer, const char *text,
			  int64_t now, const char *base_url)
{
	const char *L = NULL;
	const char *to = user_email(s, a, uid, &L);
	if (!to)
		return true;
	if (!L || !lang_supported(L))
		L = "ar";
	const char *link = arena_printf(a, "%s/proposals/%lld", base_url, (long long)p->id);
	const char *verdict = T(L, arena_printf(a, "prop.answer_%s", answer));
	const char *subject = T_fill(a, T(L, "prop.mail_answer_subject"), 1, (const char *[]){p->title});
	const char *body = T_fill(a, T(L, "prop.mail_answer_body"), 4, (const char *[]){p->title, verdict, text, link});
	return mail_queue(s, arena_printf(a, "prop-answer:%lld:%lld:%lld", (long long)p->id, (long long)now, (long long)uid), to,
			  subject, body, NULL, L) >= 0;
}

bool proposal_answer(store *s, arena *a, int64_t id, const char *answer, const char *text, int64_t by, int64_t now,
		     const char *base_url)
{
	char *html = markdown_render(text, strlen(text));
	if (!html)
		return false;
	struct proposal p;
	if (!store_begin(s)) {
		free(html);
		return false;
	}
	if (!proposal_load(s, a, id, &p) ||
	    store_run(s, "UPDATE proposals SET answer = ?, answer_text = ?, answer_html = ?, answered_by = ?, answered_at = ?,"
			 " updated_at = ? WHERE id = ?", "tttiiii", answer, text, html, by, now, now, id) != 1 ||
	    !notify_answer(s, a, &p, p.author_id, answer, text, now, base_url))
		goto fail;
	store_stmt *st = store_prepare(s, "SELECT user_id FROM proposal_supports WHERE proposal_id = ? ORDER BY created_at");
	if (!st)
		goto fail;
	store_bind_int(st, 1, id);
	int64_t *users = NULL;
	size_t n = 0, cap = 0;
	while (store_step(st) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int64_t *nu = arena_alloc(a, sizeof *nu * cap);
			if (n)
				memcpy(nu, users, sizeof *nu * n);
			users = nu;
		}
		users[n++] = store_int(st, 0);
	}
	store_done(st);
	for (size_t i = 0; i < n; i++)
		if (!notify_answer(s, a, &p, users[i], answer, text, now, base_url))
			goto fail;
	if (!proposal_reindex(s, id) || !store_commit(s))
		goto fail;
	free(html);
	jobs_kick();
	return true;
fail:
	store_rollback(s);
	free(html);
	return false;
}
