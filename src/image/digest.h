// SPDX-License-Identifier: Apache-2.0
// Content digests ("sha256:<64 hex>"), the names of everything in the image
// store: computed while data streams through, and checked before use.
#ifndef AIRLOCK_IMAGE_DIGEST_H
#define AIRLOCK_IMAGE_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_LEN (7 + 64) /* "sha256:" and the hex */

struct digest_ctx;

struct digest_ctx *digest_begin(void);
void digest_update(struct digest_ctx *c, const void *data, size_t len);
/* Writes "sha256:<hex>" (DIGEST_LEN + 1 bytes) and frees c. */
void digest_end(struct digest_ctx *c, char *out);
/* The digest of a file's contents, or -errno. */
int digest_file(int fd, char *out);
/* Whether s is "sha256:" and 64 lowercase hex digits (so it is safe in a path). */
bool digest_valid(const char *s);

#endif
