// SPDX-License-Identifier: Apache-2.0
// The system-call table (built from syscall_list.h) and the dispatcher.
#include <sys/syscall.h>

#include <signal.h>

#include "kernel/filter.h"
#include "kernel/strace.h"
#include "kernel/syscall.h"

const struct syscall_desc syscall_table[SYSCALL_COUNT] = {
#define X(name, fmt, ret) [SYS_##name] = {#name, sys_##name, fmt, ret},
#include "kernel/syscall_list.h"
#undef X
};

_Static_assert(SYSCALL_COUNT == FILTER_CALLS, "the guest's filter covers every call number");

long syscall_dispatch(struct guest *g, uint64_t nr, const uint64_t *args)
{
	/* The guest's seccomp profile comes first, as the kernel's seccomp does. */
	int err;
	enum filter_action action = g->filter ? filter_check(g->filter, nr, args, &err) : FILTER_ALLOW;
	if (action == FILTER_KILL)
		guest_die(g, SIGSYS);
	if (action == FILTER_ERRNO)
		return -err;
	const struct syscall_desc *desc = nr < SYSCALL_COUNT ? &syscall_table[nr] : NULL;
	if (!desc || !desc->fn) {
		if (g->trace)
			strace_unimplemented(g, nr, args);
		return -ENOSYS;
	}
	/* Calls that do not return are traced before they run, as strace does. */
	bool ends = nr == SYS_exit || nr == SYS_exit_group;
	if (g->trace && ends)
		strace_call(g, desc, args, 0, false);
	long ret = desc->fn(g, args);
	if (g->trace && !ends)
		strace_call(g, desc, args, ret, true);
	return ret;
}
