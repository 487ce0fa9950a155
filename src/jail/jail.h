// SPDX-License-Identifier: Apache-2.0
// What an OCI config asks of the container's first process beyond running
// its program: namespaces, a read-only root, and the credentials and limits
// the monitor takes on before the guest's first instruction (the monitor
// acts for the guest, so its own credentials are the guest's).
#ifndef AIRLOCK_JAIL_JAIL_H
#define AIRLOCK_JAIL_JAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/caps.h"
#include "jail/mounts.h"

struct jail_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

/* A device node the config asks for (linux.devices). */
struct jail_device {
	char *path; /* absolute, inside the rootfs */
	char type;  /* 'c', 'b', 'u' (a character device too) or 'p' (a FIFO) */
	unsigned major, minor;
	unsigned mode;
	uid_t uid;
	gid_t gid;
};

/* A namespace the config names by path: joined, not made. */
struct jail_join {
	int type;          /* CLONE_NEW* */
	const char *path;
};

struct jail {
	int namespaces;     /* CLONE_NEW* beyond the pid namespace: made */
	const struct jail_join *joins;
	size_t njoins;
	const char *pid_path; /* the pid namespace to join (pidns.c); NULL: a new one */
	const char *root;   /* the rootfs, made read-only in a private mount namespace if readonly */
	bool readonly_root;
	const struct jail_mount *mounts;
	size_t nmounts;
	char *const *sysctls;  /* "name=value", NULL-terminated (may be NULL) */
	const struct jail_device *devices;
	size_t ndevices;
	int oom_score_adj;     /* written when has_oom_score_adj */
	bool has_oom_score_adj;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
	int umask;          /* -1: unchanged */
	const struct jail_rlimit *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	const struct cap_sets *caps; /* NULL: the capabilities stay as they are */
};

/* Whether the container gets a mount namespace of its own, entered with pivot_root. */
bool jail_pivots(const struct jail *j);

/*
 * In the container's process, before its pid namespace: namespaces (so the
 * process the caller watches is in them too), sysctls, mounts and the
 * read-only root. 0 or -1 (message logged).
 */
int jail_enter(const struct jail *j);
/* Just before the guest runs: limits, umask, groups, gid, uid, capabilities, no_new_privs. 0 or -1 (logged). */
int jail_drop(const struct jail *j, int monitor_fds);

#endif
