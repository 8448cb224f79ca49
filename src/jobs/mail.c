#include "jobs/mail.h"
#include "jobs/jobs.h"
#include "core/strbuf.h"
#include "core/util.h"
#include "web/html.h"
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t mail_queue(store *s, const char *key, const char *to, const char *subject, const char *text,
		   const char *html, const char *lang)
{
	json_t *p = json_pack("{s:s,s:s,s:s,s:s*,s:s}", "to", to, "subject", subject, "text", text, "html", html,
			      "lang", lang ? lang : "ar");
	char *payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (!payload)
		return -1;
	int64_t id = job_enqueue(s, "email", key, payload, 0);
	free(payload);
	if (id > 0)
		jobs_kick();
	return id;
}

/* RFC 2047 encoded-word for a UTF-8 header value (base64, split into chunks). */
static void encode_header(strbuf *sb, const char *v)
{
	bool ascii = true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		ascii &= *p >= 0x20 && *p < 0x7f;
	if (ascii) {
		sb_puts(sb, v);
		return;
	}
	size_t n = strlen(v), i = 0;
	while (i < n) {
		size_t chunk = n - i > 45 ? 45 : n - i;
		while (i + chunk < n && chunk > 0 && ((unsigned char)v[i + chunk] & 0xC0) == 0x80)
			chunk--; /* never split a UTF-8 sequence */
		char b64[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
		sodium_bin2base64(b64, sizeof b64, (const unsigned char *)v + i, chunk, sodium_base64_VARIANT_ORIGINAL);
		sb_printf(sb, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", b64);
		i += chunk;
	}
}

static bool header_safe(const char *v)
{
	return v && !strpbrk(v, "\r\n");
}

bool mail_send(const struct config *cfg, const char *to, const char *subject, const char *text, const char *html,
	       const char *lang, const char *message_id, char *err, size_t errn)
{
	if (!cfg->smtp_url[0]) {
		snprintf(err, errn, "no smtp_url configured");
		return false;
	}
	if (!header_safe(to) || !header_safe(subject) || !strchr(to, '@')) {
		snprintf(err, errn, "bad recipient or subject");
		return false;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		snprintf(err, errn, "curl_easy_init failed");
		return false;
	}
	struct curl_slist *rcpt = NULL, *headers = NULL, *part_headers = NULL;
	curl_mime *mime = NULL, *alt = NULL;
	strbuf h = STRBUF_INIT, body_html = STRBUF_INIT;
	bool ok = false;

	char from_addr[160], rcpt_addr[300];
	snprintf(from_addr, sizeof from_addr, "<%s>", cfg->mail_from);
	snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", to);
	rcpt = curl_slist_append(rcpt, rcpt_addr);

	sb_printf(&h, "From: %s", cfg->mail_from);
	headers = curl_slist_append(headers, sb_str(&h));
	sb_reset(&h);
	sb_printf(&h, "To: %s", to);
	headers = curl_slist_append(headers, sb_str(&h));
	sb_reset(&h);
	sb_puts(&h, "Subject: ");
	encode_header(&h, subject);
	headers = curl_slist_append(headers, sb_str(&h));
	sb_reset(&h);
	const char *host = strchr(cfg->mail_from, '@') + 1;
	char idhash[65];
	hash_hex(idhash, message_id, strlen(message_id));
	sb_printf(&h, "Message-ID: <%.32s@%s>", idhash, host);
	headers = curl_slist_append(headers, sb_str(&h));
	sb_reset(&h);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S +0000", &tm);
	headers = curl_slist_append(headers, date);
	sb_printf(&h, "Content-Language: %s", lang);
	headers = curl_slist_append(headers, sb_str(&h));
	headers = curl_slist_append(headers, "MIME-Version: 1.0");

	if (!html) {
		sb_printf(&body_html, "<!doctype html><html lang=\"%s\" dir=\"%s\"><body><div style=\"white-space:pre-wrap\">",
			  lang, !strcmp(lang, "ar") ? "rtl" : "ltr");
		h_text(&body_html, text);
		sb_puts(&body_html, "</div></body></html>");
		html = sb_str(&body_html);
	}
	mime = curl_mime_init(c);
	alt = curl_mime_init(c);
	curl_mimepart *part = curl_mime_addpart(alt);
	curl_mime_data(part, text, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, html, CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/html; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	alt = NULL; /* owned by mime now */
	curl_mime_type(part, "multipart/alternative");
	part_headers = curl_slist_append(NULL, "Content-Disposition: inline");
	curl_mime_headers(part, part_headers, 1);
	part_headers = NULL;

	curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_addr);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	CURLcode rc = curl_easy_perform(c);
	if (rc != CURLE_OK)
		snprintf(err, errn, "smtp: %s", curl_easy_strerror(rc));
	ok = rc == CURLE_OK;

	curl_mime_free(mime);
	curl_mime_free(alt);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(headers);
	curl_slist_free_all(part_headers);
	curl_easy_cleanup(c);
	sb_free(&h);
	sb_free(&body_html);
	return ok;
}

static enum job_result email_job(store *s, const struct config *cfg, const char *payload, const char *key, char *err,
				 size_t errn)
{
	(void)s;
	json_error_t jerr;
	json_t *p = json_loads(payload, 0, &jerr);
	const char *to = NULL, *subject = NULL, *text = NULL, *html = NULL, *lang = "ar";
	if (!p || json_unpack(p, "{s:s,s:s,s:s,s?s,s?s}", "to", &to, "subject", &subject, "text", &text, "html", &html,
			      "lang", &lang)) {
		json_decref(p);
		snprintf(err, errn, "malformed email payload");
		return JOB_FAILED;
	}
	if (!cfg->smtp_url[0]) {
		/* No relay configured: park it as a dead letter an admin can retry
		 * once email is set up, instead of retrying forever. */
		json_decref(p);
		snprintf(err, errn, "email is not configured (smtp_url)");
		return JOB_FAILED;
	}
	bool ok = mail_send(cfg, to, subject, text, html, lang, key && *key ? key : payload, err, errn);
	json_decref(p);
	return ok ? JOB_DONE : JOB_RETRY;
}

void mail_init(void)
{
	job_register("email", email_job);
}
