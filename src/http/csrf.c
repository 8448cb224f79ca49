#include "http/csrf.h"
#include "core/util.h"
#include <sodium.h>
#include <string.h>

#define COOKIE "majlis_csrf"

static unsigned char secret[32];

void csrf_set_secret(const unsigned char key[32])
{
	memcpy(secret, key, sizeof secret);
}

static void token_for(const char *cookie, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)cookie, strlen(cookie), secret, sizeof secret);
	hex_encode(out, h, sizeof h);
}

const char *csrf_token(struct req *r)
{
	const char *cookie = kv_get(&r->cookies, COOKIE);
	if (!cookie || strlen(cookie) != 32) {
		char fresh[33];
		random_hex(fresh, 16);
		cookie = arena_strdup(r->a, fresh);
		resp_cookie(r, COOKIE, cookie, 60 * 60 * 24 * 365);
		kv_add(r->a, &r->cookies, COOKIE, cookie); /* later calls see the same value */
	}
	char *tok = arena_alloc(r->a, 65);
	token_for(cookie, tok);
	return tok;
}

bool csrf_valid(struct req *r, const char *token)
{
	const char *cookie = kv_get(&r->cookies, COOKIE);
	if (!cookie || !token || strlen(token) != 64)
		return false;
	char want[65];
	token_for(cookie, want);
	return sodium_memcmp(want, token, 64) == 0;
}

void site_mac(const char *msg, char out[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)msg, strlen(msg), secret, sizeof secret);
	hex_encode(out, h, sizeof h);
}
