// SPDX-License-Identifier: Apache-2.0
// exec: a new process in a running container. It joins the container's
// cgroup and namespaces (those of its first process, the relay's child),
// forks so that the child is inside the pid namespace, and the child builds
// a VM of its own in the container's rootfs, as any guest process has.
#include "oci/exec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail/cgroup.h"
#include "jail/jail.h"
#include "jail/userns.h"
#include "kernel/procfs.h"
#include "kernel/proctab.h"
#include "monitor/launch.h"
#include "oci/console.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "util/log.h"
#include "vm/kvm.h"

/* The container's namespaces, joined in this order: the user namespace owns the others. */
static const struct {
	const char *name;
	int type;
} container_namespaces[] = {{"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
			    {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}};
#define NAMESPACES (sizeof(container_namespaces) / sizeof(container_namespaces[0]))

/*
 * A descriptor for each of pid's namespaces that is not ours already (-1 for
 * the others), all opened first: once in its user namespace this process
 * may no longer open the rest (the monitors are not dumpable). 0 or -errno.
 */
static int open_namespaces(pid_t pid, int fds[NAMESPACES])
{
	for (size_t i = 0; i < NAMESPACES; i++)
		fds[i] = -1;
	for (size_t i = 0; i < NAMESPACES; i++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid, container_namespaces[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s", container_namespaces[i].name);
		if (stat(ours, &b) == 0 && stat(theirs, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		if ((fds[i] = open(theirs, O_RDONLY | O_CLOEXEC)) < 0) {
			int err = -errno;
			while (i-- > 0)
				if (fds[i] >= 0)
					close(fds[i]);
			return err;
		}
	}
	return 0;
}

/* Joins what open_namespaces opened, and closes it. 0 or -1 (logged). */
static int join_namespaces(int fds[NAMESPACES])
{
	int result = 0;
	for (size_t i = 0; i < NAMESPACES; i++) {
		if (fds[i] < 0)
			continue;
		if (!result && setns(fds[i], container_namespaces[i].type) < 0) {
			log_error("joining the container's %s namespace: %s", container_namespaces[i].name,
				  strerror(errno));
			result = -1;
		}
		if (!result && container_namespaces[i].type == CLONE_NEWUSER)
			result = userns_become_root(); /* the others are joined as its root */
		close(fds[i]);
	}
	return result;
}

/* Adds K=V to the environment, replacing an earlier K. */
static int env_set(char ***env, const char *kv)
{
	size_t n = 0, key = strcspn(kv, "=");
	while ((*env)[n])
		n++;
	for (size_t i = 0; i < n; i++) {
		if (!strncmp((*env)[i], kv, key) && (*env)[i][key] == '=') {
			free((*env)[i]);
			return ((*env)[i] = strdup(kv)) ? 0 : -1;
		}
	}
	char **grown = realloc(*env, (n + 2) * sizeof(char *));
	if (!grown)
		return -1;
	*env = grown;
	grown[n] = strdup(kv);
	grown[n + 1] = NULL;
	return grown[n] ? 0 : -1;
}

/* The process to run: process.json, or the container's own process with the given overrides. */
static int exec_process(const struct oci_exec_options *o, struct oci_spec *spec)
{
	char why[512];
	if (o->process_json && oci_process_load(o->process_json, spec, why, sizeof(why)) < 0) {
		log_error("%s", why);
		return -1;
	}
	if (o->args && o->args[0]) {
		size_t n = 0;
		while (o->args[n])
			n++;
		for (size_t i = 0; spec->args[i]; i++)
			free(spec->args[i]);
		free(spec->args);
		spec->args = calloc(n + 1, sizeof(char *));
		for (size_t i = 0; spec->args && i < n; i++)
			spec->args[i] = strdup(o->args[i]);
	}
	for (size_t i = 0; o->env && o->env[i]; i++) {
		if (env_set(&spec->env, o->env[i]) < 0)
			return -1;
	}
	if (o->cwd) {
		free(spec->cwd);
		spec->cwd = strdup(o->cwd);
	}
	if (o->has_user) {
		spec->uid = o->uid;
		spec->gid = o->gid;
	}
	return 0;
}

static _Noreturn void run_in_container(const struct oci_spec *spec)
{
	struct jail jail = {
		.root = spec->root, .uid = spec->uid, .gid = spec->gid, .groups = spec->groups,
		.ngroups = spec->ngroups, .umask = spec->umask, .rlimits = spec->rlimits,
		.nrlimits = spec->nrlimits, .no_new_privileges = spec->no_new_privileges,
		.caps = spec->has_caps ? &spec->caps : NULL,
	};
	struct launch_options lo = {
		.rootfs = spec->root, .workdir = spec->cwd, .argv = spec->args, .env = spec->env,
		.hostname = spec->hostname, .jail = &jail, .joined = true,
		.filter = spec->filter.enabled ? &spec->filter : NULL,
	};
	_exit(launch_run(&lo));
}

static pid_t child;

static void forward(int sig)
{
	kill(child, sig);
}

int oci_exec(const char *root, const char *id, const struct oci_exec_options *o)
{
	struct oci_state st;
	int err = oci_state_load(root, id, &st);
	if (err) {
		log_error(err == -ENOENT ? "container \"%s\" does not exist" : "container \"%s\": reading its state", id);
		return EXIT_AIRLOCK_FAILED;
	}
	enum oci_status status = oci_state_status(root, &st);
	pid_t first = status == OCI_RUNNING ? oci_first_process(st.pid) : 0;
	struct oci_spec spec;
	char why[512];
	int result = EXIT_AIRLOCK_FAILED;
	FILE *pid_file = NULL;
	int console = -1; /* connected before the container's mount namespace hides the socket's path */
	if (status != OCI_RUNNING) {
		log_error("cannot exec in container \"%s\": it is %s, not running", id, oci_status_name(status));
	} else if (!first) {
		log_error("cannot exec in container \"%s\": its first process is gone", id);
	} else if (oci_spec_load(st.bundle, &spec, why, sizeof(why)) < 0) {
		log_error("%s", why);
	} else {
		result = exec_process(o, &spec) < 0 ? EXIT_AIRLOCK_FAILED : 0;
		/* Opened here: the path is the caller's, and the container's mount namespace may hide it. */
		pid_file = o->pid_file ? fopen(o->pid_file, "we") : NULL;
		if (o->pid_file && !pid_file) {
			log_error("pid file %s: %s", o->pid_file, strerror(errno));
			result = EXIT_AIRLOCK_FAILED;
		}
		if (o->console_socket && (console = console_connect(o->console_socket)) < 0)
			result = EXIT_AIRLOCK_FAILED;
		kvm_preopen(); /* before the container's devices cgroup */
		procfs_preopen(); /* the host's /proc and /dev, before its mount namespace hides them */
		proctab_join(first); /* its /proc lists the container's processes */
		procfs_join_pid_view(first);
		/* A container that pivoted has its rootfs as the root of its mount namespace. */
		char link[64], target[8] = "";
		snprintf(link, sizeof(link), "/proc/%d/root", (int)first);
		bool pivoted = readlink(link, target, sizeof(target) - 1) == 1 && target[0] == '/';
		if (pivoted) {
			free(spec.root);
			spec.root = strdup("/");
		}
		if (!result && st.cgroup[0] && (err = cgroup_join(st.cgroup, getpid())) < 0) {
			log_error("joining the container's cgroup: %s", strerror(-err));
			result = EXIT_AIRLOCK_FAILED;
		}
		int ns_fds[NAMESPACES];
		if (!result && (err = open_namespaces(first, ns_fds)) < 0) {
			log_error("the container's namespaces: %s", strerror(-err));
			result = EXIT_AIRLOCK_FAILED;
		}
		if (!result && join_namespaces(ns_fds) < 0)
			result = EXIT_AIRLOCK_FAILED;
		if (!result) {
			child = fork();
			if (child == 0) {
				if (console >= 0 && console_setup(spec.root, console, spec.console_rows, spec.console_cols) < 0)
					_exit(EXIT_AIRLOCK_FAILED);
				run_in_container(&spec);
			}
			if (child < 0) {
				log_error("exec: %s", strerror(errno));
				result = EXIT_AIRLOCK_FAILED;
			}
		}
		if (!result && pid_file) {
			if (fprintf(pid_file, "%d", (int)child) < 0 || fflush(pid_file) != 0) {
				log_error("pid file %s: %s", o->pid_file, strerror(errno));
				kill(child, SIGKILL);
				result = EXIT_AIRLOCK_FAILED;
			}
		}
		if (pid_file)
			fclose(pid_file);
		if (console >= 0)
			close(console);
		if (!result && !o->detach) {
			struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
			sigemptyset(&sa.sa_mask);
			for (int sig = 1; sig < NSIG; sig++)
				if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
					sigaction(sig, &sa, NULL);
			int ws = 0;
			while (waitpid(child, &ws, 0) < 0 && errno == EINTR)
				;
			result = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
		}
		oci_spec_free(&spec);
	}
	oci_state_free(&st);
	return result;
}
