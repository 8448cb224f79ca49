/* Notification jobs: turn a request event into emails, in each recipient's
 * language, each email its own idempotent job. Also the periodic jobs: the SLA
 * breach scan and the automatic closing of solved requests. */
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"
#include "jobs/jobs.h"
#include "jobs/mail.h"
#include "core/log.h"
#include "core/util.h"
#include "web/i18n.h"
#include <jansson.h>
#include <string.h>

/* Adds the citizen(s) to notify for request id: its author (contact email or
 * account email) and the authors of requests merged into it. */
static int citizen_recipients(store *s, arena *a, int64_t id, const char **to, const char **lang, int max)
{
	int n = 0;
	store_stmt *st = store_prepare(s, "SELECT contact_email, user_id, lang FROM requests WHERE id = ?1 OR merged_into = ?1 "
					  "ORDER BY id LIMIT 50");
	if (!st)
		return 0;
	store_bind_int(st, 1, id);
	struct { const char *email; int64_t uid; const char *lang; } rows[50];
	int nr = 0;
	while (nr < 50 && store_step(st) == STORE_ROW) {
		rows[nr].email = arena_strdup(a, store_text(st, 0));
		rows[nr].uid = store_int(st, 1);
		rows[nr].lang = arena_strdup(a, store_text(st, 2));
		nr++;
	}
	store_done(st);
	for (int i = 0; i < nr && n < max; i++) {
		const char *ulang = NULL;
		const char *email = rows[i].email ? rows[i].email : user_email(s, a, rows[i].uid, &ulang);
		if (!email)
			continue;
		bool dup = false;
		for (int k = 0; k < n; k++)
			dup |= !strcmp(to[k], email);
		if (dup)
			continue;
		to[n] = email;
		lang[n] = ulang && lang_supported(ulang) ? ulang : rows[i].lang;
		n++;
	}
	return n;
}

static enum job_result notify_job(store *s, const struct config *cfg, const char *payload, const char *key, char *err,
				  size_t errn)
{
	json_error_t jerr;
	json_t *p = json_loads(payload, 0, &jerr);
	json_int_t id = 0;
	const char *what = NULL, *detail = NULL;
	if (!p || json_unpack(p, "{s:I,s:s,s?s}", "id", &id, "what", &what, "detail", &detail)) {
		json_decref(p);
		snprintf(err, errn, "malformed notification payload");
		return JOB_FAILED;
	}
	arena *a = arena_new();
	struct request r;
	enum job_result res = JOB_DONE;
	if (!request_load(s, a, id, &r)) {
		res = JOB_DONE; /* request gone: nothing to say */
		goto done;
	}
	const char *to[50], *lang[50];
	int n = 0;
	bool staff = false;
	if (!strcmp(what, "assigned")) {
		const char *l = NULL;
		to[0] = user_email(s, a, r.assignee_id, &l);
		lang[0] = l && lang_supported(l) ? l : r.lang;
		n = to[0] ? 1 : 0;
		staff = true;
	} else if (!strcmp(what, "breach")) {
		const char **emails;
		int k = dept_staff_emails(s, a, r.dept_id, ROLE_ADMIN, &emails);
		for (int i = 0; i < k && n < 50; i++, n++) {
			to[n] = emails[i];
			lang[n] = "ar";
		}
		staff = true;
	} else if (!strcmp(what, "citizen_reply")) {
		const char *l = NULL;
		to[0] = r.assignee_id ? user_email(s, a, r.assignee_id, &l) : NULL;
		lang[0] = l && lang_supported(l) ? l : "ar";
		n = to[0] ? 1 : 0;
		staff = true;
	} else {
		n = citizen_recipients(s, a, r.id, to, lang, 50);
	}
	char token[65];
	request_token(r.id, token);
	for (int i = 0; i < n; i++) {
		const char *L = lang[i];
		const char *link = staff ? arena_printf(a, "%s/staff/requests/%lld", cfg->base_url, (long long)r.id)
					 : arena_printf(a, "%s/requests/%s?token=%s", cfg->base_url, r.ref, token);
		const char *what_text = T(L, arena_printf(a, "notify.%s", what));
		const char *status_text = T(L, arena_printf(a, "rstatus.%s", req_status_names[r.status]));
		const char *shown_detail = detail ? detail : "";
		if (!strcmp(what, "status"))
			shown_detail = status_text;
		else if (!strcmp(what, "breach"))
			shown_detail = T(L, arena_printf(a, "sla.%s", detail ? detail : "resolution"));
		const char *args[] = {r.ref, what_text, shown_detail, link, status_text};
		const char *subject = T_fill(a, T(L, "notify.subject"), 2, args);
		const char *body = T_fill(a, T(L, "notify.body"), 5, args);
		const char *mkey = arena_printf(a, "%s:%s", key && *key ? key : payload, to[i]);
		if (mail_queue(s, mkey, to[i], subject, body, NULL, L) < 0) {
			snprintf(err, errn, "cannot queue email");
			res = JOB_RETRY;
		}
	}
done:
	arena_free(a);
	json_decref(p);
	return res;
}

/* Every tick of the worker: breach scan, then auto-close. */
static void tick(store *s, const struct config *cfg)
{
	(void)cfg;
	int64_t now = now_s();
	sla_scan(s, now);
	requests_auto_close(s, now);
}

void requests_init(void)
{
	job_register("request_notify", notify_job);
	jobs_every(tick);
}
