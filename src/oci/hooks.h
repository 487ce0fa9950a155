// SPDX-License-Identifier: Apache-2.0
// The config's hooks: host programs the runtime runs at points of the
// lifecycle, each given the container's state as JSON on its stdin and
// stopped after its timeout.
#ifndef AIRLOCK_OCI_HOOKS_H
#define AIRLOCK_OCI_HOOKS_H

#include <stddef.h>
#include <sys/types.h>

enum oci_hook_kind {
	HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER, HOOK_START_CONTAINER,
	HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_KINDS
};

struct oci_hook {
	char *path;
	char **args, **env; /* NULL-terminated */
	int timeout;        /* seconds; 0: none */
};

struct oci_hooks {
	struct oci_hook *list[HOOK_KINDS];
	size_t n[HOOK_KINDS];
};

/* The config's name for a kind ("createRuntime"). */
const char *oci_hook_name(enum oci_hook_kind kind);
void oci_hooks_free(struct oci_hooks *h);

/*
 * Runs the hooks of one kind in order, each with state on stdin; the first
 * that fails (exit status, signal, timeout) stops the rest. in_container: the
 * pid whose namespaces (and, for startContainer, root) they run in; 0: the
 * runtime's own. Returns 0, or -1 after logging which hook failed and how.
 */
int oci_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state, pid_t in_container);

#endif
