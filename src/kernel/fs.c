// SPDX-License-Identifier: Apache-2.0
// Path-based calls. The monitor has chrooted (later: pivot_root'ed) into the
// container's root, so host path resolution is the guest's; handlers only
// copy paths in, check descriptors, and copy results out. The old non-*at
// calls are the *at calls on AT_FDCWD, as in Linux.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/syscall.h"

/* Declares `char name[PATH_MAX]` holding the guest path at gva, or returns the error. */
#define PATH_ARG(name, gva)                                   \
	char name[PATH_MAX];                                  \
	do {                                                  \
		long path_err_ = guest_path(g, (gva), name);  \
		if (path_err_)                                \
			return path_err_;                     \
	} while (0)

/*
 * Declares `char name[PATH_MAX]` for a path resolved against dirfd. As in
 * Linux, the path is copied first and the descriptor matters only for a
 * relative (or empty) path; an absolute path ignores it.
 */
#define PATH_AT(name, dirfd, gva)                                     \
	PATH_ARG(name, gva);                                          \
	do {                                                          \
		if (name[0] != '/' && !guest_dirfd_valid(dirfd))      \
			return -EBADF;                                \
	} while (0)

static long do_openat(struct guest *g, long dirfd, uint64_t path_gva, long flags, long mode)
{
	PATH_AT(path, dirfd, path_gva);
	long r = procfs_openat(g, (int)dirfd, path, (int)flags, (int)mode);
	if (r != PROCFS_NOT_MINE)
		return r;
	return guest_new_fd(openat((int)dirfd, path, (int)flags, (mode_t)mode));
}

long sys_openat(struct guest *g, const uint64_t *a)
{
	return do_openat(g, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

long sys_open(struct guest *g, const uint64_t *a)
{
	return do_openat(g, AT_FDCWD, a[0], (int)a[1], (int)a[2]);
}

long sys_creat(struct guest *g, const uint64_t *a)
{
	return do_openat(g, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, (int)a[1]);
}

static long do_fstatat(struct guest *g, long dirfd, uint64_t path_gva, uint64_t buf, int flags)
{
	PATH_AT(path, dirfd, path_gva);
	long r = procfs_fstatat(g, (int)dirfd, path, flags, buf);
	if (r != PROCFS_NOT_MINE)
		return r;
	struct stat st;
	if (fstatat((int)dirfd, path, &st, flags) < 0)
		return -errno;
	return gmem_copy_out(&g->mm, buf, &st, sizeof(st));
}

long sys_newfstatat(struct guest *g, const uint64_t *a)
{
	return do_fstatat(g, (int)a[0], a[1], a[2], (int)a[3]);
}

long sys_stat(struct guest *g, const uint64_t *a)
{
	return do_fstatat(g, AT_FDCWD, a[0], a[1], 0);
}

long sys_lstat(struct guest *g, const uint64_t *a)
{
	return do_fstatat(g, AT_FDCWD, a[0], a[1], AT_SYMLINK_NOFOLLOW);
}

long sys_statx(struct guest *g, const uint64_t *a)
{
	PATH_AT(path, (int)a[0], a[1]);
	long r = procfs_statx(g, (int)a[0], path, (int)a[2], (unsigned)a[3], a[4]);
	if (r != PROCFS_NOT_MINE)
		return r;
	struct statx st;
	if (syscall(SYS_statx, (int)a[0], path, (int)a[2], (unsigned)a[3], &st) < 0)
		return -errno;
	return gmem_copy_out(&g->mm, a[4], &st, sizeof(st));
}

long sys_statfs(struct guest *g, const uint64_t *a)
{
	PATH_ARG(path, a[0]);
	long r = procfs_statfs(g, path, a[1]);
	if (r != PROCFS_NOT_MINE)
		return r;
	struct statfs st;
	if (statfs(path, &st) < 0)
		return -errno;
	return gmem_copy_out(&g->mm, a[1], &st, sizeof(st));
}

static long do_faccessat(struct guest *g, long dirfd, uint64_t path_gva, long mode, long flags)
{
	PATH_AT(path, dirfd, path_gva);
	long r = procfs_faccessat(g, (int)dirfd, path, (int)mode, (int)flags);
	if (r != PROCFS_NOT_MINE)
		return r;
	return host_result(syscall(SYS_faccessat2, (int)dirfd, path, (int)mode, (int)flags));
}

long sys_access(struct guest *g, const uint64_t *a)
{
	return do_faccessat(g, AT_FDCWD, a[0], (int)a[1], 0);
}

long sys_faccessat(struct guest *g, const uint64_t *a)
{
	return do_faccessat(g, (int)a[0], a[1], (int)a[2], 0);
}

long sys_faccessat2(struct guest *g, const uint64_t *a)
{
	return do_faccessat(g, (int)a[0], a[1], (int)a[2], (int)a[3]);
}

static long do_readlinkat(struct guest *g, long dirfd, uint64_t path_gva, uint64_t buf, long size)
{
	PATH_AT(path, dirfd, path_gva);
	if ((int)size <= 0)
		return -EINVAL;
	long r = procfs_readlinkat(g, (int)dirfd, path, buf, (int)size);
	if (r != PROCFS_NOT_MINE)
		return r;
	char target[PATH_MAX];
	ssize_t n = readlinkat((int)dirfd, path, target, sizeof(target));
	if (n < 0)
		return -errno;
	if (n > (int)size)
		n = (int)size;
	return gmem_copy_out(&g->mm, buf, target, (size_t)n) ? -EFAULT : n;
}

long sys_readlink(struct guest *g, const uint64_t *a)
{
	return do_readlinkat(g, AT_FDCWD, a[0], a[1], (int)a[2]);
}

long sys_readlinkat(struct guest *g, const uint64_t *a)
{
	return do_readlinkat(g, (int)a[0], a[1], a[2], (int)a[3]);
}

static long do_mkdirat(struct guest *g, long dirfd, uint64_t path_gva, long mode)
{
	PATH_AT(path, dirfd, path_gva);
	return host_result(mkdirat((int)dirfd, path, (mode_t)mode));
}

long sys_mkdir(struct guest *g, const uint64_t *a)
{
	return do_mkdirat(g, AT_FDCWD, a[0], (int)a[1]);
}

long sys_mkdirat(struct guest *g, const uint64_t *a)
{
	return do_mkdirat(g, (int)a[0], a[1], (int)a[2]);
}

/*
 * FIFOs, sockets and empty regular files. Device nodes are refused as they
 * are to a process without CAP_MKNOD: the monitor opens files for the
 * guest, so a node the guest made would give it the host's device.
 */
static long do_mknodat(struct guest *g, long dirfd, uint64_t path_gva, long mode)
{
	PATH_AT(path, dirfd, path_gva);
	switch (mode & S_IFMT) {
	case 0: case S_IFREG: case S_IFIFO: case S_IFSOCK:
		return host_result(mknodat((int)dirfd, path, (mode_t)mode, 0));
	case S_IFCHR: case S_IFBLK:
		return -EPERM;
	default:
		return -EINVAL;
	}
}

long sys_mknod(struct guest *g, const uint64_t *a)
{
	return do_mknodat(g, AT_FDCWD, a[0], (long)a[1]);
}

long sys_mknodat(struct guest *g, const uint64_t *a)
{
	return do_mknodat(g, (int)a[0], a[1], (long)a[2]);
}

static long do_unlinkat(struct guest *g, long dirfd, uint64_t path_gva, long flags)
{
	PATH_AT(path, dirfd, path_gva);
	return host_result(unlinkat((int)dirfd, path, (int)flags));
}

long sys_unlink(struct guest *g, const uint64_t *a)
{
	return do_unlinkat(g, AT_FDCWD, a[0], 0);
}

long sys_rmdir(struct guest *g, const uint64_t *a)
{
	return do_unlinkat(g, AT_FDCWD, a[0], AT_REMOVEDIR);
}

long sys_unlinkat(struct guest *g, const uint64_t *a)
{
	return do_unlinkat(g, (int)a[0], a[1], (int)a[2]);
}

static long do_renameat2(struct guest *g, long olddir, uint64_t old_gva, long newdir, uint64_t new_gva,
			 long flags)
{
	PATH_AT(from, olddir, old_gva);
	PATH_AT(to, newdir, new_gva);
	return host_result(syscall(SYS_renameat2, (int)olddir, from, (int)newdir, to, (unsigned)flags));
}

long sys_rename(struct guest *g, const uint64_t *a)
{
	return do_renameat2(g, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

long sys_renameat(struct guest *g, const uint64_t *a)
{
	return do_renameat2(g, (int)a[0], a[1], (int)a[2], a[3], 0);
}

long sys_renameat2(struct guest *g, const uint64_t *a)
{
	return do_renameat2(g, (int)a[0], a[1], (int)a[2], a[3], (unsigned)a[4]);
}

static long do_linkat(struct guest *g, long olddir, uint64_t old_gva, long newdir, uint64_t new_gva,
		      long flags)
{
	PATH_AT(from, olddir, old_gva);
	PATH_AT(to, newdir, new_gva);
	return host_result(linkat((int)olddir, from, (int)newdir, to, (int)flags));
}

long sys_link(struct guest *g, const uint64_t *a)
{
	return do_linkat(g, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
}

long sys_linkat(struct guest *g, const uint64_t *a)
{
	return do_linkat(g, (int)a[0], a[1], (int)a[2], a[3], (int)a[4]);
}

static long do_symlinkat(struct guest *g, uint64_t target_gva, long dirfd, uint64_t path_gva)
{
	PATH_ARG(target, target_gva); /* stored in the link, never resolved here */
	PATH_AT(path, dirfd, path_gva);
	return host_result(symlinkat(target, (int)dirfd, path));
}

long sys_symlink(struct guest *g, const uint64_t *a)
{
	return do_symlinkat(g, a[0], AT_FDCWD, a[1]);
}

long sys_symlinkat(struct guest *g, const uint64_t *a)
{
	return do_symlinkat(g, a[0], (int)a[1], a[2]);
}

static long do_fchmodat(struct guest *g, long dirfd, uint64_t path_gva, long mode)
{
	PATH_AT(path, dirfd, path_gva);
	return host_result(fchmodat((int)dirfd, path, (mode_t)mode, 0));
}

long sys_chmod(struct guest *g, const uint64_t *a)
{
	return do_fchmodat(g, AT_FDCWD, a[0], (int)a[1]);
}

long sys_fchmodat(struct guest *g, const uint64_t *a)
{
	return do_fchmodat(g, (int)a[0], a[1], (int)a[2]);
}

static long do_fchownat(struct guest *g, long dirfd, uint64_t path_gva, long uid, long gid, long flags)
{
	PATH_AT(path, dirfd, path_gva);
	return host_result(fchownat((int)dirfd, path, (uid_t)uid, (gid_t)gid, (int)flags));
}

long sys_chown(struct guest *g, const uint64_t *a)
{
	return do_fchownat(g, AT_FDCWD, a[0], (int)a[1], (int)a[2], 0);
}

long sys_lchown(struct guest *g, const uint64_t *a)
{
	return do_fchownat(g, AT_FDCWD, a[0], (int)a[1], (int)a[2], AT_SYMLINK_NOFOLLOW);
}

long sys_fchownat(struct guest *g, const uint64_t *a)
{
	return do_fchownat(g, (int)a[0], a[1], (int)a[2], (int)a[3], (int)a[4]);
}

long sys_utimensat(struct guest *g, const uint64_t *a)
{
	int dirfd = (int)a[0];
	struct timespec times[2];
	if (a[2] && gmem_copy_in(&g->mm, times, a[2], sizeof(times)))
		return -EFAULT;
	/* A NULL path is futimens(): it names dirfd itself (never the cwd). */
	if (!a[1]) {
		if (dirfd == AT_FDCWD)
			return -EFAULT;
		if (!guest_fd_valid(dirfd))
			return -EBADF;
		return host_result(syscall(SYS_utimensat, dirfd, NULL, a[2] ? times : NULL, (int)a[3]));
	}
	PATH_AT(path, dirfd, a[1]);
	return host_result(utimensat(dirfd, path, a[2] ? times : NULL, (int)a[3]));
}

long sys_truncate(struct guest *g, const uint64_t *a)
{
	PATH_ARG(path, a[0]);
	return host_result(truncate(path, (off_t)a[1]));
}

long sys_chdir(struct guest *g, const uint64_t *a)
{
	PATH_ARG(path, a[0]);
	long r = procfs_chdir(g, path);
	if (r != PROCFS_NOT_MINE)
		return r;
	return host_result(chdir(path));
}

/*
 * chroot is the monitor's own: the host changes the root of this process
 * (and of those it forks), as Linux does the guest's. Only where the
 * monitor's root is a pivoted mount namespace's: a guest that escapes its
 * chroot the classic way (chroot into a subdirectory, then `..` from
 * outside it) reaches the container's root and no further. Where the
 * monitor's root is itself only a chroot (a bare run), that escape would
 * reach the host's: EPERM there, as without CAP_SYS_CHROOT, and the
 * monitor's seccomp filter kills any chroot (jail/seccomp.c).
 */
long sys_chroot(struct guest *g, const uint64_t *a)
{
	PATH_ARG(path, a[0]);
	if (!g->own_mounts)
		return -EPERM;
	char real[PATH_MAX];
	long r = procfs_program_path(g, AT_FDCWD, path, real, sizeof(real)); /* a link out of /proc: where it leads */
	if (r != PROCFS_NOT_MINE && r < 0)
		return r;
	return host_result(chroot(r == 0 ? real : path));
}

long sys_getcwd(struct guest *g, const uint64_t *a)
{
	char cwd[PATH_MAX];
	long n = syscall(SYS_getcwd, cwd, sizeof(cwd));
	if (n < 0)
		return -errno;
	if ((size_t)n > a[1])
		return -ERANGE;
	return gmem_copy_out(&g->mm, a[0], cwd, (size_t)n) ? -EFAULT : n;
}

long sys_umask(struct guest *g, const uint64_t *a)
{
	(void)g;
	return umask((mode_t)a[0] & 0777);
}
