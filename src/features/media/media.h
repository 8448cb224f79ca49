/* Uploaded images, stored outside the database under the configured media
 * folder by content hash (<sha256>.<ext>), validated by content, served at
 * /media/<name> with long caching. Used by posts (covers) and later requests. */
#ifndef MAJLIS_FEATURES_MEDIA_H
#define MAJLIS_FEATURES_MEDIA_H
#include <stdbool.h>
#include <stddef.h>
#include "core/config.h"

#define MEDIA_MAX_BYTES (2 * 1024 * 1024)
#define MEDIA_MAX_SIDE 8000

/* The image type of data by its magic bytes and header ("png", "jpg", "gif",
 * "webp"), or NULL when it is not an image we accept, including one wider or
 * taller than MEDIA_MAX_SIDE pixels (read from the PNG, GIF, JPEG or WebP header). */
const char *media_sniff(const unsigned char *data, size_t len);
/* Validates and stores data; the file name ("<hex>.<ext>", 70 bytes max) goes
 * into name. false with *err_key (catalog key) when refused or unwritable:
 * media.too_large, media.not_image, media.too_many_pixels, error.unavailable. */
bool media_store(const struct config *cfg, const void *data, size_t len, char name[80], const char **err_key);
/* The same for an attached document: a PDF (by its "%PDF-" signature) or an
 * image; refused with media.not_document otherwise. */
bool media_store_document(const struct config *cfg, const void *data, size_t len, char name[80], const char **err_key);
/* True when name has the exact shape media_store or media_store_document produces. */
bool media_name_valid(const char *name);
/* Registers GET /media/:name. */
void media_routes(void);

#endif
