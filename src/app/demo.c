/* Demo content for a first look: departments, staff, a citizen, posts in three
 * languages. Never run on a database that already has departments. */
#include "app/app.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/posts/posts.h"
#include "web/markdown.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *slug, *ar, *fr, *en;
} depts[] = {
	{"roads", "الطرق والإنارة العمومية", "Voirie et éclairage public", "Roads and street lighting"},
	{"water", "الماء والتطهير", "Eau et assainissement", "Water and sanitation"},
	{"culture", "الثقافة والشباب", "Culture et jeunesse", "Culture and youth"},
	{"urbanism", "التعمير", "Urbanisme", "Urban planning"},
};

static const struct {
	const char *email, *name, *password, *lang;
	bool site_admin;
	const char *role, *dept;
} people[] = {
	{"admin@example.org", "مدير الموقع", "majlis-admin-2026", "ar", true, NULL, NULL},
	{"editor@example.org", "Salma Editrice", "majlis-editor-2026", "fr", false, "editor", "roads"},
	{"editor@example.org", NULL, NULL, NULL, false, "editor", "culture"},
	{"agent@example.org", "Youssef Agent", "majlis-agent-2026", "ar", false, "agent", "water"},
	{"citizen@example.org", "مواطن تجريبي", "majlis-citizen-2026", "ar", false, NULL, NULL},
};

static const struct {
	const char *dept, *kind, *lang, *title, *body, *tags;
	int days_ago;
} posts[] = {
	{"roads", "announcement", "ar", "أشغال تهيئة شارع الحسن الثاني",
	 "تعلن الجماعة عن انطلاق **أشغال تهيئة** شارع الحسن الثاني يوم الإثنين المقبل.\n\n"
	 "- مدة الأشغال: ستة أسابيع\n- سيتم تحويل حركة السير نحو الشوارع المجاورة\n\nنعتذر عن الإزعاج ونشكركم على تفهمكم.",
	 "أشغال, طرق", 1},
	{"water", "decision", "fr", "Coupure d'eau programmée dans le quartier Al Amal",
	 "Une coupure d'eau est programmée **jeudi de 9 h à 15 h** pour le remplacement d'une conduite principale.\n\n"
	 "Pensez à faire des réserves. Les citernes municipales seront disponibles place du marché.",
	 "eau, travaux", 2},
	{"culture", "news", "en", "Youth festival: registrations are open",
	 "The municipal youth festival returns this spring.\n\n1. Music\n2. Theatre\n3. Street art\n\n"
	 "Register at the culture centre before the end of the month.",
	 "festival, youth", 3},
	{"urbanism", "policy", "ar", "سياسة جديدة لتبسيط رخص البناء",
	 "اعتمد المجلس سياسة جديدة لتبسيط مساطر **رخص البناء** الصغيرة:\n\n"
	 "1. إيداع الملف إلكترونيا\n2. أجل أقصاه ثلاثون يوما للرد\n3. تتبع الملف برقم مرجعي",
	 "تعمير, رخص", 4},
	{"roads", "news", "fr", "Éclairage public : 300 nouveaux lampadaires LED",
	 "La commune a installé **300 lampadaires LED** ce trimestre, soit une économie d'énergie estimée à 40 %.",
	 "éclairage, énergie", 6},
	{"culture", "announcement", "ar", "افتتاح المكتبة البلدية الجديدة",
	 "يسر الجماعة أن تعلن عن افتتاح **المكتبة البلدية** الجديدة بحي النهضة، مفتوحة من التاسعة صباحا إلى السابعة مساء.",
	 "ثقافة, مكتبة", 8},
};

bool app_seed_demo(store *s, char *err, size_t errn)
{
	if (store_scalar(s, 0, "SELECT count(*) FROM departments", "") > 0) {
		printf("demo: departments already exist, nothing added\n");
		return true;
	}
	arena *a = arena_new();
	bool ok = false;
	for (size_t i = 0; i < sizeof depts / sizeof depts[0]; i++)
		if (dept_create(s, depts[i].slug, depts[i].ar, depts[i].fr, depts[i].en) <= 0) {
			snprintf(err, errn, "demo: cannot create department %s", depts[i].slug);
			goto done;
		}
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		struct user u;
		if (people[i].name && user_create(s, people[i].email, NULL, people[i].name, people[i].password,
						   people[i].lang, people[i].site_admin) <= 0) {
			snprintf(err, errn, "demo: cannot create %s", people[i].email);
			goto done;
		}
		if (people[i].role && user_find_login(s, a, people[i].email, &u, NULL))
			role_grant(s, u.id, role_parse(people[i].role), dept_by_slug(s, people[i].dept));
	}
	struct user editor;
	user_find_login(s, a, "editor@example.org", &editor, NULL);
	int64_t now = now_s();
	for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++) {
		struct post p = {.status = POST_PUBLISHED, .author_id = editor.id};
		struct post_input in = {.title = posts[i].title, .kind = posts[i].kind, .lang = posts[i].lang,
					.body = posts[i].body, .tags = posts[i].tags, .dept = posts[i].dept, .summary = ""};
		struct form_errors e = {0};
		if (!post_apply_input(s, a, &in, &p, &e)) {
			snprintf(err, errn, "demo: post %zu invalid (%s: %s)", i, e.field[0], e.key[0]);
			goto done;
		}
		p.publish_at = now - posts[i].days_ago * 86400 - 3600;
		if (post_insert(s, &p) < 0) {
			snprintf(err, errn, "demo: cannot insert post %zu", i);
			goto done;
		}
	}
	ok = true;
done:
	arena_free(a);
	return ok;
}
