// SPDX-License-Identifier: Apache-2.0
// `airlock run` with docker's isolation flags (--hostname, --memory, --cpus,
// --pids-limit, -v, --tmpfs, --read-only, --network, -p, --name): the run is
// written as an OCI bundle and run as `airlock run --bundle` would, so the
// namespaces, cgroup and mounts are the OCI runtime's own (jail/).
#ifndef AIRLOCK_CLI_RUN_ISOLATED_H
#define AIRLOCK_CLI_RUN_ISOLATED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cli/cli.h"
#include "net/lease.h"

#define ISOLATION_MAX_MOUNTS 32

struct isolation {
	bool wanted;          /* any of the flags below given */
	const char *name;     /* --name: the container's id; NULL: a random one */
	const char *hostname;
	int64_t memory;       /* bytes; -1: no limit */
	int64_t cpu_quota;    /* microseconds per 100 ms period; -1: no limit */
	int64_t pids;         /* -1: no limit */
	bool read_only;
	/* --network: host (the default unless -p), none (only loopback), default (the bridge), slirp4netns */
	enum { NETWORK_MODE_HOST, NETWORK_MODE_NONE, NETWORK_MODE_DEFAULT, NETWORK_MODE_SLIRP } network;
	bool network_given;
	bool rootless;        /* not run as root: a user namespace mapping the caller to root (set by isolation_settle) */
	struct published_port ports[LEASE_MAX_PORTS]; /* -p [[IP:]HOST:]CTR[/tcp|udp] */
	int nports;
	const char *volumes[ISOLATION_MAX_MOUNTS]; /* -v SRC:DST[:ro] */
	int nvolumes;
	const char *tmpfs[ISOLATION_MAX_MOUNTS];   /* --tmpfs DST */
	int ntmpfs;
	bool detach;          /* -d: runs on, its output in a log, after run returns */
	/* Kept with the container for ps, logs and rm (annotations "airlock.*"). */
	const char *image;    /* the IMAGE as given; NULL for --rootfs */
	const char *layer;    /* the container's own layer directory, removed by rm; NULL: none */
	const char *containers_dir; /* STORE/containers: where a detached container's bundle and log stay */
};

/* Parses one of the flags into iso: 1 if it was one, 0 if not, -1 after logging a bad value. */
int isolation_option(struct isolation *iso, const char *option, const char *value);

/* What the flags together mean (-p alone asks for the default network); 0, or -1 after logging a conflict. */
int isolation_settle(struct isolation *iso);

/*
 * Runs argv (env, cwd, uid:gid) in root under the isolation asked for,
 * writing the bundle in a new directory under work_dir (a detached
 * container's under containers_dir/ID, with its log); returns the exit
 * status, as run does (0 once a detached one started, its id printed).
 */
int run_isolated(const struct cli_globals *gl, const struct isolation *iso, const char *root, char **argv,
		 char **env, const char *cwd, uid_t uid, gid_t gid, const char *work_dir);

#endif
