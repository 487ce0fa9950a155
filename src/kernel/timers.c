// SPDX-License-Identifier: Apache-2.0
// Interval timers and POSIX timers. They are the monitor's own host timers:
// when one fires, the host signal reaches the monitor and becomes the
// guest's signal (kernel/hostsig.c), with the timer's id and value intact.
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "kernel/syscall.h"
#include "kernel/timers.h"

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
#define MAX_TIMERS 256

/*
 * POSIX timers are host timers that all fire the monitor's timer signal,
 * with the slot in sival_int; the slot says which guest signal, value and
 * thread the expiry stands for. Guest timer ids are the host's.
 */
static struct guest_timer {
	bool used;
	int host_id, signo, notify;
	pid_t tid;
	uint64_t value;
} timers[MAX_TIMERS];
static pthread_mutex_t timers_lock = PTHREAD_MUTEX_INITIALIZER;

void timers_after_fork(void)
{
	/* A child has no timers (host timers are not inherited either); the lock may be a dead thread's. */
	pthread_mutex_init(&timers_lock, NULL);
	memset(timers, 0, sizeof(timers));
}

int timers_host_signal(void)
{
	return SIGRTMIN + 5;
}

bool timers_expiry(int slot, int overrun, struct guest_siginfo *info, pid_t *tid)
{
	if (slot < 0 || slot >= MAX_TIMERS)
		return false;
	pthread_mutex_lock(&timers_lock);
	struct guest_timer tm = timers[slot];
	pthread_mutex_unlock(&timers_lock);
	if (!tm.used || tm.notify == SIGEV_NONE)
		return false;
	*info = (struct guest_siginfo){.signo = tm.signo, .code = SI_TIMER,
				       .timer = {tm.host_id, overrun, tm.value}};
	*tid = tm.notify == GUEST_SIGEV_THREAD_ID ? tm.tid : 0;
	return true;
}

static bool is_guest_thread(struct guest *g, pid_t tid)
{
	bool ours = false;
	pthread_mutex_lock(&g->lock);
	for (struct thread *t = g->threads; t; t = t->next)
		ours |= t->tid == tid;
	pthread_mutex_unlock(&g->lock);
	return ours;
}

long sys_timer_create(struct guest *g, const uint64_t *a)
{
	int id = -1;
	struct guest_sigevent ev = {.signo = SIGALRM, .notify = SIGEV_SIGNAL};
	if (a[1] && gmem_copy_in(&g->mm, &ev, a[1], sizeof(ev)))
		return -EFAULT;
	if (ev.notify != SIGEV_SIGNAL && ev.notify != SIGEV_NONE && ev.notify != GUEST_SIGEV_THREAD_ID)
		return -EINVAL;
	if (ev.notify != SIGEV_NONE && (ev.signo < 1 || ev.signo > GUEST_NSIG))
		return -EINVAL;
	if (ev.notify == GUEST_SIGEV_THREAD_ID && !is_guest_thread(g, ev.tid))
		return -EINVAL;
	pthread_mutex_lock(&timers_lock);
	int slot = 0;
	while (slot < MAX_TIMERS && timers[slot].used)
		slot++;
	if (slot == MAX_TIMERS) {
		pthread_mutex_unlock(&timers_lock);
		return -EAGAIN;
	}
	struct sigevent host = {.sigev_notify = ev.notify == SIGEV_NONE ? SIGEV_NONE : SIGEV_SIGNAL,
				.sigev_signo = timers_host_signal(), .sigev_value.sival_int = slot};
	long r = host_result(syscall(SYS_timer_create, (clockid_t)a[0], &host, &id));
	if (r == 0) {
		/* Without a sigevent Linux's value is the timer id itself. */
		timers[slot] = (struct guest_timer){true, id, ev.signo, ev.notify, ev.tid,
						    a[1] ? ev.value : (uint64_t)id};
	}
	pthread_mutex_unlock(&timers_lock);
	if (r == 0 && gmem_copy_out(&g->mm, a[2], &id, sizeof(id))) {
		uint64_t del[1] = {(uint64_t)id};
		sys_timer_delete(g, del);
		return -EFAULT;
	}
	return r;
}

long sys_timer_settime(struct guest *g, const uint64_t *a)
{
	struct itimerspec want, old;
	if (!a[2])
		return -EINVAL;
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
	long r = host_result(syscall(SYS_timer_delete, (int)a[0]));
	pthread_mutex_lock(&timers_lock);
	for (int i = 0; r == 0 && i < MAX_TIMERS; i++)
		if (timers[i].used && timers[i].host_id == (int)a[0])
			timers[i].used = false;
	pthread_mutex_unlock(&timers_lock);
	return r;
}
