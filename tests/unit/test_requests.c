/* The requests engine against a real SQLite file: business-hours arithmetic,
 * SLA clocks (start, pause, resume, fulfil, breach), actions, inbox order. */
#include "tap.h"
#include "app/app.h"
#include "features/accounts/accounts.h"
#include "features/requests/requests.h"
#include "http/csrf.h"
#include "store/migrate.h"
#include "core/util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t utc(int y, int mo, int d, int h, int mi)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
	return (int64_t)timegm(&tm);
}

static void calendar_tests(void)
{
	struct calendar c;
	cal_default(&c); /* Mon–Fri 08:30–16:30 */
	int64_t mon8 = utc(2026, 11, 30, 8, 0); /* Monday */
	is_int(cal_add(&c, mon8, 3600), utc(2026, 11, 30, 9, 30), "1 h from Monday 08:00 ends 09:30 (opens 08:30)");
	int64_t fri16 = utc(2026, 12, 4, 16, 0);
	is_int(cal_add(&c, fri16, 3600), utc(2026, 12, 7, 9, 0), "1 h from Friday 16:00 ends Monday 09:00");
	is_int(cal_elapsed(&c, fri16, utc(2026, 12, 7, 9, 0)), 3600, "elapsed over the weekend counts working time only");
	is_int(cal_elapsed(&c, utc(2026, 12, 5, 10, 0), utc(2026, 12, 6, 10, 0)), 0, "a weekend day is not working time");
	c.holidays[c.nholidays++] = 20261207;
	is_int(cal_add(&c, fri16, 3600), utc(2026, 12, 8, 9, 0), "a Monday holiday pushes the due time to Tuesday");
	is_int(cal_add(&c, mon8, 8 * 3600), utc(2026, 11, 30, 16, 30), "a full working day fits Monday");
	struct calendar empty = {0};
	ok(cal_add(&empty, mon8, 60) == INT64_MAX, "a calendar with no open hours never advances");
	is_int(cal_add(&c, mon8, 0), mon8, "zero seconds: due at start");
}

static int64_t clock_state(store *s, int64_t id, const char *target, char *state, size_t n)
{
	store_stmt *st = store_prepare(s, "SELECT state, coalesce(due_at, 0), breached FROM request_clocks WHERE request_id = ? AND target = ?");
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, target);
	int64_t due = -1;
	snprintf(state, n, "none");
	if (store_step(st) == STORE_ROW) {
		snprintf(state, n, "%s", store_text(st, 0));
		due = store_int(st, 1);
	}
	store_done(st);
	return due;
}

static int64_t count(store *s, const char *sql, int64_t id)
{
	return store_scalar(s, -1, sql, "i", id);
}

static void engine_tests(void)
{
	char dir[] = "/tmp/majlis-req-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	char path[256];
	snprintf(path, sizeof path, "%s/t.db", dir);
	char *err = NULL;
	app_store_setup();
	store *s = store_open(path, &err);
	char msg[512];
	int applied = 0;
	ok(s && migrate_apply(s, app_schemas, &applied, msg, sizeof msg), "schema applied");
	unsigned char key[32] = {1};
	csrf_set_secret(key);

	int64_t roads = dept_create(s, "roads", "الطرق", "Voirie", "Roads");
	int64_t water = dept_create(s, "water", "الماء", "Eau", "Water");
	struct category cat = {.dept_id = roads, .code = "pothole", .name = {"حفرة", "Nid-de-poule", "Pothole"},
			       .public = true, .active = true};
	int64_t cid = category_save(s, &cat);
	ok(cid > 0, "category saved");
	struct attr_value sizes[] = {{"small", {"صغيرة", "petit", "small"}}, {"big", {"كبيرة", "grand", "big"}}};
	struct attribute attrs[] = {{.code = "size", .datatype = "singlevaluelist", .label = {"الحجم", "Taille", "Size"},
				     .required = true, .values = sizes, .nvalues = 2}};
	ok(category_save_attributes(s, cid, attrs, 1), "attributes saved");
	struct sla_policy pol = {.seconds = {3600, 1800, 86400}, .business_hours = false, .raise_priority = true};
	ok(sla_policy_set(s, cid, RP_NORMAL, &pol), "24/7 policy saved");

	arena *a = arena_new();
	struct request_input in = {.kind = "report", .category_code = "pothole", .description = "حفرة كبيرة أمام المدرسة",
				   .contact_email = "Citizen@Example.org", .lang = "ar", .lat = "33.5", .lon = "-7.6"};
	struct form_errors e = {0};
	char ref[16];
	int64_t id = request_create(s, a, &in, &e, ref);
	is_int(id, 0, "missing required attribute refused");
	ok(form_error_for(&e, "attribute[size]") != NULL, "error names the attribute");
	kv_add(a, &in.attrs, "size", "huge");
	memset(&e, 0, sizeof e);
	is_int(request_create(s, a, &in, &e, ref), 0, "value outside the list refused");
	in.attrs.n = 0;
	kv_add(a, &in.attrs, "size", "big");
	memset(&e, 0, sizeof e);
	id = request_create(s, a, &in, &e, ref);
	ok(id > 0, "request created");
	ok(strlen(ref) == 9 && ref[0] == 'R' && ref[1] == '-', "reference looks like R-XXXXXXX (%s)", ref);
	struct request r;
	ok(request_load(s, a, id, &r), "request loads");
	is_int(r.dept_id, roads, "routed to the category's department");
	is_str(r.contact_email, "citizen@example.org", "contact email normalised");
	is_str(r.attributes, "{\"size\":\"big\"}", "attributes stored as JSON");
	char st[16];
	int64_t due_first = clock_state(s, id, "first_response", st, sizeof st);
	is_str(st, "running", "first-response clock running");
	ok(due_first >= r.created_at + 3600 - 2 && due_first <= r.created_at + 3600 + 2, "due in one hour (24/7)");
	is_int(r.next_due_at, due_first, "next due = earliest running clock");
	ok(count(s, "SELECT count(*) FROM jobs WHERE kind = 'request_notify' AND payload LIKE '%created%' AND ? > 0", id) == 1,
	   "receipt notification queued");
	char tok[65];
	request_token(id, tok);
	ok(request_token_ok(id, tok) && !request_token_ok(id + 1, tok), "private-link token checks");

	struct actor agent = {0, "agent", true};
	ok(request_set_status(s, id, RS_PENDING, &agent), "pending");
	clock_state(s, id, "first_response", st, sizeof st);
	is_str(st, "paused", "clocks pause while waiting for the citizen");
	ok(request_load(s, a, id, &r) && r.next_due_at == 0, "no due time while paused");
	struct actor citizen = {0, "citizen", false};
	ok(request_citizen_reply(s, id, "هذه صورة إضافية", &citizen), "citizen answers");
	ok(request_load(s, a, id, &r) && r.status == RS_OPEN, "citizen answer reopens (pending → open)");
	clock_state(s, id, "first_response", st, sizeof st);
	is_str(st, "running", "clocks resume");
	ok(request_reply(s, id, "شكرا، سنتدخل", true, -1, &agent), "public reply");
	clock_state(s, id, "first_response", st, sizeof st);
	is_str(st, "fulfilled", "first response fulfilled by the public reply");
	ok(request_reply(s, id, "internal: send team B", false, -1, &agent), "internal note");
	struct request_event *ev;
	int all = request_events(s, a, id, true, &ev), pub = request_events(s, a, id, false, &ev);
	ok(all == pub + 1, "the note is hidden from the public history (%d vs %d)", all, pub);
	ok(request_citizen_reply(s, id, "متى؟", &citizen), "citizen asks again");
	clock_state(s, id, "next_response", st, sizeof st);
	is_str(st, "running", "next-response clock starts after a citizen reply");

	/* breach: pretend two hours passed */
	int breached = sla_scan(s, now_s() + 7200);
	is_int(breached, 1, "the next-response target breaches (resolution not yet)");
	ok(request_load(s, a, id, &r) && r.overdue, "request flagged overdue");
	is_int(r.priority, RP_HIGH, "priority raised on breach");
	is_int(sla_scan(s, now_s() + 7200), 0, "a breach is counted once");
	is_int(count(s, "SELECT count(*) FROM request_clock_events WHERE request_id = ? AND event = 'breached'", id), 1,
	       "breach recorded as a clock event");

	/* second request for the inbox and merge */
	in.description = "حفرة كبيرة أمام المدرسة الابتدائية";
	memset(&e, 0, sizeof e);
	char ref2[16];
	int64_t id2 = request_create(s, a, &in, &e, ref2);
	ok(id2 > 0, "second request");
	struct request *sim;
	struct request r2;
	request_load(s, a, id2, &r2);
	int nsim = request_similar(s, a, &r2, 5, &sim);
	ok(nsim >= 1 && sim[0].id == id, "the similar open request is suggested (%d)", nsim);
	struct inbox_filter f = {.dept_id = roads, .priority = -1, .limit = 10};
	struct request *list;
	int n = inbox_list(s, a, &f, &list);
	is_int(n, 2, "inbox of roads shows both");
	ok(n == 2 && list[0].id == id, "overdue request first (earliest due)");
	is_int(inbox_count(s, &f), 2, "count matches");
	f.dept_id = water;
	is_int(inbox_list(s, a, &f, &list), 0, "the water inbox is empty");
	ok(request_merge(s, id2, id, &agent), "merge the duplicate");
	ok(request_load(s, a, id2, &r2) && r2.status == RS_CLOSED && r2.merged_into == id, "merged request closed and linked");
	ok(!request_merge(s, id2, id, &agent), "cannot merge twice");

	ok(request_transfer(s, id, water, "belongs to water", &agent), "transfer to water");
	ok(request_load(s, a, id, &r) && r.dept_id == water, "now in water");
	ok(!request_rate(s, id, 5, NULL, &citizen), "no rating before solved");
	ok(request_set_status(s, id, RS_SOLVED, &agent), "solved");
	clock_state(s, id, "resolution", st, sizeof st);
	is_str(st, "fulfilled", "resolution fulfilled");
	ok(request_rate(s, id, 4, "سريع", &citizen), "rated 4");
	ok(!request_rate(s, id, 5, NULL, &citizen), "rated once only");
	ok(!request_set_status(s, id, RS_NEW, &agent), "cannot go back to new");
	is_int(requests_auto_close(s, now_s() + 8 * 86400), 1, "auto-closed after 7 days");
	ok(request_load(s, a, id, &r) && r.status == RS_CLOSED, "closed");
	ok(!request_reply(s, id, "late", true, -1, &agent), "no reply on a closed request");

	arena_free(a);
	store_close(s);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	free(err);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	calendar_tests();
	engine_tests();
	return done_testing();
}
