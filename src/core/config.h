/* Server configuration: defaults, then a config file, then MAJLIS_* environment
 * variables, then command-line flags (each later source wins). */
#ifndef MAJLIS_CORE_CONFIG_H
#define MAJLIS_CORE_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

struct config {
	char listen_host[64];
	int listen_port;
	char db_path[512];
	char media_dir[512];   /* cover images etc.; default: beside the database */
	char base_url[256];    /* public URL, no trailing slash */
	char default_lang[8];  /* ar, fr or en */
	char timezone[64];     /* IANA zone the administration lives in */
	int threads;           /* 0 = one per core */
	size_t body_limit;     /* bytes of request body accepted */
	int request_timeout;   /* seconds a connection may stay idle */
	bool quiet;            /* no access log */
	char smtp_url[256];    /* smtp://host:port of the mail relay; "" = no email */
	char mail_from[128];   /* sender address of outgoing email */
	int job_retry_base;    /* seconds before the first retry of a failed job */
	int tick_interval;     /* seconds between periodic tasks (SLA breach scan ...) */
};

/* Fills cfg with the built-in defaults. */
void config_defaults(struct config *cfg);
/* Applies one key = value; on a bad key or value writes a message naming the
 * key into err (size errn) and returns false, leaving cfg unchanged for that key. */
bool config_set(struct config *cfg, const char *key, const char *value, char *err, size_t errn);
/* Reads a file of "key = value" lines (# comments). false + err on the first bad line. */
bool config_load_file(struct config *cfg, const char *path, char *err, size_t errn);
/* Applies MAJLIS_LISTEN, MAJLIS_DB, ... (upper-case key names). */
bool config_load_env(struct config *cfg, char *err, size_t errn);
/* Cross-field checks after all sources (time zone exists, media dir derived). */
bool config_finish(struct config *cfg, char *err, size_t errn);
/* Writes the documented list of keys to stdout (for --help). */
void config_print_keys(void);

#endif
