// SPDX-License-Identifier: Apache-2.0
// The default network's netfilter rules, in an nftables table of airlock's
// own ("ip airlock"): masquerading for the containers' outbound traffic and
// maps of published ports that DNAT traffic to a host address (every local
// address, loopback included, or the one a port names) on to a container's
// address.
#ifndef AIRLOCK_NET_NAT_H
#define AIRLOCK_NET_NAT_H

#include <netinet/in.h>

#include "net/lease.h"

/* Makes the table if it is missing; 0, or -1 after logging. */
int nat_prepare(void);
/* Adds (or takes away) l's published ports; adding a port already published fails. */
int nat_publish(const struct lease *l);
void nat_unpublish(const struct lease *l);
/* Removes the table (the last container left the network). */
void nat_remove(void);

#endif
