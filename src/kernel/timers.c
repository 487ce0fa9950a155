// SPDX-License-Identifier: Apache-2.0
// Interval timers and POSIX timers. They are the monitor's own host timers:
// when one fires, the host signal reaches the monitor and becomes the
// guest's signal (kernel/hostsig.c), with the timer's id and value intact.
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kernel/syscall.h"

long sys_alarm(struct guest *g, const uint64_t *a)
{
	(void)g;
	return alarm((unsigned)a[0]);
}

long sys_setitimer(struct guest *g, const uint64_t *a)
{
	struct itimerval want, old;
	if (a[1] && gmem_copy_in(&g->mm, &want, a[1], sizeof(want)))
		return -EFAULT;
	if (!a[1])
		want = (struct itimerval){0};
	long r = host_result(setitimer((int)a[0], &want, &old));
	if (r == 0 && a[2] && gmem_copy_out(&g->mm, a[2], &old, sizeof(old)))
		return -EFAULT;
	return r;
}

long sys_getitimer(struct guest *g, const uint64_t *a)
{
	struct itimerval now;
	long r = host_result(getitimer((int)a[0], &now));
	if (r == 0 && gmem_copy_out(&g->mm, a[1], &now, sizeof(now)))
		return -EFAULT;
	return r;
}

/* The kernel's struct sigevent (64 bytes). */
struct guest_sigevent {
	uint64_t value;
	int32_t signo, notify;
	int32_t tid;
	int32_t pad[11];
};

#define GUEST_SIGEV_THREAD_ID 4

long sys_timer_create(struct guest *g, const uint64_t *a)
{
	struct guest_sigevent ev = {.signo = SIGALRM, .notify = SIGEV_SIGNAL};
	if (a[1] && gmem_copy_in(&g->mm, &ev, a[1], sizeof(ev)))
		return -EFAULT;
	if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE)
		return -EINVAL; /* SIGEV_THREAD_ID would name a host thread */
	if (ev.notify == SIGEV_SIGNAL && (ev.signo < 1 || ev.signo > GUEST_NSIG))
		return -EINVAL;
	struct guest_sigevent host = ev;
	if (!a[1])
		host.value = 0; /* Linux reports the timer id as the value then; glibc never relies on it */
	int id;
	long r = host_result(syscall(SYS_timer_create, (clockid_t)a[0], &host, &id));
	if (r == 0 && gmem_copy_out(&g->mm, a[2], &id, sizeof(id))) {
		syscall(SYS_timer_delete, id);
		return -EFAULT;
	}
	return r;
}

long sys_timer_settime(struct guest *g, const uint64_t *a)
{
	struct itimerspec want, old;
	if (gmem_copy_in(&g->mm, &want, a[2], sizeof(want)))
		return -EFAULT;
	long r = host_result(syscall(SYS_timer_settime, (int)a[0], (int)a[1], &want, a[3] ? &old : NULL));
	if (r == 0 && a[3] && gmem_copy_out(&g->mm, a[3], &old, sizeof(old)))
		return -EFAULT;
	return r;
}

long sys_timer_gettime(struct guest *g, const uint64_t *a)
{
	struct itimerspec now;
	long r = host_result(syscall(SYS_timer_gettime, (int)a[0], &now));
	if (r == 0 && gmem_copy_out(&g->mm, a[1], &now, sizeof(now)))
		return -EFAULT;
	return r;
}

long sys_timer_getoverrun(struct guest *g, const uint64_t *a)
{
	(void)g;
	return host_result(syscall(SYS_timer_getoverrun, (int)a[0]));
}

long sys_timer_delete(struct guest *g, const uint64_t *a)
{
	(void)g;
	return host_result(syscall(SYS_timer_delete, (int)a[0]));
}
