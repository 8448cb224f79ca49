#include "web/json_util.h"
#include "core/util.h"
#include "web/page.h"

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
