/* Page layout, language choice, form helpers and static assets for the HTML
 * side. All output goes to r->out through the escaping writer (web/html.h). */
#ifndef MAJLIS_WEB_PAGE_H
#define MAJLIS_WEB_PAGE_H
#include "http/http.h"
#include "store/store.h"
#include "web/html.h"
#include "web/i18n.h"

/* Shorthand for T(r->lang, key). */
#define TR(r, key) T((r)->lang, (key))

/* Starts a page: doctype, <html lang dir>, head, site header and navigation,
 * opens <main>. title is plain text (escaped). */
void page_begin(struct req *r, const char *title);
/* Closes <main>, writes the footer and ends the document. The caller then
 * answers with resp_html(r, status). */
void page_end(struct req *r);
/* page_begin + a heading and a paragraph with the message + page_end + resp_html. */
void page_message(struct req *r, int status, const char *title_key, const char *msg_key);

/* This thread's database connection; when it cannot be had, answers 503 (in
 * the route's language and form) and returns NULL — handlers just return. */
store *req_store(struct req *r);

/* The language for r: account, ?lang=, lang cookie, Accept-Language, default.
 * Used as http_lang_hook. */
const char *lang_choose(struct req *r);
/* next if it is a path on this site (percent-encoded for a Location header),
 * otherwise "/". Arena-owned. */
const char *local_target(struct req *r, const char *next);
/* http_error_page_hook: an error page in the reader's language. */
void error_page(struct req *r, int status, const char *msg_key);
/* http_translate_hook. */
const char *translate(struct req *r, const char *key);

/* Registers GET /static/... (embedded CSS and icons, long-cached) and /lang/:code. */
void web_routes(void);
/* The URL of the stylesheet, with a content hash for caching. Static storage. */
const char *stylesheet_url(void);

/* ---- forms ---- */

struct form_errors {
	const char *field[24];
	const char *key[24];
	int n;
};

/* Records an error message key against a field. */
void form_error(struct form_errors *e, const char *field, const char *msg_key);
/* The message key for field, or NULL. */
const char *form_error_for(const struct form_errors *e, const char *field);
/* <input type="hidden" name="csrf" ...> */
void f_csrf(struct req *r);
/* A labelled input; value kept; error (if any) shown next to it and linked by
 * aria-describedby. type: "text", "email", "password", "datetime-local"... */
void f_input(struct req *r, const struct form_errors *e, const char *name, const char *label_key,
	     const char *type, const char *value, const char *extra_attrs);
/* A labelled textarea. */
void f_textarea(struct req *r, const struct form_errors *e, const char *name, const char *label_key,
		const char *value, int rows);
/* A labelled select; options ended by {NULL}. Each shows text if set, else the
 * catalog text of label_key, else the value. */
struct select_option { const char *value, *label_key, *text; };
void f_select(struct req *r, const struct form_errors *e, const char *name, const char *label_key,
	      const struct select_option *options, const char *selected);
/* A summary box at the top of a form when there are errors. */
void f_errors_summary(struct req *r, const struct form_errors *e);

#endif
