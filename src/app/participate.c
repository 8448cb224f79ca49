/* GET /participate: one page that gathers every way to take part — open
 * consultations, polls, surveys and the latest proposals — so the site's
 * navigation needs a single link. Composition only: each block is read
 * through its feature's header. */
#include "app/app.h"
#include "features/consultations/consultations.h"
#include "features/polls/polls.h"
#include "features/proposals/proposals.h"
#include "features/surveys/surveys.h"
#include "core/util.h"
#include "web/page.h"

static void section(struct req *r, const char *title_key, const char *all_href)
{
	h_printf(&r->out, "<h2>%s</h2>", TR(r, title_key));
	(void)all_href;
}

static void participate_page(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	int64_t now = now_s();
	page_begin(r, TR(r, "participate.title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "participate.title"), TR(r, "participate.intro"));

	section(r, "participate.consultations", "/consultations");
	struct consult_filter cf = {.status = CONSULT_OPEN, .limit = 5};
	struct consultation *c;
	const char *next;
	int n = consultation_list(s, r->a, &cf, now, &c, &next);
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n; i++)
		h_printf(&r->out, "<li lang=\"%s\"><a href=\"%s\">%s</a></li>", c[i].lang, consultation_path(r->a, &c[i]), c[i].title);
	if (n <= 0)
		h_printf(&r->out, "<li>%s</li>", TR(r, "participate.none_open"));
	h_printf(&r->out, "</ul><p><a href=\"/consultations\">%s</a></p>", TR(r, "participate.all_consultations"));

	section(r, "participate.polls", "/polls");
	struct poll *polls;
	n = poll_list(s, r->a, 0, POLL_OPEN, now, 5, 0, &polls);
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n; i++)
		h_printf(&r->out, "<li><a href=\"/polls/%lld\">%s</a></li>", (long long)polls[i].id, polls[i].question);
	if (n <= 0)
		h_printf(&r->out, "<li>%s</li>", TR(r, "participate.none_open"));
	h_printf(&r->out, "</ul><p><a href=\"/polls\">%s</a></p>", TR(r, "participate.all_polls"));

	section(r, "participate.surveys", "/surveys");
	struct survey *sv;
	n = survey_list(s, r->a, 0, 20, 0, &sv);
	int shown = 0;
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n && shown < 5; i++)
		if (survey_open(&sv[i], now)) {
			h_printf(&r->out, "<li><a href=\"/surveys/%lld\">%s</a></li>", (long long)sv[i].id, sv[i].title);
			shown++;
		}
	if (!shown)
		h_printf(&r->out, "<li>%s</li>", TR(r, "participate.none_open"));
	h_printf(&r->out, "</ul><p><a href=\"/surveys\">%s</a></p>", TR(r, "participate.all_surveys"));

	section(r, "participate.proposals", "/proposals");
	struct proposal *p;
	n = proposal_recent(s, r->a, 0, 5, &p);
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n; i++)
		h_printf(&r->out, "<li><a href=\"/proposals/%lld\">%s</a> <span class=\"meta\">%lld ✓</span></li>",
			 (long long)p[i].id, p[i].title, (long long)p[i].supports);
	if (n <= 0)
		h_printf(&r->out, "<li>%s</li>", TR(r, "participate.none_open"));
	h_printf(&r->out, "</ul><p><a href=\"/proposals\">%s</a> · <a href=\"/proposals/new\">%s</a></p>",
		 TR(r, "participate.all_proposals"), TR(r, "participate.new_proposal"));
	page_end(r);
	resp_cacheable(r, 30);
	resp_html(r, 200);
}

void participate_routes(void)
{
	route_add(&(struct route){"GET", "/participate", participate_page, ACCESS_ANYONE, 0, ROUTE_CACHE,
				  "every way to take part: consultations, polls, surveys, proposals"});
}
