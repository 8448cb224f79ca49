#include "features/media/media.h"
#include "core/log.h"
#include "core/util.h"
#include "http/http.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static unsigned le16(const unsigned char *p) { return p[0] | (unsigned)p[1] << 8; }
static uint32_t le24(const unsigned char *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16; }

/* Width and height of a baseline/progressive JPEG from its first SOFn marker;
 * false when none is found in the data. */
static bool jpeg_size(const unsigned char *d, size_t n, uint32_t *w, uint32_t *h)
{
	size_t i = 2;
	while (i + 4 <= n) {
		if (d[i] != 0xFF)
			return false;
		unsigned char m = d[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* no length */
			i += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA) /* end of image, or scan data before any frame header */
			return false;
		size_t len = (size_t)d[i + 2] << 8 | d[i + 3];
		if (len < 2)
			return false;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (i + 9 > n)
				return false;
			*h = (uint32_t)d[i + 5] << 8 | d[i + 6];
			*w = (uint32_t)d[i + 7] << 8 | d[i + 8];
			return true;
		}
		i += 2 + len;
	}
	return false;
}

/* Width and height of a WebP (VP8, VP8L or VP8X chunk); false when unreadable. */
static bool webp_size(const unsigned char *d, size_t n, uint32_t *w, uint32_t *h)
{
	if (n >= 30 && !memcmp(d + 12, "VP8 ", 4) && d[23] == 0x9D && d[24] == 0x01 && d[25] == 0x2A) {
		*w = le16(d + 26) & 0x3FFF;
		*h = le16(d + 28) & 0x3FFF;
		return true;
	}
	if (n >= 25 && !memcmp(d + 12, "VP8L", 4) && d[20] == 0x2F) {
		uint32_t bits = d[21] | (uint32_t)d[22] << 8 | (uint32_t)d[23] << 16 | (uint32_t)d[24] << 24;
		*w = (bits & 0x3FFF) + 1;
		*h = ((bits >> 14) & 0x3FFF) + 1;
		return true;
	}
	if (n >= 30 && !memcmp(d + 12, "VP8X", 4)) {
		*w = le24(d + 24) + 1;
		*h = le24(d + 27) + 1;
		return true;
	}
	return false;
}

/* The type of d by magic bytes ("png", "jpg", "gif", "webp") with its width and
 * height from the header (0 when the header holds none); NULL when it is not an
 * image we accept or, for JPEG and WebP, its size cannot be read. */
static const char *sniff(const unsigned char *d, size_t n, uint32_t *w, uint32_t *h)
{
	*w = *h = 0;
	if (n >= 24 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8) && !memcmp(d + 12, "IHDR", 4)) {
		*w = be32(d + 16);
		*h = be32(d + 20);
		return "png";
	}
	if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return jpeg_size(d, n, w, h) ? "jpg" : NULL;
	if (n >= 10 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6))) {
		*w = le16(d + 6);
		*h = le16(d + 8);
		return "gif";
	}
	if (n >= 16 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBPVP8", 7))
		return webp_size(d, n, w, h) ? "webp" : NULL;
	return NULL;
}

static bool side_ok(uint32_t w, uint32_t h) { return w && h && w <= MEDIA_MAX_SIDE && h <= MEDIA_MAX_SIDE; }

const char *media_sniff(const unsigned char *d, size_t n)
{
	uint32_t w, h;
	const char *ext = sniff(d, n, &w, &h);
	return ext && side_ok(w, h) ? ext : NULL;
}

bool media_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 68 || n > 69 || name[64] != '.')
		return false;
	for (int i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	const char *ext = name + 65;
	return !strcmp(ext, "png") || !strcmp(ext, "jpg") || !strcmp(ext, "gif") || !strcmp(ext, "webp") || !strcmp(ext, "pdf");
}

static bool store_file(const struct config *cfg, const void *data, size_t len, char name[80], const char **err_key,
		       bool pdf_ok)
{
	if (len > MEDIA_MAX_BYTES) {
		*err_key = "media.too_large";
		return false;
	}
	uint32_t w, h;
	const char *ext = sniff(data, len, &w, &h);
	if (!ext && pdf_ok && len >= 5 && !memcmp(data, "%PDF-", 5))
		ext = "pdf", w = h = 1;
	if (!ext) {
		if (pdf_ok)
			*err_key = "media.not_document";
		else
			*err_key = "media.not_image";
		return false;
	}
	if (!side_ok(w, h)) {
		*err_key = w && h ? "media.too_many_pixels" : "media.not_image";
		return false;
	}
	unsigned char digest[SHA256_DIGEST_LENGTH];
	SHA256(data, len, digest);
	char hex[65];
	hex_encode(hex, digest, sizeof digest);
	snprintf(name, 80, "%s.%s", hex, ext);
	char path[1024], tmp[1100];
	snprintf(path, sizeof path, "%s/%s", cfg->media_dir, name);
	*err_key = "error.unavailable";
	if (mkdir(cfg->media_dir, 0755) != 0 && errno != EEXIST) {
		log_error("media: cannot create %s: %s", cfg->media_dir, strerror(errno));
		return false;
	}
	if (access(path, F_OK) == 0)
		return true; /* same content already stored */
	char rnd[17];
	random_hex(rnd, 8);
	snprintf(tmp, sizeof tmp, "%s.%s.tmp", path, rnd);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		log_error("media: cannot write %s: %s", tmp, strerror(errno));
		return false;
	}
	bool ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	close(fd);
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		log_error("media: cannot store %s", path);
		return false;
	}
	return true;
}

bool media_store(const struct config *cfg, const void *data, size_t len, char name[80], const char **err_key)
{
	return store_file(cfg, data, len, name, err_key, false);
}

bool media_store_document(const struct config *cfg, const void *data, size_t len, char name[80], const char **err_key)
{
	return store_file(cfg, data, len, name, err_key, true);
}

static void media_get(struct req *r)
{
	const char *name = r->params[0];
	if (!media_name_valid(name)) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", r->cfg->media_dir, name);
	FILE *f = fopen(path, "rb");
	if (!f) {
		resp_error(r, 404, "error.not_found");
		return;
	}
	char *buf = malloc(MEDIA_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MEDIA_MAX_BYTES + 1, f) : 0;
	fclose(f);
	const char *ext = name + 65;
	const char *ctype = !strcmp(ext, "png") ? "image/png" : !strcmp(ext, "jpg") ? "image/jpeg"
			  : !strcmp(ext, "gif") ? "image/gif" : !strcmp(ext, "pdf") ? "application/pdf" : "image/webp";
	if (!buf || n > MEDIA_MAX_BYTES) {
		free(buf);
		resp_error(r, 500, "error.internal");
		return;
	}
	resp_header(r, "Cache-Control", "public, max-age=31536000, immutable");
	resp_body(r, 200, ctype, buf, n);
	free(buf);
}

void media_routes(void)
{
	route_add(&(struct route){"GET", "/media/:name", media_get, ACCESS_ANYONE, 0, 0, "uploaded images"});
}
