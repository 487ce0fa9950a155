// SPDX-License-Identifier: Apache-2.0
// airlock: run Linux programs in hardware-isolated microVMs.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "image/store.h"
#include "monitor/launch.h"
#include "oci/state.h"
#include "util/log.h"

#ifndef AIRLOCK_VERSION
#define AIRLOCK_VERSION "0.1.0"
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
/*
 * Sanitizer builds (make check-asan): no leak check at exit. Every airlock
 * process ends holding what it held (the VM, the guest's memory) by design,
 * and container engines start the runtime with an environment of their
 * own, so ASAN_OPTIONS from the test does not reach it.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "detect_leaks=0:abort_on_error=1";
}
#endif

static void usage(FILE *out)
{
	fputs("Usage: airlock [GLOBAL OPTIONS] COMMAND [OPTIONS]\n"
	      "\n"
	      "Commands:\n"
	      "  run       run a program in a new microVM: an image's, or one in a root filesystem\n"
	      "  pull      pull an image from a registry into the store\n"
	      "  load      load an image from an oci-archive, a docker-archive or an OCI layout\n"
	      "  images    list the images in the store\n"
	      "  tag       give an image another name\n"
	      "  rmi       remove image names, and what no name uses any more\n"
	      "  inspect   print an image's details as JSON\n"
	      "  ps        list the containers run -d made (-a: stopped ones too)\n"
	      "  logs      print a detached container's output (-f: follow it)\n"
	      "  stop      stop containers: SIGTERM, then SIGKILL\n"
	      "  rm        remove stopped containers (-f: running ones too)\n"
	      "\n"
	      "OCI runtime commands (as runc takes them):\n"
	      "  create    create a container from a bundle; it waits for start\n"
	      "  run -b    create, start, wait for and delete a container (run --bundle DIR ID)\n"
	      "  start     start a created container\n"
	      "  state     print a container's state as JSON\n"
	      "  kill      send a signal to a container\n"
	      "  exec      run another process in a running container\n"
	      "  ps        list a container's processes\n"
	      "  delete    delete a container\n"
	      "  list      list containers\n"
	      "  spec      write a starting config.json\n"
	      "  features  print what this runtime serves, as JSON\n"
	      "\n"
	      "Global options:\n"
	      "  --root DIR            container state (default " OCI_DEFAULT_ROOT ";\n"
	      "                        not root: $XDG_RUNTIME_DIR/airlock)\n"
	      "  --store DIR           image store (default $AIRLOCK_STORE, else " STORE_DEFAULT ";\n"
	      "                        not root: ~/.local/share/airlock)\n"
	      "  --log FILE            also write errors to FILE\n"
	      "  --log-format FORMAT   text or json, for --log\n"
	      "  --systemd-cgroup      cgroupsPath is slice:prefix:name\n"
	      "  --debug               accepted\n"
	      "\n"
	      "Run 'airlock COMMAND --help' for a command's options.\n",
	      out);
}

static const struct {
	const char *name;
	int (*fn)(const struct cli_globals *gl, int argc, char **argv);
} commands[] = {
	{"logs", cli_logs}, {"stop", cli_stop}, {"rm", cli_rm},
	{"pull", cli_pull}, {"load", cli_load}, {"images", cli_images}, {"tag", cli_tag}, {"rmi", cli_rmi}, {"inspect", cli_inspect},
	{"network", cli_network},
	{"create", cli_create}, {"start", cli_start}, {"state", cli_state}, {"kill", cli_kill},
	{"delete", cli_delete}, {"exec", cli_exec}, {"ps", cli_ps}, {"list", cli_list}, {"spec", cli_spec}, {"features", cli_features},
};

/* Global options before the command; returns the command's index in argv, or -1. */
static int parse_globals(int argc, char **argv, struct cli_globals *gl)
{
	const char *log_path = NULL, *log_format = "text";
	int i = 1;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		char *value = strchr(argv[i], '=');
		size_t len = value ? (size_t)(value - argv[i]) : strlen(argv[i]);
		const char **slot = !strncmp(argv[i], "--root", len) && len == 6 ? &gl->root
				    : !strncmp(argv[i], "--store", len) && len == 7 ? &gl->store
				    : !strncmp(argv[i], "--log", len) && len == 5 ? &log_path
				    : !strncmp(argv[i], "--log-format", len) && len == 12 ? &log_format
				    : NULL;
		if (!slot) {
			gl->systemd_cgroup |= !strcmp(argv[i], "--systemd-cgroup");
			if (!strcmp(argv[i], "--debug") || !strcmp(argv[i], "--systemd-cgroup"))
				continue;
			return i; /* --help, --version, or an unknown option: the command's turn */
		}
		if (!value && i + 1 == argc) {
			log_error("%.*s needs a value", (int)len, argv[i]);
			return -1;
		}
		*slot = value ? value + 1 : argv[++i];
	}
	if (strcmp(log_format, "text") && strcmp(log_format, "json")) {
		log_error("--log-format must be text or json, not \"%s\"", log_format);
		return -1;
	}
	if (log_path && log_to_file(log_path, !strcmp(log_format, "json")) < 0) {
		log_error("--log %s: %s", log_path, strerror(errno));
		return -1;
	}
	return i;
}

/* runc's ps names a container (after its --format); docker's takes none. */
static bool names_a_container(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--format") || !strcmp(argv[i], "-f"))
			i++;
		else if (argv[i][0] != '-')
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct cli_globals gl = {.root = OCI_DEFAULT_ROOT};
	char own_root[4096];
	if (geteuid() != 0) { /* a user's state, as rootless runc's: $XDG_RUNTIME_DIR/airlock */
		const char *runtime_dir = getenv("XDG_RUNTIME_DIR");
		if (runtime_dir && *runtime_dir)
			snprintf(own_root, sizeof(own_root), "%s/airlock", runtime_dir);
		else
			snprintf(own_root, sizeof(own_root), "/tmp/airlock-%u", (unsigned)geteuid());
		gl.root = own_root;
	}
	launch_raise_fd_limit(); /* where it cannot be, launching says so */
	int at = parse_globals(argc, argv, &gl);
	if (at < 0)
		return EXIT_AIRLOCK_FAILED;
	if (at >= argc) {
		log_error("no command given (see 'airlock --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	argc -= at - 1;
	argv += at - 1;
	const char *cmd = argv[1];
	if (!strcmp(cmd, "ps") && !names_a_container(argc - 1, argv + 1))
		return cli_containers(&gl, argc - 1, argv + 1);
	if (!strcmp(cmd, "run"))
		return cli_is_oci_run(argc - 1, argv + 1) ? cli_oci_run(&gl, argc - 1, argv + 1)
							  : cli_run(&gl, argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(cmd, commands[i].name))
			return commands[i].fn(&gl, argc - 1, argv + 1);
	}
	if (!strcmp(cmd, "pause") || !strcmp(cmd, "resume") ||
	    !strcmp(cmd, "checkpoint") || !strcmp(cmd, "restore") || !strcmp(cmd, "update")) {
		log_error("%s: not supported yet", cmd);
		return EXIT_AIRLOCK_FAILED;
	}
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("airlock version %s\n", AIRLOCK_VERSION);
		return 0;
	}
	log_error("unknown command \"%s\" (see 'airlock --help')", cmd);
	return EXIT_AIRLOCK_FAILED;
}
