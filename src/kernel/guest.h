// SPDX-License-Identifier: Apache-2.0
// One guest process as the kernel proxy sees it, and the system-call
// handler signature shared by every area of the proxy.
#ifndef AIRLOCK_KERNEL_GUEST_H
#define AIRLOCK_KERNEL_GUEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vm/kvm.h"
#include "vm/mm.h"

#define GUEST_NSIG 64

/* The guest's view of struct sigaction (the kernel ABI, not glibc's). */
struct guest_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

struct guest {
	struct vm vm;
	struct mm mm;
	FILE *trace;            /* --strace output, NULL when off */
	bool exited;
	int exit_status;        /* as the CLI reports it: code, or 128 + signal */
	struct guest_sigaction sigactions[GUEST_NSIG + 1];
	uint64_t sigmask;
	stack_t altstack;
	uint64_t clear_child_tid;
	char comm[16];
	uint64_t retried_fault, retried_rip; /* last page fault retried as spurious */          /* the thread name (prctl PR_SET_NAME) */
	uint8_t enosys_reported[512 / 8];
};

/* Arguments are the raw 64-bit registers; handlers return a value or -errno. */
typedef long (*syscall_fn)(struct guest *g, const uint64_t *a);

/* Ends the guest as if killed by sig (default action of a fatal signal). */
void guest_kill(struct guest *g, int sig);
/* A signal raised by the guest's own action (fault, tgkill on itself, EPIPE). */
void guest_raise(struct guest *g, int sig);

#endif
