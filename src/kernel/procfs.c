// SPDX-License-Identifier: Apache-2.0
// The emulated /proc: path lookup through /proc's tree and links, the hooks
// the path-taking calls run first, and the synthetic directories (the tree
// itself, what each directory holds and where each link leads, is
// procfs_tree.c's).
//
// Design. Paths are resolved here, component by component, starting from
// the absolute form of the guest's path (cwd and dirfd are read back from
// the host: getcwd inside the chroot is the guest's cwd; a dirfd's path is
// the host's /proc/self/fd/N link, reached through a descriptor to the
// host's /proc kept from before the chroot). A path that never enters /proc
// (nor an emulated /dev node) is left to the host untouched. Inside /proc,
// each entry is a node (file, directory or link) computed on demand; links
// that lead out (exe, cwd, root, fd/N) turn into host paths or descriptors.
//
// Opened entries are memfds named "airlock-proc:<canonical path>":
// - a file is generated whole at open into the memfd, which the guest gets
//   re-opened read-only (through the host's /proc/self/fd), so read, lseek,
//   pread, poll and close are plain host calls on a plain file;
// - a directory is an empty memfd: getdents64 recognises it (memfd device,
//   then the name behind its host fd link) and lists the node afresh, using
//   the file offset as the index of the next entry, so lseek/rewinddir work
//   and dup'ed descriptors share the position as on Linux.
// The name makes every descriptor self-describing (dup, fork-free fd
// passing, fstat, fd/N links) with no table to keep in step with close.
// The monitor never holds a directory descriptor below GUEST_FD_LIMIT, even
// briefly, so no guest thread can ever reach the host's /proc through one.
#include "kernel/procfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "kernel/procfs_node.h"
#include "kernel/proctab.h"
#include "kernel/syscall.h"

#define MEMFD_TAG "airlock-proc:"
#define MAX_LINKS 40 /* Linux's MAXSYMLINKS */

bool host_proc_ok(const struct guest *g)
{
	return g->proc.host_proc >= GUEST_FD_LIMIT;
}

static int preopened_proc = -1, preopened_dev = -1, joined_pid_view = -1;

void procfs_preopen(void)
{
	if (preopened_proc < 0)
		preopened_proc = fd_move_to_monitor(open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC));
	if (preopened_dev < 0)
		preopened_dev = fd_move_to_monitor(open("/dev", O_PATH | O_DIRECTORY | O_CLOEXEC));
}

void procfs_join_pid_view(pid_t first)
{
	/*
	 * The first monitor's pid view is the one proc descriptor it holds that
	 * is not the host's /proc. Opened through its fd/ while this process is
	 * still the host's root: once in a user namespace it could no longer
	 * read the monitor's descriptors, nor mount a proc of its own there.
	 */
	struct stat host, st;
	struct statfs fs;
	char dir[64], link[PATH_MAX];
	if (stat("/proc", &host) < 0)
		return;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)first);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && joined_pid_view < 0 && (e = readdir(d));) {
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		int fd = open(link, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0 && fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC && fstat(fd, &st) == 0 &&
		    st.st_dev != host.st_dev)
			joined_pid_view = fd_move_to_monitor(fd);
		else if (fd >= 0)
			close(fd);
	}
	if (d)
		closedir(d);
}

void procfs_init(struct guest *g)
{
	struct procfs *p = &g->proc;
	procfs_preopen();
	p->host_proc = preopened_proc;
	p->host_dev = preopened_dev;
	preopened_proc = preopened_dev = -1;
	struct stat st;
	if (host_proc_ok(g) && fstat(p->host_proc, &st) == 0)
		p->proc_dev = st.st_dev;
	int probe = memfd_create("airlock-probe", MFD_CLOEXEC);
	if (probe >= 0 && fstat(probe, &st) == 0)
		p->memfd_dev = st.st_dev;
	if (probe >= 0)
		close(probe);
	p->pid_proc = -1;
	if (joined_pid_view >= 0) {
		p->pid_proc = joined_pid_view; /* an exec's: procfs_join_pid_view */
		joined_pid_view = -1;
	} else if (!g->own_pid_namespace) {
		/* No namespace: guest pids are host pids (the process table says which are the container's). */
		p->pid_proc = host_proc_ok(g) ? fcntl(p->host_proc, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT) : -1;
	} else {
		/*
		 * The host's /proc counts pids in the host's namespace. A fresh proc
		 * made from inside the container's namespace counts them as the
		 * guest does and shows the container's processes only: a detached
		 * mount (fsopen, fsmount), never attached anywhere the guest or a
		 * host process could walk into. Without it other processes stay
		 * hidden, as before.
		 */
		int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
		if (fs >= 0 && syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
			p->pid_proc = fd_move_to_monitor((int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
							     MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
		if (fs >= 0)
			close(fs);
	}
	proctab_init();
}

void procfs_destroy(struct guest *g)
{
	/* Zeroed (never initialised) descriptors are below the limit: not ours. */
	if (g->proc.host_proc >= GUEST_FD_LIMIT)
		close(g->proc.host_proc);
	if (g->proc.host_dev >= GUEST_FD_LIMIT)
		close(g->proc.host_dev);
	if (g->proc.pid_proc >= GUEST_FD_LIMIT)
		close(g->proc.pid_proc);
}

void procfs_set_exe(struct guest *g, const char *path)
{
	/* Linux shows the file itself: the path with every symlink resolved. */
	char *real = realpath(path, NULL);
	snprintf(g->proc.exe, sizeof(g->proc.exe), "%s", real ? real : path);
	free(real);
}

/* The end of the NUL-terminated string at gva (0 if unreadable). */
static uint64_t string_end(struct guest *g, uint64_t gva)
{
	enum { MAX_ARG_STRLEN = 128 * 1024 };
	char *buf = malloc(MAX_ARG_STRLEN);
	long n = buf ? gmem_string_in(&g->mm, buf, gva, MAX_ARG_STRLEN) : -ENOMEM;
	free(buf);
	return n < 0 ? 0 : gva + (uint64_t)n + 1;
}

void procfs_record_start(struct guest *g, uint64_t rsp)
{
	struct procfs *p = &g->proc;
	uint64_t argc, word, at = rsp + 8, last = 0;
	p->start_stack = rsp;
	if (gmem_copy_in(&g->mm, &argc, rsp, sizeof(argc)))
		return;
	/* argv strings lie end to end, then the environment strings: [start, end) each. */
	for (uint64_t i = 0; i < argc && !gmem_copy_in(&g->mm, &word, at, 8); i++, at += 8) {
		if (i == 0)
			p->arg_start = word;
		last = word;
	}
	p->arg_end = last ? string_end(g, last) : p->arg_start;
	at = rsp + 8 * (argc + 2);
	last = 0;
	p->env_start = p->env_end = p->arg_end;
	for (bool first = true; !gmem_copy_in(&g->mm, &word, at, 8) && word; at += 8, first = false) {
		if (first)
			p->env_start = word;
		last = word;
	}
	if (last)
		p->env_end = string_end(g, last);
	at += 8;
	p->auxv_words = 0;
	while (p->auxv_words + 2 <= PROCFS_AUXV_WORDS &&
	       !gmem_copy_in(&g->mm, &p->auxv[p->auxv_words], at, 16)) {
		p->auxv_words += 2;
		at += 16;
		if (p->auxv[p->auxv_words - 2] == 0) /* AT_NULL ends it, included */
			break;
	}
}

/* The host's link for guest descriptor fd ("/etc/passwd", "pipe:[7]"), NUL-terminated. */
long fd_link(struct guest *g, int fd, char *buf, size_t size)
{
	char rel[32];
	snprintf(rel, sizeof(rel), "self/fd/%d", fd);
	ssize_t n = readlinkat(g->proc.host_proc, rel, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/* If fd is one of procfs's memfds, copies its canonical path into path and returns true. */
bool fd_procfs_path(struct guest *g, int fd, const struct stat *known, char *path, size_t size)
{
	struct stat st;
	if (!g->proc.memfd_dev || !host_proc_ok(g))
		return false;
	if (!known) {
		if (fstat(fd, &st) < 0)
			return false;
		known = &st;
	}
	if (known->st_dev != g->proc.memfd_dev)
		return false;
	char link[PATH_MAX];
	return fd_link(g, fd, link, sizeof(link)) > 0 && procfs_memfd_link_path(link, path, size);
}

bool procfs_memfd_link_path(const char *link, char *path, size_t size)
{
	static const char prefix[] = "/memfd:" MEMFD_TAG, suffix[] = " (deleted)";
	size_t n = strlen(link), plen = sizeof(prefix) - 1, slen = sizeof(suffix) - 1;
	if (n <= plen + slen || strncmp(link, prefix, plen) || strcmp(link + n - slen, suffix) ||
	    n - plen - slen >= size)
		return false;
	memcpy(path, link + plen, n - plen - slen);
	path[n - plen - slen] = 0;
	return true;
}

void procfs_unclaim_name(char *name)
{
	/* The tag ends in ':'; the guest's own memfd keeps its name otherwise. */
	if (!strncmp(name, MEMFD_TAG, sizeof(MEMFD_TAG) - 1))
		name[sizeof(MEMFD_TAG) - 2] = '-';
}

/* Called where mmap changes the region map, under whatever lock guards that. */
void procfs_name_mapping(struct guest *g, uint64_t addr, int fd, uint64_t offset)
{
	struct stat st;
	char name[PATH_MAX];
	if (fstat(fd, &st) < 0)
		return;
	bool named = host_proc_ok(g) && (fd_procfs_path(g, fd, &st, name, sizeof(name)) ||
					 fd_link(g, fd, name, sizeof(name)) > 0);
	vma_set_file(&g->mm.vmas, addr,
		     (struct vma_file){.offset = offset, .dev = st.st_dev, .ino = st.st_ino,
				       .size = (uint64_t)st.st_size,
				       .name = named ? name : NULL});
}

/* The calling guest thread's id (thread-self). */
int procfs_tid(void)
{
	return current ? current->tid : getpid();
}

/* Fills tids (MAX_VCPUS) with the guest's live threads, in ascending order: their count. */
int thread_ids(struct guest *g, int *tids)
{
	int n = 0;
	pthread_mutex_lock(&g->lock);
	for (struct thread *t = g->threads; t && n < MAX_VCPUS; t = t->next) {
		int i = n++;
		for (; i > 0 && tids[i - 1] > t->tid; i--)
			tids[i] = tids[i - 1];
		tids[i] = t->tid;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}

bool thread_exists(struct guest *g, long tid)
{
	int tids[MAX_VCPUS], n = thread_ids(g, tids);
	for (int i = 0; i < n; i++) {
		if (tids[i] == tid)
			return true;
	}
	return false;
}

/* ---- path resolution ---------------------------------------------------- */

/* Device nodes taken from the host's /dev when the rootfs has none. */
static const char *const dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};

enum res_kind {
	RES_NONE, /* neither /proc nor an emulated /dev node: the host's business */
	RES_NODE, /* a /proc entry */
	RES_HOST, /* a path in the rootfs that a /proc link led to */
	RES_FD,   /* the file behind /proc/<pid>/fd/N (N not itself a /proc entry) */
	RES_DEV,  /* a device node from the host's /dev */
};

struct resolved {
	enum res_kind kind;
	struct procfs_node node; /* RES_NODE */
	char host[PATH_MAX];     /* RES_HOST: the path; RES_DEV: the name under /dev */
	int fd;                  /* RES_FD */
};

/*
 * The absolute path for path relative to dirfd, in out. Returns 0, -errno,
 * or PROCFS_NOT_MINE when the base cannot be a guest path procfs cares
 * about (a deleted directory, a pipe, a path too long: the host decides).
 */
static long absolute_path(struct guest *g, int dirfd, const char *path, char *out, size_t size)
{
	char base[PATH_MAX];
	if (path[0] == '/') {
		base[0] = 0;
	} else if (dirfd == AT_FDCWD) {
		if (syscall(SYS_getcwd, base, sizeof(base)) < 0)
			return PROCFS_NOT_MINE;
	} else {
		struct stat st;
		if (fstat(dirfd, &st) < 0)
			return -EBADF;
		if (fd_procfs_path(g, dirfd, &st, base, sizeof(base))) {
			struct procfs_node n;
			if (node_from_path(g, base, &n) == 0 && n.type != PT_DIR)
				return -ENOTDIR;
		} else if (!S_ISDIR(st.st_mode) || fd_link(g, dirfd, base, sizeof(base)) < 0) {
			return PROCFS_NOT_MINE;
		}
	}
	if (path[0] != '/' && (base[0] != '/' || strstr(base, " (deleted)")))
		return PROCFS_NOT_MINE;
	int n = snprintf(out, size, "%s/%s", base, path);
	return n < 0 || (size_t)n >= size ? PROCFS_NOT_MINE : 0;
}

/* Appends /name to a host path; false if it no longer fits. */
static bool path_push(char *cur, const char *name)
{
	size_t len = strlen(cur), add = strlen(name);
	if (len + 1 + add >= PATH_MAX)
		return false;
	cur[len] = '/';
	memcpy(cur + len + 1, name, add + 1);
	return true;
}

static void path_pop(char *cur)
{
	char *slash = strrchr(cur, '/');
	if (slash)
		*slash = 0;
}

/* True when the rootfs has path itself (so the host, not the emulation, serves it). */
static bool rootfs_has(const char *path, bool link_into_proc_counts)
{
	char target[16];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	if (n >= 0) {
		/* A rootfs's /dev/stdout -> /proc/self/fd/1 leads into /proc: ours. */
		target[n] = 0;
		return !(link_into_proc_counts && !strncmp(target, "/proc/", 6));
	}
	return errno != ENOENT && errno != ENOTDIR;
}

/*
 * Resolves an absolute path. follow: whether a link in the last component
 * is followed. Returns 0 with *r filled, or -errno.
 */
static long resolve(struct guest *g, const char *path, bool follow, struct resolved *r)
{
	char todo[PATH_MAX], next[PATH_MAX], cur[PATH_MAX] = "";
	struct procfs_node node;
	bool in_proc = false, ours = false;
	bool trailing = path[0] && path[strlen(path) - 1] == '/';
	int links = 0;
	snprintf(todo, sizeof(todo), "%s", path);
	const char *p = todo;

	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/'), *rest = end;
		while (*rest == '/')
			rest++;
		if ((size_t)(end - p) > NAME_MAX) {
			r->kind = RES_NONE; /* the host's ENAMETOOLONG, unless it is ours */
			return in_proc || ours ? -ENAMETOOLONG : 0;
		}
		char name[NAME_MAX + 1];
		memcpy(name, p, (size_t)(end - p));
		name[end - p] = 0;
		bool last = !*rest, follow_this = !last || follow || trailing;
		p = end;

		if (in_proc && node.type != PT_DIR)
			return -ENOTDIR;
		if (!strcmp(name, "."))
			continue;
		if (!strcmp(name, "..")) {
			if (!in_proc) {
				path_pop(cur);
			} else if (!strcmp(node.path, "/proc")) {
				in_proc = false;
				cur[0] = 0;
			} else {
				path_pop(node.path);
				long err = node_from_path(g, node.path, &node);
				if (err)
					return err;
			}
			continue;
		}

		struct procfs_node child;
		if (!in_proc) {
			if (!path_push(cur, name)) {
				r->kind = RES_NONE;
				return ours ? -ENAMETOOLONG : 0;
			}
			if (!strcmp(cur, "/proc") && host_proc_ok(g)) {
				in_proc = ours = true;
				root_node(&node);
				continue;
			}
			int link = strncmp(cur, "/dev/", 5) ? -1 : dev_link_index(cur);
			if (link < 0 || rootfs_has(cur, true))
				continue;
			ours = true;
			long err = node_from_path(g, cur, &child);
			if (err)
				return err;
		} else {
			long err = dir_child(g, &node, name, &child);
			if (err)
				return err;
		}
		if (child.type != PT_LINK || !follow_this) {
			node = child;
			in_proc = true;
			continue;
		}

		/* A link to follow. fd/N at the end reopens the file itself, as Linux does. */
		if (++links > MAX_LINKS)
			return -ELOOP;
		char target[PATH_MAX];
		/* (Another process's fd/N is followed as its path: its descriptors are not this monitor's.) */
		if (child.kind == PK_FD_LINK && last && !trailing && !procfs_remote(&child) &&
		    !fd_procfs_path(g, child.fd, NULL, target, sizeof(target))) {
			r->kind = RES_FD;
			r->fd = child.fd;
			return 0;
		}
		long err = link_target(g, &child, target, sizeof(target));
		if (err)
			return err;
		if (child.kind == PK_FD_LINK && target[0] != '/')
			return -ENOTDIR; /* pipe:[N], socket:[N]: nothing to walk into */
		/* Relative targets (self, thread-self, mounts) are relative to /proc. */
		int n = snprintf(next, sizeof(next), "%s%s/%s", target[0] == '/' ? "" : "/proc/", target, rest);
		if (n < 0 || (size_t)n >= sizeof(next))
			return -ENAMETOOLONG;
		memcpy(todo, next, (size_t)n + 1);
		p = todo;
		in_proc = false;
		cur[0] = 0;
	}

	if (in_proc) {
		if (trailing && node.type != PT_DIR)
			return -ENOTDIR;
		r->kind = RES_NODE;
		r->node = node;
		return 0;
	}
	const char *name = strncmp(cur, "/dev/", 5) ? NULL : cur + 5;
	for (size_t i = 0; name && i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		if (!strcmp(name, dev_nodes[i]) && g->proc.host_dev >= GUEST_FD_LIMIT && !rootfs_has(cur, false)) {
			r->kind = RES_DEV;
			snprintf(r->host, sizeof(r->host), "%s", name);
			return trailing ? -ENOTDIR : 0;
		}
	}
	r->kind = ours ? RES_HOST : RES_NONE;
	snprintf(r->host, sizeof(r->host), "%s", cur[0] ? cur : "/");
	if (trailing && ours)
		strcat(r->host, cur[0] ? "/" : "");
	return 0;
}

/*
 * The whole lookup for a hook: the guest's path against dirfd. An empty path
 * with AT_EMPTY_PATH names dirfd itself. Returns 0, -errno or PROCFS_NOT_MINE.
 */
static long lookup(struct guest *g, int dirfd, const char *path, int at_flags, bool follow,
		   struct resolved *r)
{
	char abs[PATH_MAX];
	if (!path[0]) {
		if (!(at_flags & AT_EMPTY_PATH) || dirfd == AT_FDCWD ||
		    !fd_procfs_path(g, dirfd, NULL, abs, sizeof(abs)))
			return PROCFS_NOT_MINE;
		r->kind = RES_NODE;
		return node_from_path(g, abs, &r->node);
	}
	long err = absolute_path(g, dirfd, path, abs, sizeof(abs));
	if (err)
		return err;
	err = resolve(g, abs, follow, r);
	if (!err && r->kind == RES_NONE)
		return PROCFS_NOT_MINE;
	return err;
}

/* ---- stat --------------------------------------------------------------- */

static uint64_t node_ino(const char *path)
{
	if (!strcmp(path, "/proc"))
		return 1; /* Linux's PROC_ROOT_INO */
	uint32_t h = 2166136261u; /* FNV-1a: stable numbers per path */
	for (const char *c = path; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return h < 2 ? h + 2 : h;
}


static void node_stat(struct guest *g, const struct procfs_node *n, struct stat *st)
{
	static const mode_t type_bits[] = {[PT_FILE] = S_IFREG, [PT_DIR] = S_IFDIR, [PT_LINK] = S_IFLNK};
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	*st = (struct stat){
		.st_dev = g->proc.proc_dev, .st_ino = node_ino(n->path), .st_mode = type_bits[n->type] | n->mode,
		.st_nlink = 1, .st_uid = n->owned ? geteuid() : 0, .st_gid = n->owned ? getegid() : 0,
		.st_blksize = 1024, .st_atim = now, .st_mtim = now, .st_ctim = now,
	};
	if (n->type == PT_DIR) {
		/* Two links plus one per subdirectory's "..", as on any Linux directory. */
		struct dir_name *names = malloc(MAX_DIR_NAMES * sizeof(*names));
		long count = names ? dir_list(g, n, names) : 0;
		st->st_nlink = 2;
		for (long i = 0; i < count; i++)
			st->st_nlink += names[i].type == PT_DIR;
		/* Linux (6.2 on) gives fd/ the number of open descriptors as its size. */
		if (n->kind == PK_FD && count > 0)
			st->st_size = count;
		free(names);
	}
}

void procfs_fix_stat(struct guest *g, int fd, struct stat *st)
{
	char path[PATH_MAX];
	if (!fd_procfs_path(g, fd, st, path, sizeof(path)))
		return;
	struct procfs_node n;
	if (node_from_path(g, path, &n)) {
		/* The entry went away (fdinfo/N of a closed N): still a /proc file. */
		n = (struct procfs_node){.type = PT_FILE, .mode = 0444, .fd = -1};
		if (strlen(path) >= sizeof(n.path))
			return;
		memcpy(n.path, path, strlen(path) + 1);
	}
	node_stat(g, &n, st);
}

static void stat_to_statx(const struct stat *st, struct statx *sx)
{
	*sx = (struct statx){
		.stx_mask = STATX_BASIC_STATS, .stx_blksize = (uint32_t)st->st_blksize,
		.stx_nlink = (uint32_t)st->st_nlink, .stx_uid = st->st_uid, .stx_gid = st->st_gid,
		.stx_mode = (uint16_t)st->st_mode, .stx_ino = st->st_ino, .stx_size = (uint64_t)st->st_size,
		.stx_blocks = (uint64_t)st->st_blocks,
		.stx_atime = {st->st_atim.tv_sec, (uint32_t)st->st_atim.tv_nsec},
		.stx_ctime = {st->st_ctim.tv_sec, (uint32_t)st->st_ctim.tv_nsec},
		.stx_mtime = {st->st_mtim.tv_sec, (uint32_t)st->st_mtim.tv_nsec},
		.stx_dev_major = major(st->st_dev), .stx_dev_minor = minor(st->st_dev),
	};
}

#define STAT_FLAGS (AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH)

long procfs_fstatat(struct guest *g, int dirfd, const char *path, int flags, uint64_t buf)
{
	struct stat st;
	if (!path[0] && (flags & AT_EMPTY_PATH) && !(flags & ~STAT_FLAGS)) {
		/* fstat() itself, as glibc makes it: the host's answer, made to look like /proc's. */
		if (fstatat(dirfd, "", &st, flags) < 0)
			return -errno;
		procfs_fix_stat(g, dirfd, &st);
		return gmem_copy_out(&g->mm, buf, &st, sizeof(st));
	}
	struct resolved r;
	long err = lookup(g, dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &r);
	if (err != PROCFS_NOT_MINE && (flags & ~STAT_FLAGS))
		return -EINVAL;
	if (err)
		return err;
	switch (r.kind) {
	case RES_NODE:
		node_stat(g, &r.node, &st);
		break;
	case RES_FD:
		if (fstat(r.fd, &st) < 0)
			return -errno;
		procfs_fix_stat(g, r.fd, &st);
		break;
	case RES_DEV:
		if (fstatat(g->proc.host_dev, r.host, &st, flags & AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		break;
	default:
		if (fstatat(AT_FDCWD, r.host, &st, flags) < 0)
			return -errno;
	}
	return gmem_copy_out(&g->mm, buf, &st, sizeof(st));
}

/* statx of a descriptor: the host's answer, made to look like /proc's for an opened entry. */
static long statx_fd(struct guest *g, int fd, int flags, unsigned mask, struct statx *sx)
{
	if (syscall(SYS_statx, fd, "", flags | AT_EMPTY_PATH, mask, sx) < 0)
		return -errno;
	if (g->proc.memfd_dev && makedev(sx->stx_dev_major, sx->stx_dev_minor) == (dev_t)g->proc.memfd_dev) {
		struct stat st;
		if (fstat(fd, &st) < 0)
			return -errno;
		procfs_fix_stat(g, fd, &st);
		stat_to_statx(&st, sx);
	}
	return 0;
}

long procfs_statx(struct guest *g, int dirfd, const char *path, int flags, unsigned mask, uint64_t buf)
{
	struct statx sx;
	struct stat st;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		long err = statx_fd(g, dirfd, flags, mask, &sx);
		return err ? err : gmem_copy_out(&g->mm, buf, &sx, sizeof(sx));
	}
	struct resolved r;
	long err = lookup(g, dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &r);
	if (err != PROCFS_NOT_MINE && ((flags & ~(STAT_FLAGS | AT_STATX_SYNC_TYPE)) ||
					(flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED)))
		return -EINVAL;
	if (err)
		return err;
	switch (r.kind) {
	case RES_NODE:
		node_stat(g, &r.node, &st);
		stat_to_statx(&st, &sx);
		break;
	case RES_FD:
		err = statx_fd(g, r.fd, flags & AT_STATX_SYNC_TYPE, mask, &sx);
		if (err)
			return err;
		break;
	case RES_DEV:
		if (syscall(SYS_statx, g->proc.host_dev, r.host, flags & AT_SYMLINK_NOFOLLOW, mask, &sx) < 0)
			return -errno;
		break;
	default:
		if (syscall(SYS_statx, AT_FDCWD, r.host, flags, mask, &sx) < 0)
			return -errno;
	}
	return gmem_copy_out(&g->mm, buf, &sx, sizeof(sx));
}

/* ---- open --------------------------------------------------------------- */

/*
 * A memfd named after the entry, holding data, handed to the guest opened
 * read-only (as Linux opens /proc files) with the guest's other flags.
 */
static long open_memfd(struct guest *g, const char *path, const char *data, size_t len, int flags)
{
	char name[sizeof(MEMFD_TAG) + sizeof(((struct procfs_node *)0)->path)];
	snprintf(name, sizeof(name), MEMFD_TAG "%s", path);
	int fd = fd_move_to_monitor(memfd_create(name, MFD_CLOEXEC));
	if (fd < 0)
		return -errno;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		done += (size_t)n;
	}
	char rel[32];
	snprintf(rel, sizeof(rel), "self/fd/%d", fd);
	int keep = O_CLOEXEC | O_NONBLOCK | O_PATH | O_NOATIME;
	long r = guest_new_fd(openat(g->proc.host_proc, rel, O_RDONLY | (flags & keep)));
	close(fd);
	return r;
}

/* Generates file node n and opens it for the guest. */
static long open_file(struct guest *g, const struct procfs_node *n, int flags)
{
	char *data = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&data, &len);
	if (!out)
		return -ENOMEM;
	int err = procfs_generate(g, n, out);
	if (fclose(out) && !err)
		err = -ENOMEM;
	long r = err ? err : open_memfd(g, n->path, data, len, flags);
	free(data);
	return r;
}

long procfs_openat(struct guest *g, int dirfd, const char *path, int flags, int mode)
{
	struct resolved r;
	long err = lookup(g, dirfd, path, 0, !(flags & O_NOFOLLOW), &r);
	if (err)
		return err;
	bool tmpfile = (flags & __O_TMPFILE) == __O_TMPFILE;
	int acc = flags & O_ACCMODE;
	switch (r.kind) {
	case RES_HOST:
		return guest_new_fd(openat(AT_FDCWD, r.host, flags, (mode_t)mode));
	case RES_FD: {
		char rel[32];
		snprintf(rel, sizeof(rel), "self/fd/%d", r.fd);
		return guest_new_fd(openat(g->proc.host_proc, rel, flags, (mode_t)mode));
	}
	case RES_DEV:
		/* Never create anything in the host's /dev: the node exists. */
		if (tmpfile)
			return -ENOTDIR;
		if ((flags & O_CREAT) && (flags & O_EXCL))
			return -EEXIST;
		return guest_new_fd(openat(g->proc.host_dev, r.host, flags & ~(O_CREAT | O_EXCL), 0));
	default:
		break;
	}
	const struct procfs_node *n = &r.node;
	if ((flags & O_CREAT) && (flags & O_EXCL))
		return -EEXIST;
	if (n->type == PT_LINK) /* only reached with O_NOFOLLOW */
		return flags & O_PATH ? open_memfd(g, n->path, NULL, 0, flags) : -ELOOP;
	if (n->type == PT_DIR) {
		if (tmpfile)
			return -EOPNOTSUPP;
		if (acc != O_RDONLY || (flags & O_CREAT))
			return -EISDIR;
		return open_memfd(g, n->path, NULL, 0, flags);
	}
	if ((flags & O_DIRECTORY) || tmpfile)
		return -ENOTDIR;
	/* As for an unprivileged process: /proc files are not the guest's to write. */
	if (acc != O_RDONLY || (flags & O_TRUNC))
		return -EACCES;
	return open_file(g, n, flags);
}

/* ---- access, readlink, chdir ------------------------------------------- */

long procfs_faccessat(struct guest *g, int dirfd, const char *path, int mode, int flags)
{
	struct resolved r;
	long err = lookup(g, dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &r);
	if (err != PROCFS_NOT_MINE &&
	    ((mode & ~(R_OK | W_OK | X_OK)) || (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))))
		return -EINVAL;
	if (err)
		return err;
	char rel[32];
	switch (r.kind) {
	case RES_NODE: {
		/* The owner's or everyone's bits, as for a process without privileges. */
		unsigned bits = r.node.owned ? r.node.mode >> 6 : r.node.mode;
		return (unsigned)mode & ~bits & 7 ? -EACCES : 0;
	}
	case RES_FD:
		snprintf(rel, sizeof(rel), "self/fd/%d", r.fd);
		return host_result(syscall(SYS_faccessat2, g->proc.host_proc, rel, mode, flags & ~AT_EMPTY_PATH));
	case RES_DEV:
		return host_result(syscall(SYS_faccessat2, g->proc.host_dev, r.host, mode, flags & ~AT_EMPTY_PATH));
	default:
		return host_result(syscall(SYS_faccessat2, AT_FDCWD, r.host, mode, flags & ~AT_EMPTY_PATH));
	}
}

long procfs_readlinkat(struct guest *g, int dirfd, const char *path, uint64_t buf, int size)
{
	struct resolved r;
	long err = lookup(g, dirfd, path, AT_EMPTY_PATH, false, &r);
	if (err)
		return err;
	char target[PATH_MAX];
	ssize_t n;
	if (r.kind == RES_HOST) {
		n = readlink(r.host, target, sizeof(target));
		if (n < 0)
			return -errno;
	} else if (r.kind == RES_NODE && r.node.type == PT_LINK) {
		err = link_target(g, &r.node, target, sizeof(target));
		if (err)
			return err;
		n = (ssize_t)strlen(target);
	} else {
		return -EINVAL;
	}
	if (n > size)
		n = size;
	return gmem_copy_out(&g->mm, buf, target, (size_t)n) ? -EFAULT : n;
}

long procfs_program_path(struct guest *g, int dirfd, const char *path, char *out, size_t size)
{
	struct resolved r;
	long err = lookup(g, dirfd, path, 0, true, &r);
	if (err)
		return err;
	if (r.kind == RES_NONE)
		return PROCFS_NOT_MINE;
	/* Only a link out of /proc (exe, cwd/..., root/...) leads to something that can run. */
	if (r.kind != RES_HOST)
		return -EACCES;
	snprintf(out, size, "%s", r.host);
	return 0;
}

long procfs_chdir(struct guest *g, const char *path)
{
	struct resolved r;
	long err = lookup(g, AT_FDCWD, path, 0, true, &r);
	if (err)
		return err;
	switch (r.kind) {
	case RES_HOST:
		return host_result(chdir(r.host));
	case RES_FD:
		return host_result(fchdir(r.fd));
	case RES_DEV:
		return -ENOTDIR;
	default:
		if (r.node.type != PT_DIR)
			return -ENOTDIR;
		/*
		 * The working directory is the host's, and only directories the
		 * rootfs has can be one: /proc itself (its mount point), usually.
		 * Relative paths from there resolve through the emulation again.
		 */
		return chdir(r.node.path) == 0 ? 0 : -EACCES;
	}
}

/* ---- getdents64 --------------------------------------------------------- */

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/*
 * Lays out the entries of dir from index *pos into out (len bytes): returns
 * their size (0 at the end) and advances *pos, or -errno.
 */
static long list_into(struct guest *g, const struct procfs_node *dir, struct dir_name *names, off_t *pos,
		      char *out, size_t len)
{
	long count = dir_list(g, dir, names + 2);
	if (count < 0)
		return count;
	strcpy(names[0].name, ".");
	strcpy(names[1].name, "..");
	names[0].type = names[1].type = PT_DIR;
	count += 2;

	static const uint8_t dtype[] = {[PT_FILE] = DT_REG, [PT_DIR] = DT_DIR, [PT_LINK] = DT_LNK};
	size_t used = 0;
	for (; *pos >= 0 && *pos < count; ++*pos) {
		const char *name = names[*pos].name;
		size_t reclen = (offsetof(struct linux_dirent64, d_name) + strlen(name) + 1 + 7) & ~(size_t)7;
		if (used + reclen > len)
			break;
		/* "." is the directory, ".." its parent, the rest their own paths: one inode number each. */
		char child[PATH_MAX];
		if (*pos == 1 && strcmp(dir->path, "/proc"))
			snprintf(child, sizeof(child), "%.*s", (int)(strrchr(dir->path, '/') - dir->path), dir->path);
		else if (*pos < 2)
			snprintf(child, sizeof(child), "%s", dir->path);
		else
			snprintf(child, sizeof(child), "%s/%s", dir->path, name);
		struct linux_dirent64 *d = (struct linux_dirent64 *)(out + used);
		memset(d, 0, reclen);
		d->d_ino = node_ino(child);
		d->d_off = *pos + 1;
		d->d_reclen = (uint16_t)reclen;
		d->d_type = dtype[names[*pos].type];
		memcpy(d->d_name, name, strlen(name));
		used += reclen;
	}
	if (used == 0 && *pos >= 0 && *pos < count)
		return -EINVAL; /* not even one entry fits */
	return (long)used;
}

long procfs_getdents64(struct guest *g, int fd, uint64_t buf, size_t len)
{
	char path[PATH_MAX];
	if (!guest_fd_valid(fd) || !fd_procfs_path(g, fd, NULL, path, sizeof(path)))
		return PROCFS_NOT_MINE;
	if (fcntl(fd, F_GETFL) & O_PATH)
		return -EBADF;
	struct procfs_node dir;
	if (node_from_path(g, path, &dir))
		return -ENOENT; /* gone, like a dead process's directory */
	if (dir.type != PT_DIR)
		return -ENOTDIR;
	if (!gmem_range_ok(buf, len))
		return -EFAULT;
	enum { OUT_MAX = 32 * 1024 };
	struct dir_name *names = malloc((MAX_DIR_NAMES + 2) * sizeof(*names));
	char *out = malloc(OUT_MAX);
	/* The descriptor's file offset is the index of the next entry. */
	off_t pos = lseek(fd, 0, SEEK_CUR);
	long r = names && out ? list_into(g, &dir, names, &pos, out, len < OUT_MAX ? len : OUT_MAX) : -ENOMEM;
	if (r > 0 && gmem_copy_out(&g->mm, buf, out, (size_t)r))
		r = -EFAULT;
	if (r > 0)
		lseek(fd, pos, SEEK_SET);
	free(names);
	free(out);
	return r;
}

/* ---- statfs and the xattr calls ----------------------------------------- */

#define PROC_SUPER_MAGIC 0x9fa0
#define TMPFS_MAGIC 0x01021994
#define KERNEL_ST_VALID 0x0020 /* statfs says its f_flags are meaningful */

/* /proc's filesystem figures, mount flags as /proc/self/mounts shows them. */
static void proc_statfs(struct guest *g, struct statfs *st)
{
	dev_t dev = g->proc.proc_dev;
	*st = (struct statfs){
		.f_type = PROC_SUPER_MAGIC, .f_bsize = 4096, .f_frsize = 4096, .f_namelen = NAME_MAX,
		.f_flags = ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RELATIME | KERNEL_ST_VALID,
	};
	st->f_fsid.__val[0] = (int)(minor(dev) | major(dev) << 8);
}

long procfs_statfs(struct guest *g, const char *path, uint64_t buf)
{
	struct resolved r;
	long err = lookup(g, AT_FDCWD, path, 0, true, &r);
	if (err)
		return err;
	struct statfs st;
	if (r.kind == RES_NODE)
		proc_statfs(g, &st);
	else if (r.kind == RES_FD ? fstatfs(r.fd, &st) : r.kind == RES_DEV ? fstatfs(g->proc.host_dev, &st)
										: statfs(r.host, &st))
		return -errno;
	return gmem_copy_out(&g->mm, buf, &st, sizeof(st));
}

void procfs_fix_statfs(struct guest *g, int fd, struct statfs *st)
{
	char path[PATH_MAX];
	if (st->f_type == TMPFS_MAGIC && fd_procfs_path(g, fd, NULL, path, sizeof(path)))
		proc_statfs(g, st); /* memfds live on an internal tmpfs */
}

long procfs_xattr_path(struct guest *g, char *path, bool follow)
{
	struct resolved r;
	long err = lookup(g, AT_FDCWD, path, 0, follow, &r);
	if (err == PROCFS_NOT_MINE)
		return 0;
	if (err)
		return err;
	if (r.kind != RES_HOST)
		return -EOPNOTSUPP; /* /proc keeps no extended attributes */
	memcpy(path, r.host, strlen(r.host) + 1);
	return 0;
}
