// SPDX-License-Identifier: Apache-2.0
// Mount destinations are resolved with openat2(RESOLVE_IN_ROOT): a symlink
// in the rootfs (which the image controls) can never lead a mount outside
// it. The mount then goes onto /proc/self/fd/N of the resolved directory.
#include "jail/mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jail/jail.h"
#include "jail/userns.h"
#include "util/tree.h"
#include "util/log.h"

static const struct {
	const char *name;
	unsigned long flag;
	bool clear;
} mount_options[] = {
	{"ro", MS_RDONLY, false}, {"rw", MS_RDONLY, true}, {"nosuid", MS_NOSUID, false}, {"suid", MS_NOSUID, true},
	{"nodev", MS_NODEV, false}, {"dev", MS_NODEV, true}, {"noexec", MS_NOEXEC, false}, {"exec", MS_NOEXEC, true},
	{"sync", MS_SYNCHRONOUS, false}, {"async", MS_SYNCHRONOUS, true}, {"dirsync", MS_DIRSYNC, false},
	{"noatime", MS_NOATIME, false}, {"atime", MS_NOATIME, true}, {"nodiratime", MS_NODIRATIME, false},
	{"diratime", MS_NODIRATIME, true}, {"relatime", MS_RELATIME, false}, {"norelatime", MS_RELATIME, true},
	{"strictatime", MS_STRICTATIME, false},
	/* Propagation: every mount here is private to the container anyway. */
	{"private", 0, false}, {"rprivate", 0, false}, {"slave", 0, false}, {"rslave", 0, false},
	{"shared", 0, false}, {"rshared", 0, false}, {"unbindable", 0, false}, {"runbindable", 0, false},
};

static int append_data(char **data, const char *opt)
{
	char *joined;
	if (asprintf(&joined, "%s%s%s", *data ? *data : "", *data ? "," : "", opt) < 0)
		return -1;
	free(*data);
	*data = joined;
	return 0;
}

int jail_mount_parse(struct jail_mount *m, char **options, const char **why)
{
	/* The guest's /proc is the monitor's. */
	static const char *const provided[] = {"proc"};
	bool bind = m->type && !strcmp(m->type, "bind");
	for (size_t i = 0; options && options[i]; i++) {
		if (!strcmp(options[i], "bind") || !strcmp(options[i], "rbind")) {
			bind = true;
			m->recursive |= options[i][0] == 'r';
			continue;
		}
		if (!strcmp(options[i], "tmpcopyup")) { /* podman's, as runc and crun take it */
			m->copy_up = true;
			continue;
		}
		size_t k = 0;
		while (k < sizeof(mount_options) / sizeof(mount_options[0]) && strcmp(options[i], mount_options[k].name))
			k++;
		if (k < sizeof(mount_options) / sizeof(mount_options[0])) {
			if (mount_options[k].clear)
				m->flags &= ~mount_options[k].flag;
			else
				m->flags |= mount_options[k].flag;
		} else if (append_data(&m->data, options[i]) < 0) {
			*why = "out of memory";
			return -1;
		}
	}
	for (size_t k = 0; !bind && m->type && k < sizeof(provided) / sizeof(provided[0]); k++) {
		if (!strcmp(m->type, provided[k]))
			return 0;
	}
	if (bind) {
		if (m->data) {
			*why = "unknown options for a bind mount";
			return -1;
		}
		if (!m->source || m->source[0] != '/') {
			*why = "a bind mount needs an absolute source";
			return -1;
		}
		free(m->type);
		m->type = strdup("bind");
		return 1;
	}
	/* sysfs shows the container's network namespace; mqueue, its ipc namespace's queues. */
	if (m->type && (!strcmp(m->type, "tmpfs") || !strcmp(m->type, "sysfs") || !strcmp(m->type, "mqueue")))
		return 1;
	if (m->type && (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"))) {
		free(m->type);
		m->type = strdup("cgroup");
		return 1;
	}
	/* Always a new instance: the host's ptys (other users' terminals) never show. */
	if (m->type && !strcmp(m->type, "devpts")) {
		if ((!m->data || !strstr(m->data, "newinstance")) && append_data(&m->data, "newinstance") < 0) {
			*why = "out of memory";
			return -1;
		}
		return 1;
	}
	*why = "mounts of this type are not supported yet";
	return -1;
}

void jail_mount_free(struct jail_mount *m)
{
	free(m->destination);
	free(m->source);
	free(m->type);
	free(m->data);
	*m = (struct jail_mount){0};
}


/*
 * Opens destination inside the root as an O_PATH descriptor, making what is
 * missing on the way: directories, and at the end a directory, or an empty
 * file when a file is bound there.
 */
static int make_destination(int root, const char *destination, bool file)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s", destination);
	for (char *cursor = path;;) {
		char *slash = strchr(cursor + 1, '/');
		if (slash)
			*slash = 0;
		int fd = tree_open_in(root, path, O_PATH);
		if (fd < 0 && errno == ENOENT) {
			char *base = strrchr(path, '/');
			*base = 0;
			int parent = tree_open_in(root, *path ? path : "/", O_PATH | O_DIRECTORY);
			*base = '/';
			if (parent < 0)
				return -1;
			bool empty_file = !slash && file;
			int made = empty_file ? mknodat(parent, base + 1, S_IFREG | 0644, 0) : mkdirat(parent, base + 1, 0755);
			close(parent);
			if (made < 0 && errno != EEXIST)
				return -1;
			fd = tree_open_in(root, path, O_PATH);
		}
		if (!slash || fd < 0)
			return fd;
		close(fd);
		*slash = '/';
		cursor = slash;
	}
}

/* Copies directory from's entries into to (both directory descriptors): files, directories, links. */

/*
 * Device node name in directory dir: made, or in a user namespace (where a
 * node made is unusable, its filesystem being nodev there) the host's node
 * host bound over an empty file, as runc does.
 */
static int make_device(int dir, const char *name, mode_t mode, dev_t rdev, const char *host)
{
	if (!userns_is_child())
		return mknodat(dir, name, mode, rdev) < 0 || fchmodat(dir, name, mode & 07777, 0) < 0 ? -1 : 0;
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d/%s", dir, name);
	return mount(host, target, NULL, MS_BIND, NULL);
}

/*
 * A tmpfs at /dev starts empty: it gets the nodes and links every container
 * has, as runc makes them (the devices cgroup allows exactly these).
 */
static int populate_dev(int dev)
{
	static const struct {
		const char *name;
		unsigned major, minor;
	} nodes[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const struct {
		const char *name, *target;
	} links[] = {{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
		     {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"}, {"core", "/proc/kcore"}};
	for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		char host[32];
		snprintf(host, sizeof(host), "/dev/%s", nodes[i].name);
		/* 0666 past the umask */
		if (make_device(dev, nodes[i].name, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor), host) < 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (symlinkat(links[i].target, dev, links[i].name) < 0)
			return -1;
	}
	return mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0 ? -1 : 0;
}

/* A remount of the bind mount the descriptor is, read-only if asked. */
static int cgroup_flags(int fd, unsigned long flags)
{
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (!(flags & MS_RDONLY))
		return 0;
	return mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* The host's source bound on name (made) in directory dir, read-only if asked. */
static int bind_cgroup(const char *source, int dir, const char *name, unsigned long flags)
{
	char target[PATH_MAX];
	if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
		return -1;
	snprintf(target, sizeof(target), "/proc/self/fd/%d/%s", dir, name);
	if (mount(source, target, NULL, MS_BIND, NULL) < 0)
		return -1;
	/* Opened again, the path leads to the new mount (the descriptor's path, to what it covers). */
	int fd = openat(dir, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int err = fd < 0 ? -1 : cgroup_flags(fd, flags);
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * A cgroup mount, as runc makes one without a cgroup namespace: the
 * container's own cgroup (this process entered it before the mounts), bound
 * from the host's tree: on v2 at the destination, on v1 and hybrid hosts
 * one directory per hierarchy on a tmpfs.
 */
static int make_cgroup_mount(int root, int at, const struct jail_mount *m)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -1;
	struct statfs fs;
	bool v2 = statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
	char target[64], line[PATH_MAX + 128], source[2 * PATH_MAX];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", at);
	int err = v2 ? 0 : mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755");
	while (!err && fgets(line, sizeof(line), f)) {
		char *controllers = strchr(line, ':'), *path = controllers ? strchr(controllers + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = 0;
		path[strcspn(path, "\n")] = 0;
		controllers++;
		if (v2) {
			snprintf(source, sizeof(source), "/sys/fs/cgroup%s", path);
			err = mount(source, target, NULL, MS_BIND, NULL);
			break;
		}
		if (!*controllers)
			continue; /* a hybrid host's unified hierarchy: runc leaves it out too */
		const char *name = !strncmp(controllers, "name=", 5) ? controllers + 5 : controllers;
		snprintf(source, sizeof(source), "/sys/fs/cgroup/%s%s", name, path);
		/* Opened again each time, the destination is the tmpfs (the descriptor is what it covers). */
		int inside = access(source, F_OK) == 0 ? tree_open_in(root, m->destination, O_PATH | O_DIRECTORY) : -2;
		if (inside != -2)
			err = inside < 0 ? -1 : bind_cgroup(source, inside, name, m->flags);
		if (inside >= 0)
			close(inside);
	}
	fclose(f);
	/* The tmpfs itself stays writable, as runc leaves it; the hierarchies are read-only if asked. */
	int top = err || !v2 ? -1 : tree_open_in(root, m->destination, O_PATH | O_DIRECTORY);
	if (!err && v2)
		err = top < 0 ? -1 : cgroup_flags(top, m->flags);
	if (top >= 0)
		close(top);
	return err;
}

static int make_one(int root, const struct jail_mount *m)
{
	bool bind = !strcmp(m->type, "bind");
	struct stat st;
	if (bind && stat(m->source, &st) < 0)
		return -1;
	int fd = make_destination(root, m->destination, bind && !S_ISDIR(st.st_mode));
	if (fd < 0)
		return -1;
	char target[64];
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	int err;
	if (bind) {
		err = mount(m->source, target, NULL, MS_BIND | (m->recursive ? MS_REC : 0), NULL);
		close(fd);
		/* Flags on a bind take a remount, of the new mount: opened again, it is what the path leads to. */
		if (!err && m->flags && (fd = tree_open_in(root, m->destination, O_PATH)) >= 0) {
			snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
			err = mount(NULL, target, NULL, MS_REMOUNT | MS_BIND | m->flags, NULL);
			close(fd);
		}
	} else if (!strcmp(m->type, "cgroup")) {
		err = make_cgroup_mount(root, fd, m);
		close(fd);
	} else if (strcmp(m->type, "tmpfs")) { /* devpts, sysfs, mqueue */
		err = mount(m->type, target, m->type, m->flags, m->data);
		close(fd);
	} else {
		/* What the directory held, seen through a descriptor opened before the mount hides it. */
		int below = m->copy_up ? open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		err = mount(m->source ? m->source : "tmpfs", target, "tmpfs", m->flags, m->data);
		close(fd);
		if (below >= 0) {
			int above = err ? -1 : tree_open_in(root, m->destination, O_RDONLY | O_DIRECTORY);
			if (!err)
				err = above < 0 ? -1 : tree_copy(below, above);
			if (above >= 0)
				close(above);
			close(below);
		}
		int dev = !err && !strcmp(m->destination, "/dev") ? tree_open_in(root, "/dev", O_PATH | O_DIRECTORY) : -1;
		if (dev >= 0) {
			err = populate_dev(dev);
			close(dev);
		}
	}
	return err;
}

int jail_mounts_make(const char *root, const struct jail_mount *mounts, size_t n)
{
	int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		log_error("rootfs %s: %s", root, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (make_one(rootfd, &mounts[i]) < 0) {
			log_error("mount %s on %s: %s", mounts[i].source ? mounts[i].source : mounts[i].type,
				  mounts[i].destination, strerror(errno));
			close(rootfd);
			return -1;
		}
	}
	close(rootfd);
	return 0;
}

int jail_devices_make(const char *root, const struct jail_device *devices, size_t n)
{
	int rootfd = n ? open(root, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	for (size_t i = 0; i < n; i++) {
		const struct jail_device *d = &devices[i];
		char parent[4096];
		snprintf(parent, sizeof(parent), "%s", d->path);
		char *base = strrchr(parent, '/');
		*base = 0;
		int dir = rootfd < 0 ? -1 : make_destination(rootfd, *parent ? parent : "/", false);
		int dirfd = dir < 0 ? -1 : openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		mode_t type = d->type == 'p' ? S_IFIFO : d->type == 'b' ? S_IFBLK : S_IFCHR;
		unlinkat(dirfd, base + 1, 0); /* the config's node replaces what the image had */
		/* In a user namespace the host's node at the same path stands in, with its owner and mode. */
		int err = dirfd < 0 || make_device(dirfd, base + 1, type | (d->mode & 07777), makedev(d->major, d->minor), d->path) < 0 ||
			  (!userns_is_child() && fchownat(dirfd, base + 1, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0);
		if (dir >= 0)
			close(dir);
		if (dirfd >= 0)
			close(dirfd);
		if (err) {
			log_error("device %s: %s", d->path, strerror(errno));
			if (rootfd >= 0)
				close(rootfd);
			return -1;
		}
	}
	if (rootfd >= 0)
		close(rootfd);
	return 0;
}
