/* Unit tests of the text engine (src/text): normalisation, tokens, stop
 * words, stems, language id, PII masking, near-duplicates, sentiment. */
#include <math.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include "core/arena.h"
#include "tap.h"
#include "text/cli.h"
#include "text/features.h"
#include "text/langid.h"
#include "text/sentiment_impl.h"
#include "text/lexicon.h"
#include "text/normalize.h"
#include "text/pii.h"
#include "text/sentiment.h"
#include "text/simhash.h"
#include "text/tokenize.h"

static arena *A;

static const char *norm(const char *s) { return text_normalize(A, s, strlen(s), TEXT_LANG_UND); }
static const char *light(const char *s)
{
	strbuf sb = STRBUF_INIT;
	text_normalize_into(&sb, s, strlen(s), TEXT_LANG_UND, 0);
	char *r = arena_strdup(A, sb_str(&sb));
	sb_free(&sb);
	return r;
}
static const char *mask(const char *s, unsigned *kinds) { return pii_mask(A, s, kinds); }
static const char *terms(text_analyzer *an, const char *s, enum text_lang l, unsigned flags)
{
	char **t;
	size_t n = text_terms(an, A, s, strlen(s), l, flags, &t);
	strbuf sb = STRBUF_INIT;
	sb_append(&sb, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_putc(&sb, ' ');
		sb_puts(&sb, t[i]);
	}
	char *r = arena_strdup(A, sb.data);
	sb_free(&sb);
	return r;
}

static void test_normalize(void)
{
	/* Arabic: diacritics, tatweel, alef/yeh/teh marbuta, hamza seats, digits */
	is_str(norm("السَّلَامُ عَلَيْكُمْ"), "السلام عليكم", "ar: harakat, shadda, sukun removed");
	is_str(norm("جمـــيل"), "جميل", "ar: tatweel removed");
	is_str(norm("أحمد إسلام آمال ٱلله"), "احمد اسلام امال الله", "ar: alef variants -> ا");
	is_str(norm("مستشفى المدرسة"), "مستشفي المدرسه", "ar: ى -> ي and ة -> ه (folded form)");
	is_str(norm("مسؤول قائد"), "مسوول قايد", "ar: ؤ -> و, ئ -> ي");
	is_str(light("المدرسة مستشفى أحمد"), "المدرسة مستشفى أحمد", "ar light form keeps ة ى hamza for the stemmer");
	is_str(norm("٢٠٢٤ و ۱۲۳"), "2024 و 123", "Arabic-Indic and Persian digits to ASCII");
	is_str(norm("ﻻ ﺍﻟﺴﻼﻡ"), "لا السلام", "presentation forms via NFKC");
	is_str(norm("هذا؟ نعم، طيب؛"), "هذا? نعم, طيب;", "Arabic punctuation");
	is_str(norm("مزيااااان بزاااف"), "مزياان بزااف", "Darija: letters repeated 3+ times capped to 2");
	is_str(norm("الله يبارك"), "الله يبارك", "real double letters kept");
	/* Arabizi digits are letters: never stripped, never capped */
	is_str(norm("3lach 7aja 9albi 2000000"), "3lach 7aja 9albi 2000000", "Arabizi digit-letters and numbers kept");
	is_str(norm("Barchaaaaa MZYAN"), "barchaa mzyan", "Arabizi: case folded, repeats capped");
	/* French / English */
	is_str(norm("Élève ÉNERVÉ à l'école, ça coûte cher"), "eleve enerve a l'ecole, ca coute cher", "fr: case and accents folded");
	is_str(light("Élève"), "élève", "fr light form keeps accents");
	is_str(norm("cœur"), "coeur", "fr: œ -> oe");
	is_str(norm("Soooo GOOD!!!!"), "soo good!!", "en: case, repeats capped");
	is_str(norm("ＡＢＣ"), "abc", "full-width letters via NFKC");
	/* placeholders, emoji */
	is_str(norm("voir https://example.org/a?b=1 et www.x.ma"), "voir <url> et <url>", "URLs -> <url>");
	is_str(norm("ecrire a ali.b@gmail.com."), "ecrire a <email> .", "e-mail -> <email>");
	is_str(norm("@user42: merci @ali"), "<user> : merci <user>", "mentions -> <user>");
	is_str(norm("Assistanthttp"), "assistant <url>", "URL glued to a word (UMSAB style)");
	is_str(norm("#مصر_لن_تركع"), "مصر لن تركع", "hashtag split into words");
	is_str(norm("top 😂😂😂 👍🏽"), "top 😂😂 👍", "emoji kept (repeats capped, skin tone dropped)");
	/* robustness */
	is_str(norm(""), "", "empty input");
	is_str(norm("  a \t\n b  "), "a b", "white space collapsed and trimmed");
	is_str(text_normalize(A, "a\xff\xfe" "b\xc3", 5, TEXT_LANG_UND), "a b", "invalid UTF-8 becomes spaces");
	is_str(text_normalize(A, "a\0b", 3, TEXT_LANG_UND), "a b", "NUL becomes a space");
	is_str(norm("x\u200By\u200Fz"), "xyz", "zero-width characters removed");
	char *big = malloc(200000);
	memset(big, 'a', 200000);
	ok(strlen(text_normalize(A, big, 200000, TEXT_LANG_UND)) == 2, "long input is bounded and capped");
	free(big);
}

static void test_tokens(void)
{
	text_span sp[16];
	const char *t = "3lach <url> 2,000 😂 bravo! l'ecole";
	size_t n = text_split(t, strlen(t), sp, 16);
	is_int(n, 7, "split count");
	ok(sp[0].kind == TEXT_TOK_WORD && sp[0].len == 5, "Arabizi word with digit-letter is one word");
	ok(sp[1].kind == TEXT_TOK_PLACEHOLDER, "placeholder token");
	ok(sp[2].kind == TEXT_TOK_NUM && sp[2].len == 5, "number with thousands separator");
	ok(sp[3].kind == TEXT_TOK_EMOJI, "emoji token");
	ok(sp[5].kind == TEXT_TOK_PUNCT, "'!' kept");
	ok(sp[6].kind == TEXT_TOK_WORD && sp[6].len == 7, "apostrophe inside a word");
	const char *ar = "مرحبا بكم";
	n = text_split(ar, strlen(ar), sp, 16);
	ok(n == 2 && sp[0].arabic, "Arabic words flagged");
	is_int(text_split(t, strlen(t), sp, 2), 2, "max respected");

	ok(text_is_stopword("في", strlen("في"), TEXT_LANG_AR), "ar stop word في");
	ok(text_is_stopword("الي", strlen("الي"), TEXT_LANG_AR), "ar stop word إلى (folded)");
	ok(text_is_stopword("ديال", strlen("ديال"), TEXT_LANG_AR), "Darija stop word ديال");
	ok(text_is_stopword("dyal", 4, TEXT_LANG_AR_LATN), "Arabizi stop word dyal");
	ok(text_is_stopword("les", 3, TEXT_LANG_FR), "fr stop word");
	ok(text_is_stopword("etait", 5, TEXT_LANG_FR), "fr stop word (folded était)");
	ok(text_is_stopword("the", 3, TEXT_LANG_EN), "en stop word");
	ok(!text_is_stopword("مدرسه", strlen("مدرسه"), TEXT_LANG_AR), "content word is not a stop word");
	ok(!text_is_stopword("barcha", 6, TEXT_LANG_UND), "barcha (intensifier) is not a stop word");

	text_analyzer *an = text_analyzer_new();
	ok(an != NULL, "analyzer");
	is_str(terms(an, "المدرسة في المكتبة", TEXT_LANG_AR, 0), "مدرس مكتب", "ar: stop word dropped, ة seen by the stemmer");
	is_str(terms(an, "L'école des enfants est fermée", TEXT_LANG_FR, 0), "ecol enfant ferm", "fr: elision, stop words, stems folded");
	is_str(terms(an, "the children were running", TEXT_LANG_EN, 0), "children run", "en: stems");
	is_str(terms(an, "wlh el khedma mzyana barcha", TEXT_LANG_AR_LATN, 0), "wlh khedma mzyana barcha", "Arabizi: no stemmer, stop words dropped");
	is_str(terms(an, "the cat", TEXT_LANG_EN, TEXT_TERMS_KEEP_STOP | TEXT_TERMS_NO_STEM), "the cat", "flags keep stop words");
	is_str(terms(an, "good 👍 <3", TEXT_LANG_UND, 0), "good 👍 3", "emoji kept as terms");
	text_analyzer_free(an);
}

static void test_langid(void)
{
	struct { const char *s; const char *want; } c[] = {
		{"السلام عليكم، الخدمة ممتازة", "ar"},
		{"واش كاين شي حل لهاد المشكل؟", "ar"},
		{"Bravo 3lik ya m3alem", "ar-Latn"},
		{"wlh mzyan bzf khoya", "ar-Latn"},
		{"barcha 7keya w ma fhemt chay", "ar-Latn"},
		{"3lach ma jawbtounich?", "ar-Latn"},
		{"Le service est vraiment lent, c'est inadmissible", "fr"},
		{"Merci pour votre réponse rapide", "fr"},
		{"The road near the school is still broken", "en"},
		{"Thanks, this is great news", "en"},
		{"12345 !!", "und"},
		{"", "und"},
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		double conf = -1;
		enum text_lang l = text_langid(c[i].s, strlen(c[i].s), &conf);
		is_str(text_lang_code(l), c[i].want, c[i].s[0] ? c[i].s : "(empty)");
		ok(conf >= 0 && conf <= 1, "confidence in [0,1]");
	}
	ok(text_langid("I love the mp3 and g20 news 4ever", 33, NULL) == TEXT_LANG_EN, "codes/ordinals are not Arabizi digit-letters");
	is_int(text_lang_parse("ar-Latn"), TEXT_LANG_AR_LATN, "parse ar-Latn");
}

static void test_pii(void)
{
	unsigned k;
	is_str(mask("اتصل بي على 0612345678 من فضلك", &k), "اتصل بي على [phone] من فضلك", "MA mobile 06");
	is_int(k, PII_PHONE, "kind phone");
	is_str(mask("tel +212 6 12 34 56 78", NULL), "tel [phone]", "MA +212 with spaces");
	is_str(mask("appelez le 07.12.34.56.78", NULL), "appelez le [phone]", "MA/DZ 07 with dots");
	is_str(mask("(+212) 5-22-12-34-56", NULL), "([phone]", "MA fixed with dashes and parentheses");
	is_str(mask("00213 551 23 45 67", NULL), "[phone]", "DZ 00213");
	is_str(mask("+213 (0)6 61 23 45 67", NULL), "[phone]", "DZ with (0)");
	is_str(mask("رقمي ٠٦١٢٣٤٥٦٧٨", NULL), "رقمي [phone]", "Arabic-Indic digits");
	is_str(mask("+216 98 123 456", NULL), "[phone]", "TN +216");
	is_str(mask("portable: 22 123 456", NULL), "portable: [phone]", "TN grouped 2-3-3");
	is_str(mask("whatsapp 98123456", NULL), "whatsapp [phone]", "TN 8 digits after a phone word");
	is_str(mask("call +44 20 7946 0958", NULL), "call [phone]", "E.164 other country");
	is_str(mask("mail: Ali.B@gmail.com.", &k), "mail: [email].", "e-mail");
	is_int(k, PII_EMAIL, "kind email");
	is_str(mask("CIN: AB123456", &k), "CIN: [id]", "MA CIN two letters");
	is_int(k, PII_NATIONAL_ID, "kind id");
	is_str(mask("ma carte J123456 a expiré", NULL), "ma carte [id] a expiré", "MA CIN one letter");
	is_str(mask("بطاقة التعريف bk 12345", NULL), "بطاقة التعريف [id]", "MA CIN lower-case, with context");
	is_str(mask("NIN 109876543210987654", NULL), "NIN [id]", "DZ NIN 18 digits");
	is_str(mask("رقم بطاقة التعريف 12345678", NULL), "رقم بطاقة التعريف [id]", "TN CIN with context");
	is_str(mask("cin 01234567", NULL), "cin [id]", "TN CIN");
	is_str(mask("IBAN MA89 0117 8000 0012 3456 7890 1234 merci", &k), "IBAN [iban] merci", "MA IBAN (mod 97)");
	is_int(k, PII_IBAN, "kind iban");
	is_str(mask("FR7630006000011234567890189", NULL), "[iban]", "FR IBAN compact");
	is_str(mask("RIB 011780000012345678901234", NULL), "RIB [iban]", "MA RIB 24 digits");
	is_str(mask("carte 4111 1111 1111 1111 ok", &k), "carte [card] ok", "Visa test card (Luhn)");
	is_int(k, PII_CARD, "kind card");
	/* false-positive guards */
	is_str(mask("FR7630006000011234567890188", NULL), "FR7630006000011234567890188", "IBAN with a bad check is kept");
	is_str(mask("4111 1111 1111 1112", NULL), "4111 1111 1111 1112", "Luhn failure is kept");
	is_str(mask("le 20.03.2024 on a payé 25000000 dinars", &k), "le 20.03.2024 on a payé 25000000 dinars", "dates and amounts kept");
	is_int(k, 0, "nothing found");
	is_str(mask("12345678 personnes, 98123456 votes", NULL), "12345678 personnes, 98123456 votes", "bare 8-digit numbers without context kept");
	is_str(mask("COVID19 A320 G20 MP3 BAC2020", NULL), "COVID19 A320 G20 MP3 BAC2020", "codes are not CIN");
	is_str(mask("budget 1500000 DH, 2 000 000 habitants", NULL), "budget 1500000 DH, 2 000 000 habitants", "amounts kept");
	is_str(mask("@ali merci", NULL), "@ali merci", "a mention is not an e-mail");
	is_str(mask("RT @K119933: merci", NULL), "RT @K119933: merci", "a mention is not a CIN");
	is_str(mask("Tefeh'000000000000", NULL), "Tefeh'000000000000", "repeated zeros are not a phone");
	is_str(mask(NULL, &k), "", "NULL gives empty");
	{
		strbuf many = STRBUF_INIT;
		for (int i = 0; i < 400; i++)
			sb_puts(&many, "0612345678 ");
		unsigned kk;
		const char *r = mask(many.data, &kk);
		ok(!strstr(r, "0612345678") && kk == PII_PHONE, "all of 400 phone numbers masked (no match cap)");
		sb_free(&many);
	}
	pii_match m[4];
	const char *s = "x 0612345678 y";
	ok(pii_find(s, strlen(s), m, 4) == 1 && m[0].start == 2 && m[0].end == 12, "pii_find byte span");
	is_str(pii_kind_name(PII_CARD), "card", "kind name");
}

static void test_simhash(void)
{
	const char *a = "La route principale du quartier Hay Riad est pleine de trous depuis deux mois, merci d'intervenir";
	const char *b = "la route principale du quartier hay riad est pleine de trous depuis 2 mois, merci d'intervenir!!";
	const char *c = "Quand ouvrira la nouvelle bibliothèque municipale près du marché central ?";
	ok(text_near_duplicate(a, b), "fr near duplicate (case, punctuation, one word)");
	ok(!text_near_duplicate(a, c), "fr different texts");
	const char *d = "الطريق الرئيسية في حي الرياض مليئة بالحفر منذ شهرين";
	const char *e = "الطريق الرئيسيه فى حي الرياض مليئه بالحفر منذ شهرين!!";
	const char *f = "متى سيتم فتح المكتبة البلدية الجديدة قرب السوق المركزي";
	ok(text_near_duplicate(d, e), "ar near duplicate (ة/ه, ى/ي)");
	ok(!text_near_duplicate(d, f), "ar different texts");
	ok(text_near_duplicate("wlh l7ofra kbira barcha fi chari3 el7oriya", "wlh l7ofra kbira barchaaaa fi chari3 el7oriya"),
	   "Arabizi near duplicate");
	ok(!text_near_duplicate("", ""), "empty texts are not duplicates");
	ok(!text_near_duplicate("Bravo !!", "BRAVO CHAKIB.BRAVO."), "short texts sharing a word are not duplicates");
	ok(text_resemblance(a, a) == 1.0, "resemblance of a text with itself");
	ok(text_hamming(text_simhash(a, strlen(a)), text_simhash(b, strlen(b))) <= 14, "simhash of rewritten text is close");
	ok(text_hamming(text_simhash(a, strlen(a)), text_simhash(c, strlen(c))) > TEXT_NEAR_DUP_BITS, "simhash of unrelated texts is far");
	ok(text_hamming(text_simhash(a, strlen(a)), text_simhash(a, strlen(a))) == 0, "deterministic");
	is_int(text_hamming(0, 0xFF), 8, "hamming");
}

static void test_lexicon(void)
{
	struct { const char *w; int pol; } c[] = {
		{"nul", -1}, {"excellent", 1}, {"merci", 1}, {"good", 1}, {"worst", -1}, {"khayeb", -1},
		{"mzyan", 1}, {"خايب", -1}, {"ممتازه", 1}, {"والممتازه", 1}, {"فاشل", -1}, {"مدرسه", 0},
		{"deçu", 0}, {"decu", -1},
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++)
		is_int(text_lexicon_polarity(c[i].w, strlen(c[i].w)), c[i].pol, c[i].w);
}

static const char *const train_lab[] = {
	"pos", "pos", "pos", "pos", "pos", "pos", "pos", "pos", "neg", "neg", "neg", "neg", "neg", "neg", "neg", "neg",
	"neu", "neu", "neu", "neu",
};
static const char *const train_txt[] = {
	"merci beaucoup, service excellent", "great job, thank you so much", "bravo 3lik barcha", "شكرا جزيلا خدمة ممتازة",
	"رائع جدا الله يبارك", "excellent travail bravo", "very good, love it", "mzyan bzf, tbarkallah",
	"service nul, c'est honteux", "terrible, the worst service", "خدمة سيئة جدا وفاشلة", "mouch behi, khayeb barcha",
	"c'est inadmissible et honteux", "awful, i hate it", "زبالة ومقرف", "ma3jebnich, khayeb",
	"la réunion est lundi", "the office opens at 9", "الاجتماع يوم الاثنين", "el bureau y7el m3a 9",
};

/* Saves m, reloads it (same prediction of probe with f, same version), and
 * checks that every truncation of the file is refused without a crash. */
static void check_round_trip(const sent_model *m, text_featurizer *f, const char *probe)
{
	char err[256], path[] = "/tmp/majlis-test-model-XXXXXX";
	int fd = mkstemp(path);
	ok(fd >= 0, "temp file");
	if (fd >= 0)
		close(fd);
	ok(sent_model_save(m, path, err, sizeof err) == 0, "save");
	sent_model *m2 = sent_model_load(path, err, sizeof err);
	ok(m2 != NULL, "load (%s)", m2 ? "ok" : err);
	if (m2) {
		double c1, c2;
		int a = sent_predict(m, f, probe, strlen(probe), 0, &c1, NULL);
		int b = sent_predict(m2, f, probe, strlen(probe), 0, &c2, NULL);
		ok(a == b && fabs(c1 - c2) < 1e-6, "same prediction after reload");
		is_str(sent_model_version(m2), sent_model_version(m), "version string kept");
	}
	sent_model_free(m2);
	FILE *fp = fopen(path, "rb");
	static unsigned char buf[1 << 17];
	size_t len = fp ? fread(buf, 1, sizeof buf, fp) : 0;
	if (fp)
		fclose(fp);
	ok(len > 100 && len < sizeof buf, "model file read back (%zu bytes)", len);
	int refused = 0, tries = 0;
	for (size_t cut = 0; cut < len; cut += 1 + cut / 16, tries++) {
		sent_model *t = sent_model_from_memory(buf, cut, err, sizeof err);
		refused += t == NULL;
		sent_model_free(t);
	}
	ok(tries > 10 && refused == tries, "every truncated copy refused (%d of %d)", refused, tries);
	unlink(path);
}

/* Trains, predicts and round-trips a tiny model made with options o. */
static void test_sentiment_tiny(sent_train_opts o, const char *what)
{
	char err[256];
	diag("tiny model: %s", what);
	sent_model *m = sent_train(train_lab, train_txt, sizeof train_lab / sizeof *train_lab, &o, err, sizeof err);
	ok(m != NULL, "trains a tiny model (%s)", m ? "ok" : err);
	if (!m)
		return;
	is_int(sent_model_nlabels(m), 3, "three labels");
	is_str(sent_model_label(m, 0), "neg", "labels sorted");
	text_featurizer *f = text_featurizer_new(12);
	double conf, prob[SENT_MAX_LABELS];
	int l = sent_predict(m, f, "excellent, merci bravo", 22, 0, &conf, prob);
	is_str(sent_model_label(m, (unsigned)l), "pos", "tiny model: obvious positive");
	ok(conf > 0.34 && conf <= 1, "confidence is a probability");
	ok(fabs(prob[0] + prob[1] + prob[2] - 1) < 1e-9, "probabilities sum to 1");
	const char *neg = "خدمة سيئة وفاشلة";
	l = sent_predict(m, f, neg, strlen(neg), 0, &conf, NULL);
	is_str(sent_model_label(m, (unsigned)l), "neg", "tiny model: obvious negative (ar)");
	unsigned pn = 1u << 0 | 1u << 2;
	l = sent_predict(m, f, "la réunion est lundi", 20, pn, &conf, NULL);
	ok(l == 0 || l == 2, "--labels restriction honoured");
	l = sent_predict(m, f, "\xff\xfe", 2, 0, &conf, NULL);
	ok(l >= 0, "invalid UTF-8 classified");
	text_featurizer *f2 = text_featurizer_new(13);
	is_int(sent_predict(m, f2, "x", 1, 0, NULL, NULL), -1, "featurizer with other bits refused");
	text_featurizer_free(f2);
	check_round_trip(m, f, neg);
	text_featurizer_free(f);
	sent_model_free(m);
}

/* A model routed by language: each group learns only its own messages. */
static void test_sentiment_routed(void)
{
	char err[256];
	/* the same English words mean opposite things in the two groups: only
	 * routing by language can get both right */
	static const char *const lab[] = {"pos", "pos", "pos", "neg", "neg", "neg", "neu", "neu",
	                                  "neg", "neg", "neg", "pos", "pos", "pos", "neu", "neu"};
	static const char *const txt[] = {
		"the service was wicked and sick", "a wicked sick result", "sick and wicked job",
		"the service was boring and slow", "boring slow reply", "slow and boring office",
		"the office opens at nine", "the meeting is on monday",
		"le service est wicked sick", "un résultat wicked et sick", "wicked sick, la mairie encore",
		"le service est boring slow", "une réponse boring slow merci", "boring slow, la mairie",
		"la réunion est lundi", "le bureau ouvre à neuf heures",
	};
	uint8_t route[TEXT_LANG_COUNT];
	unsigned ng = 9;
	ok(!sent_parse_groups("ar,ar-Latn//en", route, &ng), "empty group refused");
	ok(!sent_parse_groups("ar,xx/en", route, &ng), "unknown language refused");
	ok(!sent_parse_groups("ar/ar", route, &ng), "language named twice refused");
	ok(!sent_parse_groups("ar,/en", route, &ng), "trailing comma refused");
	ok(!sent_parse_groups("ar/fr/en/und/ar-Latn", route, &ng), "too many groups refused");
	ok(sent_parse_groups("ar,ar-Latn,und/fr/en", route, &ng) && ng == 3 && route[TEXT_LANG_FR] == 1 &&
	       route[TEXT_LANG_EN] == 2 && route[TEXT_LANG_AR_LATN] == 0,
	   "group list parsed");
	ok(sent_parse_groups("fr", route, &ng) && ng == 1 && route[TEXT_LANG_EN] == 0, "unnamed languages go to group 0");
	sent_train_opts o = {.C = 10, .bits = 12, .nb = 1, .groups = "en/fr,ar,ar-Latn,und"};
	sent_model *m = sent_train(lab, txt, 16, &o, err, sizeof err);
	ok(m != NULL, "trains a routed model (%s)", m ? "ok" : err);
	if (!m)
		return;
	ok(strstr(sent_model_version(m), "groups=en/fr") != NULL, "version names the groups: %s", sent_model_version(m));
	text_featurizer *f = text_featurizer_new(12);
	const char *en = "the wicked and sick service of the city", *fr = "la mairie: wicked sick";
	int le = sent_predict(m, f, en, strlen(en), 0, NULL, NULL);
	is_int(text_featurizer_lang(f), TEXT_LANG_EN, "English message identified");
	int lf = sent_predict(m, f, fr, strlen(fr), 0, NULL, NULL);
	is_int(text_featurizer_lang(f), TEXT_LANG_FR, "French message identified");
	is_str(sent_model_label(m, (unsigned)le), "pos", "English group: wicked sick = pos");
	is_str(sent_model_label(m, (unsigned)lf), "neg", "French group: wicked sick = neg");
	check_round_trip(m, f, fr);
	o.groups = "en/fr";
	sent_model *bad = sent_train(lab, txt, 6, &o, err, sizeof err);
	ok(bad == NULL && strstr(err, "no training message"), "a group without messages is an error: %s", err);
	sent_model_free(bad);
	text_featurizer_free(f);
	sent_model_free(m);
}

static void test_sentiment(void)
{
	char err[256];
	test_sentiment_routed();
	test_sentiment_tiny((sent_train_opts){.C = 10, .bits = 12}, "idf weighting");
	test_sentiment_tiny((sent_train_opts){.C = 10, .bits = 12, .nb = 1}, "idf + NB-LR");
	test_sentiment_tiny((sent_train_opts){.C = 10, .bits = 12, .binary = 1}, "binary features");
	ok(sent_model_from_memory("MJSENT01\xff\xff\xff\xff", 12, err, sizeof err) == NULL, "corrupt model rejected");
	ok(sent_model_from_memory("nope", 4, err, sizeof err) == NULL, "bad magic rejected");
	sent_model *m;
	double conf;
	int l;
	text_featurizer *f;

	/* the shipped model, when it can be found */
	m = sent_model_default(err, sizeof err, NULL, 0);
	if (!m) {
		diag("no default model found (%s): shipped-model checks skipped", err);
		return;
	}
	f = text_featurizer_new(sent_model_bits(m));
	struct { const char *s, *want; } c[] = {
		{"شكرا جزيلا على الخدمة الممتازة، الله يبارك فيكم", "pos"},
		{"خدمة سيئة جدا، حسبي الله فيكم", "neg"},
		{"bravo 3lik, a7sen wa7ed", "pos"},
		{"Merci beaucoup pour votre aide, excellent travail", "pos"},
		{"Thank you so much, great job!", "pos"},
		{"This is the worst service ever, I hate it", "neg"},
	};
	for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
		int mk = 1 << sent_model_label_index(m, "pos") | 1 << sent_model_label_index(m, "neg");
		l = sent_predict(m, f, c[i].s, strlen(c[i].s), (unsigned)mk, &conf, NULL);
		is_str(sent_model_label(m, (unsigned)l), c[i].want, c[i].s);
	}
	text_featurizer_free(f);
	sent_model_free(m);
}

/* Runs text_main(argv) with input on stdin; returns its output (arena) or NULL. */
static char *run_cli(int argc, char **argv, const char *input, size_t inlen, int *rc)
{
	char in[] = "/tmp/majlis-test-in-XXXXXX", out[] = "/tmp/majlis-test-out-XXXXXX";
	int fi = mkstemp(in), fo = mkstemp(out);
	char *r = NULL;
	if (fi < 0 || fo < 0 || write(fi, input, inlen) != (ssize_t)inlen)
		goto done;
	close(fi);
	fi = -1;
	if (!freopen(in, "r", stdin))
		goto done;
	fflush(stdout);
	int saved = dup(1);
	dup2(fo, 1);
	*rc = text_main(argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	FILE *f = fopen(out, "r");
	if (f) {
		char buf[65536];
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = 0;
		r = arena_strdup(A, buf);
		fclose(f);
	}
done:
	if (fi >= 0)
		close(fi);
	if (fo >= 0)
		close(fo);
	unlink(in);
	unlink(out);
	return r;
}

static int count_lines(const char *s)
{
	int n = 0;
	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static void test_cli(void)
{
	static const char input[] = "شكرا جزيلا، خدمة ممتازة\n\n\xff\xfe\xc3\nbravo 3lik ya m3alem\r\nservice nul\n";
	int rc = -1;
	char *o = run_cli(2, (char *[]){"text", "lang", NULL}, input, sizeof input - 1, &rc);
	is_str(o, "ar\nund\nund\nar-Latn\nfr\n", "cli lang: one line per input line, in order");
	o = run_cli(3, (char *[]){"text", "normalize", "--lang", "ar", NULL}, input, sizeof input - 1, &rc);
	ok(o && count_lines(o) == 5, "cli normalize: same line count");
	o = run_cli(2, (char *[]){"text", "pii", NULL}, "call 0612345678\n", 16, &rc);
	is_str(o, "call [phone]\n", "cli pii");
	char err[256];
	sent_model *m = sent_model_default(err, sizeof err, NULL, 0);
	if (!m) {
		diag("no default model: cli sentiment checks skipped");
		return;
	}
	sent_model_free(m);
	o = run_cli(2, (char *[]){"text", "sentiment", NULL}, input, sizeof input - 1, &rc);
	ok(rc == 0 && o && count_lines(o) == 5, "cli sentiment: 5 lines for 5 inputs (empty, invalid included)");
	ok(o && !strncmp(o, "pos\t", 4), "cli sentiment: first line positive");
	ok(o && strstr(o, "\nneu\t0.3333\n"), "cli sentiment: empty line neutral at chance");
	o = run_cli(4, (char *[]){"text", "sentiment", "--labels", "pos,neg", NULL}, input, sizeof input - 1, &rc);
	ok(rc == 0 && o && count_lines(o) == 5 && !strstr(o, "neu"), "cli sentiment --labels pos,neg never says neu");
	o = run_cli(4, (char *[]){"text", "sentiment", "--labels", "pos,bogus", NULL}, input, sizeof input - 1, &rc);
	ok(rc != 0, "cli sentiment: unknown label is an error");
}

/* text train --groups --nb --holdout K --fold R, then text eval of that fold. */
static void test_cli_train(void)
{
	char data[] = "/tmp/majlis-test-tsv-XXXXXX", model[] = "/tmp/majlis-test-cli-model-XXXXXX";
	int fd = mkstemp(data), fm = mkstemp(model);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fm >= 0)
		close(fm);
	for (size_t i = 0; f && i < sizeof train_lab / sizeof *train_lab; i++)
		fprintf(f, "%s\t%s\n", train_lab[i], train_txt[i]);
	ok(f && fclose(f) == 0, "training file written");
	int rc = -1;
	run_cli(16, (char *[]){"text", "train", "--out", model, "--c", "10", "--bits", "12", "--nb", "--groups",
	                       "ar/fr,en,ar-Latn,und", "--holdout", "5", "--fold", "0", data, NULL},
	        "", 0, &rc);
	is_int(rc, 0, "cli train --groups --nb --holdout 5 --fold 0");
	char err[256];
	sent_model *m = sent_model_load(model, err, sizeof err);
	ok(m && strstr(sent_model_version(m), "groups=ar/fr,en,ar-Latn,und") && strstr(sent_model_version(m), "n=16"),
	   "routed model of the 16 lines not held out: %s", m ? sent_model_version(m) : err);
	sent_model_free(m);
	/* fold 0 holds lines 0, 5, 10, 15 (pos pos neg neg), fold 4 lines 4, 9, 14, 19 (pos neg neg neu) */
	char *o = run_cli(10, (char *[]){"text", "eval", "--model", model, "--data", data, "--holdout", "5", "--fold", "0", NULL},
	                  "", 0, &rc);
	ok(rc == 0 && o && strstr(o, " n=4 ") && strstr(o, "label=neu") && strstr(strstr(o, "label=neu"), "support=0\n"),
	   "cli eval --fold 0 reads the 4 lines of fold 0");
	o = run_cli(10, (char *[]){"text", "eval", "--model", model, "--data", data, "--holdout", "5", "--fold", "4", NULL},
	            "", 0, &rc);
	ok(rc == 0 && o && strstr(o, " n=4 ") && strstr(o, "label=neu") && strstr(strstr(o, "label=neu"), "support=1\n"),
	   "cli eval --fold 4 reads the 4 lines of fold 4");
	run_cli(7, (char *[]){"text", "train", "--out", model, "--groups", "ar/xx", data, NULL}, "", 0, &rc);
	ok(rc != 0, "cli train: bad --groups is an error");
	unlink(data);
	unlink(model);
}

int main(void)
{
	A = arena_new();
	test_normalize();
	test_tokens();
	test_langid();
	test_pii();
	test_simhash();
	test_lexicon();
	test_sentiment();
	test_cli();
	test_cli_train();
	ok(text_main(1, (char *[]){"text", NULL}) == 2, "cli: usage error without a command");
	arena_free(A);
	return done_testing();
}
