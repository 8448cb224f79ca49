/* Outside data, part 2: `majlis import` brings a CSV (comments exported
 * from the administration's pages on other platforms) into insight as source
 * "external", through insight_record, 500 rows per transaction. */
#include "features/insight/insight.h"
#include "features/insight/internal.h"
#include "features/accounts/accounts.h"
#include "core/config.h"
#include "core/util.h"
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct import_ctx {
	store *s;
	const char *column, *date_column, *channel;
	int64_t dept_id;
	int col, dcol, ncols;
	long imported, committed, skipped, in_tx;
};

/* A stable id for an imported row (channel, date, text), so that importing
 * the same file twice replaces instead of duplicating. */
static int64_t external_id(const char *channel, const char *date, const char *text)
{
	crypto_generichash_state st;
	unsigned char h[8];
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)channel, strlen(channel) + 1);
	crypto_generichash_update(&st, (const unsigned char *)date, strlen(date) + 1);
	crypto_generichash_update(&st, (const unsigned char *)text, strlen(text));
	crypto_generichash_final(&st, h, sizeof h);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (int64_t)(v >> 1) | 1;
}

static bool parse_date(const char *s, int64_t *out)
{
	time_t t;
	if (parse_datetime(s, &t)) {
		*out = (int64_t)t;
		return true;
	}
	int32_t day = insight_day_parse(s);
	if (day) { /* noon local time of that day */
		struct tm tm = {0};
		int y, m, d;
		if (sscanf(s, "%d-%d-%d", &y, &m, &d) == 3) {
			tm.tm_year = y - 1900, tm.tm_mon = m - 1, tm.tm_mday = d, tm.tm_hour = 12, tm.tm_isdst = -1;
			*out = (int64_t)mktime(&tm);
			return true;
		}
	}
	return false;
}

static bool import_row(void *vctx, char **fields, int nf, long rowno, char *err, size_t errn)
{
	struct import_ctx *c = vctx;
	if (rowno == 0) {
		c->ncols = nf;
		c->col = insight_csv_column(fields, nf, c->column);
		if (c->col < 0) {
			snprintf(err, errn, "no column named '%s' in the header row", c->column);
			return false;
		}
		c->dcol = -1;
		if (c->date_column && (c->dcol = insight_csv_column(fields, nf, c->date_column)) < 0) {
			snprintf(err, errn, "no column named '%s' in the header row", c->date_column);
			return false;
		}
		return true;
	}
	const char *text = c->col < nf ? fields[c->col] : "";
	if (strspn(text, " \t\r\n") == strlen(text)) {
		c->skipped++;
		return true;
	}
	const char *date = c->dcol >= 0 && c->dcol < nf ? fields[c->dcol] : "";
	int64_t at = 0;
	if (*date && !parse_date(date, &at)) {
		snprintf(err, errn, "row %ld: cannot read the date '%.40s' (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])", rowno + 1, date);
		return false;
	}
	if (!c->in_tx && !store_begin(c->s)) {
		snprintf(err, errn, "database busy: %s", store_errmsg(c->s));
		return false;
	}
	c->in_tx++;
	struct insight_msg m = {.source = "external", .source_id = external_id(c->channel, date, text), .dept_id = c->dept_id,
				.channel = c->channel, .text = text, .url = "", .at = at};
	if (!insight_record(c->s, &m)) {
		snprintf(err, errn, "row %ld: database error: %s", rowno + 1, store_errmsg(c->s));
		store_rollback(c->s);
		c->in_tx = 0;
		return false;
	}
	c->imported++;
	if (c->in_tx >= 500) {
		if (!store_commit(c->s)) {
			snprintf(err, errn, "database error: %s", store_errmsg(c->s));
			store_rollback(c->s);
			c->in_tx = 0;
			return false;
		}
		c->in_tx = 0;
		c->committed = c->imported;
	}
	return true;
}

static int usage_import(FILE *f, int rc)
{
	fprintf(f, "usage: majlis import FILE.csv --text-column NAME [--date-column D] [--channel NAME]\n"
		   "                     [--dept SLUG] [--db PATH]\n"
		   "  Brings a UTF-8 CSV (e.g. comments exported from the administration's pages on other\n"
		   "  platforms) into the insight dashboard as source \"external\". Dates: YYYY-MM-DD or\n"
		   "  YYYY-MM-DDTHH:MM[:SS][Z|+hh:mm] (no date: now). Importing the same rows again replaces\n"
		   "  them. The database must exist and be migrated (majlis init).\n");
	return rc;
}

int insight_import_main(int argc, char **argv, const struct feature_schema *schemas)
{
	static const struct option opts[] = {
		{"text-column", required_argument, 0, 't'}, {"date-column", required_argument, 0, 'd'},
		{"channel", required_argument, 0, 'c'}, {"dept", required_argument, 0, 'D'},
		{"db", required_argument, 0, 'b'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	struct import_ctx c = {.channel = "external"};
	const char *dept = NULL, *db = NULL;
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 't': c.column = optarg; break;
		case 'd': c.date_column = optarg; break;
		case 'c': c.channel = optarg; break;
		case 'D': dept = optarg; break;
		case 'b': db = optarg; break;
		case 'h': return usage_import(stdout, 0);
		default:
			fprintf(stderr, "majlis import: unknown or incomplete option '%s'\n", argv[optind - 1]);
			return usage_import(stderr, 2);
		}
	}
	if (optind != argc - 1 || !c.column || !*c.column)
		return usage_import(stderr, 2);
	if (!*c.channel || strlen(c.channel) > 40 || !utf8_valid_text(c.channel, strlen(c.channel))) {
		fprintf(stderr, "majlis import: --channel must be a short name\n");
		return 2;
	}
	struct config cfg;
	char err[512] = "";
	config_defaults(&cfg);
	if (!config_load_env(&cfg, err, sizeof err) || (db && !config_set(&cfg, "db", db, err, sizeof err))) {
		fprintf(stderr, "majlis import: %s\n", err);
		return 2;
	}
	setenv("TZ", cfg.timezone, 1);
	tzset();
	const char *inpath = argv[optind];
	FILE *in = strcmp(inpath, "-") ? fopen(inpath, "rb") : stdin;
	if (!in) {
		fprintf(stderr, "majlis import: cannot open %s: %s\n", inpath, strerror(errno));
		return 1;
	}
	int rc = 1;
	if (access(cfg.db_path, F_OK) != 0) {
		fprintf(stderr, "majlis import: no database at %s (run majlis init first)\n", cfg.db_path);
		goto out_file;
	}
	char *oerr = NULL;
	c.s = store_open(cfg.db_path, &oerr);
	if (!c.s) {
		fprintf(stderr, "majlis import: %s\n", oerr ? oerr : "cannot open the database");
		free(oerr);
		goto out_file;
	}
	if (!migrate_check(c.s, schemas, err, sizeof err)) {
		fprintf(stderr, "majlis import: %s (run majlis migrate)\n", err);
		goto out_store;
	}
	if (dept && !(c.dept_id = dept_by_slug(c.s, dept))) {
		fprintf(stderr, "majlis import: no department '%s'\n", dept);
		goto out_store;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "majlis import: libsodium failed to initialise\n");
		goto out_store;
	}
	rc = insight_csv_read(in, import_row, &c, err, sizeof err);
	if (c.in_tx) {
		if (rc == 0 && !store_commit(c.s)) {
			snprintf(err, sizeof err, "database error: %s", store_errmsg(c.s));
			rc = 1;
		}
		if (rc)
			store_rollback(c.s);
	}
	if (rc)
		fprintf(stderr, "majlis import: %s: %s (%ld rows before it were imported)\n", inpath, err, c.committed);
	else
		printf("imported %ld rows into insight (source external, channel %s); %ld empty rows skipped\n", c.imported,
		       c.channel, c.skipped);
out_store:
	store_close(c.s);
out_file:
	if (in != stdin)
		fclose(in);
	insight_shutdown();
	return rc;
}
