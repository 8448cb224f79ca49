/* Rule-based language id, see langid.h. */
#include "text/langid.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "core/strbuf.h"
#include "text/normalize.h"
#include "text/tokenize.h"

#define MAX_TOK 512

/* Darija (Moroccan, Algerian, Tunisian) in Latin script: frequent words and
 * spellings. Kept sorted (strcmp order) for bisection. */
static const char *const az_words[] = {
	"3ad", "3afak", "3ajbetni", "3ajbni", "3al", "3ala", "3andek", "3andi", "3aychek", "3ejbetni",
	"3ib", "3lach", "3leh", "3leha", "3lih", "3liha", "3lihom", "3lik", "3likom", "3sal", "5ayeb",
	"5ir", "7aja", "7lou", "9albi", "9wiya", "a7la", "a7sen", "a9wa", "ahla", "ahsen", "allah",
	"amin", "barcha", "barnemej", "barra", "barsha", "behi", "behia", "behya", "belehi", "bellahi",
	"bezaf", "bezzaf", "bghit", "bla", "bou", "brabbi", "brabi", "bsara7a", "bsaraha", "bzaf", "bzf",
	"bzzf", "ch3ab", "chab3a", "chay", "chbik", "chkoun", "chno", "chnou", "chnowa", "chokran",
	"choukran", "chwiya", "daba", "dima", "diyal", "dyal", "ena", "enta", "enti", "fama", "famma",
	"fel", "fih", "fiha", "fik", "fil", "ghir", "ghodwa", "hadchi", "haka", "hakka", "hamdoulah",
	"hamdoullah", "hedha", "hedhi", "hekka", "houwa", "inchalah", "inchallah", "inti", "kayn",
	"kayna", "kbir", "khalas", "khamej", "khayeb", "khouya", "khoya", "khti", "kifach", "kifech",
	"kima", "kleb", "klem", "kol", "lkol", "lyoum", "m3a", "m3ak", "m3alem", "m3allem", "ma3andekch",
	"ma3lich", "ma7la", "ma7leha", "ma7lek", "machallah", "machi", "mahleha", "mahlek", "mahouch",
	"makaynch", "mala", "malla", "mamstou", "manich", "masakh", "maset", "mashallah", "masset",
	"masta", "mch", "mech", "mel", "meskin", "mnawer", "mnawra", "moch", "mosalsel", "mouch",
	"mousalsel", "mra", "msata", "mta3", "mte3", "mzian", "mziana", "mzyan", "mzyana", "n7ebek",
	"n7ebha", "nchalah", "nchallah", "nchlh", "nekraha", "nekrha", "nes", "nhebek", "nhebha", "nmout",
	"rabbi", "rabi", "rahi", "raho", "rahou", "rajel", "rak", "rana", "rani", "raw3a", "sa7a",
	"sa7bi", "saf", "safi", "saha", "sahbi", "sahha", "tamthil", "taw", "tbarkallah", "te3jebni",
	"tfouh", "twa", "wa7dek", "wahdek", "wakha", "walah", "walahi", "wallah", "wallahi", "wesh",
	"wlah", "wlh", "ya3ni", "ya3tik", "yarham", "yaser", "yasser", "ye3jebni", "ye5i", "yeser",
	"yesser", "yezi", "zayed", "zayid", "zid", "zin", "zina", "zinek", "zwin", "zwina",
};

/* Frequent French/English words that are not in the stop lists. */
static const char *const fr_words[] = {
	"attente", "aujourd'hui", "avait", "beaucoup", "bien", "bonjour", "bonne", "coupure", "depuis",
	"dossier", "eau", "encore", "facture", "faut", "gens", "honte", "jamais", "mairie", "mauvais",
	"merci", "moins", "non", "nul", "nulle", "oui", "papiers", "peu", "pire", "plus", "pourquoi",
	"probleme", "quand", "quartier", "rendez-vous", "rien", "route", "sont", "svp", "toujours",
	"travaux", "tres", "trop", "ville", "vous", "vraiment",
};
static const char *const en_words[] = {
	"always", "bad", "bill", "can't", "city", "day", "don't", "good", "great", "help", "hours",
	"just", "know", "like", "love", "new", "not", "nothing", "now", "office", "people", "please",
	"problem", "really", "road", "since", "still", "street", "thanks", "think", "time", "today",
	"tomorrow", "waiting", "want", "water", "well", "why", "worst",
};

static bool in(const char *const *list, size_t n, const char *w, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strncmp(list[mid], w, len);
		if (c == 0)
			c = list[mid][len] ? 1 : 0;
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}
#define IN(list, w, n) in(list, sizeof list / sizeof *list, w, n)

/* Digit-letter Arabizi word: letters and one of 2 3 5 7 8 9 mixed, not an
 * ordinal (1er, 2eme, 3rd), a code (mp3, g20, h24) or "4ever"-style English. */
static bool digit_letter_word(const char *w, size_t n)
{
	size_t letters = 0, dl = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c >= 'a' && c <= 'z')
			letters++;
		else if (strchr("235789", c) && c)
			dl++;
		else if (c >= '0' && c <= '9')
			return false;
	}
	if (!letters || !dl || letters < 2)
		return false;
	/* digits all at the end and few letters before: codes such as mp3, ps5 */
	if (n >= 2 && w[0] >= 'a' && w[0] <= 'z' && w[n - 1] >= '0' && w[n - 1] <= '9') {
		size_t i = 0;
		while (i < n && w[i] >= 'a' && w[i] <= 'z')
			i++;
		if (i <= 3)
			return false;
	}
	static const char *const ord[] = {"eme", "ème", "er", "nd", "rd", "th", "st", "e", "k", "h", "am",
	                                  "pm", "min", "ans", "kg", "km"};
	size_t i = 0;
	while (i < n && w[i] >= '0' && w[i] <= '9')
		i++;
	if (i > 0)
		for (size_t k = 0; k < sizeof ord / sizeof *ord; k++)
			if (!strcmp(w + i, ord[k]) || (n - i == strlen(ord[k]) && !memcmp(w + i, ord[k], n - i)))
				return false;
	return true;
}

/* Weak Darija spelling patterns, used only when no word voted. */
static bool darija_pattern(const char *w, size_t n)
{
	static const char *const pat[] = {"kh", "gh", "dh", "ouh", "ech", "iw", "ou3", "aa"};
	for (size_t k = 0; k < sizeof pat / sizeof *pat; k++)
		if (memmem(w, n, pat[k], strlen(pat[k])))
			return true;
	return false;
}

enum text_lang text_langid(const char *s, size_t n, double *confidence)
{
	strbuf sb = STRBUF_INIT;
	text_span *tok = malloc(MAX_TOK * sizeof *tok);
	enum text_lang r = TEXT_LANG_UND;
	if (!tok) {
		if (confidence)
			*confidence = 0;
		return r;
	}
	text_normalize_into(&sb, s, n, TEXT_LANG_UND, 0);
	size_t k = text_split(sb_str(&sb), sb.len, tok, MAX_TOK);
	r = text_langid_spans(tok, k, confidence);
	sb_free(&sb);
	free(tok);
	return r;
}

enum text_lang text_langid_spans(const text_span *tok, size_t k, double *confidence)
{
	strbuf f = STRBUF_INIT;
	enum text_lang r = TEXT_LANG_UND;
	double conf = 0;
	size_t ar = 0, lat = 0;
	double sc[TEXT_LANG_COUNT] = {0};
	bool pattern = false;
	for (size_t i = 0; i < k; i++) {
		if (tok[i].kind != TEXT_TOK_WORD)
			continue;
		if (tok[i].arabic) {
			ar += tok[i].len / 2;
			continue;
		}
		lat += tok[i].len;
		const char *w = tok[i].s;
		size_t wl = tok[i].len;
		bool accent = false;
		for (size_t j = 0; j < wl; j++)
			if ((unsigned char)w[j] == 0xC3) /* U+00C0..U+00FF: é è à ç ... */
				accent = true;
		sb_reset(&f);
		text_fold_into(&f, w, wl);
		const char *fw = f.data;
		size_t fl = f.len;
		if (fl > 40)
			continue;
		bool az = IN(az_words, fw, fl) || text_is_stopword(fw, fl, TEXT_LANG_AR_LATN);
		bool fr = IN(fr_words, fw, fl) || (fl >= 2 && text_is_stopword(fw, fl, TEXT_LANG_FR));
		bool en = IN(en_words, fw, fl) || (fl >= 2 && text_is_stopword(fw, fl, TEXT_LANG_EN));
		if (digit_letter_word(fw, fl)) {
			sc[TEXT_LANG_AR_LATN] += 2;
			continue;
		}
		if (accent && !az)
			sc[TEXT_LANG_FR] += 1;
		if (az + fr + en == 1) {
			if (az)
				sc[TEXT_LANG_AR_LATN] += 1.5;
			if (fr)
				sc[TEXT_LANG_FR] += 1;
			if (en)
				sc[TEXT_LANG_EN] += 1;
		} else if (az + fr + en == 0 && fl >= 3) {
			if (darija_pattern(fw, fl))
				pattern = true;
			/* English spelling cues */
			if ((fl > 4 && !memcmp(fw + fl - 3, "ing", 3)) || memmem(fw, fl, "th", 2) ||
			    memmem(fw, fl, "wh", 2))
				sc[TEXT_LANG_EN] += 0.3;
			if ((fl > 4 && (!memcmp(fw + fl - 3, "eau", 3) || !memcmp(fw + fl - 3, "eux", 3) ||
			                !memcmp(fw + fl - 3, "ait", 3) || !memcmp(fw + fl - 4, "ment", 4))) ||
			    memmem(fw, fl, "qu", 2))
				sc[TEXT_LANG_FR] += 0.3;
		}
	}
	if (ar == 0 && lat == 0)
		goto done;
	if (ar >= lat) {
		r = TEXT_LANG_AR;
		conf = (double)ar / (double)(ar + lat);
		goto done;
	}
	double best = 0, sum = 0;
	for (int l = TEXT_LANG_AR_LATN; l <= TEXT_LANG_EN; l++)
		if (sc[l] > best)
			best = sc[l], r = (enum text_lang)l;
	if (best == 0) {
		/* no vote: in a Maghreb inbox, Latin text without any French or
		 * English function word is most often Arabizi */
		r = TEXT_LANG_AR_LATN;
		conf = pattern ? 0.5 : 0.4;
		goto done;
	}
	for (int l = TEXT_LANG_AR_LATN; l <= TEXT_LANG_EN; l++)
		sum += exp(sc[l] - best);
	conf = 1.0 / sum;
	if (ar)
		conf *= (double)lat / (double)(ar + lat);
done:
	if (confidence)
		*confidence = conf;
	sb_free(&f);
	return r;
}
