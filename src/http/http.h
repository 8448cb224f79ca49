/* The HTTP layer over libmicrohttpd: requests, responses, routes, hooks.
 * A handler receives a request whose query, form and cookies are already
 * parsed and validated (UTF-8, limits), whose route-level access rule has
 * already been checked, and answers with one of the resp_* calls. */
#ifndef MAJLIS_HTTP_HTTP_H
#define MAJLIS_HTTP_HTTP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "core/arena.h"
#include "core/config.h"
#include "core/strbuf.h"
#include "http/auth.h"
#include "http/kv.h"

struct MHD_Connection;
struct MHD_Daemon;
struct route;

struct upload {              /* a file field of a multipart form */
	const char *field;
	const char *filename;
	const char *content_type;
	char *data;              /* arena-owned */
	size_t len;
	struct upload *next;
};

struct req {
	arena *a;                /* freed after the response is sent */
	const struct config *cfg;
	struct MHD_Connection *conn;
	const char *method;
	const char *path;        /* percent-decoded, without the query */
	const char *raw_query;   /* after '?', or "" */
	const char *ip;
	struct kvlist query;
	struct kvlist form;      /* urlencoded or multipart text fields */
	struct kvlist cookies;
	struct upload *uploads;
	const char *params[4];   /* route captures (":id") in order */
	const struct route *route;
	bool is_api;             /* errors as JSON */

	/* identity, resolved lazily by req_who() */
	bool who_resolved;
	struct principal *who;
	const char *lang;        /* resolved by the lang hook before the handler */

	/* response being built */
	int status;
	strbuf out;
	const char *ctype;
	struct kvlist headers;
	int cache_ttl;           /* >0: anonymous response may be cached that long */
	const char *cache_key;   /* set by the server when this answer goes into the page cache */
	bool answered;

	/* internal to the server */
	strbuf body;
	void *pp;                /* multipart post processor */
	struct upload *cur_upload;
	bool body_too_large, body_bad;
	bool skip_body;          /* caller denied by the route's rule: body dropped */
	size_t skipped;          /* bytes dropped so far */
	int64_t t0;
	size_t bytes_out;
};

/* Who may call a route; checked before the handler runs. */
enum access {
	ACCESS_ANYONE = 0,
	ACCESS_LOGGED_IN,        /* any account */
	ACCESS_STAFF,            /* any staff role; the handler checks the department */
	ACCESS_ROLE,             /* route->role in some department; handler checks which */
	ACCESS_SITE_ADMIN,
};

enum route_flags {
	ROUTE_API = 1,           /* JSON errors; bearer tokens accepted */
	ROUTE_FORM = 2,          /* body is a form: parsed, and its CSRF token checked */
	ROUTE_MULTIPART = 4,     /* like FORM, and may carry files */
	ROUTE_CACHE = 8,         /* anonymous GET answers may be served from the page cache */
	ROUTE_NO_CSRF = 16,      /* form without CSRF check (login-free endpoints that need none) */
};

typedef void (*handler_fn)(struct req *r);

struct route {
	const char *method;      /* "GET", "POST", ... */
	const char *pattern;     /* "/posts/:id" — ':x' matches one non-empty segment */
	handler_fn fn;
	enum access access;
	enum role role;          /* for ACCESS_ROLE */
	int flags;
	const char *summary;     /* one line, for `majlis routes` */
};

/* Registers a route; the table is static and read-only once serving starts.
 * Earlier routes win on a tie. */
void route_add(const struct route *r);
/* Calls fn for every registered route, in order (used by `majlis routes`). */
void route_each(void (*fn)(const struct route *r, void *ctx), void *ctx);

/* ---- hooks set by the application at start-up ---- */

/* Resolves the principal from cookies or the Authorization header; may return NULL. */
extern struct principal *(*http_auth_hook)(struct req *r);
/* Chooses r->lang (account, cookie/param, Accept-Language, default). */
extern const char *(*http_lang_hook)(struct req *r);
/* Renders an HTML error page for status with a catalog message key. */
extern void (*http_error_page_hook)(struct req *r, int status, const char *msg_key);
/* Catalog text for key in r's language (for JSON error messages). */
extern const char *(*http_translate_hook)(struct req *r, const char *key);
/* Around the handler of an anonymous, cacheable GET (read-only by contract):
 * the application opens one read snapshot for all its queries. */
extern void (*http_read_begin_hook)(void);
extern void (*http_read_end_hook)(void);
/* Answers GET /healthz: true when the database answers. */
extern bool (*http_health_hook)(void);

/* ---- request helpers ---- */

/* The principal (NULL when anonymous). Resolved once per request. */
struct principal *req_who(struct req *r);
/* A request header, or NULL. */
const char *req_header(struct req *r, const char *name);
/* Query or form parameter (form first for POST), or NULL. */
const char *req_param(struct req *r, const char *name);
/* Route capture i as an integer id > 0, or 0 when it is not one. */
int64_t req_param_id(struct req *r, int i);

/* ---- responses (each answers once; later calls are ignored) ---- */

/* Sets a response header (name and value copied into the request arena). */
void resp_header(struct req *r, const char *name, const char *value);
/* Adds a Set-Cookie: HttpOnly, SameSite=Lax, Path=/, Secure when base_url is https.
 * max_age < 0 means a session cookie; 0 deletes it. */
void resp_cookie(struct req *r, const char *name, const char *value, int max_age);
/* Answers with r->out as HTML. */
void resp_html(struct req *r, int status);
/* Answers with body (copied) and content type. */
void resp_body(struct req *r, int status, const char *ctype, const char *body, size_t len);
/* Answers with a JSON value (reference stolen). */
void resp_json(struct req *r, int status, json_t *v);
/* {"error":{"code":code,"message":message}} with status. */
void resp_json_error(struct req *r, int status, const char *code, const char *message);
/* 303 See Other to location (a path on this site). */
void resp_redirect(struct req *r, const char *location);
/* An error in the form the route speaks: JSON for API routes, an HTML page
 * otherwise. msg_key names the catalog message (also used as the JSON code). */
void resp_error(struct req *r, int status, const char *msg_key);
/* Marks the answer cacheable for anonymous readers for ttl seconds. */
void resp_cacheable(struct req *r, int ttl);

/* ---- the server ---- */

/* Runs the server until SIGINT/SIGTERM; in-flight requests finish first.
 * Returns 0 on a clean stop, 1 if it could not start (message logged). */
int http_serve(const struct config *cfg);
/* For tests and fuzz harnesses: a daemon with http_serve's request handling and
 * per-connection options, but no listen socket (clients come through
 * MHD_add_connection) and no thread pool. flags are MHD_FLAG values added to
 * MHD_USE_NO_LISTEN_SOCKET: 0 to drive it with MHD_run, or
 * MHD_USE_INTERNAL_POLLING_THREAD. cfg must outlive the daemon; stop it with
 * MHD_stop_daemon. NULL if it cannot start. */
struct MHD_Daemon *http_start_for_tests(const struct config *cfg, unsigned flags);
/* Drops every cached page (call after any write that changes public pages). */
void page_cache_bump(void);

#endif
