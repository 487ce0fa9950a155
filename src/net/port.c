// SPDX-License-Identifier: Apache-2.0
// Published ports as text (see port.h).
#include "net/port.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void port_format(const struct published_port *p, char out[PORT_TEXT_MAX])
{
	char addr[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &p->host_addr, addr, sizeof(addr));
	snprintf(out, PORT_TEXT_MAX, "%s:%s:%u:%u", p->udp ? "udp" : "tcp", addr, p->host, p->container);
}

void port_describe(const struct published_port *p, char out[PORT_DESCRIPTION_MAX])
{
	char addr[INET_ADDRSTRLEN] = "";
	if (p->host_addr.s_addr != htonl(INADDR_ANY))
		inet_ntop(AF_INET, &p->host_addr, addr, sizeof(addr));
	snprintf(out, PORT_DESCRIPTION_MAX, "%s%s%u/%s", addr, *addr ? ":" : "", p->host, p->udp ? "udp" : "tcp");
}

/* A port number from 1 to 65535, digits only, the whole of text. */
static int port_number(const char *text, unsigned short *out)
{
	char *end;
	if (*text < '0' || *text > '9')
		return -1;
	unsigned long v = strtoul(text, &end, 10);
	if (*end || v == 0 || v > 65535)
		return -1;
	*out = (unsigned short)v;
	return 0;
}

/* Splits text at ':' into at most max fields (copied into buf): their count, or -1 if there are more. */
static int split_colons(const char *text, char *buf, size_t size, char **fields, int max)
{
	if (snprintf(buf, size, "%s", text) >= (int)size)
		return -1;
	int n = 0;
	for (char *s = buf;; s++) {
		if (n == max)
			return -1;
		fields[n++] = s;
		if (!(s = strchr(s, ':')))
			return n;
		*s = 0;
	}
}

int port_parse(const char *text, struct published_port *p)
{
	char buf[PORT_TEXT_MAX], *f[4];
	if (split_colons(text, buf, sizeof(buf), f, 4) != 4 || (strcmp(f[0], "tcp") && strcmp(f[0], "udp")) ||
	    inet_pton(AF_INET, f[1], &p->host_addr) != 1 || port_number(f[2], &p->host) || port_number(f[3], &p->container))
		return -1;
	p->udp = f[0][0] == 'u';
	return 0;
}

int port_parse_publish(const char *value, struct published_port *p)
{
	char buf[64], *f[3];
	const char *slash = strchr(value, '/'), *proto = slash ? slash + 1 : "tcp";
	size_t len = slash ? (size_t)(slash - value) : strlen(value);
	if (len >= sizeof(buf) || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return -1;
	memcpy(buf, value, len);
	buf[len] = 0;
	char spec[sizeof(buf)];
	int n = split_colons(buf, spec, sizeof(spec), f, 3);
	if (n < 0 || port_number(f[n - 1], &p->container))
		return -1;
	p->udp = *proto == 'u';
	p->host = p->container;
	p->host_addr.s_addr = htonl(INADDR_ANY);
	if (n >= 2 && port_number(f[n - 2], &p->host)) /* docker's empty HOST_PORT (a random one) is not offered */
		return -1;
	return n == 3 && inet_pton(AF_INET, f[0], &p->host_addr) != 1 ? -1 : 0;
}

bool port_overlaps(const struct published_port *a, const struct published_port *b)
{
	return a->udp == b->udp && a->host == b->host &&
	       (a->host_addr.s_addr == htonl(INADDR_ANY) || b->host_addr.s_addr == htonl(INADDR_ANY) ||
		a->host_addr.s_addr == b->host_addr.s_addr);
}
