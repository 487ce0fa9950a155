// SPDX-License-Identifier: Apache-2.0
// The monitor's own seccomp allowlist: the host system calls a monitor may
// make once the guest can run. Everything else kills the monitor process.
#ifndef AIRLOCK_JAIL_SECCOMP_H
#define AIRLOCK_JAIL_SECCOMP_H

#include <stdbool.h>

/*
 * Installs the allowlist on every thread of the calling process (TSYNC:
 * the clock keeper already runs). Sets no_new_privs and makes the monitor
 * non-dumpable first. Without may_chroot (a monitor whose root is itself a
 * chroot, which a chroot of its own could undo), chroot kills as well.
 * 0, or -1 with the reason logged.
 */
int seccomp_jail(bool may_chroot);

/*
 * Test-only (tests/integration/seccomp.t): with AIRLOCK_TEST_FORBIDDEN_CALL=1
 * in the monitor's environment, makes a host call the allowlist refuses, so
 * the filter must kill the monitor; with =chroot, a chroot("/"), which only
 * a monitor without may_chroot is killed for. Returns only if it was not
 * killed.
 */
void seccomp_test_forbidden_call(void);

#endif
