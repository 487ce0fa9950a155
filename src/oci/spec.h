// SPDX-License-Identifier: Apache-2.0
// An OCI bundle's config.json (runtime-spec 1.x), read and checked: what
// airlock serves is turned into struct oci_spec; anything it does not serve
// yet that would change what the container may do is refused with one
// clear error, never ignored.
#ifndef AIRLOCK_OCI_SPEC_H
#define AIRLOCK_OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "jail/caps.h"
#include "jail/cgroup.h"
#include "jail/jail.h"
#include "jail/mounts.h"
#include "jail/userns.h"
#include "kernel/filter.h"
#include "oci/hooks.h"

struct oci_spec {
	char *bundle;     /* absolute path of the bundle directory */
	char *root;       /* absolute path of the root filesystem */
	bool readonly_root;
	char **args, **env; /* NULL-terminated */
	char *cwd;
	bool terminal;
	unsigned console_rows, console_cols; /* process.consoleSize; 0: unset */
	uid_t uid;
	gid_t gid;
	gid_t *groups; /* additionalGids */
	size_t ngroups;
	int umask;        /* -1: left as it is */
	struct jail_rlimit *rlimits;
	size_t nrlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	bool has_caps;         /* process.capabilities given: caps holds the five sets */
	struct cap_sets caps;
	char *hostname;   /* NULL: airlock's default */
	struct jail_mount *mounts; /* the ones airlock makes (bind, tmpfs), in order */
	size_t nmounts;
	struct jail_device *devices; /* linux.devices: nodes made in the container's /dev */
	size_t ndevices;
	int namespaces;   /* CLONE_NEW* flags asked for without a path: made */
	struct id_maps id_maps; /* linux.uidMappings and gidMappings, for a user namespace made */
	struct jail_join joins[8]; /* the ones with a path: joined */
	size_t njoins;
	char *pid_path;   /* the pid namespace's path, if joined */
	char *cgroups_path; /* linux.cgroupsPath as given; NULL if none */
	struct cgroup_limits limits;
	char **sysctls;        /* "name=value" pairs, in the container's namespaces */
	struct filter filter;
	struct oci_hooks hooks;  /* linux.seccomp, applied to the guest's calls; enabled if given */
	char *annotations_json; /* the annotations object as JSON text, for `state` */
};

/*
 * Loads bundle/config.json. Returns 0, or -1 after writing a one-line reason
 * ("config.json: process.args: must be a non-empty array of strings") into why.
 */
int oci_spec_load(const char *bundle, struct oci_spec *spec, char *why, size_t why_size);
void oci_spec_free(struct oci_spec *spec);
/* Replaces spec's process with the one in a process.json (exec -p). 0 or -1 with why. */
int oci_process_load(const char *path, struct oci_spec *spec, char *why, size_t why_size);

/* A config.json for `airlock spec`: sh in ./rootfs, as runc's default does. */
const char *oci_spec_default(void);

#endif
