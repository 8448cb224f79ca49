/* The weekly digest email to management. A periodic task (jobs_every) notices
 * when a new ISO week has begun and queues, for the week just ended, one
 * "insight.digest" job per department and one for the whole administration,
 * keyed "digest:<slug|all>:<YYYY-Www>" so that each is queued once whatever
 * the number of ticks, restarts or processes. The job reads the aggregates
 * (insight.h), and queues one email per recipient in their language — the
 * department's admins, or the site admins for the whole administration —
 * keyed "digest:<slug|all>:<week>:<address>" (mail_queue is idempotent too):
 * volume against the previous week, the sentiment shift, top and emerging
 * topics, the largest clusters and links to the dashboard. A scope without a
 * single message that week sends nothing. POST /insight/digest/send (site
 * admins) queues a given week at once (same keys: never twice). */
#include "features/insight/dashboard.h"
#include "core/log.h"
#include "core/util.h"
#include "jobs/mail.h"
#include "web/i18n.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIGEST_KIND "insight.digest"

/* ---- ISO weeks over local day numbers (day 0 = 1970-01-01, a Thursday) ---- */

static int weekday(int32_t day) /* Monday 0 .. Sunday 6 */
{
	int w = (int)((day + 3) % 7);
	return w < 0 ? w + 7 : w;
}

static void civil(int32_t day, int *y, int *yday)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	*y = tm.tm_year + 1900;
	*yday = tm.tm_yday;
}

static int32_t day_of(int y, int mon, int mday)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mon - 1, .tm_mday = mday, .tm_hour = 12};
	return (int32_t)(timegm(&tm) / 86400);
}

void digest_iso_week(int32_t day, char out[9])
{
	int32_t thu = day - weekday(day) + 3;
	int y, yday;
	civil(thu, &y, &yday);
	int w = yday / 7 + 1;
	snprintf(out, 9, "%04d-W%02d", (y % 10000 + 10000) % 10000, w < 1 ? 1 : w > 53 ? 53 : w);
}

int32_t digest_week_monday(const char *week)
{
	int y, w;
	char tail;
	if (!week || strlen(week) != 8 || sscanf(week, "%4d-W%2d%c", &y, &w, &tail) != 2 || y < 1970 || y > 9999 || w < 1 ||
	    w > 53)
		return 0;
	int32_t jan4 = day_of(y, 1, 4);
	int32_t monday = jan4 - weekday(jan4) + (w - 1) * 7;
	char back[9];
	digest_iso_week(monday, back);
	return strcmp(back, week) ? 0 : monday;
}

/* ---- queuing ---- */

int digest_enqueue_week(store *s, int32_t monday)
{
	arena *a = arena_new();
	char week[9];
	digest_iso_week(monday, week);
	struct department *d;
	int nd = dept_list(s, a, &d), fresh = 0;
	if (nd < 0) {
		arena_free(a);
		return -1;
	}
	for (int i = -1; i < nd; i++) {
		const char *slug = i < 0 ? "all" : d[i].slug;
		json_t *p = json_pack("{s:s,s:i,s:s}", "scope", slug, "monday", (int)monday, "week", week);
		char *payload = json_dumps(p, JSON_COMPACT);
		json_decref(p);
		int64_t id = job_enqueue(s, DIGEST_KIND, arena_printf(a, "digest:%s:%s", slug, week), payload, 0);
		free(payload);
		if (id < 0) {
			arena_free(a);
			return -1;
		}
		fresh += id > 0;
	}
	arena_free(a);
	return fresh;
}

static int32_t last_queued; /* the worker thread only */

static void tick(store *s, const struct config *cfg)
{
	(void)cfg;
	int32_t monday = insight_period_start(insight_today(), INSIGHT_WEEK) - 7;
	if (monday == last_queued)
		return;
	if (digest_enqueue_week(s, monday) >= 0) {
		last_queued = monday;
		jobs_kick();
	}
}

/* ---- the email ---- */

struct week_figures {
	int64_t total, pos, neg, neu;
};

static bool figures(store *s, arena *a, const struct insight_filter *base, int32_t monday, struct week_figures *w)
{
	struct insight_filter f = *base;
	f.from_day = monday;
	f.to_day = monday + 6;
	f.gran = INSIGHT_WEEK;
	struct insight_point *p;
	int n = insight_series(s, a, &f, &p);
	if (n < 0)
		return false;
	memset(w, 0, sizeof *w);
	for (int i = 0; i < n; i++) {
		w->total += p[i].total;
		w->pos += p[i].pos;
		w->neg += p[i].neg;
		w->neu += p[i].neu;
	}
	return true;
}

static const char *num(arena *a, const char *lang, long long n)
{
	strbuf t = STRBUF_INIT;
	fmt_int(&t, lang, n);
	char *s = arena_strdup(a, sb_str(&t));
	sb_free(&t);
	return s;
}

static const char *signed_pct(arena *a, const char *lang, double v)
{
	long long x = llround(v);
	const char *n = num(a, lang, x);
	return T_fill(a, T(lang, "insight.percent"), 1, (const char *[]){x > 0 ? arena_printf(a, "+%s", n) : n});
}

static double net(const struct week_figures *w)
{
	return dash_net(w->pos, w->neg, w->neu);
}

/* The plain-text body for one language. */
static char *body(arena *a, store *s, const struct config *cfg, const char *lang, const char *scope_name,
		  const char *slug, const char *week, int32_t monday, const struct week_figures *now,
		  const struct week_figures *before, const struct insight_filter *f)
{
	strbuf sb = STRBUF_INIT;
	char d0[11], d1[11];
	insight_day_format(monday, d0);
	insight_day_format(monday + 6, d1);
	sb_puts(&sb, T_fill(a, T(lang, "insight.digest_mail_intro"), 4, (const char *[]){scope_name, week, d0, d1}));
	sb_puts(&sb, "\n\n");
	const char *change = before->total ? signed_pct(a, lang, 100.0 * (double)(now->total - before->total) / (double)before->total)
					   : "—";
	sb_puts(&sb, T_fill(a, T(lang, "insight.digest_mail_volume"), 3,
			    (const char *[]){num(a, lang, now->total), num(a, lang, before->total), change}));
	sb_puts(&sb, "\n");
	double shift = net(now) - net(before);
	sb_puts(&sb, T_fill(a, T(lang, "insight.digest_mail_sentiment"), 6,
			    (const char *[]){num(a, lang, now->pos), num(a, lang, now->neg), num(a, lang, now->neu),
					     signed_pct(a, lang, net(now)), signed_pct(a, lang, net(before)),
					     signed_pct(a, lang, shift)}));
	sb_puts(&sb, "\n\n");
	struct insight_term *t;
	int n = insight_top_terms(s, a, f, 1, 5, &t);
	sb_printf(&sb, "%s\n", T(lang, "insight.digest_mail_top"));
	if (n <= 0)
		sb_printf(&sb, "- %s\n", T(lang, "insight.digest_mail_none"));
	for (int i = 0; i < n; i++)
		sb_printf(&sb, "- %s (%s)\n", t[i].display, num(a, lang, t[i].count));
	struct insight_emerging *e;
	n = insight_emerging_terms(s, a, f, 1, 0, 0, 5, &e);
	sb_printf(&sb, "\n%s\n", T(lang, "insight.digest_mail_emerging"));
	if (n <= 0)
		sb_printf(&sb, "- %s\n", T(lang, "insight.digest_mail_none"));
	for (int i = 0; i < n; i++)
		sb_printf(&sb, "- %s: %s / %s (G² %.1f, p %s)\n", e[i].display, num(a, lang, e[i].now), num(a, lang, e[i].before),
			  e[i].g2, e[i].p < 0.001 ? "< 0.001" : arena_printf(a, "%.3f", e[i].p));
	struct insight_cluster *c;
	n = insight_clusters(s, a, f, 3, &c);
	sb_printf(&sb, "\n%s\n", T(lang, "insight.digest_mail_clusters"));
	if (n <= 0)
		sb_printf(&sb, "- %s\n", T(lang, "insight.digest_mail_none"));
	for (int i = 0; i < n; i++)
		sb_printf(&sb, "- %s (%s)\n", c[i].label, num(a, lang, c[i].size));
	const char *link = arena_printf(a, "%s/insight?from=%s&to=%s&gran=day%s%s&lang=%s", cfg->base_url, d0, d1,
					strcmp(slug, "all") ? "&dept=" : "", strcmp(slug, "all") ? slug : "", lang);
	sb_puts(&sb, "\n");
	sb_puts(&sb, T_fill(a, T(lang, "insight.digest_mail_link"), 1, (const char *[]){link}));
	sb_puts(&sb, "\n");
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}

static enum job_result digest_job(store *s, const struct config *cfg, const char *payload, const char *key, char *err,
				  size_t errn)
{
	(void)key;
	json_error_t je;
	json_t *p = json_loads(payload, 0, &je);
	const char *slug = NULL, *week = NULL;
	int monday = 0;
	if (!p || json_unpack(p, "{s:s,s:i,s:s}", "scope", &slug, "monday", &monday, "week", &week)) {
		json_decref(p);
		snprintf(err, errn, "bad payload");
		return JOB_FAILED;
	}
	arena *a = arena_new();
	enum job_result res = JOB_RETRY;
	struct insight_filter f = {.from_day = monday, .to_day = monday + 6, .gran = INSIGHT_DAY};
	struct department dept;
	bool all = !strcmp(slug, "all");
	if (!all) {
		int64_t id = dept_by_slug(s, slug);
		if (!id || !dept_get(s, a, id, &dept)) {
			res = JOB_DONE; /* the department is gone: nothing to send */
			goto done;
		}
		f.dept_id = id;
	}
	struct week_figures now, before;
	if (!figures(s, a, &f, monday, &now) || !figures(s, a, &f, monday - 7, &before)) {
		snprintf(err, errn, "cannot read the aggregates");
		goto done;
	}
	if (now.total == 0) {
		res = JOB_DONE;
		goto done;
	}
	const char **to = NULL, **langs = NULL;
	int n;
	if (all) {
		n = digest_site_admins(s, a, &to, &langs);
	} else {
		n = dept_staff_emails(s, a, f.dept_id, ROLE_ADMIN, &to);
		if (n > 0) {
			langs = arena_alloc(a, sizeof *langs * (size_t)n);
			for (int i = 0; i < n; i++) {
				struct user u;
				langs[i] = user_find_login(s, a, to[i], &u, NULL) && u.lang ? u.lang : "";
			}
		}
	}
	if (n < 0) {
		snprintf(err, errn, "cannot read the recipients");
		goto done;
	}
	if (!store_begin(s)) {
		snprintf(err, errn, "cannot begin");
		goto done;
	}
	for (int i = 0; i < n; i++) {
		const char *lang = lang_supported(langs[i]) ? langs[i] : cfg->default_lang;
		const char *scope_name = all ? T(lang, "insight.digest_all") : dept_name(&dept, lang);
		const char *subject = T_fill(a, T(lang, "insight.digest_subject"), 2, (const char *[]){week, scope_name});
		const char *text = body(a, s, cfg, lang, scope_name, slug, week, monday, &now, &before, &f);
		if (mail_queue(s, arena_printf(a, "digest:%s:%s:%s", slug, week, to[i]), to[i], subject, text, NULL, lang) < 0) {
			store_rollback(s);
			snprintf(err, errn, "cannot queue the emails");
			goto done;
		}
	}
	if (!store_commit(s)) {
		store_rollback(s);
		snprintf(err, errn, "cannot commit");
		goto done;
	}
	if (n > 0)
		jobs_kick();
	log_info("digest %s %s: %d email(s) queued", slug, week, n);
	res = JOB_DONE;
done:
	json_decref(p);
	arena_free(a);
	return res;
}

void digest_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	job_register(DIGEST_KIND, digest_job);
	jobs_every(tick);
}
