#include "features/polls/polls.h"

/* dept_id, created_by and user_id name rows of the accounts feature: no foreign
 * key (features own their tables), checked through accounts.h. */
const struct migration polls_migrations[] = {
	{1,
	 "CREATE TABLE polls ("
	 " id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, created_by INTEGER,"
	 " question TEXT NOT NULL, multiple INTEGER NOT NULL DEFAULT 0,"
	 " max_choices INTEGER NOT NULL DEFAULT 1 CHECK (max_choices >= 1),"
	 " opens_at INTEGER NOT NULL, closes_at INTEGER NOT NULL DEFAULT 0,"
	 " results_after_close INTEGER NOT NULL DEFAULT 0, changeable INTEGER NOT NULL DEFAULT 0,"
	 " verified_only INTEGER NOT NULL DEFAULT 0,"
	 " ballots INTEGER NOT NULL DEFAULT 0 CHECK (ballots >= 0),"
	 " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE INDEX polls_list ON polls(opens_at DESC, id DESC);"
	 "CREATE INDEX polls_dept ON polls(dept_id, opens_at DESC, id DESC);"
	 "CREATE TABLE poll_options ("
	 " id INTEGER PRIMARY KEY, poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,"
	 " position INTEGER NOT NULL, label TEXT NOT NULL,"
	 " votes INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0), UNIQUE (poll_id, position));"
	 "CREATE TABLE poll_ballots ("
	 " id INTEGER PRIMARY KEY, poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,"
	 " user_id INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	 " UNIQUE (poll_id, user_id));"
	 "CREATE TABLE poll_choices ("
	 " ballot_id INTEGER NOT NULL REFERENCES poll_ballots(id) ON DELETE CASCADE,"
	 " option_id INTEGER NOT NULL REFERENCES poll_options(id) ON DELETE CASCADE,"
	 " PRIMARY KEY (ballot_id, option_id));"
	 "CREATE INDEX poll_choices_option ON poll_choices(option_id);"},
	{0, NULL},
};
