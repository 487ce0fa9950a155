// SPDX-License-Identifier: Apache-2.0
// The container's user namespace: made by the container's process, mapped
// from outside by the process that created it (only a process with
// CAP_SETUID in the parent namespace may write a map of more than its own
// id), then entered as its root.
#ifndef AIRLOCK_JAIL_USERNS_H
#define AIRLOCK_JAIL_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One line of uid_map or gid_map: count ids from inside on map to outside on. */
struct id_map {
	uint32_t inside, outside, count;
};

struct id_maps {
	struct id_map *uid, *gid;
	size_t nuid, ngid;
};

/* The id outside that inside maps to; -1 if it maps to none. */
int64_t userns_outside_id(const struct id_map *maps, size_t n, uint32_t inside);

/*
 * In the container's process: a new user namespace; sync (one end of a
 * socketpair) tells the creator, which writes the maps (userns_map) and
 * answers; then the process becomes the namespace's root. 0 or -1 (logged).
 */
int userns_unshare(int sync);
/* In the creator: waits for pid to have unshared, writes its maps, answers. 0 or -1 (logged). */
int userns_map(pid_t pid, const struct id_maps *maps, int sync);
/* Whether this process is in a user namespace below the host's. */
bool userns_is_child(void);
/* After joining or making a user namespace: its root (uid and gid 0). 0 or -1 (logged). */
int userns_become_root(void);

#endif
