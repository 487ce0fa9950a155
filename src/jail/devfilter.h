// SPDX-License-Identifier: Apache-2.0
// The devices rules of a container on cgroup v2, which has no devices
// controller: an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE, built
// from the rules, attached to the container's cgroup.
#ifndef AIRLOCK_JAIL_DEVFILTER_H
#define AIRLOCK_JAIL_DEVFILTER_H

#include <stddef.h>

#include "jail/cgroup.h"

/*
 * Attaches a program to the cgroup (a directory descriptor in a v2
 * hierarchy) that decides each access to a device node as the rules do on
 * v1: the last rule that covers the access decides (an allow rule covers
 * it when it allows every kind asked, r, w or m; a deny rule when it denies
 * any), and one that none covers is allowed, as a new v1 cgroup starts
 * allowing everything. 0 or -errno.
 */
int devfilter_attach(int cgroup_dir, const struct cgroup_device_rule *rules, size_t n);

#endif
