// SPDX-License-Identifier: Apache-2.0
// The default network's life cycle (see network.h): plan, attach, detach,
// each under one lock so concurrent containers see leases, the bridge and
// the NAT table whole.
#include "net/network.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/nat.h"
#include "net/rtnl.h"
#include "net/usermode.h"
#include "oci/state.h"
#include "util/file.h"
#include "util/log.h"

#define PEER_NAME "eth0"

struct in_addr network_gateway(void)
{
	return (struct in_addr){htonl(0x0a4d0001)}; /* 10.77.0.1 */
}

uint32_t network_hosts(void)
{
	return (1u << (32 - NETWORK_PREFIX)) - 2;
}

/* STATE_ROOT/network, made if missing, locked; the lock's fd, or -1 after logging. */
static int network_lock(const char *state_root, char *dir, size_t size)
{
	snprintf(dir, size, "%s/network", state_root);
	mkdir(state_root, 0711);
	mkdir(dir, 0700);
	char path[4400];
	snprintf(path, sizeof(path), "%s/.lock", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		log_error("network: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The host side of a container's veth: named after its address, which is unique on the bridge. */
static void host_veth_name(struct in_addr addr, char out[IF_NAMESIZE])
{
	snprintf(out, IF_NAMESIZE, "alv%05x", ntohl(addr.s_addr) & 0xfffff);
}

static bool lease_is_stale(const char *state_root, const struct lease *l)
{
	if (l->owner > 0 && (kill(l->owner, 0) == 0 || errno == EPERM))
		return false;
	struct oci_state st;
	if (oci_state_load(state_root, l->id, &st))
		return true;
	bool stopped = oci_state_status(state_root, &st) == OCI_STOPPED;
	oci_state_free(&st);
	return stopped;
}

/* Ports and the veth go with the lease; the bridge and the table with the last one. */
static void release(const char *dir, const struct lease *l)
{
	nat_unpublish(l);
	char veth[IF_NAMESIZE];
	host_veth_name(l->addr, veth);
	int rtnl = rtnl_open(-1);
	if (rtnl >= 0)
		rtnl_delete_link(rtnl, veth); /* usually gone already, with the container's namespace */
	lease_release(dir, l);
	if (lease_count(dir) == 0) {
		if (rtnl >= 0)
			rtnl_delete_link(rtnl, NETWORK_BRIDGE);
		nat_remove();
	}
	if (rtnl >= 0)
		close(rtnl);
}

struct plan {
	const char *state_root;
	const struct lease *want;
	struct lease stale[64];
	int nstale;
	char conflict[256]; /* the id holding a port asked for */
	struct published_port port;
};

static int check_lease(const struct lease *l, void *arg)
{
	struct plan *p = arg;
	if (lease_is_stale(p->state_root, l)) {
		if (p->nstale < (int)(sizeof(p->stale) / sizeof(p->stale[0])))
			p->stale[p->nstale++] = *l;
		return 0;
	}
	for (int i = 0; i < p->want->nports; i++) {
		for (int j = 0; j < l->nports; j++) {
			if (port_overlaps(&p->want->ports[i], &l->ports[j])) {
				snprintf(p->conflict, sizeof(p->conflict), "%s", l->id);
				p->port = p->want->ports[i];
				return 1;
			}
		}
	}
	return 0;
}

/* A host program listening on the port would be shadowed by the DNAT: refuse, as docker's bind would. */
static int host_port_free(struct published_port port)
{
	int s = socket(AF_INET, (port.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	struct sockaddr_in at = {.sin_family = AF_INET, .sin_port = htons(port.host), .sin_addr = port.host_addr};
	int err = s < 0 || bind(s, (struct sockaddr *)&at, sizeof(at)) < 0 ? -errno : 0;
	if (s >= 0)
		close(s);
	return err;
}

int network_plan(const char *state_root, struct lease *l)
{
	char dir[4200];
	int lock = network_lock(state_root, dir, sizeof(dir));
	if (lock < 0)
		return -1;
	struct plan p = {.state_root = state_root, .want = l};
	lease_each(dir, check_lease, &p);
	for (int i = 0; i < p.nstale; i++)
		release(dir, &p.stale[i]);
	int err = 0;
	char port[PORT_DESCRIPTION_MAX];
	if (*p.conflict) {
		port_describe(&p.port, port);
		log_error("network: port %s is already published by container %s", port, p.conflict);
		err = -1;
	}
	for (int i = 0; !err && i < l->nports; i++) {
		if ((err = host_port_free(l->ports[i])) < 0) {
			port_describe(&l->ports[i], port);
			log_error("network: port %s on the host: %s", port, strerror(-err));
		}
	}
	l->owner = getpid();
	if (!err && (err = lease_take(dir, l)) < 0)
		log_error("network: an address on %s: %s", NETWORK_BRIDGE, strerror(-err));
	close(lock);
	return err ? -1 : 0;
}

/* One step of the attach: its failure is logged with what it was doing. */
static int step(int err, const char *what)
{
	if (err < 0)
		log_error("network: %s: %s", what, strerror(-err));
	return err;
}

static int attach(const struct lease *l, pid_t pid)
{
	char path[64], veth[IF_NAMESIZE], sysctl[128];
	int host = rtnl_open(-1), in = -1, ns = -1, err;
	if ((err = step(host, "rtnetlink")) < 0)
		return err;
	host_veth_name(l->addr, veth);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	snprintf(sysctl, sizeof(sysctl), "/proc/sys/net/ipv4/conf/%s/route_localnet", NETWORK_BRIDGE);
	if ((err = step(rtnl_add_bridge(host, NETWORK_BRIDGE), "the bridge " NETWORK_BRIDGE)) < 0 ||
	    (err = step(rtnl_add_address(host, NETWORK_BRIDGE, network_gateway(), NETWORK_PREFIX), "the bridge's address")) < 0 ||
	    (err = step(rtnl_link_up(host, NETWORK_BRIDGE, NULL), "the bridge up")) < 0 ||
	    (err = step(file_write_text(sysctl, "1"), sysctl)) < 0 ||
	    (err = step(file_write_text("/proc/sys/net/ipv4/ip_forward", "1"), "net.ipv4.ip_forward")) < 0 ||
	    (err = nat_prepare()) < 0)
		goto out;
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if ((err = step(ns < 0 ? -errno : 0, path)) < 0 ||
	    (err = step(rtnl_add_veth(host, veth, PEER_NAME, ns), "a veth pair")) < 0 ||
	    (err = step(rtnl_link_up(host, veth, NETWORK_BRIDGE), veth)) < 0 ||
	    (err = step(in = rtnl_open(ns), "rtnetlink in the container")) < 0 ||
	    (err = step(rtnl_add_address(in, PEER_NAME, l->addr, NETWORK_PREFIX), "the container's address")) < 0 ||
	    (err = step(rtnl_link_up(in, PEER_NAME, NULL), PEER_NAME " up")) < 0 ||
	    (err = step(rtnl_add_default_route(in, network_gateway()), "the container's default route")) < 0)
		goto out;
	err = nat_publish(l);
out:
	if (in >= 0)
		close(in);
	if (ns >= 0)
		close(ns);
	close(host);
	return err;
}

int network_attach(const char *state_root, const char *id, pid_t pid)
{
	char dir[4200];
	int lock = network_lock(state_root, dir, sizeof(dir));
	if (lock < 0)
		return -1;
	struct lease l;
	int err = lease_find(dir, id, &l);
	if (err)
		log_error("network: container %s has no address on %s", id, NETWORK_BRIDGE);
	else
		err = attach(&l, pid);
	close(lock);
	return err ? -1 : 0;
}

bool network_holds(const char *state_root, const char *id)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/network", state_root);
	struct lease l;
	return lease_find(dir, id, &l) == 0;
}

void network_detach(const char *state_root, const char *id)
{
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/network", state_root);
	if (access(dir, F_OK) < 0)
		return; /* no container of this root ever had a network of airlock's */
	int lock = network_lock(state_root, dir, sizeof(dir));
	if (lock < 0)
		return;
	struct lease l;
	if (lease_find(dir, id, &l) == 0)
		release(dir, &l);
	usermode_detach(state_root, id);
	close(lock);
}

int network_write_etc(const char *dir, const char *hostname, struct in_addr addr, const char *resolver)
{
	char path[4200], text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, text, sizeof(text));
	snprintf(path, sizeof(path), "%s/hosts", dir);
	FILE *f = fopen(path, "we");
	if (f) {
		fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n", text, hostname);
		if (fclose(f))
			f = NULL;
	}
	/* The host's name servers, but not loopback ones: those are the host's own, not reachable from here. */
	snprintf(path, sizeof(path), "%s/resolv.conf", dir);
	FILE *in = resolver ? NULL : fopen("/etc/resolv.conf", "re"), *out = f ? fopen(path, "we") : NULL;
	if (out && resolver)
		fprintf(out, "nameserver %s\n", resolver);
	int servers = 0;
	char line[512], server[256];
	while (in && out && fgets(line, sizeof(line), in)) {
		if (sscanf(line, "nameserver %255s", server) == 1 && (!strncmp(server, "127.", 4) || !strcmp(server, "::1")))
			continue;
		servers += sscanf(line, "nameserver %255s", server) == 1;
		fputs(line, out);
	}
	if (out && !resolver && !servers) /* docker's fallback, where the host only has a local resolver */
		fputs("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
	if (in)
		fclose(in);
	if (!f || !out || fclose(out)) {
		log_error("network: writing %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
