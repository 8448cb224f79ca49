#include "features/accounts/accounts.h"
#include "core/util.h"
#include <string.h>

int64_t dept_create(store *s, const char *slug, const char *ar, const char *fr, const char *en)
{
	int64_t id = store_scalar(s, -1, "INSERT INTO departments(slug, name_ar, name_fr, name_en, created_at) "
					 "VALUES (?, ?, ?, ?, ?) RETURNING id", "tttti", slug, ar, fr, en, now_s());
	return id < 0 && store_constraint_error(s) ? 0 : id;
}

bool dept_update(store *s, int64_t id, const char *ar, const char *fr, const char *en)
{
	return store_run(s, "UPDATE departments SET name_ar = ?, name_fr = ?, name_en = ? WHERE id = ?",
			 "ttti", ar, fr, en, id) == 1;
}

static void read_dept(store_stmt *st, arena *a, struct department *d)
{
	d->id = store_int(st, 0);
	d->slug = arena_strdup(a, store_text(st, 1));
	d->name_ar = arena_strdup(a, store_text(st, 2));
	d->name_fr = arena_strdup(a, store_text(st, 3));
	d->name_en = arena_strdup(a, store_text(st, 4));
}

int dept_list(store *s, arena *a, struct department **out)
{
	int n = (int)store_scalar(s, 0, "SELECT count(*) FROM departments", "");
	*out = arena_alloc(a, sizeof **out * (size_t)(n + 1));
	store_stmt *st = store_prepare(s, "SELECT id, slug, name_ar, name_fr, name_en FROM departments ORDER BY slug");
	if (!st)
		return 0;
	int i = 0;
	while (i < n && store_step(st) == STORE_ROW)
		read_dept(st, a, &(*out)[i++]);
	store_done(st);
	return i;
}

bool dept_get(store *s, arena *a, int64_t id, struct department *d)
{
	store_stmt *st = store_prepare(s, "SELECT id, slug, name_ar, name_fr, name_en FROM departments WHERE id = ?");
	if (!st)
		return false;
	store_bind_int(st, 1, id);
	bool found = store_step(st) == STORE_ROW;
	if (found)
		read_dept(st, a, d);
	store_done(st);
	return found;
}

int64_t dept_by_slug(store *s, const char *slug)
{
	return store_scalar(s, 0, "SELECT id FROM departments WHERE slug = ?", "t", slug);
}

int64_t dept_resolve(store *s, const char *id_or_slug)
{
	int64_t id;
	if (!id_or_slug || !*id_or_slug)
		return 0;
	if (parse_int64(id_or_slug, 1, INT64_MAX, &id))
		return store_scalar(s, 0, "SELECT id FROM departments WHERE id = ?", "i", id);
	return dept_by_slug(s, id_or_slug);
}

const char *dept_name(const struct department *d, const char *lang)
{
	if (lang && !strcmp(lang, "fr"))
		return d->name_fr;
	if (lang && !strcmp(lang, "en"))
		return d->name_en;
	return d->name_ar;
}

int dept_staff_emails(store *s, arena *a, int64_t dept_id, enum role role, const char ***out)
{
	store_stmt *st = store_prepare(s, "SELECT DISTINCT u.email FROM users u JOIN user_roles ur ON ur.user_id = u.id "
					  "WHERE ur.dept_id = ? AND (ur.role = ? OR ur.role = 'admin') AND u.disabled = 0 "
					  "AND u.email IS NOT NULL ORDER BY u.email LIMIT 50");
	*out = arena_alloc(a, sizeof **out * 51);
	if (!st)
		return 0;
	store_bind_int(st, 1, dept_id);
	store_bind_text(st, 2, role_name(role));
	int n = 0;
	while (n < 50 && store_step(st) == STORE_ROW)
		(*out)[n++] = arena_strdup(a, store_text(st, 0));
	store_done(st);
	return n;
}

const char *user_email(store *s, arena *a, int64_t user_id, const char **lang)
{
	struct user u;
	if (!user_id || !user_get(s, a, user_id, &u) || u.disabled || !u.email)
		return NULL;
	if (lang)
		*lang = u.lang;
	return u.email;
}

struct select_option *dept_options_for(struct req *r, store *s, enum role role, int *count)
{
	struct department *d;
	int nd = dept_list(s, r->a, &d);
	struct select_option *o = arena_alloc(r->a, sizeof *o * (size_t)(nd + 1));
	int k = 0;
	for (int i = 0; i < nd; i++)
		if (principal_can(req_who(r), role, d[i].id))
			o[k++] = (struct select_option){arena_printf(r->a, "%lld", (long long)d[i].id), NULL, dept_name(&d[i], r->lang)};
	*count = k;
	return o;
}
