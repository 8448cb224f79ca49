/* The FTS5 tokenizer: each word of the original text (its byte span kept for
 * snippets) becomes the text engine's index term — normalised, stemmed, stop
 * words dropped — so that "للبلدية" and "والبلديات" meet "البلدية", and
 * "réclamation" meets "reclamations". The document's language decides the
 * Latin stemmer (French or English); Arabic script is always stemmed as Arabic. */
#include "features/search/search.h"
#include "text/langid.h"
#include "text/tokenize.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 20000

static pthread_key_t an_key;
static pthread_once_t an_once = PTHREAD_ONCE_INIT;

static void an_free(void *p) { text_analyzer_free(p); }
static void an_init(void) { pthread_key_create(&an_key, an_free); }

/* This thread's analyzer (Snowball stemmers are not thread-safe). */
static text_analyzer *analyzer(void)
{
	pthread_once(&an_once, an_init);
	text_analyzer *an = pthread_getspecific(an_key);
	if (!an) {
		an = text_analyzer_new();
		pthread_setspecific(an_key, an);
	}
	return an;
}

int search_tokenize(const char *text, int n, bool query, store_term_emit emit, void *ctx)
{
	if (n <= 0)
		return 0;
	text_analyzer *an = analyzer();
	if (!an)
		return 7; /* SQLITE_NOMEM */
	size_t max = (size_t)n / 2 + 2 < MAX_WORDS ? (size_t)n / 2 + 2 : MAX_WORDS;
	text_span *spans = malloc(sizeof *spans * max);
	if (!spans)
		return 7;
	size_t k = text_split(text, (size_t)n, spans, max);
	/* Documents are stemmed in their detected language. Queries are short and
	 * their language is a guess, so each Latin query word is looked up in
	 * both its French and its English stem (colocated alternatives: either
	 * matches). */
	enum text_lang lang = query ? TEXT_LANG_FR : text_langid_spans(spans, k, NULL);
	if (lang == TEXT_LANG_UND || lang == TEXT_LANG_AR)
		lang = TEXT_LANG_FR;
	arena *a = arena_new();
	int rc = 0;
	for (size_t i = 0; i < k && rc == 0; i++) {
		if (spans[i].kind != TEXT_TOK_WORD && spans[i].kind != TEXT_TOK_NUM)
			continue;
		char **terms;
		size_t nt = text_terms(an, a, spans[i].s, spans[i].len, spans[i].arabic ? TEXT_LANG_AR : lang, 0, &terms);
		int start = (int)(spans[i].s - text), end = start + (int)spans[i].len;
		for (size_t t = 0; t < nt && rc == 0; t++)
			rc = emit(ctx, terms[t], (int)strlen(terms[t]), start, end, false);
		if (query && !spans[i].arabic && spans[i].kind == TEXT_TOK_WORD && nt == 1 && rc == 0) {
			char **en;
			size_t ne = text_terms(an, a, spans[i].s, spans[i].len, TEXT_LANG_EN, 0, &en);
			if (ne == 1 && strcmp(en[0], terms[0]))
				rc = emit(ctx, en[0], (int)strlen(en[0]), start, end, true);
		}
		if (i % 256 == 255) { /* keep memory flat on long documents */
			arena_free(a);
			a = arena_new();
		}
	}
	arena_free(a);
	free(spans);
	return rc;
}
