/* Sentiment lexicon (written for majlis), see lexicon.h. Entries are written
 * in natural spelling and folded once at first use. */
#include "text/lexicon.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "core/strbuf.h"
#include "text/normalize.h"

static const char *const pos_words[] = {
	/* en */
	"good", "great", "excellent", "amazing", "awesome", "love", "loved", "lovely", "best", "perfect",
	"nice", "thanks", "thank", "happy", "glad", "wonderful", "beautiful", "fantastic", "brilliant",
	"congrats", "congratulations", "helpful", "efficient", "clean", "safe", "enjoy", "enjoyed",
	/* fr */
	"bien", "bon", "bonne", "excellente", "super", "génial", "géniale", "merci", "bravo", "parfait",
	"parfaite", "magnifique", "top", "formidable", "heureux", "heureuse", "content", "contente",
	"rapide", "efficace", "propre", "félicitations", "beau", "belle", "aime", "adore", "réussi",
	/* ar */
	"شكرا", "ممتاز", "ممتازة", "رائع", "رائعة", "جميل", "جميلة", "أحسن", "أفضل", "حلو", "حلوة",
	"مبروك", "تحية", "جيد", "جيدة", "عظيم", "سعيد", "سعيدة", "فرحان", "نظيف", "سريع", "إبداع",
	"مبدع", "أحب", "حب", "العافية", "تسلم", "يسلمو", "بالتوفيق", "نجاح", "شكرًا", "روعة",
	/* Darija, Arabic script */
	"مزيان", "مزيانة", "زوين", "زوينة", "واعر", "تبارك", "الصحة", "برافو", "عاجبني", "يعجبني",
	"بنين", "هايل", "ياسر_مزيان", "نحبك", "محلاك", "محلاها",
	/* Arabizi */
	"mzyan", "mzian", "mziana", "zwin", "zwina", "wa3r", "tbarkallah", "tbarkalah", "behi", "behia",
	"a7la", "ahla", "a7sen", "ahsen", "raw3a", "mahlek", "ma7lek", "ma7leha", "mahleha", "3ajbni",
	"3jebni", "te3jebni", "ye3jebni", "n7ebek", "nhebek", "n7eb", "sa7a", "sahha", "ya3tik",
	"mnawer", "mnawra", "hayel", "bnin",
};

static const char *const neg_words[] = {
	/* en */
	"bad", "worst", "terrible", "awful", "horrible", "hate", "hated", "poor", "disappointing",
	"disappointed", "angry", "sad", "broken", "dirty", "slow", "useless", "fail", "failed", "failure",
	"corrupt", "corruption", "shame", "disgusting", "annoying", "ridiculous", "wrong", "liar", "lies",
	/* fr */
	"nul", "nulle", "mauvais", "mauvaise", "pire", "honte", "honteux", "honteuse", "scandale",
	"scandaleux", "inadmissible", "déçu", "déçue", "triste", "colère", "sale", "lent", "lente",
	"inutile", "problème", "panne", "catastrophe", "mensonge", "menteur", "dégueulasse", "arnaque",
	"lamentable", "ridicule", "marre",
	/* ar */
	"سيء", "سيئ", "سيئة", "أسوأ", "زفت", "فاشل", "فاشلة", "فساد", "فاسد", "حرامي", "حرامية", "كذاب",
	"كذب", "مقرف", "وسخ", "زبالة", "ظلم", "ظالم", "حسبي", "حسبنا", "للأسف", "مشكلة", "مشكل", "غلط",
	"عيب", "حرام", "تعبان", "مخيب", "مؤسف", "فضيحة", "قرف", "بطيء", "ينعل", "لعنة", "خراب", "فشل",
	/* Darija, Arabic script */
	"خايب", "خايبة", "حشومة", "مسخ", "ماسط", "خامج", "تفو", "كلاب", "زبل", "مشاكل", "فضيحة", "حقرة",
	"الحكرة", "الحقرة", "بزاف_خايب", "معفن",
	/* Arabizi */
	"khayeb", "khayba", "5ayeb", "5ayba", "7chouma", "hchouma", "3ib", "3ayb", "maset", "masset",
	"masta", "mamset", "khamej", "5amej", "tfouh", "kleb", "zebla", "mochkla", "machakil", "fadi7a",
	"7aram", "ghalta", "m9ewed", "msakh", "7ogra", "hogra", "3fen",
};

struct entry {
	char *w;
	int pol;
};
static struct entry *lex;
static size_t nlex;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->w, ((const struct entry *)b)->w);
}

static void add(const char *const *src, size_t n, int pol)
{
	for (size_t i = 0; i < n; i++) {
		strbuf sb = STRBUF_INIT;
		text_normalize_into(&sb, src[i], strlen(src[i]), TEXT_LANG_UND, TEXT_NORM_FOLD);
		/* '_' became a space: multi-word entries cannot match single tokens */
		if (strchr(sb_str(&sb), ' ')) {
			sb_free(&sb);
			continue;
		}
		lex[nlex++] = (struct entry){sb_detach(&sb), pol};
	}
}

static void init(void)
{
	size_t np = sizeof pos_words / sizeof *pos_words, nn = sizeof neg_words / sizeof *neg_words;
	lex = malloc((np + nn) * sizeof *lex);
	if (!lex)
		abort();
	add(pos_words, np, 1);
	add(neg_words, nn, -1);
	qsort(lex, nlex, sizeof *lex, cmp);
}

static int find(const char *w, size_t n)
{
	size_t lo = 0, hi = nlex;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(lex[mid].w, w, n);
		if (c == 0)
			c = lex[mid].w[n] ? 1 : 0;
		if (c == 0)
			return lex[mid].pol;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int text_lexicon_polarity(const char *w, size_t n)
{
	pthread_once(&once, init);
	if (n == 0 || n > 64)
		return 0;
	int p = find(w, n);
	if (p || (unsigned char)w[0] < 0x80)
		return p;
	static const char *const prefixes[] = {"وال", "بال", "لل", "ال", "و"};
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t pl = strlen(prefixes[i]);
		if (n > pl + 2 && !memcmp(w, prefixes[i], pl) && (p = find(w + pl, n - pl)))
			return p;
	}
	return 0;
}
