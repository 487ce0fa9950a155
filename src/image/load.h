// SPDX-License-Identifier: Apache-2.0
// Loading images from local files: OCI image layouts (directories),
// oci-archive and docker-archive tarballs.
#ifndef AIRLOCK_IMAGE_LOAD_H
#define AIRLOCK_IMAGE_LOAD_H

#include <stddef.h>

#include "image/store.h"

#define LOAD_MAX_NAMES 16

struct load_result {
	char manifest[DIGEST_LEN + 1];  /* the image loaded */
	char names[LOAD_MAX_NAMES][256]; /* the names it came with, now pointing at it */
	size_t nnames;
};

/*
 * Puts the image at path into the store, every blob checked against its
 * digest (a docker-archive names none: its blobs are digested as they come,
 * and an OCI manifest is written for them). 0, or -1 with why.
 */
int image_load_path(struct store *s, const char *path, struct load_result *out, char *why, size_t why_size);

#endif
