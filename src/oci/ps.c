// SPDX-License-Identifier: Apache-2.0
// `ps`: the container's processes (its monitors, one per guest process), as
// runc lists them: the relay and every process in the container's pid
// namespace, printed as JSON pids or as the host's `ps -ef` lines for them.
#include "oci/ps.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include "oci/state.h"
#include "util/log.h"

#define MAX_PIDS 65536

/* The inode of a process's pid namespace (which), or 0. */
static ino_t pid_namespace(pid_t pid, const char *which)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, which);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/*
 * The relay and every process in the pid namespace it made (exec'd
 * processes are not its descendants, but are in there); their count.
 */
static size_t container_pids(pid_t relay, pid_t *pids, size_t max)
{
	size_t n = 0;
	pids[n++] = relay;
	ino_t inside = pid_namespace(relay, "pid_for_children");
	if (!inside || inside == pid_namespace(relay, "pid"))
		return n; /* no namespace of its own (unprivileged): the relay alone is known */
	DIR *d = opendir("/proc");
	for (struct dirent *e; d && (e = readdir(d)) && n < max;) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid > 0 && pid != relay && pid_namespace(pid, "pid") == inside)
			pids[n++] = pid;
	}
	if (d)
		closedir(d);
	return n;
}

int oci_ps(const char *root, const char *id, bool json, char *const *ps_args)
{
	struct oci_state st;
	int err = oci_state_load(root, id, &st);
	if (err) {
		log_error(err == -ENOENT ? "container \"%s\" does not exist" : "container \"%s\": reading its state", id);
		return EXIT_AIRLOCK_FAILED;
	}
	pid_t *pids = calloc(MAX_PIDS, sizeof(pid_t));
	size_t n = pids && oci_state_status(root, &st) != OCI_STOPPED ? container_pids(st.pid, pids, MAX_PIDS) : 0;
	oci_state_free(&st);
	if (json) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		free(pids);
		return 0;
	}
	/* As runc: the host's ps with the caller's options (default -ef), run without a shell. */
	static char *const default_args[] = {"-ef", NULL};
	char *const *args = ps_args && ps_args[0] ? ps_args : default_args;
	size_t nargs = 0;
	while (args[nargs])
		nargs++;
	char **argv = calloc(nargs + 2, sizeof(char *));
	int pipefd[2];
	FILE *out = NULL;
	pid_t child = -1;
	if (argv && pipe2(pipefd, O_CLOEXEC) == 0) {
		argv[0] = "ps";
		memcpy(argv + 1, args, nargs * sizeof(char *));
		child = fork();
		if (child == 0) {
			dup2(pipefd[1], 1);
			execvp("ps", argv);
			_exit(127);
		}
		close(pipefd[1]);
		out = child > 0 ? fdopen(pipefd[0], "r") : NULL;
	}
	free(argv);
	if (!out) {
		log_error("ps: cannot run ps: %s", strerror(errno));
		free(pids);
		return EXIT_AIRLOCK_FAILED;
	}
	char line[8192];
	int pid_column = -1;
	for (bool header = true; fgets(line, sizeof(line), out); header = false) {
		char copy[8192], *save, *word = NULL;
		snprintf(copy, sizeof(copy), "%s", line);
		if (header) { /* the PID column's place */
			word = strtok_r(copy, " \t\n", &save);
			for (int col = 0; word; col++, word = strtok_r(NULL, " \t\n", &save))
				if (!strcmp(word, "PID"))
					pid_column = col;
			fputs(line, stdout);
			continue;
		}
		word = strtok_r(copy, " \t\n", &save);
		for (int col = 0; word && col < pid_column; col++)
			word = strtok_r(NULL, " \t\n", &save);
		pid_t pid = word ? (pid_t)atoi(word) : 0;
		for (size_t i = 0; i < n; i++)
			if (pids[i] == pid)
				fputs(line, stdout);
	}
	free(pids);
	fclose(out);
	int status;
	return waitpid(child, &status, 0) == child && status == 0 && pid_column >= 0 ? 0 : EXIT_AIRLOCK_FAILED;
}
