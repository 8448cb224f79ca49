#include "features/posts/posts.h"

/* dept_id and author_id name rows of the accounts feature; by the features-own-
 * their-tables rule they carry no foreign key and are checked through accounts.h. */
const struct migration posts_migrations[] = {
	{1,
	 "CREATE TABLE posts ("
	 " id INTEGER PRIMARY KEY, dept_id INTEGER NOT NULL, author_id INTEGER,"
	 " kind TEXT NOT NULL CHECK (kind IN ('announcement','decision','policy','news')),"
	 " lang TEXT NOT NULL CHECK (lang IN ('ar','fr','en')),"
	 " title TEXT NOT NULL, slug TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL,"
	 " body_html TEXT NOT NULL, cover TEXT,"
	 " status TEXT NOT NULL CHECK (status IN ('draft','published','unpublished','archived')),"
	 " publish_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
	 "CREATE INDEX posts_public ON posts(status, publish_at DESC, id DESC);"
	 "CREATE INDEX posts_dept ON posts(dept_id, status, publish_at DESC, id DESC);"
	 "CREATE TABLE post_tags ("
	 " post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE, tag TEXT NOT NULL,"
	 " PRIMARY KEY (post_id, tag));"
	 "CREATE INDEX post_tags_tag ON post_tags(tag, post_id);"},
	/* A display copy of the tags on the row, so that lists need no query per post
	 * (post_tags stays the index for filtering by tag). */
	{2,
	 "ALTER TABLE posts ADD COLUMN tags TEXT NOT NULL DEFAULT '';"
	 "UPDATE posts SET tags = coalesce((SELECT group_concat(tag, ',') FROM"
	 " (SELECT tag FROM post_tags WHERE post_id = posts.id ORDER BY tag)), '');"},
	/* Comments under a post (comments feature), when the editor allows them. */
	{3, "ALTER TABLE posts ADD COLUMN comments_enabled INTEGER NOT NULL DEFAULT 0;"},
	{0, NULL},
};
