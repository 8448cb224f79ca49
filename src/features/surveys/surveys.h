/* Surveys: several questions (single choice, multiple choice, short text, long
 * text, whole number with optional min/max, scale 1–5), each required or
 * optional; one response per account, enforced by the database
 * (survey_responses UNIQUE(survey_id, user_id)); eligibility any account or
 * verified only, and always account_may_participate. A response is validated
 * whole before anything is written, then written in one transaction (response,
 * answers, counter): a refused response leaves no row behind.
 * Staff (editor role in the department) create, edit (questions only while
 * nobody has answered), close, read the summary (counts per choice, mean for
 * scale and number, free-text answers) and export responses as CSV (RFC 4180,
 * UTF-8, optional BOM). Free-text answers are never shown publicly: the
 * "survey_answer" moderation target exists so that staff (or moderators) can
 * hide an answer (abusive, personal data) from the summary and the export.
 * With results_public, the summary without free texts is public once closed.
 * Owns surveys, survey_questions, survey_options, survey_responses,
 * survey_answers. */
#ifndef MAJLIS_FEATURES_SURVEYS_H
#define MAJLIS_FEATURES_SURVEYS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration surveys_migrations[];
/* Registers the feature's routes. */
void surveys_routes(void);
/* Start-up wiring: registers the "survey_answer" moderation target. Once, before serving. */
void surveys_init(void);

#define SURVEY_TITLE_MAX 200       /* characters */
#define SURVEY_INTRO_MAX 2000
#define SURVEY_QUESTIONS_MAX 20
#define SURVEY_OPTIONS_MAX 20
#define SURVEY_LABEL_MAX 300
#define SURVEY_SHORT_MAX 200       /* characters of a short text answer */
#define SURVEY_LONG_MAX 5000
#define SURVEY_RESPONSES_PER_ACCOUNT 30 /* responses (and refusals) per minute */
#define SURVEY_RESPONSES_PER_IP 300

enum q_kind { Q_SINGLE, Q_MULTIPLE, Q_SHORT, Q_LONG, Q_NUMBER, Q_SCALE, Q_KIND_COUNT };
extern const char *const q_kind_names[Q_KIND_COUNT]; /* "single", "multiple", "short", "long", "number", "scale" */
bool q_kind_parse(const char *name, enum q_kind *out);

struct s_option {
	int64_t id;
	const char *label;
};

struct s_question {
	int64_t id;
	enum q_kind kind;
	const char *label;
	bool required;
	bool has_min, has_max;
	int64_t min, max;           /* number only */
	struct s_option *options;   /* choices only */
	int noptions;
};

struct survey {
	int64_t id, dept_id, created_by;
	const char *title, *intro;
	int64_t opens_at, closes_at;  /* closes_at 0 = no end */
	bool verified_only, results_public;
	int64_t responses, created_at;
	struct s_question *questions;
	int nquestions;
};

/* Loads a survey with its questions and options (arena). false when absent. */
bool survey_load(store *s, arena *a, int64_t id, struct survey *sv);
/* Open now? (opened, not closed) */
bool survey_open(const struct survey *sv, int64_t now);
/* Newest first; returns count or -1; *out arena (without questions). */
int survey_list(store *s, arena *a, int64_t dept_id, int limit, int offset, struct survey **out);
/* Inserts sv and its questions in one transaction; id set. -1 on error. */
int64_t survey_create(store *s, struct survey *sv);
/* Saves title, intro, dates, flags; replaces the questions when replace_questions
 * (refused, nothing changed, when a response exists). */
bool survey_update(store *s, const struct survey *sv, bool replace_questions);
bool survey_close(store *s, int64_t id, int64_t now);

/* One validated answer to write. */
struct s_answer {
	int64_t question_id;
	int64_t option_id;   /* 0 when not a choice */
	const char *text;    /* NULL when not a text */
	bool has_num;
	int64_t num;
};
enum respond_result { RESPOND_OK, RESPOND_ALREADY, RESPOND_CLOSED, RESPOND_ERROR };
/* Writes a response and its answers in one transaction; the UNIQUE constraint
 * refuses a second response. Nothing written unless RESPOND_OK. */
enum respond_result survey_respond(store *s, int64_t survey_id, int64_t user_id, const struct s_answer *ans, int n, int64_t now);
bool survey_responded(store *s, int64_t survey_id, int64_t user_id);

#endif
