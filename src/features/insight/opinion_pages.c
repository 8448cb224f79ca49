/* The opinion groups of a consultation: GET /consultations/:id/opinions (an
 * accessible SVG scatter of the participants coloured and shaped by group,
 * then a text summary for everybody, screen readers included: the groups'
 * sizes, their representative statements, the consensus) and
 * GET /api/v1/consultations/:id/opinions (the same as JSON). The votes come
 * from the source registered with opinion_register_source; the math is
 * opinion.c's. Who voted where is never shown: points carry no identity.
 * Anonymous answers are cached for a minute (the computation is the costly
 * part: ~0.6 s at 5,000 × 500). */
#include "features/insight/opinion.h"
#include "features/accounts/accounts.h"
#include "features/consultations/consultations.h"
#include "core/util.h"
#include "http/http.h"
#include "web/chart_xy.h"
#include "web/page.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OPINION_TTL 60

struct computed {
	struct consultation c;
	bool has_source;
	struct opinion_votes votes;
	int np;                     /* distinct participants */
	struct opinion_result res;
};

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static int64_t *find_id(int64_t *ids, int n, int64_t id)
{
	return bsearch(&id, ids, (size_t)n, sizeof *ids, cmp_i64);
}

/* Loads the consultation (visible to the reader) and computes the groups.
 * Answers 404/503 itself and returns false. */
static bool compute_or_reply(struct req *r, store *s, struct computed *out)
{
	memset(out, 0, sizeof *out);
	int64_t id = req_param_id(r, 0);
	if (!id || !consultation_get(s, r->a, id, &out->c)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	if (consultation_status(&out->c, now_s()) == CONSULT_DRAFT &&
	    !principal_can(req_who(r), ROLE_EDITOR, out->c.dept_id)) {
		resp_error(r, 404, "error.not_found");
		return false;
	}
	opinion_source_fn src = opinion_source();
	if (!src)
		return true;
	out->has_source = true;
	if (!src(s, r->a, id, &out->votes)) {
		resp_error(r, 503, "error.unavailable");
		return false;
	}
	struct opinion_votes *v = &out->votes;
	if (v->nstatements > OPINION_MAX_STATEMENTS)
		v->nstatements = OPINION_MAX_STATEMENTS;
	/* participants: distinct voter ids, ascending; beyond the maximum the
	 * lowest ids (the earliest accounts) are kept */
	int64_t *ids = arena_alloc(r->a, sizeof *ids * (size_t)(v->nvotes ? v->nvotes : 1));
	int n = 0;
	for (int i = 0; i < v->nvotes; i++)
		ids[n++] = v->votes[i].participant;
	qsort(ids, (size_t)n, sizeof *ids, cmp_i64);
	int u = 0;
	for (int i = 0; i < n; i++)
		if (!u || ids[u - 1] != ids[i])
			ids[u++] = ids[i];
	if (u > OPINION_MAX_PARTICIPANTS)
		u = OPINION_MAX_PARTICIPANTS;
	out->np = u;
	signed char *m = arena_alloc(r->a, (size_t)u * (size_t)(v->nstatements ? v->nstatements : 1));
	for (int i = 0; i < v->nvotes; i++) {
		const struct opinion_vote *x = &v->votes[i];
		int64_t *p = find_id(ids, u, x->participant);
		if (!p || x->statement < 0 || x->statement >= v->nstatements || (x->value != 1 && x->value != -1))
			continue;
		m[(size_t)(p - ids) * (size_t)v->nstatements + (size_t)x->statement] = x->value;
	}
	struct opinion_input in = {u, v->nstatements, m};
	if (!opinion_compute(r->a, &in, &out->res)) {
		resp_error(r, 503, "error.unavailable");
		return false;
	}
	return true;
}

static const char *status_name(const struct computed *c)
{
	if (!c->has_source)
		return "no_source";
	switch (c->res.status) {
	case OPINION_GROUPS: return "groups";
	case OPINION_NO_CLEAR_GROUPS: return "no_clear_groups";
	case OPINION_TOO_FEW: return "too_few";
	}
	return "too_few";
}

static const char *group_name(struct req *r, int g)
{
	return TR(r, arena_printf(r->a, "insight.group_%d", g + 1));
}

static const char *pct(struct req *r, double share)
{
	strbuf t = STRBUF_INIT;
	fmt_int(&t, r->lang, llround(share * 100));
	const char *s = T_fill(r->a, TR(r, "insight.percent"), 1, (const char *[]){sb_str(&t)});
	sb_free(&t);
	return s;
}

static const char *count(struct req *r, long long n)
{
	strbuf t = STRBUF_INIT;
	fmt_int(&t, r->lang, n);
	const char *s = arena_strdup(r->a, sb_str(&t));
	sb_free(&t);
	return s;
}

static void statement(struct req *r, const struct computed *c, const struct opinion_statement_stat *st, bool rep)
{
	const struct opinion_statement *s = &c->votes.statements[st->statement];
	h_raw(&r->out, "<li><q>");
	if (s->path)
		h_printf(&r->out, "<a href=\"%s\">%s</a>", s->path, s->text ? s->text : "");
	else
		h_text(&r->out, s->text ? s->text : "");
	h_raw(&r->out, "</q> <small>");
	if (rep)
		h_text(&r->out, T_fill(r->a, TR(r, st->direction > 0 ? "insight.rep_agree" : "insight.rep_disagree"), 3,
				       (const char *[]){pct(r, st->group_rate), pct(r, st->rest_rate), count(r, st->group_votes)}));
	else
		h_text(&r->out, T_fill(r->a, TR(r, "insight.consensus_rate"), 1, (const char *[]){pct(r, st->group_rate)}));
	h_raw(&r->out, "</small></li>");
}

static void page(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	struct computed c;
	if (!compute_or_reply(r, s, &c))
		return;
	const char *title = T_fill(r->a, TR(r, "insight.opinions_title"), 1, (const char *[]){c.c.title});
	page_begin(r, title);
	h_printf(&r->out, "<h1>%s</h1><p><a href=\"%s\">%s</a></p><p>%s</p>", title, consultation_path(r->a, &c.c),
		 TR(r, "insight.opinions_back"), TR(r, "insight.opinions_intro"));
	const struct opinion_result *o = &c.res;
	if (!c.has_source) {
		h_printf(&r->out, "<p class=\"notice\">%s</p>", TR(r, "insight.opinions_no_source"));
	} else if (o->status == OPINION_TOO_FEW) {
		h_printf(&r->out, "<p class=\"notice\">%s</p>",
			 T_fill(r->a, TR(r, "insight.opinions_too_few"), 2,
				(const char *[]){count(r, o->nplaced), count(r, OPINION_MIN_PARTICIPANTS)}));
	} else {
		struct chart_point *pts = arena_alloc(r->a, sizeof *pts * (size_t)o->nplaced);
		for (int i = 0; i < o->nplaced; i++)
			pts[i] = (struct chart_point){o->x[i], o->y[i], o->group[i]};
		const char **names = arena_alloc(r->a, sizeof *names * (size_t)o->k);
		for (int g = 0; g < o->k; g++)
			names[g] = o->status == OPINION_GROUPS ? group_name(r, g) : TR(r, "insight.everyone");
		const char *desc = o->status == OPINION_GROUPS
			? T_fill(r->a, TR(r, "insight.scatter_desc"), 2, (const char *[]){count(r, o->nplaced), count(r, o->k)})
			: T_fill(r->a, TR(r, "insight.scatter_desc_none"), 1, (const char *[]){count(r, o->nplaced)});
		chart_scatter(r, "c-opinions", TR(r, "insight.scatter_title"), desc, pts, o->nplaced, names, o->k);
		h_printf(&r->out, "<section id=\"summary\" aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">%s</h2><p>",
			 TR(r, "insight.opinions_summary"));
		if (o->status == OPINION_GROUPS)
			h_text(&r->out, T_fill(r->a, TR(r, "insight.opinions_found"), 3,
					       (const char *[]){count(r, o->nplaced), count(r, o->k),
								arena_printf(r->a, "%.2f", o->silhouette)}));
		else
			h_text(&r->out, T_fill(r->a, TR(r, "insight.opinions_unclear"), 2,
					       (const char *[]){count(r, o->nplaced), arena_printf(r->a, "%.2f", o->silhouette)}));
		h_raw(&r->out, "</p>");
		if (o->status == OPINION_GROUPS)
			for (int g = 0; g < o->k; g++) {
				h_printf(&r->out, "<h3>%s</h3><p>%s</p>", group_name(r, g),
					 T_fill(r->a, TR(r, "insight.group_size"), 2,
						(const char *[]){count(r, o->groups[g].size),
								 pct(r, (double)o->groups[g].size / o->nplaced)}));
				if (!o->groups[g].nreps) {
					h_printf(&r->out, "<p>%s</p>", TR(r, "insight.no_reps"));
					continue;
				}
				h_printf(&r->out, "<p>%s</p><ul class=\"statements\">", TR(r, "insight.reps"));
				for (int k = 0; k < o->groups[g].nreps; k++)
					statement(r, &c, &o->groups[g].reps[k], true);
				h_raw(&r->out, "</ul>");
			}
		h_printf(&r->out, "<h3>%s</h3>", TR(r, "insight.consensus"));
		if (!o->nconsensus) {
			h_printf(&r->out, "<p>%s</p>", TR(r, "insight.no_consensus"));
		} else {
			h_raw(&r->out, "<ul class=\"statements\">");
			for (int k = 0; k < o->nconsensus; k++)
				statement(r, &c, &o->consensus[k], false);
			h_raw(&r->out, "</ul>");
		}
		h_raw(&r->out, "</section>");
	}
	h_printf(&r->out, "<h2>%s</h2><p>%s</p>", TR(r, "insight.opinions_method_title"), TR(r, "insight.opinions_method"));
	h_printf(&r->out, "<p class=\"actions\"><a href=\"/api/v1/consultations/%lld/opinions\">%s</a></p>", (long long)c.c.id,
		 TR(r, "insight.download_json"));
	page_end(r);
	if (consultation_status(&c.c, now_s()) != CONSULT_DRAFT)
		resp_cacheable(r, OPINION_TTL);
	resp_html(r, 200);
}

static json_t *stat_json(const struct computed *c, const struct opinion_statement_stat *st, bool rep)
{
	const struct opinion_statement *s = &c->votes.statements[st->statement];
	json_t *o = json_pack("{s:I,s:s,s:s,s:o,s:s,s:f,s:i}", "statement_id", (json_int_t)s->id, "kind",
			      s->kind ? s->kind : "", "text", s->text ? s->text : "", "path",
			      s->path ? json_string(s->path) : json_null(), "direction", st->direction > 0 ? "agree" : "disagree",
			      rep ? "group_rate" : "min_group_rate", st->group_rate, "votes", st->group_votes);
	if (rep) {
		json_object_set_new(o, "rest_rate", json_real(st->rest_rate));
		json_object_set_new(o, "rest_votes", json_integer(st->rest_votes));
		json_object_set_new(o, "z", json_real(st->z));
	}
	return o;
}

static void api(struct req *r)
{
	store *s = store_thread();
	if (!s) {
		resp_error(r, 503, "error.unavailable");
		return;
	}
	struct computed c;
	if (!compute_or_reply(r, s, &c))
		return;
	const struct opinion_result *o = &c.res;
	json_t *groups = json_array(), *cons = json_array(), *points = json_array(), *sil = json_object();
	for (int g = 0; g < o->k && o->status == OPINION_GROUPS; g++) {
		json_t *reps = json_array();
		for (int k = 0; k < o->groups[g].nreps; k++)
			json_array_append_new(reps, stat_json(&c, &o->groups[g].reps[k], true));
		json_array_append_new(groups, json_pack("{s:i,s:i,s:[f,f],s:o}", "group", g, "size", o->groups[g].size,
							"centroid", o->groups[g].cx, o->groups[g].cy, "representative", reps));
	}
	for (int k = 0; k < o->nconsensus; k++)
		json_array_append_new(cons, stat_json(&c, &o->consensus[k], false));
	for (int i = 0; o->x && i < o->nplaced; i++)
		json_array_append_new(points, json_pack("[f,f,i]", o->x[i], o->y[i], o->group[i]));
	for (int k = OPINION_KMIN; k <= OPINION_KMAX; k++)
		if (o->silhouette_by_k[k] != 0)
			json_object_set_new(sil, arena_printf(r->a, "%d", k), json_real(o->silhouette_by_k[k]));
	json_t *root = json_pack("{s:I,s:s,s:i,s:i,s:i,s:i,s:f,s:o,s:[f,f],s:o,s:o,s:o,s:{s:i,s:i,s:f,s:i,s:f}}",
				 "consultation_id", (json_int_t)c.c.id, "status", status_name(&c), "participants", c.np,
				 "statements", c.votes.nstatements, "placed", o->nplaced, "k", o->k, "silhouette",
				 o->silhouette, "silhouette_by_k", sil, "explained_variance", o->explained[0], o->explained[1],
				 "groups", groups, "consensus", cons, "points", points, "method", "min_votes", OPINION_MIN_VOTES,
				 "min_participants", OPINION_MIN_PARTICIPANTS, "clear_silhouette", OPINION_CLEAR_SILHOUETTE,
				 "min_rep_votes", OPINION_MIN_REP_VOTES, "min_rep_z", OPINION_MIN_REP_Z);
	if (consultation_status(&c.c, now_s()) != CONSULT_DRAFT)
		resp_cacheable(r, OPINION_TTL);
	resp_json(r, 200, root);
}

void opinion_routes(void)
{
	static const struct route routes[] = {
		{"GET", "/consultations/:id/opinions", page, ACCESS_ANYONE, 0, ROUTE_CACHE, "opinion groups of a consultation"},
		{"GET", "/api/v1/consultations/:id/opinions", api, ACCESS_ANYONE, 0, ROUTE_API | ROUTE_CACHE,
		 "opinion groups of a consultation (JSON)"},
	};
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		route_add(&routes[i]);
}
