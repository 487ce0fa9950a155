// SPDX-License-Identifier: Apache-2.0
// Starting one program in a fresh microVM: rootfs, program lookup, loading.
#ifndef AIRLOCK_MONITOR_LAUNCH_H
#define AIRLOCK_MONITOR_LAUNCH_H

#include <stdbool.h>

#include "jail/jail.h"
#include "kernel/filter.h"

/* The PATH a container gets when its config names none (docker's, runc's). */
#define GUEST_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct launch_options {
	const char *rootfs;
	const char *workdir;  /* inside the rootfs; NULL means "/" */
	char **argv;          /* program and arguments */
	char **env;           /* the guest's whole environment, NULL-terminated */
	bool strace;
	const char *hostname; /* NULL: the default */
	const struct jail *jail; /* an OCI container's; NULL for `airlock run` */
	const struct filter *filter; /* the guest's seccomp profile; NULL: none */
	/*
	 * OCI create: with the program loaded, one byte goes to ready_fd (then
	 * closed); the guest runs once start_fifo could be opened for writing,
	 * that is when `airlock start` opens it. NULL: run at once.
	 */
	const char *start_fifo;
	int ready_fd;
	/* OCI exec: the caller already joined a running container's namespaces. */
	bool joined;
	/* process.terminal: a new terminal for stdio, its master sent there (oci/console.c); NULL: none. */
	const char *console_socket;
	unsigned console_rows, console_cols;
	int64_t task_limit; /* linux.resources.pids.limit: guest tasks; <= 0: none */
};

/* Runs the program and returns the status airlock should exit with. */
int launch_run(const struct launch_options *opts);

/*
 * The monitor keeps its descriptors above the guest's range: a soft
 * RLIMIT_NOFILE of 1024 (a user session's usual) is raised within the hard
 * limit, early, before anything is moved up there. 0 or -errno.
 */
int launch_raise_fd_limit(void);

#endif
