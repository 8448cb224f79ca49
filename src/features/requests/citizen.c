/* Requests: the citizen's side — submitting a request (a two-step form that
 * works without JavaScript: choose the category, then fill the form with its
 * extra fields) and the confirmation page with the tracking reference and, for
 * anonymous citizens, the private link. Following a request, the lists and the
 * "track by reference" box live in citizen_view.c. */
#include "web/page.h"
#include "features/requests/internal.h"
#include "features/accounts/accounts.h"
#include "features/media/media.h"
#include "http/ratelimit.h"
#include "http/urlenc.h"
#include "core/util.h"
#include <string.h>

/* Submissions per IP (generous: mobile networks put many people behind one
 * address) and per account, per hour. Every POST counts, valid or not. */
#define SUBMIT_IP_MAX 30
#define SUBMIT_ACCT_MAX 10
#define SUBMIT_WINDOW 3600

void requests_citizen_view_routes(void);

/* The value typed for name (form of a POST), or NULL. */
static const char *val(const struct kvlist *vals, const char *name)
{
	return vals ? kv_get(vals, name) : NULL;
}

/* ---- field markup shared by the grouped select and the extra fields (same
 * shape as web/form.c: label, control, error linked by aria-describedby) ---- */

static void err_attrs(struct req *r, const struct form_errors *e, const char *name)
{
	if (form_error_for(e, name))
		h_printf(&r->out, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
}

static void err_line(struct req *r, const struct form_errors *e, const char *name)
{
	const char *k = form_error_for(e, name);
	if (k)
		h_printf(&r->out, "<p class=\"err\" id=\"e-%s\">%s</p>", name, TR(r, k));
}

/* Label of a category group: the department's name when the group is a
 * department slug, the group itself otherwise. */
static const char *group_label(struct req *r, store *s, const char *grp)
{
	struct department d;
	int64_t id = grp && *grp ? dept_by_slug(s, grp) : 0;
	if (id && dept_get(s, r->a, id, &d))
		return dept_name(&d, r->lang);
	return grp && *grp ? grp : TR(r, "req.group_other");
}

/* <select name="category"> with one <optgroup> per group. */
static void category_select(struct req *r, store *s, const struct form_errors *e, const struct category *cats, int n,
			    const char *selected)
{
	int li = lang_index3(r->lang);
	h_printf(&r->out, "<div class=\"field\"><label for=\"f-category\">%s</label><select id=\"f-category\" name=\"category\"",
		 TR(r, "req.category"));
	err_attrs(r, e, "category");
	h_printf(&r->out, "><option value=\"\">%s</option>", TR(r, "req.choose"));
	const char *grp = NULL;
	for (int i = 0; i < n; i++) {
		if (!grp || strcmp(grp, cats[i].grp)) {
			if (grp)
				h_raw(&r->out, "</optgroup>");
			grp = cats[i].grp;
			h_printf(&r->out, "<optgroup label=\"%s\">", group_label(r, s, grp));
		}
		h_printf(&r->out, "<option value=\"%s\"%s>%s</option>", cats[i].code,
			 selected && !strcmp(selected, cats[i].code) ? " selected" : "", cats[i].name[li]);
	}
	if (grp)
		h_raw(&r->out, "</optgroup>");
	h_raw(&r->out, "</select>");
	err_line(r, e, "category");
	h_raw(&r->out, "</div>");
}

static void kind_select(struct req *r, const struct form_errors *e, const char *selected)
{
	struct select_option o[8];
	int k = 0;
	for (int i = 0; req_kinds[i] && k < 7; i++, k++)
		o[k] = (struct select_option){req_kinds[i], arena_printf(r->a, "rkind.%s", req_kinds[i]), NULL};
	o[k] = (struct select_option){NULL, NULL, NULL};
	f_select(r, e, "kind", "req.kind", o, selected && *selected ? selected : "report");
}

static bool has_value(const struct kvlist *vals, const char *name, const char *v)
{
	for (int i = 0; vals && i < vals->n; i++)
		if (!strcmp(vals->items[i].name, name) && !strcmp(vals->items[i].value, v))
			return true;
	return false;
}

/* One extra field of the category, rendered by its datatype. */
static void attr_field(struct req *r, const struct form_errors *e, const struct attribute *at, const struct kvlist *vals)
{
	int li = lang_index3(r->lang);
	const char *name = arena_printf(r->a, "attribute[%s]", at->code);
	const char *v = val(vals, name);
	const char *req = at->required ? " required" : "";
	if (!strcmp(at->datatype, "multivaluelist")) {
		h_printf(&r->out, "<fieldset class=\"field checks\" id=\"f-%s\"", name);
		err_attrs(r, e, name);
		h_printf(&r->out, "><legend>%s</legend>", at->label[li]);
		for (int j = 0; j < at->nvalues; j++)
			h_printf(&r->out, "<label><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> %s</label>", name,
				 at->values[j].key, has_value(vals, name, at->values[j].key) ? " checked" : "",
				 at->values[j].name[li]);
		err_line(r, e, name);
		h_raw(&r->out, "</fieldset>");
		return;
	}
	h_printf(&r->out, "<div class=\"field\"><label for=\"f-%s\">%s</label>", name, at->label[li]);
	if (!strcmp(at->datatype, "singlevaluelist")) {
		h_printf(&r->out, "<select id=\"f-%s\" name=\"%s\"%s", name, name, req);
		err_attrs(r, e, name);
		h_printf(&r->out, "><option value=\"\">%s</option>", TR(r, "req.choose"));
		for (int j = 0; j < at->nvalues; j++)
			h_printf(&r->out, "<option value=\"%s\"%s>%s</option>", at->values[j].key,
				 v && !strcmp(v, at->values[j].key) ? " selected" : "", at->values[j].name[li]);
		h_raw(&r->out, "</select>");
	} else if (!strcmp(at->datatype, "text")) {
		h_printf(&r->out, "<textarea id=\"f-%s\" name=\"%s\" rows=\"3\"%s", name, name, req);
		err_attrs(r, e, name);
		h_raw(&r->out, ">");
		h_text(&r->out, v);
		h_raw(&r->out, "</textarea>");
	} else {
		const char *type = !strcmp(at->datatype, "number") ? "number\" step=\"any"
				   : !strcmp(at->datatype, "datetime") ? "datetime-local" : "text";
		h_printf(&r->out, "<input id=\"f-%s\" name=\"%s\" type=\"", name, name);
		h_raw(&r->out, type); /* literal from the line above */
		h_printf(&r->out, "\" value=\"%s\"%s", v ? v : "", req);
		err_attrs(r, e, name);
		h_raw(&r->out, ">");
	}
	err_line(r, e, name);
	h_raw(&r->out, "</div>");
}

/* Step 1 (cat NULL, not a POST): choose kind and category, by GET.
 * Step 2: the whole form; on a POST with errors, every typed value is kept and
 * photos already accepted are carried in hidden fields (kept[]). */
static void form_page(struct req *r, store *s, int status, bool step2, const struct category *cat,
		      const struct form_errors *e, const struct kvlist *vals, const char **kept, int nkept)
{
	struct category *cats;
	int n = category_list(s, r->a, false, &cats);
	struct principal *who = req_who(r);
	const char *kind = val(vals, "kind") ? val(vals, "kind") : kv_get(&r->query, "kind");
	page_begin(r, TR(r, "req.new_title"));
	h_printf(&r->out, "<h1>%s</h1>", TR(r, "req.new_title"));
	f_errors_summary(r, e);
	if (!step2) {
		h_printf(&r->out, "<p>%s</p><form method=\"get\" action=\"/requests/new\">", TR(r, "req.step1_intro"));
		kind_select(r, e, kind);
		category_select(r, s, e, cats, n, kv_get(&r->query, "category"));
		h_printf(&r->out, "<button>%s</button></form>", TR(r, "req.continue"));
		h_printf(&r->out, "<p class=\"meta\"><a href=\"/requests/track\">%s</a> · <a href=\"/requests/public\">%s</a></p>",
			 TR(r, "req.track_title"), TR(r, "req.public_title"));
		page_end(r);
		resp_html(r, status);
		return;
	}
	h_printf(&r->out, "<form method=\"post\" action=\"/requests/new\" enctype=\"multipart/form-data\">");
	f_csrf(r);
	h_printf(&r->out, "<fieldset><legend>%s</legend>", TR(r, "req.what"));
	kind_select(r, e, kind);
	category_select(r, s, e, cats, n, cat ? cat->code : val(vals, "category"));
	h_printf(&r->out, "<p class=\"hint\">%s <a href=\"/requests/new\">%s</a></p>", TR(r, "req.category_hint"),
		 TR(r, "req.change_category"));
	for (int i = 0; cat && i < cat->nattrs; i++)
		attr_field(r, e, &cat->attrs[i], vals);
	f_textarea(r, e, "description", "req.description", val(vals, "description"), 6);
	h_printf(&r->out, "</fieldset><fieldset><legend>%s</legend><p class=\"hint\">%s</p>", TR(r, "req.where"),
		 TR(r, "req.location_hint"));
	f_input(r, e, "lat", "req.lat", "text", val(vals, "lat"), "inputmode=\"decimal\" maxlength=\"20\"");
	f_input(r, e, "lon", "req.lon", "text", val(vals, "lon"), "inputmode=\"decimal\" maxlength=\"20\"");
	f_input(r, e, "address", "req.address", "text", val(vals, "address"), "maxlength=\"300\"");
	h_printf(&r->out, "</fieldset><fieldset><legend>%s</legend><p class=\"hint\">%s</p>", TR(r, "req.photos_legend"),
		 TR(r, "req.photos_hint"));
	if (nkept) {
		h_printf(&r->out, "<p>%s</p><p class=\"photos\">", TR(r, "req.photos_kept"));
		for (int i = 0; i < nkept; i++)
			h_printf(&r->out, "<input type=\"hidden\" name=\"photo_keep\" value=\"%s\"><img src=\"/media/%s\" alt=\"\" width=\"80\">",
				 kept[i], kept[i]);
		h_raw(&r->out, "</p>");
	}
	f_input(r, e, "photos", "req.photos", "file", NULL, "multiple accept=\"image/png,image/jpeg,image/webp,image/gif\"");
	h_printf(&r->out, "</fieldset><fieldset><legend>%s</legend>", TR(r, "req.contact"));
	if (who) {
		h_printf(&r->out, "<p>%s</p>", T_fill(r->a, TR(r, "req.contact_account"), 1,
							(const char *[]){who->name && *who->name ? who->name : who->email}));
	} else {
		h_printf(&r->out, "<p class=\"hint\">%s</p>", TR(r, "req.contact_hint"));
		f_input(r, e, "contact_email", "req.contact_email", "email", val(vals, "contact_email"), "maxlength=\"200\"");
		f_input(r, e, "contact_phone", "req.contact_phone", "tel", val(vals, "contact_phone"), "maxlength=\"30\"");
		f_input(r, e, "contact_name", "req.contact_name", "text", val(vals, "contact_name"), "maxlength=\"100\"");
	}
	h_printf(&r->out, "</fieldset><button>%s</button></form>", TR(r, "req.submit"));
	page_end(r);
	resp_html(r, status);
}

static void new_get(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	const char *code = kv_get(&r->query, "category");
	struct category cat;
	if (!code || !*code) {
		form_page(r, s, 200, false, NULL, NULL, NULL, NULL, 0);
		return;
	}
	if (!category_by_code(s, r->a, code, &cat) || !cat.active) {
		struct form_errors e = {0};
		form_error(&e, "category", "request.unknown_category");
		form_page(r, s, 404, false, NULL, &e, NULL, NULL, 0);
		return;
	}
	form_page(r, s, 200, true, &cat, NULL, NULL, NULL, 0);
}

/* Answers 429 with a clear message (and Retry-After). */
void req_rate_limited(struct req *r, int retry);
void req_rate_limited(struct req *r, int retry)
{
	int minutes = (retry + 59) / 60;
	resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry > 0 ? retry : 60));
	sb_reset(&r->out);
	page_begin(r, TR(r, "status.429"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"err-summary\" role=\"alert\">%s</p>", TR(r, "status.429"),
		 T_fill(r->a, TR(r, "req.rate_limited"), 1, (const char *[]){arena_printf(r->a, "%d", minutes < 1 ? 1 : minutes)}));
	page_end(r);
	resp_html(r, 429);
}

/* Photos of the form: names kept from a previous attempt (photo_keep) and new
 * files (photos). All are checked before any is stored; on any error none is
 * stored. Accepted names go to in->photos. */
static void take_photos(struct req *r, struct request_input *in, struct form_errors *e)
{
	struct upload *ups[64];
	int nu = 0, total = 0;
	for (int i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.items[i].name, "photo_keep")) {
			total++;
			if (!media_name_valid(r->form.items[i].value)) {
				form_error(e, "photos", "req.photo_rejected");
				return;
			}
		}
	for (struct upload *u = r->uploads; u; u = u->next)
		if (!strcmp(u->field, "photos") && u->len) {
			total++;
			if (nu < 64)
				ups[nu++] = u;
		}
	if (total > REQ_PHOTOS_MAX) {
		form_error(e, "photos", "request.too_many_photos");
		return;
	}
	for (int i = 0; i < nu; i++) {
		if (ups[i]->len > MEDIA_MAX_BYTES) {
			form_error(e, "photos", "media.too_large");
			return;
		}
		if (!media_sniff((const unsigned char *)ups[i]->data, ups[i]->len)) {
			form_error(e, "photos", "req.photo_rejected");
			return;
		}
	}
	for (int i = 0; i < r->form.n; i++)
		if (!strcmp(r->form.items[i].name, "photo_keep"))
			in->photos[in->nphotos++] = r->form.items[i].value;
	/* The upload list is in reverse order of arrival. */
	for (int i = nu - 1; i >= 0; i--) {
		char name[80];
		const char *err = NULL;
		if (!media_store(r->cfg, ups[i]->data, ups[i]->len, name, &err)) {
			form_error(e, "photos", err ? err : "error.unavailable");
			return;
		}
		in->photos[in->nphotos++] = arena_strdup(r->a, name);
	}
}

static void new_post(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct principal *who = req_who(r);
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "request-ip:%s", r->ip), SUBMIT_IP_MAX, SUBMIT_WINDOW, &retry) ||
	    (who && !ratelimit_take(arena_printf(r->a, "request-acct:%lld", (long long)who->user_id), SUBMIT_ACCT_MAX,
				    SUBMIT_WINDOW, &retry))) {
		req_rate_limited(r, retry);
		return;
	}
	struct form_errors e = {0};
	struct request_input in = {
		.kind = kv_get(&r->form, "kind"), .category_code = kv_get(&r->form, "category"),
		.description = kv_get(&r->form, "description"), .address = kv_get(&r->form, "address"),
		.lat = kv_get(&r->form, "lat"), .lon = kv_get(&r->form, "lon"), .lang = r->lang, .channel = "web",
	};
	if (who) {
		in.user_id = who->user_id;
	} else {
		in.contact_email = kv_get(&r->form, "contact_email");
		in.contact_phone = kv_get(&r->form, "contact_phone");
		in.contact_name = kv_get(&r->form, "contact_name");
	}
	for (int i = 0; i < r->form.n; i++) {
		const char *nm = r->form.items[i].name;
		size_t len = strlen(nm);
		if (len > 11 && !strncmp(nm, "attribute[", 10) && nm[len - 1] == ']')
			kv_add(r->a, &in.attrs, arena_strndup(r->a, nm + 10, len - 11), r->form.items[i].value);
	}
	take_photos(r, &in, &e);
	char ref[16];
	int64_t id = request_create(s, r->a, &in, &e, ref);
	if (id < 0) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	if (id == 0) {
		struct category cat;
		bool have = category_by_code(s, r->a, in.category_code, &cat) && cat.active;
		/* photos are kept only when they were all accepted */
		bool photos_ok = !form_error_for(&e, "photos");
		form_page(r, s, 422, true, have ? &cat : NULL, &e, &r->form, photos_ok ? in.photos : NULL,
			  photos_ok ? in.nphotos : 0);
		return;
	}
	page_cache_bump();
	if (who) {
		resp_redirect(r, arena_printf(r->a, "/requests/%s/done", ref));
	} else {
		char token[65];
		request_token(id, token);
		resp_redirect(r, arena_printf(r->a, "/requests/%s/done?token=%s", ref, token));
	}
}

/* The confirmation: reference, and the private link for anonymous citizens. */
static void done_page(struct req *r)
{
	store *s = req_store(r);
	if (!s)
		return;
	struct request q;
	const char *token = kv_get(&r->query, "token");
	if (!request_by_ref(s, r->a, r->params[0], &q) || !request_is_author(req_who(r), &q, token)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	page_begin(r, TR(r, "req.done_title"));
	h_printf(&r->out, "<h1>%s</h1><p class=\"notice ok\" role=\"status\">%s</p><p>%s</p><p class=\"ref\">%s</p>",
		 TR(r, "req.done_title"), TR(r, "req.done_intro"), TR(r, "req.your_ref"), q.ref);
	if (!q.user_id) {
		char tok[65];
		request_token(q.id, tok);
		const char *link = arena_printf(r->a, "%s/requests/%s?token=%s", r->cfg->base_url, q.ref, tok);
		h_printf(&r->out, "<div class=\"notice keep\"><p><strong>%s</strong></p><p class=\"link\"><a href=\"%s\">%s</a></p><p>%s</p></div>",
			 TR(r, "req.keep_link"), link, link,
			 TR(r, q.contact_email && *q.contact_email ? "req.keep_link_email" : "req.keep_link_noemail"));
		h_printf(&r->out, "<p><a class=\"button\" href=\"/requests/%s?token=%s\">%s</a></p>", q.ref, tok, TR(r, "req.follow"));
	} else {
		h_printf(&r->out, "<p>%s</p><p><a class=\"button\" href=\"/requests/%s\">%s</a> <a href=\"/requests\">%s</a></p>",
			 TR(r, "req.done_account"), q.ref, TR(r, "req.follow"), TR(r, "req.mine_title"));
	}
	page_end(r);
	resp_html(r, 200);
}

void requests_citizen_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/requests/new", new_get, ACCESS_ANYONE, 0, 0, "submit a request: choose the category, then the form"},
		{"POST", "/requests/new", new_post, ACCESS_ANYONE, 0, ROUTE_MULTIPART, "submit a request (multipart, photos)"},
		{"GET", "/requests/:ref/done", done_page, ACCESS_ANYONE, 0, 0, "confirmation with reference and private link"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
	requests_citizen_view_routes();
}
