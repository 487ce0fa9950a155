// SPDX-License-Identifier: Apache-2.0
// The vCPU loop: runs one guest thread and serves each VM exit.
#ifndef AIRLOCK_MONITOR_MONITOR_H
#define AIRLOCK_MONITOR_MONITOR_H

#include "kernel/guest.h"

/*
 * Runs guest thread t on the calling host thread, entering ring 3 with the
 * user context in t->ctx. Returns only when the monitor itself fails
 * (-errno, *why names the step): the guest's exit ends the process.
 */
int monitor_run_thread(struct thread *t, const char **why);

#endif
