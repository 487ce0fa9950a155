// SPDX-License-Identifier: Apache-2.0
// One process's line in a /proc's <pid>/stat, read and split safely: the
// name (field 2) may hold any bytes, parentheses and spaces included.
#ifndef AIRLOCK_UTIL_PROCSTAT_H
#define AIRLOCK_UTIL_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

struct proc_stat {
	char state;     /* field 3: R, S, Z, ... */
	pid_t ppid;     /* field 4 */
	uint64_t start; /* field 22: start time in clock ticks since boot */
};

/* Reads path (relative to dirfd, or absolute with AT_FDCWD). 0, or -1 if it is not there. */
int proc_stat_read(int dirfd, const char *path, struct proc_stat *out);

#endif
