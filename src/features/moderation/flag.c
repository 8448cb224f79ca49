/* Flagging, generic over the registered content types: GET /flag?type=&id=
 * (a form; content pages may instead embed their own form posting to /flag),
 * POST /flag (form: type, id, reason, note, next) and POST /api/v1/flags
 * (JSON). Same rules for both (mod_flag_submit): a logged-in account allowed to
 * take part, one flag per account and item, never one's own item. */
#include "features/moderation/internal.h"
#include "core/util.h"
#include "web/page.h"
#include <string.h>

static void reason_options(struct req *r, struct select_option *opts)
{
	int k = 0;
	for (int i = 0; flag_reasons[i]; i++)
		opts[k++] = (struct select_option){flag_reasons[i], arena_printf(r->a, "mod.reason.%s", flag_reasons[i]), NULL};
	opts[k] = (struct select_option){NULL, NULL, NULL};
}

static void flag_form(struct req *r, int status, const struct form_errors *e)
{
	const char *type = req_param(r, "type"), *id = req_param(r, "id"), *next = req_param(r, "next");
	int64_t iid = 0;
	if (!moderation_target(type) || !parse_int64(id, 1, INT64_MAX, &iid)) {
		resp_error(r, 404, "mod.flag_unknown");
		return;
	}
	page_begin(r, TR(r, "mod.flag_title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "mod.flag_title"), TR(r, "mod.flag_intro"));
	f_errors_summary(r, e);
	h_raw(&r->out, "<form method=\"post\" action=\"/flag\">");
	f_csrf(r);
	h_printf(&r->out, "<input type=\"hidden\" name=\"type\" value=\"%s\"><input type=\"hidden\" name=\"id\" value=\"%lld\">",
		 moderation_target(type)->type, (long long)iid);
	if (next)
		h_printf(&r->out, "<input type=\"hidden\" name=\"next\" value=\"%s\">", next);
	struct select_option opts[MOD_NREASONS + 2];
	reason_options(r, opts);
	f_select(r, e, "reason", "mod.flag_reason", opts, kv_get(&r->form, "reason"));
	f_textarea(r, e, "note", "mod.note", kv_get(&r->form, "note"), 3);
	h_printf(&r->out, "<p class=\"hint\">%s</p><button>%s</button></form>", TR(r, "mod.note_hint"), TR(r, "mod.flag_submit"));
	page_end(r);
	resp_html(r, status);
}

static void flag_get(struct req *r) { flag_form(r, 200, NULL); }

static void flag_post(struct req *r)
{
	store *s = mod_db(r);
	if (!s)
		return;
	int64_t id = 0;
	const char *type = kv_get(&r->form, "type");
	parse_int64(kv_get(&r->form, "id"), 1, INT64_MAX, &id);
	bool hidden = false;
	struct mod_outcome o = mod_flag_submit(r, s, type, id, kv_get(&r->form, "reason"), kv_get(&r->form, "note"), &hidden);
	if (o.status == 422) {
		struct form_errors e = {0};
		form_error(&e, o.field, o.key);
		flag_form(r, 422, &e);
		return;
	}
	if (o.status == 429 || o.status == 503) {
		resp_error(r, o.status, o.key);
		return;
	}
	/* A page that says what happened, in every case, with the way back. */
	const char *next = kv_get(&r->form, "next");
	page_begin(r, TR(r, "mod.flag_title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"notice%s\" role=\"%s\">%s</p>", TR(r, "mod.flag_title"),
		 o.status == 201 ? " ok" : "", o.status == 201 ? "status" : "alert", TR(r, o.key));
	if (hidden)
		h_printf(&r->out, "<p>%s</p>", TR(r, "mod.flag_hidden_now"));
	if (next)
		h_printf(&r->out, "<p><a href=\"%s\">%s</a></p>", local_target(r, next), TR(r, "mod.back"));
	page_end(r);
	resp_html(r, o.status == 201 ? 200 : o.status);
}

/* POST /api/v1/flags {"type":"comment","id":12,"reason":"spam","note":"..."} */
static void flag_api(struct req *r)
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
	json_t *jtype = json_object_get(root, "type"), *jid = json_object_get(root, "id");
	json_t *jreason = json_object_get(root, "reason"), *jnote = json_object_get(root, "note");
	if (!json_is_string(jtype) || !json_is_integer(jid) || !json_is_string(jreason) ||
	    (jnote && !json_is_null(jnote) && !json_is_string(jnote))) {
		json_decref(root);
		resp_json_error(r, 422, "invalid", TR(r, "mod.flag_fields"));
		return;
	}
	const char *type = arena_strdup(r->a, json_string_value(jtype));
	const char *reason = arena_strdup(r->a, json_string_value(jreason));
	const char *note = json_is_string(jnote) ? arena_strdup(r->a, json_string_value(jnote)) : NULL;
	int64_t id = (int64_t)json_integer_value(jid);
	json_decref(root);
	if (note && !utf8_valid_text(note, strlen(note))) {
		resp_json_error(r, 422, "invalid", TR(r, "form.bad_text"));
		return;
	}
	bool hidden = false;
	struct mod_outcome o = mod_flag_submit(r, s, type, id, reason, note, &hidden);
	if (o.status != 201) {
		static const struct {
			const char *key, *code;
		} codes[] = {{"mod.flag_duplicate", "already_flagged"}, {"mod.flag_own", "own_item"},
			     {"mod.flag_unknown", "unknown_item"}, {"mod.bad_reason", "invalid_reason"},
			     {"form.too_long", "note_too_long"}, {"error.rate_limited", "rate_limited"},
			     {"error.unavailable", "unavailable"}};
		const char *code = "not_allowed";
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
			if (!strcmp(codes[i].key, o.key))
				code = codes[i].code;
		resp_json_error(r, o.status, code, TR(r, o.key));
		return;
	}
	resp_json(r, 201, json_pack("{s:b,s:s,s:I,s:b,s:s}", "flagged", 1, "type", moderation_target(type)->type, "id",
				    (json_int_t)id, "hidden", hidden, "message", TR(r, o.key)));
}

void moderation_flag_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/flag", flag_get, ACCESS_LOGGED_IN, 0, 0, "form to flag a comment, proposal or answer"},
		{"POST", "/flag", flag_post, ACCESS_LOGGED_IN, 0, ROUTE_FORM, "flag an item for moderators"},
		{"POST", "/api/v1/flags", flag_api, ACCESS_LOGGED_IN, 0, ROUTE_API, "flag an item for moderators"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
