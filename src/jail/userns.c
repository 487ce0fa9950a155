// SPDX-License-Identifier: Apache-2.0
// User namespaces for OCI containers (see userns.h).
#include "jail/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"
#include "util/log.h"

int64_t userns_outside_id(const struct id_map *maps, size_t n, uint32_t inside)
{
	for (size_t i = 0; i < n; i++)
		if (inside >= maps[i].inside && inside - maps[i].inside < maps[i].count)
			return (int64_t)maps[i].outside + (inside - maps[i].inside);
	return -1;
}

bool userns_is_child(void)
{
	/* The host's namespace maps every id to itself. */
	char text[64] = "";
	unsigned inside = 1, outside = 1, count = 0;
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	return n <= 0 || sscanf(text, "%u %u %u", &inside, &outside, &count) != 3 || inside || outside ||
	       count != UINT32_MAX;
}

int userns_become_root(void)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		log_error("user namespace: becoming its root: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int userns_unshare(int sync)
{
	char byte = 'u';
	if (unshare(CLONE_NEWUSER) < 0) {
		log_error("user namespace: %s", strerror(errno));
		return -1;
	}
	/* The creator closes its end without answering if it could not write the maps (and says why). */
	if (write(sync, &byte, 1) != 1 || read(sync, &byte, 1) != 1)
		return -1;
	return userns_become_root();
}

static int write_map(pid_t pid, const char *file, const struct id_map *maps, size_t n)
{
	char path[64], text[4096];
	size_t len = 0;
	for (size_t i = 0; i < n && len < sizeof(text); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
					maps[i].inside, maps[i].outside, maps[i].count);
	if (len >= sizeof(text)) {
		log_error("user namespace: %s: too many lines", file);
		return -1;
	}
	/* The kernel takes a map in one write. */
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int err = file_write_text(path, text);
	if (err)
		log_error("user namespace: writing %s: %s", file, strerror(-err));
	return err ? -1 : 0;
}

/*
 * Without CAP_SETGID outside (a rootless run), the kernel takes a gid_map
 * only once setgroups is denied in the namespace: otherwise the container
 * could drop a supplementary group its user was kept out with.
 */
static int setgroups_denied(pid_t pid)
{
	if (geteuid() == 0)
		return 0;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	int err = file_write_text(path, "deny");
	if (err)
		log_error("user namespace: denying setgroups: %s", strerror(-err));
	return err ? -1 : 0;
}

int userns_map(pid_t pid, const struct id_maps *maps, int sync)
{
	char byte;
	if (read(sync, &byte, 1) != 1)
		return -1; /* it failed before, and said why */
	if (write_map(pid, "uid_map", maps->uid, maps->nuid) < 0 || setgroups_denied(pid) < 0 ||
	    write_map(pid, "gid_map", maps->gid, maps->ngid) < 0)
		return -1;
	return write(sync, &byte, 1) == 1 ? 0 : -1;
}
