#include "web/page.h"
#include "http/urlenc.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Picks the best supported language from an Accept-Language header, honouring
 * q-values; NULL when none is supported. */
static const char *from_accept(const char *h)
{
	const char *best = NULL;
	double best_q = 0;
	while (h && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		const char *tag = h;
		while (*h && *h != ',' && *h != ';')
			h++;
		size_t n = (size_t)(h - tag);
		double q = 1.0;
		if (*h == ';') {
			const char *qs = strstr(h, "q=");
			const char *comma = strchr(h, ',');
			if (qs && (!comma || qs < comma))
				q = strtod(qs + 2, NULL);
			while (*h && *h != ',')
				h++;
		}
		for (int i = 0; i < 3; i++)
			if (n >= 2 && !strncasecmp(tag, i18n_langs[i], 2) && (n == 2 || tag[2] == '-') && q > best_q) {
				best = i18n_langs[i];
				best_q = q;
			}
	}
	return best;
}

const char *lang_choose(struct req *r)
{
	if (kv_get(&r->cookies, "majlis_session") || req_header(r, "Authorization")) {
		struct principal *p = req_who(r);
		if (p && lang_supported(p->lang))
			return p->lang;
	}
	const char *q = kv_get(&r->query, "lang");
	if (lang_supported(q))
		return q;
	const char *c = kv_get(&r->cookies, "lang");
	if (lang_supported(c))
		return c;
	const char *a = from_accept(req_header(r, "Accept-Language"));
	return a ? a : r->cfg->default_lang;
}

/* GET /lang/:code?next=/path — remembers the choice in a cookie and goes back. */
static void lang_switch(struct req *r)
{
	const char *code = r->params[0];
	if (!lang_supported(code)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	resp_header(r, "Cache-Control", "no-store");
	kv_add(r->a, &r->headers, "Set-Cookie",
	       arena_printf(r->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", code));
	resp_redirect(r, local_target(r, kv_get(&r->query, "next")));
}

void web_lang_routes(void)
{
	route_add(&(struct route){"GET", "/lang/:code", lang_switch, ACCESS_ANYONE, 0, 0,
				  "switch the interface language"});
}

const char *local_target(struct req *r, const char *next)
{
	/* Only paths on this site: "/x", never "//host" or "/\\host"; no controls. */
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/";
	strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)next; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			sb_free(&sb);
			return "/";
		}
		if (*p >= 0x80 || *p == ' ' || *p == '"' || *p == '<' || *p == '>')
			sb_printf(&sb, "%%%02X", *p);
		else
			sb_putc(&sb, (char)*p);
	}
	char *out = arena_strdup(r->a, sb_str(&sb));
	sb_free(&sb);
	return out;
}
