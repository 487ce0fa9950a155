// SPDX-License-Identifier: Apache-2.0
// `airlock run` from a rootfs folder: check the inputs, create the VM, enter
// the rootfs, find and load the program, then hand over to the vCPU loop.
// Each failure gets one line and the docker-style status for its kind.

#include "monitor/launch.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/fdlimits.h"
#include "kernel/guest.h"
#include "kernel/proctab.h"
#include "kernel/signal.h"
#include "kernel/thread.h"
#include "loader/elf.h"
#include "loader/script.h"
#include "loader/stack.h"
#include "kernel/syscall.h"
#include "monitor/fastcall.h"
#include "monitor/monitor.h"
#include "monitor/pidns.h"
#include "oci/console.h"
#include "kernel/vclock.h"
#include "jail/seccomp.h"
#include "util/log.h"
#include "vm/cpu.h"
#include "vm/platform.h"

/* Room for the monitor's own descriptors above the guest's range (vCPUs included). */
#define MONITOR_FDS (MAX_VCPUS + 64)

int launch_raise_fd_limit(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur < GUEST_FD_LIMIT + MONITOR_FDS) {
		if (rl.rlim_max < GUEST_FD_LIMIT + MONITOR_FDS)
			return -EMFILE;
		rl.rlim_cur = GUEST_FD_LIMIT + MONITOR_FDS;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -errno;
	}
	return 0;
}

static int prepare_descriptors(void)
{
	if (launch_raise_fd_limit() < 0)
		return -EMFILE; /* the hard limit leaves no room above the guest's range */
	/* The guest starts with stdin, stdout and stderr only, as under runc. */
	close_range(3, GUEST_FD_LIMIT - 1, 0);
	return 0;
}

static const char *env_value(char **env, const char *name)
{
	size_t len = strlen(name);
	for (; *env; env++) {
		if (!strncmp(*env, name, len) && (*env)[len] == '=')
			return *env + len + 1;
	}
	return NULL;
}

/* Status for a program that cannot be opened: 127 missing, 126 otherwise. */
static int program_error(const char *path, int err)
{
	log_error("%s: %s", path, strerror(err));
	return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
}

/* Opens an executable regular file; returns the fd or -errno. */
static int open_executable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return -EACCES;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * Finds the program as the container's shell would: a name with a slash is
 * a path, anything else is searched in the guest's PATH.
 */
static int find_program(const char *name, char **env, char *found, size_t size, int *status)
{
	if (strchr(name, '/')) {
		snprintf(found, size, "%s", name);
		int fd = open_executable(found);
		if (fd < 0)
			*status = program_error(name, -fd);
		return fd;
	}
	/* Without a PATH the search uses the usual one, as runc's does. */
	const char *path = env_value(env, "PATH");
	if (!path)
		path = GUEST_DEFAULT_PATH;
	int denied = 0;
	while (path && *name) {
		const char *colon = strchrnul(path, ':');
		int n = snprintf(found, size, "%.*s/%s", (int)(colon - path), path, name);
		if (n > 0 && (size_t)n < size) {
			int fd = open_executable(found);
			if (fd >= 0)
				return fd;
			if (fd == -EACCES)
				denied = 1;
		}
		path = *colon ? colon + 1 : NULL;
	}
	if (denied) {
		*status = program_error(name, EACCES);
		return -EACCES;
	}
	log_error("%s: executable file not found in $PATH", name);
	*status = EXIT_NOT_FOUND;
	return -ENOENT;
}

/*
 * In a mount namespace of the container's own, pivot_root: the host's tree
 * is then gone from it, not just out of reach. pivot_root(".", ".") stacks
 * the old root on the new one, and the detach takes it away.
 */
static int pivot_into(const char *rootfs)
{
	if (chdir(rootfs) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0)
		return -1;
	return 0;
}

static int enter_rootfs(struct guest *g, const struct launch_options *opts)
{
	bool pivot = opts->jail && !opts->joined && jail_pivots(opts->jail);
	g->own_mounts = pivot || (opts->joined && !strcmp(opts->rootfs, "/"));
	if (pivot ? pivot_into(opts->rootfs) < 0 : chroot(opts->rootfs) < 0) {
		log_error("entering rootfs %s: %s", opts->rootfs, strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	if (chdir("/") < 0 || chdir(opts->workdir ? opts->workdir : "/") < 0) {
		log_error("working directory %s: %s", opts->workdir, strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	return 0;
}

/* The trace goes to the caller's stderr through a descriptor the guest cannot name. */
static FILE *open_trace(void)
{
	int fd = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
	if (f)
		setvbuf(f, NULL, _IOLBF, 0);
	return f;
}

/*
 * A script's interpreter in place of the script: argv becomes "interp [arg]
 * path argv[1..]" (a new vector, freed by the caller), fd and path the
 * interpreter's; repeated for an interpreter that is a script. Returns the
 * descriptor or -1 (status set).
 */
static int follow_scripts(int fd, char *path, size_t size, char ***argv, int *status)
{
	char interp[SHEBANG_MAX + 1], arg[SHEBANG_MAX + 1];
	for (int depth = 0, script; (script = script_read_shebang(fd, interp, arg)) != 0; depth++) {
		close(fd);
		if (script < 0 || depth == MAX_SCRIPT_DEPTH) {
			*status = program_error((*argv)[0], script < 0 ? -script : ELOOP);
			return -1;
		}
		size_t n = 0;
		while ((*argv)[n])
			n++;
		char **next = calloc(n + 3, sizeof(char *));
		if (!next) {
			*status = EXIT_AIRLOCK_FAILED;
			return -1;
		}
		size_t k = 0;
		next[k++] = strdup(interp);
		if (*arg)
			next[k++] = strdup(arg);
		next[k++] = strdup(path);
		for (size_t i = 1; i < n; i++)
			next[k++] = (*argv)[i];
		*argv = next; /* the strings before it stay allocated: the guest's stack is built from them once */
		snprintf(path, size, "%s", interp);
		if ((fd = open_executable(interp)) < 0) {
			*status = program_error(interp, -fd);
			return -1;
		}
	}
	return fd;
}

static int load_program(struct guest *g, struct thread *t, const struct launch_options *opts)
{
	char path[4096];
	int status = 0;
	char **argv = opts->argv;
	int fd = find_program(argv[0], opts->env, path, sizeof(path), &status);
	if (fd >= 0)
		fd = follow_scripts(fd, path, sizeof(path), &argv, &status);
	if (fd < 0)
		return status;
	struct elf_image image;
	const char *why = "";
	procfs_set_exe(g, path);
	int err = elf_load(&g->mm, fd, g->proc.exe, &image, &why);
	close(fd);
	if (err == -ENOEXEC) {
		log_error("%s: %s", opts->argv[0], why);
		return EXIT_CANNOT_EXECUTE;
	}
	if (err == -ENOENT) { /* the interpreter named in PT_INTERP is missing */
		log_error("%s: %s: %s", opts->argv[0], why, strerror(ENOENT));
		return EXIT_NOT_FOUND;
	}
	uint64_t rsp = 0;
	if (!err)
		err = stack_build(&g->mm, &image, argv, opts->env, path, &rsp);
	if (!err)
		procfs_record_start(g, rsp);
	if (err) {
		log_error("%s: loading: %s", opts->argv[0], strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	t->ctx = (struct kvm_regs){.rip = image.start, .rsp = rsp, .rflags = 0x202};
	/* The thread name starts as the program's base name, cut to 15 bytes. */
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len = strnlen(base, sizeof(t->comm) - 1);
	memcpy(t->comm, base, len);
	t->comm[len] = 0;
	return 0;
}

/* The VM, its memory and the first vCPU, served by the calling host thread. */
static int create_vm(struct guest *g, struct thread *t)
{
	const char *why;
	int err = kvm_vm_create(&g->vm, &why);
	if (err) {
		log_error("%s: %s", why, strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	platform_probe(&g->platform, &g->vm);
	err = mm_init(&g->mm, &g->vm, !g->platform.ring0_native);
	if (err) {
		log_error("guest memory: %s", strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	g->mm.quiescent = thread_quiescent_epoch;
	g->mm.stop_world = thread_stop_world;
	g->mm.start_world = thread_start_world;
	cpu_write_system_tables(&g->mm.pm);
	fastcall_init(g);
	err = kvm_vcpu_create(&g->vm, 0, &t->vcpu);
	if (!err)
		err = cpu_setup(&g->vm, &g->mm.pm, &t->vcpu, &g->platform, g->mm.pg.pml4);
	if (!err)
		err = kvm_vcpu_bind_task(&t->vcpu);
	if (err) {
		log_error("setting up the vCPU: %s", strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	vclock_init(g, &t->vcpu);
	return 0;
}

/*
 * The host thread of an exited first guest thread. It must not return from
 * main (that would end every thread), and it takes no host signals so that
 * they reach threads that can deliver them.
 */
static _Noreturn void park_forever(void)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	signal_host_thread_end();
	for (;;)
		pause();
}

/*
 * OCI create: report the container ready, then wait for `airlock start`.
 * The FIFO was opened O_PATH before the chroot; opening it again for
 * writing, through the host's /proc, blocks until start opens it to read.
 */
static int wait_for_start(struct guest *g, const struct launch_options *opts, int fifo)
{
	char ready = 'r', go = '0', link[64];
	if (write(opts->ready_fd, &ready, 1) != 1)
		return EXIT_AIRLOCK_FAILED; /* create gave up waiting: nothing to report to */
	close(opts->ready_fd);
	snprintf(link, sizeof(link), "self/fd/%d", fifo);
	int fd = openat(g->proc.host_proc, link, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, &go, 1) != 1) {
		log_error("waiting for start: %s", strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	close(fd);
	close(fifo);
	return 0;
}

static int start(struct guest *g, struct thread *t, const struct launch_options *opts)
{
	struct stat st = {0};
	if (stat(opts->rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_error("rootfs %s: %s", opts->rootfs, strerror(S_ISDIR(st.st_mode) ? errno : ENOTDIR));
		return EXIT_NOT_FOUND;
	}
	int err = prepare_descriptors();
	if (err) {
		log_error("descriptor limit: %s", strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	procfs_init(g); /* before the chroot hides the host's /proc and /dev */
	int status = create_vm(g, t);
	/* After the mounts: the terminal comes from the container's own devpts. */
	if (!status && opts->console_socket) {
		int sock = console_connect(opts->console_socket);
		if (sock < 0 || console_setup(opts->rootfs, sock, opts->console_rows, opts->console_cols) < 0)
			status = EXIT_AIRLOCK_FAILED;
	}
	int fifo = -1;
	if (!status && opts->start_fifo &&
	    (fifo = fd_move_to_monitor(open(opts->start_fifo, O_PATH | O_CLOEXEC))) < 0) {
		log_error("exec FIFO %s: %s", opts->start_fifo, strerror(errno));
		status = EXIT_AIRLOCK_FAILED;
	}
	if (!status)
		status = enter_rootfs(g, opts);
	if (!status)
		status = load_program(g, t, opts);
	if (!status && opts->start_fifo)
		status = wait_for_start(g, opts, fifo);
	if (!status && opts->jail && jail_drop(opts->jail, GUEST_FD_LIMIT + MONITOR_FDS) < 0)
		status = EXIT_AIRLOCK_FAILED;
	/* From here on the monitor makes only the host calls its allowlist names. */
	if (!status && seccomp_jail(g->own_mounts) < 0)
		status = EXIT_AIRLOCK_FAILED;
	if (status)
		return status;
	if (!opts->joined)
		proctab_set_task_limit(opts->task_limit);
	proctab_claim(g); /* for the other processes' /proc/<pid> */
	seccomp_test_forbidden_call();
	if (opts->strace)
		g->trace = open_trace();
	err = signal_host_init(g);
	if (err) {
		log_error("signal handling: %s", strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	const char *why = "";
	err = physmem_sync_sys_slot(&g->mm.pm);
	jmp_buf exit_point;
	if (setjmp(exit_point))
		park_forever(); /* the first thread exited; the others go on */
	thread_exit_point = &exit_point;
	if (!err)
		err = monitor_run_thread(t, &why);
	log_error("monitor: %s: %s", why, strerror(-err));
	return EXIT_AIRLOCK_FAILED;
}

int launch_run(const struct launch_options *opts)
{
	bool own_pids = opts->joined;
	/* Before the pid namespace: the relay, which callers watch, shares every other one. */
	if (!opts->joined && opts->jail && jail_enter(opts->jail) < 0)
		return EXIT_AIRLOCK_FAILED;
	int err = opts->joined ? 0 : pidns_enter(opts->jail ? opts->jail->pid_path : NULL, &own_pids);
	if (err) {
		log_error("pid namespace: %s", strerror(-err));
		return EXIT_AIRLOCK_FAILED;
	}
	struct guest *g = guest_new();
	if (!g) {
		log_error("out of memory");
		return EXIT_AIRLOCK_FAILED;
	}
	struct thread *t = g->threads;
	snprintf(g->hostname, sizeof(g->hostname), "%s", opts->hostname ? opts->hostname : GUEST_DEFAULT_HOSTNAME);
	g->first_process = true;
	g->filter = opts->filter;
	g->own_pid_namespace = own_pids;
	/* Returns only when the guest could not start or the monitor failed. */
	int status = start(g, t, opts);
	if (g->trace)
		fclose(g->trace);
	kvm_vcpu_destroy(&g->vm, &t->vcpu);
	mm_destroy(&g->mm);
	kvm_vm_destroy(&g->vm);
	procfs_destroy(g);
	free(t);
	free(g);
	return status;
}
