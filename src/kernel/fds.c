// SPDX-License-Identifier: Apache-2.0
// Descriptor-table calls: dup family, fcntl, pipes, terminal ioctls,
// directory reads and fstat. New descriptors must land inside the guest's
// range; anything at or above GUEST_FD_LIMIT belongs to the monitor.
#include <fcntl.h>
#include <net/if.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "kernel/jobctl.h"
#include "kernel/procfs.h"
#include "kernel/syscall.h"

/*
 * How far the guest's descriptor table has grown, as Linux grows it: 64
 * entries, then powers of two past the highest descriptor ever used.
 * select() ignores bits beyond it.
 */
static _Atomic int fd_table_size = 64;

static void fd_table_grow(long fd)
{
	int size = atomic_load(&fd_table_size);
	while (fd >= size) {
		int want = size;
		while (fd >= want)
			want *= 2;
		if (atomic_compare_exchange_weak(&fd_table_size, &size, want))
			break;
	}
}

int guest_fd_table_size(void)
{
	int size = atomic_load(&fd_table_size);
	return size < GUEST_FD_LIMIT ? size : GUEST_FD_LIMIT;
}

/* Keeps a new host descriptor only if the guest may name it. */
long guest_new_fd(long fd)
{
	if (fd < 0)
		return -errno;
	if (!guest_fd_valid(fd)) {
		close((int)fd);
		return -EMFILE;
	}
	fd_table_grow(fd);
	return fd;
}

long sys_dup(struct guest *g, const uint64_t *a)
{
	(void)g;
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	return guest_new_fd(dup((int)a[0]));
}

long sys_dup2(struct guest *g, const uint64_t *a)
{
	(void)g;
	if (!guest_fd_valid((int)a[0]) || !guest_fd_valid((int)a[1]))
		return -EBADF;
	fd_table_grow((int)a[1]);
	return host_result(dup2((int)a[0], (int)a[1]));
}

long sys_dup3(struct guest *g, const uint64_t *a)
{
	(void)g;
	if (!guest_fd_valid((int)a[0]) || !guest_fd_valid((int)a[1]))
		return -EBADF;
	fd_table_grow((int)a[1]);
	return host_result(dup3((int)a[0], (int)a[1], (int)a[2]));
}

long sys_fcntl(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0], cmd = (int)a[1];
	if (!guest_fd_valid(fd))
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)a[2] < 0 || (int)a[2] >= GUEST_FD_LIMIT)
			return -EINVAL;
		return guest_new_fd(fcntl(fd, cmd, (int)a[2]));
	case F_GETFD:
	case F_GETFL:
	case F_GET_SEALS:
		return host_result(fcntl(fd, cmd));
	case F_ADD_SEALS:
	case F_SETFD:
	case F_SETFL:
		return host_result(fcntl(fd, cmd, (int)a[2]));
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW: {
		struct flock lock;
		if (gmem_copy_in(&g->mm, &lock, a[2], sizeof(lock)))
			return -EFAULT;
		long r = host_result(fcntl(fd, cmd, &lock));
		if (r >= 0 && (cmd == F_GETLK || cmd == F_OFD_GETLK) &&
		    gmem_copy_out(&g->mm, a[2], &lock, sizeof(lock)))
			return -EFAULT;
		return r;
	}
	default:
		return -EINVAL;
	}
}

/* The kernel's struct termios (not glibc's, which is longer). */
#define KERNEL_TERMIOS_SIZE 36

long sys_ioctl(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0];
	unsigned long req = (unsigned)a[1];
	if (!guest_fd_valid(fd))
		return -EBADF;
	unsigned char buf[64] = {0};
	size_t out = 0, in = 0;
	switch (req) {
	case TCGETS: out = KERNEL_TERMIOS_SIZE; break;
	case TCSETS: case TCSETSW: case TCSETSF: in = KERNEL_TERMIOS_SIZE; break;
	case TIOCGWINSZ: out = sizeof(struct winsize); break;
	case TIOCSWINSZ: in = sizeof(struct winsize); break;
	case TIOCGPGRP: case TIOCGSID: case FIONREAD: out = sizeof(int); break;
	case TIOCSPGRP: case FIONBIO: in = sizeof(int); break;
	case FIOCLEX: case FIONCLEX: case TCFLSH: case TCSBRK: case TCXONC: {
		struct jobctl_saved saved = {0};
		if (jobctl_ioctl_checks(req))
			jobctl_enter(g, SIGTTOU, &saved);
		long r = host_result(ioctl(fd, req, (unsigned long)a[2]));
		jobctl_leave(&saved);
		return r;
	}
	/* A network interface's settings, read (ip, ifconfig): a struct ifreq named in, filled out; no pointers. */
	case SIOCGIFNAME: case SIOCGIFINDEX: case SIOCGIFFLAGS: case SIOCGIFMTU: case SIOCGIFTXQLEN:
	case SIOCGIFADDR: case SIOCGIFNETMASK: case SIOCGIFBRDADDR: case SIOCGIFDSTADDR: case SIOCGIFHWADDR:
	case SIOCGIFMETRIC:
		in = out = sizeof(struct ifreq);
		break;
	case TIOCNOTTY:
		return host_result(ioctl(fd, req));
	case TIOCSCTTY:
		/*
		 * Taking the terminal from another session needs CAP_SYS_ADMIN,
		 * which no guest has: the monitor may, so it never asks to.
		 */
		return host_result(ioctl(fd, req, 0));
	default:
		return -ENOTTY;
	}
	if (in && gmem_copy_in(&g->mm, buf, a[2], in))
		return -EFAULT;
	struct jobctl_saved saved = {0};
	if (jobctl_ioctl_checks(req))
		jobctl_enter(g, SIGTTOU, &saved);
	long r = host_result(ioctl(fd, req, buf));
	jobctl_leave(&saved);
	if (r >= 0 && out && gmem_copy_out(&g->mm, a[2], buf, out))
		return -EFAULT;
	return r;
}

static long make_pipe(struct guest *g, uint64_t gva, int flags)
{
	int fds[2];
	if (pipe2(fds, flags) < 0)
		return -errno;
	if (!guest_fd_valid(fds[0]) || !guest_fd_valid(fds[1])) {
		close(fds[0]);
		close(fds[1]);
		return -EMFILE;
	}
	if (gmem_copy_out(&g->mm, gva, fds, sizeof(fds))) {
		close(fds[0]);
		close(fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(struct guest *g, const uint64_t *a)
{
	return make_pipe(g, a[0], 0);
}

long sys_pipe2(struct guest *g, const uint64_t *a)
{
	return make_pipe(g, a[0], (int)a[1]);
}

/* Newer than some C libraries' headers; the host kernel decides whether it knows them. */
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif

long sys_memfd_create(struct guest *g, const uint64_t *a)
{
	char name[250]; /* Linux's limit: 249 bytes and the NUL */
	long n = gmem_string_in(&g->mm, name, a[0], sizeof(name));
	if (n < 0)
		return n == -EFAULT ? -EFAULT : -EINVAL;
	unsigned flags = (unsigned)a[1];
	if (flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL; /* hugetlb memory is not served */
	procfs_unclaim_name(name);
	return guest_new_fd(memfd_create(name, flags));
}

long sys_getdents64(struct guest *g, const uint64_t *a)
{
	int fd = (int)a[0];
	size_t len = (unsigned)a[2];
	if (!guest_fd_valid(fd))
		return -EBADF;
	long r = procfs_getdents64(g, fd, a[1], len);
	if (r != PROCFS_NOT_MINE)
		return r;
	if (!gmem_range_ok(a[1], len))
		return -EFAULT;
	char buf[32 * 1024];
	if (len > sizeof(buf))
		len = sizeof(buf);
	r = host_result(syscall(SYS_getdents64, fd, buf, len));
	if (r > 0 && gmem_copy_out(&g->mm, a[1], buf, (size_t)r))
		return -EFAULT;
	return r;
}

long sys_fstat(struct guest *g, const uint64_t *a)
{
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	struct stat st;
	if (fstat((int)a[0], &st) < 0)
		return -errno;
	procfs_fix_stat(g, (int)a[0], &st);
	return gmem_copy_out(&g->mm, a[1], &st, sizeof(st));
}

long sys_fstatfs(struct guest *g, const uint64_t *a)
{
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	struct statfs st;
	if (fstatfs((int)a[0], &st) < 0)
		return -errno;
	procfs_fix_statfs(g, (int)a[0], &st);
	return gmem_copy_out(&g->mm, a[1], &st, sizeof(st));
}
