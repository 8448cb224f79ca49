#include "web/i18n.h"
#include "core/embedded.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const i18n_langs[3] = {"ar", "fr", "en"};

struct entry {
	char *key, *value;
};

struct catalog {
	struct entry *e;
	size_t n;
};

static struct catalog cats[3];

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

static int lang_index(const char *lang)
{
	for (int i = 0; lang && i < 3; i++)
		if (!strcmp(lang, i18n_langs[i]))
			return i;
	return -1;
}

bool lang_supported(const char *lang) { return lang_index(lang) >= 0; }
const char *lang_dir(const char *lang) { return lang && !strcmp(lang, "ar") ? "rtl" : "ltr"; }

/* Parses one catalog text into c. Values may use \n for a line break. */
static bool parse(const char *name, const char *text, struct catalog *c, char *err, size_t errn)
{
	size_t cap = 64;
	c->e = malloc(cap * sizeof *c->e);
	c->n = 0;
	int lineno = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lineno++;
		const char *s = p, *end = p + len;
		p = nl ? nl + 1 : end;
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		if (s == end || *s == '#')
			continue;
		const char *eq = memchr(s, '=', (size_t)(end - s));
		if (!eq) {
			snprintf(err, errn, "%s:%d: expected key = value", name, lineno);
			return false;
		}
		const char *ke = eq;
		while (ke > s && (ke[-1] == ' ' || ke[-1] == '\t'))
			ke--;
		const char *vs = eq + 1;
		while (vs < end && (*vs == ' ' || *vs == '\t'))
			vs++;
		const char *ve = end;
		while (ve > vs && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
			ve--;
		if (c->n == cap) {
			cap *= 2;
			c->e = realloc(c->e, cap * sizeof *c->e);
		}
		struct entry *e = &c->e[c->n++];
		e->key = strndup(s, (size_t)(ke - s));
		e->value = malloc((size_t)(ve - vs) + 1);
		size_t j = 0;
		for (const char *q = vs; q < ve; q++) {
			if (q[0] == '\\' && q + 1 < ve && q[1] == 'n') {
				e->value[j++] = '\n';
				q++;
			} else {
				e->value[j++] = *q;
			}
		}
		e->value[j] = 0;
	}
	qsort(c->e, c->n, sizeof *c->e, cmp_entry);
	return true;
}

bool i18n_init(char *err, size_t errn)
{
	for (int i = 0; i < 3; i++) {
		char path[32];
		snprintf(path, sizeof path, "i18n/%s.txt", i18n_langs[i]);
		const struct embedded_file *f = embedded_find(path);
		if (!f) {
			snprintf(err, errn, "catalog %s is missing from the build", path);
			return false;
		}
		if (!parse(path, f->data, &cats[i], err, errn))
			return false;
	}
	return true;
}

void i18n_shutdown(void)
{
	for (int i = 0; i < 3; i++) {
		for (size_t k = 0; k < cats[i].n; k++) {
			free(cats[i].e[k].key);
			free(cats[i].e[k].value);
		}
		free(cats[i].e);
		cats[i].e = NULL;
		cats[i].n = 0;
	}
}

static const char *lookup(int li, const char *key)
{
	if (!cats[li].n)
		return NULL; /* not loaded (i18n_init not called): bsearch needs a table */
	struct entry probe = {(char *)key, NULL};
	struct entry *e = bsearch(&probe, cats[li].e, cats[li].n, sizeof *cats[li].e, cmp_entry);
	return e && e->value[0] ? e->value : NULL;
}

const char *T(const char *lang, const char *key)
{
	int li = lang_index(lang);
	const char *v = li >= 0 ? lookup(li, key) : NULL;
	if (!v)
		v = lookup(2, key);
	return v ? v : key;
}

static bool has_key(int li, const char *key)
{
	if (!cats[li].n)
		return false;
	struct entry probe = {(char *)key, NULL};
	return bsearch(&probe, cats[li].e, cats[li].n, sizeof *cats[li].e, cmp_entry) != NULL;
}

int i18n_missing(strbuf *sb)
{
	int missing = 0;
	for (int i = 0; i < 3; i++)
		for (size_t k = 0; k < cats[i].n; k++) {
			const char *key = cats[i].e[k].key;
			bool seen_before = false; /* report each key from the first catalog holding it */
			for (int m = 0; m < i; m++)
				seen_before |= has_key(m, key);
			if (seen_before)
				continue;
			for (int j = 0; j < 3; j++)
				if (!lookup(j, key)) {
					sb_printf(sb, "%s: %s\n", i18n_langs[j], key);
					missing++;
				}
		}
	return missing;
}

void fmt_date(strbuf *sb, const char *lang, time_t t, bool with_time)
{
	struct tm tm;
	localtime_r(&t, &tm);
	char key[24];
	snprintf(key, sizeof key, "month.%d", (tm.tm_mon + 1) % 13);
	sb_printf(sb, "%d %s %d", tm.tm_mday, T(lang, key), tm.tm_year + 1900);
	if (with_time)
		sb_printf(sb, " %02d:%02d", tm.tm_hour, tm.tm_min);
}

void fmt_int(strbuf *sb, const char *lang, long long n)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	const char *sep = !strcmp(lang, "fr") ? "\u202f" : !strcmp(lang, "ar") ? "\u066c" : ",";
	if (n < 0)
		sb_putc(sb, '-');
	size_t len = strlen(digits);
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			sb_puts(sb, sep);
		sb_putc(sb, digits[i]);
	}
}

char *T_fill(arena *a, const char *tmpl, int n, const char *const *args)
{
	strbuf sb = STRBUF_INIT;
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '9' && p[2] == '}') {
			int i = p[1] - '1';
			if (i < n && args[i])
				sb_puts(&sb, args[i]);
			p += 2;
		} else {
			sb_putc(&sb, *p);
		}
	}
	char *out = arena_strdup(a, sb_str(&sb));
	sb_free(&sb);
	return out;
}
