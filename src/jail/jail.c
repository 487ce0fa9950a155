// SPDX-License-Identifier: Apache-2.0
// Namespaces, the read-only root and credentials for an OCI container.
#include "jail/jail.h"
#include "jail/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jail/caps.h"
#include "util/log.h"

/* In the new namespaces: net.* and the IPC ones are theirs (spec.c checked which). */
static int set_sysctls(char *const *sysctls)
{
	for (size_t i = 0; sysctls && sysctls[i]; i++) {
		char path[512];
		const char *eq = strchr(sysctls[i], '=');
		int n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - sysctls[i]), sysctls[i]);
		for (char *p = path + 10; p < path + n; p++)
			if (*p == '.')
				*p = '/';
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		ssize_t len = (ssize_t)strlen(eq + 1);
		if (fd < 0 || write(fd, eq + 1, (size_t)len) != len) {
			log_error("sysctl %s: %s", sysctls[i], strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* A new network namespace's loopback starts down; runc brings it up, and programs expect it. */
static int loopback_up(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ? -1 : 0;
	ifr.ifr_flags |= IFF_UP;
	if (!err)
		err = ioctl(s, SIOCSIFFLAGS, &ifr);
	if (err)
		log_error("network namespace: loopback: %s", strerror(errno));
	if (s >= 0)
		close(s);
	return err;
}

bool jail_pivots(const struct jail *j)
{
	for (size_t i = 0; i < j->njoins; i++)
		if (j->joins[i].type == CLONE_NEWNS)
			return false; /* someone else's mount namespace: its root stays */
	return (j->namespaces & CLONE_NEWNS) || j->readonly_root || j->nmounts || j->ndevices;
}

int jail_enter(const struct jail *j)
{
	int joined = 0;
	for (size_t i = 0; i < j->njoins; i++) {
		int fd = open(j->joins[i].path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, j->joins[i].type) < 0) {
			log_error("joining namespace %s: %s", j->joins[i].path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
		joined |= j->joins[i].type;
		if (j->joins[i].type == CLONE_NEWUSER && userns_become_root() < 0)
			return -1; /* joined first (spec.c): the others are joined as its root */
	}
	int flags = j->namespaces & ~CLONE_NEWPID & ~joined; /* the pid namespace is pidns.c's */
	bool mounting = jail_pivots(j);
	if (mounting)
		flags |= CLONE_NEWNS;
	if (flags && unshare(flags) < 0) {
		log_error("namespaces: %s", strerror(errno));
		return -1;
	}
	if ((flags & CLONE_NEWNET) && loopback_up() < 0)
		return -1;
	if (set_sysctls(j->sysctls) < 0)
		return -1;
	if (j->has_oom_score_adj) {
		char value[16];
		int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		int n = snprintf(value, sizeof(value), "%d", j->oom_score_adj);
		if (fd < 0 || write(fd, value, (size_t)n) != n) {
			log_error("oomScoreAdj %d: %s", j->oom_score_adj, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	if (!mounting)
		return 0;
	/*
	 * Private first, so that nothing made here reaches the host's mount
	 * table; the root a mount of its own, so that it can be made read-only
	 * after the mounts inside it are made, and pivoted into (launch.c).
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(j->root, j->root, NULL, MS_BIND | MS_REC, NULL) < 0) {
		log_error("mount namespace for %s: %s", j->root, strerror(errno));
		return -1;
	}
	if (jail_mounts_make(j->root, j->mounts, j->nmounts) < 0 ||
	    jail_devices_make(j->root, j->devices, j->ndevices) < 0)
		return -1;
	if (j->readonly_root && mount(NULL, j->root, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0) {
		log_error("read-only root %s: %s", j->root, strerror(errno));
		return -1;
	}
	return 0;
}

int jail_drop(const struct jail *j, int monitor_fds)
{
	for (size_t i = 0; i < j->nrlimits; i++) {
		struct rlimit rl = {j->rlimits[i].soft, j->rlimits[i].hard};
		/* The monitor's own descriptors sit above the guest's 1024: it keeps room for them. */
		if (j->rlimits[i].resource == RLIMIT_NOFILE) {
			if (rl.rlim_cur < (rlim_t)monitor_fds)
				rl.rlim_cur = (rlim_t)monitor_fds;
			if (rl.rlim_max < rl.rlim_cur)
				rl.rlim_max = rl.rlim_cur;
		}
		if (setrlimit(j->rlimits[i].resource, &rl) < 0) {
			log_error("rlimit %d: %s", j->rlimits[i].resource, strerror(errno));
			return -1;
		}
	}
	if (j->umask >= 0)
		umask((mode_t)j->umask);
	int err = j->caps ? caps_prepare(j->caps) : 0;
	if (err) {
		log_error("capability bounding set: %s", strerror(-err));
		return -1;
	}
	/* A rootless user namespace denies setgroups (userns.c): no groups asked for is then what it has. */
	bool groups_denied = !j->ngroups && userns_is_child() && setgroups(0, NULL) < 0 && errno == EPERM;
	if ((!groups_denied && setgroups(j->ngroups, j->groups) < 0) || setresgid(j->gid, j->gid, j->gid) < 0 ||
	    setresuid(j->uid, j->uid, j->uid) < 0) {
		log_error("user %u:%u: %s", (unsigned)j->uid, (unsigned)j->gid, strerror(errno));
		return -1;
	}
	err = j->caps ? caps_apply(j->caps, j->uid) : 0;
	if (err) {
		log_error("capabilities: %s", strerror(-err));
		return -1;
	}
	if (j->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_error("no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}
