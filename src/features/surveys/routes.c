/* Surveys: public list and response form, the response (form and API), the
 * results summary (HTML with SVG bars, JSON), the staff CSV export, staff
 * create/edit/close, hiding a free-text answer, and the moderation target. */
#include "web/json_util.h"
#include "features/surveys/surveys.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/moderation/moderation.h"
#include "core/util.h"
#include "http/ratelimit.h"
#include "web/chart.h"
#include "web/page.h"
#include "web/csv_out.h"
#include <ctype.h>
#include <string.h>

#define PAGE_SIZE 20
#define FORM_SLOTS 10   /* question blocks on the staff form (the API takes up to SURVEY_QUESTIONS_MAX) */

static bool staff_for(struct req *r, int64_t dept_id)
{
	return principal_can(req_who(r), ROLE_EDITOR, dept_id);
}

static bool load(struct req *r, store *s, struct survey *sv)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !survey_load(s, r->a, id, sv)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	return true;
}

static bool load_staff(struct req *r, store *s, struct survey *sv)
{
	if (!load(r, s, sv))
		return false;
	if (!staff_for(r, sv->dept_id)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static bool summary_visible(struct req *r, const struct survey *sv, int64_t now)
{
	return staff_for(r, sv->dept_id) || (sv->results_public && sv->closes_at && now >= sv->closes_at);
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

/* ---- answering ---- */

struct given {               /* what was sent for one question */
	const char **v;
	int n;
};

static const char *qfield(struct req *r, const struct s_question *q)
{
	return arena_printf(r->a, "q%lld", (long long)q->id);
}

/* Validates every question; fills ans (capacity SURVEY_QUESTIONS_MAX *
 * (SURVEY_OPTIONS_MAX)) and e. Returns e->n == 0. */
static bool validate(struct req *r, const struct survey *sv, const struct given *g, struct s_answer *ans, int *nans,
		     struct form_errors *e)
{
	*nans = 0;
	for (int i = 0; i < sv->nquestions; i++) {
		const struct s_question *q = &sv->questions[i];
		const char *f = qfield(r, q);
		int n = 0;
		const char *vals[SURVEY_OPTIONS_MAX + 1];
		for (int k = 0; k < g[i].n; k++) /* blanks count as not answered */
			if (g[i].v[k] && *g[i].v[k]) {
				if (n > SURVEY_OPTIONS_MAX) {
					n = -1;
					break;
				}
				vals[n++] = g[i].v[k];
			}
		if (n < 0 || (n > 1 && q->kind != Q_MULTIPLE)) {
			form_error(e, f, "survey.one_value");
			continue;
		}
		if (n == 0) {
			if (q->required)
				form_error(e, f, "survey.required");
			continue;
		}
		int start = *nans;
		bool bad = false;
		for (int k = 0; k < n && !bad; k++) {
			struct s_answer a = {.question_id = q->id};
			const char *v = vals[k];
			switch (q->kind) {
			case Q_SINGLE:
			case Q_MULTIPLE: {
				int64_t oid;
				bool found = false;
				if (parse_int64(v, 1, INT64_MAX, &oid))
					for (int o = 0; o < q->noptions; o++)
						found |= q->options[o].id == oid;
				for (int j = start; j < *nans; j++)
					found &= ans[j].option_id != oid;
				if (!found) {
					form_error(e, f, "survey.bad_choice");
					bad = true;
				}
				a.option_id = oid;
				break;
			}
			case Q_SHORT:
			case Q_LONG:
				if (!utf8_valid_text(v, strlen(v)) || (q->kind == Q_SHORT && strchr(v, '\n'))) {
					form_error(e, f, "form.bad_text");
					bad = true;
				} else if (utf8_length(v) > (q->kind == Q_SHORT ? SURVEY_SHORT_MAX : SURVEY_LONG_MAX)) {
					form_error(e, f, "form.too_long");
					bad = true;
				}
				a.text = v;
				break;
			case Q_NUMBER:
				if (!parse_int64(v, INT64_MIN / 2, INT64_MAX / 2, &a.num)) {
					form_error(e, f, "survey.bad_number");
					bad = true;
				} else if ((q->has_min && a.num < q->min) || (q->has_max && a.num > q->max)) {
					form_error(e, f, "survey.out_of_range");
					bad = true;
				}
				a.has_num = true;
				break;
			case Q_SCALE:
				if (!parse_int64(v, 1, 5, &a.num)) {
					form_error(e, f, "survey.bad_scale");
					bad = true;
				}
				a.has_num = true;
				break;
			case Q_KIND_COUNT:
				bad = true;
			}
			if (!bad)
				ans[(*nans)++] = a;
		}
	}
	return e->n == 0;
}

static void range_hint(struct req *r, const struct s_question *q)
{
	if (q->kind != Q_NUMBER || (!q->has_min && !q->has_max))
		return;
	strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	if (q->has_min)
		fmt_int(&a, r->lang, q->min);
	if (q->has_max)
		fmt_int(&b, r->lang, q->max);
	const char *key = q->has_min && q->has_max ? "survey.range_both" : q->has_min ? "survey.range_min" : "survey.range_max";
	h_printf(&r->out, "<p class=\"hint\">%s</p>",
		 T_fill(r->a, TR(r, key), 2, (const char *[]){sb_str(&a), sb_str(&b)}));
	sb_free(&a);
	sb_free(&b);
}

static bool given_has(const struct given *g, const char *v)
{
	for (int k = 0; g && k < g->n; k++)
		if (g->v[k] && !strcmp(g->v[k], v))
			return true;
	return false;
}

static void question_field(struct req *r, const struct s_question *q, const struct given *g, const struct form_errors *e)
{
	const char *f = qfield(r, q);
	const char *err = form_error_for(e, f);
	const char *first = g && g->n ? g->v[0] : NULL;
	h_printf(&r->out, "<fieldset class=\"question\"%s><legend>%s%s</legend>", err ? arena_printf(r->a, " aria-describedby=\"e-%s\"", f) : "",
		 q->label, q->required ? " *" : "");
	switch (q->kind) {
	case Q_SINGLE:
	case Q_MULTIPLE:
		for (int k = 0; k < q->noptions; k++) {
			const char *v = arena_printf(r->a, "%lld", (long long)q->options[k].id);
			h_printf(&r->out, "<div class=\"choice\"><label><input type=\"%s\" name=\"%s\" value=\"%s\"%s> %s</label></div>",
				 q->kind == Q_SINGLE ? "radio" : "checkbox", f, v, given_has(g, v) ? " checked" : "", q->options[k].label);
		}
		break;
	case Q_SHORT:
		h_printf(&r->out, "<input name=\"%s\" type=\"text\" maxlength=\"%d\" value=\"%s\" aria-label=\"%s\">", f, SURVEY_SHORT_MAX,
			 first ? first : "", q->label);
		break;
	case Q_LONG:
		h_printf(&r->out, "<textarea name=\"%s\" rows=\"5\" aria-label=\"%s\">%s</textarea>", f, q->label, first ? first : "");
		break;
	case Q_NUMBER:
		range_hint(r, q);
		h_printf(&r->out, "<input name=\"%s\" type=\"number\" step=\"1\" value=\"%s\" aria-label=\"%s\"", f, first ? first : "", q->label);
		if (q->has_min)
			h_printf(&r->out, " min=\"%lld\"", (long long)q->min);
		if (q->has_max)
			h_printf(&r->out, " max=\"%lld\"", (long long)q->max);
		h_raw(&r->out, ">");
		break;
	case Q_SCALE:
		h_printf(&r->out, "<p class=\"hint\">%s</p><div class=\"scale\">", TR(r, "survey.scale_hint"));
		for (int k = 1; k <= 5; k++) {
			const char *v = arena_printf(r->a, "%d", k);
			h_printf(&r->out, "<label><input type=\"radio\" name=\"%s\" value=\"%s\"%s> %s</label> ", f, v,
				 given_has(g, v) ? " checked" : "", v);
		}
		h_raw(&r->out, "</div>");
		break;
	case Q_KIND_COUNT:
		break;
	}
	if (err)
		h_printf(&r->out, "<p class=\"err\" id=\"e-%s\">%s</p>", f, TR(r, err));
	h_raw(&r->out, "</fieldset>");
}

static void survey_page(struct req *r, store *s, const struct survey *sv, int status, const char *msg, bool msg_ok,
			const struct given *g, const struct form_errors *e)
{
	int64_t now = now_s();
	struct principal *who = req_who(r);
	page_begin(r, sv->title);
	h_printf(&r->out, "<article class=\"survey\"><h1>%s</h1>", sv->title);
	if (*sv->intro)
		h_printf(&r->out, "<p>%s</p>", sv->intro);
	h_raw(&r->out, "<p class=\"meta\">");
	if (sv->closes_at) {
		h_printf(&r->out, "%s ", TR(r, now >= sv->closes_at ? "survey.closed_on" : "survey.closes"));
		fmt_date(&r->out, r->lang, (time_t)sv->closes_at, true);
	}
	if (sv->verified_only)
		h_printf(&r->out, " · %s", TR(r, "poll.verified_only"));
	h_raw(&r->out, "</p>");
	if (msg)
		h_printf(&r->out, "<p class=\"%s\" role=\"%s\">%s</p>", msg_ok ? "notice ok" : "err-summary", msg_ok ? "status" : "alert",
			 TR(r, msg));
	if (!survey_open(sv, now))
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, now < sv->opens_at ? "survey.not_yet" : "survey.closed"));
	else if (!who)
		h_printf(&r->out, "<p><a class=\"button\" href=\"/login?next=/surveys/%lld\">%s</a></p>", (long long)sv->id,
			 TR(r, "participate.login"));
	else if (survey_responded(s, sv->id, who->user_id))
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "survey.already_done"));
	else {
		h_printf(&r->out, "<p class=\"hint\">%s</p><form method=\"post\" action=\"/surveys/%lld/respond\">", TR(r, "survey.required_hint"),
			 (long long)sv->id);
		f_csrf(r);
		for (int i = 0; i < sv->nquestions; i++)
			question_field(r, &sv->questions[i], g ? &g[i] : NULL, e);
		h_printf(&r->out, "<button>%s</button></form>", TR(r, "survey.send"));
	}
	if (summary_visible(r, sv, now))
		h_printf(&r->out, "<p class=\"actions\"><a href=\"/surveys/%lld/results\">%s</a></p>", (long long)sv->id, TR(r, "survey.results"));
	if (staff_for(r, sv->dept_id))
		h_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/staff/surveys/%lld/edit\">%s</a></p>", (long long)sv->id,
			 TR(r, "form.edit"));
	h_raw(&r->out, "</article>");
	page_end(r);
	resp_html(r, status);
}

static void show(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load(r, s, &sv))
		return;
	survey_page(r, s, &sv, 200, kv_get(&r->query, "done") ? "survey.thanks" : NULL, true, NULL, NULL);
}

/* Gate, rate limit, validation and the write. Returns the status; *key for
 * non-422 refusals. */
static int respond_common(struct req *r, store *s, const struct survey *sv, const struct given *g, struct form_errors *e,
			  const char **key)
{
	struct principal *who = req_who(r);
	const char *why = NULL;
	if (!account_may_participate(s, who->user_id, sv->verified_only, &why)) {
		*key = why ? why : "error.forbidden";
		return 403;
	}
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "survey-acct:%lld", (long long)who->user_id), SURVEY_RESPONSES_PER_ACCOUNT, 60, &retry) ||
	    !ratelimit_take(arena_printf(r->a, "survey-ip:%s", r->ip), SURVEY_RESPONSES_PER_IP, 60, &retry)) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 60));
		*key = "survey.rate_limited";
		return 429;
	}
	if (!survey_open(sv, now_s())) {
		*key = "survey.closed";
		return 409;
	}
	if (survey_responded(s, sv->id, who->user_id)) {
		*key = "survey.already_done";
		return 409;
	}
	struct s_answer *ans = arena_alloc(r->a, sizeof *ans * SURVEY_QUESTIONS_MAX * (SURVEY_OPTIONS_MAX + 1));
	int nans = 0;
	if (!validate(r, sv, g, ans, &nans, e)) {
		*key = "form.has_errors";
		return 422;
	}
	switch (survey_respond(s, sv->id, who->user_id, ans, nans, now_s())) {
	case RESPOND_OK: *key = "survey.thanks"; return 201;
	case RESPOND_ALREADY: *key = "survey.already_done"; return 409;
	case RESPOND_CLOSED: *key = "survey.closed"; return 409;
	case RESPOND_ERROR: break;
	}
	*key = "error.unavailable";
	return 503;
}

static void respond_form(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load(r, s, &sv))
		return;
	struct given *g = arena_alloc(r->a, sizeof *g * (size_t)(sv.nquestions + 1));
	for (int i = 0; i < sv.nquestions; i++) {
		const char *f = qfield(r, &sv.questions[i]);
		g[i].v = arena_alloc(r->a, sizeof *g[i].v * (size_t)(kv_count(&r->form, f) + 1));
		for (int k = 0; k < r->form.n; k++)
			if (!strcmp(r->form.items[k].name, f))
				g[i].v[g[i].n++] = r->form.items[k].value;
	}
	struct form_errors e = {0};
	const char *key = NULL;
	int st = respond_common(r, s, &sv, g, &e, &key);
	if (st == 201)
		resp_redirect(r, arena_printf(r->a, "/surveys/%lld?done=1", (long long)sv.id));
	else
		survey_page(r, s, &sv, st, key, false, g, &e);
}

static const char *scalar_text(struct req *r, json_t *v)
{
	if (json_is_string(v))
		return arena_strdup(r->a, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(r->a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v))
		return arena_printf(r->a, "%g", json_real_value(v)); /* refused later as not a whole number */
	return NULL;
}

static void api_respond(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	json_t *root;
	if (!s || !load(r, s, &sv) || !(root = req_json_object(r)))
		return;
	json_t *answers = json_object_get(root, "answers");
	if (!json_is_object(answers) || json_object_size(root) != 1) {
		json_decref(root);
		resp_json_error(r, 400, "bad_type", TR(r, "survey.bad_body"));
		return;
	}
	struct given *g = arena_alloc(r->a, sizeof *g * (size_t)(sv.nquestions + 1));
	const char *k;
	json_t *v;
	bool bad = false;
	json_object_foreach(answers, k, v) {
		int64_t qid;
		int i = 0;
		if (parse_int64(k, 1, INT64_MAX, &qid))
			while (i < sv.nquestions && sv.questions[i].id != qid)
				i++;
		if (!parse_int64(k, 1, INT64_MAX, &qid) || i == sv.nquestions) {
			const char *msg = arena_printf(r->a, "%s: %s", TR(r, "survey.unknown_question"), k);
			json_decref(root); /* the key belongs to root */
			resp_json_error(r, 400, "unknown_question", msg);
			return;
		}
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		if (n > SURVEY_OPTIONS_MAX + 1)
			n = SURVEY_OPTIONS_MAX + 1;
		g[i].v = arena_alloc(r->a, sizeof *g[i].v * (n + 1));
		if (json_is_array(v)) {
			for (size_t j = 0; j < n; j++)
				if (!(g[i].v[g[i].n++] = scalar_text(r, json_array_get(v, j))))
					bad = true;
		} else if (!json_is_null(v)) {
			if (!(g[i].v[g[i].n++] = scalar_text(r, v)))
				bad = true;
		}
	}
	json_decref(root);
	if (bad) {
		resp_json_error(r, 400, "bad_type", TR(r, "survey.bad_body"));
		return;
	}
	struct form_errors e = {0};
	const char *key = NULL;
	int st = respond_common(r, s, &sv, g, &e, &key);
	if (st == 201)
		resp_json(r, 201, json_pack("{s:s,s:s}", "result", "recorded", "message", TR(r, key)));
	else if (st == 422)
		resp_json_invalid(r, &e, NULL, NULL);
	else
		resp_json_error(r, st, strchr(key, '.') + 1, TR(r, key));
}

/* ---- summary ---- */

struct q_summary {
	int64_t answered;         /* responses that answered it (visible answers) */
	int64_t *counts;          /* per option, or per scale point 1..5 */
	double mean;
	bool has_mean;
};

static void summarize(store *s, arena *a, const struct survey *sv, struct q_summary *out)
{
	for (int i = 0; i < sv->nquestions; i++) {
		const struct s_question *q = &sv->questions[i];
		struct q_summary *m = &out[i];
		memset(m, 0, sizeof *m);
		m->answered = store_scalar(s, 0, "SELECT count(DISTINCT response_id) FROM survey_answers WHERE question_id = ? AND hidden = 0",
					   "i", q->id);
		if (q->kind == Q_SINGLE || q->kind == Q_MULTIPLE) {
			m->counts = arena_alloc(a, sizeof *m->counts * (size_t)(q->noptions + 1));
			for (int k = 0; k < q->noptions; k++)
				m->counts[k] = store_scalar(s, 0, "SELECT count(*) FROM survey_answers WHERE option_id = ? AND hidden = 0", "i",
							    q->options[k].id);
		} else if (q->kind == Q_SCALE || q->kind == Q_NUMBER) {
			store_stmt *st = store_prepare(s, "SELECT avg(num) FROM survey_answers WHERE question_id = ? AND hidden = 0 AND num IS NOT NULL");
			if (st) {
				store_bind_int(st, 1, q->id);
				if (store_step(st) == STORE_ROW && !store_is_null(st, 0)) {
					m->mean = store_double(st, 0);
					m->has_mean = true;
				}
				store_done(st);
			}
			if (q->kind == Q_SCALE) {
				m->counts = arena_alloc(a, sizeof *m->counts * 5);
				for (int k = 0; k < 5; k++)
					m->counts[k] = store_scalar(s, 0, "SELECT count(*) FROM survey_answers WHERE question_id = ? AND num = ? AND hidden = 0",
								    "ii", q->id, (int64_t)(k + 1));
			}
		}
	}
}

static void fmt_mean(struct req *r, strbuf *sb, double v)
{
	long long t = (long long)(v * 100 + (v >= 0 ? 0.5 : -0.5));
	sb_printf(sb, "%s%lld%s%02lld", t < 0 ? "-" : "", (t < 0 ? -t : t) / 100, strcmp(r->lang, "en") ? "," : ".", (t < 0 ? -t : t) % 100);
}

static void results_page(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load(r, s, &sv))
		return;
	int64_t now = now_s();
	if (!summary_visible(r, &sv, now)) {
		resp_error(r, 403, "survey.results_hidden");
		return;
	}
	bool staff = staff_for(r, sv.dept_id);
	struct q_summary *m = arena_alloc(r->a, sizeof *m * (size_t)(sv.nquestions + 1));
	summarize(s, r->a, &sv, m);
	page_begin(r, sv.title);
	strbuf nb = STRBUF_INIT;
	fmt_int(&nb, r->lang, sv.responses);
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", sv.title, T_fill(r->a, TR(r, "survey.n_responses"), 1, (const char *[]){sb_str(&nb)}));
	sb_free(&nb);
	if (staff)
		h_printf(&r->out, "<p class=\"actions\"><a href=\"/staff/surveys/%lld/export.csv\">%s</a> · "
				  "<a href=\"/staff/surveys/%lld/export.csv?bom=1\">%s</a></p>",
			 (long long)sv.id, TR(r, "survey.export"), (long long)sv.id, TR(r, "survey.export_bom"));
	for (int i = 0; i < sv.nquestions; i++) {
		const struct s_question *q = &sv.questions[i];
		strbuf t = STRBUF_INIT;
		fmt_int(&t, r->lang, m[i].answered);
		h_printf(&r->out, "<section class=\"question-summary\"><h2>%s</h2><p class=\"meta\">%s</p>", q->label,
			 T_fill(r->a, TR(r, "survey.n_answered"), 1, (const char *[]){sb_str(&t)}));
		sb_free(&t);
		if (m[i].has_mean) {
			strbuf mm = STRBUF_INIT;
			fmt_mean(r, &mm, m[i].mean);
			h_printf(&r->out, "<p>%s</p>", T_fill(r->a, TR(r, "survey.mean"), 1, (const char *[]){sb_str(&mm)}));
			sb_free(&mm);
		}
		int n = q->kind == Q_SCALE ? 5 : (q->kind == Q_SINGLE || q->kind == Q_MULTIPLE) ? q->noptions : 0;
		if (n) {
			struct chart_bar *bars = arena_alloc(r->a, sizeof *bars * (size_t)n);
			h_printf(&r->out, "<div class=\"table-wrap\"><table class=\"stats\"><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
					  "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
				 q->label, TR(r, "poll.option"), TR(r, "survey.count"), TR(r, "survey.share"));
			for (int k = 0; k < n; k++) {
				const char *label = q->kind == Q_SCALE ? arena_printf(r->a, "%d", k + 1) : q->options[k].label;
				strbuf a = STRBUF_INIT, b = STRBUF_INIT;
				fmt_int(&a, r->lang, m[i].counts[k]);
				chart_percent(r, &b, m[i].counts[k], m[i].answered);
				bars[k] = (struct chart_bar){label, m[i].counts[k], arena_printf(r->a, "%s · %s", sb_str(&a), sb_str(&b))};
				h_printf(&r->out, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>", label, sb_str(&a), sb_str(&b));
				sb_free(&a);
				sb_free(&b);
			}
			h_raw(&r->out, "</tbody></table></div>");
			strbuf d = STRBUF_INIT;
			fmt_int(&d, r->lang, m[i].answered);
			chart_hbars(r, arena_printf(r->a, "q-%lld", (long long)q->id), q->label,
				    T_fill(r->a, TR(r, "survey.chart_desc"), 1, (const char *[]){sb_str(&d)}), bars, n, 0);
			sb_free(&d);
		}
		if (staff && (q->kind == Q_SHORT || q->kind == Q_LONG)) {
			store_stmt *st = store_prepare(s, "SELECT id, text, hidden FROM survey_answers WHERE question_id = ? AND text IS NOT NULL"
							  " ORDER BY id DESC LIMIT 200");
			h_raw(&r->out, "<ul class=\"answers\">");
			if (st) {
				store_bind_int(st, 1, q->id);
				while (store_step(st) == STORE_ROW) {
					int64_t aid = store_int(st, 0);
					bool hidden = store_int(st, 2) != 0;
					h_printf(&r->out, "<li%s><p>%s</p><form method=\"post\" action=\"/staff/surveys/answers/%lld/%s\" class=\"inline\">",
						 hidden ? " class=\"hidden-answer\"" : "", store_text(st, 1), (long long)aid, hidden ? "restore" : "hide");
					f_csrf(r);
					h_printf(&r->out, "<button class=\"secondary\">%s</button></form></li>",
						 TR(r, hidden ? "survey.restore_answer" : "survey.hide_answer"));
				}
				store_done(st);
			}
			h_raw(&r->out, "</ul>");
		}
		h_raw(&r->out, "</section>");
	}
	page_end(r);
	resp_html(r, 200);
}

static json_t *survey_json(struct req *r, const struct survey *sv, const struct q_summary *m)
{
	json_t *qs = json_array();
	for (int i = 0; i < sv->nquestions; i++) {
		const struct s_question *q = &sv->questions[i];
		json_t *j = json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)q->id, "kind", q_kind_names[q->kind], "label", q->label,
				      "required", q->required);
		if (q->kind == Q_NUMBER) {
			json_object_set_new(j, "min", q->has_min ? json_integer(q->min) : json_null());
			json_object_set_new(j, "max", q->has_max ? json_integer(q->max) : json_null());
		}
		if (q->noptions) {
			json_t *o = json_array();
			for (int k = 0; k < q->noptions; k++) {
				json_t *x = json_pack("{s:I,s:s}", "id", (json_int_t)q->options[k].id, "label", q->options[k].label);
				if (m)
					json_object_set_new(x, "count", json_integer(m[i].counts[k]));
				json_array_append_new(o, x);
			}
			json_object_set_new(j, "options", o);
		}
		if (m) {
			json_object_set_new(j, "answered", json_integer(m[i].answered));
			if (q->kind == Q_SCALE || q->kind == Q_NUMBER)
				json_object_set_new(j, "mean", m[i].has_mean ? json_real(m[i].mean) : json_null());
			if (q->kind == Q_SCALE) {
				json_t *d = json_object();
				for (int k = 0; k < 5; k++)
					json_object_set_new(d, arena_printf(r->a, "%d", k + 1), json_integer(m[i].counts[k]));
				json_object_set_new(j, "distribution", d);
			}
		}
		json_array_append_new(qs, j);
	}
	json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:o}", "id", (json_int_t)sv->id, "department_id",
			      (json_int_t)sv->dept_id, "title", sv->title, "intro", sv->intro, "opens_at", json_time(sv->opens_at),
			      "closes_at", json_time(sv->closes_at), "open", survey_open(sv, now_s()), "verified_only", sv->verified_only,
			      "results_public", sv->results_public, "questions", qs);
	json_object_set_new(j, "url", json_string(arena_printf(r->a, "%s/surveys/%lld", r->cfg->base_url, (long long)sv->id)));
	if (m)
		json_object_set_new(j, "responses", json_integer(sv->responses));
	return j;
}

static void api_get(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load(r, s, &sv))
		return;
	json_t *j = survey_json(r, &sv, NULL);
	if (req_who(r))
		json_object_set_new(j, "responded", json_boolean(survey_responded(s, sv.id, req_who(r)->user_id)));
	resp_json(r, 200, j);
}

static void api_results(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load(r, s, &sv))
		return;
	if (!summary_visible(r, &sv, now_s())) {
		resp_error(r, 403, "survey.results_hidden");
		return;
	}
	struct q_summary *m = arena_alloc(r->a, sizeof *m * (size_t)(sv.nquestions + 1));
	summarize(s, r->a, &sv, m);
	resp_json(r, 200, survey_json(r, &sv, m));
}

static void api_list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *pg = kv_get(&r->query, "page");
	int64_t page = 1;
	if (pg && !parse_int64(pg, 1, 10000, &page)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct survey *list;
	int n = survey_list(s, r->a, 0, PAGE_SIZE + 1, (int)((page - 1) * PAGE_SIZE), &list);
	json_t *items = json_array();
	for (int i = 0; i < n && i < PAGE_SIZE; i++)
		json_array_append_new(items, survey_json(r, &list[i], NULL));
	resp_json(r, 200, json_pack("{s:o,s:o}", "items", items, "next_page", n > PAGE_SIZE ? json_integer(page + 1) : json_null()));
}

static void list_page(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *pg = kv_get(&r->query, "page");
	int64_t page = 1, now = now_s();
	if (pg && !parse_int64(pg, 1, 10000, &page)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct survey *list;
	int n = survey_list(s, r->a, 0, PAGE_SIZE + 1, (int)((page - 1) * PAGE_SIZE), &list);
	page_begin(r, TR(r, "survey.list_title"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "survey.list_title"));
	if (n <= 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "survey.none"));
	h_raw(&r->out, "<ul class=\"post-list\">");
	for (int i = 0; i < n && i < PAGE_SIZE; i++)
		h_printf(&r->out, "<li><h2><a href=\"/surveys/%lld\">%s</a></h2><p class=\"meta\">%s</p></li>", (long long)list[i].id,
			 list[i].title, TR(r, survey_open(&list[i], now) ? "poll.state_open" : now < list[i].opens_at ? "poll.state_upcoming"
															  : "poll.state_closed"));
	h_raw(&r->out, "</ul>");
	if (n > PAGE_SIZE)
		h_printf(&r->out, "<nav class=\"pager\"><a rel=\"next\" href=\"/surveys?page=%lld\">%s</a></nav>", (long long)page + 1,
			 TR(r, "prop.next_page"));
	page_end(r);
	resp_cacheable(r, 30);
	resp_html(r, 200);
}

/* ---- export ---- */

static void export_csv(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load_staff(r, s, &sv))
		return;
	strbuf sb = STRBUF_INIT;
	if (kv_get(&r->query, "bom"))
		sb_puts(&sb, "\xEF\xBB\xBF");
	sb_puts(&sb, "response,submitted_at");
	for (int i = 0; i < sv.nquestions; i++) {
		sb_putc(&sb, ',');
		csv_put(&sb, sv.questions[i].label);
	}
	sb_puts(&sb, "\r\n");
	/* One pass over the answers ordered by response: a row per response. */
	store_stmt *st = store_prepare(s,
		"SELECT r.id, r.created_at, a.question_id, o.label, a.text, a.num, a.hidden FROM survey_responses r"
		" LEFT JOIN survey_answers a ON a.response_id = r.id LEFT JOIN survey_options o ON o.id = a.option_id"
		" WHERE r.survey_id = ? ORDER BY r.id, a.question_id, o.position");
	if (!st) {
		sb_free(&sb);
		resp_error(r, 503, "error.unavailable");
		return;
	}
	store_bind_int(st, 1, sv.id);
	int64_t cur = 0;
	strbuf *cells = arena_alloc(r->a, sizeof *cells * (size_t)(sv.nquestions + 1));
	int64_t cur_at = 0;
	int rc;
	for (;;) {
		rc = store_step(st);
		int64_t rid = rc == STORE_ROW ? store_int(st, 0) : 0;
		if (cur && rid != cur) {
			char when[32];
			iso8601_utc(when, sizeof when, (time_t)cur_at);
			sb_printf(&sb, "%lld,%s", (long long)cur, when);
			for (int i = 0; i < sv.nquestions; i++) {
				sb_putc(&sb, ',');
				csv_put(&sb, sb_str(&cells[i]));
				sb_free(&cells[i]);
			}
			sb_puts(&sb, "\r\n");
		}
		if (rc != STORE_ROW)
			break;
		cur = rid;
		cur_at = store_int(st, 1);
		if (store_is_null(st, 2) || store_int(st, 6))
			continue; /* no answer, or hidden by moderation */
		int64_t qid = store_int(st, 2);
		int qi = 0;
		while (qi < sv.nquestions && sv.questions[qi].id != qid)
			qi++;
		if (qi == sv.nquestions)
			continue;
		strbuf *c = &cells[qi];
		if (c->len)
			sb_puts(c, "; ");
		if (!store_is_null(st, 3))
			sb_puts(c, store_text(st, 3));
		else if (!store_is_null(st, 4))
			sb_puts(c, store_text(st, 4));
		else if (!store_is_null(st, 5))
			sb_printf(c, "%lld", (long long)store_int(st, 5));
	}
	store_done(st);
	audit_record(r, s, "survey.export", "survey", sv.id, NULL);
	resp_header(r, "Content-Disposition", arena_printf(r->a, "attachment; filename=\"survey-%lld.csv\"", (long long)sv.id));
	resp_body(r, 200, "text/csv; charset=utf-8; header=present", sb_str(&sb), sb.len);
	sb_free(&sb);
}

/* ---- hiding a free-text answer ---- */

static bool answer_dept(store *s, int64_t aid, int64_t *dept_id, int64_t *author_id, int64_t *survey_id)
{
	store_stmt *st = store_prepare(s, "SELECT v.dept_id, r.user_id, v.id FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id"
					  " JOIN surveys v ON v.id = r.survey_id WHERE a.id = ? AND a.text IS NOT NULL");
	if (!st)
		return false;
	store_bind_int(st, 1, aid);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		*dept_id = store_int(st, 0);
		*author_id = store_int(st, 1);
		*survey_id = store_int(st, 2);
	}
	store_done(st);
	return found;
}

static void hide_answer(struct req *r, bool hide)
{
	store *s = req_store(r);
	if (!s)
		return;
	int64_t aid = req_param_id(r, 0), dept, author, sid;
	if (!aid || !answer_dept(s, aid, &dept, &author, &sid)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	if (!staff_for(r, dept) && !principal_can(req_who(r), ROLE_MODERATOR, dept)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	const char *reason = req_param(r, "reason");
	if (!moderation_decide(s, "survey_answer", aid, hide, reason && *reason ? reason : TR(r, "survey.hidden_by_staff"),
			       req_who(r)->user_id)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, hide ? "survey.answer_hide" : "survey.answer_restore", "survey_answer", aid, NULL);
	resp_redirect(r, arena_printf(r->a, "/surveys/%lld/results", (long long)sid));
}

static void hide_post(struct req *r) { hide_answer(r, true); }
static void restore_post(struct req *r) { hide_answer(r, false); }

static bool mod_describe(store *s, arena *a, int64_t id, int64_t *author_id, int64_t *dept_id, const char **excerpt,
			 const char **link)
{
	int64_t sid;
	if (!answer_dept(s, id, dept_id, author_id, &sid))
		return false;
	const char *t = NULL;
	store_stmt *st = store_prepare(s, "SELECT text FROM survey_answers WHERE id = ?");
	if (st) {
		store_bind_int(st, 1, id);
		if (store_step(st) == STORE_ROW)
			t = arena_strndup(a, store_text(st, 0), 200);
		store_done(st);
	}
	*excerpt = t ? t : "";
	*link = arena_printf(a, "/surveys/%lld/results", (long long)sid);
	return true;
}

static bool mod_set_hidden(store *s, int64_t id, bool hidden)
{
	return store_run(s, "UPDATE survey_answers SET hidden = ? WHERE id = ? AND text IS NOT NULL", "ii", (int64_t)hidden, id) >= 0;
}

static const struct mod_target answer_target = {"survey_answer", mod_describe, mod_set_hidden};

void surveys_init(void)
{
	moderation_register(&answer_target);
}

/* ---- staff: create, edit, close ---- */

struct q_input {
	const char *kind, *label, *options, *min, *max;
	bool required;
};
struct survey_input {
	const char *title, *intro, *dept, *opens_at, *closes_at;
	bool verified_only, results_public;
	struct q_input q[SURVEY_QUESTIONS_MAX];
	int nq;                     /* slots given (blank labels skipped) */
	bool questions_given;
};

static bool apply_input(struct req *r, store *s, const struct survey_input *in, struct survey *sv, bool questions, struct form_errors *e)
{
	if (!in->title || !*in->title)
		form_error(e, "title", "form.required");
	else if (!utf8_text_within(in->title, SURVEY_TITLE_MAX))
		form_error(e, "title", "form.too_long");
	sv->title = in->title ? in->title : "";
	if (in->intro && !utf8_text_within(in->intro, SURVEY_INTRO_MAX))
		form_error(e, "intro", "form.too_long");
	sv->intro = in->intro ? in->intro : "";
	if (!sv->id) {
		int64_t d = dept_resolve(s, in->dept);
		if (!d || !staff_for(r, d))
			form_error(e, "dept", "form.invalid_choice");
		sv->dept_id = d;
	}
	time_t t;
	int64_t o = 0, c = 0;
	if (in->opens_at && *in->opens_at) {
		if (parse_datetime(in->opens_at, &t))
			o = (int64_t)t;
		else
			form_error(e, "opens_at", "form.bad_datetime");
	}
	if (in->closes_at && *in->closes_at) {
		if (parse_datetime(in->closes_at, &t))
			c = (int64_t)t;
		else
			form_error(e, "closes_at", "form.bad_datetime");
	}
	sv->opens_at = o ? o : sv->opens_at ? sv->opens_at : now_s();
	sv->closes_at = c;
	if (c && c <= sv->opens_at)
		form_error(e, "closes_at", "poll.bad_dates");
	sv->verified_only = in->verified_only;
	sv->results_public = in->results_public;
	if (!questions)
		return e->n == 0;
	sv->questions = arena_alloc(r->a, sizeof *sv->questions * SURVEY_QUESTIONS_MAX);
	sv->nquestions = 0;
	for (int i = 0; i < in->nq; i++) {
		const struct q_input *qi = &in->q[i];
		if (!qi->label || !*qi->label)
			continue;
		const char *f = arena_printf(r->a, "q%d_label", i + 1);
		struct s_question *q = &sv->questions[sv->nquestions++];
		q->label = qi->label;
		q->required = qi->required;
		if (!utf8_text_within(qi->label, SURVEY_LABEL_MAX))
			form_error(e, f, "form.too_long");
		if (!q_kind_parse(qi->kind, &q->kind)) {
			form_error(e, arena_printf(r->a, "q%d_kind", i + 1), "form.invalid_choice");
			continue;
		}
		if (q->kind == Q_SINGLE || q->kind == Q_MULTIPLE) {
			const char **v;
			int n = split_lines(r->a, qi->options, SURVEY_OPTIONS_MAX, &v);
			if (n < 2 || n > SURVEY_OPTIONS_MAX)
				form_error(e, arena_printf(r->a, "q%d_options", i + 1), "poll.options_count");
			q->options = arena_alloc(r->a, sizeof *q->options * (size_t)(n + 1));
			for (int k = 0; k < n && k < SURVEY_OPTIONS_MAX; k++) {
				if (!utf8_text_within(v[k], SURVEY_LABEL_MAX))
					form_error(e, arena_printf(r->a, "q%d_options", i + 1), "form.too_long");
				q->options[q->noptions++].label = v[k];
			}
		}
		if (q->kind == Q_NUMBER) {
			if (qi->min && *qi->min) {
				q->has_min = parse_int64(qi->min, INT64_MIN / 2, INT64_MAX / 2, &q->min);
				if (!q->has_min)
					form_error(e, arena_printf(r->a, "q%d_min", i + 1), "survey.bad_number");
			}
			if (qi->max && *qi->max) {
				q->has_max = parse_int64(qi->max, INT64_MIN / 2, INT64_MAX / 2, &q->max);
				if (!q->has_max)
					form_error(e, arena_printf(r->a, "q%d_max", i + 1), "survey.bad_number");
			}
			if (q->has_min && q->has_max && q->min > q->max)
				form_error(e, arena_printf(r->a, "q%d_max", i + 1), "survey.bad_range");
		}
	}
	if (!sv->nquestions)
		form_error(e, "q1_label", "survey.no_questions");
	return e->n == 0;
}

static void checkbox(struct req *r, const char *name, const char *label_key, bool on)
{
	h_printf(&r->out, "<div class=\"field\"><label><input type=\"checkbox\" name=\"%s\" value=\"1\"%s> %s</label></div>", name,
		 on ? " checked" : "", TR(r, label_key));
}

static void edit_form(struct req *r, store *s, int status, const struct survey *sv, const struct survey_input *typed,
		      const struct form_errors *e)
{
	bool locked = sv->id && sv->responses > 0;
	page_begin(r, TR(r, sv->id ? "survey.edit" : "survey.new"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, sv->id ? "survey.edit" : "survey.new"));
	if (kv_get(&r->query, "saved"))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, "survey.saved"));
	f_errors_summary(r, e);
	if (sv->id)
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/surveys/%lld\">", (long long)sv->id);
	else
		h_raw(&r->out, "<form method=\"post\" action=\"/staff/surveys\">");
	f_csrf(r);
	f_input(r, e, "title", "survey.title", "text", typed ? typed->title : sv->title, "required maxlength=\"200\"");
	f_textarea(r, e, "intro", "survey.intro", typed ? typed->intro : sv->intro, 3);
	if (!sv->id) {
		struct department *d;
		int nd = dept_list(s, r->a, &d), k = 0;
		struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nd + 1));
		for (int i = 0; i < nd; i++)
			if (staff_for(r, d[i].id))
				o[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)d[i].id), NULL, dept_name(&d[i], r->lang)};
		f_select(r, e, "dept", "poll.department", o, typed ? typed->dept : NULL);
	}
	f_input(r, e, "opens_at", "poll.opens_at", "datetime-local", typed ? typed->opens_at : local_dt(r, sv->opens_at), NULL);
	f_input(r, e, "closes_at", "poll.closes_at", "datetime-local", typed ? typed->closes_at : local_dt(r, sv->closes_at), NULL);
	checkbox(r, "verified_only", "poll.verified_only", sv->verified_only);
	checkbox(r, "results_public", "survey.results_public", sv->results_public);
	if (locked) {
		h_printf(&r->out, "<p class=\"hint\">%s</p>", TR(r, "survey.questions_locked"));
	} else {
		static const struct select_option kinds[] = {{"single", "survey.kind_single", NULL}, {"multiple", "survey.kind_multiple", NULL},
			{"short", "survey.kind_short", NULL}, {"long", "survey.kind_long", NULL}, {"number", "survey.kind_number", NULL},
			{"scale", "survey.kind_scale", NULL}, {NULL, NULL, NULL}};
		for (int i = 0; i < FORM_SLOTS; i++) {
			const struct q_input *tq = typed && i < typed->nq ? &typed->q[i] : NULL;
			const struct s_question *q = !typed && i < sv->nquestions ? &sv->questions[i] : NULL;
			strbuf opts = STRBUF_INIT;
			if (tq && tq->options)
				sb_puts(&opts, tq->options);
			for (int k = 0; q && k < q->noptions; k++)
				sb_printf(&opts, "%s\n", q->options[k].label);
			h_printf(&r->out, "<fieldset class=\"question\"><legend>%s %d</legend>", TR(r, "survey.question"), i + 1);
			f_input(r, e, arena_printf(r->a, "q%d_label", i + 1), "survey.q_label", "text", tq ? tq->label : q ? q->label : "", NULL);
			f_select(r, e, arena_printf(r->a, "q%d_kind", i + 1), "survey.q_kind", kinds, tq ? tq->kind : q ? q_kind_names[q->kind] : NULL);
			checkbox(r, arena_printf(r->a, "q%d_required", i + 1), "survey.q_required", tq ? tq->required : q && q->required);
			f_textarea(r, e, arena_printf(r->a, "q%d_options", i + 1), "survey.q_options", sb_str(&opts), 3);
			f_input(r, e, arena_printf(r->a, "q%d_min", i + 1), "survey.q_min", "number", tq ? tq->min : q && q->has_min ? arena_printf(r->a, "%lld", (long long)q->min) : "", NULL);
			f_input(r, e, arena_printf(r->a, "q%d_max", i + 1), "survey.q_max", "number", tq ? tq->max : q && q->has_max ? arena_printf(r->a, "%lld", (long long)q->max) : "", NULL);
			h_raw(&r->out, "</fieldset>");
			sb_free(&opts);
		}
	}
	h_printf(&r->out, "<div class=\"actions\"><button>%s</button></div></form>", TR(r, "form.save"));
	if (sv->id) {
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/surveys/%lld/close\" class=\"inline\">", (long long)sv->id);
		f_csrf(r);
		h_printf(&r->out, "<button class=\"secondary\">%s</button></form> <a href=\"/surveys/%lld\">%s</a> · "
				  "<a href=\"/surveys/%lld/results\">%s</a>", TR(r, "poll.close"), (long long)sv->id, TR(r, "survey.view"),
			 (long long)sv->id, TR(r, "survey.results"));
	}
	page_end(r);
	resp_html(r, status);
}

static void form_input(struct req *r, struct survey_input *in)
{
	in->title = req_param(r, "title");
	in->intro = req_param(r, "intro");
	in->dept = req_param(r, "dept");
	in->opens_at = req_param(r, "opens_at");
	in->closes_at = req_param(r, "closes_at");
	in->verified_only = req_param(r, "verified_only") != NULL;
	in->results_public = req_param(r, "results_public") != NULL;
	in->nq = FORM_SLOTS;
	for (int i = 0; i < FORM_SLOTS; i++) {
		struct q_input *q = &in->q[i];
		q->label = req_param(r, arena_printf(r->a, "q%d_label", i + 1));
		q->kind = req_param(r, arena_printf(r->a, "q%d_kind", i + 1));
		q->options = req_param(r, arena_printf(r->a, "q%d_options", i + 1));
		q->min = req_param(r, arena_printf(r->a, "q%d_min", i + 1));
		q->max = req_param(r, arena_printf(r->a, "q%d_max", i + 1));
		q->required = req_param(r, arena_printf(r->a, "q%d_required", i + 1)) != NULL;
		if (q->label)
			in->questions_given = true;
	}
}

static void staff_list(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct survey *list;
	int n = survey_list(s, r->a, 0, 200, 0, &list);
	page_begin(r, TR(r, "survey.staff_title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"actions\"><a class=\"button\" href=\"/staff/surveys/new\">%s</a></p><ul class=\"post-list\">",
		 TR(r, "survey.staff_title"), TR(r, "survey.new"));
	for (int i = 0; i < n; i++)
		if (staff_for(r, list[i].dept_id))
			h_printf(&r->out, "<li><a href=\"/staff/surveys/%lld/edit\">%s</a> · <a href=\"/surveys/%lld/results\">%s</a></li>",
				 (long long)list[i].id, list[i].title, (long long)list[i].id, TR(r, "survey.results"));
	h_raw(&r->out, "</ul>");
	page_end(r);
	resp_html(r, 200);
}

static void new_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct survey sv = {.title = "", .intro = ""};
	edit_form(r, s, 200, &sv, NULL, NULL);
}

static void create_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct survey sv = {.created_by = req_who(r)->user_id};
	struct survey_input in = {0};
	struct form_errors e = {0};
	form_input(r, &in);
	if (!apply_input(r, s, &in, &sv, true, &e)) {
		edit_form(r, s, 422, &sv, &in, &e);
		return;
	}
	if (survey_create(s, &sv) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "survey.create", "survey", sv.id, NULL);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/surveys/%lld/edit?saved=1", (long long)sv.id));
}

static void edit_get(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load_staff(r, s, &sv))
		return;
	edit_form(r, s, 200, &sv, NULL, NULL);
}

static void update_post(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load_staff(r, s, &sv))
		return;
	struct survey_input in = {0};
	struct form_errors e = {0};
	form_input(r, &in);
	bool questions = sv.responses == 0 && in.questions_given;
	if (!apply_input(r, s, &in, &sv, questions, &e)) {
		edit_form(r, s, 422, &sv, &in, &e);
		return;
	}
	if (!survey_update(s, &sv, questions)) {
		resp_error(r, 409, "survey.questions_locked");
		return;
	}
	audit_record(r, s, "survey.update", "survey", sv.id, NULL);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/surveys/%lld/edit?saved=1", (long long)sv.id));
}

static void close_post(struct req *r)
{
	store *s = req_store(r);
	struct survey sv;
	if (!s || !load_staff(r, s, &sv))
		return;
	if (!survey_close(s, sv.id, now_s())) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "survey.close", "survey", sv.id, NULL);
	page_cache_bump();
	if (r->is_api) {
		survey_load(s, r->a, sv.id, &sv);
		resp_json(r, 200, survey_json(r, &sv, NULL));
	} else {
		resp_redirect(r, arena_printf(r->a, "/surveys/%lld", (long long)sv.id));
	}
}

static void api_create(struct req *r)
{
	store *s = req_store(r);
	json_t *root;
	if (!s || !(root = req_json_object(r)))
		return;
	struct survey_input in = {0};
	bool bad = false;
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v) {
		const char **slot = NULL;
		if (!strcmp(key, "title")) slot = &in.title;
		else if (!strcmp(key, "intro")) slot = &in.intro;
		else if (!strcmp(key, "department")) slot = &in.dept;
		else if (!strcmp(key, "opens_at")) slot = &in.opens_at;
		else if (!strcmp(key, "closes_at")) slot = &in.closes_at;
		if (slot) {
			if (json_is_null(v))
				continue;
			if (!(*slot = scalar_text(r, v)))
				bad = true;
		} else if (!strcmp(key, "verified_only") || !strcmp(key, "results_public")) {
			if (!json_is_boolean(v))
				bad = true;
			*(key[0] == 'v' ? &in.verified_only : &in.results_public) = json_is_true(v);
		} else if (!strcmp(key, "questions")) {
			if (!json_is_array(v) || json_array_size(v) > SURVEY_QUESTIONS_MAX) {
				bad = true;
				continue;
			}
			size_t i;
			json_t *q;
			json_array_foreach(v, i, q) {
				struct q_input *qi = &in.q[in.nq++];
				json_t *req = json_object_get(q, "required"), *opts = json_object_get(q, "options");
				if (!json_is_object(q) || (req && !json_is_boolean(req)) || (opts && !json_is_array(opts))) {
					bad = true;
					continue;
				}
				qi->label = json_object_get(q, "label") ? scalar_text(r, json_object_get(q, "label")) : NULL;
				qi->kind = json_object_get(q, "kind") ? scalar_text(r, json_object_get(q, "kind")) : NULL;
				qi->min = json_object_get(q, "min") ? scalar_text(r, json_object_get(q, "min")) : NULL;
				qi->max = json_object_get(q, "max") ? scalar_text(r, json_object_get(q, "max")) : NULL;
				qi->required = req && json_is_true(req);
				if (!qi->label)
					qi->label = "";
				if (opts) {
					strbuf sb = STRBUF_INIT;
					size_t k;
					json_t *o;
					json_array_foreach(opts, k, o) {
						if (!json_is_string(o) || strchr(json_string_value(o), '\n'))
							bad = true;
						else
							sb_printf(&sb, "%s\n", json_string_value(o));
					}
					qi->options = arena_strdup(r->a, sb_str(&sb));
					sb_free(&sb);
				}
			}
		} else {
			const char *msg = arena_printf(r->a, "%s: %s", TR(r, "api.unknown_field"), key);
			json_decref(root); /* the key belongs to root */
			resp_json_error(r, 400, "unknown_field", msg);
			return;
		}
	}
	json_decref(root);
	if (bad) {
		resp_json_error(r, 400, "bad_type", TR(r, "api.bad_type"));
		return;
	}
	struct survey sv = {.created_by = req_who(r)->user_id};
	struct form_errors e = {0};
	if (!apply_input(r, s, &in, &sv, true, &e)) {
		json_t *fields = json_object();
		for (int i = 0; i < e.n; i++)
			json_object_set_new(fields, strcmp(e.field[i], "dept") ? e.field[i] : "department", json_string(TR(r, e.key[i])));
		resp_json(r, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message", TR(r, "form.has_errors"), "fields", fields));
		return;
	}
	if (survey_create(s, &sv) < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "survey.create", "survey", sv.id, NULL);
	page_cache_bump();
	survey_load(s, r->a, sv.id, &sv);
	resp_header(r, "Location", arena_printf(r->a, "/api/v1/surveys/%lld", (long long)sv.id));
	resp_json(r, 201, survey_json(r, &sv, NULL));
}

void surveys_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/surveys", list_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "surveys"},
		{"GET", "/surveys/:id", show, ACCESS_ANYONE, 0, 0, "one survey: the response form"},
		{"POST", "/surveys/:id/respond", respond_form, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "answer a survey"},
		{"GET", "/surveys/:id/results", results_page, ACCESS_ANYONE, 0, 0, "survey summary (staff; public after closing if allowed)"},
		{"GET", "/staff/surveys", staff_list, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: surveys"},
		{"GET", "/staff/surveys/new", new_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: new survey form"},
		{"POST", "/staff/surveys", create_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: create a survey"},
		{"GET", "/staff/surveys/:id/edit", edit_get, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: edit a survey"},
		{"POST", "/staff/surveys/:id", update_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: save a survey"},
		{"POST", "/staff/surveys/:id/close", close_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_FORM, "staff: close a survey now"},
		{"GET", "/staff/surveys/:id/export.csv", export_csv, ACCESS_ROLE, ROLE_EDITOR, 0, "staff: responses as CSV (?bom=1)"},
		{"POST", "/staff/surveys/answers/:id/hide", hide_post, ACCESS_STAFF, 0, ROUTE_FORM, "staff: hide a free-text answer"},
		{"POST", "/staff/surveys/answers/:id/restore", restore_post, ACCESS_STAFF, 0, ROUTE_FORM, "staff: restore a free-text answer"},
		{"GET", "/api/v1/surveys", api_list, ACCESS_ANYONE, 0, ROUTE_API, "surveys (JSON)"},
		{"POST", "/api/v1/surveys", api_create, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "create a survey"},
		{"GET", "/api/v1/surveys/:id", api_get, ACCESS_ANYONE, 0, ROUTE_API, "one survey with its questions"},
		{"POST", "/api/v1/surveys/:id/responses", api_respond, ACCESS_LOGGED_IN, 0, ROUTE_API, "answer a survey"},
		{"GET", "/api/v1/surveys/:id/results", api_results, ACCESS_ANYONE, 0, ROUTE_API, "survey summary (JSON)"},
		{"POST", "/api/v1/surveys/:id/close", close_post, ACCESS_ROLE, ROLE_EDITOR, ROUTE_API, "close a survey now"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
