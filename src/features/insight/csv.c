/* Outside data, part 1: reading CSV, and `majlis analyze` (enrich a CSV with
 * language, sentiment, topics and personal-data flags; no database). CSV is read and written with
 * libcsv (RFC 4180); input is bounded (insight.h INSIGHT_CSV_*), must be
 * UTF-8, and any defect ends with a message naming the row. */
#include "features/insight/insight.h"
#include "features/insight/internal.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "text/pii.h"
#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- reading: rows handed to a callback ---- */

struct reader {
	insight_row_fn fn;
	void *ctx;
	char **fields;
	int nf, cap;
	long rowno;
	bool failed;
	char *err;
	size_t errn;
};

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->failed)
		return;
	if (r->nf >= INSIGHT_CSV_MAX_COLUMNS) {
		snprintf(r->err, r->errn, "row %ld: more than %d columns", r->rowno + 1, INSIGHT_CSV_MAX_COLUMNS);
		r->failed = true;
		return;
	}
	if (len > INSIGHT_CSV_MAX_FIELD) {
		snprintf(r->err, r->errn, "row %ld: a field is longer than %u bytes", r->rowno + 1, INSIGHT_CSV_MAX_FIELD);
		r->failed = true;
		return;
	}
	const char *p = s ? s : "";
	/* a UTF-8 byte-order mark before the first header field is dropped */
	if (r->rowno == 0 && r->nf == 0 && len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3, len -= 3;
	if (!utf8_valid_text(p, len)) {
		snprintf(r->err, r->errn, "row %ld, column %d: not valid UTF-8 text", r->rowno + 1, r->nf + 1);
		r->failed = true;
		return;
	}
	if (r->nf == r->cap) {
		int nc = r->cap ? r->cap * 2 : 16;
		char **nv = realloc(r->fields, (size_t)nc * sizeof *nv);
		if (!nv)
			abort();
		r->fields = nv, r->cap = nc;
	}
	char *copy = malloc(len + 1);
	if (!copy)
		abort();
	memcpy(copy, p, len);
	copy[len] = 0;
	r->fields[r->nf++] = copy;
}

static void clear_row(struct reader *r)
{
	for (int i = 0; i < r->nf; i++)
		free(r->fields[i]);
	r->nf = 0;
}

static void on_row(int c, void *data)
{
	(void)c;
	struct reader *r = data;
	if (!r->failed) {
		if (r->rowno > INSIGHT_CSV_MAX_ROWS) {
			snprintf(r->err, r->errn, "more than %d rows", INSIGHT_CSV_MAX_ROWS);
			r->failed = true;
		} else if (!r->fn(r->ctx, r->fields, r->nf, r->rowno, r->err, r->errn)) {
			r->failed = true;
		}
	}
	r->rowno++;
	clear_row(r);
}

static int keep_spaces(unsigned char c) { (void)c; return 0; }

/* Reads all of in; 0, or 1 with err set. */
int insight_csv_read(FILE *in, insight_row_fn fn, void *ctx, char *err, size_t errn)
{
	struct csv_parser p;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		snprintf(err, errn, "out of memory");
		return 1;
	}
	csv_set_space_func(&p, keep_spaces);
	struct reader r = {.fn = fn, .ctx = ctx, .err = err, .errn = errn};
	char buf[65536];
	size_t total = 0, n;
	int rc = 0;
	while (!r.failed && (n = fread(buf, 1, sizeof buf, in)) > 0) {
		total += n;
		if (total > INSIGHT_CSV_MAX_BYTES) {
			snprintf(err, errn, "input larger than %u MB", INSIGHT_CSV_MAX_BYTES >> 20);
			rc = 1;
			goto out;
		}
		if (csv_parse(&p, buf, n, on_field, on_row, &r) != n) {
			if (!r.failed)
				snprintf(err, errn, "row %ld: malformed CSV (%s: a quote inside an unquoted field, or text after a "
					 "closing quote)", r.rowno + 1, csv_strerror(csv_error(&p)));
			rc = 1;
			goto out;
		}
		if (p.entry_pos > INSIGHT_CSV_MAX_FIELD && !r.failed) {
			snprintf(err, errn, "row %ld: a field is longer than %u bytes", r.rowno + 1, INSIGHT_CSV_MAX_FIELD);
			rc = 1;
			goto out;
		}
	}
	if (r.failed) {
		rc = 1;
		goto out;
	}
	if (ferror(in)) {
		snprintf(err, errn, "read error: %s", strerror(errno));
		rc = 1;
		goto out;
	}
	if (csv_fini(&p, on_field, on_row, &r) != 0) {
		snprintf(err, errn, "row %ld: unterminated quoted field at the end of the input", r.rowno + 1);
		rc = 1;
		goto out;
	}
	if (r.failed)
		rc = 1;
	else if (r.rowno == 0) {
		snprintf(err, errn, "empty input: no header row");
		rc = 1;
	}
out:
	clear_row(&r);
	free(r.fields);
	csv_free(&p);
	return rc;
}

int insight_csv_column(char **fields, int nf, const char *name)
{
	for (int i = 0; i < nf; i++)
		if (!strcmp(fields[i], name))
			return i;
	return -1;
}

static void write_field(FILE *out, const char *s)
{
	csv_fwrite(out, s, strlen(s));
}

/* ---- term counts for the summary ---- */

struct tcount {
	char *term, *form;
	long n;
};

struct tmap {
	struct tcount *slots;
	size_t cap, used;
};

#define TMAP_MAX 200000

static uint64_t crc_hash(const char *s) /* FNV-1a */
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void tmap_add(struct tmap *m, arena *a, const char *term, const char *form)
{
	if (m->used * 2 >= m->cap) {
		if (m->cap >= 2 * TMAP_MAX) { /* full: count known terms only */
			goto lookup_only;
		}
		size_t nc = m->cap ? m->cap * 2 : 1024;
		struct tcount *ns = calloc(nc, sizeof *ns);
		if (!ns)
			abort();
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->slots[i].term)
				continue;
			size_t h = (size_t)crc_hash(m->slots[i].term) & (nc - 1);
			while (ns[h].term)
				h = (h + 1) & (nc - 1);
			ns[h] = m->slots[i];
		}
		free(m->slots);
		m->slots = ns, m->cap = nc;
	}
lookup_only:;
	size_t h = (size_t)crc_hash(term) & (m->cap - 1);
	while (m->slots[h].term) {
		if (!strcmp(m->slots[h].term, term)) {
			m->slots[h].n++;
			return;
		}
		h = (h + 1) & (m->cap - 1);
	}
	if (m->used * 2 >= m->cap)
		return;
	m->slots[h] = (struct tcount){arena_strdup(a, term), arena_strdup(a, form), 1};
	m->used++;
}

static int cmp_tcount(const void *x, const void *y)
{
	const struct tcount *a = x, *b = y;
	if (!a->term || !b->term)
		return !a->term - !b->term;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->term, b->term);
}

/* ---- analyze ---- */

struct analyze_ctx {
	FILE *out;
	const char *column;
	int col, ncols;
	long rows, pii_rows;
	long lang[6]; /* und ar ar-Latn fr en */
	long sent[4]; /* pos neg neu none */
	struct tmap terms;
	arena *keep; /* term strings of the summary */
};

static const char *const lang_names[] = {"und", "ar", "ar-Latn", "fr", "en"};

static bool analyze_row(void *vctx, char **fields, int nf, long rowno, char *err, size_t errn)
{
	struct analyze_ctx *c = vctx;
	if (rowno == 0) {
		c->col = insight_csv_column(fields, nf, c->column);
		if (c->col < 0) {
			snprintf(err, errn, "no column named '%s' in the header row", c->column);
			return false;
		}
		c->ncols = nf;
		for (int i = 0; i < nf; i++) {
			write_field(c->out, fields[i]);
			fputc(',', c->out);
		}
		fputs("\"language\",\"sentiment\",\"confidence\",\"topics\",\"personal_data\"\r\n", c->out);
		return true;
	}
	if (nf > c->ncols) {
		snprintf(err, errn, "row %ld has %d fields, the header has %d", rowno + 1, nf, c->ncols);
		return false;
	}
	const char *text = c->col < nf ? fields[c->col] : "";
	arena *a = arena_new();
	struct insight_analysis an;
	insight_analyze(a, text, strlen(text), &an);
	for (int i = 0; i < c->ncols; i++) {
		write_field(c->out, i < nf ? fields[i] : "");
		fputc(',', c->out);
	}
	write_field(c->out, an.lang);
	fputc(',', c->out);
	write_field(c->out, an.sentiment ? an.sentiment : "");
	fputc(',', c->out);
	char conf[32] = "";
	if (an.sentiment)
		snprintf(conf, sizeof conf, "%.3f", an.confidence);
	write_field(c->out, conf);
	fputc(',', c->out);
	strbuf sb = STRBUF_INIT;
	for (int i = 0; i < an.nterms && i < 5; i++) {
		if (i)
			sb_puts(&sb, "; ");
		sb_puts(&sb, an.forms[i]);
	}
	write_field(c->out, sb_str(&sb));
	fputc(',', c->out);
	sb_reset(&sb);
	for (unsigned k = 1; k <= PII_CARD; k <<= 1)
		if (an.pii_kinds & k) {
			if (sb.len)
				sb_putc(&sb, ';');
			sb_puts(&sb, pii_kind_name(k));
		}
	write_field(c->out, sb_str(&sb));
	fputs("\r\n", c->out);
	sb_free(&sb);

	c->rows++;
	c->pii_rows += an.pii_kinds != 0;
	for (int i = 0; i < 5; i++)
		if (!strcmp(an.lang, lang_names[i]))
			c->lang[i]++;
	int si = !an.sentiment ? 3 : !strcmp(an.sentiment, "pos") ? 0 : !strcmp(an.sentiment, "neg") ? 1 : 2;
	c->sent[si]++;
	for (int i = 0; i < an.nterms; i++)
		tmap_add(&c->terms, c->keep, an.terms[i], an.forms[i]);
	arena_free(a);
	if (ferror(c->out)) {
		snprintf(err, errn, "write error: %s", strerror(errno));
		return false;
	}
	return true;
}

int insight_csv_analyze(FILE *in, FILE *out, FILE *summary, const char *text_column, char *err, size_t errn)
{
	struct analyze_ctx c = {.out = out, .column = text_column, .keep = arena_new()};
	int rc = insight_csv_read(in, analyze_row, &c, err, errn);
	if (rc == 0 && fflush(out) != 0) {
		snprintf(err, errn, "write error: %s", strerror(errno));
		rc = 1;
	}
	if (rc == 0 && summary) {
		fprintf(summary, "rows: %ld\n", c.rows);
		fprintf(summary, "languages:");
		for (int i = 1; i <= 5; i++)
			if (c.lang[i % 5])
				fprintf(summary, " %s %ld", lang_names[i % 5], c.lang[i % 5]);
		fprintf(summary, "\n");
		long scored = c.sent[0] + c.sent[1] + c.sent[2];
		const char *sn[] = {"pos", "neg", "neu"};
		fprintf(summary, "sentiment:");
		for (int i = 0; i < 3; i++)
			fprintf(summary, " %s %ld (%.1f%%)", sn[i], c.sent[i], scored ? 100.0 * (double)c.sent[i] / (double)scored : 0);
		if (c.sent[3])
			fprintf(summary, " unscored %ld", c.sent[3]);
		fprintf(summary, "\n");
		if (c.terms.cap)
			qsort(c.terms.slots, c.terms.cap, sizeof *c.terms.slots, cmp_tcount);
		fprintf(summary, "top terms:");
		for (size_t i = 0; i < c.terms.cap && i < 15 && c.terms.slots[i].term; i++)
			fprintf(summary, "%s %s (%ld)", i ? "," : "", c.terms.slots[i].form, c.terms.slots[i].n);
		fprintf(summary, "\n");
		fprintf(summary, "rows with personal data: %ld\n", c.pii_rows);
	}
	free(c.terms.slots);
	arena_free(c.keep);
	return rc;
}

static int usage_analyze(FILE *f, int rc)
{
	fprintf(f, "usage: majlis analyze FILE.csv --text-column NAME [--out FILE.csv]\n"
		   "  Adds the columns language, sentiment, confidence, topics and personal_data to every\n"
		   "  row of a UTF-8 CSV (RFC 4180) and prints a summary (on stderr when the CSV goes to\n"
		   "  standard output). FILE may be '-' for standard input. No database is needed.\n");
	return rc;
}

int insight_analyze_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"text-column", required_argument, 0, 't'}, {"out", required_argument, 0, 'o'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *column = NULL, *outpath = NULL;
	optind = 1;
	opterr = 0;
	int o;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 't': column = optarg; break;
		case 'o': outpath = optarg; break;
		case 'h': return usage_analyze(stdout, 0);
		default:
			fprintf(stderr, "majlis analyze: unknown or incomplete option '%s'\n", argv[optind - 1]);
			return usage_analyze(stderr, 2);
		}
	}
	if (optind != argc - 1 || !column || !*column)
		return usage_analyze(stderr, 2);
	const char *inpath = argv[optind];
	FILE *in = strcmp(inpath, "-") ? fopen(inpath, "rb") : stdin;
	if (!in) {
		fprintf(stderr, "majlis analyze: cannot open %s: %s\n", inpath, strerror(errno));
		return 1;
	}
	char tmp[4200] = "";
	FILE *out = stdout;
	if (outpath && strcmp(outpath, "-")) {
		snprintf(tmp, sizeof tmp, "%s.tmp", outpath);
		out = fopen(tmp, "wb");
		if (!out) {
			fprintf(stderr, "majlis analyze: cannot write %s: %s\n", tmp, strerror(errno));
			if (in != stdin)
				fclose(in);
			return 1;
		}
	}
	char err[512] = "";
	int rc = insight_csv_analyze(in, out, out == stdout ? stderr : stdout, column, err, sizeof err);
	if (in != stdin)
		fclose(in);
	if (out != stdout) {
		if (fclose(out) != 0 && rc == 0) {
			snprintf(err, sizeof err, "write error: %s", strerror(errno));
			rc = 1;
		}
		if (rc == 0 && rename(tmp, outpath) != 0) {
			snprintf(err, sizeof err, "cannot write %s: %s", outpath, strerror(errno));
			rc = 1;
		}
		if (rc)
			unlink(tmp);
	}
	if (rc)
		fprintf(stderr, "majlis analyze: %s: %s\n", inpath, err);
	insight_model_free();
	return rc;
}

