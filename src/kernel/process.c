// SPDX-License-Identifier: Apache-2.0
// Process-level calls: exit, process ids, limits and thread-area setup.
// (fork and clone are in fork.c, execve in exec.c, credentials in creds.c,
// scheduling in sched.c.)
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel/proctab.h"
#include "kernel/syscall.h"
#include "util/procstat.h"
#include "vm/cpu.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011

long sys_exit_group(struct guest *g, const uint64_t *a)
{
	guest_exit(g, (int)(a[0] & 0xff));
}

long sys_arch_prctl(struct guest *g, const uint64_t *a)
{
	switch ((int)a[0]) {
	case ARCH_SET_FS:
		if (a[1] >= (1ULL << 47))
			return -EPERM;
		return cpu_set_fs_base(&current->vcpu, a[1]);
	case ARCH_GET_FS: {
		uint64_t base;
		int err = cpu_get_fs_base(&current->vcpu, &base);
		if (err)
			return err;
		return gmem_copy_out(&g->mm, a[1], &base, sizeof(base));
	}
	case ARCH_SET_GS:
		if (a[1] >= (1ULL << 47))
			return -EPERM;
		return cpu_set_gs_base(&current->vcpu, a[1]);
	case ARCH_GET_GS: {
		uint64_t base;
		int err = cpu_get_gs_base(&current->vcpu, &base);
		if (err)
			return err;
		return gmem_copy_out(&g->mm, a[1], &base, sizeof(base));
	}
	case ARCH_GET_CPUID:
		return 1; /* CPUID is never made to fault */
	default:
		return -EINVAL;
	}
}


long sys_set_robust_list(struct guest *g, const uint64_t *a)
{
	(void)g;
	if (a[1] != 24) /* sizeof(struct robust_list_head) */
		return -EINVAL;
	current->robust_list = a[0];
	return 0;
}

long sys_get_robust_list(struct guest *g, const uint64_t *a)
{
	uint64_t head = 0, len = 24;
	bool found = false;
	pthread_mutex_lock(&g->lock);
	for (struct thread *t = g->threads; t; t = t->next) {
		if (a[0] == 0 ? t == current : t->tid == (pid_t)a[0]) {
			head = t->robust_list;
			found = true;
		}
	}
	pthread_mutex_unlock(&g->lock);
	if (!found)
		return -ESRCH;
	if (gmem_copy_out(&g->mm, a[1], &head, sizeof(head)) || gmem_copy_out(&g->mm, a[2], &len, sizeof(len)))
		return -EFAULT;
	return 0;
}

/*
 * Children are monitor processes whose pids are the guest's: the host's
 * wait answers, and a child that died of a signal died of it on the host
 * too (guest_exit). Blocking waits are interrupted by kicks like any call.
 */
long sys_wait4(struct guest *g, const uint64_t *a)
{
	/* As on Linux, a bad pointer is found only after the child was reaped. */
	int status = 0;
	struct rusage usage;
	long pid = host_result(wait4((pid_t)a[0], &status, (int)a[2], a[3] ? &usage : NULL));
	if (pid > 0 && (WIFEXITED(status) || WIFSIGNALED(status)))
		proctab_forget((pid_t)pid); /* reaped: no longer listed, even as a zombie */
	if (pid > 0 && a[1] && gmem_copy_out(&g->mm, a[1], &status, sizeof(status)))
		return -EFAULT;
	if (pid > 0 && a[3] && gmem_copy_out(&g->mm, a[3], &usage, sizeof(usage)))
		return -EFAULT;
	return pid;
}

long sys_waitid(struct guest *g, const uint64_t *a)
{
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	struct rusage usage;
	long r = host_result(syscall(SYS_waitid, (int)a[0], (pid_t)a[1], &info, (int)a[3], a[4] ? &usage : NULL));
	if (r == 0 && info.si_pid > 0 && !((int)a[3] & WNOWAIT) &&
	    (info.si_code == CLD_EXITED || info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED))
		proctab_forget(info.si_pid);
	if (r == 0 && a[4] && gmem_copy_out(&g->mm, a[4], &usage, sizeof(usage)))
		return -EFAULT;
	/* Linux writes the siginfo (zeroes when nothing was reaped) even when the call fails. */
	if (a[2] && gmem_copy_out(&g->mm, a[2], &info, sizeof(info)))
		return -EFAULT;
	return r;
}

/*
 * The kernel the guest sees: airlock's own, stable whatever the host runs,
 * named as the Linux release whose system calls it serves (Debian 12's).
 * Programs that gate features on the release then ask for what is there.
 */
void guest_uname(const struct guest *g, struct utsname *u)
{
	memset(u, 0, sizeof(*u));
	strcpy(u->sysname, "Linux");
	snprintf(u->nodename, sizeof(u->nodename), "%s", g->hostname);
	strcpy(u->release, GUEST_RELEASE);
	strcpy(u->version, "#1 SMP PREEMPT_DYNAMIC airlock");
	strcpy(u->machine, "x86_64");
	strcpy(u->domainname, "(none)");
}

long sys_uname(struct guest *g, const uint64_t *a)
{
	struct utsname u;
	guest_uname(g, &u);
	return gmem_copy_out(&g->mm, a[0], &u, sizeof(u));
}

long sys_sysinfo(struct guest *g, const uint64_t *a)
{
	struct sysinfo info;
	if (sysinfo(&info) < 0)
		return -errno;
	return gmem_copy_out(&g->mm, a[0], &info, sizeof(info));
}

long sys_getrandom(struct guest *g, const uint64_t *a)
{
	size_t len = a[1] < 65536 ? a[1] : 65536; /* short reads are allowed */
	if (!gmem_range_ok(a[0], a[1]))
		return -EFAULT;
	char buf[65536];
	ssize_t n = getrandom(buf, len, (unsigned)a[2]);
	if (n < 0)
		return -errno;
	return gmem_copy_out(&g->mm, a[0], buf, (size_t)n) ? -EFAULT : n;
}

/* Limits: the guest sees its own descriptor limit, the rest from the host. */
static long get_limit(int resource, struct rlimit *rl)
{
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (getrlimit(resource, rl) < 0)
		return -errno;
	if (resource == RLIMIT_NOFILE)
		rl->rlim_cur = rl->rlim_max = GUEST_FD_LIMIT;
	return 0;
}

long sys_getrlimit(struct guest *g, const uint64_t *a)
{
	struct rlimit rl;
	long err = get_limit((int)a[0], &rl);
	if (err)
		return err;
	return gmem_copy_out(&g->mm, a[1], &rl, sizeof(rl));
}

long sys_setrlimit(struct guest *g, const uint64_t *a)
{
	uint64_t args[4] = {0, a[0], a[1], 0};
	return sys_prlimit64(g, args);
}

long sys_prlimit64(struct guest *g, const uint64_t *a)
{
	int pid = (int)a[0], resource = (int)a[1];
	if (pid != 0 && pid != getpid())
		return -ESRCH;
	struct rlimit old;
	long err = get_limit(resource, &old);
	if (err)
		return err;
	if (a[2]) {
		struct rlimit want;
		if (gmem_copy_in(&g->mm, &want, a[2], sizeof(want)))
			return -EFAULT;
		if (want.rlim_cur > want.rlim_max)
			return -EINVAL;
		/* The monitor shares the host limits; only lowering is passed on. */
		if (resource == RLIMIT_NOFILE || want.rlim_max > old.rlim_max)
			return want.rlim_max > old.rlim_max ? -EPERM : 0;
		if (setrlimit(resource, &want) < 0)
			return -errno;
	}
	if (a[3] && gmem_copy_out(&g->mm, a[3], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Only the guest's own threads: any other id would name a host task. */
PASSTHROUGH_CALL(getpid, getpid())
PASSTHROUGH_CALL(getppid, getppid())
PASSTHROUGH_CALL(getpgrp, getpgrp())
PASSTHROUGH_CALL(getpgid, host_result(getpgid((pid_t)a[0])))
PASSTHROUGH_CALL(getsid, host_result(getsid((pid_t)a[0])))

/*
 * The host checks everything but one rule: a child that has called execve
 * may no longer be moved (EACCES), and a guest's exec keeps its monitor, so
 * the host never saw one. The process table knows; Linux checks the rule
 * after "not our child" (ESRCH) and "another session" (EPERM).
 */
long sys_setpgid(struct guest *g, const uint64_t *a)
{
	pid_t pid = (pid_t)a[0], pgid = (pid_t)a[1];
	struct proc_stat st;
	char rel[32];
	snprintf(rel, sizeof(rel), "%d/stat", (int)pid);
	if (pid > 0 && pid != getpid() && pgid >= 0 && g->proc.pid_proc >= 0 &&
	    proc_stat_read(g->proc.pid_proc, rel, &st) == 0 && st.ppid == getpid() && getsid(pid) == getsid(0)) {
		struct proctab_info child; /* 9 KiB: monitor threads have 256 */
		if (proctab_get(g, pid, &child) == 0 && child.execed)
			return -EACCES;
	}
	return host_result(setpgid(pid, pgid));
}
/* A new session leaves the caller's terminal behind, for the monitor as for the guest. */
PASSTHROUGH_CALL(setsid, host_result(setsid()))

long sys_sync(struct guest *g, const uint64_t *a)
{
	(void)g;
	(void)a;
	sync();
	return 0;
}

/* prctl: the thread name is the guest's own; other options are refused. */
long sys_prctl(struct guest *g, const uint64_t *a)
{
	switch ((int)a[0]) {
	case PR_SET_NAME: {
		char name[sizeof(current->comm)];
		long n = gmem_string_in(&g->mm, name, a[1], sizeof(name));
		if (n == -EFAULT)
			return -EFAULT;
		/* Longer names are cut to 15 bytes, as Linux does. */
		if (n < 0 && gmem_copy_in(&g->mm, name, a[1], sizeof(name) - 1))
			return -EFAULT;
		name[sizeof(name) - 1] = '\0';
		pthread_mutex_lock(&g->lock);
		memcpy(current->comm, name, sizeof(name));
		proctab_publish_threads_locked(g); /* the main thread's name is the process's */
		pthread_mutex_unlock(&g->lock);
		return 0;
	}
	case PR_GET_NAME:
		return gmem_copy_out(&g->mm, a[1], current->comm, sizeof(current->comm));
	case PR_GET_DUMPABLE:
		return 1;
	case PR_GET_CHILD_SUBREAPER: {
		int no = 0;
		return gmem_copy_out(&g->mm, a[1], &no, sizeof(no));
	}
	case PR_GET_TSC: {
		int enabled = PR_TSC_ENABLE;
		return gmem_copy_out(&g->mm, a[1], &enabled, sizeof(enabled));
	}
	case PR_SET_DUMPABLE:
		return a[1] <= 1 ? 0 : -EINVAL;
	case PR_GET_PDEATHSIG: {
		int none = 0; /* the container's first process outlives nobody it could watch */
		return gmem_copy_out(&g->mm, a[1], &none, sizeof(none));
	}
	case PR_SET_PDEATHSIG:
		return a[1] <= GUEST_NSIG ? 0 : -EINVAL;
	case PR_GET_NO_NEW_PRIVS:
		return 1; /* the monitor runs with no_new_privs (the jail sets it) */
	case PR_SET_NO_NEW_PRIVS:
		return a[1] == 1 && !a[2] && !a[3] && !a[4] ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

/* The monitor's clock ticks: its threads are the guest's, its reaped children the guest's children. */
long sys_times(struct guest *g, const uint64_t *a)
{
	struct tms t;
	clock_t now = times(&t);
	if (a[0] && gmem_copy_out(&g->mm, a[0], &t, sizeof(t)))
		return -EFAULT;
	return (long)now;
}

long sys_getrusage(struct guest *g, const uint64_t *a)
{
	struct rusage usage;
	/* The monitor's threads are the guest's threads: their usage is the guest's. */
	if (getrusage((int)a[0], &usage) < 0)
		return -errno;
	return gmem_copy_out(&g->mm, a[1], &usage, sizeof(usage));
}


long sys_getcpu(struct guest *g, const uint64_t *a)
{
	unsigned cpu, node;
	if (syscall(SYS_getcpu, &cpu, &node, NULL) < 0)
		return -errno;
	if (a[0] && gmem_copy_out(&g->mm, a[0], &cpu, sizeof(cpu)))
		return -EFAULT;
	if (a[1] && gmem_copy_out(&g->mm, a[1], &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
