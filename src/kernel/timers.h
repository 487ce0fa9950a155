// SPDX-License-Identifier: Apache-2.0
// POSIX timers: what a host timer expiry stands for in the guest.
#ifndef AIRLOCK_KERNEL_TIMERS_H
#define AIRLOCK_KERNEL_TIMERS_H

#include <stdbool.h>

#include "kernel/guest.h"

/* In a forked child: no timers, as on Linux. */
void timers_after_fork(void);

/* The host signal every guest POSIX timer fires. */
int timers_host_signal(void);

/*
 * The guest signal for an expiry of the timer in slot (the host sival_int);
 * *tid is the thread it targets (SIGEV_THREAD_ID) or 0 for the process.
 */
bool timers_expiry(int slot, int overrun, struct guest_siginfo *info, pid_t *tid);

#endif
