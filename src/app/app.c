#include "app/app.h"
#include "core/log.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "features/media/media.h"
#include "features/posts/posts.h"
#include "features/requests/requests.h"
#include "features/moderation/moderation.h"
#include "features/comments/comments.h"
#include "features/consultations/consultations.h"
#include "features/proposals/proposals.h"
#include "features/polls/polls.h"
#include "features/surveys/surveys.h"
#include "features/search/search.h"
#include "features/insight/dashboard.h"
#include "features/insight/insight.h"
#include "http/csrf.h"
#include "jobs/jobs.h"
#include "jobs/mail.h"
#include "http/http.h"
#include "web/page.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

const struct feature_schema app_schemas[] = {
	{"accounts", accounts_migrations},
	{"audit", audit_migrations},
	{"posts", posts_migrations},
	{"jobs", jobs_migrations},
	{"requests", requests_migrations},
	{"moderation", moderation_migrations},
	{"comments", comments_migrations},
	{"consultations", consultations_migrations},
	{"proposals", proposals_migrations},
	{"polls", polls_migrations},
	{"surveys", surveys_migrations},
	{"search", search_migrations},
	{"insight", insight_migrations},
	{NULL, NULL},
};

static bool health(void)
{
	store *s = store_thread();
	return s && store_scalar(s, -1, "SELECT 1", "") == 1;
}

static void read_begin(void)
{
	store *s = store_thread();
	if (s)
		store_read_begin(s);
}

static void read_end(void)
{
	store *s = store_thread();
	if (s)
		store_read_end(s);
}

void participate_routes(void);

void app_register_routes(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	web_routes();
	media_routes();
	accounts_routes();
	audit_routes();
	jobs_routes();
	posts_routes();
	requests_routes();
	moderation_routes();
	comments_routes();
	consultations_routes();
	proposals_routes();
	polls_routes();
	surveys_routes();
	search_routes();
	insight_pages_routes();
	participate_routes();
}

void app_store_setup(void)
{
	store_set_tokenizer(search_tokenize);
}

/* The 32-byte site secret that keys CSRF tokens; created once per database. */
static bool load_secret(store *s, unsigned char key[32])
{
	arena *a = arena_new();
	char *hex = setting_get(s, a, "csrf_secret");
	bool ok = false;
	if (!hex) {
		char fresh[65];
		random_hex(fresh, 32);
		if (setting_set(s, "csrf_secret", fresh))
			hex = arena_strdup(a, fresh);
	}
	if (hex && strlen(hex) == 64)
		ok = sodium_hex2bin(key, 32, hex, 64, NULL, NULL, NULL) == 0;
	arena_free(a);
	return ok;
}

bool app_start(const struct config *cfg, store *s, char *err, size_t errn)
{
	if (sodium_init() < 0) {
		snprintf(err, errn, "libsodium failed to initialise");
		return false;
	}
	if (!i18n_init(err, errn))
		return false;
	unsigned char key[32];
	if (!load_secret(s, key)) {
		snprintf(err, errn, "cannot read or create the site secret in the database");
		return false;
	}
	csrf_set_secret(key);
	sodium_memzero(key, sizeof key);
	http_auth_hook = accounts_resolve;
	http_lang_hook = lang_choose;
	http_error_page_hook = error_page;
	http_translate_hook = translate;
	http_health_hook = health;
	http_read_begin_hook = read_begin;
	http_read_end_hook = read_end;
	mail_init();
	requests_init();
	comments_init();
	consultations_init();
	proposals_init();
	polls_init();
	surveys_init();
	insight_init(cfg);
	if (insight_rescore_enqueue(s) < 0)
		log_warn("insight: could not queue the re-scoring jobs");
	app_register_routes();
	(void)cfg;
	return true;
}

void app_stop(void)
{
	i18n_shutdown();
	insight_shutdown();
}
