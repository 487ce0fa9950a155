// SPDX-License-Identifier: Apache-2.0
// docker's container commands over the OCI state: ps (without an id; with
// one it is runc's), logs, stop and rm, for the containers `airlock run`
// made (their "airlock.*" annotations say what they run and what to remove).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/network.h"
#include "oci/container.h"
#include "oci/state.h"
#include "util/log.h"
#include "util/tree.h"

/* An annotation of a container's state ("" if none); into out. */
static void annotation(const struct oci_state *st, const char *key, char *out, size_t size)
{
	json_object *a = st->annotations_json ? json_tokener_parse(st->annotations_json) : NULL, *v;
	snprintf(out, size, "%s", a && json_object_object_get_ex(a, key, &v) ? json_object_get_string(v) : "");
	json_object_put(a);
}

static bool made_by_run(const struct oci_state *st)
{
	char command[8];
	annotation(st, "airlock.command", command, sizeof(command));
	return *command;
}

int cli_containers(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"all", no_argument, NULL, 'a'}, {"quiet", no_argument, NULL, 'q'},
					      {"help", no_argument, NULL, 'h'}, {0}};
	bool all = false, quiet = false;
	for (int c; (c = cli_next_option("ps", argc, argv, "+aqh", longs)) != -1;) {
		if (c == 'a') {
			all = true;
		} else if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			puts("Usage: airlock ps [-a] [-q]  (the containers airlock run made; -a: stopped ones too; -q: ids only)\n"
			     "       airlock ps ID [ARGS]  (the processes of a container, as runc lists them)");
			return 0;
		} else {
			return EXIT_AIRLOCK_FAILED;
		}
	}
	DIR *d = opendir(gl->root);
	if (!quiet)
		printf("%-20s %-28s %-28s %-22s %s\n", "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS");
	for (struct dirent *e; d && (e = readdir(d));) {
		struct oci_state st;
		if (e->d_name[0] == '.' || oci_state_load(gl->root, e->d_name, &st))
			continue;
		enum oci_status status = oci_state_status(gl->root, &st);
		if (made_by_run(&st) && (all || status != OCI_STOPPED) && quiet) {
			puts(st.id);
		} else if (made_by_run(&st) && (all || status != OCI_STOPPED)) {
			char image[256], command[256];
			annotation(&st, "airlock.image", image, sizeof(image));
			annotation(&st, "airlock.command", command, sizeof(command));
			printf("%-20s %-28.28s %-28.28s %-22.19s %s\n", st.id, *image ? image : "(rootfs)", command, st.created,
			       oci_status_name(status));
		}
		oci_state_free(&st);
	}
	if (d)
		closedir(d);
	return 0;
}

/* The container's bundle (its log and config) under the store. */
static void bundle_of(const struct cli_globals *gl, const char *id, char *out, size_t size)
{
	snprintf(out, size, "%s/containers/%s", cli_store_root(gl), id);
}

static int one_id(const char *cmd, int argc)
{
	if (argc - optind < 1) {
		log_error("%s: expects a container id (see 'airlock %s --help')", cmd, cmd);
		return -1;
	}
	return 0;
}

int cli_logs(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"follow", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool follow = false;
	for (int c; (c = cli_next_option("logs", argc, argv, "+fh", longs)) != -1;) {
		if (c == 'f')
			follow = true;
		else if (c == 'h')
			return puts("Usage: airlock logs [-f] ID") < 0;
		else
			return EXIT_AIRLOCK_FAILED;
	}
	if (one_id("logs", argc) < 0)
		return EXIT_AIRLOCK_FAILED;
	const char *id = argv[optind];
	char path[4200];
	bundle_of(gl, id, path, sizeof(path));
	strncat(path, "/log", sizeof(path) - strlen(path) - 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_error("logs: no log for container \"%s\" (only detached ones have one)", id);
		return EXIT_AIRLOCK_FAILED;
	}
	char buf[65536];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n > 0) {
			if (write(STDOUT_FILENO, buf, (size_t)n) != n)
				break;
			continue;
		}
		/* At the end: done, unless following a container that still runs. */
		struct oci_state st;
		bool running = follow && oci_state_load(gl->root, id, &st) == 0;
		if (running) {
			running = oci_state_status(gl->root, &st) != OCI_STOPPED;
			oci_state_free(&st);
		}
		if (!running) {
			/* What it wrote as it stopped. */
			while ((n = read(fd, buf, sizeof(buf))) > 0 && write(STDOUT_FILENO, buf, (size_t)n) == n)
				;
			break;
		}
		poll(NULL, 0, 100);
	}
	close(fd);
	return 0;
}

/* Waits up to ms for the container to stop: true if it did. */
bool cli_wait_stopped(const char *root, const char *id, int ms)
{
	for (int waited = 0;; waited += 50) {
		struct oci_state st;
		if (oci_state_load(root, id, &st))
			return true;
		bool stopped = oci_state_status(root, &st) == OCI_STOPPED;
		oci_state_free(&st);
		if (stopped || waited >= ms)
			return stopped;
		poll(NULL, 0, 50);
	}
}

int cli_stop(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"time", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {0}};
	int seconds = 10;
	for (int c; (c = cli_next_option("stop", argc, argv, "+t:h", longs)) != -1;) {
		if (c == 't') {
			seconds = atoi(optarg);
		} else if (c == 'h') {
			puts("Usage: airlock stop [-t SECONDS] ID...   (SIGTERM, then SIGKILL after the time, 10 s)");
			return 0;
		} else {
			return EXIT_AIRLOCK_FAILED;
		}
	}
	if (one_id("stop", argc) < 0)
		return EXIT_AIRLOCK_FAILED;
	int status = 0;
	for (int i = optind; i < argc; i++) {
		if (oci_kill(gl->root, argv[i], SIGTERM, false)) {
			status = EXIT_AIRLOCK_FAILED;
			continue;
		}
		if (!cli_wait_stopped(gl->root, argv[i], seconds * 1000) && oci_kill(gl->root, argv[i], SIGKILL, false) == 0)
			cli_wait_stopped(gl->root, argv[i], 10000);
		network_detach(gl->root, argv[i]); /* as docker: a stopped container leaves the network */
		puts(argv[i]);
	}
	return status;
}

int cli_rm(const struct cli_globals *gl, int argc, char **argv)
{
	static const struct option longs[] = {{"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {0}};
	bool force = false;
	for (int c; (c = cli_next_option("rm", argc, argv, "+fh", longs)) != -1;) {
		if (c == 'f')
			force = true;
		else if (c == 'h')
			return puts("Usage: airlock rm [-f] ID...   (-f: a running one too)") < 0;
		else
			return EXIT_AIRLOCK_FAILED;
	}
	if (one_id("rm", argc) < 0)
		return EXIT_AIRLOCK_FAILED;
	int status = 0;
	for (int i = optind; i < argc; i++) {
		struct oci_state st;
		char layer[4096] = "", bundle[4200];
		if (oci_state_load(gl->root, argv[i], &st) == 0) {
			annotation(&st, "airlock.layer", layer, sizeof(layer));
			oci_state_free(&st);
		}
		if (oci_delete(gl->root, argv[i], force)) {
			status = EXIT_AIRLOCK_FAILED;
			continue;
		}
		/* Its own layer and its bundle: directories under the store (and nothing else), gone with it. */
		bundle_of(gl, argv[i], bundle, sizeof(bundle));
		char tmp[4200];
		snprintf(tmp, sizeof(tmp), "%s/tmp/", cli_store_root(gl));
		if (!strncmp(layer, tmp, strlen(tmp)) && !strstr(layer, "/.."))
			tree_remove(layer);
		tree_remove(bundle);
		puts(argv[i]);
	}
	return status;
}
