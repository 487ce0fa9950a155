// SPDX-License-Identifier: Apache-2.0
// procfs internals shared by path lookup (procfs.c) and the generated file
// contents (procfs_files.c): what one /proc entry is.
#ifndef AIRLOCK_KERNEL_PROCFS_NODE_H
#define AIRLOCK_KERNEL_PROCFS_NODE_H

#include <stdbool.h>
#include <stdio.h>

#include "kernel/guest.h"

enum procfs_type { PT_FILE, PT_DIR, PT_LINK };

enum procfs_kind {
	/* directories */
	PK_ROOT, PK_PID, PK_TID, PK_TASK, PK_FD, PK_FDINFO, PK_SYS, PK_SYS_KERNEL, PK_SYS_RANDOM, PK_SYS_VM,
	/* symbolic links */
	PK_SELF, PK_THREAD_SELF, PK_MOUNTS_LINK, PK_CWD, PK_ROOT_LINK, PK_EXE, PK_FD_LINK, PK_DEV_LINK,
	/* files */
	PK_HOST, PK_AUXV, PK_CMDLINE, PK_COMM, PK_ENVIRON, PK_LIMITS, PK_MAPS, PK_MOUNTINFO, PK_MOUNTS,
	PK_STAT, PK_STATM, PK_STATUS, PK_FDINFO_FILE, PK_LOADAVG, PK_VERSION, PK_OSRELEASE, PK_OSTYPE,
	PK_HOSTNAME,
};

struct procfs_node {
	char path[64];        /* canonical: no links, no dots ("/proc/42/fd/3") */
	enum procfs_type type;
	unsigned mode;        /* permission bits */
	enum procfs_kind kind;
	bool owned;           /* under /proc/<pid>: owned by the guest's user, else by root */
	int fd;               /* PK_FD_LINK, PK_FDINFO_FILE: the guest descriptor; PK_DEV_LINK: which link */
	int tid;              /* under /proc/<pid>: the thread described (the pid outside task/) */
	const char *host;     /* PK_HOST: the same file under the host's /proc */
};

/* Writes the contents of file node n. Returns 0 or -errno. */
int procfs_generate(struct guest *g, const struct procfs_node *n, FILE *out);

/* Reads rel under the host's /proc ("self/stat") into buf, NUL-terminated: its length or -errno. */
long procfs_host_read(struct guest *g, const char *rel, char *buf, size_t size);

#endif
