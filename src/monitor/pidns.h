// SPDX-License-Identifier: Apache-2.0
// The container's pid namespace (pidns.c).
#ifndef AIRLOCK_MONITOR_PIDNS_H
#define AIRLOCK_MONITOR_PIDNS_H

#include <stdbool.h>

/*
 * Puts the container's processes in a pid namespace of their own (or in the
 * one at path join, when the config names one). Returns
 * 0 in the process that goes on to run the container (pid 1 inside, and
 * *entered), or when namespaces are not permitted (the container has none,
 * and !*entered). The
 * calling process itself only relays signals and waits: it exits with the
 * container's status and never returns.
 */
int pidns_enter(const char *join, bool *entered);

#endif
