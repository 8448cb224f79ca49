#include "features/surveys/surveys.h"

/* dept_id, created_by, user_id name rows of the accounts feature: no foreign
 * keys across features. */
const struct migration surveys_migrations[] = {
	{1,
	 "CREATE TABLE surveys ("
	 " id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, created_by INTEGER, title TEXT NOT NULL,"
	 " intro TEXT NOT NULL DEFAULT '', opens_at INTEGER NOT NULL, closes_at INTEGER NOT NULL DEFAULT 0,"
	 " verified_only INTEGER NOT NULL DEFAULT 0, results_public INTEGER NOT NULL DEFAULT 0,"
	 " responses INTEGER NOT NULL DEFAULT 0 CHECK (responses >= 0),"
	 " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE INDEX surveys_list ON surveys(opens_at DESC, id DESC);"
	 "CREATE TABLE survey_questions ("
	 " id INTEGER PRIMARY KEY, survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
	 " position INTEGER NOT NULL,"
	 " kind TEXT NOT NULL CHECK (kind IN ('single','multiple','short','long','number','scale')),"
	 " label TEXT NOT NULL, required INTEGER NOT NULL DEFAULT 0, min_value INTEGER, max_value INTEGER,"
	 " UNIQUE (survey_id, position));"
	 "CREATE TABLE survey_options ("
	 " id INTEGER PRIMARY KEY, question_id INTEGER NOT NULL REFERENCES survey_questions(id) ON DELETE CASCADE,"
	 " position INTEGER NOT NULL, label TEXT NOT NULL);"
	 "CREATE INDEX survey_options_q ON survey_options(question_id, position);"
	 "CREATE TABLE survey_responses ("
	 " id INTEGER PRIMARY KEY, survey_id INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,"
	 " user_id INTEGER NOT NULL, created_at INTEGER NOT NULL, UNIQUE (survey_id, user_id));"
	 "CREATE TABLE survey_answers ("
	 " id INTEGER PRIMARY KEY, response_id INTEGER NOT NULL REFERENCES survey_responses(id) ON DELETE CASCADE,"
	 " question_id INTEGER NOT NULL REFERENCES survey_questions(id) ON DELETE CASCADE,"
	 " option_id INTEGER REFERENCES survey_options(id) ON DELETE CASCADE, text TEXT, num INTEGER,"
	 " hidden INTEGER NOT NULL DEFAULT 0);"
	 "CREATE INDEX survey_answers_q ON survey_answers(question_id, option_id);"
	 "CREATE INDEX survey_answers_r ON survey_answers(response_id);"},
	{0, NULL},
};
