// SPDX-License-Identifier: Apache-2.0
// A container's cgroup: made at create with the config's limits, the
// container's process moved in before it forks the rest (so every monitor,
// and with it all of guest memory, is counted), removed at delete. Works on
// cgroup v2, on v1 (one hierarchy per controller) and on hybrid hosts,
// where the v1 controllers are used.
#ifndef AIRLOCK_JAIL_CGROUP_H
#define AIRLOCK_JAIL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct cgroup_device_rule {
	bool allow;
	char type;          /* 'a', 'c' or 'b' */
	int64_t major, minor; /* -1: any */
	char access[4];     /* of "rwm" */
};

struct cgroup_limits {
	int64_t memory;      /* bytes; -1: no limit */
	int64_t memory_swap; /* memory + swap, bytes; -1: no limit */
	int64_t pids;        /* guest tasks; -1: no limit (the host's pids.max: cgroup_host_pids) */
	uint64_t cpu_shares; /* 0: unset */
	int64_t cpu_quota;   /* microseconds per period; -1: unset */
	uint64_t cpu_period; /* 0: unset */
	char *cpus, *mems;   /* cpuset; NULL: unset */
	struct cgroup_device_rule *devices;
	size_t ndevices;
};

/* Whether any limit is set (a container without limits needs no cgroup to work). */
bool cgroup_limits_any(const struct cgroup_limits *l);
void cgroup_limits_free(struct cgroup_limits *l);

/*
 * Makes the cgroup at path (relative to each hierarchy's root) with the
 * limits, and moves pid into it. 0, or -1 with the reason in why.
 */
int cgroup_enter(const char *path, const struct cgroup_limits *l, pid_t pid, char *why, size_t why_size);
/* Moves pid into an existing cgroup (exec joins the container's). 0 or -errno. */
int cgroup_join(const char *path, pid_t pid);
/* Removes it (every process in it must be gone). Missing hierarchies are skipped. */
void cgroup_remove(const char *path);

#endif
