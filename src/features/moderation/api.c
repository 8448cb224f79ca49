/* JSON API for moderators: GET /api/v1/moderation/queue, GET
 * /api/v1/moderation/:type/:id (flags and decision log), POST
 * /api/v1/moderation/:type/:id/decisions {"action":"hide"|"restore","reason"}.
 * The moderator role is needed (session + X-CSRF-Token, or an API token); the
 * department rule is moderation_may_moderate. */
#include "web/json_util.h"
#include "features/moderation/internal.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "web/page.h"
#include <stdlib.h>
#include <string.h>

static json_t *item_json(struct req *r, store *s, const struct mod_item *it)
{
	json_t *reasons = json_object();
	for (int i = 0; i < MOD_NREASONS && flag_reasons[i]; i++)
		if (it->reasons[i])
			json_object_set_new(reasons, flag_reasons[i], json_integer(it->reasons[i]));
	const char *slug = NULL;
	struct department d;
	if (it->dept_id > 0 && dept_get(s, r->a, it->dept_id, &d))
		slug = d.slug;
	const char *state = it->pending ? "hidden_pending" : it->hidden ? "hidden" : "visible";
	return json_pack("{s:s,s:I,s:b,s:s,s:o,s:o,s:s,s:s,s:I,s:o,s:I,s:o,s:o}", "type", it->type, "id",
			 (json_int_t)it->id, "exists", it->exists, "state", state,
			 "department_id", it->dept_id > 0 ? json_integer(it->dept_id) : json_null(),
			 "department", slug ? json_string(slug) : json_null(), "excerpt", it->excerpt, "link", it->link,
			 "author_id", (json_int_t)it->author_id, "author", json_string(mod_user_name(r, s, it->author_id)),
			 "open_flags", (json_int_t)it->open_flags, "reasons", reasons, "last_flag_at", json_time(it->last_flag_at));
}

static void queue(struct req *r)
{
	store *s = mod_db(r);
	if (!s)
		return;
	int64_t limit = 100;
	const char *l = kv_get(&r->query, "limit");
	if (l && !parse_int64(l, 1, 500, &limit)) {
		resp_json_error(r, 422, "invalid", TR(r, "mod.bad_limit"));
		return;
	}
	struct mod_item *items;
	int n = moderation_queue(s, r->a, req_who(r), (int)limit, &items);
	if (n < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	json_t *arr = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, item_json(r, s, &items[i]));
	resp_json(r, 200, json_pack("{s:o,s:i}", "items", arr, "threshold", moderation_threshold(s)));
}

/* The item named by the route, checked for the principal; NULL after answering. */
static bool load_item(struct req *r, store *s, struct mod_item *it)
{
	int64_t id = req_param_id(r, 1);
	if (!moderation_item(s, r->a, r->params[0], id, it) || (!it->exists && !it->open_flags)) {
		resp_json_error(r, 404, "unknown_item", TR(r, "mod.unknown_item"));
		return false;
	}
	if (!moderation_may_moderate(req_who(r), it->dept_id)) {
		resp_json_error(r, 403, "forbidden", TR(r, "mod.not_your_department"));
		return false;
	}
	return true;
}

static json_t *decisions_json(struct req *r, store *s, const struct mod_item *it)
{
	struct mod_decision *d;
	int nd = moderation_decisions(s, r->a, it->type, it->id, &d);
	json_t *arr = json_array();
	for (int i = 0; i < nd; i++)
		json_array_append_new(arr, json_pack("{s:I,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)d[i].id, "action", d[i].action,
						     "reason", d[i].reason ? json_string(d[i].reason) : json_null(),
						     "moderator_id", d[i].moderator_id ? json_integer(d[i].moderator_id) : json_null(),
						     "moderator", d[i].moderator_id ? json_string(mod_user_name(r, s, d[i].moderator_id)) : json_null(),
						     "at", json_time(d[i].at)));
	return arr;
}

static void item(struct req *r)
{
	store *s = mod_db(r);
	struct mod_item it;
	if (!s || !load_item(r, s, &it))
		return;
	json_t *o = item_json(r, s, &it);
	struct mod_flag *f;
	int nf = moderation_flags(s, r->a, it.type, it.id, &f);
	json_t *flags = json_array();
	for (int i = 0; i < nf; i++)
		json_array_append_new(flags, json_pack("{s:I,s:I,s:s,s:o,s:o,s:b}", "id", (json_int_t)f[i].id, "user_id",
						       (json_int_t)f[i].user_id, "reason", f[i].reason,
						       "note", f[i].note ? json_string(f[i].note) : json_null(), "at", json_time(f[i].at),
						       "resolved", f[i].resolved));
	json_object_set_new(o, "flags", flags);
	json_object_set_new(o, "decisions", decisions_json(r, s, &it));
	resp_json(r, 200, o);
}

static void decide(struct req *r)
{
	store *s = mod_db(r);
	if (!s)
		return;
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		resp_json_error(r, 400, "bad_json", TR(r, "error.bad_request"));
		return;
	}
	json_t *ja = json_object_get(root, "action"), *jr = json_object_get(root, "reason");
	const char *action = json_is_string(ja) ? arena_strdup(r->a, json_string_value(ja)) : NULL;
	const char *reason = json_is_string(jr) ? arena_strdup(r->a, json_string_value(jr)) : NULL;
	json_decref(root);
	if (reason && !utf8_valid_text(reason, strlen(reason))) {
		resp_json_error(r, 422, "invalid", TR(r, "form.bad_text"));
		return;
	}
	int64_t id = req_param_id(r, 1);
	struct mod_outcome o = mod_decide(r, s, r->params[0], id, action, reason);
	if (o.status != 200) {
		const char *code = o.status == 404 ? "unknown_item" : o.status == 403 ? "forbidden"
				 : o.status == 422 ? "invalid" : "unavailable";
		if (o.status == 422)
			resp_json(r, 422, json_pack("{s:{s:s,s:s,s:{s:s}}}", "error", "code", code, "message", TR(r, o.key), "fields",
						    o.field, TR(r, o.key)));
		else
			resp_json_error(r, o.status, code, TR(r, o.key));
		return;
	}
	struct mod_item it;
	moderation_item(s, r->a, r->params[0], id, &it);
	json_t *out = item_json(r, s, &it);
	json_object_set_new(out, "decisions", decisions_json(r, s, &it));
	resp_json(r, 201, out);
}

void moderation_api_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/api/v1/moderation/queue", queue, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API, "the moderation queue"},
		{"GET", "/api/v1/moderation/:type/:id", item, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API,
		 "a flagged item with its flags and decision log"},
		{"POST", "/api/v1/moderation/:type/:id/decisions", decide, ACCESS_ROLE, ROLE_MODERATOR, ROUTE_API,
		 "hide or restore an item with a reason"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
