/* Citizen-facing account pages: sign up, log in, log out, language, password. */
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "http/ratelimit.h"
#include "core/util.h"
#include "web/page.h"
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define LOGIN_IP_MAX 30     /* attempts per IP per window */
#define LOGIN_ACCT_MAX 8    /* attempts per account per window */
#define SIGNUP_IP_MAX 10
#define WINDOW 900          /* 15 minutes */

/* "Try again in N minutes" in the user's language, as a 429 page with the form. */
static const char *retry_message(struct req *r, int seconds)
{
	int minutes = (seconds + 59) / 60;
	resp_header(r, "Retry-After", arena_printf(r->a, "%d", seconds > 0 ? seconds : 60));
	return T_fill(r->a, TR(r, "auth.rate_limited"), 1, (const char *[]){arena_printf(r->a, "%d", minutes < 1 ? 1 : minutes)});
}

/* ---- login ---- */

static void login_form(struct req *r, int status, const struct form_errors *e, const char *login,
		       const char *notice)
{
	page_begin(r, TR(r, "login.title"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "login.title"));
	if (notice)
		h_printf(&r->out, "<p class=\"notice\" role=\"alert\">%s</p>", notice);
	f_errors_summary(r, e);
	const char *next = kv_get(&r->query, "next");
	if (!next)
		next = kv_get(&r->form, "next");
	h_raw(&r->out, "<form method=\"post\" action=\"/login\">");
	f_csrf(r);
	if (next)
		h_printf(&r->out, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
	f_input(r, e, "email", "login.email", "text", login, "autocomplete=\"username\" required");
	f_input(r, e, "password", "login.password", "password", NULL, "autocomplete=\"current-password\" required");
	h_printf(&r->out, "<button>%s</button></form><p><a href=\"/password/forgot\">%s</a></p><p>%s <a href=\"/signup\">%s</a></p>",
		 TR(r, "login.submit"), TR(r, "login.forgot"), TR(r, "login.no_account"), TR(r, "signup.title"));
	page_end(r);
	resp_html(r, status);
}

static void login_get(struct req *r)
{
	if (req_who(r)) {
		resp_redirect(r, "/account");
		return;
	}
	login_form(r, 200, NULL, NULL, NULL);
}

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
	password_hash("majlis-no-such-account", dummy_hash);
}

static void login_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *login = kv_get(&r->form, "email");
	const char *password = kv_get(&r->form, "password");
	struct form_errors e = {0};
	bool is_email;
	const char *norm = login_normalize(r->a, login, &is_email);
	if (!norm)
		form_error(&e, "email", "login.bad_login");
	if (!password || !*password)
		form_error(&e, "password", "form.required");
	if (e.n) {
		login_form(r, 422, &e, login, NULL);
		return;
	}
	int retry = 0;
	char *ip_key = arena_printf(r->a, "login-ip:%s", r->ip);
	char *acct_key = arena_printf(r->a, "login-acct:%s", norm);
	if (!ratelimit_take(ip_key, LOGIN_IP_MAX, WINDOW, &retry) ||
	    !ratelimit_take(acct_key, LOGIN_ACCT_MAX, WINDOW, &retry)) {
		login_form(r, 429, NULL, login, retry_message(r, retry));
		return;
	}
	struct user u;
	char *hash = NULL;
	bool found = user_find_login(s, r->a, norm, &u, &hash);
	/* Verify even when not found, so timing does not reveal which accounts exist. */
	pthread_once(&dummy_once, make_dummy);
	bool good = password_verify(found ? hash : dummy_hash, password) && found && !u.disabled;
	if (!good) {
		audit_record(r, s, "login.failed", "user", found ? u.id : 0, norm);
		form_error(&e, "password", "login.failed");
		login_form(r, 401, &e, login, NULL);
		return;
	}
	ratelimit_clear(acct_key);
	if (!session_start(r, s, u.id)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record_as(r, s, u.id, u.email ? u.email : u.phone, "login", "user", u.id, NULL);
	if (u.lang && lang_supported(u.lang))
		kv_add(r->a, &r->headers, "Set-Cookie", arena_printf(r->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", u.lang));
	resp_redirect(r, local_target(r, kv_get(&r->form, "next")));
}

static void logout_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	if (req_who(r))
		audit_record(r, s, "logout", "user", req_who(r)->user_id, NULL);
	session_end(r, s);
	resp_redirect(r, "/");
}

/* ---- sign up ---- */

static void signup_form(struct req *r, int status, const struct form_errors *e, const char *notice)
{
	page_begin(r, TR(r, "signup.title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "signup.title"), TR(r, "signup.intro"));
	if (notice)
		h_printf(&r->out, "<p class=\"notice\" role=\"alert\">%s</p>", notice);
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/signup\">");
	f_csrf(r);
	f_input(r, e, "name", "signup.name", "text", kv_get(&r->form, "name"), "autocomplete=\"name\" required maxlength=\"100\"");
	f_input(r, e, "email", "signup.login", "text", kv_get(&r->form, "email"), "autocomplete=\"username\" required");
	f_input(r, e, "password", "signup.password", "password", NULL, "autocomplete=\"new-password\" required minlength=\"10\"");
	f_input(r, e, "password2", "signup.password2", "password", NULL, "autocomplete=\"new-password\" required");
	static const struct select_option langs[] = {{"ar", NULL, "العربية"}, {"fr", NULL, "Français"}, {"en", NULL, "English"}, {NULL, NULL, NULL}};
	const char *lang = kv_get(&r->form, "lang");
	f_select(r, e, "lang", "account.lang", langs, lang ? lang : r->lang);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "signup.submit"));
	page_end(r);
	resp_html(r, status);
}

static void signup_get(struct req *r)
{
	signup_form(r, 200, NULL, NULL);
}

/* Shared password rules for sign-up and change: length and confirmation. */
static void check_new_password(struct form_errors *e, const char *pw, const char *pw2)
{
	size_t n = pw ? utf8_length(pw) : 0;
	if (n < PASSWORD_MIN)
		form_error(e, "password", "password.too_short");
	else if (strlen(pw) > PASSWORD_MAX)
		form_error(e, "password", "password.too_long");
	else if (!pw2 || strcmp(pw, pw2))
		form_error(e, "password2", "password.mismatch");
}

static void signup_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *name = kv_get(&r->form, "name");
	const char *login = kv_get(&r->form, "email");
	const char *pw = kv_get(&r->form, "password");
	const char *lang = kv_get(&r->form, "lang");
	struct form_errors e = {0};
	size_t name_len = name ? utf8_length(name) : 0;
	if (name_len < 2)
		form_error(&e, "name", "form.required");
	else if (name_len > 100)
		form_error(&e, "name", "form.too_long");
	bool is_email = false;
	const char *norm = login_normalize(r->a, login, &is_email);
	if (!norm)
		form_error(&e, "email", "login.bad_login");
	check_new_password(&e, pw, kv_get(&r->form, "password2"));
	if (!lang_supported(lang))
		lang = r->lang;
	if (e.n) {
		signup_form(r, 422, &e, NULL);
		return;
	}
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "signup-ip:%s", r->ip), SIGNUP_IP_MAX, 3600, &retry) ||
	    !ratelimit_take(arena_printf(r->a, "signup-acct:%s", norm), 3, 3600, &retry)) {
		signup_form(r, 429, NULL, retry_message(r, retry));
		return;
	}
	int64_t id = user_create(s, is_email ? norm : NULL, is_email ? NULL : norm, name, pw, lang, false);
	if (id == 0) {
		form_error(&e, "email", "signup.taken");
		signup_form(r, 409, &e, NULL);
		return;
	}
	if (id < 0 || !session_start(r, s, id)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	audit_record_as(r, s, id, norm, "signup", "user", id, NULL);
	kv_add(r->a, &r->headers, "Set-Cookie", arena_printf(r->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", lang));
	resp_redirect(r, "/account?welcome=1");
}

/* ---- account ---- */

static void account_page(struct req *r, int status, const struct form_errors *e, const char *notice)
{
	struct principal *p = req_who(r);
	page_begin(r, TR(r, "account.title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s — %s</p>", TR(r, "account.title"), p->name, p->email ? p->email : "");
	if (notice)
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, notice));
	if (kv_get(&r->query, "welcome"))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>", TR(r, "signup.welcome"));
	const char *why = NULL;
	int64_t until = store_thread() ? user_suspended_until(store_thread(), r->a, p->user_id, &why) : 0;
	if (until) { /* suspended from taking part: the end and the reason */
		h_printf(&r->out, "<p class=\"notice\" role=\"alert\">%s ", TR(r, "participate.suspended_until"));
		fmt_date(&r->out, r->lang, (time_t)until, true);
		h_printf(&r->out, "<br>%s: <span dir=\"auto\">%s</span></p>", TR(r, "participate.reason"), why ? why : "");
	}
	h_printf(&r->out, "<h2>%s</h2><form method=\"post\" action=\"/account/lang\">", TR(r, "account.lang"));
	f_csrf(r);
	static const struct select_option langs[] = {{"ar", NULL, "العربية"}, {"fr", NULL, "Français"}, {"en", NULL, "English"}, {NULL, NULL, NULL}};
	f_select(r, e, "lang", "account.lang", langs, p->lang ? p->lang : r->lang);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "form.save"));
	h_printf(&r->out, "<h2>%s</h2>", TR(r, "account.password"));
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/account/password\">");
	f_csrf(r);
	f_input(r, e, "current", "account.current_password", "password", NULL, "autocomplete=\"current-password\" required");
	f_input(r, e, "password", "account.new_password", "password", NULL, "autocomplete=\"new-password\" required minlength=\"10\"");
	f_input(r, e, "password2", "signup.password2", "password", NULL, "autocomplete=\"new-password\" required");
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "account.change_password"));
	page_end(r);
	resp_html(r, status);
}

static void account_get(struct req *r)
{
	account_page(r, 200, NULL, NULL);
}

static void account_lang_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *lang = kv_get(&r->form, "lang");
	if (!lang_supported(lang)) {
		struct form_errors e = {0};
		form_error(&e, "lang", "form.invalid_choice");
		account_page(r, 422, &e, NULL);
		return;
	}
	user_set_lang(s, req_who(r)->user_id, lang);
	kv_add(r->a, &r->headers, "Set-Cookie", arena_printf(r->a, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", lang));
	resp_redirect(r, "/account");
}

static void account_password_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct principal *p = req_who(r);
	struct form_errors e = {0};
	struct user u;
	char *hash = NULL;
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "pwchange:%lld", (long long)p->user_id), LOGIN_ACCT_MAX, WINDOW, &retry)) {
		resp_error(r, 429, "error.rate_limited");
		return;
	}
	if (!user_find_login(s, r->a, p->email, &u, &hash) || !password_verify(hash, kv_get(&r->form, "current") ? kv_get(&r->form, "current") : ""))
		form_error(&e, "current", "account.wrong_password");
	check_new_password(&e, kv_get(&r->form, "password"), kv_get(&r->form, "password2"));
	if (e.n) {
		account_page(r, 422, &e, NULL);
		return;
	}
	if (!user_set_password(s, p->user_id, kv_get(&r->form, "password"))) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	sessions_end_all(s, p->user_id, p->session_id);
	audit_record(r, s, "password.change", "user", p->user_id, NULL);
	account_page(r, 200, NULL, "account.password_changed");
}

void accounts_admin_routes(void);
void accounts_reset_routes(void);

void accounts_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/login", login_get, ACCESS_ANYONE, 0, 0, "log-in form"},
		{"POST", "/login", login_post, ACCESS_ANYONE, 0, ROUTE_FORM, "log in"},
		{"POST", "/logout", logout_post, ACCESS_ANYONE, 0, ROUTE_FORM, "log out"},
		{"GET", "/signup", signup_get, ACCESS_ANYONE, 0, 0, "sign-up form"},
		{"POST", "/signup", signup_post, ACCESS_ANYONE, 0, ROUTE_FORM, "create a citizen account"},
		{"GET", "/account", account_get, ACCESS_LOGGED_IN, 0, 0, "own account"},
		{"POST", "/account/lang", account_lang_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "choose language"},
		{"POST", "/account/password", account_password_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "change password"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
	accounts_admin_routes();
	accounts_reset_routes();
	accounts_participation_routes();
}
