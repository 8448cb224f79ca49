/* libFuzzer harness: multipart/form-data bodies through the real request path.
 * A daemon started by http_start_for_tests (src/http/server.c: the same
 * callbacks and per-connection options as the server) receives each input as
 * a raw HTTP/1.1 POST over a socketpair given to MHD_add_connection; this
 * harness drives it with MHD_run (no threads, reproducible). So libmicrohttpd's
 * header and post processor and our on_uri / on_request / on_post_field /
 * limits / dispatch validation / on_completed all run on every input.
 *
 * Input: a control line, then the body.
 *   first line (up to '\n'): space-separated settings, unknown ones ignored
 *     ct=...  Content-Type, the rest of the line (default
 *             "multipart/form-data; boundary=xx"; "ct=" alone sends none)
 *     r=N     the body is sent N times in a row (1..1000), e.g. 300 fields
 *     l=N     body_limit in bytes (default 1 MiB)
 *     c=N     chunk size of the second delivery (below)
 *     te      Transfer-Encoding: chunked instead of Content-Length
 *     p=c     route that checks the CSRF token (default: ROUTE_NO_CSRF)
 *     p=p     route for logged-in callers only (body is dropped unparsed)
 *   the rest: the body.
 *
 * Checked on every input:
 *   - the answer is one well-formed HTTP/1.1 response (status line, headers,
 *     Content-Length matching the body), within 5 s, and the connection is
 *     closed and completed (no leak, no hang);
 *   - its status is one the route may give: 200/400/413 (never 500);
 *     400/403/413 with the CSRF check; 303/413 for the private route, whose
 *     handler never runs;
 *   - in the handler (the echo route): at most 256 parts (text fields and
 *     files together), each field name and value valid UTF-8 text, uploads
 *     NUL-terminated and their total size within body_limit;
 *   - the request is sent twice, once as fast as the socket takes it and once
 *     in chunks of c bytes with the server running between chunks: both
 *     deliveries must give the same status and the same echoed fields and
 *     files (whatever way the bytes are split, the same request is seen),
 *     except that a body both too large and malformed may be refused with
 *     413 in one and 400 in the other. */
#include "core/config.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "http/http.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FIELDS 256          /* MAX_FORM_FIELDS in server.c: text fields and files */
#define MAX_BODY (64 * 1024)    /* after repetition */
#define MAX_CHUNKS 64           /* pieces of the second delivery, at most about */
#define HANG_SECONDS 5

static struct config cfg;
static struct MHD_Daemon *mhd;
static int handler_runs;

/* ---- the routes ---- */

static void echo(struct req *r)
{
	handler_runs++;
	if (r->form.n > MAX_FIELDS) {
		fprintf(stderr, "fuzz_multipart: %d text fields reached the handler\n", r->form.n);
		abort();
	}
	strbuf out = {0};
	for (int i = 0; i < r->form.n; i++) {
		const char *n = r->form.items[i].name, *v = r->form.items[i].value;
		if (!n || !v || !utf8_valid_text(n, strlen(n)) || !utf8_valid_text(v, strlen(v))) {
			fprintf(stderr, "fuzz_multipart: field %d is not valid UTF-8 text\n", i);
			abort();
		}
		sb_printf(&out, "F %zu:%s %zu:%s\n", strlen(n), n, strlen(v), v);
	}
	size_t total = 0;
	int parts = r->form.n;
	for (struct upload *u = r->uploads; u; u = u->next) {
		if (++parts > MAX_FIELDS) {
			fprintf(stderr, "fuzz_multipart: more than %d parts (text fields and files) reached the handler\n", MAX_FIELDS);
			abort();
		}
		if (!u->field || !u->filename || !u->content_type || !u->data || u->data[u->len] != 0) {
			fprintf(stderr, "fuzz_multipart: malformed upload\n");
			abort();
		}
		total += u->len;
		sb_printf(&out, "U %s|%s|%s %zu:", u->field, u->filename, u->content_type, u->len);
		sb_append(&out, u->data, u->len);
		sb_puts(&out, "\n");
	}
	if (total > r->cfg->body_limit) {
		fprintf(stderr, "fuzz_multipart: %zu upload bytes over body_limit %zu\n", total, r->cfg->body_limit);
		abort();
	}
	resp_body(r, 200, "application/octet-stream", out.data ? out.data : "", out.len);
	sb_free(&out);
}

static void never(struct req *r)
{
	fprintf(stderr, "fuzz_multipart: the handler of a logged-in-only route ran for an anonymous caller\n");
	abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	signal(SIGPIPE, SIG_IGN);
	log_set_quiet(1);
	config_defaults(&cfg);
	strcpy(cfg.default_lang, "en");
	/* No database: no auth hook (anonymous), no lang hook (default language),
	 * no error page hook (errors as JSON). */
	route_add(&(struct route){"POST", "/fuzz", echo, ACCESS_ANYONE, 0, ROUTE_MULTIPART | ROUTE_NO_CSRF, "echo"});
	route_add(&(struct route){"POST", "/fuzz/csrf", echo, ACCESS_ANYONE, 0, ROUTE_MULTIPART, "echo, CSRF checked"});
	route_add(&(struct route){"POST", "/fuzz/private", never, ACCESS_LOGGED_IN, 0,
				  ROUTE_MULTIPART | ROUTE_NO_CSRF, "logged in only"});
	mhd = http_start_for_tests(&cfg, 0);
	if (!mhd) {
		fprintf(stderr, "fuzz_multipart: cannot start the daemon\n");
		abort();
	}
	return 0;
}

/* ---- one exchange over a socketpair ---- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned connections(void)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return i ? i->num_connections : 0;
}

/* Sends req (its first head bytes at once, then chunk bytes at a time, the
 * daemon running between chunks; chunk 0 = as much as the socket takes) and
 * collects everything the server writes until it closes the connection. */
static void exchange(const char *req, size_t len, size_t head, size_t chunk, strbuf *resp)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) || fcntl(sv[0], F_SETFL, O_NONBLOCK)) {
		perror("fuzz_multipart: socketpair");
		abort();
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(40000)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (MHD_add_connection(mhd, sv[1], (struct sockaddr *)&sa, sizeof sa) != MHD_YES) {
		fprintf(stderr, "fuzz_multipart: MHD_add_connection failed\n");
		abort();
	}
	double deadline = now() + HANG_SECONDS;
	size_t off = 0;
	bool eof = false;
	char buf[16384];
	while (!eof) {
		if (off < len) {
			size_t n = len - off;
			if (chunk && off >= head && chunk < n)
				n = chunk;
			else if (chunk && off < head)
				n = head - off;
			ssize_t w = send(sv[0], req + off, n, MSG_NOSIGNAL);
			if (w > 0)
				off += (size_t)w;
			else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				off = len; /* the server closed early (e.g. an early 413): stop sending */
		}
		MHD_run(mhd);
		for (;;) {
			ssize_t n = recv(sv[0], buf, sizeof buf, 0);
			if (n > 0) {
				sb_append(resp, buf, (size_t)n);
				continue;
			}
			if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
				eof = true; /* closed (ECONNRESET when it left bytes unread) */
			break;
		}
		if (now() > deadline) {
			fprintf(stderr, "fuzz_multipart: no complete answer after %d s (%zu of %zu bytes sent, %zu received)\n",
				HANG_SECONDS, off, len, resp->len);
			abort();
		}
	}
	close(sv[0]);
	/* The request is over for the server too (on_completed ran, memory freed). */
	while (connections() > 0) {
		MHD_run(mhd);
		if (now() > deadline) {
			fprintf(stderr, "fuzz_multipart: connection not released after %d s\n", HANG_SECONDS);
			abort();
		}
	}
}

/* Checks resp is one HTTP/1.1 response; returns its status, *body its body. */
static int parse_response(const strbuf *resp, const char **body, size_t *blen)
{
	const char *s = resp->data ? resp->data : "";
	size_t n = resp->len;
	const char *end = n ? memmem(s, n, "\r\n\r\n", 4) : NULL;
	if (n < 13 || strncmp(s, "HTTP/1.1 ", 9) || !end || s[9] < '1' || s[9] > '5' || s[10] < '0' ||
	    s[10] > '9' || s[11] < '0' || s[11] > '9' || s[12] != ' ') {
		fprintf(stderr, "fuzz_multipart: not an HTTP response (%zu bytes): %.*s\n", n, (int)(n > 200 ? 200 : n), s);
		abort();
	}
	int status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
	const char *h = memchr(s, '\n', n) + 1;
	long clen = -1;
	while (h < end) {
		const char *eol = memmem(h, (size_t)(end + 2 - h), "\r\n", 2);
		if (!strncasecmp(h, "Content-Length:", 15))
			clen = strtol(h + 15, NULL, 10);
		h = eol + 2;
	}
	*body = end + 4;
	*blen = n - (size_t)(end + 4 - s);
	if (clen < 0 || (size_t)clen != *blen) {
		fprintf(stderr, "fuzz_multipart: status %d: Content-Length %ld but %zu body bytes\n", status, clen, *blen);
		abort();
	}
	return status;
}

/* ---- the input ---- */

struct settings {
	char ct[256];
	bool has_ct, chunked;
	unsigned repeat;
	size_t limit, chunk;
	const char *path;
	const int *allowed; /* statuses this route may answer, 0-terminated */
};

static const int allowed_echo[] = {200, 400, 413, 0};
static const int allowed_csrf[] = {400, 403, 413, 0};
static const int allowed_private[] = {303, 413, 0};

static size_t number(const char *s, const char *e, size_t max)
{
	size_t v = 0;
	for (; s < e && *s >= '0' && *s <= '9'; s++)
		v = v > max ? max : v * 10 + (size_t)(*s - '0');
	return v > max ? max : v;
}

static void parse_settings(const char *s, const char *e, struct settings *st)
{
	strcpy(st->ct, "multipart/form-data; boundary=xx");
	st->has_ct = true;
	st->repeat = 1;
	st->limit = 1u << 20;
	st->path = "/fuzz";
	st->allowed = allowed_echo;
	while (s < e) {
		const char *t = s;
		while (t < e && *t != ' ')
			t++;
		size_t n = (size_t)(t - s);
		if (n >= 3 && !memcmp(s, "ct=", 3)) {
			/* the rest of the line; bytes that would break the framing are dropped */
			size_t k = 0;
			for (const char *p = s + 3; p < e && k < sizeof st->ct - 1; p++)
				if ((unsigned char)*p >= 0x20 && *p != 0x7f)
					st->ct[k++] = *p;
			st->ct[k] = 0;
			st->has_ct = k > 0;
			break;
		} else if (n >= 2 && !memcmp(s, "r=", 2)) {
			st->repeat = (unsigned)number(s + 2, t, 1000);
			if (st->repeat < 1)
				st->repeat = 1;
		} else if (n >= 2 && !memcmp(s, "l=", 2)) {
			st->limit = number(s + 2, t, 1u << 20);
		} else if (n >= 2 && !memcmp(s, "c=", 2)) {
			st->chunk = number(s + 2, t, 1u << 20);
		} else if (n == 2 && !memcmp(s, "te", 2)) {
			st->chunked = true;
		} else if (n == 3 && !memcmp(s, "p=c", 3)) {
			st->path = "/fuzz/csrf";
			st->allowed = allowed_csrf;
		} else if (n == 3 && !memcmp(s, "p=p", 3)) {
			st->path = "/fuzz/private";
			st->allowed = allowed_private;
		}
		s = t + 1;
	}
}

static void build_request(const struct settings *st, const char *body, size_t blen, strbuf *req)
{
	sb_printf(req, "POST %s HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n", st->path);
	if (st->has_ct)
		sb_printf(req, "Content-Type: %s\r\n", st->ct);
	if (!st->chunked) {
		sb_printf(req, "Content-Length: %zu\r\n\r\n", blen);
		sb_append(req, body, blen);
		return;
	}
	sb_puts(req, "Transfer-Encoding: chunked\r\n\r\n");
	/* HTTP chunks of up to 1000 bytes: their framing is MHD's to undo. */
	for (size_t off = 0; off < blen; off += 1000) {
		size_t n = blen - off < 1000 ? blen - off : 1000;
		sb_printf(req, "%zx\r\n", n);
		sb_append(req, body + off, n);
		sb_puts(req, "\r\n");
	}
	sb_puts(req, "0\r\n\r\n");
}

static void dump(const char *what, int status, const char *b, size_t n)
{
	fprintf(stderr, "  %s: status %d, %zu bytes: ", what, status, n);
	for (size_t i = 0; i < n && i < 600; i++)
		fputc(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.', stderr);
	fputc('\n', stderr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	const char *nl = memchr(in, '\n', size);
	const char *line_end = nl ? nl : in + size;
	struct settings st = {0};
	parse_settings(in, line_end, &st);
	const char *unit = nl ? nl + 1 : in + size;
	size_t ulen = (size_t)(in + size - unit);

	strbuf body = {0};
	for (unsigned i = 0; i < st.repeat && body.len + ulen <= MAX_BODY; i++)
		sb_append(&body, unit, ulen);
	strbuf req = {0};
	build_request(&st, body.data ? body.data : "", body.len, &req);
	cfg.body_limit = st.limit;

	/* Second delivery: the headers, then the body in chunks of c bytes (default
	 * from the input's length), no more than about MAX_CHUNKS of them (each
	 * costs a round of the server). */
	size_t head = req.len - body.len;
	if (st.chunked) /* the chunked framing is split too */
		head = (size_t)((const char *)memmem(req.data, req.len, "\r\n\r\n", 4) - req.data) + 4;
	size_t chunk = st.chunk ? st.chunk : 1 + size % 97;
	if (chunk < (req.len - head) / MAX_CHUNKS + 1)
		chunk = (req.len - head) / MAX_CHUNKS + 1;

	int status[2];
	const char *b[2];
	size_t bl[2];
	strbuf resp[2] = {{0}, {0}};
	int runs[2];
	for (int k = 0; k < 2; k++) {
		handler_runs = 0;
		exchange(req.data, req.len, head, k ? chunk : 0, &resp[k]);
		runs[k] = handler_runs;
		status[k] = parse_response(&resp[k], &b[k], &bl[k]);
		bool ok = false;
		for (const int *a = st.allowed; *a; a++)
			ok |= *a == status[k];
		if (!ok) {
			fprintf(stderr, "fuzz_multipart: %s answered %d\n", st.path, status[k]);
			dump("answer", status[k], b[k], bl[k]);
			abort();
		}
		if ((status[k] == 200) != (runs[k] == 1) || runs[k] > 1) {
			fprintf(stderr, "fuzz_multipart: status %d but the handler ran %d times\n", status[k], runs[k]);
			abort();
		}
	}
	/* A body both too large and malformed gets 413 or 400 depending on which
	 * shows first, and that depends on the split: either refusal will do. */
	bool both_refused = (status[0] == 400 || status[0] == 413) && (status[1] == 400 || status[1] == 413);
	if (!both_refused && (status[0] != status[1] || bl[0] != bl[1] || memcmp(b[0], b[1], bl[0]))) {
		fprintf(stderr, "fuzz_multipart: the same request split in %zu-byte chunks was seen differently\n", chunk);
		dump("whole", status[0], b[0], bl[0]);
		dump("chunked", status[1], b[1], bl[1]);
		abort();
	}
	if (getenv("FUZZ_MULTIPART_SHOW")) /* to see what a seed does */
		dump(st.path, status[0], b[0], bl[0]);
	sb_free(&resp[0]);
	sb_free(&resp[1]);
	sb_free(&req);
	sb_free(&body);
	return 0;
}
