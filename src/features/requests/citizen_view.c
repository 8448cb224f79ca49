/* Requests: following a request (status, public history, photos; the
 * author's answer and rating forms), "my requests", the public list of public
 * requests (masked), and "track by reference".
 *
 * Privacy: a private request answers 404 to anyone but its author, the
 * private-link holder and the handling department's staff — exactly as if it
 * did not exist. Public requests are readable by everyone, but for anyone who
 * is neither the author nor staff, contact details are never shown and every
 * free text (description, address, replies, comments) goes through pii_mask.
 *
 * Track by reference: reference + the email or phone given with the request
 * (or of the author's account) → redirected to the private link when both
 * match; one neutral message otherwise (no hint whether the reference exists),
 * rate-limited per IP. Chosen over "email me the link" because phone-only
 * citizens have no mailbox to receive it. */
#include "web/page.h"
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"
#include "http/ratelimit.h"
#include "http/urlenc.h"
#include "text/pii.h"
#include "core/util.h"
#include <jansson.h>
#include <string.h>
#include <strings.h>

#define LIST_PAGE 20
#define TRACK_IP_MAX 20
#define TRACK_WINDOW 3600

void req_rate_limited(struct req *r, int retry);

static const char *category_name(store *s, struct req *r, int64_t id)
{
	struct category c;
	return category_get(s, r->a, id, &c) ? c.name[lang_index3(r->lang)] : "";
}

static const char *status_text(struct req *r, enum req_status st)
{
	return TR(r, arena_printf(r->a, "rstatus.%s", req_status_names[st]));
}

/* Free text as the viewer may see it: masked unless they are author or staff. */
static const char *shown(struct req *r, const char *text, bool full)
{
	return full ? (text ? text : "") : pii_mask(r->a, text, NULL);
}

/* The category's extra fields with their values, in the reader's language. */
static void attributes_list(struct req *r, store *s, const struct request *q, bool full)
{
	struct category c;
	json_error_t jerr;
	if (!q->attributes || !category_get(s, r->a, q->category_id, &c))
		return;
	json_t *obj = json_loads(q->attributes, 0, &jerr);
	if (!json_is_object(obj) || !json_object_size(obj)) {
		json_decref(obj);
		return;
	}
	int li = lang_index3(r->lang);
	h_raw(&r->out, "<dl class=\"attrs\">");
	for (int i = 0; i < c.nattrs; i++) {
		const struct attribute *at = &c.attrs[i];
		json_t *v = json_object_get(obj, at->code);
		if (!v)
			continue;
		h_printf(&r->out, "<dt>%s</dt><dd>", at->label[li]);
		size_t n = json_is_array(v) ? json_array_size(v) : 1;
		for (size_t k = 0; k < n; k++) {
			json_t *one = json_is_array(v) ? json_array_get(v, k) : v;
			const char *text = json_string_value(one);
			if (!text)
				continue;
			const char *label = NULL;
			for (int j = 0; j < at->nvalues; j++)
				if (!strcmp(at->values[j].key, text))
					label = at->values[j].name[li];
			h_printf(&r->out, "%s%s", k ? ", " : "", label ? label : shown(r, text, full));
		}
		h_raw(&r->out, "</dd>");
	}
	h_raw(&r->out, "</dl>");
	json_decref(obj);
}

/* One public event of the history. */
static void event_item(struct req *r, const struct request_event *ev, bool full)
{
	const char *title = NULL, *body = NULL;
	bool citizen = false;
	if (!strcmp(ev->type, "created")) {
		title = TR(r, "req.ev_created");
	} else if (!strcmp(ev->type, "reply")) {
		title = TR(r, "req.ev_reply");
		body = ev->body;
	} else if (!strcmp(ev->type, "citizen_reply")) {
		title = TR(r, "req.ev_citizen_reply");
		body = ev->body;
		citizen = true;
	} else if (!strcmp(ev->type, "status")) {
		json_error_t jerr;
		json_t *d = json_loads(ev->data ? ev->data : "{}", 0, &jerr);
		enum req_status to;
		const char *name = d ? json_string_value(json_object_get(d, "to")) : NULL;
		title = name && req_status_parse(name, &to)
				? T_fill(r->a, TR(r, "req.ev_status"), 1, (const char *[]){status_text(r, to)})
				: TR(r, "req.ev_status_other");
		json_decref(d);
	} else if (!strcmp(ev->type, "transfer")) {
		title = TR(r, "req.ev_transfer");
		body = ev->body;
	} else if (!strcmp(ev->type, "merged")) {
		title = T_fill(r->a, TR(r, "req.ev_merged"), 1, (const char *[]){ev->body ? ev->body : ""});
	} else if (!strcmp(ev->type, "rating")) {
		title = TR(r, "req.ev_rating");
		body = ev->body;
		citizen = true;
	} else {
		return; /* nothing else is shown to citizens */
	}
	h_printf(&r->out, "<li class=\"%s\"><p class=\"meta\"><time>", citizen ? "from-citizen" : "from-admin");
	fmt_date(&r->out, r->lang, (time_t)ev->at, true);
	h_printf(&r->out, "</time> · %s</p>", title);
	if (body && *body) {
		h_raw(&r->out, "<p class=\"body\">");
		h_text(&r->out, shown(r, body, full));
		h_raw(&r->out, "</p>");
	}
	h_raw(&r->out, "</li>");
}

/* The follow page; e (may be NULL) carries errors of the answer/rating forms. */
static void show_request(struct req *r, store *s, const struct request *q, const char *token, int status,
			 const struct form_errors *e)
{
	struct principal *who = req_who(r);
	bool author = request_is_author(who, q, token);
	bool staff = request_can_see_private(who, q);
	bool full = author || staff;
	bool via_token = token && request_token_ok(q->id, token);
	const char *tok_q = via_token ? arena_printf(r->a, "?token=%s", token) : "";
	page_begin(r, arena_printf(r->a, "%s %s", TR(r, "req.request"), q->ref));
	h_printf(&r->out, "<h1>%s <span class=\"ref\">%s</span></h1>", TR(r, "req.request"), q->ref);
	if (!q->public)
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "req.private_note"));
	else if (!full)
		h_printf(&r->out, "<p class=\"meta\">%s</p>", TR(r, "req.masked_note"));
	h_printf(&r->out, "<dl class=\"summary\"><dt>%s</dt><dd><span class=\"chip status-%s\">%s</span></dd>"
			  "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd><time>",
		 TR(r, "req.status"), req_status_names[q->status], status_text(r, q->status), TR(r, "req.category"),
		 category_name(s, r, q->category_id), TR(r, "req.kind"), TR(r, arena_printf(r->a, "rkind.%s", q->kind)),
		 TR(r, "req.submitted"));
	fmt_date(&r->out, r->lang, (time_t)q->created_at, true);
	h_raw(&r->out, "</time></dd>");
	struct department d;
	if (dept_get(s, r->a, q->dept_id, &d))
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "req.department"), dept_name(&d, r->lang));
	if (q->address && *q->address)
		h_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", TR(r, "req.address"), shown(r, q->address, full));
	if (q->has_location)
		h_printf(&r->out, "<dt>%s</dt><dd dir=\"ltr\">%.5f, %.5f</dd>", TR(r, "req.coordinates"), q->lat, q->lon);
	if (full) {
		const char *contact = q->contact_email && *q->contact_email ? q->contact_email : q->contact_phone;
		if (contact && *contact)
			h_printf(&r->out, "<dt>%s</dt><dd class=\"contact\">%s%s%s</dd>", TR(r, "req.contact"),
				 q->contact_name ? q->contact_name : "", q->contact_name && *q->contact_name ? " · " : "", contact);
	}
	if (q->rating)
		h_printf(&r->out, "<dt>%s</dt><dd>%d/5</dd>", TR(r, "req.rating"), q->rating);
	h_raw(&r->out, "</dl>");
	attributes_list(r, s, q, full);
	h_printf(&r->out, "<h2>%s</h2><p class=\"body\" lang=\"%s\" dir=\"auto\">", TR(r, "req.description"), q->lang);
	h_text(&r->out, shown(r, q->description, full));
	h_raw(&r->out, "</p>");
	if (q->nphotos) {
		h_printf(&r->out, "<h2>%s</h2><p class=\"photos\">", TR(r, "req.photos_legend"));
		for (int i = 0; i < q->nphotos; i++)
			h_printf(&r->out, "<a href=\"/media/%s\"><img src=\"/media/%s\" alt=\"%s\" width=\"160\" loading=\"lazy\"></a>",
				 q->photos[i], q->photos[i], TR(r, "req.photo"));
		h_raw(&r->out, "</p>");
	}
	struct request_event *evs;
	int n = request_events(s, r->a, q->id, false, &evs);
	h_printf(&r->out, "<h2 id=\"history\">%s</h2><ol class=\"history\">", TR(r, "req.history"));
	for (int i = 0; i < n; i++)
		event_item(r, &evs[i], full);
	h_raw(&r->out, "</ol>");
	if (author && q->status != RS_CLOSED) {
		h_printf(&r->out, "<h2 id=\"answer\">%s</h2>", TR(r, "req.answer_title"));
		if (q->status == RS_PENDING)
			h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "req.pending_note"));
		h_printf(&r->out, "<form method=\"post\" action=\"/requests/%s/reply%s\">", q->ref, tok_q);
		f_csrf(r);
		if (via_token)
			h_printf(&r->out, "<input type=\"hidden\" name=\"token\" value=\"%s\">", token);
		f_textarea(r, e, "body", "req.answer", NULL, 4);
		h_printf(&r->out, "<button>%s</button></form>", TR(r, "req.answer_send"));
	}
	if (author && (q->status == RS_SOLVED || q->status == RS_CLOSED) && !q->rating) {
		h_printf(&r->out, "<h2 id=\"rate\">%s</h2><form method=\"post\" action=\"/requests/%s/rate%s\">",
			 TR(r, "req.rate_title"), q->ref, tok_q);
		f_csrf(r);
		if (via_token)
			h_printf(&r->out, "<input type=\"hidden\" name=\"token\" value=\"%s\">", token);
		h_printf(&r->out, "<fieldset class=\"field stars\"%s><legend>%s</legend>",
			 form_error_for(e, "rating") ? " aria-describedby=\"e-rating\"" : "", TR(r, "req.rating"));
		for (int i = 1; i <= 5; i++)
			h_printf(&r->out, "<label><input type=\"radio\" name=\"rating\" value=\"%d\"> %d</label>", i, i);
		if (form_error_for(e, "rating"))
			h_printf(&r->out, "<p class=\"err\" id=\"e-rating\">%s</p>", TR(r, form_error_for(e, "rating")));
		h_raw(&r->out, "</fieldset>");
		f_textarea(r, e, "comment", "req.rating_comment", NULL, 3);
		h_printf(&r->out, "<button>%s</button></form>", TR(r, "req.rate_send"));
	}
	page_end(r);
	resp_html(r, status);
}

/* Loads the request named by the route and checks the viewer may see it;
 * answers 404 otherwise (private requests do not reveal their existence). */
static bool load_visible(struct req *r, store *s, struct request *q, const char **token)
{
	*token = req_param(r, "token");
	if (!request_by_ref(s, r->a, r->params[0], q) || !request_can_view(s, req_who(r), q, *token)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	return true;
}

static void show_page(struct req *r)
{
	store *s = req_store(r);
	struct request q;
	const char *token;
	if (!s || !load_visible(r, s, &q, &token))
		return;
	show_request(r, s, &q, token, 200, NULL);
}

static struct actor citizen_actor(struct req *r, const struct request *q)
{
	struct principal *who = req_who(r);
	if (who && who->user_id == q->user_id)
		return (struct actor){who->user_id, who->name ? who->name : "", false};
	return (struct actor){0, q->contact_name ? q->contact_name : "", false};
}

static const char *back_link(struct req *r, const struct request *q, const char *token, const char *anchor)
{
	if (token && request_token_ok(q->id, token))
		return arena_printf(r->a, "/requests/%s?token=%s#%s", q->ref, token, anchor);
	return arena_printf(r->a, "/requests/%s#%s", q->ref, anchor);
}

static void reply_post(struct req *r)
{
	store *s = req_store(r);
	struct request q;
	const char *token;
	if (!s || !load_visible(r, s, &q, &token))
		return;
	if (!request_is_author(req_who(r), &q, token)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	struct form_errors e = {0};
	const char *body = kv_get(&r->form, "body");
	size_t len = body ? utf8_length(body) : 0;
	if (!body || strspn(body, " \t\r\n") == strlen(body))
		form_error(&e, "body", "form.required");
	else if (len > REQ_DESC_MAX)
		form_error(&e, "body", "form.too_long");
	else if (q.status == RS_CLOSED)
		form_error(&e, "body", "req.closed_no_answer");
	if (e.n) {
		show_request(r, s, &q, token, 422, &e);
		return;
	}
	struct actor by = citizen_actor(r, &q);
	if (!request_citizen_reply(s, q.id, body, &by)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	page_cache_bump();
	resp_redirect(r, back_link(r, &q, token, "history"));
}

static void rate_post(struct req *r)
{
	store *s = req_store(r);
	struct request q;
	const char *token;
	if (!s || !load_visible(r, s, &q, &token))
		return;
	if (!request_is_author(req_who(r), &q, token)) {
		resp_error(r, 403, "error.forbidden");
		return;
	}
	struct form_errors e = {0};
	int64_t rating = 0;
	const char *rv = kv_get(&r->form, "rating");
	const char *comment = kv_get(&r->form, "comment");
	if (!rv || !parse_int64(rv, 1, 5, &rating))
		form_error(&e, "rating", "req.rating_pick");
	if (comment && utf8_length(comment) > 1000)
		form_error(&e, "comment", "form.too_long");
	if (!e.n && ((q.status != RS_SOLVED && q.status != RS_CLOSED) || q.rating))
		form_error(&e, "rating", "req.rate_not_now");
	if (e.n) {
		show_request(r, s, &q, token, 422, &e);
		return;
	}
	struct actor by = citizen_actor(r, &q);
	if (!request_rate(s, q.id, (int)rating, comment, &by)) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	page_cache_bump();
	resp_redirect(r, back_link(r, &q, token, "history"));
}

/* ---- lists ---- */

struct row {
	const char *ref, *kind, *description;
	int64_t category_id, created_at;
	enum req_status status;
	bool public;
};

static void rows_table(struct req *r, store *s, const struct row *rows, int n, bool full)
{
	h_printf(&r->out, "<ul class=\"req-list\">");
	for (int i = 0; i < n; i++) {
		const struct row *w = &rows[i];
		const char *text = shown(r, w->description, full);
		size_t cut = strlen(text);
		if (utf8_length(text) > 160) {
			/* cut on a character boundary after ~160 characters */
			size_t chars = 0;
			for (cut = 0; text[cut] && chars < 160; cut++)
				if (((unsigned char)text[cut] & 0xC0) != 0x80)
					chars++;
			while (text[cut] && ((unsigned char)text[cut] & 0xC0) == 0x80)
				cut++;
		}
		h_printf(&r->out, "<li><p><a href=\"/requests/%s\"><span class=\"ref\">%s</span></a> "
				  "<span class=\"chip status-%s\">%s</span> %s</p><p>",
			 w->ref, w->ref, req_status_names[w->status], status_text(r, w->status), category_name(s, r, w->category_id));
		h_text(&r->out, arena_strndup(r->a, text, cut));
		h_printf(&r->out, "%s</p><p class=\"meta\"><time>", text[cut] ? "…" : "");
		fmt_date(&r->out, r->lang, (time_t)w->created_at, false);
		h_raw(&r->out, "</time></p></li>");
	}
	h_raw(&r->out, "</ul>");
}

static int read_rows(store_stmt *st, arena *a, struct row *rows, int max)
{
	int n = 0;
	while (n < max && store_step(st) == STORE_ROW) {
		struct row *w = &rows[n++];
		w->ref = arena_strdup(a, store_text(st, 0));
		w->kind = arena_strdup(a, store_text(st, 1));
		w->description = arena_strdup(a, store_text(st, 2));
		w->category_id = store_int(st, 3);
		w->created_at = store_int(st, 4);
		req_status_parse(store_text(st, 5), &w->status);
		w->public = store_int(st, 6) != 0;
	}
	store_done(st);
	return n;
}

static int64_t page_number(struct req *r)
{
	int64_t p = 1;
	const char *v = kv_get(&r->query, "page");
	if (v && *v && !parse_int64(v, 1, 10000, &p))
		return 0;
	return p;
}

static void track_box(struct req *r)
{
	h_printf(&r->out, "<section class=\"track\"><h2>%s</h2><form method=\"post\" action=\"/requests/track\">",
		 TR(r, "req.track_title"));
	f_input(r, NULL, "ref", "req.track_ref", "text", NULL, "maxlength=\"12\" autocapitalize=\"characters\"");
	f_input(r, NULL, "contact", "req.track_contact", "text", NULL, "maxlength=\"200\"");
	h_printf(&r->out, "<button>%s</button></form></section>", TR(r, "req.track_go"));
}

static void mine_page(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int64_t page = page_number(r);
	if (!page) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	struct principal *who = req_who(r);
	store_stmt *st = store_prepare(s, "SELECT ref, kind, description, category_id, created_at, status, public FROM requests "
					  "WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?");
	if (!st) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	store_bind_int(st, 1, who->user_id);
	store_bind_int(st, 2, LIST_PAGE + 1);
	store_bind_int(st, 3, (page - 1) * LIST_PAGE);
	struct row rows[LIST_PAGE + 1];
	int n = read_rows(st, r->a, rows, LIST_PAGE + 1);
	page_begin(r, TR(r, "req.mine_title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"actions\"><a class=\"button\" href=\"/requests/new\">%s</a></p>",
		 TR(r, "req.mine_title"), TR(r, "req.new_title"));
	if (!n)
		h_printf(&r->out, "<p>%s</p>", TR(r, "req.none_mine"));
	rows_table(r, s, rows, n > LIST_PAGE ? LIST_PAGE : n, true);
	h_raw(&r->out, "<nav class=\"pager\">");
	if (page > 1)
		h_printf(&r->out, "<a rel=\"prev\" href=\"/requests?page=%lld\">%s</a> ", (long long)(page - 1), TR(r, "req.newer"));
	if (n > LIST_PAGE)
		h_printf(&r->out, "<a rel=\"next\" href=\"/requests?page=%lld\">%s</a>", (long long)(page + 1), TR(r, "pager.older"));
	h_raw(&r->out, "</nav>");
	page_end(r);
	resp_html(r, 200);
}

static void public_page(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int64_t page = page_number(r);
	const char *code = kv_get(&r->query, "category");
	const char *status = kv_get(&r->query, "status");
	struct category cat = {0};
	enum req_status stv;
	if (!page || (code && *code && !category_by_code(s, r->a, code, &cat)) || (status && *status && !req_status_parse(status, &stv))) {
		resp_error(r, 400, "error.bad_request");
		return;
	}
	store_stmt *st = store_prepare(s, "SELECT ref, kind, description, category_id, created_at, status, public FROM requests "
					  "WHERE public = 1 AND (?1 = 0 OR category_id = ?1) AND (?2 = '' OR status = ?2) "
					  "ORDER BY id DESC LIMIT ?3 OFFSET ?4");
	if (!st) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	store_bind_int(st, 1, cat.id);
	store_bind_text(st, 2, status ? status : "");
	store_bind_int(st, 3, LIST_PAGE + 1);
	store_bind_int(st, 4, (page - 1) * LIST_PAGE);
	struct row rows[LIST_PAGE + 1];
	int n = read_rows(st, r->a, rows, LIST_PAGE + 1);
	page_begin(r, TR(r, "req.public_title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p><p class=\"actions\"><a class=\"button\" href=\"/requests/new\">%s</a></p>",
		 TR(r, "req.public_title"), TR(r, "req.public_intro"), TR(r, "req.new_title"));
	h_raw(&r->out, "<form method=\"get\" action=\"/requests/public\" class=\"filters\">");
	struct category *cats;
	int nc = category_list(s, r->a, false, &cats);
	struct select_option *co = arena_alloc(r->a, sizeof *co * (size_t)(nc + 2));
	int k = 0;
	co[k++] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < nc; i++)
		if (cats[i].public)
			co[k++] = (struct select_option){cats[i].code, NULL, cats[i].name[lang_index3(r->lang)]};
	f_select(r, NULL, "category", "req.category", co, code);
	struct select_option so[RS_COUNT + 2];
	so[0] = (struct select_option){"", "filter.any", NULL};
	for (int i = 0; i < RS_COUNT; i++)
		so[i + 1] = (struct select_option){req_status_names[i], arena_printf(r->a, "rstatus.%s", req_status_names[i]), NULL};
	so[RS_COUNT + 1] = (struct select_option){NULL, NULL, NULL};
	f_select(r, NULL, "status", "req.status", so, status);
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "filter.apply"));
	if (!n)
		h_printf(&r->out, "<p>%s</p>", TR(r, "req.none_public"));
	rows_table(r, s, rows, n > LIST_PAGE ? LIST_PAGE : n, false);
	const char *keep = arena_printf(r->a, "category=%s&status=%s", url_encode(r->a, code ? code : ""),
					url_encode(r->a, status ? status : ""));
	h_raw(&r->out, "<nav class=\"pager\">");
	if (page > 1)
		h_printf(&r->out, "<a rel=\"prev\" href=\"/requests/public?%s&page=%lld\">%s</a> ", keep, (long long)(page - 1),
			 TR(r, "req.newer"));
	if (n > LIST_PAGE)
		h_printf(&r->out, "<a rel=\"next\" href=\"/requests/public?%s&page=%lld\">%s</a>", keep, (long long)(page + 1),
			 TR(r, "pager.older"));
	h_raw(&r->out, "</nav>");
	track_box(r);
	page_end(r);
	resp_cacheable(r, 60);
	resp_html(r, 200);
}

/* ---- track by reference ---- */

static void track_form(struct req *r, int status, const char *ref, const char *contact, const char *error_key)
{
	page_begin(r, TR(r, "req.track_title"));
	h_printf(&r->out, "<h1>%s</h1><p>%s</p>", TR(r, "req.track_title"), TR(r, "req.track_intro"));
	struct form_errors e = {0};
	if (error_key) {
		form_error(&e, "ref", error_key);
		f_errors_summary(r, &e);
	}
	h_raw(&r->out, "<form method=\"post\" action=\"/requests/track\">");
	f_input(r, &e, "ref", "req.track_ref", "text", ref, "maxlength=\"12\" autocapitalize=\"characters\"");
	f_input(r, NULL, "contact", "req.track_contact", "text", contact, "maxlength=\"200\"");
	h_printf(&r->out, "<button>%s</button></form>", TR(r, "req.track_go"));
	page_end(r);
	resp_html(r, status);
}

static void track_get(struct req *r)
{
	track_form(r, 200, kv_get(&r->query, "ref"), NULL, NULL);
}

static void track_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "track-ip:%s", r->ip), TRACK_IP_MAX, TRACK_WINDOW, &retry)) {
		req_rate_limited(r, retry);
		return;
	}
	const char *ref_in = kv_get(&r->form, "ref");
	const char *contact = kv_get(&r->form, "contact");
	char ref[16] = "";
	size_t k = 0;
	for (const char *p = ref_in ? ref_in : ""; *p && k < sizeof ref - 1; p++)
		if (*p != ' ')
			ref[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	ref[k] = 0;
	bool is_email = false;
	const char *norm = contact && *contact ? login_normalize(r->a, contact, &is_email) : NULL;
	struct request q;
	bool match = false;
	if (norm && *ref && request_by_ref(s, r->a, ref, &q)) {
		const char *mine = is_email ? q.contact_email : q.contact_phone;
		match = mine && !strcmp(mine, norm);
		struct user u;
		if (!match && q.user_id && user_get(s, r->a, q.user_id, &u)) {
			const char *acct = is_email ? u.email : u.phone;
			match = acct && !strcasecmp(acct, norm);
		}
	}
	if (!match) {
		track_form(r, 404, ref_in, contact, "req.track_nomatch");
		return;
	}
	char token[65];
	request_token(q.id, token);
	resp_redirect(r, arena_printf(r->a, "/requests/%s?token=%s", q.ref, token));
}

void requests_citizen_view_routes(void);
void requests_citizen_view_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/requests", mine_page, ACCESS_LOGGED_IN, 0, 0, "my requests"},
		{"GET", "/requests/public", public_page, ACCESS_ANYONE, 0, ROUTE_CACHE, "public requests (masked), filtered"},
		{"GET", "/requests/track", track_get, ACCESS_ANYONE, 0, 0, "track a request by reference and contact"},
		{"POST", "/requests/track", track_post, ACCESS_ANYONE, 0, ROUTE_FORM | ROUTE_NO_CSRF,
		 "track: reference + email/phone -> private link"},
		{"GET", "/requests/:ref", show_page, ACCESS_ANYONE, 0, 0, "follow a request (author, token, or public masked)"},
		{"POST", "/requests/:ref/reply", reply_post, ACCESS_ANYONE, 0, ROUTE_FORM, "the citizen answers"},
		{"POST", "/requests/:ref/rate", rate_post, ACCESS_ANYONE, 0, ROUTE_FORM, "the citizen rates a solved request"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
