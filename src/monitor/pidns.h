// SPDX-License-Identifier: Apache-2.0
// The container's pid namespace (pidns.c).
#ifndef AIRLOCK_MONITOR_PIDNS_H
#define AIRLOCK_MONITOR_PIDNS_H

/*
 * Puts the container's processes in a pid namespace of their own. Returns
 * 0 in the process that goes on to run the container (pid 1 inside), or
 * when namespaces are not permitted (then the container has none). The
 * calling process itself only relays signals and waits: it exits with the
 * container's status and never returns.
 */
int pidns_enter(void);

#endif
