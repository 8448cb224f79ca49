#include "core/config.h"
#include "core/util.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
	const char *key, *help;
} keys[] = {
	{"listen", "address:port to listen on (default 127.0.0.1:8080)"},
	{"db", "path of the SQLite database (default var/majlis.db)"},
	{"media_dir", "folder for uploaded images (default: media/ beside the database)"},
	{"base_url", "public URL used in feeds and emails (default http://127.0.0.1:8080)"},
	{"default_lang", "ar, fr or en (default ar)"},
	{"timezone", "IANA time zone of the administration (default Africa/Casablanca)"},
	{"threads", "worker threads, 0 = one per core (default 0)"},
	{"body_limit", "largest request body in bytes (default 4194304)"},
	{"request_timeout", "seconds an idle connection is kept (default 15)"},
	{"quiet", "true to silence the access log (default false)"},
	{"smtp_url", "mail relay, smtp://host:port or smtps://host:port (default: no email)"},
	{"mail_from", "sender address of outgoing email (default majlis@localhost)"},
	{"job_retry_base", "seconds before a failed job's first retry, doubled each time (default 30)"},
	{"tick_interval", "seconds between periodic tasks: SLA breach scan, auto-close (default 30)"},
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	strcpy(cfg->listen_host, "127.0.0.1");
	cfg->listen_port = 8080;
	strcpy(cfg->db_path, "var/majlis.db");
	strcpy(cfg->base_url, "http://127.0.0.1:8080");
	strcpy(cfg->default_lang, "ar");
	strcpy(cfg->timezone, "Africa/Casablanca");
	cfg->body_limit = 4u << 20;
	cfg->request_timeout = 15;
	strcpy(cfg->mail_from, "majlis@localhost");
	cfg->job_retry_base = 30;
	cfg->tick_interval = 30;
}

static bool copy(char *dst, size_t n, const char *v)
{
	if (strlen(v) >= n)
		return false;
	strcpy(dst, v);
	return true;
}

#define FAIL(...) do { snprintf(err, errn, __VA_ARGS__); return false; } while (0)

bool config_set(struct config *cfg, const char *key, const char *v, char *err, size_t errn)
{
	int64_t n;
	if (!strcmp(key, "listen")) {
		const char *colon = strrchr(v, ':');
		if (!colon || colon == v || !parse_int64(colon + 1, 1, 65535, &n) ||
		    (size_t)(colon - v) >= sizeof cfg->listen_host)
			FAIL("config key 'listen': expected host:port, got '%s'", v);
		memcpy(cfg->listen_host, v, (size_t)(colon - v));
		cfg->listen_host[colon - v] = 0;
		cfg->listen_port = (int)n;
	} else if (!strcmp(key, "db")) {
		if (!*v || !copy(cfg->db_path, sizeof cfg->db_path, v))
			FAIL("config key 'db': path empty or too long");
	} else if (!strcmp(key, "media_dir")) {
		if (!*v || !copy(cfg->media_dir, sizeof cfg->media_dir, v))
			FAIL("config key 'media_dir': path empty or too long");
	} else if (!strcmp(key, "base_url")) {
		size_t len = strlen(v);
		if ((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) || len >= sizeof cfg->base_url)
			FAIL("config key 'base_url': expected an http:// or https:// URL, got '%s'", v);
		copy(cfg->base_url, sizeof cfg->base_url, v);
		while (len > 8 && cfg->base_url[len - 1] == '/')
			cfg->base_url[--len] = 0;
	} else if (!strcmp(key, "default_lang")) {
		if (strcmp(v, "ar") && strcmp(v, "fr") && strcmp(v, "en"))
			FAIL("config key 'default_lang': expected ar, fr or en, got '%s'", v);
		copy(cfg->default_lang, sizeof cfg->default_lang, v);
	} else if (!strcmp(key, "timezone")) {
		if (!*v || strstr(v, "..") || v[0] == '/' || !copy(cfg->timezone, sizeof cfg->timezone, v))
			FAIL("config key 'timezone': '%s' is not a time zone name", v);
	} else if (!strcmp(key, "threads")) {
		if (!parse_int64(v, 0, 256, &n))
			FAIL("config key 'threads': expected 0 to 256, got '%s'", v);
		cfg->threads = (int)n;
	} else if (!strcmp(key, "body_limit")) {
		if (!parse_int64(v, 1024, 1LL << 30, &n))
			FAIL("config key 'body_limit': expected bytes between 1024 and 1073741824, got '%s'", v);
		cfg->body_limit = (size_t)n;
	} else if (!strcmp(key, "request_timeout")) {
		if (!parse_int64(v, 1, 3600, &n))
			FAIL("config key 'request_timeout': expected 1 to 3600 seconds, got '%s'", v);
		cfg->request_timeout = (int)n;
	} else if (!strcmp(key, "quiet")) {
		if (strcmp(v, "true") && strcmp(v, "false"))
			FAIL("config key 'quiet': expected true or false, got '%s'", v);
		cfg->quiet = !strcmp(v, "true");
	} else if (!strcmp(key, "smtp_url")) {
		if ((*v && strncmp(v, "smtp://", 7) && strncmp(v, "smtps://", 8)) || !copy(cfg->smtp_url, sizeof cfg->smtp_url, v))
			FAIL("config key 'smtp_url': expected smtp://host:port or smtps://host:port, got '%s'", v);
	} else if (!strcmp(key, "mail_from")) {
		if (!strchr(v, '@') || strpbrk(v, " <>\r\n") || !copy(cfg->mail_from, sizeof cfg->mail_from, v))
			FAIL("config key 'mail_from': expected an email address, got '%s'", v);
	} else if (!strcmp(key, "tick_interval")) {
		if (!parse_int64(v, 1, 3600, &n))
			FAIL("config key 'tick_interval': expected 1 to 3600 seconds, got '%s'", v);
		cfg->tick_interval = (int)n;
	} else if (!strcmp(key, "job_retry_base")) {
		if (!parse_int64(v, 1, 86400, &n))
			FAIL("config key 'job_retry_base': expected 1 to 86400 seconds, got '%s'", v);
		cfg->job_retry_base = (int)n;
	} else {
		FAIL("unknown config key '%s'", key);
	}
	return true;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

bool config_load_file(struct config *cfg, const char *path, char *err, size_t errn)
{
	FILE *f = fopen(path, "r");
	if (!f)
		FAIL("cannot read config file %s: %s", path, strerror(errno));
	char line[1024];
	int lineno = 0;
	bool ok = true;
	while (ok && fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errn, "%s:%d: expected key = value", path, lineno);
			ok = false;
			break;
		}
		*eq = 0;
		char msg[400];
		if (!config_set(cfg, trim(s), trim(eq + 1), msg, sizeof msg)) {
			snprintf(err, errn, "%s:%d: %s", path, lineno, msg);
			ok = false;
		}
	}
	fclose(f);
	return ok;
}

bool config_load_env(struct config *cfg, char *err, size_t errn)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		char name[64] = "MAJLIS_";
		size_t j = 7;
		for (const char *k = keys[i].key; *k && j < sizeof name - 1; k++)
			name[j++] = (char)toupper((unsigned char)*k);
		name[j] = 0;
		const char *v = getenv(name);
		if (v && !config_set(cfg, keys[i].key, v, err, errn))
			return false;
	}
	return true;
}

bool config_finish(struct config *cfg, char *err, size_t errn)
{
	char zone[600];
	snprintf(zone, sizeof zone, "/usr/share/zoneinfo/%s", cfg->timezone);
	if (strcmp(cfg->timezone, "UTC") && access(zone, R_OK) != 0)
		FAIL("config key 'timezone': unknown time zone '%s'", cfg->timezone);
	if (!cfg->media_dir[0]) {
		const char *slash = strrchr(cfg->db_path, '/');
		int dirlen = slash ? (int)(slash - cfg->db_path) : 0;
		if (slash)
			snprintf(cfg->media_dir, sizeof cfg->media_dir, "%.*s/media", dirlen, cfg->db_path);
		else
			strcpy(cfg->media_dir, "media");
	}
	return true;
}

void config_print_keys(void)
{
	puts("Configuration keys (file: key = value; environment: MAJLIS_KEY; flags: --key value):");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		printf("  %-16s %s\n", keys[i].key, keys[i].help);
}
