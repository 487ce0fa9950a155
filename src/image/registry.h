// SPDX-License-Identifier: Apache-2.0
// Pulling images from an OCI distribution (v2) registry into the store:
// references, manifests and indexes (linux/amd64 picked), token and basic
// authentication, blobs checked against their digests and resumed where a
// pull stopped.
#ifndef AIRLOCK_IMAGE_REGISTRY_H
#define AIRLOCK_IMAGE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "image/store.h"

/* A reference: [REGISTRY/]NAME[:TAG][@DIGEST], as docker reads it. */
struct image_ref {
	char registry[256]; /* host[:port]; docker.io when the reference names none */
	char name[512];     /* the repository ("library/debian" on docker.io) */
	char tag[128];      /* "latest" when neither a tag nor a digest is given */
	char digest[DIGEST_LEN + 1]; /* "" unless given */
};

/* 0, or -1 when ref is not a reference. */
int image_ref_parse(const char *ref, struct image_ref *out);

struct pull_options {
	const char *credentials; /* "user:password" for the registry, or NULL */
	bool progress;           /* redraw a progress line (on a terminal); else a line per blob */
	bool quiet;              /* nothing but errors */
};

/*
 * Pulls ref into the store and names it (registry/name:tag, and
 * name:tag for docker.io's); the manifest's digest goes to manifest. Plain
 * http is used for registries on this machine (localhost, 127.0.0.1, ::1),
 * https for every other. 0, or -1 with why.
 */
int image_pull(struct store *s, const char *ref, const struct pull_options *o, char *manifest, char *why,
	       size_t why_size);

#endif
