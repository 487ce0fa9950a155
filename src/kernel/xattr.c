// SPDX-License-Identifier: Apache-2.0
// Extended attributes, passed to the host filesystem inside the rootfs.
// Names and values are copied through bounded buffers: XATTR_NAME_MAX and
// XATTR_SIZE_MAX are Linux's own limits, so errors match (ERANGE, E2BIG).
#include <linux/limits.h>
#include <stdlib.h>
#include <sys/xattr.h>

#include "kernel/syscall.h"

/* Which object an xattr call names. */
enum xattr_target { XATTR_PATH, XATTR_LINK, XATTR_FD };

static long name_in(struct guest *g, uint64_t gva, char *name)
{
	long n = gmem_string_in(&g->mm, name, gva, XATTR_NAME_MAX + 1);
	if (n == -ENAMETOOLONG)
		return -ERANGE;
	if (n == 0)
		return -ERANGE;
	return n < 0 ? n : 0;
}

/* Resolves the path or descriptor argument; *fd is -1 for a path. */
static long target_in(struct guest *g, enum xattr_target kind, uint64_t arg, char *path, int *fd)
{
	*fd = -1;
	if (kind == XATTR_FD) {
		if (!guest_fd_valid((int)arg))
			return -EBADF;
		*fd = (int)arg;
		return 0;
	}
	long err = guest_path(g, arg, path);
	return err ? err : procfs_xattr_path(g, path, kind == XATTR_PATH);
}

static long do_getxattr(struct guest *g, const uint64_t *a, enum xattr_target kind)
{
	char path[PATH_MAX], name[XATTR_NAME_MAX + 1];
	int fd;
	long err = target_in(g, kind, a[0], path, &fd);
	if (!err)
		err = name_in(g, a[1], name);
	if (err)
		return err;
	size_t size = a[3] < XATTR_SIZE_MAX ? a[3] : XATTR_SIZE_MAX;
	char *value = size ? malloc(size) : NULL;
	if (size && !value)
		return -ENOMEM;
	ssize_t n = fd >= 0 ? fgetxattr(fd, name, value, size)
		    : kind == XATTR_LINK ? lgetxattr(path, name, value, size)
					 : getxattr(path, name, value, size);
	long r = n < 0 ? -errno : n;
	if (n > 0 && size && gmem_copy_out(&g->mm, a[2], value, (size_t)n))
		r = -EFAULT;
	free(value);
	return r;
}

static long do_listxattr(struct guest *g, const uint64_t *a, enum xattr_target kind)
{
	char path[PATH_MAX];
	int fd;
	long err = target_in(g, kind, a[0], path, &fd);
	if (err)
		return err;
	size_t size = a[2] < XATTR_LIST_MAX ? a[2] : XATTR_LIST_MAX;
	char *list = size ? malloc(size) : NULL;
	if (size && !list)
		return -ENOMEM;
	ssize_t n = fd >= 0 ? flistxattr(fd, list, size)
		    : kind == XATTR_LINK ? llistxattr(path, list, size)
					 : listxattr(path, list, size);
	long r = n < 0 ? -errno : n;
	if (n > 0 && size && gmem_copy_out(&g->mm, a[1], list, (size_t)n))
		r = -EFAULT;
	free(list);
	return r;
}

static long do_setxattr(struct guest *g, const uint64_t *a, enum xattr_target kind)
{
	char path[PATH_MAX], name[XATTR_NAME_MAX + 1];
	int fd;
	long err = target_in(g, kind, a[0], path, &fd);
	if (!err)
		err = name_in(g, a[1], name);
	if (err)
		return err;
	if (a[3] > XATTR_SIZE_MAX)
		return -E2BIG;
	char *value = malloc(a[3] ? a[3] : 1);
	if (!value)
		return -ENOMEM;
	long r = gmem_copy_in(&g->mm, value, a[2], a[3]);
	if (!r) {
		int flags = (int)a[4];
		int n = fd >= 0 ? fsetxattr(fd, name, value, a[3], flags)
			: kind == XATTR_LINK ? lsetxattr(path, name, value, a[3], flags)
					     : setxattr(path, name, value, a[3], flags);
		r = host_result(n);
	}
	free(value);
	return r;
}

static long do_removexattr(struct guest *g, const uint64_t *a, enum xattr_target kind)
{
	char path[PATH_MAX], name[XATTR_NAME_MAX + 1];
	int fd;
	long err = target_in(g, kind, a[0], path, &fd);
	if (!err)
		err = name_in(g, a[1], name);
	if (err)
		return err;
	return host_result(fd >= 0 ? fremovexattr(fd, name)
			   : kind == XATTR_LINK ? lremovexattr(path, name) : removexattr(path, name));
}

#define XATTR_CALLS(op)                                                                        \
	long sys_##op(struct guest *g, const uint64_t *a) { return do_##op(g, a, XATTR_PATH); }   \
	long sys_l##op(struct guest *g, const uint64_t *a) { return do_##op(g, a, XATTR_LINK); }  \
	long sys_f##op(struct guest *g, const uint64_t *a) { return do_##op(g, a, XATTR_FD); }

XATTR_CALLS(getxattr)
XATTR_CALLS(listxattr)
XATTR_CALLS(setxattr)
XATTR_CALLS(removexattr)
