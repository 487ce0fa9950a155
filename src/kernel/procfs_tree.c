// SPDX-License-Identifier: Apache-2.0
// The emulated /proc as a tree (see procfs.c for how paths reach it): the
// entries of each directory, what a name in a directory is, where a link
// points, and a directory's listing.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/procfs.h"
#include "kernel/procfs_node.h"
#include "kernel/proctab.h"
#include "kernel/syscall.h"

/* ---- the tree ----------------------------------------------------------- */

struct entry {
	const char *name;
	enum procfs_type type;
	unsigned mode;
	enum procfs_kind kind;
	const char *host;
};

#define FILE_(name, mode, kind) {name, PT_FILE, mode, kind, NULL}
#define HOST_(name, mode, host) {name, PT_FILE, mode, PK_HOST, host}
#define DIR_(name, mode, kind) {name, PT_DIR, mode, kind, NULL}
#define LINK_(name, kind) {name, PT_LINK, 0777, kind, NULL}

static const struct entry root_entries[] = {
	HOST_("cpuinfo", 0444, "cpuinfo"),
	HOST_("filesystems", 0444, "filesystems"),
	FILE_("loadavg", 0444, PK_LOADAVG),
	HOST_("meminfo", 0444, "meminfo"),
	LINK_("mounts", PK_MOUNTS_LINK),
	LINK_("self", PK_SELF),
	HOST_("stat", 0444, "stat"),
	DIR_("sys", 0555, PK_SYS),
	LINK_("thread-self", PK_THREAD_SELF),
	HOST_("uptime", 0444, "uptime"),
	FILE_("version", 0444, PK_VERSION),
};

/* /proc/<pid>/ in Linux's order; /proc/<pid>/task/<tid>/ is the same without "task". */
static const struct entry pid_entries[] = {
	DIR_("task", 0555, PK_TASK),
	DIR_("fd", 0500, PK_FD),
	DIR_("fdinfo", 0555, PK_FDINFO),
	FILE_("environ", 0400, PK_ENVIRON),
	FILE_("auxv", 0400, PK_AUXV),
	FILE_("status", 0444, PK_STATUS),
	FILE_("limits", 0444, PK_LIMITS),
	FILE_("comm", 0644, PK_COMM),
	FILE_("cmdline", 0444, PK_CMDLINE),
	FILE_("stat", 0444, PK_STAT),
	FILE_("statm", 0444, PK_STATM),
	FILE_("maps", 0444, PK_MAPS),
	LINK_("cwd", PK_CWD),
	LINK_("root", PK_ROOT_LINK),
	LINK_("exe", PK_EXE),
	FILE_("mounts", 0444, PK_MOUNTS),
	FILE_("mountinfo", 0444, PK_MOUNTINFO),
	DIR_("ns", 0511, PK_NS),
	HOST_("uid_map", 0644, "self/uid_map"), /* every guest process is in its monitor's user namespace */
	HOST_("gid_map", 0644, "self/gid_map"),
};

/*
 * /proc/<pid>/ of another guest process: what its monitor publishes
 * (proctab.c) and what the pid view shows of it. Its memory, signal state
 * and start-up stack are in another monitor: no maps, environ, auxv.
 */
static const struct entry remote_pid_entries[] = {
	DIR_("task", 0555, PK_TASK),
	DIR_("fd", 0500, PK_FD),
	FILE_("status", 0444, PK_STATUS),
	FILE_("comm", 0644, PK_COMM),
	FILE_("cmdline", 0444, PK_CMDLINE),
	FILE_("stat", 0444, PK_STAT),
	FILE_("statm", 0444, PK_STATM),
	LINK_("cwd", PK_CWD),
	LINK_("root", PK_ROOT_LINK),
	LINK_("exe", PK_EXE),
	DIR_("ns", 0511, PK_NS),
	HOST_("uid_map", 0644, "self/uid_map"),
	HOST_("gid_map", 0644, "self/gid_map"),
};

/*
 * The namespaces a guest process is in are its monitor's (the jail puts
 * every monitor in the container's): the links show the host's, in
 * Linux's order. They are names, not paths: following one gives ENOENT
 * (the guest has no setns).
 */
static const struct entry ns_entries[] = {
	LINK_("net", PK_NS_LINK), LINK_("uts", PK_NS_LINK), LINK_("ipc", PK_NS_LINK),
	LINK_("pid", PK_NS_LINK), LINK_("pid_for_children", PK_NS_LINK), LINK_("user", PK_NS_LINK),
	LINK_("mnt", PK_NS_LINK), LINK_("cgroup", PK_NS_LINK), LINK_("time", PK_NS_LINK),
	LINK_("time_for_children", PK_NS_LINK),
};

static const struct entry sys_entries[] = {
	DIR_("kernel", 0555, PK_SYS_KERNEL),
	DIR_("vm", 0555, PK_SYS_VM),
};

static const struct entry sys_kernel_entries[] = {
	HOST_("cap_last_cap", 0444, "sys/kernel/cap_last_cap"),
	FILE_("hostname", 0644, PK_HOSTNAME),
	HOST_("ngroups_max", 0444, "sys/kernel/ngroups_max"),
	FILE_("osrelease", 0444, PK_OSRELEASE),
	FILE_("ostype", 0444, PK_OSTYPE),
	HOST_("pid_max", 0644, "sys/kernel/pid_max"),
	DIR_("random", 0555, PK_SYS_RANDOM),
};

static const struct entry sys_random_entries[] = {
	HOST_("boot_id", 0444, "sys/kernel/random/boot_id"),
	HOST_("uuid", 0444, "sys/kernel/random/uuid"),
};

static const struct entry sys_vm_entries[] = {
	HOST_("overcommit_memory", 0644, "sys/vm/overcommit_memory"),
};

struct table {
	const struct entry *e;
	size_t n;
};

#define TABLE(t) ((struct table){t, sizeof(t) / sizeof(t[0])})

/* The fixed entries of a directory (a thread's are its process's without "task"). */
static struct table fixed_entries(const struct procfs_node *dir)
{
	bool remote = procfs_remote(dir);
	struct table pid = remote ? TABLE(remote_pid_entries) : TABLE(pid_entries);
	switch (dir->kind) {
	case PK_ROOT: return TABLE(root_entries);
	case PK_PID: return pid;
	case PK_TID: return (struct table){pid.e + 1, pid.n - 1};
	case PK_NS: return TABLE(ns_entries);
	case PK_SYS: return TABLE(sys_entries);
	case PK_SYS_KERNEL: return TABLE(sys_kernel_entries);
	case PK_SYS_RANDOM: return TABLE(sys_random_entries);
	case PK_SYS_VM: return TABLE(sys_vm_entries);
	default: return (struct table){NULL, 0};
	}
}

/* A decimal number as /proc names them: no sign, no leading zero. -1 if not one. */
static long name_number(const char *name)
{
	if (!*name || (name[0] == '0' && name[1]) || strlen(name) > 9)
		return -1;
	long v = 0;
	for (const char *c = name; *c; c++) {
		if (*c < '0' || *c > '9')
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v;
}

/* The open mode of a guest descriptor, or -1 if it is not open. */
static int guest_fd_flags(int fd)
{
	return guest_fd_valid(fd) ? fcntl(fd, F_GETFL) : -1;
}

/* Whether tid is a guest thread of another process pid. */
static bool remote_thread_exists(struct guest *g, pid_t pid, pid_t tid)
{
	struct proctab_info *info = malloc(sizeof(*info));
	bool found = false;
	if (info && proctab_get(g, pid, info) == 0) {
		for (int i = 0; i < info->nthreads && !found; i++)
			found = info->tids[i] == tid;
	}
	free(info);
	return found;
}

/* The permission bits of another process's fd/N link (its access mode), or -1 if fd is not open there. */
static int remote_fd_mode(struct guest *g, pid_t pid, int fd)
{
	char rel[48];
	struct stat st;
	snprintf(rel, sizeof(rel), "%d/fd/%d", pid, fd);
	if (g->proc.pid_proc < GUEST_FD_LIMIT || fstatat(g->proc.pid_proc, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return (int)(st.st_mode & 0777);
}

/* Completes child c of dir. Returns 0, or -ENAMETOOLONG past the canonical path's room. */
static long set_child(struct procfs_node *c, const struct procfs_node *dir, const char *name)
{
	c->owned = dir->owned || c->kind == PK_PID;
	if (!c->tid)
		c->tid = dir->tid; /* what a process or thread directory holds describes it */
	if (!c->pid)
		c->pid = dir->pid;
	int n = snprintf(c->path, sizeof(c->path), "%s/%s", dir->path, name);
	return n > 0 && (size_t)n < sizeof(c->path) ? 0 : -ENAMETOOLONG;
}

/* The entry name in directory dir. Returns 0 or -ENOENT. */
long dir_child(struct guest *g, const struct procfs_node *dir, const char *name, struct procfs_node *c)
{
	*c = (struct procfs_node){.fd = -1};
	struct table t = fixed_entries(dir);
	for (size_t i = 0; i < t.n; i++) {
		if (!strcmp(t.e[i].name, name)) {
			c->type = t.e[i].type;
			c->mode = t.e[i].mode;
			c->kind = t.e[i].kind;
			c->host = t.e[i].host;
			return set_child(c, dir, name);
		}
	}
	long n = name_number(name);
	int flags;
	switch (dir->kind) {
	case PK_ROOT:
	case PK_TASK:
		if (n < 0 || n > INT_MAX)
			return -ENOENT;
		if (dir->kind == PK_ROOT ? n != getpid() && !proctab_alive(g, (pid_t)n)
					 : procfs_remote(dir) ? !remote_thread_exists(g, dir->pid, (pid_t)n)
							      : !thread_exists(g, n))
			return -ENOENT;
		*c = (struct procfs_node){.type = PT_DIR, .mode = 0555, .fd = -1, .tid = (int)n,
					  .pid = dir->kind == PK_ROOT ? (int)n : 0,
					  .kind = dir->kind == PK_ROOT ? PK_PID : PK_TID};
		break;
	case PK_FD:
	case PK_FDINFO:
		if (procfs_remote(dir)) {
			/* Another process's descriptor: its link's permissions are what Linux shows. */
			if (n < 0 || n >= GUEST_FD_LIMIT || (flags = remote_fd_mode(g, dir->pid, (int)n)) < 0)
				return -ENOENT;
			*c = (struct procfs_node){.type = PT_LINK, .mode = (unsigned)flags, .kind = PK_FD_LINK,
						  .fd = (int)n};
			return set_child(c, dir, name);
		}
		if (n < 0 || (flags = guest_fd_flags((int)n)) < 0)
			return -ENOENT;
		if (dir->kind == PK_FDINFO) {
			*c = (struct procfs_node){.type = PT_FILE, .mode = 0444, .kind = PK_FDINFO_FILE};
		} else {
			/* Linux shows the descriptor's access mode as the link's permissions. */
			int acc = flags & O_ACCMODE;
			unsigned mode = (acc != O_WRONLY ? 0500 : 0) | (acc != O_RDONLY ? 0300 : 0);
			*c = (struct procfs_node){.type = PT_LINK, .mode = mode, .kind = PK_FD_LINK};
		}
		c->fd = (int)n;
		break;
	default:
		return -ENOENT;
	}
	return set_child(c, dir, name);
}

void root_node(struct procfs_node *n)
{
	*n = (struct procfs_node){.path = "/proc", .type = PT_DIR, .mode = 0555, .kind = PK_ROOT, .fd = -1};
}

/* The links the emulation puts in /dev (as container runtimes do), and their targets. */
static const char *const dev_links[][2] = {
	{"/dev/fd", "/proc/self/fd"},
	{"/dev/stdin", "/proc/self/fd/0"},
	{"/dev/stdout", "/proc/self/fd/1"},
	{"/dev/stderr", "/proc/self/fd/2"},
};

int dev_link_index(const char *path)
{
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		if (!strcmp(path, dev_links[i][0]))
			return (int)i;
	}
	return -1;
}

/* The node for a canonical path (as in a memfd's name). Returns 0 or -errno. */
long node_from_path(struct guest *g, const char *path, struct procfs_node *n)
{
	int link = dev_link_index(path);
	if (link >= 0) {
		*n = (struct procfs_node){.type = PT_LINK, .mode = 0777, .kind = PK_DEV_LINK, .fd = link};
		snprintf(n->path, sizeof(n->path), "%s", path);
		return 0;
	}
	if (strncmp(path, "/proc", 5) || (path[5] && path[5] != '/'))
		return -ENOENT;
	root_node(n);
	const char *p = path + 5;
	while (*p == '/') {
		p++;
		const char *end = strchrnul(p, '/');
		char name[NAME_MAX + 1];
		if ((size_t)(end - p) > NAME_MAX)
			return -ENOENT;
		memcpy(name, p, (size_t)(end - p));
		name[end - p] = 0;
		struct procfs_node child;
		if (n->type != PT_DIR)
			return -ENOTDIR;
		long err = dir_child(g, n, name, &child);
		if (err)
			return err;
		*n = child;
		p = end;
	}
	return 0;
}

/*
 * A namespace link ("net:[4026531840]"): this monitor's own, as every
 * monitor of the container is in the same ones (and another's may not be
 * readable: monitors are not dumpable, and a user namespace's root has no
 * say over a process the host's root started).
 */
static long ns_link_target(struct guest *g, const struct procfs_node *n, char *buf, size_t size)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "self/ns/%s", strrchr(n->path, '/') + 1);
	ssize_t len = host_proc_ok(g) ? readlinkat(g->proc.host_proc, rel, buf, size - 1) : -1;
	if (len < 0)
		return -ENOENT;
	buf[len] = 0;
	return 0;
}

/* Where link node n of another process points (exe, cwd, root, fd/N, ns/X). Returns 0 or -errno. */
static long remote_link_target(struct guest *g, const struct procfs_node *n, char *buf, size_t size)
{
	char rel[48], link[PATH_MAX];
	switch (n->kind) {
	case PK_ROOT_LINK:
		snprintf(buf, size, "/"); /* every process of the container has the same root */
		return 0;
	case PK_EXE: {
		struct proctab_info *info = malloc(sizeof(*info));
		long err = !info ? -ENOMEM : proctab_get(g, n->pid, info) ? -ENOENT : info->exe[0] ? 0 : -ENOENT;
		if (!err)
			snprintf(buf, size, "%s", info->exe);
		free(info);
		return err;
	}
	case PK_CWD:
		snprintf(rel, sizeof(rel), "%d/cwd", n->pid);
		break;
	case PK_FD_LINK:
		snprintf(rel, sizeof(rel), "%d/fd/%d", n->pid, n->fd);
		break;
	case PK_NS_LINK:
		return ns_link_target(g, n, buf, size);
	default:
		return -EINVAL;
	}
	/* Read through the pid view: the monitors share the root, so paths are the guest's. */
	ssize_t len = g->proc.pid_proc >= GUEST_FD_LIMIT ? readlinkat(g->proc.pid_proc, rel, link, sizeof(link) - 1) : -1;
	if (len < 0)
		return -ENOENT;
	link[len] = 0;
	if (!procfs_memfd_link_path(link, buf, size))
		snprintf(buf, size, "%s", link);
	return 0;
}

/* Where link node n points. Returns 0 or -errno. */
long link_target(struct guest *g, const struct procfs_node *n, char *buf, size_t size)
{
	int pid = getpid();
	if (procfs_remote(n))
		return remote_link_target(g, n, buf, size);
	switch (n->kind) {
	case PK_SELF:
		snprintf(buf, size, "%d", pid);
		return 0;
	case PK_THREAD_SELF:
		snprintf(buf, size, "%d/task/%d", pid, procfs_tid());
		return 0;
	case PK_MOUNTS_LINK:
		snprintf(buf, size, "self/mounts");
		return 0;
	case PK_ROOT_LINK:
		snprintf(buf, size, "/");
		return 0;
	case PK_EXE:
		snprintf(buf, size, "%s", g->proc.exe);
		return 0;
	case PK_DEV_LINK:
		snprintf(buf, size, "%s", dev_links[n->fd][1]);
		return 0;
	case PK_NS_LINK:
		return ns_link_target(g, n, buf, size);
	case PK_CWD:
		return syscall(SYS_getcwd, buf, size) < 0 ? -errno : 0;
	case PK_FD_LINK: {
		/* An opened /proc entry is a memfd: show the entry, as Linux does. */
		if (fd_procfs_path(g, n->fd, NULL, buf, size))
			return 0;
		long r = fd_link(g, n->fd, buf, size);
		return r < 0 ? -ENOENT : 0;
	}
	default:
		return -EINVAL;
	}
}

/* ---- listing ------------------------------------------------------------ */

/* task/ and fd/ of another process, after the n fixed entries: the count or -errno. */
static long remote_dir_list(struct guest *g, const struct procfs_node *dir, struct dir_name *names, size_t n,
			    size_t max)
{
	if (dir->kind == PK_TASK) {
		struct proctab_info *info = malloc(sizeof(*info));
		if (info && proctab_get(g, dir->pid, info) == 0) {
			for (int i = 0; i < info->nthreads && n < max; i++) {
				snprintf(names[n].name, sizeof(names[n].name), "%d", info->tids[i]);
				names[n++].type = PT_DIR;
			}
		}
		free(info);
		return (long)n;
	}
	if (dir->kind != PK_FD || g->proc.pid_proc < GUEST_FD_LIMIT)
		return (long)n;
	/* Its monitor's descriptors below the guest's limit are the guest's. */
	char rel[32];
	snprintf(rel, sizeof(rel), "%d/fd", dir->pid);
	int fd = fd_move_to_monitor(openat(g->proc.pid_proc, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -ENOENT; /* gone, or a zombie: Linux's fd/ of one is empty or unreadable too */
	}
	bool open_fds[GUEST_FD_LIMIT] = {0};
	for (struct dirent *e; (e = readdir(d));) {
		long v = name_number(e->d_name);
		if (v >= 0 && v < GUEST_FD_LIMIT)
			open_fds[v] = true;
	}
	closedir(d);
	for (int i = 0; i < GUEST_FD_LIMIT && n < max; i++) {
		if (!open_fds[i])
			continue;
		snprintf(names[n].name, sizeof(names[n].name), "%d", i);
		names[n++].type = PT_LINK;
	}
	return (long)n;
}

/* Fills names (MAX_DIR_NAMES) with the entries of dir, without "." and "..": the count or -errno. */
long dir_list(struct guest *g, const struct procfs_node *dir, struct dir_name *names)
{
	const size_t max = MAX_DIR_NAMES;
	size_t n = 0;
	struct table t = fixed_entries(dir);
	for (size_t i = 0; i < t.n && n < max; i++, n++) {
		snprintf(names[n].name, sizeof(names[n].name), "%s", t.e[i].name);
		names[n].type = t.e[i].type;
	}
	if (dir->kind == PK_ROOT) {
		/* This process and every other live one of the container, ascending. */
		pid_t *pids = malloc((PROCTAB_SLOTS + 1) * sizeof(*pids));
		int count = pids ? proctab_pids(g, pids, PROCTAB_SLOTS) : 0;
		bool self_listed = false;
		for (int i = 0; i <= count && n < max; i++) {
			pid_t pid = i < count ? pids[i] : INT_MAX;
			if (!self_listed && getpid() <= pid) {
				snprintf(names[n].name, sizeof(names[n].name), "%d", getpid());
				names[n++].type = PT_DIR;
				self_listed = true;
			}
			if (i < count && pid != getpid() && n < max) {
				snprintf(names[n].name, sizeof(names[n].name), "%d", pid);
				names[n++].type = PT_DIR;
			}
		}
		free(pids);
		return (long)n;
	}
	if (procfs_remote(dir))
		return remote_dir_list(g, dir, names, n, max);
	if (dir->kind == PK_TASK) {
		int tids[MAX_VCPUS], count = thread_ids(g, tids);
		for (int i = 0; i < count && n < max; i++) {
			snprintf(names[n].name, sizeof(names[n].name), "%d", tids[i]);
			names[n++].type = PT_DIR;
		}
	}
	if (dir->kind == PK_FD || dir->kind == PK_FDINFO) {
		/* One poll finds every open descriptor: closed ones report POLLNVAL. */
		struct pollfd pfd[GUEST_FD_LIMIT];
		for (int i = 0; i < GUEST_FD_LIMIT; i++)
			pfd[i] = (struct pollfd){.fd = i};
		if (poll(pfd, GUEST_FD_LIMIT, 0) < 0)
			return -errno;
		for (int i = 0; i < GUEST_FD_LIMIT && n < max; i++) {
			if (pfd[i].revents & POLLNVAL)
				continue;
			snprintf(names[n].name, sizeof(names[n].name), "%d", i);
			names[n++].type = dir->kind == PK_FD ? PT_LINK : PT_FILE;
		}
	}
	return (long)n;
}
