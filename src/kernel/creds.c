// SPDX-License-Identifier: Apache-2.0
// Credentials: user and group ids and supplementary groups. The monitor runs
// as the guest process's user, so these are the monitor's own, and changing
// them changes what the host lets the monitor do for the guest. glibc's
// wrappers change every thread of the monitor at once, as the kernel changes
// every thread of the guest's process (the guest's libc then repeats the call
// on its other threads, which finds nothing left to change).
#include <grp.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/syscall.h"

/* Linux's NGROUPS_MAX: more supplementary groups than this is EINVAL. */
#define GROUPS_MAX 65536

PASSTHROUGH_CALL(getuid, getuid())
PASSTHROUGH_CALL(geteuid, geteuid())
PASSTHROUGH_CALL(getgid, getgid())
PASSTHROUGH_CALL(getegid, getegid())
PASSTHROUGH_CALL(setuid, host_result(setuid((uid_t)a[0])))
PASSTHROUGH_CALL(setgid, host_result(setgid((gid_t)a[0])))
PASSTHROUGH_CALL(setreuid, host_result(setreuid((uid_t)a[0], (uid_t)a[1])))
PASSTHROUGH_CALL(setregid, host_result(setregid((gid_t)a[0], (gid_t)a[1])))
PASSTHROUGH_CALL(setresuid, host_result(setresuid((uid_t)a[0], (uid_t)a[1], (uid_t)a[2])))
PASSTHROUGH_CALL(setresgid, host_result(setresgid((gid_t)a[0], (gid_t)a[1], (gid_t)a[2])))

long sys_getgroups(struct guest *g, const uint64_t *a)
{
	int size = (int)a[0];
	if (size < 0)
		return -EINVAL;
	int n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	if (size == 0)
		return n;
	if (size < n)
		return -EINVAL;
	/* NGROUPS_MAX ids would be 256 KiB: too much for a monitor thread's stack. */
	gid_t *groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (!groups)
		return -ENOMEM;
	n = getgroups(n, groups);
	long ret = n < 0 ? -errno : gmem_copy_out(&g->mm, a[1], groups, (size_t)n * sizeof(gid_t)) ? -EFAULT : n;
	free(groups);
	return ret;
}

long sys_setgroups(struct guest *g, const uint64_t *a)
{
	uint64_t size = a[0];
	if (size > GROUPS_MAX) /* also a negative int */
		return -EINVAL;
	gid_t *groups = calloc(size + 1, sizeof(gid_t));
	if (!groups)
		return -ENOMEM;
	long ret = gmem_copy_in(&g->mm, groups, a[1], size * sizeof(gid_t)) ? -EFAULT
									: host_result(setgroups(size, groups));
	free(groups);
	return ret;
}

static long copy_ids(struct guest *g, const uint64_t *a, const unsigned ids[3])
{
	for (int i = 0; i < 3; i++) {
		if (gmem_copy_out(&g->mm, a[i], &ids[i], sizeof(ids[i])))
			return -EFAULT;
	}
	return 0;
}

long sys_getresuid(struct guest *g, const uint64_t *a)
{
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	return copy_ids(g, a, (const unsigned[3]){r, e, s});
}

long sys_getresgid(struct guest *g, const uint64_t *a)
{
	gid_t r, e, s;
	getresgid(&r, &e, &s);
	return copy_ids(g, a, (const unsigned[3]){r, e, s});
}

/*
 * capget: the monitor's capabilities are the guest's. Another process's are
 * asked of the host only inside the container's own pid namespace, where
 * its pids are the container's.
 */
long sys_capget(struct guest *g, const uint64_t *a)
{
	struct __user_cap_header_struct header;
	struct __user_cap_data_struct data[2] = {0};
	if (gmem_copy_in(&g->mm, &header, a[0], sizeof(header)))
		return -EFAULT;
	if (header.pid < 0)
		return -EINVAL;
	if (header.pid != 0 && header.pid != getpid() && !g->own_pid_namespace)
		return -ESRCH;
	long r = syscall(SYS_capget, &header, a[1] ? data : NULL);
	if (r < 0) {
		int err = errno;
		/* Linux tells the caller its preferred version on EINVAL. */
		if (err == EINVAL && gmem_copy_out(&g->mm, a[0], &header, sizeof(header)))
			return -EFAULT;
		return -err;
	}
	size_t words = header.version == _LINUX_CAPABILITY_VERSION_1 ? 1 : 2;
	if (a[1] && gmem_copy_out(&g->mm, a[1], data, words * sizeof(data[0])))
		return -EFAULT;
	return 0;
}
