/* Embedded static assets under /static/, cached for a year (names carry a hash). */
#include "web/page.h"
#include "core/embedded.h"
#include "core/util.h"
#include <string.h>

static char css_url[96];

const char *stylesheet_url(void)
{
	if (!css_url[0]) {
		const struct embedded_file *f = embedded_find("static/style.css");
		char h[65];
		hash_hex(h, f ? f->data : "", f ? f->len : 0);
		snprintf(css_url, sizeof css_url, "/static/style.css?v=%.12s", h);
	}
	return css_url;
}

static const char *mime(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot)
		return "application/octet-stream";
	if (!strcmp(dot, ".css")) return "text/css; charset=utf-8";
	if (!strcmp(dot, ".js")) return "text/javascript; charset=utf-8";
	if (!strcmp(dot, ".svg")) return "image/svg+xml";
	return "application/octet-stream";
}

static void serve_static(struct req *r)
{
	char path[128];
	snprintf(path, sizeof path, "static/%s", r->params[0]);
	const struct embedded_file *f = strchr(r->params[0], '/') ? NULL : embedded_find(path);
	if (!f) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
	resp_body(r, 200, mime(path), f->data, f->len);
}

void web_lang_routes(void);

void web_routes(void)
{
	route_add(&(struct route){"GET", "/static/:file", serve_static, ACCESS_ANYONE, 0, 0,
				  "embedded stylesheet and icons"});
	web_lang_routes();
}
