// SPDX-License-Identifier: Apache-2.0
// Starting one program in a fresh microVM: rootfs, program lookup, loading.
#ifndef AIRLOCK_MONITOR_LAUNCH_H
#define AIRLOCK_MONITOR_LAUNCH_H

#include <stdbool.h>

struct launch_options {
	const char *rootfs;
	const char *workdir;  /* inside the rootfs; NULL means "/" */
	char **argv;          /* program and arguments */
	char **env;           /* the guest's whole environment, NULL-terminated */
	bool strace;
};

/* Runs the program and returns the status airlock should exit with. */
int launch_run(const struct launch_options *opts);

#endif
