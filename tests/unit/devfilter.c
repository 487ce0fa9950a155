// SPDX-License-Identifier: Apache-2.0
// Unit tests (TAP) of the cgroup v2 device filter (jail/devfilter.c): a
// program built from rules is attached to a new cgroup in the host's v2
// hierarchy (the unified one on hybrid hosts), and a child in it opens and
// makes device nodes. Needs root.
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "jail/devfilter.h"

/* Whether opening path with flags is allowed (EPERM: the filter said no). */
static int opens(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 1 : errno == EPERM ? 0 : -errno;
}

static int makes(const char *dir, const char *name, unsigned major, unsigned minor)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int r = mknod(path, S_IFCHR | 0600, makedev(major, minor));
	return r == 0 ? 1 : errno == EPERM ? 0 : -errno;
}

/* In the cgroup: each check as a TAP line. */
static void checks(const char *scratch)
{
	ok(opens("/dev/null", O_RDWR) == 1, "an allowed device opens for reading and writing");
	ok(opens("/dev/zero", O_RDONLY) == 1, "a device allowed r opens for reading");
	ok(opens("/dev/zero", O_WRONLY) == 0, "but not for writing");
	ok(opens("/dev/full", O_RDONLY) == 1, "a later deny w leaves r");
	ok(opens("/dev/full", O_WRONLY) == 0, "and takes w away");
	ok(opens("/dev/urandom", O_RDONLY) == 0, "a device no allow rule covers is denied (deny all first)");
	ok(makes(scratch, "null", 1, 3) == 1, "mknod of a device allowed m");
	ok(makes(scratch, "urandom", 1, 9) == 0, "mknod of one that is not");
}
#define CHECKS 8

static const char *v2_hierarchy(void)
{
	static const char *const candidates[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	for (size_t i = 0; i < 2; i++) {
		struct statfs fs;
		if (statfs(candidates[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
			return candidates[i];
	}
	return NULL;
}

int main(void)
{
	const char *base = v2_hierarchy();
	if (!base) {
		printf("Bail out! no cgroup v2 hierarchy on this host\n");
		return 1;
	}
	char cg[256], scratch[] = "/tmp/airlock-devfilter.XXXXXX";
	snprintf(cg, sizeof(cg), "%s/airlock-devfilter-%d", base, (int)getpid());
	if (mkdir(cg, 0755) < 0 || !mkdtemp(scratch)) {
		printf("Bail out! %s: %s\n", cg, strerror(errno));
		return 1;
	}
	const struct cgroup_device_rule rules[] = {
		{false, 'a', -1, -1, "rwm"}, {true, 'c', 1, 3, "rwm"}, {true, 'c', 1, 5, "r"},
		{true, 'c', 1, 7, "rw"}, {false, 'c', 1, 7, "w"},
	};
	int dir = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int err = devfilter_attach(dir, rules, sizeof(rules) / sizeof(rules[0]));
	ok(err == 0, "the program loads and attaches");
	if (err)
		printf("# %s\n", strerror(-err));
	pid_t child = err ? -1 : fork();
	if (child == 0) {
		char procs[300], pid[24];
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
		int fd = open(procs, O_WRONLY | O_CLOEXEC);
		int n = snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (fd < 0 || write(fd, pid, (size_t)n) != n)
			_exit(100);
		checks(scratch);
		_exit(failures);
	}
	int status = 0;
	if (child > 0 && waitpid(child, &status, 0) == child) {
		tests += CHECKS;
		failures += WIFEXITED(status) ? WEXITSTATUS(status) : CHECKS;
		if (!WIFEXITED(status) || WEXITSTATUS(status) == 100)
			printf("Bail out! the child could not join %s\n", cg);
	}
	close(dir);
	char made[300];
	snprintf(made, sizeof(made), "%s/null", scratch);
	unlink(made);
	rmdir(scratch);
	rmdir(cg);
	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
