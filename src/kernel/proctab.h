// SPDX-License-Identifier: Apache-2.0
// The container's process table (proctab.c): what each guest process
// publishes about itself so that the others' /proc/<pid> can show it.
#ifndef AIRLOCK_KERNEL_PROCTAB_H
#define AIRLOCK_KERNEL_PROCTAB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vm/layout.h"

struct guest;

#define PROCTAB_SLOTS 4096   /* live processes a container's /proc can list */
#define PROCTAB_CMDLINE 4096 /* bytes of the command line kept (Linux's ps reads no more than a page either) */

/* What a reader gets: a consistent copy of one process's slot. */
struct proctab_info {
	pid_t pid;
	bool execed; /* it has called execve since its fork */
	int nthreads;
	pid_t tids[MAX_VCPUS]; /* the first nthreads, ascending */
	char comm[16];
	char exe[PATH_MAX];
	size_t cmdline_len;
	char cmdline[PROCTAB_CMDLINE];
};

/* In the container's first monitor, before anything forks: creates the shared table. */
void proctab_init(void);
/*
 * For exec, before its process forks into the container: maps the table of
 * the container whose first monitor is pid (proctab_init then keeps it).
 * Without it, the new process sees only itself.
 */
void proctab_join(pid_t first);
/* At start and in a fork child: takes this process's slot and publishes everything. */
void proctab_claim(struct guest *g);
/*
 * In a fork child, first thing: its slot, a copy of its parent's. The parent
 * waits until the child is ready (kernel/fork.c), so that the child is in the
 * others' /proc as soon as fork returns, as on Linux.
 */
void proctab_claim_child(struct guest *g);
/*
 * The container's limit on guest tasks (processes and threads, zombies
 * included, as the pids cgroup counts them on Linux), set by its first
 * monitor; fork and clone give EAGAIN when there is no room. Forks at the
 * same instant in two processes can each take the last place: the host's
 * pids cgroup (jail/cgroup.c) is the hard bound.
 */
void proctab_set_task_limit(int64_t limit);
bool proctab_room_for_task(struct guest *g);
/* At start and after an exec: the new exe, command line and name, and that it has exec'd. */
void proctab_publish(struct guest *g);
/* After a change of the thread list or the main thread's name; the caller holds g->lock. */
void proctab_publish_threads_locked(struct guest *g);
/* After reaping child pid: its slot is free again. */
void proctab_forget(pid_t pid);
/* The pids of the container's live (or zombie) processes, ascending, at most max: their count. */
int proctab_pids(struct guest *g, pid_t *pids, int max);
/* Whether pid is a live (or zombie) process of the container. */
bool proctab_alive(struct guest *g, pid_t pid);
/* Process pid's facts: 0, or -ENOENT if it is not a live process of the container. */
int proctab_get(struct guest *g, pid_t pid, struct proctab_info *out);

#endif
