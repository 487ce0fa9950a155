// SPDX-License-Identifier: Apache-2.0
// Containers' state on disk, under the runtime root (--root, default
// /run/airlock): one directory per container id with state.json and, until
// the container is started, the exec FIFO its first process waits on.
#ifndef AIRLOCK_OCI_STATE_H
#define AIRLOCK_OCI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define OCI_DEFAULT_ROOT "/run/airlock"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_STOPPED };

struct oci_state {
	char id[256];
	char bundle[4096];
	pid_t pid;                /* the process callers watch (it exits with the container's status) */
	unsigned long long start; /* its start time in clock ticks, against pid reuse */
	char created[40];         /* RFC 3339 */
	char cgroup[4096];        /* the container's cgroup path; empty if none */
	char *annotations_json;
};

/* Container ids as runc takes them: letters, digits, '_', '+', '-', '.', not starting with '.'. */
bool oci_id_valid(const char *id);
/* root/id into out (PATH_MAX). */
void oci_state_dir(const char *root, const char *id, char *out);

/* Makes root/id and its exec FIFO; -EEXIST if the id is taken. */
int oci_state_create(const char *root, const char *id);
int oci_state_save(const char *root, const struct oci_state *st);
/* -ENOENT if there is no such container. */
int oci_state_load(const char *root, const char *id, struct oci_state *st);
void oci_state_free(struct oci_state *st);
/* Removes root/id and everything in it. */
int oci_state_remove(const char *root, const char *id);

/* created (FIFO still there), running, or stopped (the process is gone or a zombie). */
enum oci_status oci_state_status(const char *root, const struct oci_state *st);
const char *oci_status_name(enum oci_status s);
/* The state as `state` prints it (runtime-spec's JSON); free() it. */
char *oci_state_json(const char *root, const struct oci_state *st);
/* The same with the status given (hooks see "creating" before state.json exists). */
char *oci_state_json_as(const struct oci_state *st, enum oci_status status);

/* The container's first process (pid 1 inside): the relay's only child; 0 if gone. */
pid_t oci_first_process(pid_t relay);

/* Start time of pid (field 22 of /proc/pid/stat), or 0; *zombie set if it has exited. */
unsigned long long oci_process_start(pid_t pid, bool *zombie);

#endif
