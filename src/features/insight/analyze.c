/* The analysis of one text: language, sentiment, personal-data kinds, index
 * terms with their surface forms, adjacent-term phrases, SimHash. Shared by
 * insight_record and the `analyze` command. The model is loaded once and
 * shared; stemmers, featurizer and buffers are per thread. */
#include "features/insight/insight.h"
#include "features/insight/internal.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "text/langid.h"
#include "text/normalize.h"
#include "text/pii.h"
#include "text/sentiment.h"
#include "text/simhash.h"
#include "text/tokenize.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SPANS 4096

static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;
static sent_model *model;
static bool model_tried;
static char model_version[160]; /* as long as sent_model_version can be */

/* Per-thread tools. */
struct tools {
	text_analyzer *an;
	text_featurizer *f;
	strbuf light;
	text_span *spans;
};

static pthread_key_t tools_key;
static pthread_once_t tools_once = PTHREAD_ONCE_INIT;

static void tools_free(void *p)
{
	struct tools *t = p;
	if (!t)
		return;
	text_analyzer_free(t->an);
	text_featurizer_free(t->f);
	sb_free(&t->light);
	free(t->spans);
	free(t);
}

static void tools_key_init(void) { pthread_key_create(&tools_key, tools_free); }

const sent_model *insight_model(void)
{
	pthread_mutex_lock(&model_lock);
	if (!model_tried) {
		model_tried = true;
		char err[256] = "", where[256] = "";
		model = sent_model_default(err, sizeof err, where, sizeof where);
		if (model)
			snprintf(model_version, sizeof model_version, "%s", sent_model_version(model));
		else
			log_warn("insight: no sentiment model (%s); messages are recorded unscored", err);
	}
	pthread_mutex_unlock(&model_lock);
	return model;
}

const char *insight_model_version(void)
{
	insight_model();
	return model_version;
}

void insight_model_free(void)
{
	pthread_mutex_lock(&model_lock);
	sent_model_free(model);
	model = NULL;
	model_version[0] = 0;
	pthread_mutex_unlock(&model_lock);
}

static struct tools *tools(void)
{
	pthread_once(&tools_once, tools_key_init);
	struct tools *t = pthread_getspecific(tools_key);
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			abort();
		t->an = text_analyzer_new();
		t->spans = malloc(sizeof *t->spans * MAX_SPANS);
		if (!t->an || !t->spans)
			abort();
		pthread_setspecific(tools_key, t);
	}
	const sent_model *m = insight_model();
	if (m && !t->f)
		t->f = text_featurizer_new(sent_model_bits(m));
	return t;
}

/* Length of a French elided article/pronoun at the start of w (l' d' qu' ...),
 * as text_terms strips it; 0 when none. */
static size_t elision(const char *w, size_t n)
{
	static const char *const el[] = {"l'", "d'", "j'", "c'", "n'", "s'", "m'", "t'", "qu'",
					 "jusqu'", "lorsqu'", "puisqu'"};
	for (size_t i = 0; i < sizeof el / sizeof *el; i++) {
		size_t l = strlen(el[i]);
		if (n > l && !memcmp(w, el[i], l))
			return l;
	}
	return 0;
}

/* Number of code points of a NUL-terminated UTF-8 string. */
static size_t cps(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int find_str(char **v, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return i;
	return -1;
}

void insight_analyze(arena *a, const char *text, size_t n, struct insight_analysis *out)
{
	memset(out, 0, sizeof *out);
	if (!text)
		text = "", n = 0;
	n = text_clamp_len(text, n);
	struct tools *t = tools();
	const sent_model *m = insight_model();

	/* sentiment */
	out->sentiment = NULL;
	if (m && t->f) {
		double conf = 0;
		int li = sent_predict(m, t->f, text, n, 0, &conf, NULL);
		if (li >= 0) {
			out->sentiment = sent_model_label(m, (unsigned)li);
			out->confidence = conf;
		}
	}
	/* personal data */
	pii_match pm[32];
	size_t np = pii_find(text, n, pm, 32);
	for (size_t i = 0; i < np; i++)
		out->pii_kinds |= pm[i].kind;
	out->simhash = text_simhash(text, n);

	/* words of the light form: language, then each word's term */
	sb_reset(&t->light);
	text_normalize_into(&t->light, text, n, TEXT_LANG_UND, 0);
	size_t k = text_split(sb_str(&t->light), t->light.len, t->spans, MAX_SPANS);
	enum text_lang lang = text_langid_spans(t->spans, k, &out->lang_confidence);
	out->lang = text_lang_code(lang);
	enum text_lang tl = lang == TEXT_LANG_UND ? TEXT_LANG_AR : lang;

	out->terms = arena_alloc(a, INSIGHT_MAX_TERMS * sizeof *out->terms);
	out->forms = arena_alloc(a, INSIGHT_MAX_TERMS * sizeof *out->forms);
	out->phrases = arena_alloc(a, INSIGHT_MAX_TERMS * sizeof *out->phrases);
	/* One text_terms call for the whole text (stop words kept, so that it
	 * yields exactly one term per word span of the same split); the stop
	 * words are then dropped here. Should the counts ever differ, each word
	 * is analysed on its own (slower, same result). */
	size_t kw = 0;
	for (size_t i = 0; i < k; i++)
		kw += t->spans[i].kind == TEXT_TOK_WORD;
	char **all;
	size_t nall = text_terms(t->an, a, sb_str(&t->light), t->light.len, tl, TEXT_TERMS_WORDS_ONLY | TEXT_TERMS_KEEP_STOP,
				 &all);
	bool mapped = nall == kw;
	strbuf fold = STRBUF_INIT;
	const char *prev = NULL;
	for (size_t i = 0, w = 0; i < k; i++) {
		if (t->spans[i].kind != TEXT_TOK_WORD)
			continue;
		if (out->nterms == INSIGHT_MAX_TERMS && out->nphrases == INSIGHT_MAX_TERMS)
			break;
		const char *ws = t->spans[i].s;
		size_t wl = t->spans[i].len;
		if (!t->spans[i].arabic && tl == TEXT_LANG_FR) {
			size_t e = elision(ws, wl);
			ws += e, wl -= e;
		}
		char **tv;
		size_t nt;
		if (mapped) {
			tv = &all[w++];
			nt = 1;
			sb_reset(&fold);
			text_fold_into(&fold, ws, wl);
			enum text_lang sl = t->spans[i].arabic ? TEXT_LANG_AR : (tl == TEXT_LANG_AR ? TEXT_LANG_UND : tl);
			if (text_is_stopword(fold.data ? fold.data : "", fold.len, sl))
				continue;
		} else {
			nt = text_terms(t->an, a, t->spans[i].s, t->spans[i].len, tl, TEXT_TERMS_WORDS_ONLY, &tv);
		}
		if (nt == 0 || cps(tv[0]) < 2)
			continue;
		const char *term = tv[0];
		int at = find_str(out->terms, out->nterms, term);
		if (at < 0 && out->nterms < INSIGHT_MAX_TERMS) {
			out->terms[out->nterms] = (char *)term;
			out->forms[out->nterms] = arena_strndup(a, ws, wl);
			out->nterms++;
		}
		if (prev && strcmp(prev, term) && out->nphrases < INSIGHT_MAX_TERMS) {
			char *ph = arena_printf(a, "%s %s", prev, term);
			if (find_str(out->phrases, out->nphrases, ph) < 0)
				out->phrases[out->nphrases++] = ph;
		}
		prev = term;
	}
	sb_free(&fold);
}

bool insight_score(const char *text, size_t n, const char **label, double *conf)
{
	struct tools *t = tools();
	const sent_model *m = insight_model();
	if (!m || !t->f)
		return false;
	int li = sent_predict(m, t->f, text, text_clamp_len(text, n), 0, conf, NULL);
	if (li < 0)
		return false;
	*label = sent_model_label(m, (unsigned)li);
	return true;
}
