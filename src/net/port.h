// SPDX-License-Identifier: Apache-2.0
// A published port: a host address and port forwarded to a container's port.
// One text form, PROTO:ADDRESS:HOST_PORT:CONTAINER_PORT, is used wherever a
// port is written down (lease files, the slirp4netns hook's arguments), and
// docker's -p form is read into the same structure.
#ifndef AIRLOCK_NET_PORT_H
#define AIRLOCK_NET_PORT_H

#include <netinet/in.h>
#include <stdbool.h>

struct published_port {
	bool udp;
	struct in_addr host_addr; /* INADDR_ANY: every address of the host */
	unsigned short host, container;
};

#define PORT_TEXT_MAX sizeof("udp:255.255.255.255:65535:65535")

/* The text form into out. */
void port_format(const struct published_port *p, char out[PORT_TEXT_MAX]);
/* The text form, whole: 0, or -1. */
int port_parse(const char *text, struct published_port *p);
/* docker's -p [[ADDRESS:]HOST_PORT:]CONTAINER_PORT[/tcp|/udp] (HOST_PORT defaults to CONTAINER_PORT): 0, or -1. */
int port_parse_publish(const char *value, struct published_port *p);
/* For messages: "8080/tcp", or "127.0.0.1:8080/tcp" on one address. */
#define PORT_DESCRIPTION_MAX sizeof("255.255.255.255:65535/tcp")
void port_describe(const struct published_port *p, char out[PORT_DESCRIPTION_MAX]);
/* Whether a and b claim the same host port: same protocol and port, and an address in common. */
bool port_overlaps(const struct published_port *a, const struct published_port *b);

#endif
