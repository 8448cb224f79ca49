/* Demo content for a first look: departments, staff, a citizen, posts in three
 * languages. Never run on a database that already has departments. */
#include "app/app.h"
#include "core/util.h"
#include "features/accounts/accounts.h"
#include "features/posts/posts.h"
#include "features/requests/requests.h"
#include "features/comments/comments.h"
#include "features/consultations/consultations.h"
#include "features/polls/polls.h"
#include "features/proposals/proposals.h"
#include "features/surveys/surveys.h"
#include "web/i18n.h"
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

/* Categories (Open311 services) with targets, and a few requests. */
static bool seed_requests(store *s, arena *a, char *err, size_t errn)
{
	static struct attr_value sizes[] = {{"small", {"صغيرة", "petite", "small"}}, {"large", {"كبيرة", "grande", "large"}},
					    {"dangerous", {"خطيرة", "dangereuse", "dangerous"}}};
	static struct attr_value floors[] = {{"street", {"في الشارع", "dans la rue", "in the street"}},
					     {"building", {"في بناية", "dans un immeuble", "in a building"}}};
	static struct attribute pothole_attrs[] = {
		{.code = "size", .datatype = "singlevaluelist", .label = {"حجم الحفرة", "Taille du trou", "Size of the hole"},
		 .required = true, .values = sizes, .nvalues = 3},
	};
	static struct attribute leak_attrs[] = {
		{.code = "where", .datatype = "singlevaluelist", .label = {"مكان التسرب", "Lieu de la fuite", "Where is the leak"},
		 .required = true, .values = floors, .nvalues = 2},
		{.code = "since", .datatype = "datetime", .label = {"منذ متى", "Depuis quand", "Since when"}},
	};
	static const struct {
		const char *code, *dept, *ar, *fr, *en, *grp;
		bool public;
		struct attribute *attrs;
		int nattrs;
	} cats[] = {
		{"pothole", "roads", "حفرة في الطريق", "Nid-de-poule", "Pothole", "roads", true, pothole_attrs, 1},
		{"streetlight", "roads", "إنارة عمومية معطلة", "Éclairage public en panne", "Broken street light", "roads", true, NULL, 0},
		{"water-leak", "water", "تسرب الماء", "Fuite d'eau", "Water leak", "water", true, leak_attrs, 2},
		{"water-bill", "water", "فاتورة الماء", "Facture d'eau", "Water bill", "water", false, NULL, 0},
		{"permit-question", "urbanism", "سؤال حول رخصة البناء", "Question sur un permis de construire",
		 "Building permit question", "urbanism", false, NULL, 0},
		{"event-suggestion", "culture", "اقتراح نشاط ثقافي", "Suggestion d'activité culturelle", "Cultural event suggestion",
		 "culture", true, NULL, 0},
	};
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++) {
		struct category c = {.code = cats[i].code, .dept_id = dept_by_slug(s, cats[i].dept),
				     .name = {cats[i].ar, cats[i].fr, cats[i].en}, .grp = cats[i].grp,
				     .public = cats[i].public, .active = true};
		int64_t id = category_save(s, &c);
		if (id <= 0 || !category_save_attributes(s, id, cats[i].attrs, cats[i].nattrs)) {
			snprintf(err, errn, "demo: cannot create category %s", cats[i].code);
			return false;
		}
		/* normal: first answer within one working day, solved within five;
		 * urgent: two working hours and one day, on a 24/7 clock */
		struct sla_policy normal = {.seconds = {8 * 3600, 8 * 3600, 5 * 8 * 3600}, .business_hours = true, .raise_priority = true};
		struct sla_policy urgent = {.seconds = {2 * 3600, 2 * 3600, 24 * 3600}, .business_hours = false, .raise_priority = false};
		sla_policy_set(s, id, RP_NORMAL, &normal);
		sla_policy_set(s, id, RP_HIGH, &normal);
		sla_policy_set(s, id, RP_URGENT, &urgent);
	}
	static const struct {
		const char *cat, *desc, *lat, *lon, *address, *lang, *email, *attr, *value;
	} reqs[] = {
		{"pothole", "حفرة كبيرة أمام المدرسة الابتدائية، خطيرة على الأطفال", "33.5731", "-7.5898", "شارع محمد الخامس", "ar",
		 "citizen@example.org", "size", "dangerous"},
		{"streetlight", "Le lampadaire devant le numéro 12 est éteint depuis une semaine.", "33.5750", "-7.5870",
		 "12 rue des Orangers", "fr", "habitant@example.org", NULL, NULL},
		{"water-leak", "Water is leaking from a pipe at the corner, the street is flooded.", "33.5702", "-7.5921", NULL,
		 "en", "resident@example.org", "where", "street"},
		{"water-bill", "فاتورة هذا الشهر مرتفعة جدا مقارنة بالأشهر السابقة، رقم العداد 4471", NULL, NULL, NULL, "ar",
		 "citizen@example.org", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
		struct request_input in = {.kind = i == 3 ? "complaint" : "report", .category_code = reqs[i].cat,
					   .description = reqs[i].desc, .lat = reqs[i].lat, .lon = reqs[i].lon,
					   .address = reqs[i].address, .lang = reqs[i].lang, .contact_email = reqs[i].email,
					   .channel = "web"};
		if (reqs[i].attr)
			kv_add(a, &in.attrs, reqs[i].attr, reqs[i].value);
		struct form_errors e = {0};
		char ref[16];
		if (request_create(s, a, &in, &e, ref) <= 0) {
			snprintf(err, errn, "demo: cannot create request %zu (%s)", i, e.n ? e.key[0] : "database");
			return false;
		}
	}
	return true;
}

/* A principal for seeding as a demo account (roles loaded as a session would). */
static struct principal *as_user(store *s, arena *a, const char *email)
{
	struct user u;
	if (!user_find_login(s, a, email, &u, NULL))
		return NULL;
	struct principal *p = arena_alloc(a, sizeof *p);
	p->user_id = u.id;
	p->name = u.name;
	p->email = u.email;
	p->lang = u.lang;
	p->site_admin = u.site_admin;
	p->ngrants = user_grants(s, a, u.id, &p->grants);
	return p;
}

/* Consultations (open, closed, upcoming) with a short discussion. */
static bool seed_participation(store *s, arena *a, char *err, size_t errn)
{
	consultations_init(); /* registers the comment target */
	comments_init();
	int64_t now = now_s();
	static const struct {
		const char *dept, *lang, *title, *body, *summary;
		int opens_days, closes_days;
		bool proposals;
	} cs[] = {
		{"roads", "ar", "إنارة شارع محمد الخامس",
		 "تقترح الجماعة تجديد الإنارة العمومية في شارع محمد الخامس بمصابيح LED.\n\n"
		 "**ما رأيكم؟** هل تفضلون إضاءة أقوى أم أهدأ؟ وما هي الأماكن التي تحتاج إلى إنارة إضافية؟",
		 NULL, -1, 30, true},
		{"culture", "fr", "Horaires de la médiathèque",
		 "Nous souhaitons adapter les horaires de la médiathèque. Faut-il ouvrir le dimanche matin ?",
		 "Merci pour vos 240 contributions : la médiathèque ouvrira le dimanche de 9 h à 13 h dès janvier.", -40, -7, false},
		{"culture", "en", "Summer programme for young people",
		 "Tell us which activities you would like this summer: sports, workshops, outings?", NULL, 7, 37, true},
	};
	struct principal *editor = as_user(s, a, "editor@example.org");
	struct principal *citizen = as_user(s, a, "citizen@example.org");
	if (!editor || !citizen) {
		snprintf(err, errn, "demo: accounts missing");
		return false;
	}
	int64_t open_id = 0;
	for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
		char opens[32], closes[32];
		iso8601_utc(opens, sizeof opens, (time_t)(now + cs[i].opens_days * 86400));
		iso8601_utc(closes, sizeof closes, (time_t)(now + cs[i].closes_days * 86400));
		struct consult_input in = {.title = cs[i].title, .lang = cs[i].lang, .body = cs[i].body, .dept = cs[i].dept,
					   .opens_at = opens, .closes_at = closes, .allow_proposals = cs[i].proposals ? "1" : "0",
					   .support_threshold = cs[i].proposals ? "50" : NULL, .summary = cs[i].summary};
		struct consultation c = {.published = true, .author_id = editor->user_id};
		struct form_errors e = {0};
		if (!consult_apply_input(s, a, &in, &c, &e) || consult_insert(s, &c) < 0) {
			snprintf(err, errn, "demo: consultation %zu (%s)", i, e.n ? e.key[0] : "database");
			return false;
		}
		if (i == 0)
			open_id = c.id;
	}
	struct comment first, official, reply;
	struct comment_result res;
	if (!comment_create(s, a, citizen, "127.0.0.1", "consultation", open_id, 0,
			    "الإنارة ضعيفة قرب المدرسة، نرجو إضافة مصابيح هناك.", &first, &res) ||
	    !comment_create(s, a, editor, "127.0.0.1", "consultation", open_id, first.id,
			    "شكرا على الملاحظة، سنضيف ثلاثة مصابيح أمام المدرسة في المرحلة الأولى.", &official, &res) ||
	    !comment_create(s, a, citizen, "127.0.0.1", "consultation", open_id, official.id, "ممتاز، شكرا لكم!", &reply, &res)) {
		snprintf(err, errn, "demo: comments (%s)", res.key ? res.key : "?");
		return false;
	}
	return true;
}

/* Proposal spaces and proposals, polls with ballots, a survey with responses,
 * voted by eight demo citizens (voter1..8@example.org, password majlis-voter-2026). */
static bool seed_votes(store *s, arena *a, char *err, size_t errn)
{
	int64_t now = now_s();
	int64_t roads = dept_by_slug(s, "roads"), culture = dept_by_slug(s, "culture");
	int64_t voters[8];
	for (int i = 0; i < 8; i++) {
		voters[i] = user_create(s, arena_printf(a, "voter%d@example.org", i + 1), NULL,
					arena_printf(a, "Voter %d", i + 1), "majlis-voter-2026", i % 2 ? "fr" : "ar", false);
		if (voters[i] <= 0) {
			snprintf(err, errn, "demo: cannot create voter %d", i + 1);
			return false;
		}
	}
	struct principal *editor = as_user(s, a, "editor@example.org");
	struct principal *citizen = as_user(s, a, "citizen@example.org");
	struct proposal_space roads_space = {.dept_id = roads, .open = true, .threshold = 25, .deadline = now + 60 * 86400};
	struct proposal_space culture_space = {.dept_id = culture, .open = false};
	if (!proposal_space_set(s, &roads_space, editor->user_id) || !proposal_space_set(s, &culture_space, editor->user_id)) {
		snprintf(err, errn, "demo: proposal spaces");
		return false;
	}
	static const struct {
		const char *title, *body;
		int supports;
	} props[] = {
		{"إنارة الممر بين الحي الجديد والسوق",
		 "الممر الذي يربط الحي الجديد بالسوق مظلم بعد المغرب. نقترح تركيب أعمدة إنارة بالطاقة الشمسية.", 6},
		{"Une piste cyclable avenue Hassan II",
		 "Nous proposons une piste cyclable protégée sur l'avenue Hassan II, entre la gare et le lycée.", 3},
	};
	for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
		char *html = markdown_render(props[i].body, strlen(props[i].body));
		struct proposal p = {.dept_id = roads, .author_id = citizen->user_id, .title = props[i].title,
				     .body = props[i].body, .body_html = arena_strdup(a, html ? html : ""),
				     .threshold = roads_space.threshold, .deadline = roads_space.deadline};
		free(html);
		if (proposal_insert(s, &p) <= 0) {
			snprintf(err, errn, "demo: proposal %zu", i);
			return false;
		}
		for (int v = 0; v < props[i].supports; v++) {
			bool reached;
			proposal_support(s, a, p.id, voters[v], true, now, "http://127.0.0.1:8080", "ar", &reached);
		}
		if (i == 0)
			proposal_answer(s, a, p.id, "under_study",
					"المصلحة التقنية تدرس كلفة الأعمدة الشمسية وسنعود إليكم قبل نهاية الشهر.",
					editor->user_id, now, "http://127.0.0.1:8080");
	}
	static const char *const opts[] = {"إصلاح الحفر", "الأرصفة", "الإنارة العمومية", "ممرات الراجلين"};
	struct poll open_poll = {.dept_id = roads, .created_by = editor->user_id,
				 .question = "ما هي الأولوية لأشغال الطرق هذا العام؟", .max_choices = 1,
				 .opens_at = now - 86400, .closes_at = now + 20 * 86400, .changeable = true};
	static const char *const opts2[] = {"Oui", "Non", "Sans avis"};
	struct poll closed_poll = {.dept_id = roads, .created_by = editor->user_id,
				   .question = "Faut-il rendre la rue du marché piétonne le samedi ?", .max_choices = 1,
				   .opens_at = now - 30 * 86400, .closes_at = now - 86400, .results_after_close = true};
	if (poll_create(s, &open_poll, opts, 4) <= 0 || poll_create(s, &closed_poll, opts2, 3) <= 0) {
		snprintf(err, errn, "demo: polls");
		return false;
	}
	struct poll_option *o1, *o2;
	int n1, n2;
	struct poll tmp;
	poll_load(s, a, open_poll.id, &tmp, &o1, &n1);
	poll_load(s, a, closed_poll.id, &tmp, &o2, &n2);
	/* the closed poll's ballots were cast while it was open */
	for (int v = 0; v < 8; v++) {
		int64_t c1 = o1[(v * 3) % n1].id, c2 = o2[v % 3 == 2 ? 1 : 0].id;
		poll_vote(s, open_poll.id, voters[v], &c1, 1, now);
		poll_vote(s, closed_poll.id, voters[v], &c2, 1, closed_poll.opens_at + 3600);
	}
	struct s_option days[] = {{0, "Monday"}, {0, "Wednesday"}, {0, "Saturday"}, {0, "Sunday"}};
	struct s_option when[] = {{0, "Morning"}, {0, "Afternoon"}, {0, "Evening"}};
	struct s_question qs[] = {
		{.kind = Q_SINGLE, .label = "When do you usually visit the library?", .required = true, .options = when, .noptions = 3},
		{.kind = Q_MULTIPLE, .label = "Which days should it open longer?", .options = days, .noptions = 4},
		{.kind = Q_SCALE, .label = "How satisfied are you with the current hours?", .required = true},
		{.kind = Q_NUMBER, .label = "How many times did you visit last month?", .required = true, .has_min = true,
		 .has_max = true, .min = 0, .max = 31},
		{.kind = Q_LONG, .label = "Anything else you would like to tell us?"},
	};
	struct survey sv = {.dept_id = culture, .created_by = editor->user_id, .title = "Library opening hours",
			    .intro = "Help us set the new opening hours of the municipal library.", .opens_at = now - 86400,
			    .closes_at = now + 30 * 86400, .questions = qs, .nquestions = 5};
	if (survey_create(s, &sv) <= 0) {
		snprintf(err, errn, "demo: survey");
		return false;
	}
	struct survey full;
	survey_load(s, a, sv.id, &full);
	for (int v = 0; v < 5; v++) {
		struct s_answer ans[] = {
			{full.questions[0].id, full.questions[0].options[v % 3].id, NULL, false, 0},
			{full.questions[1].id, full.questions[1].options[(v + 2) % 4].id, NULL, false, 0},
			{full.questions[2].id, 0, NULL, true, 2 + v % 4},
			{full.questions[3].id, 0, NULL, true, v * 2},
			{full.questions[4].id, 0, v == 0 ? "Please open on Sunday mornings for families." : NULL, false, 0},
		};
		survey_respond(s, sv.id, voters[v], ans, v == 0 ? 5 : 4, now);
	}
	return true;
}

bool app_seed_demo(store *s, char *err, size_t errn)
{
	if (store_scalar(s, 0, "SELECT count(*) FROM departments", "") > 0) {
		printf("demo: departments already exist, nothing added\n");
		return true;
	}
	/* Seeding queues emails written from the catalogs. */
	if (!i18n_init(err, errn))
		return false;
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
	if (!seed_requests(s, a, err, errn) || !seed_participation(s, a, err, errn) || !seed_votes(s, a, err, errn))
		goto done;
	ok = true;
done:
	arena_free(a);
	i18n_shutdown();
	return ok;
}
