/* The opinion-groups source: a consultation's visible comments are the
 * statements, citizens' up/down votes on them the opinions (+1/-1). Staff
 * votes are left out: groups describe citizens. The most-voted statements are
 * kept when there are more than the analysis takes. */
#include "features/comments/comments.h"
#include "features/insight/opinion.h"
#include "text/pii.h"
#include "core/util.h"
#include <string.h>

static bool consultation_votes(store *s, arena *a, int64_t consultation_id, struct opinion_votes *out)
{
	memset(out, 0, sizeof *out);
	store_stmt *st = store_prepare(s, "SELECT id, body FROM comments WHERE target_type = 'consultation' AND target_id = ? "
					  "AND hidden = 0 AND deleted = 0 ORDER BY (ups + downs) DESC, id LIMIT ?");
	if (!st)
		return false;
	store_bind_int(st, 1, consultation_id);
	store_bind_int(st, 2, OPINION_MAX_STATEMENTS);
	out->statements = arena_alloc(a, sizeof *out->statements * OPINION_MAX_STATEMENTS);
	while (out->nstatements < OPINION_MAX_STATEMENTS && store_step(st) == STORE_ROW) {
		struct opinion_statement *m = &out->statements[out->nstatements++];
		m->id = store_int(st, 0);
		m->kind = "comment";
		const char *body = store_text(st, 1);
		char *shown = pii_mask(a, body ? body : "", NULL); /* public view: personal data masked */
		if (utf8_length(shown) > 280) {
			size_t cut = 0, chars = 0;
			while (shown[cut] && chars < 280) {
				cut++;
				while (((unsigned char)shown[cut] & 0xC0) == 0x80)
					cut++;
				chars++;
			}
			shown = arena_printf(a, "%.*s…", (int)cut, shown);
		}
		m->text = shown;
		m->path = arena_printf(a, "/comments/%lld", (long long)m->id);
	}
	store_done(st);
	if (!out->nstatements)
		return true;
	int64_t nv = store_scalar(s, 0, "SELECT count(*) FROM comment_votes v JOIN comments c ON c.id = v.comment_id "
					"WHERE c.target_type = 'consultation' AND c.target_id = ? AND c.hidden = 0 AND c.deleted = 0",
				  "i", consultation_id);
	out->votes = arena_alloc(a, sizeof *out->votes * (size_t)(nv + 1));
	st = store_prepare(s, "SELECT v.comment_id, v.user_id, v.value FROM comment_votes v JOIN comments c ON c.id = v.comment_id "
			      "WHERE c.target_type = 'consultation' AND c.target_id = ? AND c.hidden = 0 AND c.deleted = 0 "
			      "AND c.official = 0 ORDER BY v.comment_id");
	if (!st)
		return false;
	store_bind_int(st, 1, consultation_id);
	while (out->nvotes < nv && store_step(st) == STORE_ROW) {
		int64_t cid = store_int(st, 0);
		int idx = -1;
		for (int i = 0; i < out->nstatements && idx < 0; i++)
			if (out->statements[i].id == cid)
				idx = i;
		if (idx < 0)
			continue; /* beyond the statements kept */
		struct opinion_vote *v = &out->votes[out->nvotes++];
		v->statement = idx;
		v->participant = store_int(st, 1);
		v->value = store_int(st, 2) > 0 ? 1 : -1;
	}
	store_done(st);
	return true;
}

void comments_opinion_source_init(void)
{
	opinion_register_source(consultation_votes);
}
