/* bench/gen_posts.c — fills a majlis database with N realistic posts for the
 * benchmark, through the project's own code path:
 *
 *   post_apply_input()  validation, tag folding, slug, Markdown → HTML (cmark),
 *                       summary from the Markdown's plain text
 *   post_insert()       the posts row and its post_tags rows
 *
 * post_insert() opens its own BEGIN IMMEDIATE … COMMIT, and SQLite has no
 * nested BEGIN, so posts cannot be grouped into larger transactions around it
 * without changing src/. One transaction per post measured 45 s for 100,000
 * posts on the (shared, 2-core) bench machine, 23 s with synchronous=OFF — too
 * close to the one-minute budget. So by default every post still goes through
 * post_apply_input(), and insert_batched() below runs post_insert()'s own two
 * statements (same SQL, through src/store/store.h) inside transactions of
 * --batch posts (10,000): ~14 s of CPU, 15–28 s wall depending on the load of
 * the machine. --per-post-commit uses post_insert() itself, one transaction per
 * post. Either way the generator's connection runs synchronous=OFF with a big
 * page cache (a bulk load; the server's connections set their own pragmas).
 *
 * Content: titles and bodies in Arabic (45 %), French (35 %) and English (20 %),
 * 2–5 paragraphs of Markdown (bold, some bullet or numbered lists), 1–4 tags,
 * the four demo departments, the four kinds, publish times spread uniformly over
 * the last three years (all in the past), and a realistic mix of statuses:
 * 96 % published, 2 % draft, 1 % unpublished, 1 % archived. created_at is an
 * hour before publication and updated_at the publication (drafts: within the
 * last 30 days), so that staff listings see a history rather than 100,000 posts
 * made "now" (with --per-post-commit, by one UPDATE at the end).
 *
 * The database must exist with the demo departments: `majlis init --db PATH --demo`.
 *
 * Usage: gen_posts --db PATH [--posts N] [--seed S] [--paths FILE] [--batch N] [--per-post-commit]
 *   --paths FILE  writes the public URL path ("/posts/ID-SLUG", slug percent-
 *                 encoded) of every visible post, one per line, for wrk's Lua.
 */
#include "core/arena.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/posts/posts.h"
#include "http/urlenc.h"
#include "store/store.h"
#include "web/page.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- a small deterministic PRNG (xorshift64*), so that a seed reproduces a dataset ---- */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

/* ---- text banks ---- */
struct bank {
	const char *lang;
	const char *const *subjects; size_t nsubjects;   /* title: subject + place */
	const char *const *places; size_t nplaces;
	const char *const *sentences; size_t nsentences; /* body */
	const char *const *items; size_t nitems;         /* list items */
	const char *const *tags; size_t ntags;
	const char *list_intro;
};

static const char *const ar_subjects[] = {
	"أشغال تهيئة", "انقطاع الماء الصالح للشرب في", "افتتاح مركز ثقافي في", "برنامج صيانة الإنارة العمومية في",
	"قرار تنظيم السير في", "سياسة جديدة لتدبير النفايات في", "مهرجان الشباب في", "تهيئة المساحات الخضراء في",
	"إصلاح قنوات التطهير في", "مشروع تصميم التهيئة الخاص بـ", "حملة تنظيف شاملة في", "توسيع الطريق الرئيسية في",
	"دورات تكوينية لفائدة الشباب في", "إعلان عن صفقة عمومية لأشغال", "تأجيل اجتماع المجلس بخصوص",
	"فتح باب الترشيح لدعم الجمعيات في",
};
static const char *const ar_places[] = {
	"حي النهضة", "شارع الحسن الثاني", "حي الأمل", "المدينة القديمة", "حي السلام", "الحي الصناعي",
	"ساحة السوق", "حي الرياض", "طريق المطار", "حي الفتح", "دوار أولاد علي", "حي المسيرة",
};
static const char *const ar_sentences[] = {
	"تعلن الجماعة لعموم المواطنين أن الأشغال ستنطلق يوم الإثنين المقبل على الساعة الثامنة صباحا.",
	"وتستمر هذه العملية لمدة ستة أسابيع وفق البرنامج الذي صادق عليه المجلس في دورته الأخيرة.",
	"سيتم تحويل حركة السير نحو الشوارع المجاورة طيلة مدة الأشغال، ونرجو من السائقين احترام علامات التشوير.",
	"نعتذر للساكنة عن الإزعاج الذي قد تسببه هذه الأشغال ونشكركم على تفهمكم وتعاونكم.",
	"رصدت الجماعة لهذا المشروع غلافا ماليا يناهز مليوني درهم في إطار الميزانية السنوية.",
	"يمكن للمواطنين الاطلاع على تفاصيل المشروع بمقر الجماعة خلال أوقات العمل الرسمية.",
	"تندرج هذه المبادرة في إطار برنامج عمل الجماعة الرامي إلى تحسين جودة الخدمات المقدمة للساكنة.",
	"وقد تم إشراك جمعيات المجتمع المدني في مراحل إعداد هذا البرنامج عبر لقاءات تشاورية مفتوحة.",
	"ستوضع صهاريج الماء رهن إشارة الساكنة بساحة السوق طيلة فترة الانقطاع.",
	"للاستفسار، يرجى التواصل مع مصلحة العلاقات مع المواطنين أو إرسال طلب عبر هذه المنصة.",
	"تذكر الجماعة بأن آخر أجل لإيداع الطلبات هو نهاية الشهر الجاري.",
	"وسيتم الإعلان عن النتائج في هذه الصفحة وعبر السبورة الرسمية للجماعة.",
	"تهدف هذه الأشغال إلى تقليص حوادث السير وتحسين انسيابية حركة المرور في أوقات الذروة.",
	"كما سيتم غرس أكثر من مائتي شجرة على جنبات الطريق في إطار تهيئة المساحات الخضراء.",
};
static const char *const ar_items[] = {
	"مدة الأشغال: ستة أسابيع", "الإيداع إلكترونيا أو بمكتب الضبط", "أجل أقصاه ثلاثون يوما للرد",
	"تتبع الملف برقم مرجعي", "المجانية لفائدة الأطفال والمسنين", "التسجيل مفتوح إلى غاية نهاية الشهر",
	"الأولوية للأحياء الناقصة التجهيز", "حضور ممثلي الساكنة",
};
static const char *const ar_tags[] = {"أشغال", "طرق", "ماء", "تطهير", "ثقافة", "شباب", "تعمير", "رخص", "بيئة", "إنارة", "ميزانية", "صفقات"};

static const char *const fr_subjects[] = {
	"Travaux d'aménagement", "Coupure d'eau programmée à", "Ouverture d'une médiathèque à",
	"Rénovation de l'éclairage public à", "Nouveau plan de circulation pour", "Collecte des déchets : nouveaux horaires à",
	"Festival de la jeunesse à", "Réfection de la chaussée à", "Réseau d'assainissement : chantier à",
	"Plan d'aménagement : enquête publique pour", "Appel à projets associatifs pour", "Fermeture temporaire de la piscine de",
	"Consultation sur les espaces verts de", "Marché public : travaux de voirie à",
};
static const char *const fr_places[] = {
	"quartier Al Amal", "avenue Hassan II", "la médina", "quartier Essalam", "zone industrielle",
	"place du Marché", "quartier Riad", "route de l'aéroport", "quartier El Fath", "douar Ouled Ali",
};
static const char *const fr_sentences[] = {
	"La commune informe les habitants que les travaux débuteront lundi prochain à 8 h.",
	"Le chantier durera six semaines, conformément au calendrier adopté par le conseil lors de sa dernière session.",
	"La circulation sera déviée par les rues voisines ; merci de respecter la signalisation provisoire.",
	"Nous nous excusons pour la gêne occasionnée et vous remercions de votre compréhension.",
	"Le budget alloué à ce projet s'élève à deux millions de dirhams, inscrits au budget annuel.",
	"Le dossier complet peut être consulté au siège de la commune aux heures d'ouverture.",
	"Cette initiative s'inscrit dans le plan d'action communal pour améliorer la qualité des services publics.",
	"Les associations de quartier ont été associées à la préparation du programme lors de réunions ouvertes.",
	"Des citernes seront mises à disposition place du Marché pendant toute la durée de la coupure.",
	"Pour toute question, contactez le service des relations avec les citoyens ou déposez une demande sur cette plateforme.",
	"La date limite de dépôt des dossiers est fixée à la fin du mois en cours.",
	"Les résultats seront publiés sur cette page et affichés au tableau officiel de la commune.",
	"Ces aménagements visent à réduire les accidents et à fluidifier la circulation aux heures de pointe.",
	"Plus de deux cents arbres seront plantés le long de la voie dans le cadre du verdissement de la ville.",
};
static const char *const fr_items[] = {
	"Durée des travaux : six semaines", "Dépôt en ligne ou au bureau d'ordre", "Réponse sous trente jours au plus",
	"Suivi du dossier par numéro de référence", "Gratuit pour les enfants et les seniors", "Inscriptions ouvertes jusqu'à la fin du mois",
	"Priorité aux quartiers sous-équipés", "Présence des représentants des habitants",
};
static const char *const fr_tags[] = {"travaux", "voirie", "eau", "assainissement", "culture", "jeunesse", "urbanisme", "permis", "environnement", "éclairage", "budget", "marchés"};

static const char *const en_subjects[] = {
	"Roadworks on", "Scheduled water cut in", "New public library opens in", "Street lighting upgrade in",
	"New traffic plan for", "Waste collection: new hours in", "Youth festival in", "Resurfacing works in",
	"Sewer network works in", "Zoning plan: public inquiry for", "Call for community projects in",
	"Temporary closure of the swimming pool in", "Consultation on green spaces in",
};
static const char *const en_places[] = {
	"Al Amal district", "Hassan II Avenue", "the old medina", "Essalam district", "the industrial zone",
	"Market Square", "Riad district", "Airport Road", "El Fath district", "Ouled Ali village",
};
static const char *const en_sentences[] = {
	"The municipality informs residents that works will start next Monday at 8 a.m.",
	"The works will last six weeks, following the schedule adopted by the council at its last session.",
	"Traffic will be diverted through neighbouring streets; please follow the temporary signs.",
	"We apologise for the inconvenience and thank you for your understanding.",
	"The budget for this project is two million dirhams, part of this year's municipal budget.",
	"The full file can be consulted at the town hall during opening hours.",
	"This initiative is part of the municipal action plan to improve the quality of public services.",
	"Neighbourhood associations took part in preparing the programme through open meetings.",
	"Water tanks will be available on Market Square for the whole duration of the cut.",
	"For any question, contact the citizen relations office or submit a request on this platform.",
	"The deadline for applications is the end of this month.",
	"Results will be published on this page and on the municipality's official notice board.",
	"These changes aim to reduce accidents and ease traffic at peak hours.",
	"More than two hundred trees will be planted along the road as part of the greening plan.",
};
static const char *const en_items[] = {
	"Duration of works: six weeks", "Apply online or at the front desk", "An answer within thirty days at most",
	"Track your file with a reference number", "Free for children and seniors", "Registration open until the end of the month",
	"Priority to under-equipped districts", "Residents' representatives attend",
};
static const char *const en_tags[] = {"roadworks", "roads", "water", "sanitation", "culture", "youth", "urbanism", "permits", "environment", "lighting", "budget", "tenders"};

#define BANK(l, intro) {#l, l##_subjects, N(l##_subjects), l##_places, N(l##_places), l##_sentences, N(l##_sentences), \
			l##_items, N(l##_items), l##_tags, N(l##_tags), intro}
static const struct bank banks[] = {
	BANK(ar, "أهم النقاط:"),
	BANK(fr, "À retenir :"),
	BANK(en, "Key points:"),
};

static const char *const dept_slugs[] = {"roads", "water", "culture", "urbanism"};

/* Markdown body of 2–5 paragraphs, sometimes with a list; the first sentence of
 * some paragraphs is bold. Arena-owned. */
static const char *make_body(arena *a, const struct bank *b)
{
	strbuf sb = STRBUF_INIT;
	unsigned paras = 2 + pick(4);
	unsigned list_at = pick(3) == 0 ? 1 + pick(paras) : 0;
	for (unsigned p = 0; p < paras; p++) {
		if (p)
			sb_puts(&sb, "\n\n");
		if (list_at && p == list_at) {
			sb_printf(&sb, "%s\n\n", b->list_intro);
			bool numbered = pick(2);
			unsigned n = 2 + pick(3);
			for (unsigned i = 0; i < n; i++)
				if (numbered)
					sb_printf(&sb, "%u. %s\n", i + 1, b->items[pick((unsigned)b->nitems)]);
				else
					sb_printf(&sb, "- %s\n", b->items[pick((unsigned)b->nitems)]);
			sb_puts(&sb, "\n");
		}
		unsigned sentences = 2 + pick(3);
		for (unsigned s = 0; s < sentences; s++) {
			const char *t = b->sentences[pick((unsigned)b->nsentences)];
			if (s == 0 && pick(4) == 0)
				sb_printf(&sb, "**%s**", t);
			else
				sb_printf(&sb, "%s%s", s ? " " : "", t);
		}
	}
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

/* "tag1, tag2" with 1–4 tags; arena-owned. */
static const char *make_tags(arena *a, const struct bank *b)
{
	unsigned n = 1 + pick(4);
	strbuf sb = STRBUF_INIT;
	for (unsigned i = 0; i < n; i++)
		sb_printf(&sb, "%s%s", i ? ", " : "", b->tags[pick((unsigned)b->ntags)]);
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

/* post_insert_tx (the project's own insert, inside the caller's transaction so
 * that thousands of posts share one commit), with a realistic history: created
 * an hour before publication; drafts within the last 30 days. */
static int64_t insert_batched(store *s, struct post *p)
{
	p->created_at = p->publish_at ? p->publish_at - 3600 : now_s() - (int64_t)(rnd() % 2592000);
	p->updated_at = p->publish_at ? p->publish_at : p->created_at;
	return post_insert_tx(s, p);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s --db PATH [--posts N] [--seed S] [--paths FILE] [--per-post-commit] [--batch N]\n", argv0);
}

int main(int argc, char **argv)
{
	const char *db = NULL, *paths = NULL;
	long nposts = 100000;
	bool per_post = false;
	long batch = 10000;
	/* Hand-rolled flags: <getopt.h>'s struct option collides with web/page.h's. */
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(f, "--per-post-commit"))
			per_post = true;
		else if (v && !strcmp(f, "--batch"))
			batch = atol(v), i++;
		else if (v && !strcmp(f, "--db"))
			db = v, i++;
		else if (v && !strcmp(f, "--posts"))
			nposts = atol(v), i++;
		else if (v && !strcmp(f, "--seed"))
			rng_state ^= strtoull(v, NULL, 10) * 0x2545F4914F6CDD1Dull, i++;
		else if (v && !strcmp(f, "--paths"))
			paths = v, i++;
		else {
			usage(argv[0]);
			return 2;
		}
	}
	if (!db || nposts < 1 || batch < 1) {
		usage(argv[0]);
		return 2;
	}
	char *err = NULL;
	store *s = store_open(db, &err);
	if (!s) {
		fprintf(stderr, "gen_posts: %s\n", err ? err : "cannot open database");
		free(err);
		return 1;
	}
	int rc = 1;
	arena *meta = arena_new();
	if (store_scalar(s, 0, "SELECT count(*) FROM departments", "") < (int64_t)N(dept_slugs)) {
		fprintf(stderr, "gen_posts: run `majlis init --db %s --demo` first (departments missing)\n", db);
		goto done;
	}
	for (size_t i = 0; i < N(dept_slugs); i++)
		if (!dept_by_slug(s, dept_slugs[i])) {
			fprintf(stderr, "gen_posts: department %s missing\n", dept_slugs[i]);
			goto done;
		}
	struct user editor = {0};
	user_find_login(s, meta, "editor@example.org", &editor, NULL);
	/* A bulk load on this connection only: a big page cache and no fsync. The
	 * server's connections set their own pragmas (WAL, synchronous=NORMAL). */
	store_exec(s, "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144");

	int64_t now = now_s();
	const int64_t span = 3 * 365 * 86400LL;
	int64_t first_id = store_scalar(s, 0, "SELECT coalesce(max(id), 0) FROM posts", "") + 1;
	int64_t t0 = mono_us();
	long made = 0;
	arena *a = arena_new();
	for (long i = 0; i < nposts; i++) {
		if (i % 1000 == 0) { /* bound memory: a fresh arena every 1,000 posts */
			arena_free(a);
			a = arena_new();
		}
		unsigned lp = pick(100);
		const struct bank *b = &banks[lp < 45 ? 0 : lp < 80 ? 1 : 2];
		const char *title = arena_printf(a, "%s %s", b->subjects[pick((unsigned)b->nsubjects)],
						 b->places[pick((unsigned)b->nplaces)]);
		if (pick(3) == 0) /* many titles repeat in real life; some carry a number */
			title = arena_printf(a, "%s (%u)", title, 1 + pick(40));
		struct post_input in = {
			.kind = post_kinds[pick(4)], .lang = b->lang, .title = title, .summary = "",
			.body = make_body(a, b), .tags = make_tags(a, b), .dept = dept_slugs[pick(N(dept_slugs))],
		};
		unsigned st = pick(100);
		struct post p = {
			.status = st < 96 ? POST_PUBLISHED : st < 98 ? POST_DRAFT : st < 99 ? POST_UNPUBLISHED : POST_ARCHIVED,
			.author_id = editor.id,
		};
		struct form_errors e = {0};
		if (!post_apply_input(s, a, &in, &p, &e)) {
			fprintf(stderr, "gen_posts: post %ld invalid (%s: %s)\n", i, e.field[0], e.key[0]);
			goto done_a;
		}
		/* Spread over three years, at least an hour in the past: nothing is scheduled,
		 * so the page cache TTL stays at its 60 s ceiling. */
		p.publish_at = p.status == POST_DRAFT ? 0 : now - 3600 - (int64_t)(rnd() % (uint64_t)span);
		if (!per_post && i % batch == 0 && !store_begin(s))
			goto done_a;
		if ((per_post ? post_insert(s, &p) : insert_batched(s, &p)) < 0) {
			fprintf(stderr, "gen_posts: insert failed at post %ld: %s\n", i, store_errmsg(s));
			if (!per_post)
				store_rollback(s);
			goto done_a;
		}
		made++;
		if (!per_post && ((i + 1) % batch == 0 || i + 1 == nposts) && !store_commit(s))
			goto done_a;
	}
	int64_t t_ins = mono_us();
	/* History: created an hour before publication (drafts: within the last 30 days);
	 * post_insert stamped them "now". The batched path wrote them directly. */
	if (per_post) {
		store_run(s, "UPDATE posts SET created_at = publish_at - 3600, updated_at = publish_at"
			     " WHERE id >= ? AND publish_at IS NOT NULL", "i", first_id);
		store_run(s, "UPDATE posts SET created_at = ? - (id * 7919) % 2592000,"
			     " updated_at = ? - (id * 7919) % 2592000 WHERE id >= ? AND publish_at IS NULL",
			  "iii", now, now, first_id);
	}
	int64_t t_upd = mono_us();
	store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
	int64_t t_ckpt = mono_us();
	store_exec(s, "ANALYZE");
	double secs = (double)(mono_us() - t0) / 1e6;
	fprintf(stderr, "gen_posts: insert %.1f s, history update %.1f s, checkpoint %.1f s, analyze %.1f s\n",
		(double)(t_ins - t0) / 1e6, (double)(t_upd - t_ins) / 1e6, (double)(t_ckpt - t_upd) / 1e6,
		(double)(mono_us() - t_ckpt) / 1e6);
	fprintf(stderr, "gen_posts: %ld posts in %.1f s (%.0f posts/s) through post_apply_input + %s\n",
		made, secs, (double)made / secs,
		per_post ? "post_insert (one transaction per post)" : "post_insert's statements in batched transactions");

	if (paths) {
		FILE *f = fopen(paths, "w");
		if (!f) {
			perror(paths);
			goto done_a;
		}
		store_stmt *q = store_prepare(s, "SELECT id, slug FROM posts WHERE status IN ('published','archived')"
						 " AND publish_at <= ? ORDER BY id");
		store_bind_int(q, 1, now);
		long n = 0;
		while (store_step(q) == STORE_ROW) {
			if (n % 1000 == 0) {
				arena_free(a);
				a = arena_new();
			}
			fprintf(f, "/posts/%lld-%s\n", (long long)store_int(q, 0), url_encode(a, store_text(q, 1)));
			n++;
		}
		store_done(q);
		fclose(f);
		fprintf(stderr, "gen_posts: %ld visible post paths written to %s\n", n, paths);
	}
	rc = 0;
done_a:
	arena_free(a);
done:
	arena_free(meta);
	store_close(s);
	return rc;
}
