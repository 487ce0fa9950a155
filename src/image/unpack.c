// SPDX-License-Identifier: Apache-2.0
// Layer unpacking (see unpack.h). libarchive reads the tar (and whatever
// compression it has); every write is ours, relative to descriptors opened
// with RESOLVE_IN_ROOT, and never follows a symbolic link in its last
// component.
#include "image/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/tree.h"

#define WHITEOUT ".wh."
#define OPAQUE ".wh..wh..opq"

/* The paths this layer wrote: an opaque whiteout hides the lower layers' entries, not these. */
struct written {
	char **slots; /* open addressing; NULL: empty */
	size_t size, used;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static bool written_has(const struct written *w, const char *path)
{
	for (size_t i = w->size ? hash(path) % w->size : 0; w->size && w->slots[i]; i = (i + 1) % w->size)
		if (!strcmp(w->slots[i], path))
			return true;
	return false;
}

static int written_add(struct written *w, const char *path)
{
	if (written_has(w, path))
		return 0;
	if (2 * (w->used + 1) > w->size) {
		struct written grown = {.size = w->size ? 2 * w->size : 1024};
		grown.slots = calloc(grown.size, sizeof(char *));
		if (!grown.slots)
			return -1;
		for (size_t i = 0; i < w->size; i++) {
			if (!w->slots[i])
				continue;
			size_t at = hash(w->slots[i]) % grown.size;
			while (grown.slots[at])
				at = (at + 1) % grown.size;
			grown.slots[at] = w->slots[i];
		}
		grown.used = w->used;
		free(w->slots);
		*w = grown;
	}
	size_t at = hash(path) % w->size;
	while (w->slots[at])
		at = (at + 1) % w->size;
	if (!(w->slots[at] = strdup(path)))
		return -1;
	w->used++;
	return 0;
}

static void written_free(struct written *w)
{
	for (size_t i = 0; i < w->size; i++)
		free(w->slots[i]);
	free(w->slots);
}

struct unpack {
	struct archive *a;
	int root;
	bool privileged;
	struct written written;
	char *why;
	size_t why_size;
};

static int fail(struct unpack *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->why, u->why_size, fmt, ap);
	va_end(ap);
	return -1;
}


/*
 * The entry's path made canonical: no leading "/" or "./", no empty or "."
 * components. False if a component is "..": no layer needs one.
 */
static bool clean_path(const char *in, char *out, size_t size)
{
	size_t n = 0;
	out[0] = 0;
	for (const char *p = in; *p;) {
		while (*p == '/')
			p++;
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);
		if (len == 2 && !strncmp(p, "..", 2))
			return false;
		if (len && !(len == 1 && *p == '.')) {
			if (n + len + 2 > size)
				return false;
			if (n)
				out[n++] = '/';
			memcpy(out + n, p, len);
			out[n += len] = 0;
		}
		p = end;
	}
	return true;
}


/* The directory holding path (made, as directories, where missing): a descriptor, or -1. */
static int parent_dir(struct unpack *u, const char *path, const char **base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	*base = slash ? slash + 1 : path;
	size_t len = slash ? (size_t)(slash - path) : 0;
	memcpy(dir, path, len);
	dir[len] = 0;
	return tree_open_dirs(u->root, dir);
}


/* An opaque whiteout in directory path: what the layers below put there goes. */
static int make_opaque(struct unpack *u, const char *path)
{
	int fd = tree_open_in(u->root, path, O_RDONLY | O_DIRECTORY);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return errno == ENOENT ? 0 : -1;
	}
	int err = 0;
	for (struct dirent *e; !err && (e = readdir(d));) {
		char child[PATH_MAX + 256];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(child, sizeof(child), "%s%s%s", path, *path ? "/" : "", e->d_name);
		if (!written_has(&u->written, child))
			err = tree_remove_at(dirfd(d), e->d_name);
	}
	closedir(d);
	return err;
}

static int write_data(struct unpack *u, int fd)
{
	const void *block;
	size_t size;
	la_int64_t offset;
	int r;
	while ((r = archive_read_data_block(u->a, &block, &size, &offset)) == ARCHIVE_OK) {
		if (pwrite(fd, block, size, offset) != (ssize_t)size)
			return -1;
	}
	if (r != ARCHIVE_EOF) {
		errno = EIO;
		return -1;
	}
	/* A sparse file's last hole. */
	struct stat st;
	return fstat(fd, &st) == 0 && ftruncate(fd, st.st_size) == 0 ? 0 : -1;
}

/* The entry at path (canonical), whose parent is dir and last component base. */
static int make_entry(struct unpack *u, struct archive_entry *e, const char *path, int dir, const char *base)
{
	mode_t mode = archive_entry_mode(e), type = mode & S_IFMT;
	mode_t perm = mode & (u->privileged ? 07777 : 0777);
	const char *hardlink = archive_entry_hardlink(e);
	struct stat st;
	bool is_dir = fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
	if (type == S_IFDIR && !hardlink) {
		if (!is_dir && ((tree_remove_at(dir, base) < 0) || mkdirat(dir, base, 0700) < 0))
			return -1;
	} else if (tree_remove_at(dir, base) < 0) {
		return -1;
	}
	if (hardlink) {
		char target[PATH_MAX];
		if (!clean_path(hardlink, target, sizeof(target)))
			return fail(u, "%s: a hard link to \"%s\", out of the layer", path, hardlink);
		/* The target as it is inside the root, never a directory. */
		int t = tree_open_in(u->root, target, O_PATH | O_NOFOLLOW);
		char link[64];
		snprintf(link, sizeof(link), "/proc/self/fd/%d", t);
		int err = t < 0 || fstat(t, &st) < 0 || S_ISDIR(st.st_mode) ? -1
			  : linkat(AT_FDCWD, link, dir, base, AT_SYMLINK_FOLLOW);
		if (t >= 0)
			close(t);
		return err;
	}
	int err = 0;
	switch (type) {
	case S_IFDIR:
		break;
	case S_IFREG: {
		int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		err = write_data(u, fd);
		close(fd);
		break;
	}
	case S_IFLNK:
		return symlinkat(archive_entry_symlink(e) ? archive_entry_symlink(e) : "", dir, base) < 0 ? -1 :
		       u->privileged ? fchownat(dir, base, archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW)
				     : 0;
	case S_IFIFO:
		err = mkfifoat(dir, base, 0600);
		break;
	case S_IFCHR:
	case S_IFBLK:
		if (!u->privileged)
			return 0; /* devices need privilege: skipped, as unprivileged engines do */
		err = mknodat(dir, base, type | 0600, archive_entry_rdev(e));
		break;
	default:
		return 0; /* sockets and the like: nothing a layer should hold */
	}
	if (!err && u->privileged)
		err = fchownat(dir, base, archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW);
	if (!err)
		err = fchmodat(dir, base, perm, 0); /* after the owner: chown clears set-id bits */
	if (!err && type != S_IFDIR) {
		struct timespec times[2] = {{.tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e)},
					    {.tv_sec = archive_entry_mtime(e), .tv_nsec = archive_entry_mtime_nsec(e)}};
		err = utimensat(dir, base, times, AT_SYMLINK_NOFOLLOW);
	}
	return err;
}

static int unpack_entry(struct unpack *u, struct archive_entry *e)
{
	char path[PATH_MAX];
	const char *name = archive_entry_pathname(e);
	if (!name || !clean_path(name, path, sizeof(path)))
		return fail(u, "entry \"%s\" leads out of the layer", name ? name : "");
	if (!*path)
		return 0; /* the root itself */
	const char *base;
	int dir = parent_dir(u, path, &base);
	if (dir < 0)
		return fail(u, "%s: its directory: %s", path, strerror(errno));
	int err = 0;
	if (!strcmp(base, OPAQUE)) {
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%.*s", (int)(base - path > 0 ? base - path - 1 : 0), path);
		err = make_opaque(u, parent);
	} else if (!strncmp(base, WHITEOUT, strlen(WHITEOUT))) {
		err = tree_remove_at(dir, base + strlen(WHITEOUT));
	} else {
		err = written_add(&u->written, path);
		if (!err)
			err = make_entry(u, e, path, dir, base);
	}
	int saved = errno;
	close(dir);
	if (err && !*u->why)
		fail(u, "%s: %s", path, strerror(saved));
	return err;
}

int layer_unpack(int layer_fd, int root_fd, bool privileged, char *why, size_t why_size)
{
	struct unpack u = {.a = archive_read_new(), .root = root_fd, .privileged = privileged, .why = why,
			   .why_size = why_size};
	why[0] = 0;
	if (!u.a)
		return fail(&u, "out of memory");
	archive_read_support_filter_all(u.a);
	archive_read_support_format_tar(u.a);
	int err = archive_read_open_fd(u.a, layer_fd, 65536) == ARCHIVE_OK ? 0 : fail(&u, "%s", archive_error_string(u.a));
	struct archive_entry *e;
	int r;
	while (!err && (r = archive_read_next_header(u.a, &e)) != ARCHIVE_EOF) {
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			err = fail(&u, "%s", archive_error_string(u.a));
		else
			err = unpack_entry(&u, e);
	}
	archive_read_free(u.a);
	written_free(&u.written);
	return err;
}
