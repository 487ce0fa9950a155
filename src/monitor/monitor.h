// SPDX-License-Identifier: Apache-2.0
// The vCPU loop: runs the guest and serves each VM exit until it ends.
#ifndef AIRLOCK_MONITOR_MONITOR_H
#define AIRLOCK_MONITOR_MONITOR_H

#include "kernel/guest.h"
#include "vm/platform.h"

/*
 * Runs the loaded guest to completion, entering ring 3 at entry with stack
 * pointer rsp. Returns 0 with g->exit_status set, or
 * -errno when the monitor itself failed (*why names the step).
 */
int monitor_run(struct guest *g, const struct platform *platform, uint64_t entry, uint64_t rsp,
		const char **why);

#endif
