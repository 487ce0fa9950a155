// SPDX-License-Identifier: Apache-2.0
// The guest's descriptor range. Guest fd N is host fd N; every descriptor
// the monitor itself holds lives at or above GUEST_FD_LIMIT, and every fd a
// guest passes is checked against the limit, so the guest can never name,
// close or replace the monitor's KVM or log descriptors.
#ifndef AIRLOCK_KERNEL_FDLIMITS_H
#define AIRLOCK_KERNEL_FDLIMITS_H

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define GUEST_FD_LIMIT 1024

static inline int guest_fd_valid(long fd)
{
	return fd >= 0 && fd < GUEST_FD_LIMIT;
}

/*
 * Moves a descriptor the monitor just opened above the guest's range (the
 * original number is closed), close-on-exec. Returns it, or -1 with errno.
 */
static inline int fd_move_to_monitor(int fd)
{
	if (fd < 0)
		return -1;
	int high = fcntl(fd, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT);
	int saved = errno;
	close(fd);
	errno = saved;
	return high;
}

#endif
