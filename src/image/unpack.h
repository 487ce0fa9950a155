// SPDX-License-Identifier: Apache-2.0
// Unpacking image layers (tar, plain or compressed) into a root filesystem
// directory, with the OCI whiteouts applied, and never a write outside it.
#ifndef AIRLOCK_IMAGE_UNPACK_H
#define AIRLOCK_IMAGE_UNPACK_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Unpacks the layer read from layer_fd over the tree at root_fd (a
 * directory descriptor; earlier layers already there). Every path is
 * resolved inside the root (openat2 RESOLVE_IN_ROOT), so "..", absolute
 * symbolic links and hard links that point out of the tree all stay in it;
 * an entry naming ".." is refused. ".wh.NAME" removes NAME of the layers
 * below, ".wh..wh..opq" empties its directory of them. Owners, device
 * nodes and set-id bits are kept only when privileged (root of the host);
 * otherwise devices are skipped. 0, or -1 with the reason in why.
 */
int layer_unpack(int layer_fd, int root_fd, bool privileged, char *why, size_t why_size);

#endif
