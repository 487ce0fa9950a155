// SPDX-License-Identifier: Apache-2.0
// The clocks behind the guest's vDSO (guest/vdso/vvar.h).
#ifndef AIRLOCK_KERNEL_VCLOCK_H
#define AIRLOCK_KERNEL_VCLOCK_H

#include <time.h>

#include "kernel/guest.h"

/*
 * Fills the vDSO's data page. Where the guest reads the host's own TSC and
 * the host keeps time by it, the page lets the vDSO compute the time, and a
 * thread keeps it in step with the host's clocks; elsewhere it tells the
 * vDSO to make the system call.
 */
void vclock_init(struct guest *g, struct vcpu *vcpu);
/* In a forked child: the data page came along, the thread keeping it did not. */
void vclock_after_fork(struct guest *g);

/* clock_gettime as the guest's vDSO sees it: the system calls answer the same. */
int vclock_gettime(clockid_t clock, struct timespec *ts);

#endif
