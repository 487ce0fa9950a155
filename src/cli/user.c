// SPDX-License-Identifier: Apache-2.0
// User and group names of a container (see user.h). The files are the
// image's, untrusted: read inside its root (util/tree.c), so a symbolic
// link cannot lead to the host's.
#include "cli/user.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/tree.h"

static FILE *open_in_root(const char *rootfs, const char *path)
{
	int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int fd = root < 0 ? -1 : tree_open_in(root, path, O_RDONLY);
	if (root >= 0)
		close(root);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
	if (!f && fd >= 0)
		close(fd);
	return f;
}

static bool number(const char *s, unsigned long *out)
{
	char *end;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *s && !*end && !errno && *out < 0xffffffffUL;
}

/*
 * The entry of a passwd-like file (name:x:id:...) whose name is key, or
 * whose id is key when key is a number: its id, and for passwd its group
 * (field 4). 0, or -1.
 */
static int lookup(const char *rootfs, const char *file, const char *key, unsigned long *id, unsigned long *group)
{
	FILE *f = open_in_root(rootfs, file);
	char line[4096];
	unsigned long wanted, got, g;
	bool numeric = number(key, &wanted);
	int found = -1;
	while (f && found < 0 && fgets(line, sizeof(line), f)) {
		char *fields[4] = {0}, *save = NULL, *p = line;
		for (int i = 0; i < 4 && (fields[i] = strtok_r(p, ":\n", &save)); i++)
			p = NULL;
		if (!fields[0] || !fields[2] || !number(fields[2], &got) || (group && (!fields[3] || !number(fields[3], &g))))
			continue;
		if (numeric ? got == wanted : !strcmp(fields[0], key)) {
			*id = got;
			if (group)
				*group = g;
			found = 0;
		}
	}
	if (f)
		fclose(f);
	return found;
}

int user_resolve(const char *rootfs, const char *spec, uid_t *uid, gid_t *gid)
{
	char user[256], *group;
	snprintf(user, sizeof(user), "%s", spec);
	if ((group = strchr(user, ':')))
		*group++ = 0;
	unsigned long u, g = 0;
	/* A number needs no entry (its group is then 0), as with docker; a name does. */
	if (lookup(rootfs, "/etc/passwd", user, &u, &g) < 0 && !number(user, &u)) {
		log_error("run: user \"%s\" is not in the image's /etc/passwd", user);
		return -1;
	}
	if (group && lookup(rootfs, "/etc/group", group, &g, NULL) < 0 && !number(group, &g)) {
		log_error("run: group \"%s\" is not in the image's /etc/group", group);
		return -1;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return 0;
}
