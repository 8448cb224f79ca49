/* Surveys: storage and the response transaction. */
#include "features/surveys/surveys.h"
#include "features/insight/insight.h"
#include "core/util.h"
#include <string.h>

const char *const q_kind_names[Q_KIND_COUNT] = {"single", "multiple", "short", "long", "number", "scale"};

bool q_kind_parse(const char *name, enum q_kind *out)
{
	for (int i = 0; name && i < Q_KIND_COUNT; i++)
		if (!strcmp(name, q_kind_names[i])) {
			*out = (enum q_kind)i;
			return true;
		}
	return false;
}

bool survey_open(const struct survey *sv, int64_t now)
{
	return now >= sv->opens_at && (!sv->closes_at || now < sv->closes_at);
}

#define SURVEY_COLS "id, dept_id, coalesce(created_by, 0), title, intro, opens_at, closes_at, verified_only, results_public," \
		    " responses, created_at"

static void row(store_stmt *st, arena *a, struct survey *sv)
{
	memset(sv, 0, sizeof *sv);
	sv->id = store_int(st, 0);
	sv->dept_id = store_int(st, 1);
	sv->created_by = store_int(st, 2);
	sv->title = arena_strdup(a, store_text(st, 3));
	sv->intro = arena_strdup(a, store_text(st, 4));
	sv->opens_at = store_int(st, 5);
	sv->closes_at = store_int(st, 6);
	sv->verified_only = store_int(st, 7) != 0;
	sv->results_public = store_int(st, 8) != 0;
	sv->responses = store_int(st, 9);
	sv->created_at = store_int(st, 10);
}

bool survey_load(store *s, arena *a, int64_t id, struct survey *sv)
{
	store_stmt *st = store_prepare(s, "SELECT " SURVEY_COLS " FROM surveys WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		row(st, a, sv);
	store_done(st);
	if (!found)
		return false;
	sv->questions = arena_alloc(a, sizeof *sv->questions * SURVEY_QUESTIONS_MAX);
	st = store_prepare(s, "SELECT id, kind, label, required, min_value, max_value FROM survey_questions WHERE survey_id = ?"
			      " ORDER BY position");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	while (store_step(st) == STORE_ROW && sv->nquestions < SURVEY_QUESTIONS_MAX) {
		struct s_question *q = &sv->questions[sv->nquestions++];
		q->id = store_int(st, 0);
		q_kind_parse(store_text(st, 1), &q->kind);
		q->label = arena_strdup(a, store_text(st, 2));
		q->required = store_int(st, 3) != 0;
		q->has_min = !store_is_null(st, 4);
		q->min = store_int(st, 4);
		q->has_max = !store_is_null(st, 5);
		q->max = store_int(st, 5);
	}
	store_done(st);
	for (int i = 0; i < sv->nquestions; i++) {
		struct s_question *q = &sv->questions[i];
		if (q->kind != Q_SINGLE && q->kind != Q_MULTIPLE)
			continue;
		q->options = arena_alloc(a, sizeof *q->options * SURVEY_OPTIONS_MAX);
		st = store_prepare(s, "SELECT id, label FROM survey_options WHERE question_id = ? ORDER BY position");
		if (!st)
			return false;
		store_bind_int(st, 1, q->id);
		while (store_step(st) == STORE_ROW && q->noptions < SURVEY_OPTIONS_MAX) {
			q->options[q->noptions].id = store_int(st, 0);
			q->options[q->noptions++].label = arena_strdup(a, store_text(st, 1));
		}
		store_done(st);
	}
	return true;
}

int survey_list(store *s, arena *a, int64_t dept_id, int limit, int offset, struct survey **out)
{
	store_stmt *st = store_prepare(s, "SELECT " SURVEY_COLS " FROM surveys WHERE (?1 = 0 OR dept_id = ?1)"
					  " ORDER BY opens_at DESC, id DESC LIMIT ?2 OFFSET ?3");
	if (!st)
		return -1;
	store_bind_int(st, 1, dept_id);
	store_bind_int(st, 2, limit);
	store_bind_int(st, 3, offset);
	*out = arena_alloc(a, sizeof **out * (size_t)(limit > 0 ? limit : 1));
	int n = 0;
	while (n < limit && store_step(st) == STORE_ROW)
		row(st, a, &(*out)[n++]);
	store_done(st);
	return n;
}

static bool insert_questions(store *s, const struct survey *sv)
{
	for (int i = 0; i < sv->nquestions; i++) {
		const struct s_question *q = &sv->questions[i];
		store_stmt *st = store_prepare(s, "INSERT INTO survey_questions(survey_id, position, kind, label, required, min_value,"
						  " max_value) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
		if (!st)
			return false;
		store_bind_int(st, 1, sv->id);
		store_bind_int(st, 2, i + 1);
		store_bind_text(st, 3, q_kind_names[q->kind]);
		store_bind_text(st, 4, q->label);
		store_bind_int(st, 5, q->required);
		if (q->has_min)
			store_bind_int(st, 6, q->min);
		else
			store_bind_null(st, 6);
		if (q->has_max)
			store_bind_int(st, 7, q->max);
		else
			store_bind_null(st, 7);
		int64_t qid = store_step(st) == STORE_ROW ? store_int(st, 0) : 0;
		while (qid && store_step(st) == STORE_ROW)
			;
		store_done(st);
		if (!qid)
			return false;
		for (int k = 0; k < q->noptions; k++)
			if (store_run(s, "INSERT INTO survey_options(question_id, position, label) VALUES (?, ?, ?)", "iit", qid,
				      (int64_t)(k + 1), q->options[k].label) != 1)
				return false;
	}
	return true;
}

int64_t survey_create(store *s, struct survey *sv)
{
	if (!store_begin(s))
		return -1;
	int64_t now = now_s();
	sv->id = store_scalar(s, -1,
		"INSERT INTO surveys(dept_id, created_by, title, intro, opens_at, closes_at, verified_only, results_public,"
		" created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		"iittiiiiii", sv->dept_id, sv->created_by, sv->title, sv->intro, sv->opens_at, sv->closes_at,
		(int64_t)sv->verified_only, (int64_t)sv->results_public, now, now);
	if (sv->id <= 0 || !insert_questions(s, sv) || !store_commit(s)) {
		store_rollback(s);
		return -1;
	}
	sv->created_at = now;
	return sv->id;
}

bool survey_update(store *s, const struct survey *sv, bool replace_questions)
{
	if (!store_begin(s))
		return false;
	if (replace_questions &&
	    (store_scalar(s, 1, "SELECT count(*) FROM survey_responses WHERE survey_id = ?", "i", sv->id) != 0 ||
	     store_run(s, "DELETE FROM survey_questions WHERE survey_id = ?", "i", sv->id) < 0 || !insert_questions(s, sv)))
		goto fail;
	if (store_run(s, "UPDATE surveys SET title = ?, intro = ?, opens_at = ?, closes_at = ?, verified_only = ?,"
			 " results_public = ?, updated_at = ? WHERE id = ?", "ttiiiiii", sv->title, sv->intro, sv->opens_at,
		      sv->closes_at, (int64_t)sv->verified_only, (int64_t)sv->results_public, now_s(), sv->id) != 1 ||
	    !store_commit(s))
		goto fail;
	return true;
fail:
	store_rollback(s);
	return false;
}

bool survey_close(store *s, int64_t id, int64_t now)
{
	return store_run(s, "UPDATE surveys SET closes_at = ?1, updated_at = ?1 WHERE id = ?2 AND (closes_at = 0 OR closes_at > ?1)",
			 "ii", now, id) >= 0;
}

bool survey_responded(store *s, int64_t survey_id, int64_t user_id)
{
	return store_scalar(s, 0, "SELECT count(*) FROM survey_responses WHERE survey_id = ? AND user_id = ?", "ii", survey_id,
			    user_id) > 0;
}

enum respond_result survey_respond(store *s, int64_t survey_id, int64_t user_id, const struct s_answer *ans, int n, int64_t now)
{
	if (!store_begin(s))
		return RESPOND_ERROR;
	enum respond_result res = RESPOND_ERROR;
	if (store_scalar(s, 0, "SELECT count(*) FROM surveys WHERE id = ?1 AND opens_at <= ?2 AND (closes_at = 0 OR closes_at > ?2)",
			 "ii", survey_id, now) != 1) {
		res = RESPOND_CLOSED;
		goto fail;
	}
	/* UNIQUE(survey_id, user_id) holds the one-response rule. */
	int64_t rid = store_scalar(s, -1, "INSERT INTO survey_responses(survey_id, user_id, created_at) VALUES (?, ?, ?) RETURNING id",
				   "iii", survey_id, user_id, now);
	if (rid <= 0) {
		if (store_constraint_error(s))
			res = RESPOND_ALREADY;
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		store_stmt *st = store_prepare(s, "INSERT INTO survey_answers(response_id, question_id, option_id, text, num)"
						  " VALUES (?, ?, ?, ?, ?)");
		if (!st)
			goto fail;
		store_bind_int(st, 1, rid);
		store_bind_int(st, 2, ans[i].question_id);
		if (ans[i].option_id)
			store_bind_int(st, 3, ans[i].option_id);
		else
			store_bind_null(st, 3);
		store_bind_text(st, 4, ans[i].text);
		if (ans[i].has_num)
			store_bind_int(st, 5, ans[i].num);
		else
			store_bind_null(st, 5);
		int rc = store_step(st);
		store_done(st);
		if (rc != STORE_DONE)
			goto fail;
	}
	/* Free-text answers are citizens' words: they feed public-opinion reading. */
	int64_t dept = store_scalar(s, 0, "SELECT dept_id FROM surveys WHERE id = ?", "i", survey_id);
	for (int i = 0; i < n; i++) {
		if (!ans[i].text || !*ans[i].text)
			continue;
		int64_t aid = store_scalar(s, 0, "SELECT id FROM survey_answers WHERE response_id = ? AND question_id = ?", "ii", rid,
					   ans[i].question_id);
		struct insight_msg m = {.source = "survey_answer", .source_id = aid, .dept_id = dept, .channel = "web",
					.text = ans[i].text, .at = now};
		if (aid <= 0 || !insight_record(s, &m))
			goto fail;
	}
	if (store_run(s, "UPDATE surveys SET responses = responses + 1 WHERE id = ?", "i", survey_id) != 1 || !store_commit(s))
		goto fail;
	return RESPOND_OK;
fail:
	store_rollback(s);
	return res;
}
