// SPDX-License-Identifier: Apache-2.0
// The local image store: content-addressed blobs (manifests, configs,
// layers), the names that point at manifests, and each image's root
// filesystem unpacked once, shared read-only by its containers.
//
//   STORE/blobs/sha256/HEX     every blob, checked against its name on the way in
//   STORE/names.json           {"NAME:TAG": "sha256:HEX" of a manifest}
//   STORE/rootfs/HEX           the unpacked layers of manifest HEX
//   STORE/tmp/                 work in progress, renamed into place when whole
#ifndef AIRLOCK_IMAGE_STORE_H
#define AIRLOCK_IMAGE_STORE_H

#include <limits.h>
#include <stddef.h>

#include "image/digest.h"

/* Where the store is when neither --store nor AIRLOCK_STORE says. */
#define STORE_DEFAULT "/var/lib/airlock"

struct store {
	char root[PATH_MAX];
};

/* Opens (making it if needed) the store at root. 0 or -errno. */
int store_open(struct store *s, const char *root);
/* The path of a blob (which may not exist). */
void store_blob_path(const struct store *s, const char *digest, char *out, size_t size);
/*
 * Copies what fd holds into the store; if expect is given the content must
 * have that digest (EBADMSG otherwise, and nothing is kept). The digest goes
 * to out (DIGEST_LEN + 1). 0 or -errno.
 */
int store_put(struct store *s, int fd, const char *expect, char *out);
int store_put_bytes(struct store *s, const void *data, size_t len, char *out);
/* A blob's contents, NUL-terminated (manifests and configs, not layers); NULL with errno. */
char *store_read_blob(const struct store *s, const char *digest, size_t *len);
/* A temporary directory under STORE/tmp (removed by the caller). 0 or -errno. */
int store_tmpdir(const struct store *s, char *out, size_t size);

/* "name" with ":latest" when it has no tag, into out. */
void store_normalize_name(const char *name, char *out, size_t size);
/* Points name (normalized) at a manifest. 0 or -errno. */
int store_tag(struct store *s, const char *name, const char *manifest);
/* Removes a name; ENOENT if there is none. 0 or -errno. */
int store_untag(struct store *s, const char *name);
/*
 * The manifest a reference names: a name (normalized), a manifest digest,
 * or a unique prefix of one (12 hex digits or more). 0 or -ENOENT.
 */
int store_resolve(const struct store *s, const char *ref, char *manifest);
/* Calls fn for each name and its manifest, sorted by name. */
void store_each_name(const struct store *s, void (*fn)(const char *name, const char *manifest, void *arg), void *arg);

#endif
