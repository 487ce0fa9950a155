// SPDX-License-Identifier: Apache-2.0
// procfs internals shared by path lookup (procfs.c) and the generated file
// contents (procfs_files.c): what one /proc entry is.
#ifndef AIRLOCK_KERNEL_PROCFS_NODE_H
#define AIRLOCK_KERNEL_PROCFS_NODE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/fdlimits.h"
#include "kernel/guest.h"
#include "kernel/proctab.h"

enum procfs_type { PT_FILE, PT_DIR, PT_LINK };

enum procfs_kind {
	/* directories */
	PK_ROOT, PK_PID, PK_TID, PK_TASK, PK_FD, PK_FDINFO, PK_NS, PK_SYS, PK_SYS_KERNEL, PK_SYS_RANDOM, PK_SYS_VM,
	/* symbolic links */
	PK_SELF, PK_THREAD_SELF, PK_MOUNTS_LINK, PK_CWD, PK_ROOT_LINK, PK_EXE, PK_FD_LINK, PK_DEV_LINK, PK_NS_LINK,
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
	int pid;              /* under /proc/<pid>: the process (this one, or another of the container) */
	const char *host;     /* PK_HOST: the same file under the host's /proc */
};

/* Whether node n describes another guest process than the caller (proctab.c publishes what it shows). */
static inline bool procfs_remote(const struct procfs_node *n)
{
	return n->pid && n->pid != getpid();
}

/* Writes the contents of file node n. Returns 0 or -errno. */
int procfs_generate(struct guest *g, const struct procfs_node *n, FILE *out);

/*
 * An opened /proc entry's descriptor link as the host shows it
 * ("/memfd:airlock-proc:/proc/42/stat (deleted)"): the entry's path into
 * path. False for any other link.
 */
bool procfs_memfd_link_path(const char *link, char *path, size_t size);

/* Reads rel under the host's /proc ("self/stat") into buf, NUL-terminated: its length or -errno. */
long procfs_host_read(struct guest *g, const char *rel, char *buf, size_t size);

/* ---- shared by procfs.c (paths, calls) and procfs_tree.c (the tree) ---- */

/* Whether the monitor holds the host's /proc (the guest's /proc is emulated without it otherwise). */
bool host_proc_ok(const struct guest *g);
/* The host's link for guest descriptor fd ("/etc/passwd", "pipe:[7]"), NUL-terminated. */
long fd_link(struct guest *g, int fd, char *buf, size_t size);
/* If fd is one of procfs's memfds, copies its canonical path into path and returns true. */
bool fd_procfs_path(struct guest *g, int fd, const struct stat *known, char *path, size_t size);
/* The calling guest thread's id (thread-self). */
int procfs_tid(void);
/* Fills tids (MAX_VCPUS) with the guest's live threads, in ascending order: their count. */
int thread_ids(struct guest *g, int *tids);
bool thread_exists(struct guest *g, long tid);

/* The entry name in directory dir. Returns 0 or -ENOENT. */
long dir_child(struct guest *g, const struct procfs_node *dir, const char *name, struct procfs_node *c);
/* /proc itself. */
void root_node(struct procfs_node *n);
/* Which of the links the emulation puts in /dev path is (/dev/fd, /dev/stdin...), or -1. */
int dev_link_index(const char *path);
/* The node for a canonical path (as in a memfd's name). Returns 0 or -errno. */
long node_from_path(struct guest *g, const char *path, struct procfs_node *n);
/* Where link node n points. Returns 0 or -errno. */
long link_target(struct guest *g, const struct procfs_node *n, char *buf, size_t size);

/* One name of a directory listing. */
struct dir_name {
	char name[24];
	enum procfs_type type;
};

#define MAX_DIR_NAMES ((GUEST_FD_LIMIT > PROCTAB_SLOTS ? GUEST_FD_LIMIT : PROCTAB_SLOTS) + 32)

/* Fills names (MAX_DIR_NAMES) with the entries of dir, without "." and "..": the count or -errno. */
long dir_list(struct guest *g, const struct procfs_node *dir, struct dir_name *names);

#endif
