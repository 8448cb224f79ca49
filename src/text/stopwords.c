/* Stop word lists (written for majlis). Stored here in natural spelling; they
 * are folded (normalize.h) once at first use and searched by bisection. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/strbuf.h"
#include "text/normalize.h"
#include "text/tokenize.h"

static const char *const ar_words[] = {
	/* MSA */
	"في", "من", "على", "إلى", "الى", "عن", "أن", "إن", "ان", "هذا", "هذه", "ذلك", "تلك", "هؤلاء",
	"هو", "هي", "هم", "هن", "أنا", "انت", "أنت", "أنتم", "نحن", "كان", "كانت", "يكون", "تكون",
	"التي", "الذي", "الذين", "اللذين", "اللواتي", "له", "لها", "لهم", "مع", "ثم", "أو", "او", "و",
	"ف", "ب", "ل", "ك", "قد", "لقد", "كل", "بعض", "أي", "اي", "عند", "حتى", "إذا", "اذا", "كما",
	"بين", "منذ", "بعد", "قبل", "ما", "ماذا", "لماذا", "كيف", "أين", "متى", "هل", "يا", "أيضا",
	"إلا", "الا", "غير", "حيث", "هناك", "هنا", "لا", "لم", "لن", "ليس", "عليه", "عليها", "فيه",
	"فيها", "منه", "منها", "به", "بها", "الله", "اللهم", "وهو", "وهي", "وفي", "ومن", "وعلى",
	"الي", "انه", "انها", "أنه", "إنه", "لكن", "ولكن", "سوف", "جدا", "ذا",
	/* Egyptian / Levantine / Gulf */
	"ده", "دي", "دا", "اللي", "مش", "بس", "ايه", "إيه", "عشان", "علشان", "كده", "هيك", "شو",
	/* Darija / Tunisian */
	"ديال", "ديالي", "ديالك", "ديالو", "متاع", "متاعي", "متاعك", "راه", "راهو", "راهي", "واش",
	"شنو", "شنوة", "شنية", "علاش", "كيفاش", "فين", "وين", "باش", "بش", "هاد", "هادي", "هادا",
	"هداك", "هذيك", "هاذا", "هاذي", "آش", "اش", "نتا", "نتي", "انتي", "حنا", "احنا", "هوما",
	"انتوما", "كاين", "كاينة", "فما", "برك", "كيما", "معا", "مع", "لي", "ليا", "عليا",
};

static const char *const arabizi_words[] = {
	"w", "wa", "ou", "fi", "f", "el", "l", "ya", "ama", "bech", "bch", "bach", "li", "illi", "eli",
	"elli", "hedha", "hedhi", "hadi", "hada", "had", "dyal", "diel", "dial", "mta3", "meta3",
	"ken", "kenet", "kan", "kant", "howa", "houwa", "hiya", "hia", "houma", "homa", "ana",
	"enti", "inti", "nti", "nta", "enta", "ahna", "a7na", "hna", "m3a", "ma3a", "m3ak", "3la",
	"3al", "ala", "3ala", "men", "min", "mel", "mn", "wach", "chnou", "chnowa", "chnia", "kifech",
	"kifach", "3lach", "3lech", "fin", "win", "ech", "chay", "rahou", "rahi", "raho", "rah",
	"lel", "lil", "b", "bel", "bil", "ki", "kima", "kif", "9bal", "ba3d",
};

static const char *const fr_words[] = {
	"a", "à", "afin", "ai", "aie", "au", "aux", "avec", "avoir", "c", "ça", "ce", "ceci", "cela",
	"celle", "celui", "ces", "cet", "cette", "chez", "comme", "d", "dans", "de", "des", "du",
	"elle", "elles", "en", "entre", "es", "est", "et", "été", "être", "eu", "eux", "il", "ils",
	"j", "je", "l", "la", "le", "les", "leur", "leurs", "lui", "m", "ma", "mais", "me", "mes",
	"moi", "mon", "n", "ne", "nos", "notre", "nous", "on", "ont", "ou", "où", "par", "pour",
	"qu", "que", "quel", "quelle", "qui", "s", "sa", "sans", "se", "ses", "si", "son", "sont",
	"sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre", "vous", "y",
	"été", "était", "étaient", "suis", "sera", "fait", "faire", "aussi", "donc", "alors", "car",
	"cet", "tout", "tous", "toute", "toutes", "même", "ici", "là",
};

static const char *const en_words[] = {
	"a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
	"because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did",
	"do", "does", "doing", "for", "from", "had", "has", "have", "having", "he", "her", "here",
	"hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
	"me", "more", "most", "my", "of", "off", "on", "once", "only", "or", "other", "our", "ours",
	"out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the",
	"their", "theirs", "them", "then", "there", "these", "they", "this", "those", "through",
	"to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
	"which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
	"it's", "i'm", "you're", "that's", "there's", "rt", "via",
};

struct list {
	char **w;
	size_t n;
};

static struct list lists[TEXT_LANG_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void build(struct list *l, const char *const *src, size_t n)
{
	l->w = malloc(n * sizeof *l->w);
	if (!l->w)
		abort();
	for (size_t i = 0; i < n; i++) {
		strbuf sb = STRBUF_INIT;
		text_normalize_into(&sb, src[i], strlen(src[i]), TEXT_LANG_UND, TEXT_NORM_FOLD);
		l->w[i] = sb_detach(&sb);
	}
	qsort(l->w, n, sizeof *l->w, cmp);
	l->n = n;
}

static void init(void)
{
	build(&lists[TEXT_LANG_AR], ar_words, sizeof ar_words / sizeof *ar_words);
	build(&lists[TEXT_LANG_AR_LATN], arabizi_words, sizeof arabizi_words / sizeof *arabizi_words);
	build(&lists[TEXT_LANG_FR], fr_words, sizeof fr_words / sizeof *fr_words);
	build(&lists[TEXT_LANG_EN], en_words, sizeof en_words / sizeof *en_words);
}

static bool in_list(const struct list *l, const char *w, size_t n)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *x = l->w[mid];
		int c = strncmp(x, w, n);
		if (c == 0)
			c = x[n] ? 1 : 0;
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool text_is_stopword(const char *w, size_t n, enum text_lang lang)
{
	pthread_once(&once, init);
	if (n == 0 || n > 64)
		return false;
	if (lang > TEXT_LANG_UND && lang < TEXT_LANG_COUNT)
		return in_list(&lists[lang], w, n);
	for (int l = 1; l < TEXT_LANG_COUNT; l++)
		if (in_list(&lists[l], w, n))
			return true;
	return false;
}
