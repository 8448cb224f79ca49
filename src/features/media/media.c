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

const char *media_sniff(const unsigned char *d, size_t n)
{
	if (n >= 24 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8) && !memcmp(d + 12, "IHDR", 4)) {
		uint32_t w = be32(d + 16), h = be32(d + 20);
		return w && h && w <= MEDIA_MAX_SIDE && h <= MEDIA_MAX_SIDE ? "png" : NULL;
	}
	if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "jpg";
	if (n >= 10 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6))) {
		unsigned w = d[6] | d[7] << 8, h = d[8] | d[9] << 8;
		return w && h && w <= MEDIA_MAX_SIDE && h <= MEDIA_MAX_SIDE ? "gif" : NULL;
	}
	if (n >= 16 && !memcmp(d, "RIFF", 4) && !memcmp(d + 8, "WEBPVP8", 7))
		return "webp";
	return NULL;
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
	return !strcmp(ext, "png") || !strcmp(ext, "jpg") || !strcmp(ext, "gif") || !strcmp(ext, "webp");
}

bool media_store(const struct config *cfg, const void *data, size_t len, char name[80], const char **err_key)
{
	if (len > MEDIA_MAX_BYTES) {
		*err_key = "media.too_large";
		return false;
	}
	const char *ext = media_sniff(data, len);
	if (!ext) {
		*err_key = "media.not_image";
		return false;
	}
	unsigned char h[SHA256_DIGEST_LENGTH];
	SHA256(data, len, h);
	char hex[65];
	hex_encode(hex, h, sizeof h);
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
			  : !strcmp(ext, "gif") ? "image/gif" : "image/webp";
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
