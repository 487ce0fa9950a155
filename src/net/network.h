// SPDX-License-Identifier: Apache-2.0
// The default network: a bridge (airlock0, 10.77.0.1/16) with NAT to the
// outside, each container on it through a veth pair and an address of its
// own, ports published from the host. `airlock run` plans a container's place
// (network_plan) before it exists; the OCI hooks it writes into the bundle
// attach the container's new network namespace (createRuntime) and detach it
// (poststop); stop, rm and a foreground run's end detach too (it is
// idempotent), and a lease whose container is gone is reclaimed by the next
// plan, so nothing stays behind a crash for long.
#ifndef AIRLOCK_NET_NETWORK_H
#define AIRLOCK_NET_NETWORK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/lease.h"

#define NETWORK_BRIDGE "airlock0"
#define NETWORK_PREFIX 16

struct in_addr network_gateway(void);
/* How many addresses the subnet has for the gateway and the containers. */
uint32_t network_hosts(void);

/* Takes an address and checks the ports for l->id (l->ports set); 0, or -1 after logging. */
int network_plan(const char *state_root, struct lease *l);
/* Wires the network namespace of pid to the default network, as planned for id; 0, or -1 after logging. */
int network_attach(const char *state_root, const char *id, pid_t pid);
/* Whether id holds an address on the default network. */
bool network_holds(const char *state_root, const char *id);
/* Undoes the plan and the attach of id (either network), whatever of them happened. */
void network_detach(const char *state_root, const char *id);
/*
 * hosts and resolv.conf for a container at addr, written into dir; the name
 * server is resolver, or NULL for the host's. 0, or -1 after logging.
 */
int network_write_etc(const char *dir, const char *hostname, struct in_addr addr, const char *resolver);

#endif
