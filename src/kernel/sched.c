// SPDX-License-Identifier: Apache-2.0
// Scheduling: affinity, policies and their priorities, nice values, yield.
// A guest thread is its vCPU's monitor thread, and these calls run on that
// thread (none is served off the vCPU, kernel/off_vcpu.c), so "0" and the
// guest's thread ids name the host threads they act on. Other processes are
// named only in the container's own pid namespace, where the host's pids are
// the guest's and nothing outside the container can be reached; without
// one, a pid other than the caller's would be a host process (ESRCH, as for
// kill). The host then checks what Linux checks (privilege to raise a
// priority, the policy's range), in Linux's order.
#include <errno.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/syscall.h"

static bool is_own_thread(struct guest *g, pid_t pid)
{
	bool ours = pid == 0;
	pthread_mutex_lock(&g->lock);
	for (struct thread *t = g->threads; t && !ours; t = t->next)
		ours = t->tid == pid;
	pthread_mutex_unlock(&g->lock);
	return ours;
}

/* Whether pid may be passed to the host: 0, -EINVAL or -ESRCH. */
static long sched_target(struct guest *g, pid_t pid)
{
	if (pid < 0)
		return -EINVAL;
	return is_own_thread(g, pid) || g->own_pid_namespace ? 0 : -ESRCH;
}

long sys_sched_getaffinity(struct guest *g, const uint64_t *a)
{
	cpu_set_t set;
	size_t len = a[1];
	if (!is_own_thread(g, (pid_t)a[0]))
		return -ESRCH;
	if (len < sizeof(long) || (len & (sizeof(long) - 1)))
		return -EINVAL;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -errno;
	size_t n = len < sizeof(set) ? len : sizeof(set);
	return gmem_copy_out(&g->mm, a[2], &set, n) ? -EFAULT : (long)n;
}

long sys_sched_setaffinity(struct guest *g, const uint64_t *a)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	size_t len = a[1] < sizeof(set) ? a[1] : sizeof(set);
	if (gmem_copy_in(&g->mm, &set, a[2], len))
		return -EFAULT;
	if (!is_own_thread(g, (pid_t)a[0]))
		return -ESRCH;
	return host_result(sched_setaffinity((pid_t)a[0], sizeof(set), &set));
}

long sys_sched_yield(struct guest *g, const uint64_t *a)
{
	(void)g;
	(void)a;
	return 0;
}

/* sched_setscheduler (policy >= 0) and sched_setparam (policy -1: kept). */
static long set_scheduler(struct guest *g, pid_t pid, int policy, uint64_t param_gva)
{
	struct sched_param param;
	if (!param_gva || pid < 0)
		return -EINVAL;
	if (gmem_copy_in(&g->mm, &param, param_gva, sizeof(param)))
		return -EFAULT;
	long r = sched_target(g, pid);
	if (r)
		return r;
	return policy < 0 ? host_result(syscall(SYS_sched_setparam, pid, &param))
			  : host_result(syscall(SYS_sched_setscheduler, pid, policy, &param));
}

long sys_sched_setscheduler(struct guest *g, const uint64_t *a)
{
	if ((int)a[1] < 0)
		return -EINVAL;
	return set_scheduler(g, (pid_t)a[0], (int)a[1], a[2]);
}

long sys_sched_setparam(struct guest *g, const uint64_t *a)
{
	return set_scheduler(g, (pid_t)a[0], -1, a[1]);
}

long sys_sched_getscheduler(struct guest *g, const uint64_t *a)
{
	long r = sched_target(g, (pid_t)a[0]);
	return r ? r : host_result(syscall(SYS_sched_getscheduler, (pid_t)a[0]));
}

long sys_sched_getparam(struct guest *g, const uint64_t *a)
{
	struct sched_param param;
	if (!a[1] || (pid_t)a[0] < 0)
		return -EINVAL;
	long r = sched_target(g, (pid_t)a[0]);
	if (!r)
		r = host_result(syscall(SYS_sched_getparam, (pid_t)a[0], &param));
	return r ? r : gmem_copy_out(&g->mm, a[1], &param, sizeof(param));
}

long sys_sched_rr_get_interval(struct guest *g, const uint64_t *a)
{
	struct timespec slice;
	long r = sched_target(g, (pid_t)a[0]);
	if (!r)
		r = host_result(syscall(SYS_sched_rr_get_interval, (pid_t)a[0], &slice));
	return r ? r : gmem_copy_out(&g->mm, a[1], &slice, sizeof(slice));
}

PASSTHROUGH_CALL(sched_get_priority_max, host_result(syscall(SYS_sched_get_priority_max, (int)a[0])))
PASSTHROUGH_CALL(sched_get_priority_min, host_result(syscall(SYS_sched_get_priority_min, (int)a[0])))

/*
 * Nice values. A process group or a user names host processes too unless
 * the container has its own pid namespace (the host then reaches only the
 * processes that namespace shows, as Linux does for PRIO_USER).
 */
static long priority_target(struct guest *g, int which, id_t who)
{
	if (which != PRIO_PROCESS && which != PRIO_PGRP && which != PRIO_USER)
		return -EINVAL;
	if (g->own_pid_namespace || (which == PRIO_PROCESS && is_own_thread(g, (pid_t)who)))
		return 0;
	return -ESRCH;
}

long sys_getpriority(struct guest *g, const uint64_t *a)
{
	long r = priority_target(g, (int)a[0], (id_t)a[1]);
	/* The raw call's answer, 20 - nice (1 to 40), as Linux gives it: libc turns it into the nice value. */
	return r ? r : host_result(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));
}

long sys_setpriority(struct guest *g, const uint64_t *a)
{
	long r = priority_target(g, (int)a[0], (id_t)a[1]);
	return r ? r : host_result(syscall(SYS_setpriority, (int)a[0], (id_t)a[1], (int)a[2]));
}
