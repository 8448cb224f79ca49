#include "web/json_util.h"
#include "core/util.h"
#include "web/page.h"
#include <ctype.h>
#include <string.h>

json_t *json_time(int64_t t)
{
	if (!t)
		return json_null();
	char buf[32];
	iso8601_utc(buf, sizeof buf, (time_t)t);
	return json_string(buf);
}

json_t *req_json_object(struct req *r)
{
	json_error_t jerr;
	json_t *root = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (root && json_is_object(root))
		return root;
	json_decref(root);
	resp_json_error(r, 400, "bad_json",
			root ? TR(r, "api.expected_object")
			     : arena_printf(r->a, "%s (%d:%d)", TR(r, "api.bad_json"), jerr.line, jerr.column));
	return NULL;
}

void resp_json_invalid(struct req *r, const struct form_errors *e, const char *code, const char *msg_key)
{
	json_t *fields = json_object();
	for (int i = 0; i < e->n; i++) {
		const char *f = e->field[i];
		if (!strcmp(f, "dept"))
			f = "department";
		else if (f[0] == 'q' && isdigit((unsigned char)f[1]))
			f++;
		json_object_set_new(fields, f, json_string(TR(r, e->key[i])));
	}
	resp_json(r, 422, json_pack("{s:{s:s,s:s,s:o}}", "error", "code", code ? code : "invalid", "message",
				    TR(r, msg_key ? msg_key : "form.has_errors"), "fields", fields));
}
