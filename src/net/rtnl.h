// SPDX-License-Identifier: Apache-2.0
// The few rtnetlink requests that wire a container into the default network:
// a bridge, a veth pair whose peer lands in the container's namespace,
// addresses, a default route. A handle talks to the network namespace it was
// opened in, whichever namespace the caller is in later.
#ifndef AIRLOCK_NET_RTNL_H
#define AIRLOCK_NET_RTNL_H

#include <netinet/in.h>
#include <stdbool.h>

/* A NETLINK_ROUTE socket in the namespace of netns_fd (-1: the caller's); the fd, or -errno. */
int rtnl_open(int netns_fd);

/* Each returns 0 or -errno (the kernel's answer). */
int rtnl_add_bridge(int rtnl, const char *name); /* an existing one is fine */
/* A veth pair: host_name here, peer_name created inside the namespace of peer_netns_fd. */
int rtnl_add_veth(int rtnl, const char *host_name, const char *peer_name, int peer_netns_fd);
int rtnl_delete_link(int rtnl, const char *name);
/* Up, and enslaved to master when it is not NULL. */
int rtnl_link_up(int rtnl, const char *name, const char *master);
int rtnl_add_address(int rtnl, const char *name, struct in_addr addr, int prefix);
int rtnl_add_default_route(int rtnl, struct in_addr gateway);

#endif
