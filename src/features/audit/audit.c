#include "features/audit/audit.h"
#include "core/log.h"
#include "core/util.h"
#include "web/page.h"

const struct migration audit_migrations[] = {
	{1, "CREATE TABLE audit_log ("
	    " id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor_id INTEGER, actor TEXT NOT NULL,"
	    " action TEXT NOT NULL, object_type TEXT, object_id INTEGER, detail TEXT, ip TEXT);"
	    "CREATE INDEX audit_at ON audit_log(at);"},
	{0, NULL},
};

static void record(store *s, int64_t actor_id, const char *actor, const char *action, const char *type,
		   int64_t object_id, const char *detail, const char *ip)
{
	store_stmt *st = store_prepare(s, "INSERT INTO audit_log(at, actor_id, actor, action, object_type, "
					  "object_id, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return;
	store_bind_int(st, 1, now_s());
	if (actor_id)
		store_bind_int(st, 2, actor_id);
	store_bind_text(st, 3, actor);
	store_bind_text(st, 4, action);
	store_bind_text(st, 5, type);
	if (object_id)
		store_bind_int(st, 6, object_id);
	store_bind_text(st, 7, detail);
	store_bind_text(st, 8, ip);
	if (store_step(st) != STORE_DONE)
		log_error("audit: cannot record %s", action);
	store_done(st);
}

void audit_record(struct req *r, store *s, const char *action, const char *object_type, int64_t object_id,
		  const char *detail)
{
	struct principal *p = req_who(r);
	const char *actor = p ? (p->email ? p->email : p->name) : "anonymous";
	record(s, p ? p->user_id : 0, actor, action, object_type, object_id, detail, r->ip);
}

void audit_record_as(struct req *r, store *s, int64_t actor_id, const char *actor, const char *action,
		     const char *object_type, int64_t object_id, const char *detail)
{
	record(s, actor_id, actor ? actor : "anonymous", action, object_type, object_id, detail, r->ip);
}

void audit_record_cli(store *s, const char *action, const char *object_type, int64_t object_id, const char *detail)
{
	record(s, 0, "cli", action, object_type, object_id, detail, NULL);
}

/* GET /admin/audit?before=ID — newest first, 100 a page. */
static void audit_page(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	int64_t before = INT64_MAX;
	const char *b = kv_get(&r->query, "before");
	if (b && !parse_int64(b, 1, INT64_MAX, &before)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	page_begin(r, TR(r, "audit.title"));
	h_printf(&r->out, "<h1>%s</h1><div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th>"
			  "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		 TR(r, "audit.title"), TR(r, "audit.when"), TR(r, "audit.who"), TR(r, "audit.action"),
		 TR(r, "audit.object"), TR(r, "audit.detail"));
	store_stmt *st = store_prepare(s, "SELECT id, at, actor, action, object_type, object_id, detail, ip "
					  "FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT 100");
	int64_t last = 0;
	int rows = 0;
	if (st) {
		store_bind_int(st, 1, before);
		while (store_step(st) == STORE_ROW) {
			last = store_int(st, 0);
			rows++;
			h_raw(&r->out, "<tr><td>");
			fmt_date(&r->out, r->lang, (time_t)store_int(st, 1), true);
			h_printf(&r->out, "</td><td>%s<br><span class=\"meta\">%s</span></td><td>%s</td><td>%s %s</td><td>%s</td></tr>",
				 store_text(st, 2), store_text(st, 7) ? store_text(st, 7) : "", store_text(st, 3),
				 store_text(st, 4) ? store_text(st, 4) : "",
				 store_is_null(st, 5) ? "" : arena_printf(r->a, "#%lld", (long long)store_int(st, 5)),
				 store_text(st, 6) ? store_text(st, 6) : "");
		}
		store_done(st);
	}
	h_raw(&r->out, "</tbody></table></div>");
	if (rows == 100)
		h_printf(&r->out, "<p class=\"pager\"><a href=\"/admin/audit?before=%lld\">%s</a></p>",
			 (long long)last, TR(r, "pager.older"));
	page_end(r);
	resp_html(r, 200);
}

void audit_routes(void)
{
	route_add(&(struct route){"GET", "/admin/audit", audit_page, ACCESS_SITE_ADMIN, 0, 0, "audit log"});
}
