// SPDX-License-Identifier: Apache-2.0
// Linux capability names and sets, for process.capabilities. The guest's
// capabilities are the monitor's own: the host checks what the monitor does
// for the guest against them, so dropping them here is what confines it.
#ifndef AIRLOCK_JAIL_CAPS_H
#define AIRLOCK_JAIL_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The five sets, one bit per capability number. */
struct cap_sets {
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* The number of "CAP_NAME", or -1 if unknown. */
int caps_from_name(const char *name);
/*
 * After the uid change (PR_SET_KEEPCAPS held across it): the sets the
 * program would have after runc execs it as uid, since the monitor never
 * execs: uid 0 gets its bounding and inheritable sets (plus ambient) as
 * permitted and effective, any other uid its ambient set only.
 * 0 or -errno.
 */
int caps_apply(const struct cap_sets *sets, uid_t uid);
/* Before the uid change: drops the bounding set and keeps the permitted set across setuid. */
int caps_prepare(const struct cap_sets *sets);

#endif
