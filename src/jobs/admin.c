/* /admin/jobs: the queue as an administrator sees it — counts per state, the
 * dead letters with their last error, and a button to retry one. */
#include "jobs/jobs.h"
#include "core/util.h"
#include "web/page.h"
#include <string.h>

static void jobs_page(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	page_begin(r, TR(r, "jobs.title"));
	h_printf(&r->out, "<h1>%s</h1><ul>", TR(r, "jobs.title"));
	static const char *const states[] = {"queued", "running", "done", "dead"};
	for (int i = 0; i < 4; i++) {
		h_printf(&r->out, "<li>%s: ", TR(r, arena_printf(r->a, "jobs.%s", states[i])));
		fmt_int(&r->out, r->lang, store_scalar(s, 0, "SELECT count(*) FROM jobs WHERE status = ?", "t", states[i]));
		h_raw(&r->out, "</li>");
	}
	h_printf(&r->out, "</ul><h2>%s</h2><div class=\"table-wrap\"><table><thead><tr><th>#</th><th>%s</th><th>%s</th>"
			  "<th>%s</th><th></th></tr></thead><tbody>",
		 TR(r, "jobs.problems"), TR(r, "jobs.kind"), TR(r, "jobs.attempts"), TR(r, "jobs.last_error"));
	store_stmt *st = store_prepare(s, "SELECT id, kind, attempts, coalesce(last_error, ''), status FROM jobs "
					  "WHERE status = 'dead' OR (status = 'queued' AND attempts > 0) ORDER BY id DESC LIMIT 200");
	while (st && store_step(st) == STORE_ROW) {
		h_printf(&r->out, "<tr><td>%lld</td><td>%s</td><td>%lld</td><td>%s</td><td>", (long long)store_int(st, 0),
			 store_text(st, 1), (long long)store_int(st, 2), store_text(st, 3));
		if (!strcmp(store_text(st, 4), "dead")) {
			h_printf(&r->out, "<form method=\"post\" action=\"/admin/jobs/%lld/retry\" class=\"inline\">", (long long)store_int(st, 0));
			f_csrf(r);
			h_printf(&r->out, "<button>%s</button></form>", TR(r, "jobs.retry"));
		} else {
			h_text(&r->out, TR(r, "jobs.queued"));
		}
		h_raw(&r->out, "</td></tr>");
	}
	if (st)
		store_done(st);
	h_raw(&r->out, "</tbody></table></div>");
	page_end(r);
	resp_html(r, 200);
}

static void retry_post(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	if (!job_retry_dead(s, req_param_id(r, 0))) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	jobs_kick();
	resp_redirect(r, "/admin/jobs");
}

void jobs_routes(void)
{
	route_add(&(struct route){"GET", "/admin/jobs", jobs_page, ACCESS_SITE_ADMIN, 0, 0, "background jobs and dead letters"});
	route_add(&(struct route){"POST", "/admin/jobs/:id/retry", retry_post, ACCESS_SITE_ADMIN, 0, ROUTE_FORM, "retry a dead job"});
}
