// SPDX-License-Identifier: Apache-2.0
// Event descriptors and multiplexing: eventfd, timerfd, epoll, select. The
// host objects do the work; the proxy checks that every descriptor named is
// the guest's and copies events through bounded buffers. Event payloads
// (epoll data) are the guest's own opaque values.
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "kernel/signal.h"
#include "kernel/syscall.h"

long sys_eventfd2(struct guest *g, const uint64_t *a)
{
	(void)g;
	return guest_new_fd(eventfd((unsigned)a[0], (int)a[1]));
}

long sys_eventfd(struct guest *g, const uint64_t *a)
{
	(void)g;
	return guest_new_fd(eventfd((unsigned)a[0], 0));
}

long sys_timerfd_create(struct guest *g, const uint64_t *a)
{
	(void)g;
	return guest_new_fd(timerfd_create((int)a[0], (int)a[1]));
}

long sys_timerfd_settime(struct guest *g, const uint64_t *a)
{
	struct itimerspec want, old;
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	if (gmem_copy_in(&g->mm, &want, a[2], sizeof(want)))
		return -EFAULT;
	long r = host_result(timerfd_settime((int)a[0], (int)a[1], &want, a[3] ? &old : NULL));
	if (r == 0 && a[3] && gmem_copy_out(&g->mm, a[3], &old, sizeof(old)))
		return -EFAULT;
	return r;
}

long sys_timerfd_gettime(struct guest *g, const uint64_t *a)
{
	struct itimerspec now;
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	long r = host_result(timerfd_gettime((int)a[0], &now));
	if (r == 0 && gmem_copy_out(&g->mm, a[1], &now, sizeof(now)))
		return -EFAULT;
	return r;
}

long sys_epoll_create1(struct guest *g, const uint64_t *a)
{
	(void)g;
	return guest_new_fd(epoll_create1((int)a[0]));
}

long sys_epoll_create(struct guest *g, const uint64_t *a)
{
	(void)g;
	if ((int)a[0] <= 0)
		return -EINVAL;
	return guest_new_fd(epoll_create1(0));
}

long sys_epoll_ctl(struct guest *g, const uint64_t *a)
{
	int epfd = (int)a[0], op = (int)a[1], fd = (int)a[2];
	if (!guest_fd_valid(epfd) || !guest_fd_valid(fd))
		return -EBADF;
	struct epoll_event ev;
	if (op != EPOLL_CTL_DEL && gmem_copy_in(&g->mm, &ev, a[3], sizeof(ev)))
		return -EFAULT;
	return host_result(epoll_ctl(epfd, op, fd, op != EPOLL_CTL_DEL ? &ev : NULL));
}

/* Up to this many events per call; a shorter answer is always allowed. */
#define EPOLL_BATCH 1024

/* timeout: milliseconds, or a timespec when ts is set (epoll_pwait2). */
static long epoll_wait_guest(struct guest *g, const uint64_t *a, int timeout, const struct timespec *ts)
{
	int epfd = (int)a[0], max = (int)a[2];
	if (!guest_fd_valid(epfd))
		return -EBADF;
	if (max <= 0 || (size_t)max > INT_MAX / sizeof(struct epoll_event))
		return -EINVAL;
	if (!gmem_range_ok(a[1], (size_t)max * sizeof(struct epoll_event)))
		return -EFAULT;
	int n = max < EPOLL_BATCH ? max : EPOLL_BATCH;
	struct epoll_event *events = calloc((size_t)n, sizeof(*events));
	if (!events)
		return -ENOMEM;
	long r = ts ? host_result(syscall(SYS_epoll_pwait2, epfd, events, n, ts, NULL, 8))
		    : host_result(epoll_wait(epfd, events, n, timeout));
	/* Events go out one by one: a fault part-way returns those already copied. */
	for (long i = 0; r > 0 && i < r; i++) {
		if (gmem_copy_out(&g->mm, a[1] + (uint64_t)i * sizeof(*events), &events[i], sizeof(*events))) {
			r = i ? i : -EFAULT;
			break;
		}
	}
	free(events);
	return r;
}

long sys_epoll_wait(struct guest *g, const uint64_t *a)
{
	return epoll_wait_guest(g, a, (int)a[3], NULL);
}

long sys_epoll_pwait2(struct guest *g, const uint64_t *a)
{
	struct timespec ts;
	if (a[3]) {
		if (gmem_copy_in(&g->mm, &ts, a[3], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
	}
	bool masked;
	long r = signal_wait_mask_begin(g, a[4], a[5], &masked);
	if (!r)
		r = epoll_wait_guest(g, a, -1, a[3] ? &ts : NULL);
	signal_wait_mask_end(masked, r);
	return r;
}

long sys_epoll_pwait(struct guest *g, const uint64_t *a)
{
	bool masked;
	long r = signal_wait_mask_begin(g, a[4], a[5], &masked);
	if (!r)
		r = epoll_wait_guest(g, a, (int)a[3], NULL);
	signal_wait_mask_end(masked, r);
	return r;
}

/*
 * select on at most the guest's descriptor table: Linux ignores bits past the
 * table's size, so nfds is cut to the size the guest's descriptors have grown it to.
 */
static long select_guest(struct guest *g, int nfds, const uint64_t sets[3], struct timespec *timeout,
			 uint64_t timeout_gva, bool timeval)
{
	if (nfds < 0)
		return -EINVAL;
	if (nfds > guest_fd_table_size())
		nfds = guest_fd_table_size();
	size_t bytes = (size_t)(nfds + 63) / 64 * 8;
	fd_set host[3];
	fd_set *ptr[3] = {NULL, NULL, NULL};
	for (int i = 0; i < 3; i++) {
		if (!sets[i])
			continue;
		FD_ZERO(&host[i]);
		if (gmem_copy_in(&g->mm, &host[i], sets[i], bytes))
			return -EFAULT;
		ptr[i] = &host[i];
	}
	/* The raw call: it writes the time left back into *timeout, as select must. */
	long r = host_result(syscall(SYS_pselect6, nfds, ptr[0], ptr[1], ptr[2], timeout, NULL));
	if (r < 0)
		return r;
	for (int i = 0; i < 3; i++)
		if (sets[i] && gmem_copy_out(&g->mm, sets[i], &host[i], bytes))
			return -EFAULT;
	/* Linux writes the time left back, as a timeval for select, a timespec for pselect6. */
	if (timeout_gva && timeout) {
		struct timeval left = {timeout->tv_sec, timeout->tv_nsec / 1000};
		if (timeval)
			gmem_copy_out(&g->mm, timeout_gva, &left, sizeof(left));
		else
			gmem_copy_out(&g->mm, timeout_gva, timeout, sizeof(*timeout));
	}
	return r;
}

long sys_select(struct guest *g, const uint64_t *a)
{
	struct timeval tv;
	struct timespec ts, *timeout = NULL;
	if (a[4]) {
		if (gmem_copy_in(&g->mm, &tv, a[4], sizeof(tv)))
			return -EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		/* Linux carries whole seconds out of tv_usec rather than refusing them. */
		ts = (struct timespec){tv.tv_sec + tv.tv_usec / 1000000, (tv.tv_usec % 1000000) * 1000};
		timeout = &ts;
	}
	const uint64_t sets[3] = {a[1], a[2], a[3]};
	return select_guest(g, (int)a[0], sets, timeout, a[4], true);
}

long sys_pselect6(struct guest *g, const uint64_t *a)
{
	struct timespec ts, *timeout = NULL;
	if (a[4]) {
		if (gmem_copy_in(&g->mm, &ts, a[4], sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
			return -EINVAL;
		timeout = &ts;
	}
	/* The sixth argument points at {const sigset_t *mask; size_t size}. */
	uint64_t mask_arg[2] = {0, 0};
	if (a[5] && gmem_copy_in(&g->mm, mask_arg, a[5], sizeof(mask_arg)))
		return -EFAULT;
	const uint64_t sets[3] = {a[1], a[2], a[3]};
	bool masked;
	long r = signal_wait_mask_begin(g, mask_arg[0], mask_arg[1], &masked);
	if (!r)
		r = select_guest(g, (int)a[0], sets, timeout, a[4], false);
	signal_wait_mask_end(masked, r);
	return r;
}
