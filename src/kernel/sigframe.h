// SPDX-License-Identifier: Apache-2.0
// The x86-64 Linux signal frame (rt_sigframe) on the guest's stack.
#ifndef AIRLOCK_KERNEL_SIGFRAME_H
#define AIRLOCK_KERNEL_SIGFRAME_H

#include "kernel/signal.h"

/*
 * Builds the frame for a handler of sig on the user stack (or the
 * alternate stack) and points t->ctx at the handler. old_mask is the mask to
 * restore on sigreturn. Returns 0 or -EFAULT when the stack is unusable.
 */
int sigframe_push(struct thread *t, const struct guest_sigaction *act, const struct guest_siginfo *info,
		  const struct fault_regs *fault, uint64_t old_mask);

/* rt_sigreturn: restores t->ctx, the mask, the alternate stack and FPU state. */
int sigframe_pop(struct thread *t);

#endif
