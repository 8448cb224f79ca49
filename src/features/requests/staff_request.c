/* Requests: the staff page of one request — everything about it (description,
 * category fields, location, photos, contact details, SLA clocks, the full
 * history with public replies and internal notes kept apart) and the forms that
 * act on it: reply (with templates), internal note, status, assignment,
 * transfer, priority, merge. Only staff of the handling department (and
 * admins) may open it: the contact details are theirs alone. */
#include "features/requests/staff_common.h"
#include "features/audit/audit.h"
#include "core/util.h"
#include <jansson.h>
#include <string.h>

/* What a re-rendered page keeps from the form the reader sent. */
struct page_state {
	const struct form_errors *e;
	const char *reply, *note, *reply_status, *template_id, *error_key;
};

/* Loads the request of route capture 0 and checks the reader may act on it;
 * otherwise answers 404/403 and returns false. */
static bool load_checked(struct req *r, store *s, struct request *q)
{
	int64_t id = req_param_id(r, 0);
	if (!id || !request_load(s, r->a, id, q)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (!request_staff_can(req_who(r), q, ROLE_AGENT)) {
		resp_error(r, 403, "error.forbidden");
		return false;
	}
	return true;
}

static const char *status_text(struct req *r, const char *name)
{
	return TR(r, arena_printf(r->a, "rstatus.%s", name));
}

static const char *priority_text(struct req *r, const char *name)
{
	return TR(r, arena_printf(r->a, "rpriority.%s", name));
}

static const char *dept_label(struct req *r, store *s, int64_t id)
{
	struct department d;
	return dept_get(s, r->a, id, &d) ? dept_name(&d, r->lang) : "?";
}

static const char *user_label(struct req *r, store *s, int64_t id)
{
	struct user u;
	if (!id || !user_get(s, r->a, id, &u))
		return TR(r, "inbox.unassigned");
	return u.name ? u.name : u.email ? u.email : u.phone;
}

/* ---- reply templates ---- */

struct tmpl {
	int64_t id, dept_id;
	const char *name, *body[3];
};

/* Templates usable in dept (its own and the ones for every department). */
static int templates_for(store *s, arena *a, int64_t dept, struct tmpl **out)
{
	int n = (int)store_scalar(s, 0, "SELECT count(*) FROM reply_templates WHERE dept_id IS NULL OR dept_id = ?", "i", dept);
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	store_stmt *st = store_prepare(s, "SELECT id, coalesce(dept_id, 0), name, body_ar, body_fr, body_en FROM reply_templates "
					  "WHERE dept_id IS NULL OR dept_id = ? ORDER BY name, id");
	if (!st)
		return 0;
	store_bind_int(st, 1, dept);
	int k = 0;
	while (k < n && store_step(st) == STORE_ROW) {
		struct tmpl *t = &(*out)[k++];
		t->id = store_int(st, 0);
		t->dept_id = store_int(st, 1);
		t->name = arena_strdup(a, store_text(st, 2));
		for (int i = 0; i < 3; i++)
			t->body[i] = arena_strdup(a, store_text(st, 3 + i));
	}
	store_done(st);
	return k;
}

/* The template text in the citizen's language with {name} {reference}
 * {category} {due} replaced. Arena-owned. */
static const char *template_fill(struct req *r, store *s, const struct request *q, const char *text)
{
	const char *lang = lang_supported(q->lang) ? q->lang : "ar";
	const char *name = q->contact_name && *q->contact_name ? q->contact_name : NULL;
	struct user u;
	if (!name && q->user_id && user_get(s, r->a, q->user_id, &u) && u.name)
		name = u.name;
	if (!name)
		name = T(lang, "inbox.citizen_default");
	struct category c;
	const char *cat = category_get(s, r->a, q->category_id, &c) ? staff_cat_name(&c, lang) : "";
	strbuf due = STRBUF_INIT;
	if (q->next_due_at)
		fmt_date(&due, lang, (time_t)q->next_due_at, true);
	const char *keys[] = {"{name}", "{reference}", "{category}", "{due}"};
	const char *vals[] = {name, q->ref, cat, q->next_due_at ? sb_str(&due) : "—"};
	strbuf out = STRBUF_INIT;
	for (const char *p = text; *p;) {
		bool hit = false;
		for (int i = 0; i < 4 && !hit; i++) {
			size_t n = strlen(keys[i]);
			if (!strncmp(p, keys[i], n)) {
				sb_puts(&out, vals[i]);
				p += n;
				hit = true;
			}
		}
		if (!hit)
			sb_putc(&out, *p++);
	}
	const char *res = arena_strdup(r->a, sb_str(&out));
	sb_free(&out);
	sb_free(&due);
	return res;
}

/* ---- the page ---- */

static void event_line(struct req *r, store *s, const struct request_event *ev)
{
	json_t *d = ev->data ? json_loads(ev->data, 0, NULL) : NULL;
	const char *type = ev->type;
	bool internal = !ev->public;
	bool note = !strcmp(type, "note");
	h_printf(&r->out, "<li class=\"event ev-%s %s%s\" id=\"ev-%lld\"><p class=\"meta\">", type, internal ? "internal" : "public",
		 note ? " notice" : "", (long long)ev->id);
	if (note)
		h_printf(&r->out, "<strong class=\"label-internal\">%s</strong> · ", TR(r, "inbox.ev_note"));
	else if (!strcmp(type, "reply"))
		h_printf(&r->out, "<strong class=\"label-public\">%s</strong> · ", TR(r, "inbox.ev_reply"));
	else if (!strcmp(type, "citizen_reply"))
		h_printf(&r->out, "<strong>%s</strong> · ", TR(r, "inbox.ev_citizen_reply"));
	bool by_citizen = !strcmp(type, "created") || !strcmp(type, "citizen_reply") || !strcmp(type, "rating");
	h_text(&r->out, ev->actor && *ev->actor ? ev->actor : TR(r, by_citizen ? "inbox.citizen" : "inbox.system"));
	h_raw(&r->out, " · ");
	fmt_date(&r->out, r->lang, (time_t)ev->at, true);
	if (internal && !note)
		h_printf(&r->out, " · <span class=\"chip\">%s</span>", TR(r, "inbox.staff_only"));
	h_raw(&r->out, "</p>");
	const char *from = d ? json_string_value(json_object_get(d, "from")) : NULL;
	const char *to = d ? json_string_value(json_object_get(d, "to")) : NULL;
	if (!strcmp(type, "status") && from && to)
		h_printf(&r->out, "<p>%s: %s → %s</p>", TR(r, "inbox.ev_status"), status_text(r, from), status_text(r, to));
	else if (!strcmp(type, "priority") && from && to)
		h_printf(&r->out, "<p>%s: %s → %s</p>", TR(r, "inbox.ev_priority"), priority_text(r, from), priority_text(r, to));
	else if (!strcmp(type, "assign"))
		h_printf(&r->out, "<p>%s: %s</p>", TR(r, "inbox.ev_assign"),
			 user_label(r, s, d ? (int64_t)json_integer_value(json_object_get(d, "assignee")) : 0));
	else if (!strcmp(type, "transfer") && d)
		h_printf(&r->out, "<p>%s: %s → %s</p><p dir=\"auto\">%s</p>", TR(r, "inbox.ev_transfer"),
			 dept_label(r, s, (int64_t)json_integer_value(json_object_get(d, "from"))),
			 dept_label(r, s, (int64_t)json_integer_value(json_object_get(d, "to"))), ev->body);
	else if (!strcmp(type, "merged"))
		h_printf(&r->out, "<p>%s %s</p>", TR(r, "inbox.ev_merged"), ev->body);
	else if (!strcmp(type, "merged_from"))
		h_printf(&r->out, "<p>%s %s</p>", TR(r, "inbox.ev_merged_from"), ev->body);
	else if (!strcmp(type, "breach"))
		h_printf(&r->out, "<p>%s: %s</p>", TR(r, "inbox.ev_breach"),
			 TR(r, arena_printf(r->a, "sla.%s", ev->body && *ev->body ? ev->body : "resolution")));
	else if (!strcmp(type, "created"))
		h_printf(&r->out, "<p>%s</p>", TR(r, "inbox.ev_created"));
	else if (!strcmp(type, "rating") && d)
		h_printf(&r->out, "<p>%s: %lld/5</p>", TR(r, "inbox.ev_rating"),
			 (long long)json_integer_value(json_object_get(d, "rating")));
	if (ev->body && *ev->body && strcmp(type, "transfer") && strcmp(type, "merged") && strcmp(type, "merged_from") &&
	    strcmp(type, "breach"))
		h_printf(&r->out, "<p class=\"body\" dir=\"auto\">%s</p>", ev->body);
	h_raw(&r->out, "</li>");
	json_decref(d);
}

static void attributes_block(struct req *r, const struct category *c, const char *json)
{
	json_t *obj = json ? json_loads(json, 0, NULL) : NULL;
	if (!obj || !json_object_size(obj) || !c) {
		json_decref(obj);
		return;
	}
	int li = lang_index3(r->lang);
	h_printf(&r->out, "<h2>%s</h2><dl class=\"attributes\">", TR(r, "inbox.attributes"));
	for (int i = 0; i < c->nattrs; i++) {
		const struct attribute *at = &c->attrs[i];
		json_t *v = json_object_get(obj, at->code);
		if (!v)
			continue;
		h_printf(&r->out, "<dt>%s</dt><dd>", at->label[li]);
		size_t nv = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t k = 0; k < nv; k++) {
			const char *sv = json_string_value(json_is_array(v) ? json_array_get(v, k) : v);
			if (!sv)
				continue;
			const char *shown = sv;
			for (int j = 0; j < at->nvalues; j++)
				if (!strcmp(at->values[j].key, sv))
					shown = at->values[j].name[li];
			h_printf(&r->out, "%s%s", k ? ", " : "", shown);
		}
		h_raw(&r->out, "</dd>");
	}
	h_raw(&r->out, "</dl>");
	json_decref(obj);
}

static void clocks_block(struct req *r, store *s, int64_t id, int64_t now)
{
	store_stmt *st = store_prepare(s, "SELECT target, state, coalesce(due_at, 0), breached, business_hours FROM request_clocks "
					  "WHERE request_id = ? ORDER BY CASE target WHEN 'first_response' THEN 1 "
					  "WHEN 'next_response' THEN 2 ELSE 3 END");
	if (!st)
		return;
	store_bind_int(st, 1, id);
	bool any = false;
	while (store_step(st) == STORE_ROW) {
		if (!any)
			h_printf(&r->out, "<h2>%s</h2><div class=\"table-wrap\"><table class=\"clocks\"><thead><tr><th>%s</th><th>%s</th>"
					  "<th>%s</th><th>%s</th></tr></thead><tbody>",
				 TR(r, "inbox.clocks"), TR(r, "inbox.clock_target"), TR(r, "inbox.clock_state"), TR(r, "inbox.due"),
				 TR(r, "inbox.clock_kind"));
		any = true;
		const char *state = store_text(st, 1);
		bool breached = store_int(st, 3) != 0;
		h_printf(&r->out, "<tr class=\"clock-%s%s\"><td>%s</td><td>%s", state, breached ? " overdue" : "",
			 TR(r, arena_printf(r->a, "sla.%s", store_text(st, 0))), TR(r, arena_printf(r->a, "inbox.clock_%s", state)));
		if (breached && strcmp(state, "breached"))
			h_printf(&r->out, " <span class=\"chip overdue\">%s</span>", TR(r, "inbox.overdue"));
		h_raw(&r->out, "</td><td>");
		staff_fmt_due(r, store_int(st, 2), now);
		h_printf(&r->out, "</td><td>%s</td></tr>", TR(r, store_int(st, 4) ? "inbox.business_hours" : "inbox.clock_247"));
	}
	store_done(st);
	if (any)
		h_raw(&r->out, "</tbody></table></div>");
}

static void form_open(struct req *r, const struct request *q, const char *action, const char *cls)
{
	h_printf(&r->out, "<form method=\"post\" action=\"/staff/requests/%lld/%s\" class=\"%s\">", (long long)q->id, action, cls);
	f_csrf(r);
}

static void request_page(struct req *r, store *s, const struct request *q, int status, const struct page_state *ps)
{
	int64_t now = now_s();
	struct principal *who = req_who(r);
	struct category c;
	bool have_cat = category_get(s, r->a, q->category_id, &c);
	const char *title = arena_printf(r->a, "%s %s", TR(r, "inbox.request"), q->ref);
	page_begin(r, title);
	h_printf(&r->out, "<p class=\"meta\"><a href=\"/staff/requests?dept=%lld\">%s</a></p><h1>%s</h1>", (long long)q->dept_id,
		 TR(r, "inbox.back"), title);
	static const char *const done[] = {"reply", "note", "status", "assign", "priority", "merge", NULL};
	staff_notice(r, "inbox.done_", done);
	if (ps && ps->error_key)
		h_printf(&r->out, "<p class=\"notice\" role=\"alert\">%s</p>", TR(r, ps->error_key));
	f_errors_summary(r, ps ? ps->e : NULL);

	/* summary */
	h_printf(&r->out, "<dl class=\"summary\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s",
		 TR(r, "inbox.category"), have_cat ? staff_cat_name(&c, r->lang) : "?", TR(r, "inbox.status"),
		 status_text(r, req_status_names[q->status]));
	if (q->overdue)
		h_printf(&r->out, " <span class=\"chip overdue\" id=\"overdue\">%s</span>", TR(r, "inbox.overdue"));
	h_printf(&r->out, "</dd><dt>%s</dt><dd id=\"priority\">%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
			  "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>",
		 TR(r, "inbox.priority"), priority_text(r, req_priority_names[q->priority]), TR(r, "inbox.department"),
		 dept_label(r, s, q->dept_id), TR(r, "inbox.assignee"), user_label(r, s, q->assignee_id), TR(r, "inbox.kind"),
		 TR(r, arena_printf(r->a, "inbox.kind_%s", q->kind)), TR(r, "inbox.channel"),
		 TR(r, arena_printf(r->a, "inbox.channel_%s", q->channel)), TR(r, "inbox.received"));
	fmt_date(&r->out, r->lang, (time_t)q->created_at, true);
	h_printf(&r->out, "</dd><dt>%s</dt><dd>", TR(r, "inbox.due"));
	staff_fmt_due(r, q->next_due_at, now);
	h_printf(&r->out, "</dd><dt>%s</dt><dd>%s</dd>", TR(r, "inbox.visibility"),
		 TR(r, q->public ? "inbox.public" : "inbox.private"));
	if (q->merged_into) {
		struct request into;
		if (request_load(s, r->a, q->merged_into, &into))
			h_printf(&r->out, "<dt>%s</dt><dd><a href=\"/staff/requests/%lld\">%s</a></dd>", TR(r, "inbox.merged_into"),
				 (long long)into.id, into.ref);
	}
	if (q->rating)
		h_printf(&r->out, "<dt>%s</dt><dd>%d/5</dd>", TR(r, "inbox.ev_rating"), q->rating);
	h_raw(&r->out, "</dl>");

	h_printf(&r->out, "<h2>%s</h2><p class=\"description\" lang=\"%s\" dir=\"auto\">%s</p>", TR(r, "inbox.description"),
		 q->lang, q->description);
	attributes_block(r, have_cat ? &c : NULL, q->attributes);
	if (q->has_location || (q->address && *q->address)) {
		h_printf(&r->out, "<h2>%s</h2><p>", TR(r, "inbox.location"));
		if (q->address && *q->address)
			h_printf(&r->out, "<span dir=\"auto\">%s</span><br>", q->address);
		if (q->has_location) {
			char lat[32], lon[32];
			snprintf(lat, sizeof lat, "%.6f", q->lat);
			snprintf(lon, sizeof lon, "%.6f", q->lon);
			h_printf(&r->out, "<span dir=\"ltr\">%s, %s</span> · <a rel=\"noopener\" "
					  "href=\"https://www.openstreetmap.org/?mlat=%s&amp;mlon=%s#map=18/%s/%s\">%s</a>",
				 lat, lon, lat, lon, lat, lon, TR(r, "inbox.map"));
		}
		h_raw(&r->out, "</p>");
	}
	if (q->nphotos) {
		h_printf(&r->out, "<h2>%s</h2><p class=\"photos\">", TR(r, "inbox.photos"));
		for (int i = 0; i < q->nphotos; i++)
			h_printf(&r->out, "<a href=\"/media/%s\"><img src=\"/media/%s\" alt=\"%s %d\" width=\"160\" loading=\"lazy\"></a> ",
				 q->photos[i], q->photos[i], TR(r, "inbox.photo"), i + 1);
		h_raw(&r->out, "</p>");
	}
	/* contact details: staff of the handling department only (checked by the caller) */
	h_printf(&r->out, "<h2>%s</h2><dl class=\"contact\">", TR(r, "inbox.contact"));
	if (q->contact_name && *q->contact_name)
		h_printf(&r->out, "<dt>%s</dt><dd dir=\"auto\">%s</dd>", TR(r, "inbox.contact_name"), q->contact_name);
	if (q->contact_email && *q->contact_email)
		h_printf(&r->out, "<dt>%s</dt><dd><a href=\"mailto:%s\">%s</a></dd>", TR(r, "inbox.contact_email"), q->contact_email,
			 q->contact_email);
	if (q->contact_phone && *q->contact_phone)
		h_printf(&r->out, "<dt>%s</dt><dd dir=\"ltr\">%s</dd>", TR(r, "inbox.contact_phone"), q->contact_phone);
	struct user author;
	if (q->user_id && user_get(s, r->a, q->user_id, &author))
		h_printf(&r->out, "<dt>%s</dt><dd>%s %s</dd>", TR(r, "inbox.account"), author.name ? author.name : "",
			 author.email ? author.email : author.phone ? author.phone : "");
	h_printf(&r->out, "<dt>%s</dt><dd>%s</dd></dl>", TR(r, "inbox.lang"), TR(r, arena_printf(r->a, "inbox.lang_%s",
												 lang_supported(q->lang) ? q->lang : "ar")));
	clocks_block(r, s, q->id, now);

	/* history */
	struct request_event *ev;
	int nev = request_events(s, r->a, q->id, true, &ev);
	h_printf(&r->out, "<h2>%s</h2><ol class=\"history\">", TR(r, "inbox.history"));
	for (int i = 0; i < nev; i++)
		event_line(r, s, &ev[i]);
	h_raw(&r->out, "</ol>");

	if (q->status == RS_CLOSED) {
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "inbox.closed_note"));
	} else {
		/* public reply, with templates */
		struct tmpl *t;
		int nt = templates_for(s, r->a, q->dept_id, &t);
		h_printf(&r->out, "<h2 id=\"reply\">%s</h2>", TR(r, "inbox.reply"));
		form_open(r, q, "reply", "reply");
		if (nt) {
			struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nt + 2));
			o[0] = (struct select_option){"", "inbox.template_none", NULL};
			for (int i = 0; i < nt; i++)
				o[i + 1] = (struct select_option){arena_printf(r->a, "%lld", (long long)t[i].id), NULL, t[i].name};
			o[nt + 1] = (struct select_option){NULL, NULL, NULL};
			h_raw(&r->out, "<div class=\"filters\">");
			f_select(r, NULL, "template", "inbox.template", o, ps ? ps->template_id : NULL);
			h_printf(&r->out, "<button name=\"action\" value=\"template\" class=\"secondary\">%s</button></div>",
				 TR(r, "inbox.use_template"));
		}
		f_textarea(r, ps ? ps->e : NULL, "body", "inbox.reply_body", ps ? ps->reply : NULL, 6);
		h_printf(&r->out, "<p class=\"meta\">%s</p>", TR(r, "inbox.reply_hint"));
		static const struct select_option rs[] = {{"", "inbox.status_keep", NULL}, {"pending", "rstatus.pending", NULL},
						   {"on_hold", "rstatus.on_hold", NULL}, {"solved", "rstatus.solved", NULL},
						   {NULL, NULL, NULL}};
		f_select(r, NULL, "status", "inbox.reply_status", rs, ps ? ps->reply_status : NULL);
		h_printf(&r->out, "<button name=\"action\" value=\"send\">%s</button></form>", TR(r, "inbox.send_reply"));

		/* internal note */
		h_printf(&r->out, "<h2 id=\"note\">%s</h2>", TR(r, "inbox.note"));
		form_open(r, q, "note", "note");
		f_textarea(r, ps ? ps->e : NULL, "note", "inbox.note_body", ps ? ps->note : NULL, 3);
		h_printf(&r->out, "<p class=\"meta\">%s</p><button class=\"secondary\">%s</button></form>", TR(r, "inbox.ev_note"),
			 TR(r, "inbox.add_note"));
	}

	/* handling: status, assignment, priority, transfer */
	h_printf(&r->out, "<h2>%s</h2>", TR(r, "inbox.handling"));
	form_open(r, q, "status", "filters");
	struct select_option so[RS_COUNT];
	int k = 0;
	for (int i = RS_OPEN; i < RS_COUNT; i++)
		if (i != (int)q->status)
			so[k++] = (struct select_option){req_status_names[i], arena_printf(r->a, "rstatus.%s", req_status_names[i]), NULL};
	so[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "status", "inbox.set_status", so, NULL);
	h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, "inbox.apply"));

	form_open(r, q, "assign", "filters");
	const char **emails;
	int ne = dept_staff_emails(s, r->a, q->dept_id, ROLE_AGENT, &emails);
	struct select_option *ao = arena_alloc(r->a, sizeof *ao * (size_t)(ne + 3));
	k = 0;
	ao[k++] = (struct select_option){"me", "inbox.assign_me", NULL};
	for (int i = 0; i < ne; i++)
		ao[k++] = (struct select_option){emails[i], NULL, emails[i]};
	ao[k++] = (struct select_option){"none", "inbox.unassign", NULL};
	ao[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "assignee", "inbox.assign_to", ao, NULL);
	h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, "inbox.assign"));

	form_open(r, q, "priority", "filters");
	struct select_option po[RP_COUNT + 1];
	for (int i = 0; i < RP_COUNT; i++)
		po[i] = (struct select_option){req_priority_names[i], arena_printf(r->a, "rpriority.%s", req_priority_names[i]), NULL};
	po[RP_COUNT] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "priority", "inbox.set_priority", po, req_priority_names[q->priority]);
	h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, "inbox.apply"));

	if (q->status != RS_CLOSED) {
		struct department *d;
		int nd = dept_list(s, r->a, &d);
		struct select_option *dopt = arena_alloc(r->a, sizeof *dopt * (size_t)(nd + 1));
		k = 0;
		for (int i = 0; i < nd; i++)
			if (d[i].id != q->dept_id)
				dopt[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)d[i].id), NULL, dept_name(&d[i], r->lang)};
		dopt[k] = (struct select_option){NULL, NULL, NULL};
		h_printf(&r->out, "<h2 id=\"transfer\">%s</h2>", TR(r, "inbox.transfer"));
		form_open(r, q, "transfer", "transfer");
		f_select(r, ps ? ps->e : NULL, "dept", "inbox.transfer_to", dopt, NULL);
		f_input(r, ps ? ps->e : NULL, "reason", "inbox.transfer_reason", "text", NULL, "required maxlength=\"500\"");
		h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, "inbox.transfer"));

		/* duplicates */
		struct request *sim;
		int ns = request_similar(s, r->a, q, 5, &sim);
		h_printf(&r->out, "<h2 id=\"merge\">%s</h2>", TR(r, "inbox.similar"));
		if (!ns)
			h_printf(&r->out, "<p class=\"meta\">%s</p>", TR(r, "inbox.similar_none"));
		else
			h_raw(&r->out, "<ul class=\"similar\">");
		for (int i = 0; i < ns; i++) {
			h_printf(&r->out, "<li><a href=\"/staff/requests/%lld\">%s</a> · %s · <span dir=\"auto\">%s</span> ",
				 (long long)sim[i].id, sim[i].ref, status_text(r, req_status_names[sim[i].status]), sim[i].description);
			form_open(r, q, "merge", "inline");
			h_printf(&r->out, "<input type=\"hidden\" name=\"into\" value=\"%s\"><button>%s %s</button></form></li>", sim[i].ref,
				 TR(r, "inbox.merge_into"), sim[i].ref);
		}
		if (ns)
			h_raw(&r->out, "</ul>");
		form_open(r, q, "merge", "filters");
		f_input(r, ps ? ps->e : NULL, "into", "inbox.merge_ref", "text", NULL, "maxlength=\"16\" dir=\"ltr\"");
		h_printf(&r->out, "<button class=\"secondary\">%s</button></form>", TR(r, "inbox.merge"));
	}
	(void)who;
	page_end(r);
	resp_html(r, status);
}

static void view(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	request_page(r, s, &q, 200, NULL);
}

/* ---- actions ---- */

static void finish(struct req *r, store *s, const struct request *q, const char *what, const char *detail)
{
	audit_record(r, s, arena_printf(r->a, "request.%s", what), "request", q->id, detail ? detail : q->ref);
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/requests/%lld?done=%s", (long long)q->id, what));
}

/* The engine refused (an impossible move) or the database failed. */
static void refused(struct req *r, store *s, const struct request *q)
{
	struct request fresh;
	const struct request *shown = request_load(s, r->a, q->id, &fresh) ? &fresh : q;
	struct page_state ps = {.error_key = "inbox.err_action"};
	request_page(r, s, shown, 409, &ps);
}

static bool text_ok(const char *t, size_t max)
{
	return t && strspn(t, " \t\r\n") < strlen(t) && utf8_length(t) <= max;
}

static void reply(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	const char *action = kv_get(&r->form, "action");
	const char *body = kv_get(&r->form, "body");
	const char *st = kv_get(&r->form, "status");
	const char *tid = kv_get(&r->form, "template");
	struct page_state ps = {.reply = body, .reply_status = st, .template_id = tid};
	if (action && !strcmp(action, "template")) {
		struct tmpl *t;
		int nt = templates_for(s, r->a, q.dept_id, &t);
		int64_t id = staff_id(tid);
		for (int i = 0; i < nt; i++)
			if (t[i].id == id) {
				ps.reply = template_fill(r, s, &q, t[i].body[lang_index3(q.lang)]);
				request_page(r, s, &q, 200, &ps);
				return;
			}
		struct form_errors e = {0};
		form_error(&e, "template", "form.invalid_choice");
		ps.e = &e;
		request_page(r, s, &q, 422, &ps);
		return;
	}
	struct form_errors e = {0};
	int new_status = -1;
	enum req_status rs;
	if (st && *st) {
		if (req_status_parse(st, &rs) && (rs == RS_PENDING || rs == RS_ON_HOLD || rs == RS_SOLVED))
			new_status = (int)rs;
		else
			form_error(&e, "status", "form.invalid_choice");
	}
	if (!body || !*body || strspn(body, " \t\r\n") == strlen(body))
		form_error(&e, "body", "form.required");
	else if (!text_ok(body, REQ_DESC_MAX))
		form_error(&e, "body", "form.too_long");
	if (e.n) {
		ps.e = &e;
		request_page(r, s, &q, 422, &ps);
		return;
	}
	struct actor by = staff_actor(r);
	if (!request_reply(s, q.id, body, true, new_status, &by)) {
		refused(r, s, &q);
		return;
	}
	finish(r, s, &q, "reply", NULL);
}

static void note(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	const char *body = kv_get(&r->form, "note");
	struct form_errors e = {0};
	if (!body || !*body || strspn(body, " \t\r\n") == strlen(body))
		form_error(&e, "note", "form.required");
	else if (!text_ok(body, REQ_DESC_MAX))
		form_error(&e, "note", "form.too_long");
	if (e.n) {
		struct page_state ps = {.e = &e, .note = body};
		request_page(r, s, &q, 422, &ps);
		return;
	}
	struct actor by = staff_actor(r);
	if (!request_reply(s, q.id, body, false, -1, &by)) {
		refused(r, s, &q);
		return;
	}
	finish(r, s, &q, "note", NULL);
}

static void set_status(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	enum req_status to;
	if (!req_status_parse(kv_get(&r->form, "status"), &to)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct actor by = staff_actor(r);
	if (!request_set_status(s, q.id, to, &by)) {
		refused(r, s, &q);
		return;
	}
	finish(r, s, &q, "status", req_status_names[to]);
}

static void assign(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	const char *who = kv_get(&r->form, "assignee");
	int64_t uid = 0;
	struct user u;
	if (!who || !*who) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	if (!strcmp(who, "me"))
		uid = req_who(r)->user_id;
	else if (strcmp(who, "none")) {
		if (!user_find_login(s, r->a, who, &u, NULL)) {
			resp_error(r, 400, "error.bad_request");
			return;
		}
		uid = u.id;
	}
	struct actor by = staff_actor(r);
	if (uid != q.assignee_id && !request_assign(s, q.id, uid, &by)) {
		refused(r, s, &q);
		return;
	}
	finish(r, s, &q, "assign", arena_printf(r->a, "%s -> %lld", q.ref, (long long)uid));
}

static void priority(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	enum req_priority p;
	if (!req_priority_parse(kv_get(&r->form, "priority"), &p)) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct actor by = staff_actor(r);
	if (p != q.priority && !request_set_priority(s, q.id, p, &by)) {
		refused(r, s, &q);
		return;
	}
	finish(r, s, &q, "priority", req_priority_names[p]);
}

static void transfer(struct req *r)
{
	store *s = staff_db(r);
	struct request q;
	if (!s || !load_checked(r, s, &q))
		return;
	int64_t dept = staff_id(kv_get(&r->form, "dept"));
	const char *reason = kv_get(&r->form, "reason");
	struct form_errors e = {0};
	struct department d;
	if (!dept || dept == q.dept_id || !dept_get(s, r->a, dept, &d))
		form_error(&e, "dept", "form.invalid_choice");
	if (!reason || !*reason || strspn(reason, " \t\r\n") == strlen(reason))
		form_error(&e, "reason", "form.required");
	else if (!text_ok(reason, 500))
		form_error(&e, "reason", "form.too_long");
	if (e.n) {
		struct page_state ps = {.e = &e};
		request_page(r, s, &q, 422, &ps);
		return;
	}
	struct actor by = staff_actor(r);
	if (!request_transfer(s, q.id, dept, reason, &by)) {
		refused(r, s, &q);
		return;
	}
	audit_record(r, s, "request.transfer", "request", q.id, arena_printf(r->a, "%s -> %s", q.ref, d.slug));
	page_cache_bump();
	/* The request has left the queue: back to it (or to the request when the
	 * reader may still open it, e.g. a site admin). */
	if (principal_can(req_who(r), ROLE_AGENT, dept))
		resp_redirect(r, arena_printf(r->a, "/staff/requests/%lld?done=transfer", (long long)q.id));
	else
		resp_redirect(r, arena_printf(r->a, "/staff/requests?dept=%lld&done=transfer", (long long)q.dept_id));
}

static void merge(struct req *r)
{
	store *s = staff_db(r);
	struct request q, into;
	if (!s || !load_checked(r, s, &q))
		return;
	const char *ref = kv_get(&r->form, "into");
	bool found = ref && (request_by_ref(s, r->a, ref, &into) || (staff_id(ref) && request_load(s, r->a, staff_id(ref), &into)));
	if (!found || !request_staff_can(req_who(r), &into, ROLE_AGENT) || into.id == q.id) {
		struct form_errors e = {0};
		form_error(&e, "into", "inbox.merge_bad");
		struct page_state ps = {.e = &e};
		request_page(r, s, &q, 422, &ps);
		return;
	}
	struct actor by = staff_actor(r);
	if (!request_merge(s, q.id, into.id, &by)) {
		refused(r, s, &q);
		return;
	}
	audit_record(r, s, "request.merge", "request", q.id, arena_printf(r->a, "%s -> %s", q.ref, into.ref));
	page_cache_bump();
	resp_redirect(r, arena_printf(r->a, "/staff/requests/%lld?done=merge", (long long)into.id));
}

void requests_staff_request_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/staff/requests/:id", view, ACCESS_ROLE, ROLE_AGENT, 0, "staff: one request, its history and actions"},
		{"POST", "/staff/requests/:id/reply", reply, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: public reply (or fill a template)"},
		{"POST", "/staff/requests/:id/note", note, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: internal note"},
		{"POST", "/staff/requests/:id/status", set_status, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: change status"},
		{"POST", "/staff/requests/:id/assign", assign, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: assign"},
		{"POST", "/staff/requests/:id/priority", priority, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: set priority"},
		{"POST", "/staff/requests/:id/transfer", transfer, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: transfer to a department"},
		{"POST", "/staff/requests/:id/merge", merge, ACCESS_ROLE, ROLE_AGENT, ROUTE_FORM, "staff: merge into another request"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
