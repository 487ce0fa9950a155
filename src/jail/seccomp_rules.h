// SPDX-License-Identifier: Apache-2.0
// The monitor's allowlist as libseccomp rules, for tools/seccomp-gen.c.
#ifndef AIRLOCK_JAIL_SECCOMP_RULES_H
#define AIRLOCK_JAIL_SECCOMP_RULES_H

#include <seccomp.h>

/* The whole filter, default kill-process; NULL if libseccomp failed. */
scmp_filter_ctx seccomp_allowlist(void);

#endif
