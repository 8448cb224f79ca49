/* The `majlis text` command line, see cli.h. */
#include "text/cli.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/arena.h"
#include "core/strbuf.h"
#include "text/langid.h"
#include "text/normalize.h"
#include "text/pii.h"
#include "text/sentiment.h"
#include "text/simhash.h"
#include "text/tokenize.h"

#define MAX_LINE (1u << 20)
#define MAX_FILES 32

/* The usage text to f; 0 when asked for (stdout), 2 after a mistake (stderr). */
static int usage_to(FILE *f)
{
	fputs("usage: majlis text sentiment [--model FILE] [--labels pos,neg[,neu]]\n"
	      "       majlis text lang | pii | simhash\n"
	      "       majlis text normalize [--lang ar|fr|en] | terms [--lang L]\n"
	      "       majlis text eval --data FILE.tsv [--labels L,..] [--model FILE] [--holdout K [--fold R]]\n"
	      "       majlis text train --out FILE [--c C] [--bits B] [--holdout K [--fold R]] [--labels L,..] [--cv-seconds S] [--binary] [--no-nb] [--groups G] DATA.tsv...\n"
	      "       majlis text bench --data FILE [--model FILE]\n",
	      f);
	return f == stdout ? 0 : 2;
}

static int usage(void)
{
	return usage_to(stderr);
}

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds of this thread: throughput per core even on a busy machine. */
static double cpu_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Next line of f without its "\n" / "\r\n" into *line (malloc'd, reused);
 * -1 at end of file. Lines are cut to MAX_LINE bytes for processing. */
static ssize_t next_line(FILE *f, char **line, size_t *cap)
{
	ssize_t k = getline(line, cap, f);
	if (k < 0)
		return -1;
	while (k > 0 && ((*line)[k - 1] == '\n' || (*line)[k - 1] == '\r'))
		(*line)[--k] = 0;
	if (k > (ssize_t)MAX_LINE)
		k = MAX_LINE;
	return k;
}

static const char *opt(int argc, char **argv, const char *name)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return NULL;
}

static sent_model *load_model(const char *path)
{
	char err[256], where[512];
	sent_model *m = path ? sent_model_load(path, err, sizeof err) : sent_model_default(err, sizeof err, where, sizeof where);
	if (!m)
		fprintf(stderr, "majlis text: %s\n", err);
	return m;
}

/* Label mask from "pos,neg"; -1 (and a message) on an unknown label. */
static long label_mask(const sent_model *m, const char *list)
{
	if (!list)
		return 0;
	unsigned mask = 0;
	char buf[256];
	snprintf(buf, sizeof buf, "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int i = sent_model_label_index(m, t);
		if (i < 0) {
			fprintf(stderr, "majlis text: the model has no label '%s'\n", t);
			return -1;
		}
		mask |= 1u << i;
	}
	return mask;
}

static int cmd_sentiment(int argc, char **argv)
{
	sent_model *m = load_model(opt(argc, argv, "--model"));
	if (!m)
		return 1;
	long mask = label_mask(m, opt(argc, argv, "--labels"));
	text_featurizer *f = text_featurizer_new(sent_model_bits(m));
	char *line = NULL;
	size_t cap = 0;
	ssize_t k;
	int rc = 1;
	if (mask < 0 || !f)
		goto done;
	while ((k = next_line(stdin, &line, &cap)) >= 0) {
		double conf = 0;
		int l = sent_predict(m, f, line, (size_t)k, (unsigned)mask, &conf, NULL);
		printf("%s\t%.4f\n", sent_model_label(m, (unsigned)l), conf);
	}
	rc = fflush(stdout) ? 1 : 0;
done:
	free(line);
	text_featurizer_free(f);
	sent_model_free(m);
	return rc;
}

static int cmd_lines(int argc, char **argv, const char *what)
{
	enum text_lang lang = text_lang_parse(opt(argc, argv, "--lang"));
	text_analyzer *an = !strcmp(what, "terms") ? text_analyzer_new() : NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t k;
	strbuf sb = STRBUF_INIT;
	if (!strcmp(what, "terms") && !an)
		return 1;
	while ((k = next_line(stdin, &line, &cap)) >= 0) {
		if (!strcmp(what, "lang")) {
			puts(text_lang_code(text_langid(line, (size_t)k, NULL)));
		} else if (!strcmp(what, "normalize")) {
			sb_reset(&sb);
			text_normalize_into(&sb, line, (size_t)k, lang, TEXT_NORM_FOLD);
			puts(sb_str(&sb));
		} else if (!strcmp(what, "simhash")) {
			printf("%016" PRIx64 "\n", text_simhash(line, (size_t)k));
		} else {
			arena *a = arena_new();
			if (!strcmp(what, "pii")) {
				char *tmp = arena_strndup(a, line, (size_t)k);
				puts(pii_mask(a, tmp, NULL));
			} else {
				char **t;
				size_t n = text_terms(an, a, line, (size_t)k, lang, 0, &t);
				for (size_t i = 0; i < n; i++)
					printf("%s%s", i ? " " : "", t[i]);
				putchar('\n');
			}
			arena_free(a);
		}
	}
	free(line);
	sb_free(&sb);
	text_analyzer_free(an);
	return fflush(stdout) ? 1 : 0;
}

/* A labelled TSV file in memory. */
struct tsv {
	char **label, **text;
	size_t n, cap;
};

static void tsv_free(struct tsv *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->label[i]);
		free(t->text[i]);
	}
	free(t->label);
	free(t->text);
	memset(t, 0, sizeof *t);
}

/* Appends the lines of path; holdout K>0 keeps only lines (0-based) with
 * line%K != fold (keep_held=0) or only those (keep_held=1); fold < 0 means
 * K-1. -1 when the file cannot be read. */
static int tsv_read(struct tsv *t, const char *path, int holdout, int fold, int keep_held)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "majlis text: %s: cannot open\n", path);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0, no = 0;
	ssize_t k;
	while ((k = next_line(f, &line, &cap)) >= 0) {
		size_t i = no++;
		size_t held = fold >= 0 && fold < holdout ? (size_t)fold : (size_t)holdout - 1;
		if (holdout > 0 && ((i % (size_t)holdout == held) != (keep_held != 0)))
			continue;
		char *tab = memchr(line, '\t', (size_t)k);
		if (!tab)
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 1024;
			t->label = realloc(t->label, t->cap * sizeof *t->label);
			t->text = realloc(t->text, t->cap * sizeof *t->text);
			if (!t->label || !t->text)
				abort();
		}
		t->label[t->n] = strndup(line, (size_t)(tab - line));
		t->text[t->n] = strndup(tab + 1, (size_t)(line + k - tab - 1));
		if (!t->label[t->n] || !t->text[t->n])
			abort();
		t->n++;
	}
	free(line);
	fclose(f);
	return 0;
}

static int cmd_eval(int argc, char **argv)
{
	const char *data = opt(argc, argv, "--data");
	if (!data)
		return usage();
	const char *ho = opt(argc, argv, "--holdout");
	sent_model *m = load_model(opt(argc, argv, "--model"));
	if (!m)
		return 1;
	struct tsv t = {0};
	text_featurizer *f = text_featurizer_new(sent_model_bits(m));
	long mask = label_mask(m, opt(argc, argv, "--labels"));
	int rc = 1;
	const char *fo = opt(argc, argv, "--fold");
	if (mask < 0 || !f || tsv_read(&t, data, ho ? atoi(ho) : 0, fo ? atoi(fo) : -1, 1) < 0)
		goto done;
	unsigned nl = sent_model_nlabels(m);
	if (!mask)
		mask = (1u << nl) - 1;
	size_t conf[SENT_MAX_LABELS][SENT_MAX_LABELS] = {{0}}, total = 0, correct = 0, skipped = 0;
	for (size_t i = 0; i < t.n; i++) {
		int g = sent_model_label_index(m, t.label[i]);
		if (g < 0 || !(mask & (1u << g))) {
			skipped++;
			continue;
		}
		int p = sent_predict(m, f, t.text[i], strlen(t.text[i]), (unsigned)mask, NULL, NULL);
		conf[g][p]++;
		total++;
		correct += g == p;
	}
	double macro = 0, f1[SENT_MAX_LABELS] = {0};
	int used = 0;
	printf("data=%s model=\"%s\" n=%zu skipped=%zu\n", data, sent_model_version(m), total, skipped);
	for (unsigned l = 0; l < nl; l++) {
		if (!(mask & (1u << l)))
			continue;
		size_t tp = conf[l][l], fp = 0, fn = 0;
		for (unsigned j = 0; j < nl; j++)
			if (j != l)
				fp += conf[j][l], fn += conf[l][j];
		double P = tp + fp ? (double)tp / (double)(tp + fp) : 0, R = tp + fn ? (double)tp / (double)(tp + fn) : 0;
		f1[l] = P + R > 0 ? 2 * P * R / (P + R) : 0;
		macro += f1[l];
		used++;
		printf("label=%s precision=%.4f recall=%.4f f1=%.4f support=%zu\n", sent_model_label(m, l), P, R, f1[l],
		       tp + fn);
	}
	int ip = sent_model_label_index(m, "pos"), in = sent_model_label_index(m, "neg");
	printf("accuracy=%.4f macro_f1=%.4f", total ? (double)correct / (double)total : 0, used ? macro / used : 0);
	if (ip >= 0 && in >= 0 && (mask & (1u << ip)) && (mask & (1u << in)))
		printf(" f1_pn=%.4f", (f1[ip] + f1[in]) / 2);
	printf("\n");
	rc = 0;
done:
	tsv_free(&t);
	text_featurizer_free(f);
	sent_model_free(m);
	return rc;
}

static int cmd_train(int argc, char **argv)
{
	const char *out = NULL, *labels = "neg,neu,pos";
	/* defaults: the shipped model's options (models/sentiment.md), but one model */
	sent_train_opts o = {.bits = 18, .nb = 1};
	int holdout = 0, fold = -1, nfiles = 0;
	struct tsv t = {0}, keep = {0};
	char note[2048] = "";
	size_t file_end[MAX_FILES];
	char file_labels[MAX_FILES][128];
	const char **corpus = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(a, "--c") && i + 1 < argc)
			o.C = atof(argv[++i]);
		else if (!strcmp(a, "--bits") && i + 1 < argc)
			o.bits = (unsigned)atoi(argv[++i]);
		else if (!strcmp(a, "--holdout") && i + 1 < argc)
			holdout = atoi(argv[++i]);
		else if (!strcmp(a, "--fold") && i + 1 < argc)
			fold = atoi(argv[++i]);
		else if (!strcmp(a, "--labels") && i + 1 < argc)
			labels = argv[++i];
		else if (!strcmp(a, "--cv-seconds") && i + 1 < argc)
			o.cv_seconds = atof(argv[++i]);
		else if (!strcmp(a, "--binary"))
			o.binary = 1;
		else if (!strcmp(a, "--nb"))
			o.nb = 1;
		else if (!strcmp(a, "--no-nb"))
			o.nb = 0;
		else if (!strcmp(a, "--groups") && i + 1 < argc)
			o.groups = argv[++i];
		else if (a[0] == '-' && a[1] == '-')
			return usage();
		else {
			if (tsv_read(&t, a, holdout, fold, 0) < 0)
				goto fail;
			if (nfiles >= MAX_FILES) {
				fprintf(stderr, "majlis text train: at most %d files\n", MAX_FILES);
				goto fail;
			}
			file_end[nfiles] = t.n;
			const char *base = strrchr(a, '/');
			size_t l = strlen(note);
			snprintf(note + l, sizeof note - l, "%s%s", l ? " " : "", base ? base + 1 : a);
			nfiles++;
		}
	}
	if (!out || !nfiles) {
		tsv_free(&t);
		return usage();
	}
	if (holdout > 0) {
		size_t l = strlen(note);
		snprintf(note + l, sizeof note - l, " (holdout: line%%%d!=%d)", holdout,
		         fold >= 0 && fold < holdout ? fold : holdout - 1);
	}
	/* keep only the wanted labels */
	char want[256];
	snprintf(want, sizeof want, ",%s,", labels);
	keep.label = malloc((t.n ? t.n : 1) * sizeof *keep.label);
	keep.text = malloc((t.n ? t.n : 1) * sizeof *keep.text);
	corpus = malloc((t.n ? t.n : 1) * sizeof *corpus);
	if (!keep.label || !keep.text || !corpus)
		abort();
	/* the labels each file annotates (among the wanted ones) */
	for (int fi = 0; fi < nfiles; fi++) {
		size_t from = fi ? file_end[fi - 1] : 0;
		file_labels[fi][0] = 0;
		for (size_t i = from; i < file_end[fi]; i++) {
			char key[64], have[132];
			snprintf(key, sizeof key, ",%s,", t.label[i]);
			snprintf(have, sizeof have, ",%.127s,", file_labels[fi]);
			if (strstr(want, key) && !strstr(have, key) && strlen(file_labels[fi]) + strlen(t.label[i]) + 2 < 128) {
				if (file_labels[fi][0])
					strcat(file_labels[fi], ",");
				strcat(file_labels[fi], t.label[i]);
			}
		}
	}
	for (size_t i = 0, fi = 0; i < t.n; i++) {
		while (i >= file_end[fi])
			fi++;
		char key[64];
		snprintf(key, sizeof key, ",%s,", t.label[i]);
		if (strstr(want, key)) {
			corpus[keep.n] = file_labels[fi];
			keep.label[keep.n] = t.label[i];
			keep.text[keep.n++] = t.text[i];
		}
	}
	o.note = note;
	o.corpus_labels = corpus;
	o.verbose = 1;
	char err[256];
	double t0 = now_sec();
	fprintf(stderr, "training on %zu examples (%zu read)\n", keep.n, t.n);
	sent_model *m = sent_train((const char *const *)keep.label, (const char *const *)keep.text, keep.n, &o, err,
	                           sizeof err);
	if (!m) {
		fprintf(stderr, "majlis text train: %s\n", err);
		goto fail;
	}
	if (sent_model_save(m, out, err, sizeof err)) {
		fprintf(stderr, "majlis text train: %s\n", err);
		sent_model_free(m);
		goto fail;
	}
	fprintf(stderr, "wrote %s: %s (%.1fs)\n", out, sent_model_version(m), now_sec() - t0);
	sent_model_free(m);
	free(corpus);
	free(keep.label);
	free(keep.text);
	tsv_free(&t);
	return 0;
fail:
	free(corpus);
	free(keep.label);
	free(keep.text);
	tsv_free(&t);
	return 1;
}

static int cmd_bench(int argc, char **argv)
{
	const char *data = opt(argc, argv, "--data");
	if (!data)
		return usage();
	struct tsv t = {0};
	if (tsv_read(&t, data, 0, -1, 0) < 0)
		return 1;
	sent_model *m = load_model(opt(argc, argv, "--model"));
	if (!m || !t.n) {
		tsv_free(&t);
		sent_model_free(m);
		return 1;
	}
	text_featurizer *f = text_featurizer_new(sent_model_bits(m));
	size_t bytes = 0;
	for (size_t i = 0; i < t.n; i++)
		bytes += strlen(t.text[i]);
	size_t done = 0, rounds = 0;
	volatile int sink = 0;
	double t0 = cpu_sec(), el;
	do {
		for (size_t i = 0; i < t.n; i++)
			sink += sent_predict(m, f, t.text[i], strlen(t.text[i]), 0, NULL, NULL);
		done += t.n, rounds++;
	} while ((el = cpu_sec() - t0) < 2.0);
	printf("sentiment: %zu messages (avg %.0f bytes) in %.2f CPU s: %.0f messages/s per core\n", done,
	       (double)bytes / (double)t.n, el, (double)done / el);
	strbuf sb = STRBUF_INIT;
	text_span *sp = malloc(4096 * sizeof *sp);
	size_t toks = 0;
	rounds = 0;
	t0 = cpu_sec();
	do {
		for (size_t i = 0; i < t.n; i++) {
			sb_reset(&sb);
			text_normalize_into(&sb, t.text[i], strlen(t.text[i]), TEXT_LANG_UND, TEXT_NORM_FOLD);
			toks += text_split(sb.data, sb.len, sp, 4096);
		}
		rounds++;
	} while ((el = cpu_sec() - t0) < 2.0);
	printf("normalise+tokenise: %.1f MB per CPU s (%zu tokens)\n", (double)bytes * (double)rounds / el / 1e6, toks);
	text_analyzer *an = text_analyzer_new();
	rounds = 0;
	t0 = cpu_sec();
	do {
		arena *a = arena_new();
		for (size_t i = 0; i < t.n; i++) {
			char **terms;
			toks += text_terms(an, a, t.text[i], strlen(t.text[i]), TEXT_LANG_UND, 0, &terms);
		}
		arena_free(a);
		rounds++;
	} while ((el = cpu_sec() - t0) < 2.0);
	printf("terms (langid+normalise+tokenise+stopwords+stem): %.1f MB per CPU s\n", (double)bytes * (double)rounds / el / 1e6);
	rounds = 0;
	t0 = cpu_sec();
	do {
		for (size_t i = 0; i < t.n; i++)
			sink += (int)text_langid(t.text[i], strlen(t.text[i]), NULL);
		rounds++;
	} while ((el = cpu_sec() - t0) < 1.0);
	printf("langid: %.0f messages per CPU s (checksum %d)\n", (double)(t.n * rounds) / el, sink);
	text_analyzer_free(an);
	free(sp);
	sb_free(&sb);
	text_featurizer_free(f);
	sent_model_free(m);
	tsv_free(&t);
	return 0;
}

int text_main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage_to(stdout);
	argc--, argv++;
	if (!strcmp(cmd, "sentiment"))
		return cmd_sentiment(argc, argv);
	if (!strcmp(cmd, "lang") || !strcmp(cmd, "normalize") || !strcmp(cmd, "terms") || !strcmp(cmd, "pii") ||
	    !strcmp(cmd, "simhash"))
		return cmd_lines(argc, argv, cmd);
	if (!strcmp(cmd, "eval"))
		return cmd_eval(argc, argv);
	if (!strcmp(cmd, "train"))
		return cmd_train(argc, argv);
	if (!strcmp(cmd, "bench"))
		return cmd_bench(argc, argv);
	return usage();
}
