/* assets.h: files embedded into the binary at build time (tools/embed.c). */
#ifndef SM_HTTP_ASSETS_H
#define SM_HTTP_ASSETS_H
#include <stddef.h>
typedef struct sm_asset {
	const char *path;          /* URL path, e.g. "/index.html" */
	const char *content_type;
	const unsigned char *data;
	size_t len;
	const unsigned char *gz;   /* the same bytes gzip-compressed at build time, or NULL */
	size_t gz_len;
	const char *etag;          /* strong ETag of data, quoted */
	const char *gz_etag;       /* strong ETag of gz, quoted */
} sm_asset;
extern const sm_asset sm_assets[];
extern const size_t sm_nassets;
const sm_asset *sm_asset_find(const char *path);
#endif
