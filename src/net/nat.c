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
	if (nft("list map ip airlock publish_at", true) == 0)
		return 0;
	nft("delete table ip airlock", true); /* an older airlock's, without publish_at */
	char subnet[INET_ADDRSTRLEN], rules[2048];
	struct in_addr net = {htonl(ntohl(network_gateway().s_addr) - 1)};
	inet_ntop(AF_INET, &net, subnet, sizeof(subnet));
	/* Published ports answer on every local address (fib ... local), loopback
	 * included, or on the one address they name (publish_at, looked up
	 * first: a miss goes on to the next rule): loopback-sourced packets
	 * DNATed onto the bridge need route_localnet there and masquerading, or
	 * the container would answer 127.0.0.1 itself. forward accepts the
	 * bridge's traffic for hosts whose forward policy is drop. */
	snprintf(rules, sizeof(rules),
		 "table ip airlock {\n"
		 " map publish { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"
		 " map publish_at { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }\n"
		 " chain prerouting { type nat hook prerouting priority dstnat; policy accept;\n"
		 "  fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @publish_at;\n"
		 "  fib daddr type local dnat ip to meta l4proto . th dport map @publish; }\n"
		 " chain output { type nat hook output priority -100; policy accept;\n"
		 "  fib daddr type local dnat ip to ip daddr . meta l4proto . th dport map @publish_at;\n"
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

/*
 * VERB's command for port p of l: "VERB element ip airlock publish { tcp . 8080 : 10.77.0.2 . 80 }",
 * or publish_at with the host address first; the target only when adding.
 */
static void element_command(const char *verb, const struct lease *l, const struct published_port *p, char *out,
			    size_t size)
{
	char at[INET_ADDRSTRLEN + 3] = "", target[INET_ADDRSTRLEN + 16] = "", addr[INET_ADDRSTRLEN];
	bool one_address = p->host_addr.s_addr != htonl(INADDR_ANY);
	if (one_address) {
		inet_ntop(AF_INET, &p->host_addr, addr, sizeof(addr));
		snprintf(at, sizeof(at), "%s . ", addr);
	}
	if (!strcmp(verb, "create")) {
		inet_ntop(AF_INET, &l->addr, addr, sizeof(addr));
		snprintf(target, sizeof(target), " : %s . %u", addr, p->container);
	}
	snprintf(out, size, "%s element ip airlock %s { %s%s . %u%s }\n", verb, one_address ? "publish_at" : "publish", at,
		 p->udp ? "udp" : "tcp", p->host, target);
}

int nat_publish(const struct lease *l)
{
	if (!l->nports)
		return 0;
	char commands[LEASE_MAX_PORTS * 128];
	size_t n = 0;
	for (int i = 0; i < l->nports; i++) {
		element_command("create", l, &l->ports[i], commands + n, sizeof(commands) - n);
		n += strlen(commands + n);
	}
	return nft(commands, false); /* one buffer is one transaction: all of them or none */
}

void nat_unpublish(const struct lease *l)
{
	char command[128];
	for (int i = 0; i < l->nports; i++) { /* one by one: a port never published must not stop the others */
		element_command("delete", l, &l->ports[i], command, sizeof(command));
		nft(command, true);
	}
}

void nat_remove(void)
{
	nft("delete table ip airlock", true);
}
