/* Forgotten passwords: a one-hour, single-use link sent by email through the job
 * queue. The answer never reveals whether an account exists. */
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "http/ratelimit.h"
#include "jobs/mail.h"
#include "core/util.h"
#include "web/page.h"
#include <string.h>

#define RESET_TTL 3600

static void forgot_form(struct req *r, int status, const struct form_errors *e, const char *notice_key)
{
	page_begin(r, TR(r, "reset.title"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "reset.title"));
	if (notice_key) {
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, notice_key));
	} else {
		h_printf(&r->out, "<p>%s</p>", TR(r, "reset.intro"));
		f_errors_summary(r, e);
		h_raw(&r->out, "<form method=\"post\" action=\"/password/forgot\">");
		f_csrf(r);
		f_input(r, e, "email", "reset.email", "email", kv_get(&r->form, "email"), "autocomplete=\"email\" required");
		h_printf(&r->out, "<button>%s</button></form>", TR(r, "reset.send"));
	}
	page_end(r);
	resp_html(r, status);
}

static void forgot_get(struct req *r) { forgot_form(r, 200, NULL, NULL); }

static void forgot_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	bool is_email = false;
	const char *norm = login_normalize(r->a, kv_get(&r->form, "email"), &is_email);
	if (!norm || !is_email) {
		struct form_errors e = {0};
		form_error(&e, "email", "reset.bad_email");
		forgot_form(r, 422, &e, NULL);
		return;
	}
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "reset-ip:%s", r->ip), 10, 3600, &retry) ||
	    !ratelimit_take(arena_printf(r->a, "reset-acct:%s", norm), 3, 3600, &retry)) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 60));
		resp_error(r, 429, "error.rate_limited");
		return;
	}
	struct user u;
	if (user_find_login(s, r->a, norm, &u, NULL) && !u.disabled && u.email) {
		char token[65], hash[65];
		random_hex(token, 32);
		hash_hex(hash, token, 64);
		int64_t now = now_s();
		const char *lang = u.lang && lang_supported(u.lang) ? u.lang : r->lang;
		if (store_begin(s)) {
			int64_t id = store_scalar(s, -1, "INSERT INTO password_resets(user_id, token_hash, created_at, expires_at) "
							 "VALUES (?, ?, ?, ?) RETURNING id", "itii", u.id, hash, now, now + RESET_TTL);
			const char *link = arena_printf(r->a, "%s/password/reset?token=%s", r->cfg->base_url, token);
			const char *text = T_fill(r->a, T(lang, "reset.mail_body"), 2, (const char *[]){u.name, link});
			if (id > 0 && mail_queue(s, arena_printf(r->a, "reset:%lld", (long long)id), u.email,
						 T(lang, "reset.mail_subject"), text, NULL, lang) > 0 &&
			    store_commit(s))
				audit_record(r, s, "password.reset_requested", "user", u.id, NULL);
			else
				store_rollback(s);
		}
	}
	forgot_form(r, 200, NULL, "reset.sent");
}

/* The user id of a valid, unused, unexpired token; 0 otherwise. */
static int64_t token_user(store *s, const char *token, int64_t *reset_id)
{
	if (!token || strlen(token) != 64)
		return 0;
	char hash[65];
	hash_hex(hash, token, 64);
	store_stmt *st = store_prepare(s, "SELECT id, user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL "
					  "AND expires_at > ?");
	if (!st)
		return 0;
	store_bind_text(st, 1, hash);
	store_bind_int(st, 2, now_s());
	int64_t uid = 0;
	if (store_step(st) == STORE_ROW) {
		*reset_id = store_int(st, 0);
		uid = store_int(st, 1);
	}
	store_done(st);
	return uid;
}

static void reset_form(struct req *r, int status, const char *token, const struct form_errors *e)
{
	page_begin(r, TR(r, "reset.choose"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "reset.choose"));
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/password/reset\">");
	f_csrf(r);
	h_printf(&r->out, "<input type=\"hidden\" name=\"token\" value=\"%s\">", token);
	f_input(r, e, "password", "account.new_password", "password", NULL, "autocomplete=\"new-password\" required minlength=\"10\"");
	f_input(r, e, "password2", "signup.password2", "password", NULL, "autocomplete=\"new-password\" required");
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "account.change_password"));
	page_end(r);
	resp_html(r, status);
}

static void reset_get(struct req *r)
{
	store *s = req_store(r);
	int64_t rid;
	if (!s)
		return;
	const char *token = kv_get(&r->query, "token");
	resp_header(r, "Referrer-Policy", "no-referrer");
	if (!token_user(s, token, &rid)) {
		page_message(r, 400, "reset.title", "reset.invalid");
		return;
	}
	reset_form(r, 200, token, NULL);
}

static void reset_post(struct req *r)
{
	store *s = req_store(r);
	int64_t rid = 0;
	if (!s)
		return;
	const char *token = kv_get(&r->form, "token");
	int64_t uid = token_user(s, token, &rid);
	if (!uid) {
		page_message(r, 400, "reset.title", "reset.invalid");
		return;
	}
	struct form_errors e = {0};
	const char *pw = kv_get(&r->form, "password"), *pw2 = kv_get(&r->form, "password2");
	size_t n = pw ? utf8_length(pw) : 0;
	if (n < PASSWORD_MIN)
		form_error(&e, "password", "password.too_short");
	else if (strlen(pw) > PASSWORD_MAX)
		form_error(&e, "password", "password.too_long");
	else if (!pw2 || strcmp(pw, pw2))
		form_error(&e, "password2", "password.mismatch");
	if (e.n) {
		reset_form(r, 422, token, &e);
		return;
	}
	if (!store_begin(s)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	/* used_at IS NULL in the WHERE makes a second use of the same link fail. */
	if (store_run(s, "UPDATE password_resets SET used_at = ? WHERE id = ? AND used_at IS NULL", "ii", now_s(), rid) != 1 ||
	    !user_set_password(s, uid, pw) || !store_commit(s)) {
		store_rollback(s);
		page_message(r, 400, "reset.title", "reset.invalid");
		return;
	}
	sessions_end_all(s, uid, 0);
	audit_record(r, s, "password.reset", "user", uid, NULL);
	page_message(r, 200, "reset.title", "reset.done");
}

void accounts_reset_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/password/forgot", forgot_get, ACCESS_ANYONE, 0, 0, "forgotten password form"},
		{"POST", "/password/forgot", forgot_post, ACCESS_ANYONE, 0, ROUTE_FORM, "send a reset link by email"},
		{"GET", "/password/reset", reset_get, ACCESS_ANYONE, 0, 0, "choose a new password (link from email)"},
		{"POST", "/password/reset", reset_post, ACCESS_ANYONE, 0, ROUTE_FORM, "set the new password"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
