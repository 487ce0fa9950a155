// SPDX-License-Identifier: Apache-2.0
// Untrusted directory trees (see tree.h).
#include "util/tree.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int tree_open_in(int root, const char *path, int flags)
{
	struct open_how how = {.flags = (uint64_t)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	return (int)syscall(SYS_openat2, root, *path ? path : ".", &how, sizeof(how));
}

int tree_open_dirs(int root, const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	int fd = tree_open_in(root, dir, O_PATH | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* Made one component at a time, each inside the root. */
	int at = tree_open_in(root, "", O_PATH | O_DIRECTORY);
	for (char *p = dir; at >= 0 && *p;) {
		char *end = strchrnul(p, '/');
		char saved = *end;
		*end = 0;
		if (*p && mkdirat(at, p, 0755) < 0 && errno != EEXIST) {
			close(at);
			return -1;
		}
		*end = saved;
		close(at);
		char sofar[PATH_MAX];
		snprintf(sofar, sizeof(sofar), "%.*s", (int)(end - dir), dir);
		at = tree_open_in(root, sofar, O_PATH | O_DIRECTORY);
		p = *end ? end + 1 : end;
	}
	return at;
}

int tree_remove_at(int dir, const char *name)
{
	if (unlinkat(dir, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR)
		return -1;
	int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int err = 0;
	for (struct dirent *e; !err && (e = readdir(d));)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			err = tree_remove_at(dirfd(d), e->d_name);
	closedir(d);
	return err ? err : unlinkat(dir, name, AT_REMOVEDIR);
}

int tree_remove(const char *path)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash || !slash[1]) {
		errno = EINVAL;
		return -1;
	}
	*slash = 0;
	int dir = open(*parent ? parent : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int err = dir < 0 ? -1 : tree_remove_at(dir, slash + 1);
	if (dir >= 0)
		close(dir);
	return err;
}

/* What the directory held, copied (tmpcopyup, and a container's root where overlayfs is missing). */
int tree_copy(int from, int to)
{
	int list = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = list < 0 ? NULL : fdopendir(list);
	if (!d)
		return -1;
	int err = 0;
	for (struct dirent *e; !err && (e = readdir(d));) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err = -1;
		} else if (S_ISDIR(st.st_mode)) {
			int a = -1, b = -1;
			err = mkdirat(to, e->d_name, st.st_mode & 07777) < 0 ||
			      (a = openat(from, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
			      (b = openat(to, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
			      tree_copy(a, b) < 0 ? -1 : 0;
			if (a >= 0)
				close(a);
			if (b >= 0)
				close(b);
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t n = readlinkat(from, e->d_name, target, sizeof(target) - 1);
			err = n < 0 ? -1 : (target[n] = 0, symlinkat(target, to, e->d_name));
		} else if (S_ISREG(st.st_mode)) {
			int a = openat(from, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			int b = openat(to, e->d_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
			for (ssize_t n = 1; a >= 0 && b >= 0 && n > 0;)
				n = copy_file_range(a, NULL, b, NULL, 1 << 20, 0);
			err = a < 0 || b < 0 ? -1 : 0;
			if (a >= 0)
				close(a);
			if (b >= 0)
				close(b);
		} /* devices, FIFOs and sockets are not copied up */
		if (!err)
			fchownat(to, e->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
	}
	closedir(d);
	return err;
}

int tree_make_private_dir(const char *path)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = 0;
		bool absolute = parent[0] == '/';
		int top = open(absolute ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		int fd = top < 0 ? -1 : tree_open_dirs(top, absolute ? parent + 1 : parent);
		int err = fd < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		if (top >= 0)
			close(top);
		if (err) {
			errno = err;
			return -1;
		}
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}
