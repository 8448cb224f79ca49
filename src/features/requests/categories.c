/* Names of statuses, priorities and kinds; categories with their attributes;
 * SLA policies; the business calendar. */
#include "features/requests/requests.h"
#include "core/util.h"
#include <stdio.h>
#include <string.h>

const char *const req_status_names[RS_COUNT] = {"new", "open", "pending", "on_hold", "solved", "closed"};
const char *const req_priority_names[RP_COUNT] = {"low", "normal", "high", "urgent"};
const char *const req_kinds[] = {"question", "complaint", "report", "suggestion", NULL};
const char *const sla_target_names[SLA_COUNT] = {"first_response", "next_response", "resolution"};

static bool parse_name(const char *s, const char *const *names, int n, int *out)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return true;
		}
	return false;
}

bool req_status_parse(const char *s, enum req_status *out)
{
	int i;
	if (!parse_name(s, req_status_names, RS_COUNT, &i))
		return false;
	*out = (enum req_status)i;
	return true;
}

bool req_priority_parse(const char *s, enum req_priority *out)
{
	int i;
	if (!parse_name(s, req_priority_names, RP_COUNT, &i))
		return false;
	*out = (enum req_priority)i;
	return true;
}

bool req_kind_valid(const char *s)
{
	for (int i = 0; s && req_kinds[i]; i++)
		if (!strcmp(s, req_kinds[i]))
			return true;
	return false;
}

const char *req_open311_status(enum req_status s)
{
	return s == RS_SOLVED || s == RS_CLOSED ? "closed" : "open";
}

int lang_index3(const char *lang)
{
	if (lang && !strcmp(lang, "fr"))
		return 1;
	if (lang && !strcmp(lang, "en"))
		return 2;
	return 0;
}

/* ---- categories ---- */

#define CAT_COLS "id, dept_id, code, name_ar, name_fr, name_en, desc_ar, desc_fr, desc_en, grp, keywords, public, active"

static void read_category(store_stmt *st, arena *a, struct category *c)
{
	memset(c, 0, sizeof *c);
	c->id = store_int(st, 0);
	c->dept_id = store_int(st, 1);
	c->code = arena_strdup(a, store_text(st, 2));
	for (int i = 0; i < 3; i++) {
		c->name[i] = arena_strdup(a, store_text(st, 3 + i));
		c->desc[i] = arena_strdup(a, store_text(st, 6 + i));
	}
	c->grp = arena_strdup(a, store_text(st, 9));
	c->keywords = arena_strdup(a, store_text(st, 10));
	c->public = store_int(st, 11) != 0;
	c->active = store_int(st, 12) != 0;
}

static void load_attributes(store *s, arena *a, struct category *c)
{
	int n = (int)store_scalar(s, 0, "SELECT count(*) FROM req_attributes WHERE category_id = ?", "i", c->id);
	c->attrs = arena_alloc(a, sizeof *c->attrs * (size_t)(n + 1));
	store_stmt *st = store_prepare(s, "SELECT id, code, datatype, required, ord, label_ar, label_fr, label_en "
					  "FROM req_attributes WHERE category_id = ? ORDER BY ord, id");
	if (!st)
		return;
	store_bind_int(st, 1, c->id);
	int k = 0;
	while (k < n && store_step(st) == STORE_ROW) {
		struct attribute *at = &c->attrs[k++];
		at->id = store_int(st, 0);
		at->code = arena_strdup(a, store_text(st, 1));
		at->datatype = arena_strdup(a, store_text(st, 2));
		at->required = store_int(st, 3) != 0;
		at->ord = (int)store_int(st, 4);
		for (int i = 0; i < 3; i++)
			at->label[i] = arena_strdup(a, store_text(st, 5 + i));
	}
	store_done(st);
	c->nattrs = k;
	for (int i = 0; i < k; i++) {
		struct attribute *at = &c->attrs[i];
		int nv = (int)store_scalar(s, 0, "SELECT count(*) FROM req_attribute_values WHERE attribute_id = ?", "i", at->id);
		at->values = arena_alloc(a, sizeof *at->values * (size_t)(nv + 1));
		st = store_prepare(s, "SELECT key, name_ar, name_fr, name_en FROM req_attribute_values "
				      "WHERE attribute_id = ? ORDER BY ord, id");
		if (!st)
			continue;
		store_bind_int(st, 1, at->id);
		int m = 0;
		while (m < nv && store_step(st) == STORE_ROW) {
			at->values[m].key = arena_strdup(a, store_text(st, 0));
			for (int j = 0; j < 3; j++)
				at->values[m].name[j] = arena_strdup(a, store_text(st, 1 + j));
			m++;
		}
		store_done(st);
		at->nvalues = m;
	}
}

int category_list(store *s, arena *a, bool all, struct category **out)
{
	int n = (int)store_scalar(s, 0, "SELECT count(*) FROM req_categories", "");
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	store_stmt *st = store_prepare(s, "SELECT " CAT_COLS " FROM req_categories WHERE ?1 = 1 OR active = 1 "
					  "ORDER BY grp, code");
	if (!st)
		return 0;
	store_bind_int(st, 1, all);
	int k = 0;
	while (k < n && store_step(st) == STORE_ROW)
		read_category(st, a, &(*out)[k++]);
	store_done(st);
	for (int i = 0; i < k; i++)
		load_attributes(s, a, &(*out)[i]);
	return k;
}

static bool category_where(store *s, arena *a, struct category *c, const char *sql, int64_t id, const char *code)
{
	store_stmt *st = store_prepare(s, sql);
	if (!st)
		return false;
	if (code)
		store_bind_text(st, 1, code);
	else
		store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		read_category(st, a, c);
	store_done(st);
	if (found)
		load_attributes(s, a, c);
	return found;
}

bool category_get(store *s, arena *a, int64_t id, struct category *c)
{
	return category_where(s, a, c, "SELECT " CAT_COLS " FROM req_categories WHERE id = ?", id, NULL);
}

bool category_by_code(store *s, arena *a, const char *code, struct category *c)
{
	return code && category_where(s, a, c, "SELECT " CAT_COLS " FROM req_categories WHERE code = ?", 0, code);
}

int64_t category_save(store *s, const struct category *c)
{
	return store_scalar(s, -1,
		"INSERT INTO req_categories(code, dept_id, name_ar, name_fr, name_en, desc_ar, desc_fr, desc_en, grp, keywords,"
		" public, active, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
		"ON CONFLICT(code) DO UPDATE SET dept_id = excluded.dept_id, name_ar = excluded.name_ar,"
		" name_fr = excluded.name_fr, name_en = excluded.name_en, desc_ar = excluded.desc_ar,"
		" desc_fr = excluded.desc_fr, desc_en = excluded.desc_en, grp = excluded.grp, keywords = excluded.keywords,"
		" public = excluded.public, active = excluded.active RETURNING id",
		"tittttttttiii", c->code, c->dept_id, c->name[0], c->name[1], c->name[2], c->desc[0] ? c->desc[0] : "",
		c->desc[1] ? c->desc[1] : "", c->desc[2] ? c->desc[2] : "", c->grp ? c->grp : "",
		c->keywords ? c->keywords : "", (int64_t)c->public, (int64_t)c->active, now_s());
}

bool category_save_attributes(store *s, int64_t category_id, const struct attribute *attrs, int n)
{
	if (store_run(s, "DELETE FROM req_attributes WHERE category_id = ?", "i", category_id) < 0)
		return false;
	for (int i = 0; i < n; i++) {
		const struct attribute *at = &attrs[i];
		int64_t id = store_scalar(s, -1, "INSERT INTO req_attributes(category_id, code, datatype, required, ord, label_ar,"
						 " label_fr, label_en) VALUES (?,?,?,?,?,?,?,?) RETURNING id",
					  "ittiittt", category_id, at->code, at->datatype, (int64_t)at->required,
					  (int64_t)(at->ord ? at->ord : i + 1), at->label[0], at->label[1], at->label[2]);
		if (id < 0)
			return false;
		for (int j = 0; j < at->nvalues; j++)
			if (store_run(s, "INSERT INTO req_attribute_values(attribute_id, key, name_ar, name_fr, name_en, ord) "
					 "VALUES (?,?,?,?,?,?)", "itttti", id, at->values[j].key,
				      at->values[j].name[0], at->values[j].name[1], at->values[j].name[2], (int64_t)j) < 0)
				return false;
	}
	return true;
}

/* ---- SLA policies ---- */

bool sla_policy_get(store *s, int64_t category_id, enum req_priority p, struct sla_policy *out)
{
	memset(out, 0, sizeof *out);
	out->business_hours = true;
	store_stmt *st = store_prepare(s, "SELECT coalesce(first_response, 0), coalesce(next_response, 0), "
					  "coalesce(resolution, 0), business_hours, raise_priority FROM req_sla "
					  "WHERE category_id = ? AND priority = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, category_id);
	store_bind_text(st, 2, req_priority_names[p]);
	bool found = store_step(st) == STORE_ROW;
	if (found) {
		for (int i = 0; i < SLA_COUNT; i++)
			out->seconds[i] = store_int(st, i);
		out->business_hours = store_int(st, 3) != 0;
		out->raise_priority = store_int(st, 4) != 0;
	}
	store_done(st);
	return found;
}

bool sla_policy_set(store *s, int64_t category_id, enum req_priority p, const struct sla_policy *pol)
{
	store_stmt *st = store_prepare(s, "INSERT INTO req_sla(category_id, priority, first_response, next_response, resolution,"
					  " business_hours, raise_priority) VALUES (?,?,?,?,?,?,?) "
					  "ON CONFLICT(category_id, priority) DO UPDATE SET first_response = excluded.first_response,"
					  " next_response = excluded.next_response, resolution = excluded.resolution,"
					  " business_hours = excluded.business_hours, raise_priority = excluded.raise_priority");
	if (!st)
		return false;
	store_bind_int(st, 1, category_id);
	store_bind_text(st, 2, req_priority_names[p]);
	for (int i = 0; i < SLA_COUNT; i++) {
		if (pol->seconds[i] > 0)
			store_bind_int(st, 3 + i, pol->seconds[i]);
		else
			store_bind_null(st, 3 + i);
	}
	store_bind_int(st, 6, pol->business_hours);
	store_bind_int(st, 7, pol->raise_priority);
	int rc = store_step(st);
	store_done(st);
	return rc == STORE_DONE;
}

/* ---- calendar ---- */

void calendar_load(store *s, struct calendar *c)
{
	memset(c, 0, sizeof *c);
	store_stmt *st = store_prepare(s, "SELECT weekday, open_min, close_min FROM req_business_hours ORDER BY weekday, open_min");
	while (st && c->niv < CAL_MAX_INTERVALS && store_step(st) == STORE_ROW) {
		c->iv[c->niv].weekday = (int)store_int(st, 0);
		c->iv[c->niv].open_min = (int)store_int(st, 1);
		c->iv[c->niv].close_min = (int)store_int(st, 2);
		c->niv++;
	}
	if (st)
		store_done(st);
	if (c->niv == 0)
		cal_default(c);
	st = store_prepare(s, "SELECT day FROM req_holidays ORDER BY day");
	while (st && c->nholidays < CAL_MAX_HOLIDAYS && store_step(st) == STORE_ROW) {
		int y, m, d;
		if (sscanf(store_text(st, 0), "%4d-%2d-%2d", &y, &m, &d) == 3)
			c->holidays[c->nholidays++] = y * 10000 + m * 100 + d;
	}
	if (st)
		store_done(st);
}

bool calendar_save(store *s, const struct calendar *c, const char *const *names)
{
	if (!store_begin(s))
		return false;
	bool ok = store_run(s, "DELETE FROM req_business_hours", "") >= 0 && store_run(s, "DELETE FROM req_holidays", "") >= 0;
	for (int i = 0; ok && i < c->niv; i++)
		ok = store_run(s, "INSERT INTO req_business_hours(weekday, open_min, close_min) VALUES (?,?,?)", "iii",
			       (int64_t)c->iv[i].weekday, (int64_t)c->iv[i].open_min, (int64_t)c->iv[i].close_min) == 1;
	for (int i = 0; ok && i < c->nholidays; i++) {
		char day[16];
		snprintf(day, sizeof day, "%04d-%02d-%02d", c->holidays[i] / 10000, c->holidays[i] / 100 % 100,
			 c->holidays[i] % 100);
		ok = store_run(s, "INSERT INTO req_holidays(day, name) VALUES (?, ?) ON CONFLICT DO NOTHING", "tt", day,
			       names && names[i] ? names[i] : "") >= 0;
	}
	if (ok && store_commit(s))
		return true;
	store_rollback(s);
	return false;
}
