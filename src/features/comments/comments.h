/* Comments: threaded, voted, moderated discussion under any target another
 * feature owns ("consultation", "post", later "proposal"). A target feature
 * registers a resolver (comments_register_target) that says whether a reader
 * may see the target, whether it takes comments now, its department (for the
 * "official" badge) and its link; it renders the thread on its own page with
 * comments_section. This feature owns the comments and comment_votes tables,
 * the comment pages (/comments/...), the JSON API under /api/v1/comments and
 * the "comment" moderation target.
 *
 * Rules (docs/DECISIONS.md, "Comments"):
 * - threads are at most COMMENT_MAX_DEPTH deep (a top-level comment is depth 1);
 *   a reply to a comment at that depth is refused (comments.too_deep);
 * - text is Markdown-lite: cmark parses it, only emphasis, strong, inline code,
 *   links (http, https, mailto) and line breaks are rendered, everything else
 *   becomes plain text; at most COMMENT_MAX_CHARS characters of valid UTF-8;
 * - the author edits within COMMENT_EDIT_WINDOW seconds and deletes (a
 *   tombstone keeps the thread); one up/down vote per account, changeable and
 *   removable; the score (ups - downs) is kept on the row in the vote's
 *   transaction;
 * - the same normalised text (trimmed, case-folded, inner white space
 *   collapsed) from one account twice within 24 h is refused; the same text
 *   (at least COMMENT_SPAM_MIN_CHARS characters) from COMMENT_SPAM_ACCOUNTS
 *   accounts within an hour is flagged "spam" to moderation by the system
 *   (flagger user id 0). */
#ifndef MAJLIS_FEATURES_COMMENTS_H
#define MAJLIS_FEATURES_COMMENTS_H
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "http/http.h"
#include "store/migrate.h"
#include "store/store.h"

extern const struct migration comments_migrations[];
/* Registers the feature's routes. */
void comments_routes(void);
/* Start-up wiring: registers the "comment" moderation target. Once, before serving. */
void comments_init(void);

#define COMMENT_MAX_CHARS 5000
#define COMMENT_MAX_DEPTH 4
#define COMMENT_EDIT_WINDOW (15 * 60)
#define COMMENT_DUP_WINDOW (24 * 3600)
#define COMMENT_SPAM_WINDOW 3600
#define COMMENT_SPAM_ACCOUNTS 3
#define COMMENT_SPAM_MIN_CHARS 20
#define COMMENT_PAGE 20          /* top-level comments per page */
#define COMMENT_THREAD_SHOWN 10  /* replies shown under each top-level comment */

/* ---- targets ---- */

/* What a target feature tells about one of its items, for one reader. */
struct comment_target_info {
	bool visible;          /* the reader may see the target and its comments */
	bool open;             /* it takes comments (and votes) now */
	const char *closed_key; /* catalog key saying why not, when !open */
	int64_t dept_id;       /* staff of this department comment as "official"; 0 = none */
	const char *title;     /* arena-owned */
	const char *path;      /* its page on this site, e.g. "/consultations/3"; arena-owned */
	bool quiet;            /* when closed and without comments, comments_section renders nothing */
};

struct comment_target {
	const char *type;      /* "consultation", "post", ... ([a-z_]+) */
	/* Fills *out for item id as seen by who (NULL = anonymous). false when the
	 * item does not exist. Strings in a. */
	bool (*resolve)(store *s, arena *a, int64_t id, const struct principal *who, struct comment_target_info *out);
};

/* Registers a target type (at start-up). The struct must outlive the program. */
void comments_register_target(const struct comment_target *t);
/* Resolves (type, id) for who; false when the type is unknown or the item absent. */
bool comments_target(store *s, arena *a, const char *type, int64_t id, const struct principal *who,
		     struct comment_target_info *out);

/* ---- comments ---- */

enum comment_sort { COMMENT_NEWEST, COMMENT_OLDEST, COMMENT_TOP };

struct comment {
	int64_t id, target_id, parent_id, root_id, author_id; /* parent_id/root_id 0 on top-level comments */
	const char *target_type, *author_name, *body, *body_html; /* arena-owned; "" when deleted */
	int depth;                 /* 1 = top level */
	bool official, hidden, deleted;
	int64_t score, ups, downs;
	int64_t reply_count;       /* direct replies */
	int64_t thread_count;      /* every reply below a top-level comment (0 on replies) */
	int64_t created_at, edited_at; /* edited_at 0 when never edited */
	int my_vote;               /* the viewer's vote (-1, 0, 1), when asked for */
};

/* Loads one comment (any state). false when absent. */
bool comment_get(store *s, arena *a, int64_t id, struct comment *c);

/* A page of top-level comments of a target, visible to viewer_id (hidden ones
 * only to their author; 0 = anonymous), sorted, after the keyset cursor (NULL
 * or "" for the first page; the form is comment_cursor's). *out arena-owned;
 * count returned (<= limit, 1..100), -1 on error or a malformed cursor.
 * Reads one index range: fast whatever the number of comments. */
int comment_list(store *s, arena *a, const char *type, int64_t target_id, enum comment_sort sort,
		 const char *cursor, int limit, int64_t viewer_id, struct comment **out);
/* The cursor that continues after c in sort order; arena-owned. */
const char *comment_cursor(arena *a, enum comment_sort sort, const struct comment *c);
/* Replies of the thread under top-level comment root_id with id > after, by id
 * (parents always come before their replies), at most limit (1..200), visible
 * to viewer_id. *out arena-owned; count or -1. */
int comment_thread(store *s, arena *a, int64_t root_id, int64_t after, int limit, int64_t viewer_id,
		   struct comment **out);
/* Direct replies of parent_id with id > after, by id. Same contract. */
int comment_replies(store *s, arena *a, int64_t parent_id, int64_t after, int limit, int64_t viewer_id,
		    struct comment **out);
/* Fills c->my_vote for user_id (0 leaves 0). */
void comment_my_vote(store *s, int64_t user_id, struct comment *c);
/* Number of visible (not hidden, not deleted) comments on a target. */
int64_t comment_count(store *s, const char *type, int64_t target_id);

/* The outcome of a write, with the HTTP status and catalog key to answer. */
struct comment_result {
	int status;            /* 200/201/204 on success */
	const char *key;       /* catalog key of the error (also the JSON code's source) */
	const char *field;     /* "body", "parent_id", ... or NULL */
	int retry_after;       /* seconds, on 429 */
};

/* Creates a comment (parent_id 0) or a reply by who on (type, target_id), from
 * ip. Checks, in this order: the target exists and is visible (404), who may
 * participate (403 with the account's reason), the target is open (403), the
 * rate limits (429), the parent (404 / 422 too deep), the text (422: empty,
 * too long, bad text), a duplicate (422). On success the row is committed,
 * *out (arena) holds it and cross-account spam is flagged to moderation.
 * Nothing is written on any error. */
bool comment_create(store *s, arena *a, const struct principal *who, const char *ip, const char *type,
		    int64_t target_id, int64_t parent_id, const char *body, struct comment *out,
		    struct comment_result *res);
/* Edits the author's own comment within the window (403 other's, 409 after
 * the window / deleted / hidden, 422 text). */
bool comment_edit(store *s, arena *a, const struct principal *who, int64_t id, const char *body,
		  struct comment *out, struct comment_result *res);
/* Deletes the author's own comment: text cleared, a tombstone stays, votes kept. */
bool comment_delete(store *s, arena *a, const struct principal *who, int64_t id, struct comment_result *res);
/* Sets who's vote on comment id to value (-1, 0 removes, 1). One row per
 * account (primary key); the score moves in the same transaction. Refused on
 * one's own, deleted or hidden comments and when the target is closed. */
bool comment_vote(store *s, arena *a, const struct principal *who, const char *ip, int64_t id, int value,
		  struct comment *out, struct comment_result *res);

/* ---- rendering ---- */

/* Renders the discussion of (type, target_id) into r->out: a heading, the
 * comment form (or why one cannot comment), the sort links, one page of
 * top-level comments (query parameters csort= and cafter=) each with up to
 * COMMENT_THREAD_SHOWN replies and a "more replies" link, and the pager.
 * Renders nothing when the target is closed, quiet and has no comments. */
void comments_section(struct req *r, store *s, const char *type, int64_t target_id);

#endif
