// SPDX-License-Identifier: Apache-2.0
// The root filesystem of one container run from an image: an overlay of the
// image's unpacked root (never changed) with an empty layer of its own, or
// where overlayfs cannot be mounted, a copy of the image.
#ifndef AIRLOCK_IMAGE_CONTAINER_ROOT_H
#define AIRLOCK_IMAGE_CONTAINER_ROOT_H

#include <stdbool.h>
#include <stddef.h>

#include "image/store.h"

/*
 * Makes this process a mount namespace of its own (the overlay shows
 * nowhere else), mounts the overlay under STORE/tmp and writes its path into
 * merged (its parent directory holds the container's layer). Unless keep,
 * that is removed when this process exits (as the relay of the container's
 * pid namespace, it outlives the container). 0, or -1 with why.
 */
int container_root_make(struct store *s, const char *image_root, bool keep, char *merged, size_t size, char *why,
			size_t why_size);

/* Unmounts the overlay at merged and removes the container's layer (a kept one whose container never started). */
void container_root_discard(const char *merged);
/* Makes the directory path (and its parents) in a container's root, if missing, as docker does for WorkingDir. 0 or -errno. */
int container_root_mkdir(const char *root, const char *path);

#endif
