/* Posts: announcements, decisions, policies and news from departments. Owns the
 * posts and post_tags tables, the public pages, the editor pages, the JSON API
 * under /api/v1/posts and the Atom feeds. */
#ifndef MAJLIS_FEATURES_POSTS_H
#define MAJLIS_FEATURES_POSTS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "http/http.h"
#include "store/migrate.h"
#include "store/store.h"
#include "web/page.h"

extern const struct migration posts_migrations[];

/* Registers every posts route (pages, editor, API, feeds). */
void posts_routes(void);

#define POST_TITLE_MAX 200     /* characters */
#define POST_SUMMARY_MAX 500
#define POST_BODY_MAX (100 * 1024) /* bytes of Markdown */
#define POST_TAGS_MAX 10
#define POST_TAG_MAX 40

enum post_status { POST_DRAFT, POST_PUBLISHED, POST_UNPUBLISHED, POST_ARCHIVED };

struct post {
	int64_t id, dept_id, author_id;
	const char *kind, *lang, *title, *slug, *summary, *body, *body_html, *cover;
	enum post_status status;
	int64_t publish_at;            /* 0 when never published */
	int64_t created_at, updated_at;
	bool comments_enabled;         /* citizens may comment (comments feature) */
	const char **tags;             /* ntags strings */
	int ntags;
};

/* What an editor sends (form or JSON) before validation. NULL = not given. */
struct post_input {
	const char *kind, *lang, *title, *summary, *body, *tags, *dept, *publish_at;
	const char *cover;             /* media name already stored, or NULL */
	const char *comments_enabled;  /* "1"/"0", or NULL */
};

struct post_filter {
	int64_t dept_id;               /* 0 = any */
	const char *kind, *lang, *tag; /* NULL = any */
	bool staff_all;                /* every status (editor views) */
	int64_t *depts;                /* staff_all: restrict to these departments (ndepts>0) */
	int ndepts;
	int64_t before_at, before_id;  /* keyset cursor: rows strictly older; 0 = from newest */
	int limit;                     /* 1..100 */
};

/* Status names ("draft", ...) and the public label key for a post, which says
 * "scheduled" for a published post whose time has not come. */
const char *post_status_name(enum post_status s);
bool post_status_parse(const char *name, enum post_status *out);
const char *post_state_key(const struct post *p, int64_t now);
/* True when anonymous readers may see p now (published and due, or archived). */
bool post_visible(const struct post *p, int64_t now);
/* Kinds in display order, ended by NULL. */
extern const char *const post_kinds[];
bool post_kind_valid(const char *kind);

/* ---- storage (posts_store.c) ---- */
/* Loads one post with its tags into arena memory. false when absent. */
bool post_load(store *s, arena *a, int64_t id, struct post *p);
/* Lists posts matching f, newest first; *out arena-owned; returns count or -1.
 * Public listings show only visible, non-archived posts. */
int post_list(store *s, arena *a, const struct post_filter *f, int64_t now, struct post **out);
/* Inserts p (id, created/updated set here) and its tags in one transaction.
 * Returns the id, or -1. */
int64_t post_insert(store *s, struct post *p);
/* The same inside the caller's transaction (bulk loads); created_at and
 * updated_at are kept when set. Returns the id, or -1 (caller rolls back). */
int64_t post_insert_tx(store *s, struct post *p);
/* Saves every field of p and replaces its tags in one transaction. */
bool post_save(store *s, const struct post *p);
/* Sets status (and publish_at when at > 0). */
bool post_set_status(store *s, int64_t id, enum post_status st, int64_t at);
bool post_delete(store *s, int64_t id);
/* Puts the post in the search index when readers may see it (published or
 * archived), removes it otherwise. Inside the caller's transaction. */
bool post_reindex(store *s, int64_t id);
/* Earliest publish time still in the future, or 0 (for cache lifetimes). */
int64_t post_next_scheduled(store *s, int64_t now);

/* ---- validation (posts_input.c) ---- */
/* Validates in into p (merging over p's current values for fields not given).
 * Errors go to e as (field, catalog key). Renders Markdown. Returns e->n == 0. */
bool post_apply_input(store *s, arena *a, const struct post_input *in, struct post *p,
		      struct form_errors *e);

/* ---- shared rendering helpers (posts_pages.c) ---- */
/* Seconds an anonymous answer listing posts may be cached: at most max, and
 * never past the next scheduled publication (so it appears on time). */
int posts_cache_ttl(store *s, int64_t now, int max);
/* "/posts/12-slug" */
const char *post_path(arena *a, const struct post *p);
/* The department name in lang, or "" */
const char *post_dept_name(store *s, arena *a, int64_t dept_id, const char *lang);

/* Sub-registrations. */
void posts_pages_routes(void);
void posts_editor_routes(void);
void posts_api_routes(void);
void posts_feed_routes(void);

#endif
