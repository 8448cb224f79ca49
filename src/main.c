/* majlis — command line: serve, init, migrate, user, token, backup, routes, version. */
#include "app/app.h"
#include "core/config.h"
#include "core/log.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "http/http.h"
#include "jobs/jobs.h"
#include "http/pagecache.h"
#include "http/ratelimit.h"
#include "store/migrate.h"
#include "store/store.h"
#include "text/cli.h"
#include "features/insight/insight.h"
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAJLIS_VERSION "0.1.0"

/* ---- options shared by every subcommand ---- */

struct cli {
	struct config cfg;
	const char *config_file;
	/* subcommand-specific */
	const char *email, *phone, *name, *lang, *role, *dept, *out, *id;
	bool demo, site_admin, remove, enable, help;
};

enum { O_DB = 1000, O_CONFIG, O_LISTEN, O_BASE_URL, O_LANG_DEFAULT, O_TZ, O_THREADS, O_BODY, O_TIMEOUT, O_MEDIA,
       O_QUIET, O_EMAIL, O_PHONE, O_NAME, O_LANG, O_ROLE, O_DEPT, O_OUT, O_ID, O_DEMO, O_SITE_ADMIN, O_REMOVE,
       O_ENABLE, O_HELP };

static const struct option long_opts[] = {
	{"db", required_argument, 0, O_DB}, {"config", required_argument, 0, O_CONFIG},
	{"listen", required_argument, 0, O_LISTEN}, {"base-url", required_argument, 0, O_BASE_URL},
	{"default-lang", required_argument, 0, O_LANG_DEFAULT}, {"timezone", required_argument, 0, O_TZ},
	{"threads", required_argument, 0, O_THREADS}, {"body-limit", required_argument, 0, O_BODY},
	{"request-timeout", required_argument, 0, O_TIMEOUT}, {"media-dir", required_argument, 0, O_MEDIA},
	{"quiet", no_argument, 0, O_QUIET},
	{"email", required_argument, 0, O_EMAIL}, {"phone", required_argument, 0, O_PHONE},
	{"name", required_argument, 0, O_NAME}, {"lang", required_argument, 0, O_LANG},
	{"role", required_argument, 0, O_ROLE}, {"dept", required_argument, 0, O_DEPT},
	{"out", required_argument, 0, O_OUT}, {"id", required_argument, 0, O_ID},
	{"demo", no_argument, 0, O_DEMO}, {"site-admin", no_argument, 0, O_SITE_ADMIN},
	{"remove", no_argument, 0, O_REMOVE}, {"enable", no_argument, 0, O_ENABLE},
	{"help", no_argument, 0, O_HELP}, {0, 0, 0, 0},
};

static int fail(const char *fmt, const char *a)
{
	fprintf(stderr, "majlis: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	return 2;
}

/* Parses argv (after the subcommand words) into c: defaults, config file, env,
 * then flags. Returns 0, or 2 after printing what is wrong. */
static int parse(int argc, char **argv, struct cli *c)
{
	char err[512];
	config_defaults(&c->cfg);
	/* First pass: find --config so that flags can override the file. */
	c->config_file = getenv("MAJLIS_CONFIG");
	for (int i = 1; i < argc - 1; i++)
		if (!strcmp(argv[i], "--config"))
			c->config_file = argv[i + 1];
	if (c->config_file && !config_load_file(&c->cfg, c->config_file, err, sizeof err))
		return fail("%s", err);
	if (!config_load_env(&c->cfg, err, sizeof err))
		return fail("%s", err);
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		const char *key = NULL;
		switch (o) {
		case O_DB: key = "db"; break;
		case O_LISTEN: key = "listen"; break;
		case O_BASE_URL: key = "base_url"; break;
		case O_LANG_DEFAULT: key = "default_lang"; break;
		case O_TZ: key = "timezone"; break;
		case O_THREADS: key = "threads"; break;
		case O_BODY: key = "body_limit"; break;
		case O_TIMEOUT: key = "request_timeout"; break;
		case O_MEDIA: key = "media_dir"; break;
		case O_QUIET: c->cfg.quiet = true; break;
		case O_CONFIG: break;
		case O_EMAIL: c->email = optarg; break;
		case O_PHONE: c->phone = optarg; break;
		case O_NAME: c->name = optarg; break;
		case O_LANG: c->lang = optarg; break;
		case O_ROLE: c->role = optarg; break;
		case O_DEPT: c->dept = optarg; break;
		case O_OUT: c->out = optarg; break;
		case O_ID: c->id = optarg; break;
		case O_DEMO: c->demo = true; break;
		case O_SITE_ADMIN: c->site_admin = true; break;
		case O_REMOVE: c->remove = true; break;
		case O_ENABLE: c->enable = true; break;
		case 'h': case O_HELP: c->help = true; break;
		default:
			return fail("unknown or incomplete option '%s' (see --help)", argv[optind - 1]);
		}
		if (key && !config_set(&c->cfg, key, optarg, err, sizeof err))
			return fail("%s", err);
	}
	if (optind < argc)
		return fail("unexpected argument '%s' (see --help)", argv[optind]);
	if (!config_finish(&c->cfg, err, sizeof err))
		return fail("%s", err);
	setenv("TZ", c->cfg.timezone, 1);
	tzset();
	log_set_quiet(c->cfg.quiet);
	return 0;
}

/* Opens the database; with check, refuses one that is not at this binary's schema. */
static store *open_db(const struct cli *c, bool check)
{
	char *err = NULL;
	if (check && access(c->cfg.db_path, F_OK) != 0) {
		fprintf(stderr, "majlis: no database at %s — create it with `majlis init --db %s`\n", c->cfg.db_path, c->cfg.db_path);
		return NULL;
	}
	store *s = store_open(c->cfg.db_path, &err);
	if (!s) {
		fprintf(stderr, "majlis: cannot open database %s: %s\n", c->cfg.db_path, err ? err : "?");
		free(err);
		return NULL;
	}
	char msg[512];
	if (check && !migrate_check(s, app_schemas, msg, sizeof msg)) {
		fprintf(stderr, "majlis: %s\n", msg);
		store_close(s);
		return NULL;
	}
	return s;
}

static const char common_help[] =
	"  --db PATH           database file (default var/majlis.db)\n"
	"  --config FILE       configuration file (also MAJLIS_CONFIG)\n";

/* ---- init / migrate ---- */

static int cmd_init(struct cli *c, bool is_init)
{
	if (c->help) {
		printf(is_init ? "usage: majlis init [--db PATH] [--demo]\n  Creates or upgrades the database; --demo adds demo content.\n%s"
			       : "usage: majlis migrate [--db PATH]\n  Applies pending schema migrations.\n%s", common_help);
		return 0;
	}
	/* Create the folder of the database if needed (var/ on a fresh checkout). */
	char dir[512];
	snprintf(dir, sizeof dir, "%s", c->cfg.db_path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0750) != 0 && errno != EEXIST)
			return fail("cannot create folder %s", dir);
	}
	store *s = open_db(c, false);
	if (!s)
		return 1;
	char err[512];
	int applied = 0;
	int rc = 0;
	if (!migrate_apply(s, app_schemas, &applied, err, sizeof err)) {
		fprintf(stderr, "majlis: %s\n", err);
		rc = 1;
		goto done;
	}
	printf("database %s: %d migration(s) applied, schema current\n", c->cfg.db_path, applied);
	if (is_init && c->demo) {
		if (!app_seed_demo(s, err, sizeof err)) {
			fprintf(stderr, "majlis: %s\n", err);
			rc = 1;
			goto done;
		}
		printf("demo content ready. Log in as the demo administrator: admin@example.org / majlis-admin-2026\n"
		       "  editor: editor@example.org / majlis-editor-2026 · citizen: citizen@example.org / majlis-citizen-2026\n");
	}
done:
	store_close(s);
	return rc;
}

/* ---- serve ---- */

static int cmd_serve(struct cli *c)
{
	if (c->help) {
		printf("usage: majlis serve [options]\n  Runs the web server until SIGINT/SIGTERM.\n%s"
		       "  --listen HOST:PORT  (default 127.0.0.1:8080)\n  --base-url URL\n  --default-lang ar|fr|en\n"
		       "  --timezone ZONE\n  --threads N\n  --body-limit BYTES\n  --request-timeout SECONDS\n"
		       "  --media-dir DIR\n  --quiet             no access log\n\n", common_help);
		config_print_keys();
		return 0;
	}
	store *s = open_db(c, true);
	if (!s)
		return 1;
	char err[512];
	if (!app_start(&c->cfg, s, err, sizeof err)) {
		fprintf(stderr, "majlis: %s\n", err);
		store_close(s);
		return 1;
	}
	store_close(s);
	store_pool_init(c->cfg.db_path);
	if (!jobs_worker_start(&c->cfg)) {
		fprintf(stderr, "majlis: cannot start the job worker\n");
		return 1;
	}
	int rc = http_serve(&c->cfg);
	jobs_worker_stop();
	store_pool_shutdown();
	ratelimit_shutdown();
	pagecache_shutdown();
	app_stop();
	return rc;
}

/* ---- user ---- */

static bool read_password(char *buf, size_t n)
{
	if (isatty(STDIN_FILENO))
		fprintf(stderr, "password (at least %d characters): ", PASSWORD_MIN);
	if (!fgets(buf, (int)n, stdin))
		return false;
	buf[strcspn(buf, "\r\n")] = 0;
	return utf8_length(buf) >= PASSWORD_MIN && strlen(buf) <= PASSWORD_MAX && utf8_valid_text(buf, strlen(buf));
}

static int64_t find_user(store *s, arena *a, const char *login)
{
	struct user u;
	return login && user_find_login(s, a, login, &u, NULL) ? u.id : 0;
}

static int cmd_user(struct cli *c, const char *verb)
{
	if (c->help || !verb) {
		printf("usage:\n"
		       "  majlis user add --email E|--phone P --name NAME [--lang ar|fr|en] [--site-admin]\n"
		       "                  [--role ROLE --dept SLUG]      (password read from standard input)\n"
		       "  majlis user list\n"
		       "  majlis user set-role --email E --role ROLE --dept SLUG [--remove]\n"
		       "  majlis user set-role --email E --site-admin [--remove]\n"
		       "  majlis user disable --email E [--enable]\n"
		       "roles: agent editor moderator analyst admin\n%s", common_help);
		return verb || c->help ? 0 : 2;
	}
	store *s = open_db(c, true);
	if (!s)
		return 1;
	if (sodium_init() < 0)
		return 1;
	arena *a = arena_new();
	int rc = 0;
	if (!strcmp(verb, "add")) {
		bool is_email;
		const char *login = c->email ? c->email : c->phone;
		const char *norm = login_normalize(a, login, &is_email);
		char pw[PASSWORD_MAX + 2];
		if (!norm || !c->name || utf8_length(c->name) < 2) {
			rc = fail("%s", "user add needs --email or --phone and --name (see --help)");
		} else if (c->lang && strcmp(c->lang, "ar") && strcmp(c->lang, "fr") && strcmp(c->lang, "en")) {
			rc = fail("--lang must be ar, fr or en, not '%s'", c->lang);
		} else if (!read_password(pw, sizeof pw)) {
			rc = fail("%s", "password must be read from standard input, at least 10 characters");
		} else {
			enum role role = c->role ? role_parse(c->role) : ROLE_NONE;
			int64_t dept = c->dept ? dept_by_slug(s, c->dept) : 0;
			if (c->role && (role == ROLE_NONE || !dept)) {
				rc = fail("%s", "--role needs a known role and --dept with an existing department slug");
			} else {
				int64_t id = user_create(s, is_email ? norm : NULL, is_email ? NULL : norm, c->name, pw,
							 c->lang, c->site_admin);
				if (id == 0)
					rc = fail("an account with '%s' already exists", norm);
				else if (id < 0)
					rc = fail("%s", "database error");
				else {
					if (role != ROLE_NONE)
						role_grant(s, id, role, dept);
					audit_record_cli(s, "user.add", "user", id, norm);
					printf("user %lld created: %s\n", (long long)id, norm);
				}
			}
		}
		sodium_memzero(pw, sizeof pw);
	} else if (!strcmp(verb, "list")) {
		store_stmt *st = store_prepare(s, "SELECT u.id, coalesce(u.email, u.phone), u.name, u.site_admin, u.disabled, "
			"(SELECT group_concat(ur.role || '@' || d.slug, ',') FROM user_roles ur JOIN departments d ON d.id = ur.dept_id "
			" WHERE ur.user_id = u.id) FROM users u ORDER BY u.id");
		printf("%-5s %-32s %-28s %s\n", "id", "login", "name", "roles");
		while (st && store_step(st) == STORE_ROW)
			printf("%-5lld %-32s %-28s %s%s%s\n", (long long)store_int(st, 0), store_text(st, 1), store_text(st, 2),
			       store_int(st, 3) ? "site-admin " : "", store_text(st, 5) ? store_text(st, 5) : "",
			       store_int(st, 4) ? " (disabled)" : "");
		if (st)
			store_done(st);
	} else if (!strcmp(verb, "set-role")) {
		int64_t uid = find_user(s, a, c->email ? c->email : c->phone);
		enum role role = c->role ? role_parse(c->role) : ROLE_NONE;
		int64_t dept = c->dept ? dept_by_slug(s, c->dept) : 0;
		if (!uid) {
			rc = fail("no account '%s'", c->email ? c->email : c->phone ? c->phone : "(none given)");
		} else if (c->site_admin) {
			user_set_site_admin(s, uid, !c->remove);
			audit_record_cli(s, c->remove ? "site_admin.revoke" : "site_admin.grant", "user", uid, NULL);
			printf("site admin %s\n", c->remove ? "removed" : "granted");
		} else if (role == ROLE_NONE || !dept) {
			rc = fail("%s", "set-role needs --role (agent|editor|moderator|analyst|admin) and --dept SLUG");
		} else {
			if (c->remove)
				role_revoke(s, uid, role, dept);
			else
				role_grant(s, uid, role, dept);
			audit_record_cli(s, c->remove ? "role.revoke" : "role.grant", "user", uid,
					 arena_printf(a, "%s@%s", c->role, c->dept));
			printf("role %s@%s %s\n", c->role, c->dept, c->remove ? "removed" : "granted");
		}
	} else if (!strcmp(verb, "disable")) {
		int64_t uid = find_user(s, a, c->email ? c->email : c->phone);
		if (!uid)
			rc = fail("no account '%s'", c->email ? c->email : c->phone ? c->phone : "(none given)");
		else {
			user_set_disabled(s, uid, !c->enable);
			audit_record_cli(s, c->enable ? "user.enable" : "user.disable", "user", uid, NULL);
			printf("account %s\n", c->enable ? "enabled" : "disabled");
		}
	} else {
		rc = fail("unknown 'user %s' (see majlis user --help)", verb);
	}
	arena_free(a);
	store_close(s);
	return rc;
}

/* ---- token ---- */

static int cmd_token(struct cli *c, const char *verb)
{
	if (c->help || !verb) {
		printf("usage:\n"
		       "  majlis token add --name NAME --role ROLE [--dept SLUG]   prints the token once\n"
		       "  majlis token list\n"
		       "  majlis token revoke --id N\n"
		       "A token without --dept acts in every department; role admin without --dept is site-wide.\n%s",
		       common_help);
		return verb || c->help ? 0 : 2;
	}
	store *s = open_db(c, true);
	if (!s)
		return 1;
	if (sodium_init() < 0)
		return 1;
	int rc = 0;
	if (!strcmp(verb, "add")) {
		enum role role = c->role ? role_parse(c->role) : ROLE_NONE;
		int64_t dept = c->dept ? dept_by_slug(s, c->dept) : ALL_DEPTS;
		if (!c->name || !*c->name || strlen(c->name) > 60)
			rc = fail("%s", "token add needs --name (1 to 60 characters)");
		else if (role == ROLE_NONE)
			rc = fail("token add needs --role agent|editor|moderator|analyst|admin, not '%s'", c->role ? c->role : "");
		else if (!dept)
			rc = fail("no department '%s'", c->dept);
		else {
			char clear[65];
			int64_t id = token_create(s, c->name, role, dept, 0, clear);
			if (id < 0)
				rc = fail("%s", "database error");
			else {
				audit_record_cli(s, "token.create", "api_token", id, c->name);
				printf("%s\n", clear);
				fprintf(stderr, "token %lld '%s' created; it is shown only this once\n", (long long)id, c->name);
			}
		}
	} else if (!strcmp(verb, "list")) {
		token_print_all(s);
	} else if (!strcmp(verb, "revoke")) {
		int64_t id;
		if (!c->id || !parse_int64(c->id, 1, INT64_MAX, &id))
			rc = fail("%s", "token revoke needs --id N");
		else if (!token_revoke(s, id))
			rc = fail("no active token with id %s", c->id);
		else {
			audit_record_cli(s, "token.revoke", "api_token", id, NULL);
			printf("token %s revoked\n", c->id);
		}
	} else {
		rc = fail("unknown 'token %s' (see majlis token --help)", verb);
	}
	store_close(s);
	return rc;
}

/* ---- backup, routes, version ---- */

static int cmd_backup(struct cli *c)
{
	if (c->help || !c->out) {
		printf("usage: majlis backup [--db PATH] --out FILE\n  Online copy of the database (safe while serving).\n%s",
		       common_help);
		return c->help ? 0 : 2;
	}
	if (access(c->out, F_OK) == 0)
		return fail("%s already exists; choose a new file", c->out);
	store *s = open_db(c, true);
	if (!s)
		return 1;
	char *err = NULL;
	int rc = 0;
	if (!store_backup(s, c->out, &err)) {
		fprintf(stderr, "majlis: backup failed: %s\n", err ? err : "?");
		unlink(c->out);
		rc = 1;
	} else {
		printf("backup written to %s\n", c->out);
	}
	free(err);
	store_close(s);
	return rc;
}

static void print_route(const struct route *r, void *ctx)
{
	(void)ctx;
	printf("%s %s\t%s\n", r->method, r->pattern, r->summary ? r->summary : "");
}

static int cmd_routes(struct cli *c)
{
	if (c->help) {
		printf("usage: majlis routes\n  Lists every route the server registers (METHOD PATTERN<TAB>summary).\n");
		return 0;
	}
	app_register_routes();
	printf("GET /healthz\tliveness and database check (answered by the server itself)\n");
	route_each(print_route, NULL);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "majlis %s — a public administration's server for talking with citizens\n\n"
		   "usage: majlis COMMAND [options]   (majlis COMMAND --help for each)\n\n"
		   "  serve      run the web server\n"
		   "  init       create or upgrade the database (--demo adds demo content)\n"
		   "  migrate    apply pending schema migrations\n"
		   "  user       add | list | set-role | disable accounts\n"
		   "  token      add | list | revoke API tokens\n"
		   "  backup     online backup of the database\n"
		   "  routes     list the HTTP routes\n"
		   "  text       the text engine (see majlis text --help)\n"
		   "  analyze    add language, sentiment, topics, personal-data columns to a CSV\n"
		   "  import     bring a CSV of outside comments into the insight dashboard\n"
		   "  version    print the version\n", MAJLIS_VERSION);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
		printf("majlis %s\n", MAJLIS_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "text"))
		return text_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "analyze"))
		return insight_analyze_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "import")) {
		app_store_setup();
		return insight_import_main(argc - 1, argv + 1, app_schemas);
	}
	/* user/token take a verb as the second word */
	const char *verb = NULL;
	int shift = 1;
	if ((!strcmp(cmd, "user") || !strcmp(cmd, "token")) && argc > 2 && argv[2][0] != '-') {
		verb = argv[2];
		shift = 2;
	}
	app_store_setup();
	struct cli c = {0};
	int rc = parse(argc - shift, argv + shift, &c);
	if (rc)
		return rc;
	if (!strcmp(cmd, "serve")) return cmd_serve(&c);
	if (!strcmp(cmd, "init")) return cmd_init(&c, true);
	if (!strcmp(cmd, "migrate")) return cmd_init(&c, false);
	if (!strcmp(cmd, "user")) return cmd_user(&c, verb);
	if (!strcmp(cmd, "token")) return cmd_token(&c, verb);
	if (!strcmp(cmd, "backup")) return cmd_backup(&c);
	if (!strcmp(cmd, "routes")) return cmd_routes(&c);
	fprintf(stderr, "majlis: unknown command '%s'\n\n", cmd);
	usage(stderr);
	return 2;
}
