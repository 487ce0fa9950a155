// SPDX-License-Identifier: Apache-2.0
// nftables through libnftables (see nat.h). The rules are written in nft's
// own language, once, as a single transaction, so they are whole or absent.
#include "net/nat.h"

#include <arpa/inet.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

#include "net/network.h"
#include "util/log.h"

/* Runs nft commands; 0, or -1 with nft's message logged unless quiet. */
static int nft(const char *commands, bool quiet)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx) {
		log_error("network: nftables: no context");
		return -1;
	}
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	int err = nft_run_cmd_from_buffer(ctx, commands) ? -1 : 0;
	if (err && !quiet) {
		const char *msg = nft_ctx_get_error_buffer(ctx);
		log_error("network: nftables: %.*s", (int)strcspn(msg, "\n"), msg);
	}
	nft_ctx_free(ctx);
	return err;
}

int nat_prepare(void)
{
	if (nft("list table ip airlock", true) == 0)
		return 0;
	char subnet[INET_ADDRSTRLEN], rules[2048];
	struct in_addr net = {htonl(ntohl(network_gateway().s_addr) - 1)};
	inet_ntop(AF_INET, &net, subnet, sizeof(subnet));
	/* Published ports answer on every local address (fib ... local), loopback
	 * included: loopback-sourced packets DNATed onto the bridge need
	 * route_localnet there and masquerading, or the container would answer
	 * 127.0.0.1 itself. forward accepts the bridge's traffic for hosts whose
	 * forward policy is drop. */
	snprintf(rules, sizeof(rules),
		 "table ip airlock {\n"
		 " map publish { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
		 " chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n"
		 "  fib daddr type local dnat ip to meta l4proto . th dport map @publish; }\n"
		 " chain output { type nat hook output priority -100; policy accept;\n"
		 "  fib daddr type local dnat ip to meta l4proto . th dport map @publish; }\n"
		 " chain postrouting { type nat hook postrouting priority srcnat; policy accept;\n"
		 "  ip saddr %s/%d oifname != \"%s\" masquerade;\n"
		 "  oifname \"%s\" ip saddr 127.0.0.0/8 masquerade; }\n"
		 " chain forward { type filter hook forward priority filter; policy accept;\n"
		 "  iifname \"%s\" accept; oifname \"%s\" accept; }\n"
		 "}\n",
		 subnet, NETWORK_PREFIX, NETWORK_BRIDGE, NETWORK_BRIDGE, NETWORK_BRIDGE, NETWORK_BRIDGE);
	return nft(rules, false);
}

/* "tcp . 8080 : 10.77.0.2 . 80, ..." (with_target) or "tcp . 8080, ..." */
static void elements(const struct lease *l, bool with_target, char *out, size_t size)
{
	char addr[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &l->addr, addr, sizeof(addr));
	size_t n = 0;
	for (int i = 0; i < l->nports && n < size; i++) {
		n += (size_t)snprintf(out + n, size - n, "%s%s . %u", i ? ", " : "", l->ports[i].udp ? "udp" : "tcp",
				      l->ports[i].host);
		if (with_target && n < size)
			n += (size_t)snprintf(out + n, size - n, " : %s . %u", addr, l->ports[i].container);
	}
}

int nat_publish(const struct lease *l)
{
	if (!l->nports)
		return 0;
	char list[LEASE_MAX_PORTS * 48], command[sizeof(list) + 64];
	elements(l, true, list, sizeof(list));
	snprintf(command, sizeof(command), "create element ip airlock publish { %s }", list);
	return nft(command, false);
}

void nat_unpublish(const struct lease *l)
{
	char list[LEASE_MAX_PORTS * 24], command[sizeof(list) + 64];
	for (int i = 0; i < l->nports; i++) { /* one by one: a port never published must not stop the others */
		struct lease one = *l;
		one.ports[0] = l->ports[i];
		one.nports = 1;
		elements(&one, false, list, sizeof(list));
		snprintf(command, sizeof(command), "delete element ip airlock publish { %s }", list);
		nft(command, true);
	}
}

void nat_remove(void)
{
	nft("delete table ip airlock", true);
}
