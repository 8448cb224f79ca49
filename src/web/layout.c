#include "web/page.h"
#include "http/csrf.h"
#include <string.h>

static void nav_link(struct req *r, const char *href, const char *key)
{
	bool here = !strcmp(r->path, href) || (strlen(href) > 1 && !strncmp(r->path, href, strlen(href)));
	h_printf(&r->out, "<a href=\"%s\"%s>%s</a>", href, here ? " aria-current=\"page\"" : "", TR(r, key));
}

void page_begin(struct req *r, const char *title)
{
	strbuf *o = &r->out;
	struct principal *who = req_who(r);
	h_printf(o, "<!doctype html><html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		    "<title>%s — %s</title><link rel=\"stylesheet\" href=\"%s\"><link rel=\"icon\" href=\"data:,\">"
		    "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/feeds/posts.atom\" title=\"%s\">"
		    "</head><body><header class=\"site\"><a class=\"brand\" href=\"/\">%s</a><nav>",
		 r->lang, lang_dir(r->lang), title, TR(r, "site.name"), stylesheet_url(),
		 TR(r, "feed.title"), TR(r, "site.name"));
	nav_link(r, "/posts", "nav.posts");
	nav_link(r, "/participate", "nav.participate");
	nav_link(r, "/requests/new", "nav.new_request");
	nav_link(r, "/search", "nav.search");
	if (principal_can(who, ROLE_AGENT, 0))
		nav_link(r, "/staff/requests", "nav.inbox");
	if (principal_can(who, ROLE_EDITOR, 0))
		nav_link(r, "/staff/posts", "nav.editor");
	if (principal_can(who, ROLE_MODERATOR, 0))
		nav_link(r, "/staff/moderation", "nav.moderation");
	if (who && (who->site_admin || principal_can(who, ROLE_ADMIN, 0)))
		nav_link(r, "/admin", "nav.admin");
	if (who) {
		nav_link(r, "/account", "nav.account");
		h_printf(o, "<form method=\"post\" action=\"/logout\" class=\"inline\">"
			    "<input type=\"hidden\" name=\"csrf\" value=\"%s\"><button>%s</button></form>",
			 csrf_token(r), TR(r, "nav.logout"));
	} else {
		nav_link(r, "/login", "nav.login");
	}
	h_raw(o, "</nav><nav class=\"langs\" aria-label=\"");
	h_text(o, TR(r, "nav.language"));
	h_raw(o, "\">");
	static const char *names[3] = {"العربية", "Français", "English"};
	for (int i = 0; i < 3; i++) {
		if (!strcmp(r->lang, i18n_langs[i]))
			h_printf(o, "<span lang=\"%s\">%s</span>", i18n_langs[i], names[i]);
		else
			h_printf(o, "<a lang=\"%s\" hreflang=\"%s\" href=\"/lang/%s?next=%s\">%s</a>",
				 i18n_langs[i], i18n_langs[i], i18n_langs[i], r->path, names[i]);
	}
	h_raw(o, "</nav></header><main>");
}

void page_end(struct req *r)
{
	h_printf(&r->out, "</main><footer><a href=\"/feeds/posts.atom\">%s</a> · %s</footer></body></html>",
		 TR(r, "feed.link"), TR(r, "site.footer"));
}

void page_message(struct req *r, int status, const char *title_key, const char *msg_key)
{
	sb_reset(&r->out);
	page_begin(r, TR(r, title_key));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, title_key), TR(r, msg_key));
	page_end(r);
	resp_html(r, status);
}

void error_page(struct req *r, int status, const char *msg_key)
{
	if (!r->lang)
		r->lang = lang_choose(r);
	char title[32];
	snprintf(title, sizeof title, "status.%d", status);
	page_message(r, status, title, msg_key);
}

const char *translate(struct req *r, const char *key)
{
	return T(r->lang ? r->lang : lang_choose(r), key);
}
