/* Account control for moderators and the participation settings.
 *
 * /staff/accounts, /staff/accounts/:id (+ /verify, /suspend, /unsuspend) and
 * /api/v1/accounts/:id/... : any moderator (of any department), department
 * admin or site admin marks an account verified (who, whom, when — listed),
 * suspends it from taking part for a period with a reason the citizen sees,
 * or lifts the suspension. Accounts of staff (any role) and site admins are
 * controlled by site admins only; nobody controls their own account.
 * /admin/participation (site admins): flag threshold, minimum account age,
 * verified-only participation. Every change is audited. */
#include "web/json_util.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include "web/page.h"
#include <stdlib.h>
#include <string.h>

#define SUSPEND_MAX_HOURS (365 * 24)
#define REASON_MAX 1000
#define MIN_AGE_MAX_HOURS (24 * 365)

static void write_date(struct req *r, int64_t t)
{
	h_raw(&r->out, "<time>");
	fmt_date(&r->out, r->lang, (time_t)t, true);
	h_raw(&r->out, "</time>");
}

static bool has_text(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return true;
	return false;
}

/* May r's principal control account u? 0 when yes, else the HTTP status. */
static int may_control(struct req *r, store *s, const struct user *u)
{
	struct principal *p = req_who(r);
	if (!p || u->id == p->user_id)
		return 403;
	if (p->site_admin)
		return 0;
	struct grant *g;
	if (u->site_admin || user_grants(s, r->a, u->id, &g) > 0)
		return 403;
	return 0;
}

static const char *name_of(struct req *r, store *s, int64_t id)
{
	struct user u;
	if (!id)
		return "—";
	return user_get(s, r->a, id, &u) ? u.name : arena_printf(r->a, "#%lld", (long long)id);
}

/* ---- the list ---- */

static void accounts_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *q = kv_get(&r->query, "q");
	page_begin(r, TR(r, "participate.accounts_title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p><form method=\"get\" action=\"/staff/accounts\" class=\"filters\">",
		 TR(r, "participate.accounts_title"), TR(r, "participate.accounts_intro"));
	f_input(r, NULL, "q", "admin.find_user", "search", q, NULL);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.search"));
	if (q && *q) {
		store_stmt *st = store_prepare(s, "SELECT id, name, created_at FROM users WHERE email LIKE '%' || ?1 || '%' "
						  "OR phone LIKE '%' || ?1 || '%' OR name LIKE '%' || ?1 || '%' ORDER BY id LIMIT 100");
		h_printf(&r->out, "<h2>%s</h2><ul>", TR(r, "participate.results"));
		if (st) {
			store_bind_text(st, 1, q);
			while (store_step(st) == STORE_ROW)
				h_printf(&r->out, "<li><a href=\"/staff/accounts/%lld\">%s</a></li>", (long long)store_int(st, 0),
					 store_text(st, 1));
			store_done(st);
		}
		h_raw(&r->out, "</ul>");
	}
	/* Running suspensions. */
	h_printf(&r->out, "<h2>%s</h2><div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			  "</tr></thead><tbody>",
		 TR(r, "participate.suspensions"), TR(r, "signup.name"), TR(r, "participate.until"), TR(r, "participate.reason"),
		 TR(r, "participate.by"));
	store_stmt *st = store_prepare(s, "SELECT s.user_id, u.name, s.until, s.reason, coalesce(s.by_user_id, 0) FROM user_suspensions s "
					  "JOIN users u ON u.id = s.user_id WHERE s.until > ? ORDER BY s.until LIMIT 200");
	if (st) {
		store_bind_int(st, 1, now_s());
		while (store_step(st) == STORE_ROW) {
			h_printf(&r->out, "<tr><td><a href=\"/staff/accounts/%lld\">%s</a></td><td>", (long long)store_int(st, 0),
				 store_text(st, 1));
			write_date(r, store_int(st, 2));
			h_printf(&r->out, "</td><td dir=\"auto\">%s</td><td>#%lld</td></tr>", store_text(st, 3), (long long)store_int(st, 4));
		}
		store_done(st);
	}
	h_raw(&r->out, "</tbody></table></div>");
	/* Verifications: who verified whom and when. */
	h_printf(&r->out, "<h2>%s</h2><div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		 TR(r, "participate.verifications"), TR(r, "signup.name"), TR(r, "participate.verified_by"), TR(r, "participate.when"));
	st = store_prepare(s, "SELECT v.user_id, u.name, coalesce(v.verified_by, 0), coalesce(b.name, ''), v.at FROM user_verifications v "
			      "JOIN users u ON u.id = v.user_id LEFT JOIN users b ON b.id = v.verified_by ORDER BY v.id DESC LIMIT 200");
	if (st) {
		while (store_step(st) == STORE_ROW) {
			h_printf(&r->out, "<tr><td><a href=\"/staff/accounts/%lld\">%s</a></td><td>%s</td><td>", (long long)store_int(st, 0),
				 store_text(st, 1), store_int(st, 2) ? store_text(st, 3) : "—");
			write_date(r, store_int(st, 4));
			h_raw(&r->out, "</td></tr>");
		}
		store_done(st);
	}
	h_raw(&r->out, "</tbody></table></div>");
	page_end(r);
	resp_html(r, 200);
}

/* ---- one account ---- */

static void account_control_page(struct req *r, int status, const struct form_errors *e, const char *notice)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct user u;
	if (!user_get(s, r->a, req_param_id(r, 0), &u)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	struct principal *p = req_who(r);
	page_begin(r, u.name);
	h_printf(&r->out, "<p><a href=\"/staff/accounts\">%s</a></p><h1>%s</h1><p class=\"meta\">%s ",
		 TR(r, "participate.accounts_title"), u.name, TR(r, "participate.created"));
	write_date(r, u.created_at);
	if (p->site_admin && (u.email || u.phone))
		h_printf(&r->out, " · <span dir=\"ltr\">%s</span>", u.email ? u.email : u.phone);
	if (u.disabled)
		h_printf(&r->out, " · %s", TR(r, "admin.disabled"));
	h_raw(&r->out, "</p>");
	if (notice)
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, notice));
	f_errors_summary(r, e);
	bool control = may_control(r, s, &u) == 0;
	if (!control)
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "participate.no_control"));

	/* Verification. */
	h_printf(&r->out, "<h2>%s</h2>", TR(r, "participate.verification"));
	store_stmt *st = store_prepare(s, "SELECT coalesce(verified_by, 0), at FROM user_verifications WHERE user_id = ? ORDER BY id DESC LIMIT 50");
	int nv = 0;
	if (st) {
		store_bind_int(st, 1, u.id);
		while (store_step(st) == STORE_ROW) {
			int64_t by = store_int(st, 0), at = store_int(st, 1);
			if (!nv++)
				h_raw(&r->out, "<ul>");
			h_printf(&r->out, "<li>%s — ", TR(r, "participate.verified_by"));
			h_text(&r->out, by ? name_of(r, s, by) : "—");
			h_raw(&r->out, " — ");
			write_date(r, at);
			h_raw(&r->out, "</li>");
		}
		store_done(st);
	}
	if (nv)
		h_raw(&r->out, "</ul>");
	else
		h_printf(&r->out, "<p>%s</p>", TR(r, "participate.not_verified"));
	if (control && !nv) {
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/accounts/%lld/verify\">", (long long)u.id);
		f_csrf(r);
		h_printf(&r->out, "<button>%s</button></form>", TR(r, "participate.verify"));
	}

	/* Suspension. */
	h_printf(&r->out, "<h2>%s</h2>", TR(r, "participate.suspension"));
	const char *why = NULL;
	int64_t until = user_suspended_until(s, r->a, u.id, &why);
	if (until) {
		h_printf(&r->out, "<p class=\"notice\">%s ", TR(r, "participate.suspended_until"));
		write_date(r, until);
		h_printf(&r->out, "<br>%s: <span dir=\"auto\">%s</span></p>", TR(r, "participate.reason"), why ? why : "");
		if (control) {
			h_printf(&r->out, "<form method=\"post\" action=\"/staff/accounts/%lld/unsuspend\">", (long long)u.id);
			f_csrf(r);
			h_printf(&r->out, "<button>%s</button></form>", TR(r, "participate.lift"));
		}
	} else {
		h_printf(&r->out, "<p>%s</p>", TR(r, "participate.not_suspended"));
	}
	if (control) {
		h_printf(&r->out, "<form method=\"post\" action=\"/staff/accounts/%lld/suspend\"><div class=\"filters\">", (long long)u.id);
		f_csrf(r);
		f_input(r, e, "amount", "participate.duration", "number", kv_get(&r->form, "amount"), "required min=\"1\" max=\"8760\"");
		static const struct select_option units[] = {{"hours", "participate.hours", NULL}, {"days", "participate.days", NULL},
						      {NULL, NULL, NULL}};
		f_select(r, e, "unit", "participate.unit", units, kv_get(&r->form, "unit") ? kv_get(&r->form, "unit") : "days");
		h_raw(&r->out, "</div>");
		f_textarea(r, e, "reason", "participate.reason", kv_get(&r->form, "reason"), 2);
		h_printf(&r->out, "<p class=\"hint\">%s</p><button>%s</button></form>", TR(r, "participate.reason_hint"),
			 TR(r, "participate.suspend"));
	}
	/* History of suspensions. */
	st = store_prepare(s, "SELECT at, until, reason, coalesce(by_user_id, 0) FROM user_suspensions WHERE user_id = ? ORDER BY id DESC LIMIT 50");
	if (st) {
		store_bind_int(st, 1, u.id);
		int n = 0;
		while (store_step(st) == STORE_ROW) {
			if (!n++)
				h_printf(&r->out, "<h3>%s</h3><ul class=\"history\">", TR(r, "participate.history"));
			h_raw(&r->out, "<li>");
			write_date(r, store_int(st, 0));
			h_raw(&r->out, " → ");
			write_date(r, store_int(st, 1));
			h_printf(&r->out, " — <span dir=\"auto\">%s</span> (#%lld)</li>", store_text(st, 2), (long long)store_int(st, 3));
		}
		store_done(st);
		if (n)
			h_raw(&r->out, "</ul>");
	}
	page_end(r);
	resp_html(r, status);
}

/* Validated suspension input: seconds and reason; 0 after recording errors. */
static int64_t suspension_input(const char *amount, const char *unit, const char *reason, struct form_errors *e)
{
	int64_t n = 0;
	bool days = unit && !strcmp(unit, "days");
	if (!unit || (!days && strcmp(unit, "hours")))
		form_error(e, "unit", "form.invalid_choice");
	else if (!parse_int64(amount, 1, days ? SUSPEND_MAX_HOURS / 24 : SUSPEND_MAX_HOURS, &n))
		form_error(e, "amount", "participate.bad_duration");
	if (!has_text(reason))
		form_error(e, "reason", "participate.reason_required");
	else if (utf8_length(reason) > REASON_MAX)
		form_error(e, "reason", "form.too_long");
	return e->n ? 0 : n * (days ? 86400 : 3600);
}

/* The target account for a control action; false after answering. */
static bool control_target(struct req *r, store *s, struct user *u)
{
	if (!user_get(s, r->a, req_param_id(r, 0), u)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (may_control(r, s, u)) {
		resp_error(r, 403, "participate.no_control");
		return false;
	}
	return true;
}

static bool do_verify(struct req *r, store *s, const struct user *u)
{
	if (!user_verify(s, u->id, req_who(r)->user_id))
		return false;
	audit_record(r, s, "account.verify", "user", u->id, NULL);
	return true;
}

static bool do_suspend(struct req *r, store *s, const struct user *u, int64_t seconds, const char *reason)
{
	int64_t until = now_s() + seconds;
	if (!user_suspend(s, u->id, until, reason, req_who(r)->user_id))
		return false;
	char when[32];
	iso8601_utc(when, sizeof when, (time_t)until);
	audit_record(r, s, "account.suspend", "user", u->id, arena_printf(r->a, "until %s: %s", when, reason));
	return true;
}

static bool do_lift(struct req *r, store *s, const struct user *u)
{
	if (!user_suspend(s, u->id, 0, NULL, req_who(r)->user_id))
		return false;
	audit_record(r, s, "account.unsuspend", "user", u->id, NULL);
	return true;
}

static void verify_post(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !control_target(r, s, &u))
		return;
	if (!do_verify(r, s, &u)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	resp_redirect(r, arena_printf(r->a, "/staff/accounts/%lld?done=verify", (long long)u.id));
}

static void suspend_post(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !control_target(r, s, &u))
		return;
	struct form_errors e = {0};
	const char *reason = kv_get(&r->form, "reason");
	int64_t seconds = suspension_input(kv_get(&r->form, "amount"), kv_get(&r->form, "unit"), reason, &e);
	if (e.n) {
		account_control_page(r, 422, &e, NULL);
		return;
	}
	if (!do_suspend(r, s, &u, seconds, reason)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	resp_redirect(r, arena_printf(r->a, "/staff/accounts/%lld?done=suspend", (long long)u.id));
}

static void unsuspend_post(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !control_target(r, s, &u))
		return;
	if (!do_lift(r, s, &u)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	resp_redirect(r, arena_printf(r->a, "/staff/accounts/%lld?done=lift", (long long)u.id));
}

static void account_control_get_notice(struct req *r)
{
	const char *done = kv_get(&r->query, "done");
	const char *notice = NULL;
	if (done && !strcmp(done, "verify"))
		notice = "participate.done_verify";
	else if (done && !strcmp(done, "suspend"))
		notice = "participate.done_suspend";
	else if (done && !strcmp(done, "lift"))
		notice = "participate.done_lift";
	account_control_page(r, 200, NULL, notice);
}

/* ---- JSON ---- */

static json_t *status_json(struct req *r, store *s, const struct user *u)
{
	json_t *ver = json_array();
	store_stmt *st = store_prepare(s, "SELECT coalesce(verified_by, 0), at FROM user_verifications WHERE user_id = ? ORDER BY id LIMIT 50");
	if (st) {
		store_bind_int(st, 1, u->id);
		while (store_step(st) == STORE_ROW) {
			int64_t by = store_int(st, 0), at = store_int(st, 1);
			json_array_append_new(ver, json_pack("{s:o,s:o}", "by", by ? json_integer(by) : json_null(), "at", json_time(at)));
		}
		store_done(st);
	}
	const char *why = NULL, *gate = NULL;
	int64_t until = user_suspended_until(s, r->a, u->id, &why);
	bool may = account_may_participate(s, u->id, false, &gate);
	return json_pack("{s:I,s:s,s:b,s:o,s:o,s:o,s:b,s:o}", "id", (json_int_t)u->id, "name", u->name, "verified",
			 json_array_size(ver) > 0, "verifications", ver, "suspended_until", json_time(until), "suspension_reason",
			 until && why ? json_string(why) : json_null(), "may_participate", may,
			 "gate", gate ? json_string(gate) : json_null());
}

/* The account named by the route, controllable by the caller; false after answering. */
static bool api_target(struct req *r, store *s, struct user *u, bool need_control)
{
	if (!user_get(s, r->a, req_param_id(r, 0), u)) {
		resp_json_error(r, 404, "not_found", TR(r, "error.not_found"));
		return false;
	}
	if (need_control && may_control(r, s, u)) {
		resp_json_error(r, 403, "forbidden", TR(r, "participate.no_control"));
		return false;
	}
	return true;
}

static void api_status(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !api_target(r, s, &u, false))
		return;
	resp_json(r, 200, status_json(r, s, &u));
}

static void api_verify(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !api_target(r, s, &u, true))
		return;
	if (!do_verify(r, s, &u)) {
		resp_json_error(r, 503, "unavailable", TR(r, "error.unavailable"));
		return;
	}
	resp_json(r, 201, status_json(r, s, &u));
}

/* POST /api/v1/accounts/:id/suspension {"hours":N | "days":N, "reason":"..."} */
static void api_suspend(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !api_target(r, s, &u, true))
		return;
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		resp_json_error(r, 400, "bad_json", TR(r, "error.bad_request"));
		return;
	}
	json_t *jh = json_object_get(root, "hours"), *jd = json_object_get(root, "days"), *jr = json_object_get(root, "reason");
	const char *unit = NULL, *amount = NULL;
	if (json_is_integer(jh) && !jd) {
		unit = "hours";
		amount = arena_printf(r->a, "%lld", (long long)json_integer_value(jh));
	} else if (json_is_integer(jd) && !jh) {
		unit = "days";
		amount = arena_printf(r->a, "%lld", (long long)json_integer_value(jd));
	}
	const char *reason = json_is_string(jr) ? arena_strdup(r->a, json_string_value(jr)) : NULL;
	json_decref(root);
	struct form_errors e = {0};
	if (!unit)
		form_error(&e, "hours", "participate.bad_duration");
	if (reason && !utf8_valid_text(reason, strlen(reason)))
		form_error(&e, "reason", "form.bad_text");
	int64_t seconds = e.n ? 0 : suspension_input(amount, unit, reason, &e);
	if (e.n) {
		json_t *fields = json_object();
		for (int i = 0; i < e.n; i++)
			json_object_set_new(fields, e.field[i], json_string(TR(r, e.key[i])));
		resp_json(r, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", "invalid", "message", TR(r, "form.has_errors"),
					    "fields", fields));
		return;
	}
	if (!do_suspend(r, s, &u, seconds, reason)) {
		resp_json_error(r, 503, "unavailable", TR(r, "error.unavailable"));
		return;
	}
	resp_json(r, 201, status_json(r, s, &u));
}

static void api_lift(struct req *r)
{
	store *s = req_store(r);
	struct user u;
	if (!s || !api_target(r, s, &u, true))
		return;
	if (!do_lift(r, s, &u)) {
		resp_json_error(r, 503, "unavailable", TR(r, "error.unavailable"));
		return;
	}
	resp_json(r, 200, status_json(r, s, &u));
}

/* GET /api/v1/verifications: the latest 200, newest first. */
static void api_verifications(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	json_t *arr = json_array();
	store_stmt *st = store_prepare(s, "SELECT v.user_id, u.name, coalesce(v.verified_by, 0), v.at FROM user_verifications v "
					  "JOIN users u ON u.id = v.user_id ORDER BY v.id DESC LIMIT 200");
	if (st) {
		while (store_step(st) == STORE_ROW) {
			int64_t by = store_int(st, 2);
			json_array_append_new(arr, json_pack("{s:I,s:s,s:o,s:o}", "user_id", (json_int_t)store_int(st, 0), "name",
							     store_text(st, 1), "verified_by", by ? json_integer(by) : json_null(),
							     "at", json_time(store_int(st, 3))));
		}
		store_done(st);
	}
	resp_json(r, 200, json_pack("{s:o}", "verifications", arr));
}

/* ---- settings (site admin) ---- */

static void settings_page(struct req *r, int status, const struct form_errors *e, const char *notice)
{
	store *s = req_store(r);
	if (!s)
		return;
	char *thr = setting_get(s, r->a, "flag_threshold"), *age = setting_get(s, r->a, "participation_min_age_hours");
	char *vonly = setting_get(s, r->a, "participation_verified_only");
	page_begin(r, TR(r, "participate.settings_title"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "participate.settings_title"));
	if (notice)
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, notice));
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/admin/participation\">");
	f_csrf(r);
	f_input(r, e, "flag_threshold", "participate.flag_threshold", "number",
		e ? kv_get(&r->form, "flag_threshold") : (thr ? thr : "3"), "required min=\"1\" max=\"100\"");
	f_input(r, e, "min_age_hours", "participate.min_age_hours", "number",
		e ? kv_get(&r->form, "min_age_hours") : (age ? age : "0"), "required min=\"0\" max=\"8760\"");
	int votes = POLL_VOTE_RATE_IP_DEFAULT, window = 60;
	setting_rate(s, "poll_vote_rate_ip", &votes, &window);
	f_input(r, e, "poll_votes_per_ip", "participate.poll_votes_per_ip", "number",
		e ? kv_get(&r->form, "poll_votes_per_ip") : arena_printf(r->a, "%d", window == 60 ? votes : votes * 60 / window),
		"min=\"1\" max=\"100000\"");
	bool checked = e ? kv_get(&r->form, "verified_only") != NULL : (vonly && !strcmp(vonly, "1"));
	h_printf(&r->out, "<p class=\"field\"><label><input type=\"checkbox\" name=\"verified_only\" value=\"1\"%s> %s</label></p>",
		 checked ? " checked" : "", TR(r, "participate.verified_only_setting"));
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.save"));
	page_end(r);
	resp_html(r, status);
}

static void settings_get(struct req *r) { settings_page(r, 200, NULL, NULL); }

static void settings_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct form_errors e = {0};
	int64_t thr = 0, age = 0;
	if (!parse_int64(kv_get(&r->form, "flag_threshold"), 1, 100, &thr))
		form_error(&e, "flag_threshold", "participate.bad_threshold");
	if (!parse_int64(kv_get(&r->form, "min_age_hours"), 0, MIN_AGE_MAX_HOURS, &age))
		form_error(&e, "min_age_hours", "participate.bad_min_age");
	const char *pv = kv_get(&r->form, "poll_votes_per_ip");
	int64_t votes = 0;
	bool set_votes = pv && *pv; /* absent or empty: unchanged */
	if (set_votes && !parse_int64(pv, 1, POLL_VOTE_RATE_IP_MAX, &votes))
		form_error(&e, "poll_votes_per_ip", "participate.bad_poll_votes_per_ip");
	const char *vo = kv_get(&r->form, "verified_only");
	bool vonly = vo && (!strcmp(vo, "1") || !strcmp(vo, "on"));
	if (e.n) {
		settings_page(r, 422, &e, NULL);
		return;
	}
	const char *ts = arena_printf(r->a, "%lld", (long long)thr), *as = arena_printf(r->a, "%lld", (long long)age);
	if (!setting_set(s, "flag_threshold", ts) || !setting_set(s, "participation_min_age_hours", as) ||
	    !setting_set(s, "participation_verified_only", vonly ? "1" : "0") ||
	    (set_votes && !setting_set(s, "poll_vote_rate_ip", arena_printf(r->a, "%lld/60", (long long)votes)))) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record(r, s, "settings.participation", NULL, 0,
		     arena_printf(r->a, "flag_threshold=%s participation_min_age_hours=%s participation_verified_only=%s%s", ts,
				  as, vonly ? "1" : "0",
				  set_votes ? arena_printf(r->a, " poll_vote_rate_ip=%lld/60", (long long)votes) : ""));
	page_cache_bump();
	settings_page(r, 200, NULL, "participate.settings_saved");
}

void accounts_participation_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/staff/accounts", accounts_get, ACCESS_ROLE, ROLE_MODERATOR, 0, "moderators: find accounts, suspensions, verifications"},
		{"GET", "/staff/accounts/:id", account_control_get_notice, ACCESS_ROLE, ROLE_MODERATOR, 0, "moderators: one account's verification and suspension"},
		{"POST", "/staff/accounts/:id/verify", verify_post, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_FORM, "mark an account verified"},
		{"POST", "/staff/accounts/:id/suspend", suspend_post, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_FORM, "suspend an account from taking part"},
		{"POST", "/staff/accounts/:id/unsuspend", unsuspend_post, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_FORM, "lift a suspension"},
		{"GET", "/api/v1/accounts/:id/participation", api_status, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API, "an account's verification and suspension"},
		{"POST", "/api/v1/accounts/:id/verification", api_verify, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API, "mark an account verified"},
		{"POST", "/api/v1/accounts/:id/suspension", api_suspend, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API, "suspend an account from taking part"},
		{"DELETE", "/api/v1/accounts/:id/suspension", api_lift, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API, "lift a suspension"},
		{"GET", "/api/v1/verifications", api_verifications, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API, "who verified whom and when"},
		{"GET", "/admin/participation", settings_get, ACCESS_SITE_ADMIN, 0, 0, "participation settings"},
		{"POST", "/admin/participation", settings_post, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "save participation settings"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
