// SPDX-License-Identifier: Apache-2.0
// Address leases as files (see lease.h). The file's text: the id and the
// owner's pid on the first line, then each published port in its text form
// (net/port.h), a line each.
#include "net/lease.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/network.h"

static void lease_path(const char *dir, struct in_addr addr, char *out, size_t size)
{
	char text[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &addr, text, sizeof(text));
	snprintf(out, size, "%s/%s", dir, text);
}

_Static_assert(PORT_TEXT_MAX == 32, "lease_read's %31s");

static int lease_read(const char *dir, const char *name, struct lease *l)
{
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (inet_pton(AF_INET, name, &l->addr) != 1)
		return -EINVAL;
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char port[PORT_TEXT_MAX];
	int err = fscanf(f, "%255s %d", l->id, &l->owner) == 2 ? 0 : -EINVAL;
	for (l->nports = 0; !err && l->nports < LEASE_MAX_PORTS && fscanf(f, "%31s", port) == 1; l->nports++)
		if (port_parse(port, &l->ports[l->nports]) < 0)
			err = -EINVAL;
	fclose(f);
	return err;
}

int lease_take(const char *dir, struct lease *l)
{
	uint32_t first = ntohl(network_gateway().s_addr) + 1, last = first + network_hosts() - 2;
	for (uint32_t a = first; a <= last; a++) {
		char path[4400];
		l->addr.s_addr = htonl(a);
		lease_path(dir, l->addr, path, sizeof(path));
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return -errno;
		FILE *f = fdopen(fd, "w");
		fprintf(f, "%s %d\n", l->id, (int)l->owner);
		for (int i = 0; i < l->nports; i++) {
			char port[PORT_TEXT_MAX];
			port_format(&l->ports[i], port);
			fprintf(f, "%s\n", port);
		}
		if (fclose(f) == 0)
			return 0;
		int err = -errno;
		unlink(path);
		return err;
	}
	return -EADDRNOTAVAIL;
}

void lease_each(const char *dir, int (*fn)(const struct lease *l, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		struct lease l;
		if (e->d_name[0] != '.' && lease_read(dir, e->d_name, &l) == 0 && fn(&l, arg))
			break;
	}
	if (d)
		closedir(d);
}

struct search {
	const char *id;
	struct lease *out;
};

static int match_id(const struct lease *l, void *arg)
{
	struct search *s = arg;
	if (strcmp(l->id, s->id))
		return 0;
	*s->out = *l;
	return 1;
}

int lease_find(const char *dir, const char *id, struct lease *l)
{
	l->id[0] = 0;
	struct search s = {.id = id, .out = l};
	lease_each(dir, match_id, &s);
	return strcmp(l->id, id) ? -ENOENT : 0;
}

void lease_release(const char *dir, const struct lease *l)
{
	char path[4400];
	lease_path(dir, l->addr, path, sizeof(path));
	unlink(path);
}

static int count_one(const struct lease *l, void *arg)
{
	(void)l;
	++*(int *)arg;
	return 0;
}

int lease_count(const char *dir)
{
	int n = 0;
	lease_each(dir, count_one, &n);
	return n;
}
