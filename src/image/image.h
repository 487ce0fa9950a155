// SPDX-License-Identifier: Apache-2.0
// An image in the store: its manifest, what its config asks of a container
// (entrypoint, command, environment, working directory, user), and its
// root filesystem, unpacked once from its layers.
#ifndef AIRLOCK_IMAGE_IMAGE_H
#define AIRLOCK_IMAGE_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "image/store.h"

struct image {
	char manifest[DIGEST_LEN + 1];
	char config[DIGEST_LEN + 1];
	char (*layers)[DIGEST_LEN + 1];
	size_t nlayers;
	int64_t size;       /* the layers' bytes as stored */
	char **entrypoint;  /* NULL-terminated; NULL when the config has none */
	char **cmd;
	char **env;
	char *workdir;      /* NULL: "/" */
	char *user;         /* NULL: root */
	char *created;      /* RFC 3339, or NULL */
	char *architecture, *os;
};

/* Reads manifest (a digest in s) and its config. 0, or -1 with why. */
int image_load(const struct store *s, const char *manifest, struct image *img, char *why, size_t why_size);
void image_free(struct image *img);
/*
 * The image's root filesystem, unpacked into STORE/rootfs on first use; its
 * path into out. Containers must not change it (they get a layer of their
 * own over it). 0, or -1 with why.
 */
int image_rootfs(struct store *s, const struct image *img, char *out, size_t size, char *why, size_t why_size);
/* Removes the blobs and unpacked roots that no name leads to. */
void image_collect(struct store *s);

#endif
