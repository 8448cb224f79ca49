/* The moderators' pages: the queue (/staff/moderation), one item with its
 * flags and decision log (/staff/moderation/:type/:id), and the decision form.
 * Who sees what: moderation_may_moderate (moderation.h) — moderators and
 * department admins of the item's department, any moderator for items without
 * a department, site admins for everything. */
#include "features/moderation/internal.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "http/urlenc.h"
#include "web/page.h"
#include <string.h>

#define QUEUE_PAGE 100

static void write_date(struct req *r, int64_t t)
{
	h_raw(&r->out, "<time>");
	fmt_date(&r->out, r->lang, (time_t)t, true);
	h_raw(&r->out, "</time>");
}

static const char *state_key(const struct mod_item *it)
{
	if (it->pending)
		return "mod.state_pending";
	if (it->hidden)
		return "mod.state_hidden";
	return "mod.state_visible";
}

/* The decision form for an item; e carries the errors of a failed attempt. */
static void decide_form(struct req *r, const struct mod_item *it, const struct form_errors *e)
{
	const char *base = arena_printf(r->a, "/staff/moderation/%s/%lld", it->type, (long long)it->id);
	h_printf(&r->out, "<form method=\"post\" action=\"%s\" class=\"decide\">", base);
	f_csrf(r);
	static const struct select_option actions[] = {{"hide", "mod.action_hide", NULL}, {"restore", "mod.action_restore", NULL},
						{NULL, NULL, NULL}};
	const char *chosen = e ? kv_get(&r->form, "action") : NULL;
	f_select(r, e, "action", "mod.action", actions, chosen ? chosen : (it->hidden ? "restore" : "hide"));
	f_textarea(r, e, "reason", "mod.reason", e ? kv_get(&r->form, "reason") : NULL, 2);
	h_printf(&r->out, "<p class=\"hint\">%s</p><button>%s</button></form>", TR(r, "mod.reason_hint"), TR(r, "mod.decide"));
}

/* One queue entry (also the head of the item page). */
static void item_card(struct req *r, store *s, const struct mod_item *it, bool with_details_link)
{
	h_printf(&r->out, "<article class=\"mod-item\" id=\"%s-%lld\"><h2>%s #%lld — <span class=\"chip\">%s</span></h2>",
		 it->type, (long long)it->id, mod_type_label(r, it->type), (long long)it->id, TR(r, state_key(it)));
	if (it->exists) {
		h_printf(&r->out, "<blockquote dir=\"auto\">%s</blockquote>", it->excerpt);
		h_raw(&r->out, "<p class=\"meta\">");
		if (*it->link)
			h_printf(&r->out, "<a href=\"%s\">%s</a> · ", it->link, TR(r, "mod.view_item"));
		h_printf(&r->out, "%s: <a href=\"/staff/accounts/%lld\">%s</a>", TR(r, "mod.author"), (long long)it->author_id,
			 mod_user_name(r, s, it->author_id));
		if (it->dept_id > 0) {
			struct department d;
			if (dept_get(s, r->a, it->dept_id, &d))
				h_printf(&r->out, " · %s", dept_name(&d, r->lang));
		}
		h_raw(&r->out, "</p>");
	} else {
		h_printf(&r->out, "<p>%s</p>", TR(r, "mod.item_gone"));
	}
	h_printf(&r->out, "<p>%s: %d", TR(r, "mod.open_flags"), it->open_flags);
	for (int i = 0; i < MOD_NREASONS && flag_reasons[i]; i++)
		if (it->reasons[i])
			h_printf(&r->out, " · %s × %d", TR(r, arena_printf(r->a, "mod.reason.%s", flag_reasons[i])), it->reasons[i]);
	if (it->last_flag_at) {
		h_printf(&r->out, " · %s ", TR(r, "mod.last_flag"));
		write_date(r, it->last_flag_at);
	}
	h_raw(&r->out, "</p>");
	if (with_details_link && it->open_flags) { /* the open flags' notes (the item page has them all) */
		struct mod_flag *f;
		int nf = moderation_flags(s, r->a, it->type, it->id, &f), shown = 0;
		for (int i = 0; i < nf && shown < 5; i++) {
			if (f[i].resolved || !f[i].note)
				continue;
			if (!shown++)
				h_printf(&r->out, "<p>%s:</p><ul class=\"notes\">", TR(r, "mod.note"));
			h_printf(&r->out, "<li dir=\"auto\">%s — %s</li>", TR(r, arena_printf(r->a, "mod.reason.%s", f[i].reason)),
				 f[i].note);
		}
		if (shown)
			h_raw(&r->out, "</ul>");
	}
	if (with_details_link)
		h_printf(&r->out, "<p><a href=\"/staff/moderation/%s/%lld\">%s</a></p>", it->type, (long long)it->id,
			 TR(r, "mod.details"));
}

static void queue_get(struct req *r)
{
	store *s = mod_db(r);
	if (!s)
		return;
	struct mod_item *items;
	int n = moderation_queue(s, r->a, req_who(r), QUEUE_PAGE, &items);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	page_begin(r, TR(r, "mod.queue_title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "mod.queue_title"), TR(r, "mod.queue_intro"));
	const char *done = kv_get(&r->query, "done");
	if (done && (!strcmp(done, "hide") || !strcmp(done, "restore")))
		h_printf(&r->out, "<p class=\"notice ok\" role=\"status\">%s</p>",
			 TR(r, !strcmp(done, "hide") ? "mod.done_hide" : "mod.done_restore"));
	h_printf(&r->out, "<p><a href=\"/staff/accounts\">%s</a></p>", TR(r, "participate.accounts_title"));
	if (n == 0)
		h_printf(&r->out, "<p>%s</p>", TR(r, "mod.queue_empty"));
	for (int i = 0; i < n; i++) {
		item_card(r, s, &items[i], true);
		if (items[i].exists)
			decide_form(r, &items[i], NULL);
		h_raw(&r->out, "</article>");
	}
	page_end(r);
	resp_html(r, 200);
}

static void item_page(struct req *r, int status, const struct form_errors *e)
{
	store *s = mod_db(r);
	if (!s)
		return;
	const char *type = r->params[0];
	int64_t id = req_param_id(r, 1);
	struct mod_item it;
	if (!moderation_item(s, r->a, type, id, &it) || (!it.exists && !it.open_flags)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	if (!moderation_may_moderate(req_who(r), it.dept_id)) {
		resp_error(r, 403, "mod.not_your_department");
		return;
	}
	page_begin(r, arena_printf(r->a, "%s #%lld", mod_type_label(r, it.type), (long long)it.id));
	h_printf(&r->out, "<p><a href=\"/staff/moderation\">%s</a></p>", TR(r, "mod.queue_title"));
	f_errors_summary(r, e);
	item_card(r, s, &it, false);
	if (it.exists)
		decide_form(r, &it, e);
	h_raw(&r->out, "</article>");

	struct mod_flag *f;
	int nf = moderation_flags(s, r->a, it.type, id, &f);
	h_printf(&r->out, "<h2>%s</h2>", TR(r, "mod.flags"));
	if (nf <= 0) {
		h_printf(&r->out, "<p>%s</p>", TR(r, "mod.no_flags"));
	} else {
		h_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
				  "<th>%s</th></tr></thead><tbody>",
			 TR(r, "mod.when"), TR(r, "mod.flag_reason"), TR(r, "mod.note"), TR(r, "mod.flagger"), TR(r, "mod.flag_state"));
		for (int i = 0; i < nf; i++) {
			h_raw(&r->out, "<tr><td>");
			write_date(r, f[i].at);
			h_printf(&r->out, "</td><td>%s</td><td dir=\"auto\">%s</td><td><a href=\"/staff/accounts/%lld\">%s</a></td><td>%s</td></tr>",
				 TR(r, arena_printf(r->a, "mod.reason.%s", f[i].reason)), f[i].note ? f[i].note : "",
				 (long long)f[i].user_id, mod_user_name(r, s, f[i].user_id),
				 TR(r, f[i].resolved ? "mod.flag_resolved" : "mod.flag_open"));
		}
		h_raw(&r->out, "</tbody></table></div>");
	}

	struct mod_decision *d;
	int nd = moderation_decisions(s, r->a, it.type, id, &d);
	h_printf(&r->out, "<h2>%s</h2>", TR(r, "mod.log"));
	if (nd <= 0) {
		h_printf(&r->out, "<p>%s</p>", TR(r, "mod.no_decisions"));
	} else {
		h_printf(&r->out, "<ol class=\"history\">");
		for (int i = 0; i < nd; i++) {
			h_raw(&r->out, "<li>");
			write_date(r, d[i].at);
			h_printf(&r->out, " — <strong>%s</strong>", TR(r, arena_printf(r->a, "mod.log_%s", d[i].action)));
			if (d[i].moderator_id)
				h_printf(&r->out, " — %s", mod_user_name(r, s, d[i].moderator_id));
			if (d[i].reason)
				h_printf(&r->out, "<br><span dir=\"auto\">%s</span>", d[i].reason);
			h_raw(&r->out, "</li>");
		}
		h_raw(&r->out, "</ol>");
	}
	page_end(r);
	resp_html(r, status);
}

static void item_get(struct req *r) { item_page(r, 200, NULL); }

static void decide_post(struct req *r)
{
	store *s = mod_db(r);
	if (!s)
		return;
	struct mod_outcome o = mod_decide(r, s, r->params[0], req_param_id(r, 1), kv_get(&r->form, "action"),
					  kv_get(&r->form, "reason"));
	if (o.status == 200) {
		const char *action = kv_get(&r->form, "action");
		resp_redirect(r, arena_printf(r->a, "/staff/moderation?done=%s", !strcmp(action, "hide") ? "hide" : "restore"));
	} else if (o.status == 422) {
		struct form_errors e = {0};
		form_error(&e, o.field, o.key);
		item_page(r, 422, &e);
	} else {
		resp_error(r, o.status, o.key);
	}
}

void moderation_pages_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/staff/moderation", queue_get, ACCESS_ROLE, ROLE_MODERATOR, 0, "moderation queue"},
		{"GET", "/staff/moderation/:type/:id", item_get, ACCESS_ROLE, ROLE_MODERATOR, 0,
		 "a flagged item: flags and decision log"},
		{"POST", "/staff/moderation/:type/:id", decide_post, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_FORM,
		 "hide or restore an item, with a reason"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
