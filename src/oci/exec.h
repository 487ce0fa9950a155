// SPDX-License-Identifier: Apache-2.0
// `exec`: another process in a running container.
#ifndef AIRLOCK_OCI_EXEC_H
#define AIRLOCK_OCI_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

struct oci_exec_options {
	const char *process_json; /* -p: the whole process; NULL: the container's, overridden below */
	char **args;              /* NULL-terminated; NULL or empty: process.json's */
	char **env;               /* extra K=V, NULL-terminated (may be NULL) */
	const char *cwd;
	bool has_user;
	uid_t uid;
	gid_t gid;
	bool detach;              /* -d: return once it runs; the pid file names it */
	const char *console_socket; /* a new terminal's master goes there; NULL: the caller's stdio */
	const char *pid_file;
};

/* Returns the process's exit status (128+N if killed), or 125 when it could not run. */
int oci_exec(const char *root, const char *id, const struct oci_exec_options *o);

#endif
