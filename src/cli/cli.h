// SPDX-License-Identifier: Apache-2.0
// Subcommand entry points; each parses its own options.
#ifndef AIRLOCK_CLI_CLI_H
#define AIRLOCK_CLI_CLI_H

#include <stdbool.h>

/* Options given before the command, as runc takes them. */
struct cli_globals {
	const char *root; /* state root: --root, default /run/airlock */
	const char *store; /* image store: --store; NULL: $AIRLOCK_STORE, else image/store.h's default */
	bool systemd_cgroup;
};

/*
 * getopt_long over a subcommand's own options; reports unknown ones the
 * docker way. Returns the option, -1 at the end, or '?' after an error.
 */
struct option;
int cli_next_option(const char *cmd, int argc, char **argv, const char *shorts, const struct option *longs);

struct store;
/* The image store's directory: --store, else $AIRLOCK_STORE, else the default. */
const char *cli_store_root(const struct cli_globals *gl);
/* The image store the globals name, opened (made if missing); 0, or -errno after logging. */
int cli_open_store(const struct cli_globals *gl, struct store *s);

int cli_run(const struct cli_globals *gl, int argc, char **argv);
/* run with --bundle: runc's run (create, start, wait, delete). */
bool cli_is_oci_run(int argc, char **argv);
int cli_oci_run(const struct cli_globals *gl, int argc, char **argv);
int cli_create(const struct cli_globals *gl, int argc, char **argv);
int cli_start(const struct cli_globals *gl, int argc, char **argv);
int cli_state(const struct cli_globals *gl, int argc, char **argv);
int cli_kill(const struct cli_globals *gl, int argc, char **argv);
int cli_exec(const struct cli_globals *gl, int argc, char **argv);
int cli_ps(const struct cli_globals *gl, int argc, char **argv);
int cli_delete(const struct cli_globals *gl, int argc, char **argv);
int cli_list(const struct cli_globals *gl, int argc, char **argv);
int cli_spec(const struct cli_globals *gl, int argc, char **argv);
int cli_features(const struct cli_globals *gl, int argc, char **argv);
int cli_load(const struct cli_globals *gl, int argc, char **argv);
int cli_pull(const struct cli_globals *gl, int argc, char **argv);
/* docker's container commands (ps without an id, logs, stop, rm). */
int cli_containers(const struct cli_globals *gl, int argc, char **argv);
int cli_logs(const struct cli_globals *gl, int argc, char **argv);
int cli_stop(const struct cli_globals *gl, int argc, char **argv);
int cli_rm(const struct cli_globals *gl, int argc, char **argv);
/* Waits up to ms for container id to stop (or be gone): whether it did. */
bool cli_wait_stopped(const char *root, const char *id, int ms);
int cli_images(const struct cli_globals *gl, int argc, char **argv);
int cli_tag(const struct cli_globals *gl, int argc, char **argv);
int cli_rmi(const struct cli_globals *gl, int argc, char **argv);
int cli_inspect(const struct cli_globals *gl, int argc, char **argv);
/* The default network's OCI hooks (attach, detach). */
int cli_network(const struct cli_globals *gl, int argc, char **argv);

#endif
