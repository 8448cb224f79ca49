#include "features/comments/comments.h"

/* target_id names a row of another feature (consultations, posts, ...) and
 * author_id an account: by the features-own-their-tables rule neither carries a
 * foreign key. author_name is a display copy taken when the comment is written
 * (lists need no query per comment). parent_id and root_id are 0 on top-level
 * comments. norm_hash is the BLAKE2b of the normalised text (duplicates). */
const struct migration comments_migrations[] = {
	{1,
	 "CREATE TABLE comments ("
	 " id INTEGER PRIMARY KEY, target_type TEXT NOT NULL, target_id INTEGER NOT NULL,"
	 " parent_id INTEGER NOT NULL DEFAULT 0, root_id INTEGER NOT NULL DEFAULT 0,"
	 " depth INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 4),"
	 " author_id INTEGER NOT NULL, author_name TEXT NOT NULL,"
	 " body TEXT NOT NULL, body_html TEXT NOT NULL, norm_hash TEXT NOT NULL,"
	 " official INTEGER NOT NULL DEFAULT 0, hidden INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,"
	 " score INTEGER NOT NULL DEFAULT 0, ups INTEGER NOT NULL DEFAULT 0, downs INTEGER NOT NULL DEFAULT 0,"
	 " reply_count INTEGER NOT NULL DEFAULT 0, thread_count INTEGER NOT NULL DEFAULT 0,"
	 " created_at INTEGER NOT NULL, edited_at INTEGER);"
	 "CREATE INDEX comments_new ON comments(target_type, target_id, parent_id, id);"
	 "CREATE INDEX comments_top ON comments(target_type, target_id, parent_id, score, id);"
	 "CREATE INDEX comments_root ON comments(root_id, id);"
	 "CREATE INDEX comments_dup ON comments(norm_hash, created_at);"
	 "CREATE TABLE comment_votes ("
	 " comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE, user_id INTEGER NOT NULL,"
	 " value INTEGER NOT NULL CHECK (value IN (-1, 1)), at INTEGER NOT NULL,"
	 " PRIMARY KEY (comment_id, user_id));"},
	/* Visible (not hidden, not deleted) comments per target, kept in the
	 * transactions that change them, so that a page never counts 100,000 rows. */
	{2,
	 "CREATE TABLE comment_counts (target_type TEXT NOT NULL, target_id INTEGER NOT NULL, n INTEGER NOT NULL,"
	 " PRIMARY KEY (target_type, target_id));"
	 "INSERT INTO comment_counts(target_type, target_id, n) SELECT target_type, target_id, count(*) FROM comments"
	 " WHERE hidden = 0 AND deleted = 0 GROUP BY target_type, target_id;"},
	{0, NULL},
};
