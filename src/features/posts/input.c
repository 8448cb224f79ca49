/* Validation of an editor's input, shared by the HTML editor and the JSON API. */
#include "features/posts/posts.h"
#include "features/accounts/accounts.h"
#include "core/util.h"
#include "web/markdown.h"
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Splits "a, b ,c" into normalised tags (lower-cased, inner spaces to '-').
 * Returns false with *err_key on a bad tag or too many. */
static bool parse_tags(arena *a, const char *in, struct post *p, const char **err_key)
{
	p->ntags = 0;
	p->tags = arena_alloc(a, sizeof *p->tags * (POST_TAGS_MAX + 1));
	const char *s = in;
	while (s && *s) {
		const char *comma = strchr(s, ',');
		size_t n = comma ? (size_t)(comma - s) : strlen(s);
		char *raw = arena_strndup(a, s, n);
		s = comma ? comma + 1 : NULL;
		/* trim */
		while (*raw == ' ' || *raw == '\t' || *raw == '#')
			raw++;
		size_t len = strlen(raw);
		while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
			raw[--len] = 0;
		if (!len)
			continue;
		if (utf8_length(raw) > POST_TAG_MAX) {
			*err_key = "post.tag_too_long";
			return false;
		}
		utf8proc_uint8_t *folded = NULL;
		utf8proc_map((const utf8proc_uint8_t *)raw, 0, &folded, UTF8PROC_NULLTERM | UTF8PROC_STABLE |
			     UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
		const char *tag = folded ? slugify(a, (const char *)folded) : NULL;
		free(folded);
		if (!tag)
			continue;
		bool dup = false;
		for (int i = 0; i < p->ntags; i++)
			dup |= !strcmp(p->tags[i], tag);
		if (dup)
			continue;
		if (p->ntags == POST_TAGS_MAX) {
			*err_key = "post.too_many_tags";
			return false;
		}
		p->tags[p->ntags++] = tag;
	}
	return true;
}

static bool text_field(const char *v, size_t min_chars, size_t max_chars)
{
	size_t n = v ? utf8_length(v) : 0;
	return n >= min_chars && n <= max_chars;
}

bool post_apply_input(store *s, arena *a, const struct post_input *in, struct post *p, struct form_errors *e)
{
	if (in->title) {
		if (!text_field(in->title, 3, POST_TITLE_MAX))
			form_error(e, "title", strlen(in->title) ? "post.title_length" : "form.required");
		else
			p->title = in->title;
	} else if (!p->title) {
		form_error(e, "title", "form.required");
	}
	if (in->summary) {
		if (!text_field(in->summary, 0, POST_SUMMARY_MAX))
			form_error(e, "summary", "form.too_long");
		else
			p->summary = in->summary;
	}
	if (in->body) {
		if (strlen(in->body) > POST_BODY_MAX)
			form_error(e, "body", "form.too_long");
		else if (!text_field(in->body, 1, POST_BODY_MAX))
			form_error(e, "body", "form.required");
		else
			p->body = in->body;
	} else if (!p->body || !*p->body) {
		form_error(e, "body", "form.required");
	}
	if (in->kind) {
		if (!post_kind_valid(in->kind))
			form_error(e, "kind", "form.invalid_choice");
		else
			p->kind = in->kind;
	} else if (!p->kind) {
		form_error(e, "kind", "form.required");
	}
	if (in->lang) {
		if (!lang_supported(in->lang))
			form_error(e, "lang", "form.invalid_choice");
		else
			p->lang = in->lang;
	} else if (!p->lang) {
		form_error(e, "lang", "form.required");
	}
	if (in->dept) {
		int64_t id = dept_resolve(s, in->dept);
		if (!id)
			form_error(e, "dept", "form.invalid_choice");
		else
			p->dept_id = id;
	} else if (!p->dept_id) {
		form_error(e, "dept", "form.required");
	}
	if (in->tags) {
		const char *key = NULL;
		if (!parse_tags(a, in->tags, p, &key))
			form_error(e, "tags", key);
	}
	if (in->publish_at && *in->publish_at) {
		time_t t;
		if (!parse_datetime(in->publish_at, &t))
			form_error(e, "publish_at", "form.bad_datetime");
		else
			p->publish_at = (int64_t)t;
	}
	if (in->comments_enabled)
		p->comments_enabled = !strcmp(in->comments_enabled, "1");
	if (in->cover)
		p->cover = *in->cover ? in->cover : NULL;
	if (e->n)
		return false;
	p->slug = slugify(a, p->title);
	char *html = markdown_render(p->body, strlen(p->body));
	if (!html) {
		form_error(e, "body", "form.bad_text");
		return false;
	}
	p->body_html = arena_strdup(a, html);
	free(html);
	if (!p->summary || !*p->summary) {
		char *plain = markdown_plain(p->body, strlen(p->body), 280);
		p->summary = arena_strdup(a, plain ? plain : "");
		free(plain);
	}
	return true;
}
