/* Proposals: pages (list with filters and paging, one proposal with support
 * and staff answer forms, submit form, department space settings), the JSON
 * API under /api/v1/proposals and the moderation target. */
#include "web/json_util.h"
#include "features/proposals/proposals.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/consultations/consultations.h"
#include "features/moderation/moderation.h"
#include "core/util.h"
#include "http/ratelimit.h"
#include "http/urlenc.h"
#include "web/markdown.h"
#include "web/page.h"
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 20

static bool staff_for(struct req *r, int64_t dept_id)
{
	return principal_can(req_who(r), ROLE_EDITOR, dept_id);
}

static bool moderator_for(struct req *r, int64_t dept_id)
{
	return principal_can(req_who(r), ROLE_MODERATOR, dept_id);
}

/* May r see p? Hidden proposals: their author, the department's editors and moderators. */
static bool visible_to(struct req *r, const struct proposal *p)
{
	struct principal *who = req_who(r);
	return !p->hidden || (who && who->user_id == p->author_id) || staff_for(r, p->dept_id) || moderator_for(r, p->dept_id);
}

static bool load(struct req *r, store *s, struct proposal *p)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !proposal_load(s, r->a, id, p) || !visible_to(r, p)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	return true;
}

/* ---- the list ---- */

struct prop_filter {
	int64_t dept_id, consultation_id;
	const char *status;  /* NULL, open, threshold, answered, accepted, under_study, rejected */
	bool top;            /* most supported first */
	int64_t page;
};

static bool read_filter(struct req *r, store *s, struct prop_filter *f)
{
	const char *dept = kv_get(&r->query, "dept"), *c = kv_get(&r->query, "consultation"),
		   *st = kv_get(&r->query, "status"), *sort = kv_get(&r->query, "sort"), *pg = kv_get(&r->query, "page");
	*f = (struct prop_filter){.page = 1};
	static const char *const states[] = {"open", "threshold", "answered", "accepted", "under_study", "rejected", NULL};
	if (dept && *dept && !(f->dept_id = dept_by_slug(s, dept)))
		goto bad;
	if (c && *c && !parse_int64(c, 1, INT64_MAX, &f->consultation_id))
		goto bad;
	if (st && *st) {
		for (int i = 0; states[i]; i++)
			if (!strcmp(st, states[i]))
				f->status = states[i];
		if (!f->status)
			goto bad;
	}
	if (sort && *sort && strcmp(sort, "new") && strcmp(sort, "top"))
		goto bad;
	f->top = sort && !strcmp(sort, "top");
	if (pg && *pg && !parse_int64(pg, 1, 100000, &f->page))
		goto bad;
	return true;
bad:
	resp_error(r, 400, "error.bad_request");
	return false;
}

/* Up to PAGE_SIZE + 1 ids (the extra one says there is a next page). */
static int list_ids(store *s, const struct prop_filter *f, int64_t now, int64_t *ids)
{
	const char *sql = f->top
		? "SELECT id FROM proposals WHERE hidden = 0 AND (?1 = 0 OR dept_id = ?1) AND (?2 = 0 OR consultation_id = ?2)"
		  " AND (?3 = '' OR (?3 = 'open' AND answer IS NULL AND (deadline = 0 OR deadline > ?4))"
		  "  OR (?3 = 'threshold' AND reached_at > 0) OR (?3 = 'answered' AND answer IS NOT NULL) OR answer = ?3)"
		  " ORDER BY supports DESC, id DESC LIMIT ?5 OFFSET ?6"
		: "SELECT id FROM proposals WHERE hidden = 0 AND (?1 = 0 OR dept_id = ?1) AND (?2 = 0 OR consultation_id = ?2)"
		  " AND (?3 = '' OR (?3 = 'open' AND answer IS NULL AND (deadline = 0 OR deadline > ?4))"
		  "  OR (?3 = 'threshold' AND reached_at > 0) OR (?3 = 'answered' AND answer IS NOT NULL) OR answer = ?3)"
		  " ORDER BY created_at DESC, id DESC LIMIT ?5 OFFSET ?6";
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return -1;
	store_bind_int(st, 1, f->dept_id);
	store_bind_int(st, 2, f->consultation_id);
	store_bind_text(st, 3, f->status ? f->status : "");
	store_bind_int(st, 4, now);
	store_bind_int(st, 5, PAGE_SIZE + 1);
	store_bind_int(st, 6, (f->page - 1) * PAGE_SIZE);
	int n = 0;
	while (n <= PAGE_SIZE && store_step(st) == STORE_ROW)
		ids[n++] = store_int(st, 0);
	store_done(st);
	return n;
}

static void state_chip(struct req *r, const struct proposal *p, int64_t now)
{
	const char *st = proposal_state(p, now);
	h_printf(&r->out, "<span class=\"chip prop-%s\">%s</span>", st, TR(r, arena_printf(r->a, "prop.state_%s", st)));
}

static void supports_text(struct req *r, const struct proposal *p)
{
	strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	fmt_int(&a, r->lang, p->supports);
	if (p->threshold) {
		fmt_int(&b, r->lang, p->threshold);
		h_text(&r->out, T_fill(r->a, TR(r, "prop.supports_of"), 2, (const char *[]){sb_str(&a), sb_str(&b)}));
	} else {
		h_text(&r->out, T_fill(r->a, TR(r, "prop.supports_n"), 1, (const char *[]){sb_str(&a)}));
	}
	sb_free(&a);
	sb_free(&b);
}

static void list_page(struct req *r)
{
	store *s = req_store(r);
	struct prop_filter f;
	if (!s || !read_filter(r, s, &f))
		return;
	int64_t now = now_s(), ids[PAGE_SIZE + 1];
	int n = list_ids(s, &f, now, ids);
	page_begin(r, TR(r, "prop.list_title"));
	h_printf(&r->out, "<h1>%s</h1><form method=\"get\" action=\"/proposals\" class=\"filters\">", TR(r, "prop.list_title"));
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *dopts = arena_alloc(r->a, sizeof *dopts * (size_t)(nd + 2));
	dopts[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nd; i++)
		dopts[i + 1] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
	f_select(r, NULL, "dept", "prop.department", dopts, kv_get(&r->query, "dept"));
	static const struct select_option sts[] = {{"", "filter.any", NULL}, {"open", "prop.state_open", NULL},
		{"threshold", "prop.state_threshold", NULL}, {"answered", "prop.answered", NULL},
		{"accepted", "prop.state_accepted", NULL}, {"under_study", "prop.state_under_study", NULL},
		{"rejected", "prop.state_rejected", NULL}, {NULL, NULL, NULL}};
	f_select(r, NULL, "status", "prop.status", sts, kv_get(&r->query, "status"));
	static const struct select_option sorts[] = {{"new", "prop.sort_new", NULL}, {"top", "prop.sort_top", NULL}, {NULL, NULL, NULL}};
	f_select(r, NULL, "sort", "prop.sort", sorts, kv_get(&r->query, "sort"));
	if (f.consultation_id)
		h_printf(&r->out, "<input type=\"hidden\" name=\"consultation\" value=\"%lld\">", (long long)f.consultation_id);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
	h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/proposals/new%s\">%s</a></p>",
		 f.dept_id ? arena_printf(r->a, "?dept=%s", url_encode(r->a, kv_get(&r->query, "dept"))) : "", TR(r, "prop.new"));
	if (n <= 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "prop.none"));
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n && i < PAGE_SIZE; i++) {
		struct proposal p;
		if (!proposal_load(s, r->a, ids[i], &p))
			continue;
		h_printf(&r->out, "<li><h2><a href=\"/proposals/%lld\">%s</a></h2><p class=\"meta\">", (long long)p.id, p.title);
		state_chip(r, &p, now);
		h_raw(&r->out, " ");
		supports_text(r, &p);
		h_raw(&r->out, "</p></li>");
	}
	h_raw(&r->out, "</ul>");
	if (n > PAGE_SIZE) {
		strbuf q = STRBUF_INIT;
		static const char *keep[] = {"dept", "consultation", "status", "sort"};
		for (size_t k = 0; k < 4; k++) {
			const char *v = kv_get(&r->query, keep[k]);
			if (v && *v)
				sb_printf(&q, "%s=%s&", keep[k], url_encode(r->a, v));
		}
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/proposals?%spage=%lld\">%s</a></nav>", sb_str(&q),
			 (long long)f.page + 1, TR(r, "prop.next_page"));
		sb_free(&q);
	}
	page_end(r);
	resp_cacheable(r, 10);
	resp_html(r, 200);
}

/* ---- one proposal ---- */

static void show_page(struct req *r, store *s, const struct proposal *p, int status, const char *msg, bool msg_ok,
		      const struct form_errors *e)
{
	int64_t now = now_s();
	struct principal *who = req_who(r);
	page_begin(r, p->title);
	h_printf(&r->out, "<article class=\"proposal\"><h1>%s</h1><p class=\"meta\">", p->title);
	state_chip(r, p, now);
	h_raw(&r->out, " · ");
	fmt_date(&r->out, r->lang, (time_t)p->created_at, false);
	struct department d;
	if (dept_get(s, r->a, p->dept_id, &d))
		h_printf(&r->out, " · %s", dept_name(&d, r->lang));
	if (p->consultation_id) {
		struct consultation c;
		if (consultation_get(s, r->a, p->consultation_id, &c))
			h_printf(&r->out, " · <a href=\"%s\">%s</a>", consultation_path(r->a, &c), c.title);
	}
	h_raw(&r->out, "</p>");
	if (p->hidden) {
		bool pending = false;
		const char *why = moderation_reason(s, r->a, "proposal", p->id, &pending);
		h_printf(&r->out, "<p class=\"notice\">%s", TR(r, "prop.hidden"));
		if (why)
			h_printf(&r->out, " %s", why);
		h_raw(&r->out, "</p>");
	}
	if (msg)
		h_printf(&r->out, "<p class=\"%s\" role=\"%s\">%s</p>", msg_ok ? "notice ok" : "err-summary", msg_ok ? "status" : "alert",
			 TR(r, msg));
	h_raw(&r->out, "<div class=\"body\">");
	h_raw(&r->out, p->body_html); /* cmark safe mode */
	h_raw(&r->out, "</div><p class=\"supports\">");
	supports_text(r, p);
	if (p->deadline) {
		h_printf(&r->out, " · %s ", TR(r, "prop.deadline"));
		fmt_date(&r->out, r->lang, (time_t)p->deadline, true);
	}
	if (p->reached_at)
		h_printf(&r->out, " · <strong>%s</strong>", TR(r, "prop.reached"));
	h_raw(&r->out, "</p>");
	if (proposal_open(p, now)) {
		if (!who)
			h_printf(&r->out, "<p><a class=\"button\" href=\"/login?next=/proposals/%lld\">%s</a></p>", (long long)p->id,
				 TR(r, "participate.login"));
		else if (who->user_id == p->author_id)
			h_printf(&r->out, "<p class=\"hint\">%s</p>", TR(r, "prop.own_hint"));
		else {
			bool mine = proposal_supported_by(s, p->id, who->user_id);
			h_printf(&r->out, "<form method=\"post\" action=\"/proposals/%lld/%s\">", (long long)p->id, mine ? "withdraw" : "support");
			f_csrf(r);
			h_printf(&r->out, "<button%s>%s</button></form>", mine ? " class=\"secondary\"" : "",
				 TR(r, mine ? "prop.withdraw" : "prop.support"));
		}
	}
	if (p->answer) {
		h_printf(&r->out, "<section class=\"official\"><h2>%s</h2><p><span class=\"chip prop-%s\">%s</span> ",
			 TR(r, "prop.official_answer"), p->answer, TR(r, arena_printf(r->a, "prop.state_%s", p->answer)));
		fmt_date(&r->out, r->lang, (time_t)p->answered_at, false);
		h_raw(&r->out, "</p><div class=\"body\">");
		h_raw(&r->out, p->answer_html); /* cmark safe mode */
		h_raw(&r->out, "</div></section>");
	}
	if (who && who->user_id != p->author_id)
		h_printf(&r->out, "<p><a href=\"/flag?type=proposal&amp;id=%lld&amp;next=/proposals/%lld\">%s</a></p>",
			 (long long)p->id, (long long)p->id, TR(r, "comments.report"));
	if (staff_for(r, p->dept_id)) {
		h_printf(&r->out, "<section><h2>%s</h2>", TR(r, "prop.answer_form"));
		f_errors_summary(r, e);
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/proposals/%lld/answer\">", (long long)p->id);
		f_csrf(r);
		static const struct select_option ans[] = {{"accepted", "prop.state_accepted", NULL}, {"under_study", "prop.state_under_study", NULL},
			{"rejected", "prop.state_rejected", NULL}, {NULL, NULL, NULL}};
		f_select(r, e, "answer", "prop.answer", ans, req_param(r, "answer") ? req_param(r, "answer") : p->answer);
		f_textarea(r, e, "text", "prop.answer_text", req_param(r, "text") ? req_param(r, "text") : p->answer_text, 6);
		h_printf(&r->out, "<button>%s</button></form></section>", TR(r, "prop.answer_send"));
	}
	h_raw(&r->out, "</article>");
	page_end(r);
	if (status == 200 && !who && !p->hidden)
		resp_cacheable(r, 10);
	resp_html(r, status);
}

static void show(struct req *r)
{
	store *s = req_store(r);
	struct proposal p;
	if (!s || !load(r, s, &p))
		return;
	const char *done = kv_get(&r->query, "done");
	const char *msg = NULL;
	if (done)
		msg = !strcmp(done, "support") ? "prop.supported" : !strcmp(done, "withdraw") ? "prop.withdrawn"
		    : !strcmp(done, "answer") ? "prop.answered_ok" : !strcmp(done, "new") ? "prop.submitted" : NULL;
	show_page(r, s, &p, 200, msg, true, NULL);
}

/* ---- support ---- */

static int support_common(struct req *r, store *s, int64_t id, bool on, const char **key)
{
	struct principal *who = req_who(r);
	const char *why = NULL;
	if (on && !account_may_participate(s, who->user_id, false, &why)) {
		*key = why ? why : "error.forbidden";
		return 403;
	}
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "support-acct:%lld", (long long)who->user_id), PROP_SUPPORTS_PER_ACCOUNT, 60, &retry) ||
	    !ratelimit_take(arena_printf(r->a, "support-ip:%s", r->ip), PROP_SUPPORTS_PER_IP, 60, &retry)) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 60));
		*key = "prop.rate_limited";
		return 429;
	}
	bool reached;
	switch (proposal_support(s, r->a, id, who->user_id, on, now_s(), r->cfg->base_url, r->cfg->default_lang, &reached)) {
	case SUPPORT_OK: *key = on ? "prop.supported" : "prop.withdrawn"; page_cache_bump(); return 200;
	case SUPPORT_ALREADY: *key = "prop.already_supported"; return 409;
	case SUPPORT_OWN: *key = "prop.own"; return 409;
	case SUPPORT_CLOSED: *key = "prop.closed"; return 409;
	case SUPPORT_NOT_SUPPORTED: *key = "prop.not_supported"; return 409;
	case SUPPORT_GONE: *key = "error.not_found"; return 404;
	case SUPPORT_ERROR: break;
	}
	*key = "error.unavailable";
	return 503;
}

static void support_form(struct req *r, bool on)
{
	store *s = req_store(r);
	struct proposal p;
	if (!s || !load(r, s, &p))
		return;
	const char *key;
	int st = support_common(r, s, p.id, on, &key);
	if (st == 200) {
		resp_redirect(r, arena_printf(r->a, "/proposals/%lld?done=%s", (long long)p.id, on ? "support" : "withdraw"));
		return;
	}
	if (st == 404) {
		resp_error(r, 404, key);
		return;
	}
	proposal_load(s, r->a, p.id, &p);
	show_page(r, s, &p, st, key, false, NULL);
}

static void support_post(struct req *r) { support_form(r, true); }
static void withdraw_post(struct req *r) { support_form(r, false); }

static json_t *prop_json(struct req *r, store *s, const struct proposal *p, bool full)
{
	int64_t now = now_s();
	json_t *j = json_pack("{s:I,s:s,s:I,s:o,s:s,s:I,s:I,s:o,s:b,s:o,s:o,s:o}",
		"id", (json_int_t)p->id, "url", arena_printf(r->a, "%s/proposals/%lld", r->cfg->base_url, (long long)p->id),
		"department_id", (json_int_t)p->dept_id,
		"consultation_id", p->consultation_id ? json_integer(p->consultation_id) : json_null(),
		"title", p->title, "supports", (json_int_t)p->supports, "threshold", (json_int_t)p->threshold,
		"deadline", json_time(p->deadline), "open", proposal_open(p, now), "threshold_reached_at", json_time(p->reached_at),
		"created_at", json_time(p->created_at),
		"answer", p->answer ? json_pack("{s:s,s:s,s:s,s:o}", "status", p->answer, "text", p->answer_text, "html", p->answer_html,
						 "answered_at", json_time(p->answered_at)) : json_null());
	json_object_set_new(j, "state", json_string(proposal_state(p, now)));
	if (full) {
		json_object_set_new(j, "body", json_string(p->body));
		json_object_set_new(j, "body_html", json_string(p->body_html));
		struct principal *who = req_who(r);
		if (who) {
			json_object_set_new(j, "supported_by_me", json_boolean(proposal_supported_by(s, p->id, who->user_id)));
			json_object_set_new(j, "mine", json_boolean(who->user_id == p->author_id));
		}
	}
	if (p->hidden)
		json_object_set_new(j, "hidden", json_true());
	return j;
}

static void api_support(struct req *r, bool on)
{
	store *s = req_store(r);
	struct proposal p;
	if (!s || !load(r, s, &p))
		return;
	const char *key;
	int st = support_common(r, s, p.id, on, &key);
	if (st != 200) {
		resp_json_error(r, st, strchr(key, '.') + 1, TR(r, key));
		return;
	}
	proposal_load(s, r->a, p.id, &p);
	resp_json(r, 200, prop_json(r, s, &p, true));
}

static void api_support_post(struct req *r) { api_support(r, true); }
static void api_support_delete(struct req *r) { api_support(r, false); }

/* ---- submission ---- */

struct prop_input {
	const char *title, *body, *dept, *consultation;
};

/* Resolves the space and validates the input into p. Errors into e; a closed
 * space is reported as the field "space". */
static bool apply_input(struct req *r, store *s, const struct prop_input *in, struct proposal *p, struct form_errors *e)
{
	int64_t now = now_s();
	if (in->consultation && *in->consultation) {
		int64_t cid;
		struct consultation c;
		if (!parse_int64(in->consultation, 1, INT64_MAX, &cid) || !consultation_get(s, r->a, cid, &c) || !c.published) {
			form_error(e, "consultation", "form.invalid_choice");
		} else {
			int64_t deadline = c.proposals_deadline ? c.proposals_deadline : (c.closed_at ? c.closed_at : c.closes_at);
			if (!c.allow_proposals || consultation_status(&c, now) != CONSULT_OPEN || (deadline && now >= deadline))
				form_error(e, "space", "prop.space_closed");
			p->consultation_id = cid;
			p->dept_id = c.dept_id;
			p->threshold = c.support_threshold;
			p->deadline = deadline;
		}
	} else {
		int64_t d = dept_resolve(s, in->dept);
		if (!d) {
			form_error(e, "dept", "form.invalid_choice");
		} else {
			struct proposal_space sp;
			proposal_space_get(s, d, &sp);
			if (!sp.open || (sp.deadline && now >= sp.deadline))
				form_error(e, "space", "prop.space_closed");
			p->dept_id = d;
			p->threshold = sp.threshold;
			p->deadline = sp.deadline;
		}
	}
	if (!in->title || !*in->title)
		form_error(e, "title", "form.required");
	else if (!utf8_valid_text(in->title, strlen(in->title)) || strchr(in->title, '\n'))
		form_error(e, "title", "form.bad_text");
	else if (utf8_length(in->title) > PROP_TITLE_MAX)
		form_error(e, "title", "form.too_long");
	p->title = in->title;
	if (!in->body || !*in->body)
		form_error(e, "body", "form.required");
	else if (!utf8_valid_text(in->body, strlen(in->body)))
		form_error(e, "body", "form.bad_text");
	else if (strlen(in->body) > PROP_BODY_MAX)
		form_error(e, "body", "form.too_long");
	p->body = in->body;
	return e->n == 0;
}

static void new_form(struct req *r, store *s, int status, const struct prop_input *in, const struct form_errors *e)
{
	page_begin(r, TR(r, "prop.new"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "prop.new"));
	f_errors_summary(r, e);
	const char *closed = form_error_for(e, "space");
	if (closed)
		h_printf(&r->out, "<p class=\"err\">%s</p>", TR(r, closed));
	h_raw(&r->out, "<form method=\"post\" action=\"/proposals\">");
	f_csrf(r);
	if (in->consultation && *in->consultation) {
		h_printf(&r->out, "<input type=\"hidden\" name=\"consultation\" value=\"%s\">", in->consultation);
	} else {
		struct department *d;
		int nd = dept_list(s, r->a, &d), k = 0;
		struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nd + 1));
		for (int i = 0; i < nd; i++) {
			struct proposal_space sp;
			proposal_space_get(s, d[i].id, &sp);
			if (sp.open)
				o[k++] = (struct select_option){d[i].slug, NULL, dept_name(&d[i], r->lang)};
		}
		if (!k)
			h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "prop.no_space"));
		f_select(r, e, "dept", "prop.department", o, in->dept);
	}
	f_input(r, e, "title", "prop.title", "text", in->title, "required maxlength=\"200\"");
	f_textarea(r, e, "body", "prop.body", in->body, 10);
	h_printf(&r->out, "<p class=\"hint\">%s</p><button>%s</button></form>", TR(r, "prop.body_hint"), TR(r, "prop.submit"));
	page_end(r);
	resp_html(r, status);
}

static void new_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct prop_input in = {.dept = kv_get(&r->query, "dept"), .consultation = kv_get(&r->query, "consultation")};
	new_form(r, s, 200, &in, NULL);
}

/* Submission shared by the form and the API: 201 with p filled, else an
 * error status with *key (or e filled for 422). */
static int submit(struct req *r, store *s, const struct prop_input *in, struct proposal *p, struct form_errors *e, const char **key)
{
	struct principal *who = req_who(r);
	const char *why = NULL;
	if (!account_may_participate(s, who->user_id, false, &why)) {
		*key = why ? why : "error.forbidden";
		return 403;
	}
	if (!apply_input(r, s, in, p, e))
		return 422;
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "proposal-acct:%lld", (long long)who->user_id), PROP_SUBMIT_PER_ACCOUNT, 3600, &retry)) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 60));
		*key = "prop.rate_limited";
		return 429;
	}
	char *html = markdown_render(p->body, strlen(p->body));
	if (!html) {
		form_error(e, "body", "form.bad_text");
		return 422;
	}
	p->body_html = arena_strdup(r->a, html);
	free(html);
	p->author_id = who->user_id;
	if (proposal_insert(s, p) <= 0) {
		*key = "error.unavailable";
		return 503;
	}
	audit_record(r, s, "proposal.create", "proposal", p->id, NULL);
	page_cache_bump();
	return 201;
}

static void create_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct prop_input in = {req_param(r, "title"), req_param(r, "body"), req_param(r, "dept"), req_param(r, "consultation")};
	struct proposal p = {0};
	struct form_errors e = {0};
	const char *key = NULL;
	int st = submit(r, s, &in, &p, &e, &key);
	if (st == 201)
		resp_redirect(r, arena_printf(r->a, "/proposals/%lld?done=new", (long long)p.id));
	else if (st == 422)
		new_form(r, s, 422, &in, &e);
	else
		resp_error(r, st, key);
}

/* String fields of a JSON object into slots; unknown fields and non-strings
 * refused (400). Integers are accepted for *_id-like fields as text. */
static bool read_fields(struct req *r, json_t *root, const char *const *names, const char **slots, int n)
{
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		int k = 0;
		while (k < n && strcmp(names[k], key))
			k++;
		if (k == n) {
			resp_json_error(r, 400, "unknown_field", arena_printf(r->a, "%s: %s", TR(r, "api.unknown_field"), key));
			return false;
		}
		if (json_is_integer(v))
			slots[k] = arena_printf(r->a, "%lld", (long long)json_integer_value(v));
		else if (json_is_string(v))
			slots[k] = arena_strdup(r->a, json_string_value(v));
		else if (!json_is_null(v)) {
			resp_json_error(r, 400, "bad_type", TR(r, "api.bad_type"));
			return false;
		}
	}
	return true;
}

static void invalid(struct req *r, const struct form_errors *e)
{
	const char *space = form_error_for(e, "space");
	resp_json_invalid(r, e, space ? "space_closed" : NULL, space);
}

static void api_create(struct req *r)
{
	store *s = req_store(r);
	json_t *root;
	if (!s || !(root = req_json_object(r)))
		return;
	static const char *const names[] = {"title", "body", "department", "consultation_id"};
	const char *slots[4] = {0};
	bool okf = read_fields(r, root, names, slots, 4);
	json_decref(root);
	if (!okf)
		return;
	struct prop_input in = {slots[0], slots[1], slots[2], slots[3]};
	struct proposal p = {0};
	struct form_errors e = {0};
	const char *key = NULL;
	int st = submit(r, s, &in, &p, &e, &key);
	if (st == 201) {
		proposal_load(s, r->a, p.id, &p);
		resp_header(r, "Location", arena_printf(r->a, "/api/v1/proposals/%lld", (long long)p.id));
		resp_json(r, 201, prop_json(r, s, &p, true));
	} else if (st == 422) {
		invalid(r, &e);
	} else {
		resp_error(r, st, key);
	}
}

static void api_list(struct req *r)
{
	store *s = req_store(r);
	struct prop_filter f;
	if (!s || !read_filter(r, s, &f))
		return;
	int64_t ids[PAGE_SIZE + 1];
	int n = list_ids(s, &f, now_s(), ids);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n && i < PAGE_SIZE; i++) {
		struct proposal p;
		if (proposal_load(s, r->a, ids[i], &p))
			json_array_append_new(items, prop_json(r, s, &p, false));
	}
	resp_cacheable(r, 5);
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_page", n > PAGE_SIZE ? json_integer(f.page + 1) : json_null()));
}

static void api_get(struct req *r)
{
	store *s = req_store(r);
	struct proposal p;
	if (!s || !load(r, s, &p))
		return;
	resp_json(r, 200, prop_json(r, s, &p, true));
}

/* ---- official answer ---- */

static int answer_common(struct req *r, store *s, struct proposal *p, const char *answer, const char *text, struct form_errors *e)
{
	if (!staff_for(r, p->dept_id))
		return 403;
	if (!answer || (strcmp(answer, "accepted") && strcmp(answer, "under_study") && strcmp(answer, "rejected")))
		form_error(e, "answer", "form.invalid_choice");
	if (!text || !*text)
		form_error(e, "text", "prop.answer_required");
	else if (!utf8_valid_text(text, strlen(text)))
		form_error(e, "text", "form.bad_text");
	else if (strlen(text) > PROP_ANSWER_MAX)
		form_error(e, "text", "form.too_long");
	if (e->n)
		return 422;
	if (!proposal_answer(s, r->a, p->id, answer, text, req_who(r)->user_id, now_s(), r->cfg->base_url))
		return 503;
	audit_record(r, s, "proposal.answer", "proposal", p->id, answer);
	page_cache_bump();
	proposal_load(s, r->a, p->id, p);
	return 200;
}

static void answer_post(struct req *r)
{
	store *s = req_store(r);
	struct proposal p;
	if (!s || !load(r, s, &p))
		return;
	struct form_errors e = {0};
	int st = answer_common(r, s, &p, req_param(r, "answer"), req_param(r, "text"), &e);
	if (st == 200)
		resp_redirect(r, arena_printf(r->a, "/proposals/%lld?done=answer", (long long)p.id));
	else if (st == 422)
		show_page(r, s, &p, 422, "form.has_errors", false, &e);
	else
		resp_error(r, st, st == 403 ? "error.forbidden" : "error.unavailable");
}

static void api_answer(struct req *r)
{
	store *s = req_store(r);
	struct proposal p;
	json_t *root;
	if (!s || !load(r, s, &p) || !(root = req_json_object(r)))
		return;
	static const char *const names[] = {"status", "text"};
	const char *slots[2] = {0};
	bool okf = read_fields(r, root, names, slots, 2);
	json_decref(root);
	if (!okf)
		return;
	struct form_errors e = {0};
	int st = answer_common(r, s, &p, slots[0], slots[1], &e);
	if (st == 200)
		resp_json(r, 200, prop_json(r, s, &p, true));
	else if (st == 422) {
		if (form_error_for(&e, "answer"))
			e.field[0] = "status";
		invalid(r, &e);
	} else
		resp_error(r, st, st == 403 ? "error.forbidden" : "error.unavailable");
}

/* ---- department spaces ---- */

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

static json_t *space_json(struct req *r, const struct department *d, const struct proposal_space *sp)
{
	return json_pack("{s:I,s:s,s:s,s:b,s:I,s:o}", "department_id", (json_int_t)d->id, "department", d->slug,
			 "name", dept_name(d, r->lang), "open", sp->open, "threshold", (json_int_t)sp->threshold,
			 "deadline", json_time(sp->deadline));
}

static void spaces_page(struct req *r, store *s, int status, int64_t err_dept, const struct form_errors *e)
{
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	page_begin(r, TR(r, "prop.spaces_title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "prop.spaces_title"), TR(r, "prop.spaces_intro"));
	if (kv_get(&r->query, "saved"))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, "prop.space_saved"));
	for (int i = 0; i < nd; i++) {
		if (!staff_for(r, d[i].id))
			continue;
		struct proposal_space sp;
		proposal_space_get(s, d[i].id, &sp);
		const struct form_errors *fe = err_dept == d[i].id ? e : NULL;
		h_printf(&r->out, "<section><h2>%s</h2>", dept_name(&d[i], r->lang));
		f_errors_summary(r, fe);
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/proposals/spaces/%s\">", d[i].slug);
		f_csrf(r);
		h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"open\" value=\"1\"%s> %s</label></div>",
			 sp.open ? " checked" : "", TR(r, "prop.space_open"));
		f_input(r, fe, "threshold", "prop.threshold", "number", arena_printf(r->a, "%lld", (long long)sp.threshold), "min=\"0\"");
		f_input(r, fe, "deadline", "prop.deadline", "datetime-local", local_dt(r, sp.deadline), NULL);
		h_printf(&r->out, "<button>%s</button></form></section>", TR(r, "form.save"));
	}
	page_end(r);
	resp_html(r, status);
}

static void spaces_get(struct req *r)
{
	store *s = req_store(r);
	if (s)
		spaces_page(r, s, 200, 0, NULL);
}

static bool space_input(struct req *r, struct proposal_space *sp, const char *open, const char *threshold, const char *deadline,
			struct form_errors *e)
{
	sp->open = open && (!strcmp(open, "1") || !strcmp(open, "true"));
	if (threshold && *threshold && !parse_int64(threshold, 0, 10000000, &sp->threshold))
		form_error(e, "threshold", "prop.bad_threshold");
	time_t t;
	sp->deadline = 0;
	if (deadline && *deadline) {
		if (parse_datetime(deadline, &t))
			sp->deadline = (int64_t)t;
		else
			form_error(e, "deadline", "form.bad_datetime");
	}
	return e->n == 0;
}

static bool space_dept(struct req *r, store *s, struct department *d)
{
	int64_t id = dept_by_slug(s, r->params[0]);
	if (!id || !dept_get(s, r->a, id, d)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (!staff_for(r, id)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static void space_post(struct req *r)
{
	store *s = req_store(r);
	struct department d;
	if (!s || !space_dept(r, s, &d))
		return;
	struct proposal_space sp = {.dept_id = d.id};
	struct form_errors e = {0};
	if (!space_input(r, &sp, req_param(r, "open"), req_param(r, "threshold"), req_param(r, "deadline"), &e)) {
		spaces_page(r, s, 422, d.id, &e);
		return;
	}
	if (!proposal_space_set(s, &sp, req_who(r)->user_id)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "proposal.space", "department", d.id, sp.open ? "open" : "closed");
	resp_redirect(r, "/staff/proposals/spaces?saved=1");
}

static void api_spaces(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	json_t *items = json_array();
	for (int i = 0; i < nd; i++) {
		struct proposal_space sp;
		proposal_space_get(s, d[i].id, &sp);
		json_array_append_new(items, space_json(r, &d[i], &sp));
	}
	resp_json(r, 200, json_pack("{s:o}", "items", items));
}

static void api_space_put(struct req *r)
{
	store *s = req_store(r);
	struct department d;
	json_t *root;
	if (!s || !space_dept(r, s, &d) || !(root = req_json_object(r)))
		return;
	json_t *open = json_object_get(root, "open"), *th = json_object_get(root, "threshold"), *dl = json_object_get(root, "deadline");
	bool bad = json_object_size(root) != (size_t)(!!open + !!th + !!dl) || (open && !json_is_boolean(open)) ||
		   (th && !json_is_integer(th)) || (dl && !json_is_string(dl) && !json_is_null(dl));
	struct proposal_space sp = {.dept_id = d.id};
	struct form_errors e = {0};
	if (!bad)
		space_input(r, &sp, open && json_is_true(open) ? "1" : NULL,
			    th ? arena_printf(r->a, "%lld", (long long)json_integer_value(th)) : NULL,
			    dl && json_is_string(dl) ? arena_strdup(r->a, json_string_value(dl)) : NULL, &e);
	json_decref(root);
	if (bad) {
		resp_json_error(r, 400, "bad_type", TR(r, "api.bad_type"));
		return;
	}
	if (e.n) {
		invalid(r, &e);
		return;
	}
	if (!proposal_space_set(s, &sp, req_who(r)->user_id)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "proposal.space", "department", d.id, sp.open ? "open" : "closed");
	resp_json(r, 200, space_json(r, &d, &sp));
}

/* ---- moderation target ---- */

static bool mod_describe(store *s, arena *a, int64_t id, int64_t *author_id, int64_t *dept_id, const char **excerpt,
			 const char **link)
{
	struct proposal p;
	if (!proposal_load(s, a, id, &p))
		return false;
	*author_id = p.author_id;
	*dept_id = p.dept_id;
	*excerpt = p.title;
	*link = arena_printf(a, "/proposals/%lld", (long long)id);
	return true;
}

static bool mod_set_hidden(store *s, int64_t id, bool hidden)
{
	bool ok = store_run(s, "UPDATE proposals SET hidden = ? WHERE id = ?", "ii", (int64_t)hidden, id) >= 0 &&
		  proposal_reindex(s, id);
	page_cache_bump();
	return ok;
}

static const struct mod_target proposal_target = {"proposal", mod_describe, mod_set_hidden};

void proposals_init(void)
{
	moderation_register(&proposal_target);
}

void proposals_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/proposals", list_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "proposals, filtered and paginated"},
		{"GET", "/proposals/new", new_get, ACCESS_LOGGED_IN, 0, 0, "submit a proposal (form)"},
		{"POST", "/proposals", create_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "submit a proposal"},
		{"GET", "/proposals/:id", show, ACCESS_ANYONE, 0, ROUTE_CACHE, "one proposal"},
		{"POST", "/proposals/:id/support", support_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "support a proposal"},
		{"POST", "/proposals/:id/withdraw", withdraw_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "withdraw one's support"},
		{"POST", "/staff/proposals/:id/answer", answer_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: official answer"},
		{"GET", "/staff/proposals/spaces", spaces_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: departments' proposal spaces"},
		{"POST", "/staff/proposals/spaces/:dept", space_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: save a proposal space"},
		{"GET", "/api/v1/proposals", api_list, ACCESS_ANYONE, 0, ROUTE_API, "proposals (JSON)"},
		{"POST", "/api/v1/proposals", api_create, ACCESS_LOGGED_IN, 0, ROUTE_API, "submit a proposal"},
		{"GET", "/api/v1/proposals/:id", api_get, ACCESS_ANYONE, 0, ROUTE_API, "one proposal (JSON)"},
		{"POST", "/api/v1/proposals/:id/support", api_support_post, ACCESS_LOGGED_IN, 0, ROUTE_API, "support a proposal"},
		{"DELETE", "/api/v1/proposals/:id/support", api_support_delete, ACCESS_LOGGED_IN, 0, ROUTE_API, "withdraw one's support"},
		{"POST", "/api/v1/proposals/:id/answer", api_answer, ACCESS_LOGGED_IN, 0, ROUTE_API, "staff: official answer"},
		{"GET", "/api/v1/proposal-spaces", api_spaces, ACCESS_ANYONE, 0, ROUTE_API, "departments' proposal spaces"},
		{"PUT", "/api/v1/proposal-spaces/:dept", api_space_put, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "staff: set a proposal space"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
