// SPDX-License-Identifier: Apache-2.0
// --strace: one line per guest system call, with decoded arguments and result.
#ifndef AIRLOCK_KERNEL_STRACE_H
#define AIRLOCK_KERNEL_STRACE_H

#include <stdbool.h>

#include "kernel/syscall.h"

void strace_call(struct guest *g, const struct syscall_desc *desc, const uint64_t *args, long ret,
		 bool returned);
/* Traces a number the proxy does not serve; the first time also says so. */
void strace_unimplemented(struct guest *g, uint64_t nr, const uint64_t *args);

#endif
