// SPDX-License-Identifier: Apache-2.0
// Clocks and sleeps. Reading a clock answers what the guest's vDSO would
// (vclock.c); sleeps and clock resolutions are the host's.
#include <sys/time.h>
#include <time.h>

#include "kernel/syscall.h"
#include "kernel/vclock.h"

long sys_clock_gettime(struct guest *g, const uint64_t *a)
{
	struct timespec ts;
	if (vclock_gettime((clockid_t)a[0], &ts) < 0)
		return -errno;
	return gmem_copy_out(&g->mm, a[1], &ts, sizeof(ts));
}

long sys_clock_getres(struct guest *g, const uint64_t *a)
{
	struct timespec ts;
	if (clock_getres((clockid_t)a[0], &ts) < 0)
		return -errno;
	return a[1] ? gmem_copy_out(&g->mm, a[1], &ts, sizeof(ts)) : 0;
}

long sys_gettimeofday(struct guest *g, const uint64_t *a)
{
	struct timespec now;
	vclock_gettime(CLOCK_REALTIME, &now);
	struct timeval tv = {now.tv_sec, now.tv_nsec / 1000};
	if (a[0] && gmem_copy_out(&g->mm, a[0], &tv, sizeof(tv)))
		return -EFAULT;
	struct timezone tz = {0, 0}; /* the kernel's zone is UTC in a container */
	if (a[1] && gmem_copy_out(&g->mm, a[1], &tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long sys_time(struct guest *g, const uint64_t *a)
{
	struct timespec ts;
	vclock_gettime(CLOCK_REALTIME, &ts);
	time_t now = ts.tv_sec;
	if (a[0] && gmem_copy_out(&g->mm, a[0], &now, sizeof(now)))
		return -EFAULT;
	return now;
}

static long sleep_on(struct guest *g, clockid_t clock, int flags, uint64_t req_gva, uint64_t rem_gva)
{
	struct timespec req, rem = {0, 0};
	if (gmem_copy_in(&g->mm, &req, req_gva, sizeof(req)))
		return -EFAULT;
	int err = clock_nanosleep(clock, flags, &req, &rem);
	if (err == EINTR && rem_gva && !(flags & TIMER_ABSTIME) &&
	    gmem_copy_out(&g->mm, rem_gva, &rem, sizeof(rem)))
		return -EFAULT;
	return -err;
}

long sys_nanosleep(struct guest *g, const uint64_t *a)
{
	return sleep_on(g, CLOCK_MONOTONIC, 0, a[0], a[1]);
}

long sys_clock_nanosleep(struct guest *g, const uint64_t *a)
{
	return sleep_on(g, (clockid_t)a[0], (int)a[1], a[2], a[3]);
}
