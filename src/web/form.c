#include "web/page.h"
#include "http/csrf.h"
#include <string.h>

void form_error(struct form_errors *e, const char *field, const char *msg_key)
{
	if (e->n < (int)(sizeof e->field / sizeof e->field[0])) {
		e->field[e->n] = field;
		e->key[e->n] = msg_key;
		e->n++;
	}
}

const char *form_error_for(const struct form_errors *e, const char *field)
{
	for (int i = 0; e && i < e->n; i++)
		if (!strcmp(e->field[i], field))
			return e->key[i];
	return NULL;
}

void f_csrf(struct req *r)
{
	h_printf(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", csrf_token(r));
}

/* Label, and the error line after the control, shared by every field. */
static void label(struct req *r, const char *name, const char *label_key)
{
	h_printf(&r->out, "<label for=\"f-%s\">%s</label>", name, TR(r, label_key));
}

static void error_line(struct req *r, const struct form_errors *e, const char *name)
{
	const char *err = form_error_for(e, name);
	if (err)
		h_printf(&r->out, "<p class=\"err\" id=\"e-%s\">%s</p>", name, TR(r, err));
}

static void described(struct req *r, const struct form_errors *e, const char *name)
{
	if (form_error_for(e, name))
		h_printf(&r->out, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
}

void f_input(struct req *r, const struct form_errors *e, const char *name, const char *label_key,
	     const char *type, const char *value, const char *extra)
{
	h_raw(&r->out, "<div class=\"field\">");
	label(r, name, label_key);
	h_printf(&r->out, "<input id=\"f-%s\" name=\"%s\" type=\"%s\"", name, name, type);
	if (value && strcmp(type, "password"))
		h_printf(&r->out, " value=\"%s\"", value);
	described(r, e, name);
	if (extra) {
		h_raw(&r->out, " ");
		h_raw(&r->out, extra); /* literal attributes from the caller's code */
	}
	h_raw(&r->out, ">");
	error_line(r, e, name);
	h_raw(&r->out, "</div>");
}

void f_textarea(struct req *r, const struct form_errors *e, const char *name, const char *label_key,
		const char *value, int rows)
{
	h_raw(&r->out, "<div class=\"field\">");
	label(r, name, label_key);
	h_printf(&r->out, "<textarea id=\"f-%s\" name=\"%s\" rows=\"%d\"", name, name, rows);
	described(r, e, name);
	h_raw(&r->out, ">");
	h_text(&r->out, value);
	h_raw(&r->out, "</textarea>");
	error_line(r, e, name);
	h_raw(&r->out, "</div>");
}

void f_select(struct req *r, const struct form_errors *e, const char *name, const char *label_key,
	      const struct select_option *options, const char *selected)
{
	h_raw(&r->out, "<div class=\"field\">");
	label(r, name, label_key);
	h_printf(&r->out, "<select id=\"f-%s\" name=\"%s\"", name, name);
	described(r, e, name);
	h_raw(&r->out, ">");
	for (const struct select_option *o = options; o->value; o++)
		h_printf(&r->out, "<option value=\"%s\"%s>%s</option>", o->value,
			 selected && !strcmp(selected, o->value) ? " selected" : "",
			 o->text ? o->text : o->label_key ? TR(r, o->label_key) : o->value);
	h_raw(&r->out, "</select>");
	error_line(r, e, name);
	h_raw(&r->out, "</div>");
}

void f_errors_summary(struct req *r, const struct form_errors *e)
{
	if (e && e->n)
		h_printf(&r->out, "<p class=\"err-summary\" role=\"alert\">%s</p>", TR(r, "form.has_errors"));
}
