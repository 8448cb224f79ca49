/* Polls: public pages, the vote, results (HTML with SVG bars, CSV, JSON),
 * staff create/edit/close and the JSON API. */
#include "web/json_util.h"
#include "features/polls/polls.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include "http/ratelimit.h"
#include "http/urlenc.h"
#include "web/chart.h"
#include "web/page.h"
#include "web/csv_out.h"
#include <ctype.h>
#include <string.h>

#define PAGE_SIZE 20
#define POLL_TTL 5

static bool is_staff_for(struct req *r, int64_t dept_id)
{
	return principal_can(req_who(r), ROLE_EDITOR, dept_id);
}

/* True when the results may be shown to r now. */
static bool results_visible(struct req *r, const struct poll *p, int64_t now)
{
	return !p->results_after_close || poll_state(p, now) == POLL_CLOSED || is_staff_for(r, p->dept_id);
}

static bool load(struct req *r, store *s, struct poll *p, struct poll_option **o, int *n)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !poll_load(s, r->a, id, p, o, n)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	return true;
}

/* ---- results ---- */

static void results_block(struct req *r, const struct poll *p, const struct poll_option *o, int n)
{
	struct chart_bar *bars = arena_alloc(r->a, sizeof *bars * (size_t)(n ? n : 1));
	for (int i = 0; i < n; i++) {
		strbuf t = STRBUF_INIT;
		fmt_int(&t, r->lang, o[i].votes);
		sb_puts(&t, " · ");
		chart_percent(r, &t, o[i].votes, p->ballots);
		bars[i] = (struct chart_bar){o[i].label, o[i].votes, arena_strdup(r->a, sb_str(&t))};
		sb_free(&t);
	}
	strbuf nb = STRBUF_INIT;
	fmt_int(&nb, r->lang, p->ballots);
	const char *desc = T_fill(r->a, TR(r, p->multiple ? "poll.chart_desc_multiple" : "poll.chart_desc"), 1,
				  (const char *[]){sb_str(&nb)});
	h_printf(&r->out, "<section class=\"poll-results\"><h2>%s</h2><p>%s</p>", TR(r, "poll.results"), desc);
	sb_free(&nb);
	chart_hbars(r, arena_printf(r->a, "poll-%lld", (long long)p->id), p->question, desc, bars, n, 0);
	h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
			  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
		 TR(r, "poll.table_caption"), TR(r, "poll.option"), TR(r, "poll.votes"), TR(r, "poll.percent"));
	for (int i = 0; i < n; i++) {
		strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		fmt_int(&a, r->lang, o[i].votes);
		chart_percent(r, &b, o[i].votes, p->ballots);
		h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>", o[i].label, sb_str(&a), sb_str(&b));
		sb_free(&a);
		sb_free(&b);
	}
	h_printf(&r->out, "</tbody></table></div><p class=\"actions\"><a href=\"/polls/%lld/results.csv\">%s</a> · "
			  "<a href=\"/api/v1/polls/%lld/results\">%s</a></p></section>",
		 (long long)p->id, TR(r, "poll.download_csv"), (long long)p->id, TR(r, "poll.download_json"));
}

static json_t *poll_json(struct req *r, const struct poll *p, const struct poll_option *o, int n, bool with_results)
{
	int64_t now = now_s();
	json_t *opts = json_array();
	for (int i = 0; i < n; i++) {
		json_t *x = json_pack("{s:I,s:i,s:s}", "id", (json_int_t)o[i].id, "position", o[i].position, "label", o[i].label);
		if (with_results) {
			json_object_set_new(x, "votes", json_integer(o[i].votes));
			json_object_set_new(x, "percent", p->ballots ? json_real((double)o[i].votes * 100.0 / (double)p->ballots) : json_null());
		}
		json_array_append_new(opts, x);
	}
	json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:i,s:o,s:o,s:s,s:b,s:b,s:b,s:b,s:o}",
		"id", (json_int_t)p->id, "department_id", (json_int_t)p->dept_id, "question", p->question,
		"kind", p->multiple ? "multiple" : "single", "max_choices", p->max_choices,
		"opens_at", json_time(p->opens_at), "closes_at", json_time(p->closes_at), "state", poll_state_name(poll_state(p, now)),
		"results_after_close", p->results_after_close, "changeable", p->changeable, "verified_only", p->verified_only,
		"results_visible", with_results, "options", opts);
	json_object_set_new(j, "url", json_string(arena_printf(r->a, "%s/polls/%lld", r->cfg->base_url, (long long)p->id)));
	if (with_results)
		json_object_set_new(j, "ballots", json_integer(p->ballots));
	return j;
}

/* ---- public pages ---- */

static void poll_meta(struct req *r, const struct poll *p, int64_t now)
{
	enum poll_state st = poll_state(p, now);
	h_printf(&r->out, "<p class=\"meta\"><span class=\"chip poll-%s\">%s</span> ", poll_state_name(st), TR(r, poll_state_key(st)));
	if (st == POLL_UPCOMING) {
		h_printf(&r->out, "%s ", TR(r, "poll.opens"));
		fmt_date(&r->out, r->lang, (time_t)p->opens_at, true);
	} else if (p->closes_at) {
		h_printf(&r->out, "%s ", TR(r, st == POLL_CLOSED ? "poll.closed_on" : "poll.closes"));
		fmt_date(&r->out, r->lang, (time_t)p->closes_at, true);
	}
	if (p->verified_only)
		h_printf(&r->out, " · %s", TR(r, "poll.verified_only"));
	h_raw(&r->out, "</p>");
}

/* The list filters of the query string (?state=upcoming|open|closed, ?dept=SLUG,
 * ?page=N) into *st (-1 = any; 0, 1, 2 as poll_list takes them), *dept_id (0 =
 * any) and *page; false after answering 400 when one is malformed or unknown. */
static bool list_filters(struct req *r, store *s, int *st, int64_t *dept_id, int64_t *page)
{
	const char *state = kv_get(&r->query, "state"), *dept = kv_get(&r->query, "dept"), *pg = kv_get(&r->query, "page");
	*st = -1, *dept_id = 0, *page = 1;
	if (state && *state)
		*st = !strcmp(state, "upcoming") ? 0 : !strcmp(state, "open") ? 1 : !strcmp(state, "closed") ? 2 : -2;
	if (*st == -2 || (dept && *dept && !(*dept_id = dept_by_slug(s, dept))) || (pg && !parse_int64(pg, 1, 10000, page))) {
		resp_error(r, 400, "error.bad_request");
		return false;
	}
	return true;
}

static void list_page(struct req *r)
{
	store *s = req_store(r);
	int st;
	int64_t dept_id, page;
	if (!s || !list_filters(r, s, &st, &dept_id, &page))
		return;
	const char *state = kv_get(&r->query, "state"), *dept = kv_get(&r->query, "dept");
	int64_t now = now_s();
	struct poll *ps;
	int n = poll_list(s, r->a, dept_id, st, now, PAGE_SIZE + 1, (int)((page - 1) * PAGE_SIZE), &ps);
	page_begin(r, TR(r, "poll.list_title"));
	h_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/polls\" class=\"filters\">", TR(r, "poll.list_title"));
	static const struct select_option states[] = {{"", "filter.any", NULL}, {"open", "poll.state_open", NULL},
		{"upcoming", "poll.state_upcoming", NULL}, {"closed", "poll.state_closed", NULL}, {NULL, NULL, NULL}};
	f_select(r, NULL, "state", "poll.state", states, state);
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *dopts = arena_alloc(r->a, sizeof *dopts * (size_t)(nd + 2));
	dopts[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nd; i++)
		dopts[i + 1] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
	f_select(r, NULL, "dept", "poll.department", dopts, dept);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
	if (n <= 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "poll.none"));
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n && i < PAGE_SIZE; i++) {
		h_printf(&r->out, "<li><h2><a href=\"/polls/%lld\">%s</a></h2>", (long long)ps[i].id, ps[i].question);
		poll_meta(r, &ps[i], now);
		h_raw(&r->out, "</li>");
	}
	h_raw(&r->out, "</ul>");
	if (n > PAGE_SIZE)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/polls?state=%s&amp;dept=%s&amp;page=%lld\">%s</a></nav>",
			 state ? url_encode(r->a, state) : "", dept ? url_encode(r->a, dept) : "", (long long)page + 1, TR(r, "pager.older"));
	page_end(r);
	resp_cacheable(r, POLL_TTL);
	resp_html(r, 200);
}

/* The poll page; msg_key (optional) is shown as an error or a notice. */
static void show_poll(struct req *r, store *s, const struct poll *p, const struct poll_option *o, int n, int status,
		      const char *msg_key, bool msg_ok)
{
	int64_t now = now_s();
	struct principal *who = req_who(r);
	page_begin(r, p->question);
	h_printf(&r->out, "<article class=\"poll\"><h1>%s</h1>", p->question);
	poll_meta(r, p, now);
	if (msg_key)
		h_printf(&r->out, "<p class=\"%s\" role=\"%s\">%s</p>", msg_ok ? "notice ok" : "err-summary",
			 msg_ok ? "status" : "alert", TR(r, msg_key));
	int64_t *mine = NULL;
	int nmine = who ? poll_my_choices(s, r->a, p->id, who->user_id, &mine) : 0;
	enum poll_state st = poll_state(p, now);
	if (nmine)
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "poll.you_voted"));
	if (st == POLL_OPEN && (!nmine || p->changeable)) {
		if (!who) {
			h_printf(&r->out, "<p><a class=\"button\" href=\"/login?next=/polls/%lld\">%s</a></p>", (long long)p->id,
				 TR(r, "participate.login"));
		} else {
			h_printf(&r->out, "<form method=\"post\" action=\"/polls/%lld/vote\"><fieldset><legend>%s</legend>", (long long)p->id,
				 TR(r, p->multiple ? "poll.choose_many" : "poll.choose_one"));
			if (p->multiple) {
				strbuf mx = STRBUF_INIT;
				fmt_int(&mx, r->lang, p->max_choices);
				h_printf(&r->out, "<p class=\"hint\">%s</p>", T_fill(r->a, TR(r, "poll.max_hint"), 1, (const char *[]){sb_str(&mx)}));
				sb_free(&mx);
			}
			f_csrf(r);
			for (int i = 0; i < n; i++) {
				bool on = false;
				for (int k = 0; k < nmine; k++)
					on |= mine[k] == o[i].id;
				h_printf(&r->out, "<div class=\"choice\"><label><input type=\"%s\" name=\"option\" value=\"%lld\"%s> %s</label></div>",
					 p->multiple ? "checkbox" : "radio", (long long)o[i].id, on ? " checked" : "", o[i].label);
			}
			h_printf(&r->out, "</fieldset><button>%s</button></form>", TR(r, nmine ? "poll.change_vote" : "poll.vote"));
		}
	}
	if (results_visible(r, p, now))
		results_block(r, p, o, n);
	else
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "poll.results_after_close"));
	if (is_staff_for(r, p->dept_id))
		h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/staff/polls/%lld/edit\">%s</a></p>", (long long)p->id,
			 TR(r, "form.edit"));
	h_raw(&r->out, "</article>");
	page_end(r);
	if (status == 200 && !who)
		resp_cacheable(r, POLL_TTL);
	resp_html(r, status);
}

static void show(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	struct poll_option *o;
	int n;
	if (!s || !load(r, s, &p, &o, &n))
		return;
	const char *v = kv_get(&r->query, "voted");
	show_poll(r, s, &p, o, n, 200, v ? (!strcmp(v, "2") ? "poll.vote_changed" : "poll.voted") : NULL, true);
}

/* Common checks and the vote itself. Returns the HTTP status and sets *key. */
static int vote_common(struct req *r, store *s, const struct poll *p, const int64_t *ids, int nids, bool bad, const char **key)
{
	struct principal *who = req_who(r);
	const char *why = NULL;
	if (!account_may_participate(s, who->user_id, p->verified_only, &why)) {
		*key = why ? why : "error.forbidden";
		return 403;
	}
	int retry = 0, am = POLL_VOTES_PER_ACCOUNT, aw = 60, im = POLL_VOTE_RATE_IP_DEFAULT, iw = 60;
	setting_rate(s, "poll_vote_rate_account", &am, &aw);
	setting_rate(s, "poll_vote_rate_ip", &im, &iw);
	if (!ratelimit_take(arena_printf(r->a, "vote-acct:%lld", (long long)who->user_id), am, aw, &retry) ||
	    !ratelimit_take(arena_printf(r->a, "vote-ip:%s", r->ip), im, iw, &retry)) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 60));
		*key = "poll.rate_limited";
		return 429;
	}
	if (bad) {
		*key = "poll.unknown_option";
		return 422;
	}
	enum vote_result v = poll_vote(s, p->id, who->user_id, ids, nids, now_s());
	*key = vote_result_key(v);
	switch (v) {
	case VOTE_OK: return 201;
	case VOTE_CHANGED: return 200;
	case VOTE_ALREADY: case VOTE_NOT_OPEN: return 409;
	case VOTE_NO_CHOICE: case VOTE_TOO_MANY: case VOTE_UNKNOWN: return 422;
	case VOTE_ERROR: break;
	}
	return 503;
}

static void vote_form(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	struct poll_option *o;
	int n;
	if (!s || !load(r, s, &p, &o, &n))
		return;
	int64_t ids[POLL_OPTIONS_MAX + 1];
	int nids = 0;
	bool bad = false;
	for (int i = 0; i < r->form.n; i++) {
		if (strcmp(r->form.items[i].name, "option"))
			continue;
		int64_t id;
		if (!parse_int64(r->form.items[i].value, 1, INT64_MAX, &id))
			bad = true;
		else if (nids <= POLL_OPTIONS_MAX)
			ids[nids++] = id;
		else
			bad = true;
	}
	const char *key;
	int status = vote_common(r, s, &p, ids, nids, bad, &key);
	if (status == 200 || status == 201) {
		resp_redirect(r, arena_printf(r->a, "/polls/%lld?voted=%d", (long long)p.id, status == 200 ? 2 : 1));
		return;
	}
	poll_load(s, r->a, p.id, &p, &o, &n);
	show_poll(r, s, &p, o, n, status, key, false);
}

/* Loads a poll whose results r may see now; false (answered 404/403/503) otherwise. */
static bool load_results(struct req *r, store **s, struct poll *p, struct poll_option **o, int *n)
{
	*s = req_store(r);
	if (!*s || !load(r, *s, p, o, n))
		return false;
	if (!results_visible(r, p, now_s())) {
		resp_error(r, 403, "poll.results_after_close");
		return false;
	}
	return true;
}

static void results_page(struct req *r)
{
	store *s;
	struct poll p;
	struct poll_option *o;
	int n;
	if (!load_results(r, &s, &p, &o, &n))
		return;
	page_begin(r, p.question);
	h_printf(&r->out, "<h1>%s</h1>", p.question);
	poll_meta(r, &p, now_s());
	results_block(r, &p, o, n);
	h_printf(&r->out, "<p><a href=\"/polls/%lld\">%s</a></p>", (long long)p.id, TR(r, "poll.back"));
	page_end(r);
	if (!req_who(r))
		resp_cacheable(r, POLL_TTL);
	resp_html(r, 200);
}

static void results_csv(struct req *r)
{
	store *s;
	struct poll p;
	struct poll_option *o;
	int n;
	if (!load_results(r, &s, &p, &o, &n))
		return;
	strbuf sb = STRBUF_INIT;
	if (kv_get(&r->query, "bom"))
		sb_puts(&sb, "\xEF\xBB\xBF");
	sb_puts(&sb, "option_id,position,label,votes,ballots,percent\r\n");
	for (int i = 0; i < n; i++) {
		sb_printf(&sb, "%lld,%d,", (long long)o[i].id, o[i].position);
		csv_put(&sb, o[i].label);
		sb_printf(&sb, ",%lld,%lld,", (long long)o[i].votes, (long long)p.ballots);
		if (p.ballots)
			sb_printf(&sb, "%.2f", (double)o[i].votes * 100.0 / (double)p.ballots);
		sb_puts(&sb, "\r\n");
	}
	resp_header(r, "Content-Disposition", arena_printf(r->a, "inline; filename=\"poll-%lld.csv\"", (long long)p.id));
	if (!req_who(r))
		resp_cacheable(r, POLL_TTL);
	resp_body(r, 200, "text/csv; charset=utf-8; header=present", sb_str(&sb), sb.len);
	sb_free(&sb);
}

/* ---- staff ---- */

struct poll_input {
	const char *question, *dept, *kind, *max_choices, *options, *opens_at, *closes_at;
	bool results_after_close, changeable, verified_only;
};

static bool parse_when(const char *v, int64_t *out)
{
	time_t t;
	if (!v || !*v) {
		*out = 0;
		return true;
	}
	if (!parse_datetime(v, &t))
		return false;
	*out = (int64_t)t;
	return true;
}

/* Validates in over p (whose id, dept and ballots tell if options may change).
 * Options go to *opts and *nopts (0 when unchanged). */
static bool apply_input(struct req *r, store *s, const struct poll_input *in, struct poll *p, const char ***opts, int *nopts,
			struct form_errors *e)
{
	*nopts = 0;
	if (!in->question || !*in->question)
		form_error(e, "question", "form.required");
	else if (!utf8_text_within(in->question, POLL_QUESTION_MAX))
		form_error(e, "question", "form.too_long");
	else
		p->question = in->question;
	if (!p->id) {
		int64_t d = dept_resolve(s, in->dept);
		if (!d || !is_staff_for(r, d))
			form_error(e, "dept", "form.invalid_choice");
		p->dept_id = d;
	}
	if (in->kind && strcmp(in->kind, "single") && strcmp(in->kind, "multiple"))
		form_error(e, "kind", "form.invalid_choice");
	else if (in->kind)
		p->multiple = !strcmp(in->kind, "multiple");
	bool may_change_options = !p->id || p->ballots == 0;
	if (may_change_options && in->options) {
		const char **v;
		int n = split_lines(r->a, in->options, POLL_OPTIONS_MAX, &v);
		if (n < POLL_OPTIONS_MIN || n > POLL_OPTIONS_MAX)
			form_error(e, "options", "poll.options_count");
		for (int i = 0; i < n; i++)
			if (!utf8_text_within(v[i], POLL_OPTION_MAX)) {
				form_error(e, "options", "form.too_long");
				break;
			}
		*opts = v;
		*nopts = n;
	} else if (!p->id) {
		form_error(e, "options", "poll.options_count");
	}
	int nopt_eff = *nopts ? *nopts : POLL_OPTIONS_MAX;
	int64_t mx = 1;
	if (p->multiple && in->max_choices && *in->max_choices) {
		if (!parse_int64(in->max_choices, 1, nopt_eff, &mx))
			form_error(e, "max_choices", "poll.bad_max");
	} else if (p->multiple) {
		mx = *nopts ? *nopts : p->max_choices;
	}
	p->max_choices = p->multiple ? (int)mx : 1;
	int64_t o = 0, c = 0;
	if (!parse_when(in->opens_at, &o))
		form_error(e, "opens_at", "form.bad_datetime");
	if (!parse_when(in->closes_at, &c))
		form_error(e, "closes_at", "form.bad_datetime");
	p->opens_at = o ? o : (p->opens_at ? p->opens_at : now_s());
	p->closes_at = c;
	if (c && c <= p->opens_at)
		form_error(e, "closes_at", "poll.bad_dates");
	p->results_after_close = in->results_after_close;
	p->changeable = in->changeable;
	p->verified_only = in->verified_only;
	return e->n == 0;
}

static void checkbox(struct req *r, const char *name, const char *label_key, bool on)
{
	h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"%s\" value=\"1\"%s> %s</label></div>", name,
		 on ? " checked" : "", TR(r, label_key));
}

static const char *local_dt(struct req *r, int64_t t)
{
	if (!t)
		return "";
	char buf[32];
	struct tm tm;
	time_t tt = (time_t)t;
	localtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M", &tm);
	return arena_strdup(r->a, buf);
}

static void edit_form(struct req *r, store *s, int status, const struct poll *p, const struct poll_option *o, int n,
		      const struct poll_input *typed, const struct form_errors *e)
{
	page_begin(r, TR(r, p->id ? "poll.edit" : "poll.new"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, p->id ? "poll.edit" : "poll.new"));
	if (kv_get(&r->query, "saved"))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, "poll.saved"));
	f_errors_summary(r, e);
	if (p->id)
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/polls/%lld\">", (long long)p->id);
	else
		h_raw(&r->out, "<form method=\"post\" action=\"/staff/polls\">");
	f_csrf(r);
	f_input(r, e, "question", "poll.question", "text", typed ? typed->question : p->question, "required maxlength=\"300\"");
	if (!p->id) {
		struct department *d;
		int nd = dept_list(s, r->a, &d), k = 0;
		struct select_option *dopts = arena_alloc(r->a, sizeof *dopts * (size_t)(nd + 1));
		for (int i = 0; i < nd; i++)
			if (is_staff_for(r, d[i].id))
				dopts[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)d[i].id), NULL, dept_name(&d[i], r->lang)};
		f_select(r, e, "dept", "poll.department", dopts, typed ? typed->dept : NULL);
	}
	static const struct select_option kinds[] = {{"single", "poll.kind_single", NULL}, {"multiple", "poll.kind_multiple", NULL}, {NULL, NULL, NULL}};
	f_select(r, e, "kind", "poll.kind", kinds, p->multiple ? "multiple" : "single");
	f_input(r, e, "max_choices", "poll.max_choices", "number", arena_printf(r->a, "%d", p->max_choices ? p->max_choices : 1),
		"min=\"1\" max=\"20\"");
	if (!p->id || !p->ballots) {
		strbuf t = STRBUF_INIT;
		if (typed && typed->options)
			sb_puts(&t, typed->options);
		else
			for (int i = 0; i < n; i++)
				sb_printf(&t, "%s\n", o[i].label);
		f_textarea(r, e, "options", "poll.options", sb_str(&t), 6);
		sb_free(&t);
	} else {
		h_printf(&r->out, "<p class=\"hint\">%s</p>", TR(r, "poll.options_locked"));
	}
	f_input(r, e, "opens_at", "poll.opens_at", "datetime-local", typed ? typed->opens_at : local_dt(r, p->opens_at), NULL);
	f_input(r, e, "closes_at", "poll.closes_at", "datetime-local", typed ? typed->closes_at : local_dt(r, p->closes_at), NULL);
	checkbox(r, "results_after_close", "poll.results_after_close_opt", p->results_after_close);
	checkbox(r, "changeable", "poll.changeable", p->changeable);
	checkbox(r, "verified_only", "poll.verified_only", p->verified_only);
	h_printf(&r->out, "<div class=\"actions\"><button>%s</button></div></form>", TR(r, "form.save"));
	if (p->id) {
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/polls/%lld/close\" class=\"inline\">", (long long)p->id);
		f_csrf(r);
		h_printf(&r->out, "<button class=\"secondary\">%s</button></form> <a href=\"/polls/%lld\">%s</a>", TR(r, "poll.close"),
			 (long long)p->id, TR(r, "poll.view"));
	}
	page_end(r);
	resp_html(r, status);
}

static void form_input(struct req *r, struct poll_input *in)
{
	in->question = req_param(r, "question");
	in->dept = req_param(r, "dept");
	in->kind = req_param(r, "kind");
	in->max_choices = req_param(r, "max_choices");
	in->options = req_param(r, "options");
	in->opens_at = req_param(r, "opens_at");
	in->closes_at = req_param(r, "closes_at");
	in->results_after_close = req_param(r, "results_after_close") != NULL;
	in->changeable = req_param(r, "changeable") != NULL;
	in->verified_only = req_param(r, "verified_only") != NULL;
}

static void staff_list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct poll *ps;
	int n = poll_list(s, r->a, 0, -1, now_s(), 200, 0, &ps);
	page_begin(r, TR(r, "poll.staff_title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"actions\"><a class=\"button\" href=\"/staff/polls/new\">%s</a></p><ul class=\"post-list\">",
		 TR(r, "poll.staff_title"), TR(r, "poll.new"));
	for (int i = 0; i < n; i++)
		if (is_staff_for(r, ps[i].dept_id)) {
			h_printf(&r->out, "<li><a href=\"/staff/polls/%lld/edit\">%s</a>", (long long)ps[i].id, ps[i].question);
			poll_meta(r, &ps[i], now_s());
			h_raw(&r->out, "</li>");
		}
	h_raw(&r->out, "</ul>");
	page_end(r);
	resp_html(r, 200);
}

static void new_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct poll p = {.max_choices = 1};
	edit_form(r, s, 200, &p, NULL, 0, NULL, NULL);
}

static void create_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct poll p = {.max_choices = 1, .created_by = req_who(r)->user_id};
	struct poll_input in = {0};
	struct form_errors e = {0};
	const char **opts = NULL;
	int nopts = 0;
	form_input(r, &in);
	if (!apply_input(r, s, &in, &p, &opts, &nopts, &e)) {
		edit_form(r, s, 422, &p, NULL, 0, &in, &e);
		return;
	}
	if (poll_create(s, &p, opts, nopts) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "poll.create", "poll", p.id, NULL);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/polls/%lld/edit?saved=1", (long long)p.id));
}

static bool load_staff(struct req *r, store *s, struct poll *p, struct poll_option **o, int *n)
{
	if (!load(r, s, p, o, n))
		return false;
	if (!is_staff_for(r, p->dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static void edit_get(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	struct poll_option *o;
	int n;
	if (!s || !load_staff(r, s, &p, &o, &n))
		return;
	edit_form(r, s, 200, &p, o, n, NULL, NULL);
}

static void update_post(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	struct poll_option *o;
	int n;
	if (!s || !load_staff(r, s, &p, &o, &n))
		return;
	struct poll_input in = {0};
	struct form_errors e = {0};
	const char **opts = NULL;
	int nopts = 0;
	form_input(r, &in);
	if (!apply_input(r, s, &in, &p, &opts, &nopts, &e)) {
		edit_form(r, s, 422, &p, o, n, &in, &e);
		return;
	}
	if (!poll_update(s, &p, opts, nopts)) {
		resp_error(r, 409, "poll.options_locked");
		return;
	}
	audit_record(r, s, "poll.update", "poll", p.id, NULL);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/polls/%lld/edit?saved=1", (long long)p.id));
}

static void close_post(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	if (!s || !load_staff(r, s, &p, NULL, NULL))
		return;
	if (!poll_close(s, p.id, now_s())) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "poll.close", "poll", p.id, NULL);
	page_cache_bump();
	if (r->is_api) {
		struct poll_option *o;
		int n;
		poll_load(s, r->a, p.id, &p, &o, &n);
		resp_json(r, 200, poll_json(r, &p, o, n, true));
	} else {
		resp_redirect(r, arena_printf(r->a, "/polls/%lld", (long long)p.id));
	}
}

/* ---- API ---- */

static void api_list(struct req *r)
{
	store *s = req_store(r);
	int st;
	int64_t dept_id, page;
	if (!s || !list_filters(r, s, &st, &dept_id, &page))
		return;
	struct poll *ps;
	int n = poll_list(s, r->a, dept_id, st, now_s(), PAGE_SIZE + 1, (int)((page - 1) * PAGE_SIZE), &ps);
	json_t *items = json_array();
	for (int i = 0; i < n && i < PAGE_SIZE; i++) {
		struct poll_option *o;
		int no;
		poll_load(s, r->a, ps[i].id, &ps[i], &o, &no);
		json_array_append_new(items, poll_json(r, &ps[i], o, no, results_visible(r, &ps[i], now_s())));
	}
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_page", n > PAGE_SIZE ? json_integer(page + 1) : json_null()));
}

static void api_get(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	struct poll_option *o;
	int n;
	if (!s || !load(r, s, &p, &o, &n))
		return;
	json_t *j = poll_json(r, &p, o, n, results_visible(r, &p, now_s()));
	struct principal *who = req_who(r);
	if (who) {
		int64_t *mine;
		int k = poll_my_choices(s, r->a, p.id, who->user_id, &mine);
		json_t *a = json_array();
		for (int i = 0; i < k; i++)
			json_array_append_new(a, json_integer(mine[i]));
		json_object_set_new(j, "my_choices", a);
	}
	resp_json(r, 200, j);
}

static void api_results(struct req *r)
{
	store *s;
	struct poll p;
	struct poll_option *o;
	int n;
	if (!load_results(r, &s, &p, &o, &n))
		return;
	resp_json(r, 200, poll_json(r, &p, o, n, true));
}

static void api_vote(struct req *r)
{
	store *s = req_store(r);
	struct poll p;
	if (!s || !load(r, s, &p, NULL, NULL))
		return;
	json_t *root = req_json_object(r);
	if (!root)
		return;
	json_t *arr = json_object_get(root, "options");
	int64_t ids[POLL_OPTIONS_MAX + 1];
	int nids = 0;
	bool bad = false;
	if (!json_is_array(arr) || json_object_size(root) != 1) {
		json_decref(root);
		resp_json_error(r, 400, "bad_type", TR(r, "poll.bad_vote_body"));
		return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			bad = true;
		else if (nids <= POLL_OPTIONS_MAX)
			ids[nids++] = json_integer_value(v);
		else
			bad = true;
	}
	json_decref(root);
	const char *key;
	int status = vote_common(r, s, &p, ids, nids, bad, &key);
	if (status == 200 || status == 201) {
		struct poll_option *o;
		int n;
		poll_load(s, r->a, p.id, &p, &o, &n);
		json_t *j = json_pack("{s:s,s:s}", "result", status == 201 ? "recorded" : "changed", "message", TR(r, key));
		if (results_visible(r, &p, now_s()))
			json_object_set_new(j, "poll", poll_json(r, &p, o, n, true));
		resp_json(r, status, j);
		return;
	}
	resp_json_error(r, status, strchr(key, '.') + 1, TR(r, key));
}

static const char *jstr(struct req *r, json_t *root, const char *k, bool *bad)
{
	json_t *v = json_object_get(root, k);
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_integer(v))
		return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return arena_strdup(r->a, json_string_value(v));
}

static bool jbool(json_t *root, const char *k, bool *bad)
{
	json_t *v = json_object_get(root, k);
	if (v && !json_is_boolean(v))
		*bad = true;
	return v && json_is_true(v);
}

static void api_create(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	json_t *root = req_json_object(r);
	if (!root)
		return;
	static const char *known[] = {"question", "department", "kind", "max_choices", "options", "opens_at", "closes_at",
				      "results_after_close", "changeable", "verified_only"};
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		bool ok = false;
		for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
			ok |= !strcmp(key, known[k]);
		if (!ok) {
			const char *msg = arena_printf(r->a, "%s: %s", TR(r, "api.unknown_field"), key);
			json_decref(root); /* the key belongs to root */
			resp_json_error(r, 400, "unknown_field", msg);
			return;
		}
	}
	bool bad = false;
	struct poll_input in = {
		.question = jstr(r, root, "question", &bad), .dept = jstr(r, root, "department", &bad),
		.kind = jstr(r, root, "kind", &bad), .max_choices = jstr(r, root, "max_choices", &bad),
		.opens_at = jstr(r, root, "opens_at", &bad), .closes_at = jstr(r, root, "closes_at", &bad),
		.results_after_close = jbool(root, "results_after_close", &bad), .changeable = jbool(root, "changeable", &bad),
		.verified_only = jbool(root, "verified_only", &bad)};
	json_t *arr = json_object_get(root, "options");
	if (arr) {
		strbuf sb = STRBUF_INIT;
		size_t i;
		json_array_foreach(arr, i, v) {
			if (!json_is_string(v) || strchr(json_string_value(v), '\n'))
				bad = true;
			else
				sb_printf(&sb, "%s\n", json_string_value(v));
		}
		if (!json_is_array(arr))
			bad = true;
		in.options = arena_strdup(r->a, sb_str(&sb));
		sb_free(&sb);
	}
	json_decref(root);
	if (bad) {
		resp_json_error(r, 400, "bad_type", TR(r, "api.bad_type"));
		return;
	}
	struct poll p = {.max_choices = 1, .created_by = req_who(r)->user_id};
	struct form_errors e = {0};
	const char **opts = NULL;
	int nopts = 0;
	if (!apply_input(r, s, &in, &p, &opts, &nopts, &e)) {
		json_t *fields = json_object();
		for (int i = 0; i < e.n; i++)
			json_object_set_new(fields, strcmp(e.field[i], "dept") ? e.field[i] : "department", json_string(TR(r, e.key[i])));
		resp_json(r, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message", TR(r, "form.has_errors"),
					    "fields", fields));
		return;
	}
	if (poll_create(s, &p, opts, nopts) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "poll.create", "poll", p.id, NULL);
	page_cache_bump();
	struct poll_option *o;
	int n;
	poll_load(s, r->a, p.id, &p, &o, &n);
	resp_header(r, "Location", arena_printf(r->a, "/api/v1/polls/%lld", (long long)p.id));
	resp_json(r, 201, poll_json(r, &p, o, n, true));
}

void polls_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/polls", list_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "polls, filtered and paginated"},
		{"GET", "/polls/:id", show, ACCESS_ANYONE, 0, ROUTE_CACHE, "one poll: vote form and results"},
		{"POST", "/polls/:id/vote", vote_form, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "cast or change a vote"},
		{"GET", "/polls/:id/results", results_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "poll results with SVG bars"},
		{"GET", "/polls/:id/results.csv", results_csv, ACCESS_ANYONE, 0, ROUTE_CACHE, "poll results as CSV"},
		{"GET", "/staff/polls", staff_list, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: polls"},
		{"GET", "/staff/polls/new", new_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: new poll form"},
		{"POST", "/staff/polls", create_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: create a poll"},
		{"GET", "/staff/polls/:id/edit", edit_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: edit a poll"},
		{"POST", "/staff/polls/:id", update_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: save a poll"},
		{"POST", "/staff/polls/:id/close", close_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: close a poll now"},
		{"GET", "/api/v1/polls", api_list, ACCESS_ANYONE, 0, ROUTE_API, "polls (JSON)"},
		{"POST", "/api/v1/polls", api_create, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "create a poll"},
		{"GET", "/api/v1/polls/:id", api_get, ACCESS_ANYONE, 0, ROUTE_API, "one poll (JSON)"},
		{"GET", "/api/v1/polls/:id/results", api_results, ACCESS_ANYONE, 0, ROUTE_API, "poll results (JSON)"},
		{"POST", "/api/v1/polls/:id/vote", api_vote, ACCESS_LOGGED_IN, 0, ROUTE_API, "cast or change a vote"},
		{"POST", "/api/v1/polls/:id/close", close_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "close a poll now"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}

void polls_init(void)
{
}
