// SPDX-License-Identifier: Apache-2.0
// poll and ppoll on guest descriptors. Descriptors outside the guest's
// range are never handed to the host: they report POLLNVAL, as a closed
// descriptor does on Linux.
#include <poll.h>
#include <signal.h>
#include <stdlib.h>

#include "kernel/signal.h"
#include "kernel/syscall.h"

static long poll_guest(struct guest *g, uint64_t fds_gva, uint64_t nfds, int timeout_ms,
		       const struct timespec *timeout)
{
	if (nfds > GUEST_FD_LIMIT)
		return -EINVAL;
	struct pollfd *fds = calloc(nfds ? nfds : 1, sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	long r = -EFAULT;
	if (gmem_copy_in(&g->mm, fds, fds_gva, nfds * sizeof(*fds)))
		goto out;
	int invalid = 0;
	struct pollfd *host = calloc(nfds ? nfds : 1, sizeof(*host));
	if (!host) {
		r = -ENOMEM;
		goto out;
	}
	for (uint64_t i = 0; i < nfds; i++) {
		host[i] = fds[i];
		if (fds[i].fd >= 0 && !guest_fd_valid(fds[i].fd)) {
			host[i].fd = -1; /* the host ignores it; the guest sees POLLNVAL */
			invalid++;
		}
	}
	/* With an out-of-range descriptor the answer is ready at once. */
	if (invalid)
		r = host_result(poll(host, nfds, 0));
	else if (timeout)
		r = host_result(ppoll(host, nfds, timeout, NULL));
	else
		r = host_result(poll(host, nfds, timeout_ms));
	if (r >= 0) {
		for (uint64_t i = 0; i < nfds; i++) {
			bool nval = fds[i].fd >= 0 && !guest_fd_valid(fds[i].fd);
			fds[i].revents = nval ? POLLNVAL : host[i].revents;
		}
		r += invalid;
		if (gmem_copy_out(&g->mm, fds_gva, fds, nfds * sizeof(*fds)))
			r = -EFAULT;
	}
	free(host);
out:
	free(fds);
	return r;
}

long sys_poll(struct guest *g, const uint64_t *a)
{
	return poll_guest(g, a[0], a[1], (int)a[2], NULL);
}

long sys_ppoll(struct guest *g, const uint64_t *a)
{
	struct timespec timeout;
	if (a[2] && gmem_copy_in(&g->mm, &timeout, a[2], sizeof(timeout)))
		return -EFAULT;
	if (a[2] && (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000))
		return -EINVAL;
	bool masked;
	long r = signal_wait_mask_begin(g, a[3], a[4], &masked);
	if (!r)
		r = poll_guest(g, a[0], a[1], -1, a[2] ? &timeout : NULL);
	signal_wait_mask_end(masked, r);
	return r;
}
