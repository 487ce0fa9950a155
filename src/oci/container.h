// SPDX-License-Identifier: Apache-2.0
// The OCI lifecycle: create prepares the container and leaves it waiting,
// start lets it run, kill signals it, delete removes what is left.
// Each returns airlock's exit status (0 on success) after logging any error.
#ifndef AIRLOCK_OCI_CONTAINER_H
#define AIRLOCK_OCI_CONTAINER_H

#include <stdbool.h>

struct oci_create_options {
	const char *root; /* the runtime's state root */
	const char *id;
	const char *bundle;
	const char *pid_file; /* NULL: none */
	const char *console_socket; /* where the terminal's master goes (process.terminal); NULL: none */
	bool systemd_cgroup;  /* cgroupsPath is systemd's slice:prefix:name */
};

int oci_create(const struct oci_create_options *opts);
int oci_start(const char *root, const char *id);
/* create and start; then, unless detached, the container's exit status, after deleting it unless keep. */
int oci_run(const struct oci_create_options *opts, bool detach, bool keep);
int oci_kill(const char *root, const char *id, int sig, bool all);
int oci_delete(const char *root, const char *id, bool force);
/* Prints the state JSON. */
int oci_print_state(const char *root, const char *id);
/* Prints the containers under root: a table, or JSON with json set. */
int oci_list(const char *root, bool json);

#endif
