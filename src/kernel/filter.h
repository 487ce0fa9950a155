// SPDX-License-Identifier: Apache-2.0
// The guest's system-call filter: a container config's linux.seccomp profile,
// applied by the kernel proxy to every call the guest makes, as the host
// kernel would apply it to a process (the monitor's own allowlist is a
// different thing: jail/seccomp.c). Rules are tried in order; the first
// whose call and argument conditions match decides, else the default.
#ifndef AIRLOCK_KERNEL_FILTER_H
#define AIRLOCK_KERNEL_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum filter_action { FILTER_ALLOW, FILTER_ERRNO, FILTER_KILL };
enum filter_op { FILTER_NE, FILTER_LT, FILTER_LE, FILTER_EQ, FILTER_GE, FILTER_GT, FILTER_MASKED_EQ };

#define FILTER_MAX_CONDS 6
#define FILTER_CALLS 512 /* system-call numbers covered (SYSCALL_COUNT) */

struct filter_cond {
	unsigned index;       /* argument 0..5 */
	enum filter_op op;
	uint64_t value, value_two; /* value_two: MASKED_EQ's expected value (value is the mask) */
};

struct filter_rule {
	unsigned nr;       /* below FILTER_CALLS */
	size_t rank;       /* its place in the profile (filter_finish) */
	enum filter_action action;
	int errno_ret;
	unsigned nconds;
	struct filter_cond conds[FILTER_MAX_CONDS];
};

struct filter {
	bool enabled;
	enum filter_action default_action;
	int default_errno;
	struct filter_rule *rules; /* in the profile's order until filter_finish sorts them by call */
	size_t nrules;
	int32_t first[FILTER_CALLS]; /* index of each call's first rule, -1 if none */
};

/* Indexes the rules by call (keeping their order per call); call before use. */
void filter_finish(struct filter *f);

/*
 * What the filter says of call nr with args: FILTER_ALLOW, FILTER_KILL, or
 * FILTER_ERRNO with the errno in *err.
 */
enum filter_action filter_check(const struct filter *f, uint64_t nr, const uint64_t *args, int *err);

#endif
