/* JSON helpers shared by every API handler. */
#ifndef MAJLIS_WEB_JSON_UTIL_H
#define MAJLIS_WEB_JSON_UTIL_H
#include <jansson.h>
#include <stdint.h>
#include "http/http.h"
#include "web/page.h"

/* An ISO-8601 UTC string for epoch seconds t, or JSON null when t is 0. New reference. */
json_t *json_time(int64_t t);
/* The request body as a JSON object (duplicate keys refused). On anything else
 * answers 400 bad_json (with line:column when it does not parse) and returns
 * NULL. The caller owns the reference. */
json_t *req_json_object(struct req *r);

/* 422 {"error":{"code":code,"message":T(msg_key),"fields":{field: message}}} from
 * the form errors e. Field names are the form's, except "dept" which the JSON
 * APIs call "department"; a field "qN" (a survey question) is reported as "N". */
void resp_json_invalid(struct req *r, const struct form_errors *e, const char *code, const char *msg_key);

#endif
