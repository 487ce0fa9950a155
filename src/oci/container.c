// SPDX-License-Identifier: Apache-2.0
// create forks the container's process, which becomes the pid-namespace
// relay (pidns.c) of a first process that builds the VM, loads the program
// and then blocks opening the exec FIFO for writing. create returns once
// that first process says it is ready (or reports its failure and status);
// start opens the FIFO for reading, which lets it go on. The pid recorded is
// the relay's: it exits with the container's status, as the caller expects.
#include "oci/container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "jail/cgroup.h"
#include "jail/jail.h"
#include "jail/userns.h"
#include "kernel/fdlimits.h"
#include "monitor/launch.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "util/log.h"
#include "vm/kvm.h"

/* How long delete and kill wait for a killed container to be gone. */
#define STOP_WAIT_MS 10000

static void fifo_path(const char *root, const char *id, char *out, size_t size)
{
	char dir[PATH_MAX];
	oci_state_dir(root, id, dir);
	snprintf(out, size, "%s/exec.fifo", dir);
}

static void now_rfc3339(char *out, size_t size)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, size - n, ".%09ldZ", ts.tv_nsec);
}

/*
 * Where the container's cgroup goes: cgroupsPath (systemd's slice:prefix:name
 * taken as the scope systemd would make), else /airlock/ID when limits need
 * one; "" for none.
 */
static void cgroup_path(const struct oci_spec *spec, const struct oci_create_options *opts, char *out, size_t size)
{
	const char *given = spec->cgroups_path;
	char slice[256], prefix[256], name[256];
	if (given && opts->systemd_cgroup && sscanf(given, "%255[^:]:%255[^:]:%255s", slice, prefix, name) == 3)
		snprintf(out, size, "%s/%s-%s.scope", slice, prefix, name);
	else if (given && *given)
		snprintf(out, size, "%s", given);
	else if (cgroup_limits_any(&spec->limits))
		snprintf(out, size, "airlock/%s", opts->id);
	else
		out[0] = 0;
}

/* The container's process: never returns. */
static _Noreturn void run_container(const struct oci_spec *spec, const struct oci_create_options *opts,
				    const char *cgroup, const char *fifo, int ready_fd, int userns_sync)
{
	/* Before anything forks, so that every monitor of the container is counted. */
	kvm_preopen();
	char why[512];
	if (*cgroup && cgroup_enter(cgroup, &spec->limits, getpid(), why, sizeof(why)) < 0) {
		log_error("%s", why);
		_exit(EXIT_AIRLOCK_FAILED);
	}
	/* With the host's privileges until here: /dev/kvm and the cgroup are the host's. */
	if (userns_sync >= 0 && userns_unshare(userns_sync) < 0)
		_exit(EXIT_AIRLOCK_FAILED);
	struct jail jail = {
		.namespaces = spec->namespaces & ~CLONE_NEWUSER, .joins = spec->joins, .njoins = spec->njoins, .pid_path = spec->pid_path,
		.root = spec->root, .readonly_root = spec->readonly_root,
		.mounts = spec->mounts, .nmounts = spec->nmounts, .sysctls = spec->sysctls,
		.devices = spec->devices, .ndevices = spec->ndevices,
		.has_oom_score_adj = spec->has_oom_score_adj, .oom_score_adj = spec->oom_score_adj,
		.uid = spec->uid, .gid = spec->gid, .groups = spec->groups, .ngroups = spec->ngroups,
		.umask = spec->umask, .rlimits = spec->rlimits, .nrlimits = spec->nrlimits,
		.no_new_privileges = spec->no_new_privileges, .caps = spec->has_caps ? &spec->caps : NULL,
	};
	struct launch_options lo = {
		.rootfs = spec->root, .workdir = spec->cwd, .argv = spec->args, .env = spec->env,
		.hostname = spec->hostname, .jail = &jail, .start_fifo = fifo,
		.filter = spec->filter.enabled ? &spec->filter : NULL,
		.console_socket = spec->terminal ? opts->console_socket : NULL,
		.console_rows = spec->console_rows, .console_cols = spec->console_cols,
		.task_limit = spec->limits.pids,
		/* Above the guest's range: the launch closes everything below it. */
		.ready_fd = fd_move_to_monitor(ready_fd),
	};
	_exit(launch_run(&lo));
}

/* The exec FIFO, opened by the container's first process: owned by the user namespace's root. */
static int give_fifo_to_root(const char *fifo, const struct id_maps *maps)
{
	int64_t uid = userns_outside_id(maps->uid, maps->nuid, 0), gid = userns_outside_id(maps->gid, maps->ngid, 0);
	if (chown(fifo, (uid_t)uid, (gid_t)gid) < 0) {
		log_error("exec FIFO %s: %s", fifo, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_pid_file(const char *path, pid_t pid)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.airlock-tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%d", (int)pid) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		log_error("pid file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* prestart and createRuntime in the runtime's namespaces, then createContainer in the container's. */
static int run_create_hooks(const struct oci_spec *spec, const struct oci_state *st)
{
	char *state = oci_state_json_as(st, OCI_CREATING);
	int err = oci_hooks_run(&spec->hooks, HOOK_PRESTART, state, 0) < 0 ||
			  oci_hooks_run(&spec->hooks, HOOK_CREATE_RUNTIME, state, 0) < 0 ||
			  oci_hooks_run(&spec->hooks, HOOK_CREATE_CONTAINER, state, st->pid) < 0
		  ? -1 : 0;
	free(state);
	return err;
}

/* The hooks of one kind from the container's config, as it is now; failures are the caller's to weigh. */
static int run_hooks(const struct oci_state *st, enum oci_hook_kind kind, enum oci_status status, pid_t in)
{
	struct oci_spec spec;
	char why[512];
	if (oci_spec_load(st->bundle, &spec, why, sizeof(why)) < 0)
		return 0; /* the bundle is gone: nothing to run */
	char *state = oci_state_json_as(st, status);
	int err = oci_hooks_run(&spec.hooks, kind, state, in);
	free(state);
	oci_spec_free(&spec);
	return err;
}

int oci_create(const struct oci_create_options *opts)
{
	if (!oci_id_valid(opts->id)) {
		log_error("invalid container id \"%s\"", opts->id);
		return EXIT_AIRLOCK_FAILED;
	}
	struct oci_spec spec;
	char why[512];
	if (oci_spec_load(opts->bundle, &spec, why, sizeof(why)) < 0) {
		log_error("%s", why);
		return EXIT_AIRLOCK_FAILED;
	}
	/* runc's rule: a terminal needs somewhere to send it, and a console socket a terminal. */
	if (spec.terminal != (opts->console_socket != NULL)) {
		log_error(spec.terminal ? "process.terminal needs --console-socket"
					: "--console-socket needs process.terminal set in config.json");
		oci_spec_free(&spec);
		return EXIT_AIRLOCK_FAILED;
	}
	int err = oci_state_create(opts->root, opts->id);
	if (err) {
		if (err == -EEXIST)
			log_error("container \"%s\" already exists", opts->id);
		else
			log_error("state directory %s: %s", opts->root, strerror(-err));
		oci_spec_free(&spec);
		return EXIT_AIRLOCK_FAILED;
	}
	char fifo[PATH_MAX + 16], cgroup[PATH_MAX];
	fifo_path(opts->root, opts->id, fifo, sizeof(fifo));
	cgroup_path(&spec, opts, cgroup, sizeof(cgroup));
	int ready[2], userns[2] = {-1, -1};
	bool new_userns = spec.namespaces & CLONE_NEWUSER;
	pid_t pid = pipe2(ready, O_CLOEXEC) < 0 ||
				    (new_userns && (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, userns) < 0 ||
						    give_fifo_to_root(fifo, &spec.id_maps) < 0))
			    ? -1 : fork();
	if (pid == 0) {
		close(ready[0]);
		close(userns[0]);
		run_container(&spec, opts, cgroup, fifo, ready[1], userns[1]);
	}
	int status = EXIT_AIRLOCK_FAILED;
	char byte;
	if (pid < 0) {
		log_error("starting the container: %s", strerror(errno));
	} else {
		close(ready[1]);
		close(userns[1]);
		if (new_userns && userns_map(pid, &spec.id_maps, userns[0]) < 0)
			kill(pid, SIGKILL); /* it reads EOF too, and stops there */
		close(userns[0]);
		if (read(ready[0], &byte, 1) == 1) {
			status = 0;
		} else { /* it failed and said why; its status is the one to return */
			int ws;
			if (waitpid(pid, &ws, 0) == pid)
				status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
			if (status == 0)
				status = EXIT_AIRLOCK_FAILED;
		}
		close(ready[0]);
	}
	if (status == 0) {
		bool zombie;
		struct oci_state st = {.pid = pid, .start = oci_process_start(pid, &zombie),
				       .annotations_json = spec.annotations_json};
		snprintf(st.id, sizeof(st.id), "%s", opts->id);
		snprintf(st.bundle, sizeof(st.bundle), "%s", spec.bundle);
		snprintf(st.cgroup, sizeof(st.cgroup), "%s", cgroup);
		now_rfc3339(st.created, sizeof(st.created));
		err = oci_state_save(opts->root, &st);
		if (err)
			log_error("saving the state: %s", strerror(-err));
		if (err || (opts->pid_file && write_pid_file(opts->pid_file, pid) < 0) ||
		    run_create_hooks(&spec, &st) < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			status = EXIT_AIRLOCK_FAILED;
		}
	}
	if (status) {
		if (*cgroup)
			cgroup_remove(cgroup);
		oci_state_remove(opts->root, opts->id);
	}
	oci_spec_free(&spec);
	return status;
}

/* Loads a container's state, logging runc's message when there is none. */
static int load(const char *root, const char *id, struct oci_state *st)
{
	int err = oci_state_load(root, id, st);
	if (err == -ENOENT)
		log_error("container \"%s\" does not exist", id);
	else if (err)
		log_error("container \"%s\": reading its state: %s", id, strerror(-err));
	return err;
}

int oci_start(const char *root, const char *id)
{
	struct oci_state st;
	if (load(root, id, &st))
		return EXIT_AIRLOCK_FAILED;
	enum oci_status status = oci_state_status(root, &st);
	int result = EXIT_AIRLOCK_FAILED;
	char fifo[PATH_MAX + 16];
	fifo_path(root, id, fifo, sizeof(fifo));
	int fd = status == OCI_CREATED ? open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
	if (status != OCI_CREATED) {
		log_error("cannot start container \"%s\": it is %s, not created", id, oci_status_name(status));
	} else if (fd < 0) {
		log_error("cannot start container \"%s\": %s", id, strerror(errno));
	} else if (run_hooks(&st, HOOK_START_CONTAINER, OCI_CREATED, oci_first_process(st.pid)) < 0) {
		kill(st.pid, SIGKILL); /* as the spec asks: a failed startContainer hook stops the container */
	} else {
		/* Opening the read end let the first process open the write end; it writes one byte. */
		char byte;
		for (;;) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			if (poll(&p, 1, 100) == 1 && read(fd, &byte, 1) == 1) {
				unlink(fifo);
				result = 0;
				/* Failed poststart hooks are reported; the container runs on. */
				run_hooks(&st, HOOK_POSTSTART, OCI_RUNNING, 0);
				break;
			}
			if (oci_state_status(root, &st) == OCI_STOPPED) {
				log_error("cannot start container \"%s\": it exited", id);
				break;
			}
		}
	}
	if (fd >= 0)
		close(fd);
	oci_state_free(&st);
	return result;
}

/* Waits until the container's process is gone; false after STOP_WAIT_MS. */
static bool wait_stopped(const char *root, const struct oci_state *st)
{
	for (int waited = 0; waited < STOP_WAIT_MS; waited += 10) {
		if (oci_state_status(root, st) == OCI_STOPPED)
			return true;
		usleep(10000);
	}
	return false;
}

int oci_kill(const char *root, const char *id, int sig, bool all)
{
	(void)all; /* the relay takes every process of the container down with the first */
	struct oci_state st;
	if (load(root, id, &st))
		return EXIT_AIRLOCK_FAILED;
	int result = 0;
	if (oci_state_status(root, &st) == OCI_STOPPED) {
		log_error("container \"%s\" is not running", id);
		result = EXIT_AIRLOCK_FAILED;
	} else if (kill(st.pid, sig) < 0) {
		log_error("container \"%s\": %s", id, strerror(errno));
		result = EXIT_AIRLOCK_FAILED;
	}
	oci_state_free(&st);
	return result;
}

int oci_delete(const char *root, const char *id, bool force)
{
	struct oci_state st;
	if (load(root, id, &st))
		return EXIT_AIRLOCK_FAILED;
	enum oci_status status = oci_state_status(root, &st);
	int result = 0;
	if (status == OCI_RUNNING && !force) {
		log_error("cannot delete container \"%s\": it is running (stop it first, or use --force)", id);
		result = EXIT_AIRLOCK_FAILED;
	} else if (status != OCI_STOPPED && (kill(st.pid, SIGKILL), !wait_stopped(root, &st))) {
		log_error("cannot delete container \"%s\": it did not stop", id);
		result = EXIT_AIRLOCK_FAILED;
	} else {
		if (st.cgroup[0])
			cgroup_remove(st.cgroup);
		int err = oci_state_remove(root, id);
		if (err) {
			log_error("container \"%s\": removing its state: %s", id, strerror(-err));
			result = EXIT_AIRLOCK_FAILED;
		}
		run_hooks(&st, HOOK_POSTSTOP, OCI_STOPPED, 0); /* failures are reported, delete goes on */
	}
	oci_state_free(&st);
	return result;
}

int oci_print_state(const char *root, const char *id)
{
	struct oci_state st;
	if (load(root, id, &st))
		return EXIT_AIRLOCK_FAILED;
	char *json = oci_state_json(root, &st);
	printf("%s\n", json);
	free(json);
	oci_state_free(&st);
	return 0;
}

int oci_list(const char *root, bool json)
{
	DIR *d = opendir(root);
	if (!d && errno != ENOENT) {
		log_error("%s: %s", root, strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	if (json)
		printf("[");
	else
		printf("%-20s %-8s %-10s %-40s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED");
	bool first = true;
	for (struct dirent *e; d && (e = readdir(d));) {
		struct oci_state st;
		if (e->d_name[0] == '.' || oci_state_load(root, e->d_name, &st))
			continue;
		enum oci_status status = oci_state_status(root, &st);
		int pid = status == OCI_STOPPED ? 0 : st.pid;
		if (json) {
			char *one = oci_state_json(root, &st);
			printf("%s%s", first ? "" : ",", one);
			free(one);
		} else {
			printf("%-20s %-8d %-10s %-40s %s\n", st.id, pid, oci_status_name(status), st.bundle, st.created);
		}
		first = false;
		oci_state_free(&st);
	}
	if (json)
		printf("]\n");
	if (d)
		closedir(d);
	return 0;
}
