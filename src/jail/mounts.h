// SPDX-License-Identifier: Apache-2.0
// The config's mounts, made for real inside the container's private mount
// namespace before the monitor enters the rootfs: the monitor serves the
// guest's files from the host, so a bind or tmpfs mount there is what the
// guest sees. /proc is the monitor's emulation; sysfs, mqueue and cgroup
// mounts are not made (the guest sees the rootfs's own directories).
#ifndef AIRLOCK_JAIL_MOUNTS_H
#define AIRLOCK_JAIL_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>

struct jail_mount {
	char *destination; /* absolute, inside the rootfs */
	char *source;
	char *type;        /* "bind", "tmpfs" or "devpts" (the kinds made) */
	unsigned long flags;   /* MS_* from the options */
	bool recursive;    /* rbind */
	bool copy_up;      /* tmpcopyup: a tmpfs starts with what the directory held */
	char *data;        /* options the kernel takes as data (tmpfs: mode=, size=) */
};

/*
 * Parses one mount's type and options into m (its strings are taken over).
 * Returns 1 when it is to be made, 0 when airlock provides it (proc, ...),
 * -1 for what is not served (why says what).
 */
int jail_mount_parse(struct jail_mount *m, char **options, const char **why);
void jail_mount_free(struct jail_mount *m);

struct jail_device;
/* Makes the config's device nodes under root (after the mounts: /dev may be a tmpfs). 0 or -1 (logged). */
int jail_devices_make(const char *root, const struct jail_device *devices, size_t n);

/* Makes each mount under root (already a private bind of itself). 0 or -1 (logged). */
int jail_mounts_make(const char *root, const struct jail_mount *mounts, size_t n);

#endif
