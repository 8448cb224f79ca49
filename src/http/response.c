/* Building answers: handlers fill status, body and headers; server.c sends them. */
#include "http/http.h"
#include "core/util.h"
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

struct principal *(*http_auth_hook)(struct req *r);
const char *(*http_lang_hook)(struct req *r);
void (*http_error_page_hook)(struct req *r, int status, const char *msg_key);
bool (*http_health_hook)(void);
void (*http_read_begin_hook)(void);
void (*http_read_end_hook)(void);
const char *(*http_translate_hook)(struct req *r, const char *key);

struct principal *req_who(struct req *r)
{
	if (!r->who_resolved) {
		r->who_resolved = true;
		r->who = http_auth_hook ? http_auth_hook(r) : NULL;
	}
	return r->who;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_param(struct req *r, const char *name)
{
	const char *v = kv_get(&r->form, name);
	return v ? v : kv_get(&r->query, name);
}

int64_t req_param_id(struct req *r, int i)
{
	int64_t id;
	if (i < 0 || i > 3 || !r->params[i])
		return 0;
	/* "/posts/12-some-slug": the id is the leading number */
	const char *s = r->params[i];
	size_t n = strspn(s, "0123456789");
	if (n == 0 || n > 18 || (s[n] && s[n] != '-'))
		return 0;
	char buf[20];
	memcpy(buf, s, n);
	buf[n] = 0;
	return parse_int64(buf, 1, INT64_MAX, &id) ? id : 0;
}

void resp_header(struct req *r, const char *name, const char *value)
{
	kv_add(r->a, &r->headers, arena_strdup(r->a, name), arena_strdup(r->a, value));
}

void resp_cookie(struct req *r, const char *name, const char *value, int max_age)
{
	bool secure = strncmp(r->cfg->base_url, "https://", 8) == 0;
	char *v;
	if (max_age >= 0)
		v = arena_printf(r->a, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s", name, value,
				 max_age, secure ? "; Secure" : "");
	else
		v = arena_printf(r->a, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", name, value,
				 secure ? "; Secure" : "");
	kv_add(r->a, &r->headers, "Set-Cookie", v);
}

void resp_html(struct req *r, int status)
{
	if (r->answered)
		return;
	r->answered = true;
	r->status = status;
	r->ctype = "text/html; charset=utf-8";
}

void resp_body(struct req *r, int status, const char *ctype, const char *body, size_t len)
{
	if (r->answered)
		return;
	r->answered = true;
	r->status = status;
	r->ctype = arena_strdup(r->a, ctype);
	sb_reset(&r->out);
	sb_append(&r->out, body, len);
}

void resp_json(struct req *r, int status, json_t *v)
{
	if (r->answered) {
		json_decref(v);
		return;
	}
	char *s = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	resp_body(r, status, "application/json; charset=utf-8", s ? s : "null", s ? strlen(s) : 4);
	free(s);
}

void resp_json_error(struct req *r, int status, const char *code, const char *message)
{
	resp_json(r, status, json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message));
}

void resp_redirect(struct req *r, const char *location)
{
	if (r->answered)
		return;
	resp_header(r, "Location", location);
	resp_body(r, 303, "text/plain; charset=utf-8", "", 0);
}

void resp_error(struct req *r, int status, const char *msg_key)
{
	if (r->answered)
		return;
	if (!r->is_api && http_error_page_hook) {
		sb_reset(&r->out);
		http_error_page_hook(r, status, msg_key);
		if (!r->answered)
			resp_html(r, status);
		return;
	}
	static const struct { int status; const char *code; } codes[] = {
		{400, "bad_request"}, {401, "unauthorized"}, {403, "forbidden"}, {404, "not_found"},
		{405, "method_not_allowed"}, {409, "conflict"}, {413, "too_large"}, {415, "unsupported_media_type"},
		{422, "invalid"}, {429, "rate_limited"}, {500, "internal"}, {503, "unavailable"},
	};
	const char *code = "error";
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].status == status)
			code = codes[i].code;
	/* code: machine-readable; message: the catalog text in the caller's language. */
	const char *msg = http_translate_hook ? http_translate_hook(r, msg_key) : msg_key;
	resp_json_error(r, status, code, msg);
}

void resp_cacheable(struct req *r, int ttl)
{
	r->cache_ttl = ttl;
}
