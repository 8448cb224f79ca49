/* The server: libmicrohttpd with a thread pool, request lifecycle, limits,
 * access log, security headers, compression and graceful shutdown. */
#include "http/http.h"
#include "http/cookie.h"
#include "http/csrf.h"
#include "http/pagecache.h"
#include "http/router.h"
#include "http/urlenc.h"
#include "core/log.h"
#include "core/util.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_QUERY_FIELDS 64
#define MAX_QUERY_VALUE 2048
#define MAX_FORM_FIELDS 256 /* parts of a form: text fields and files together */
#define MAX_URI 8192

static const struct config *server_cfg;
static atomic_int in_flight;

static const char security_headers[][2][64] = {
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Referrer-Policy", "same-origin"},
};
static const char csp[] = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
			  "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/* ---- lifecycle: created by the URI log callback, freed when completed ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct req *r = calloc(1, sizeof *r);
	if (!r)
		abort();
	r->a = arena_new();
	r->cfg = server_cfg;
	r->conn = c;
	r->t0 = mono_us();
	size_t n = strlen(uri);
	const char *q = memchr(uri, '?', n);
	r->path = q ? arena_strndup(r->a, uri, (size_t)(q - uri)) : arena_strdup(r->a, uri);
	r->raw_query = q ? arena_strdup(r->a, q + 1) : "";
	if (n > MAX_URI)
		r->body_bad = true;
	atomic_fetch_add(&in_flight, 1);
	return r;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;
	if (!r)
		return;
	if (r->method) {
		int64_t us = mono_us() - r->t0;
		log_info("%s %s %s%s %d %zu %.3fms%s", r->ip ? r->ip : "-", r->method, r->path,
			 r->raw_query[0] ? "?…" : "", r->status, r->bytes_out, (double)us / 1000.0,
			 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted");
	}
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	sb_free(&r->out);
	sb_free(&r->body);
	arena_free(r->a);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&in_flight, 1);
}

/* ---- multipart bodies through libmicrohttpd's post processor ---- */

/* Bytes allocated for an upload buffer holding len bytes (plus a NUL): the
 * next power of two, at least 4 KiB. */
static size_t upload_cap(size_t len)
{
	size_t cap = 4096;
	while (cap < len + 1)
		cap *= 2;
	return cap;
}

/* Text fields and files received so far. */
static int form_parts(const struct req *r)
{
	int n = r->form.n;
	for (const struct upload *u = r->uploads; u; u = u->next)
		n++;
	return n;
}

static enum MHD_Result on_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *filename, const char *content_type,
				     const char *transfer_encoding, const char *data, uint64_t off,
				     size_t size)
{
	struct req *r = cls;
	if (!key)
		return MHD_YES;
	/* libmicrohttpd calls once at the start of every part with whatever data
	 * it has, possibly none; the rest of the part follows at off > 0, or again
	 * at off 0 when that first call was empty. So a call at off 0 right after
	 * an empty one for the same name continues it. (An empty part followed by
	 * a part of the same name gives the same calls: the two are taken as one,
	 * whatever way the body was split, and the empty one is lost.) */
	if (filename) {
		struct upload *u = r->cur_upload;
		bool cont = u && (off > 0 || (u->len == 0 && !strcmp(u->field, key) && !strcmp(u->filename, filename)));
		if (!cont) {
			if (form_parts(r) >= MAX_FORM_FIELDS) {
				r->body_bad = true;
				return MHD_NO;
			}
			u = arena_alloc(r->a, sizeof *u);
			u->field = arena_strdup(r->a, key);
			u->filename = arena_strdup(r->a, filename);
			u->content_type = arena_strdup(r->a, content_type ? content_type : "");
			u->next = r->uploads;
			r->uploads = r->cur_upload = u;
		}
		/* Whole body is already bounded by body_limit. The buffer grows by
		 * doubling (its capacity is always upload_cap(len)), so a file costs
		 * O(size) memory and copying rather than one arena copy per chunk. */
		if (!u->data || u->len + size + 1 > upload_cap(u->len)) {
			char *grown = arena_alloc(r->a, upload_cap(u->len + size));
			if (u->len)
				memcpy(grown, u->data, u->len);
			u->data = grown;
		}
		memcpy(u->data + u->len, data, size);
		u->len += size;
		u->data[u->len] = 0;
		return MHD_YES;
	}
	bool after_text = !r->cur_upload; /* the previous call, if any, was for a text field */
	r->cur_upload = NULL;
	/* Values are C strings: a NUL would cut them (and differently depending on
	 * how the body was split), so it makes the form invalid, as elsewhere. */
	if (size && memchr(data, 0, size)) {
		r->body_bad = true;
		return MHD_NO;
	}
	/* Text fields may arrive in pieces: append to the last value of the same key. */
	struct kv *last = r->form.n ? &r->form.items[r->form.n - 1] : NULL;
	if (last && !strcmp(last->name, key) && (off > 0 || (after_text && !last->value[0]))) {
		size_t old = strlen(last->value);
		char *v = arena_alloc(r->a, old + size + 1);
		memcpy(v, last->value, old);
		memcpy(v + old, data, size);
		last->value = v;
	} else {
		if (form_parts(r) >= MAX_FORM_FIELDS) {
			r->body_bad = true;
			return MHD_NO;
		}
		kv_add(r->a, &r->form, arena_strdup(r->a, key), arena_strndup(r->a, data, size));
	}
	return MHD_YES;
}

/* ---- sending ---- */

static bool accepts_gzip(struct req *r)
{
	const char *ae = req_header(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

static bool compressible(const char *ctype)
{
	return ctype && (!strncmp(ctype, "text/", 5) || strstr(ctype, "json") || strstr(ctype, "xml"));
}

/* Queues the response held in r (or the given buffer). Takes ownership of buf. */
static enum MHD_Result send_buffer(struct req *r, char *buf, size_t len, const char *ctype, bool gz)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, buf, free);
	if (!resp) {
		free(buf);
		return MHD_NO;
	}
	if (ctype)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (compressible(ctype))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	if (ctype && !strncmp(ctype, "text/html", 9))
		MHD_add_response_header(resp, "Content-Security-Policy", csp);
	bool has_cache_control = false;
	for (int i = 0; i < r->headers.n; i++) {
		MHD_add_response_header(resp, r->headers.items[i].name, r->headers.items[i].value);
		has_cache_control |= !strcasecmp(r->headers.items[i].name, "Cache-Control");
	}
	if (!has_cache_control)
		MHD_add_response_header(resp, "Cache-Control", r->who ? "private, no-cache" : "no-cache");
	r->bytes_out = len;
	enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_response(struct req *r)
{
	if (!r->answered)
		resp_error(r, 500, "error.internal");
	const char *ctype = r->ctype;
	size_t len = r->out.len;
	char *buf = sb_detach(&r->out);
	char *gz = NULL;
	size_t gzlen = 0;
	if (len > 860 && compressible(ctype) && accepts_gzip(r) && !gzip_buffer(buf, len, &gz, &gzlen))
		gz = NULL;
	if (r->cache_key) /* the page cache keeps what this answer already computed */
		pagecache_put(r->cache_key, ctype, buf, len, gz, gzlen, r->cache_ttl);
	if (gz) {
		free(buf);
		return send_buffer(r, gz, gzlen, ctype, true);
	}
	return send_buffer(r, buf, len, ctype, false);
}

/* Answers from a cached page; compresses it once for the first gzip client. */
static void send_cached(struct req *r, const char *key, struct cached_page *page)
{
	r->answered = true;
	r->status = 200;
	r->ctype = arena_strdup(r->a, page->ctype);
	r->who_resolved = true;
	if (accepts_gzip(r) && !page->gz && page->len > 860 && compressible(page->ctype) &&
	    gzip_buffer(page->body, page->len, &page->gz, &page->gzlen))
		pagecache_add_gz(key, page->gz, page->gzlen);
	if (accepts_gzip(r) && page->gz) {
		free(page->body);
		send_buffer(r, page->gz, page->gzlen, r->ctype, true);
	} else {
		free(page->gz);
		send_buffer(r, page->body, page->len, r->ctype, false);
	}
}

/* ---- dispatch ---- */

static bool has_set_cookie(struct req *r)
{
	for (int i = 0; i < r->headers.n; i++)
		if (!strcmp(r->headers.items[i].name, "Set-Cookie"))
			return true;
	return false;
}

static bool anonymous_request(struct req *r)
{
	return !kv_get(&r->cookies, "majlis_session") && !req_header(r, "Authorization");
}

/* The route-level rule: may this caller reach the handler at all? */
static bool access_allowed(struct req *r)
{
	const struct route *rt = r->route;
	struct principal *who = req_who(r);
	switch (rt->access) {
	case ACCESS_ANYONE: return true;
	case ACCESS_LOGGED_IN: return who != NULL;
	case ACCESS_STAFF: return principal_is_staff(who);
	case ACCESS_ROLE: return principal_can(who, rt->role, 0);
	case ACCESS_SITE_ADMIN: return who && who->site_admin;
	}
	return false;
}

static void check_access_and_run(struct req *r)
{
	const struct route *rt = r->route;
	struct principal *who = req_who(r);
	if (!access_allowed(r)) {
		if (!who && !r->is_api) {
			char *next = url_encode(r->a, r->path);
			resp_redirect(r, arena_printf(r->a, "/login?next=%s", next));
		} else {
			resp_error(r, who ? 403 : 401, who ? "error.forbidden" : "error.login_required");
		}
		return;
	}
	bool state_changing = strcmp(r->method, "GET") && strcmp(r->method, "HEAD");
	if (state_changing && !(rt->flags & ROUTE_NO_CSRF) && !(who && who->via_token)) {
		/* Forms carry the token in a field; scripts and API calls with a session
		 * cookie carry it in a header. Anonymous API calls have no ambient
		 * authority to abuse, so they need none. */
		const char *tok = kv_get(&r->form, "csrf");
		if (!tok)
			tok = req_header(r, "X-CSRF-Token");
		bool needed = !r->is_api || who;
		if (needed && !csrf_valid(r, tok)) {
			resp_error(r, 403, "error.csrf");
			return;
		}
	}
	rt->fn(r);
}

static void dispatch(struct req *r)
{
	if (r->body_too_large) {
		resp_error(r, 413, "error.too_large");
		return;
	}
	if (r->body_bad) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	const struct route *rt = r->route;
	if (!rt) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	/* Parse urlencoded bodies now that the whole body is here. */
	const char *ct = req_header(r, "Content-Type");
	if ((rt->flags & (ROUTE_FORM | ROUTE_MULTIPART)) && r->body.len &&
	    ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
		if (urlenc_parse(r->a, r->body.data, r->body.len, &r->form, MAX_FORM_FIELDS,
				 r->cfg->body_limit) != URLENC_OK) {
			resp_error(r, 400, "error.bad_form");
			return;
		}
	}
	for (int i = 0; i < r->form.n; i++) {
		const char *v = r->form.items[i].value;
		if (!utf8_valid_text(r->form.items[i].name, strlen(r->form.items[i].name)) ||
		    !utf8_valid_text(v, strlen(v))) {
			resp_error(r, 400, "error.bad_form");
			return;
		}
	}
	if (http_lang_hook)
		r->lang = http_lang_hook(r);
	if (!r->lang)
		r->lang = r->cfg->default_lang;

	bool cacheable = (rt->flags & ROUTE_CACHE) && !strcmp(r->method, "GET") && anonymous_request(r);
	char *key = NULL;
	if (cacheable) {
		key = arena_printf(r->a, "%s|%s?%s", r->lang, r->path, r->raw_query);
		struct cached_page page;
		if (pagecache_get(key, &page)) {
			send_cached(r, key, &page);
			r->cache_ttl = -1; /* marks "already sent" */
			return;
		}
	}
	if (cacheable && http_read_begin_hook)
		http_read_begin_hook();
	check_access_and_run(r);
	if (cacheable && http_read_end_hook)
		http_read_end_hook();
	if (cacheable && r->cache_ttl > 0 && r->status == 200 && !has_set_cookie(r))
		r->cache_key = key;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **con_cls)
{
	struct req *r = *con_cls;
	if (!r)
		return MHD_NO;
	if (!r->method) {
		/* First call: headers only. Record state; answer on a later call so that
		 * libmicrohttpd keeps the connection alive. */
		r->method = arena_strdup(r->a, method);
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char ip[INET6_ADDRSTRLEN] = "-";
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof ip);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, sizeof ip);
		}
		r->ip = arena_strdup(r->a, ip);
		char *path = url_decode_path(r->a, r->path, strlen(r->path));
		if (!path || path[0] != '/')
			r->body_bad = true;
		else
			r->path = path;
		if (urlenc_parse(r->a, r->raw_query, strlen(r->raw_query), &r->query, MAX_QUERY_FIELDS,
				 MAX_QUERY_VALUE) != URLENC_OK)
			r->body_bad = true;
		const char *cookie = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE);
		if (cookie)
			cookie_parse(r->a, cookie, strlen(cookie), &r->cookies);
		bool known = false;
		r->route = r->body_bad ? NULL : route_find(r->a, r->method, r->path, r->params, &known);
		r->is_api = !strncmp(r->path, "/api/", 5) || (r->route && (r->route->flags & ROUTE_API));
		if (!r->route && known && !r->body_bad) {
			r->route = NULL;
			r->status = 405;
		}
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		int64_t clen;
		if (cl && parse_int64(cl, 0, INT64_MAX, &clen) && (uint64_t)clen > r->cfg->body_limit)
			r->body_too_large = true;
		/* A caller who may not reach the handler gets its answer without us
		 * parsing or keeping the body it sends: it is counted and dropped. */
		if (r->route && r->route->access != ACCESS_ANYONE && !access_allowed(r))
			r->skip_body = true;
		const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		if (!r->skip_body && r->route && (r->route->flags & ROUTE_MULTIPART) && ct &&
		    !strncasecmp(ct, "multipart/form-data", 19)) {
			r->pp = MHD_create_post_processor(c, 16 * 1024, on_post_field, r);
			if (!r->pp)
				r->body_bad = true;
		}
		if (!strcmp(r->path, "/healthz")) {
			r->is_api = true;
		}
		if (r->body_too_large) {
			/* A declared Content-Length over the limit: refuse now, before
			 * reading the body (and before "100 Continue"). libmicrohttpd
			 * accepts a response only here or once the whole body is in;
			 * the connection is closed after this answer. */
			resp_error(r, 413, "error.too_large");
			return send_response(r);
		}
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	if (*upload_size) {
		if (r->body_too_large || r->body_bad) {
			/* Over the limit while streaming (chunked) or unusable: discard;
			 * the final call answers 413 or 400. */
			*upload_size = 0; /* discard */
			return MHD_YES;
		}
		size_t total = r->body.len + r->skipped + *upload_size;
		if (total > r->cfg->body_limit) {
			r->body_too_large = true;
		} else if (r->skip_body) {
			r->skipped += *upload_size; /* counted against the limit, not kept */
		} else if (r->pp) {
			r->body.len += *upload_size; /* count only */
			if (MHD_post_process(r->pp, upload_data, *upload_size) != MHD_YES)
				r->body_bad = true;
		} else {
			sb_append(&r->body, upload_data, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!strcmp(r->path, "/healthz") && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))) {
		bool ok = http_health_hook && http_health_hook();
		r->answered = true;
		r->status = ok ? 200 : 503;
		r->ctype = "application/json";
		sb_puts(&r->out, ok ? "{\"status\":\"ok\"}" : "{\"status\":\"unavailable\"}");
		return send_response(r);
	}
	if (r->status == 405) {
		r->status = 0;
		resp_error(r, 405, "error.method_not_allowed");
		return send_response(r);
	}
	dispatch(r);
	if (r->cache_ttl == -1)
		return MHD_YES; /* served from the page cache */
	return send_response(r);
}

/* ---- start and stop ---- */

/* The options every daemon of ours gets: the request lifecycle callbacks and
 * the per-connection limits (o must have room for 7 items, END included). */
static void common_options(const struct config *cfg, struct MHD_OptionItem *o)
{
	int i = 0;
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, NULL};
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)(unsigned)cfg->request_timeout, NULL};
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)(64 * 1024), NULL};
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 2000, NULL};
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, 0, NULL};
	o[i++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
}

struct MHD_Daemon *http_start_for_tests(const struct config *cfg, unsigned flags)
{
	server_cfg = cfg;
	struct MHD_OptionItem common[7];
	common_options(cfg, common);
	return MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | flags, 0, NULL, NULL, on_request, NULL,
				MHD_OPTION_ARRAY, common, MHD_OPTION_END);
}

int http_serve(const struct config *cfg)
{
	server_cfg = cfg;
	int threads = cfg->threads > 0 ? cfg->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;

	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg->listen_port)};
	if (inet_pton(AF_INET, cfg->listen_host, &addr.sin_addr) != 1) {
		log_error("config key 'listen': '%s' is not an IPv4 address", cfg->listen_host);
		return 1;
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);

	struct MHD_OptionItem common[7];
	common_options(cfg, common);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG,
		(uint16_t)cfg->listen_port, NULL, NULL, on_request, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
		MHD_OPTION_ARRAY, common,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		MHD_OPTION_END);
	if (!d) {
		log_error("cannot listen on %s:%d (address in use, or not permitted)", cfg->listen_host,
			  cfg->listen_port);
		return 1;
	}
	log_info("majlis listening on http://%s:%d/ (%d threads)", cfg->listen_host, cfg->listen_port, threads);

	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: finishing requests in flight, then stopping", sig);
	MHD_quiesce_daemon(d);
	for (int i = 0; i < 100 && atomic_load(&in_flight) > 0; i++)
		usleep(100 * 1000);
	MHD_stop_daemon(d);
	pagecache_shutdown();
	log_info("stopped");
	return 0;
}
