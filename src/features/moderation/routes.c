/* Moderation routes: the moderators' queue and decisions (pages.c), the flag
 * endpoints (flag.c), the JSON API (api.c); the shared decision and flag rules
 * live here. */
#include "features/moderation/internal.h"
#include "features/accounts/accounts.h"
#include "features/audit/audit.h"
#include "http/ratelimit.h"
#include "core/util.h"
#include "web/page.h"
#include <string.h>

store *mod_db(struct req *r)
{
	store *s = store_thread();
	if (!s)
		resp_error(r, 503, "error.unavailable");
	return s;
}

const char *mod_user_name(struct req *r, store *s, int64_t user_id)
{
	struct user u;
	if (!user_id)
		return "—";
	if (user_get(s, r->a, user_id, &u))
		return u.name;
	return arena_printf(r->a, "#%lld", (long long)user_id);
}

const char *mod_type_label(struct req *r, const char *type)
{
	const char *key = arena_printf(r->a, "mod.type.%s", type);
	const char *t = TR(r, key);
	return strcmp(t, key) ? t : type;
}

/* True when s holds something other than white space. */
static bool has_text(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return true;
	return false;
}

struct mod_outcome mod_decide(struct req *r, store *s, const char *type, int64_t id, const char *action,
			      const char *reason)
{
	struct mod_item it;
	if (!moderation_item(s, r->a, type, id, &it) || !it.exists)
		return (struct mod_outcome){404, "mod.unknown_item", NULL};
	if (!moderation_may_moderate(req_who(r), it.dept_id))
		return (struct mod_outcome){403, "mod.not_your_department", NULL};
	bool hide;
	if (action && !strcmp(action, "hide"))
		hide = true;
	else if (action && !strcmp(action, "restore"))
		hide = false;
	else
		return (struct mod_outcome){422, "mod.bad_action", "action"};
	if (!has_text(reason))
		return (struct mod_outcome){422, "mod.reason_required", "reason"};
	if (utf8_length(reason) > MOD_REASON_MAX)
		return (struct mod_outcome){422, "form.too_long", "reason"};
	if (!moderation_decide(s, it.type, id, hide, reason, req_who(r)->user_id))
		return (struct mod_outcome){503, "error.unavailable", NULL};
	audit_record(r, s, hide ? "moderation.hide" : "moderation.restore", it.type, id, reason);
	page_cache_bump();
	return (struct mod_outcome){200, hide ? "mod.done_hide" : "mod.done_restore", NULL};
}

struct mod_outcome mod_flag_submit(struct req *r, store *s, const char *type, int64_t id, const char *reason,
				   const char *note, bool *hidden_now)
{
	*hidden_now = false;
	struct principal *p = req_who(r);
	const char *why = NULL;
	if (!p || !account_may_participate(s, p->user_id, false, &why))
		return (struct mod_outcome){403, why ? why : "participate.login", NULL};
	int retry = 0;
	if (!ratelimit_take(arena_printf(r->a, "flag-acct:%lld", (long long)p->user_id), FLAGS_PER_ACCOUNT, FLAGS_WINDOW,
			    &retry) ||
	    !ratelimit_take(arena_printf(r->a, "flag-ip:%s", r->ip ? r->ip : "?"), FLAGS_PER_IP, FLAGS_WINDOW, &retry)) {
		resp_header(r, "Retry-After", arena_printf(r->a, "%d", retry));
		return (struct mod_outcome){429, "error.rate_limited", NULL};
	}
	if (!moderation_target(type) || id <= 0)
		return (struct mod_outcome){404, "mod.flag_unknown", NULL};
	if (!flag_reason_valid(reason))
		return (struct mod_outcome){422, "mod.bad_reason", "reason"};
	if (note && !*note)
		note = NULL;
	if (note && utf8_length(note) > MOD_NOTE_MAX)
		return (struct mod_outcome){422, "form.too_long", "note"};
	switch (moderation_flag(s, type, id, p->user_id, reason, note, hidden_now)) {
	case FLAG_OK:
		break;
	case FLAG_DUPLICATE:
		return (struct mod_outcome){409, "mod.flag_duplicate", NULL};
	case FLAG_OWN:
		return (struct mod_outcome){403, "mod.flag_own", NULL};
	case FLAG_UNKNOWN:
		return (struct mod_outcome){404, "mod.flag_unknown", NULL};
	case FLAG_ERROR:
	default:
		return (struct mod_outcome){503, "error.unavailable", NULL};
	}
	audit_record(r, s, "moderation.flag", moderation_target(type)->type, id, reason);
	if (*hidden_now) {
		audit_record(r, s, "moderation.auto_hide", moderation_target(type)->type, id,
			     arena_printf(r->a, "threshold %d", moderation_threshold(s)));
		page_cache_bump();
	}
	return (struct mod_outcome){201, "mod.flag_thanks", NULL};
}

void moderation_routes(void)
{
	moderation_pages_routes();
	moderation_flag_routes();
	moderation_api_routes();
	moderation_feed_routes();
}
