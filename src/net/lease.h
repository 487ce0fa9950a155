// SPDX-License-Identifier: Apache-2.0
// Addresses on the default network, one per container: a lease is a file
// STATE_ROOT/network/<address> holding the container's id, its owner and the ports it
// publishes, made with O_EXCL so two containers never share an address. All
// changes happen under the directory's lock (network_lock).
#ifndef AIRLOCK_NET_LEASE_H
#define AIRLOCK_NET_LEASE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

#include "net/port.h"

#define LEASE_MAX_PORTS 32

struct lease {
	char id[256];
	pid_t owner;          /* the airlock process that took it: while it lives, the lease is not stale */
	struct in_addr addr;
	struct published_port ports[LEASE_MAX_PORTS];
	int nports;
};

/* Takes the lowest free address for l->id and l->ports, filling l->addr; 0 or -errno. */
int lease_take(const char *dir, struct lease *l);
/* The lease of container id, into l: 0, or -ENOENT. */
int lease_find(const char *dir, const char *id, struct lease *l);
/* Each lease in turn; stops early when fn returns nonzero. */
void lease_each(const char *dir, int (*fn)(const struct lease *l, void *arg), void *arg);
void lease_release(const char *dir, const struct lease *l);
int lease_count(const char *dir);

#endif
