// SPDX-License-Identifier: Apache-2.0
// Job control on a terminal: the host driver's SIGTTIN/SIGTTOU checks made
// with the guest thread's mask and dispositions (jobctl.c).
#ifndef AIRLOCK_KERNEL_JOBCTL_H
#define AIRLOCK_KERNEL_JOBCTL_H

#include <signal.h>
#include <stdbool.h>

#include "kernel/guest.h"

struct jobctl_saved {
	bool changed;
	sigset_t mask;
};

/*
 * Around a host call that may reach a terminal: sig is SIGTTIN for reads,
 * SIGTTOU for writes and the ioctls of jobctl_ioctl_checks.
 */
void jobctl_enter(struct guest *g, int sig, struct jobctl_saved *saved);
void jobctl_leave(const struct jobctl_saved *saved);
bool jobctl_ioctl_checks(unsigned long req);

#endif
