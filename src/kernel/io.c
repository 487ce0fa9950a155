// SPDX-License-Identifier: Apache-2.0
// Descriptor I/O: read/write families, seeking, closing and syncing. Data
// moves between the host descriptor and guest memory directly, through
// iovecs that gmem builds over the guest buffer.
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include "kernel/jobctl.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"

#define MAX_RW_COUNT (INT_MAX & ~4095L) /* Linux's cap on one transfer */
enum { IO_PIECES = 64 };

/*
 * Why a guest buffer failed. Linux checks the descriptor before the buffer,
 * so a bad buffer on a closed or wrong-mode descriptor is still EBADF; and a
 * read at end of file returns 0 without touching the buffer.
 */
static long buffer_fault(int fd, enum gmem_access access)
{
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0)
		return -EBADF;
	int mode = flags & O_ACCMODE;
	if ((access == GMEM_WRITE && mode == O_WRONLY) || (access == GMEM_READ && mode == O_RDONLY))
		return -EBADF;
	if (access == GMEM_WRITE) {
		char probe;
		off_t pos = lseek(fd, 0, SEEK_CUR);
		if (pos >= 0 && pread(fd, &probe, 1, pos) == 0)
			return 0;
	}
	return -EFAULT;
}

/* eventfd, timerfd and signalfd: anonymous inodes that move whole 8-byte counters. */
static bool counter_fd(int fd)
{
	struct stat st;
	return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == 0;
}

/*
 * A counter read or write with a partly bad buffer: the host consumes (or
 * refuses) the counter whole, then the copy faults, as on Linux. A timerfd
 * copies what fits and returns that; the others fail the whole read.
 */
static long counter_io(struct guest *g, int fd, uint64_t gva, size_t len, enum gmem_access access)
{
	uint64_t value[8];
	size_t n = len < sizeof(value) ? len : sizeof(value);
	if (access == GMEM_WRITE) {
		ssize_t got = read(fd, value, n);
		if (got < 0)
			return -errno;
		if (!gmem_copy_out(&g->mm, gva, value, (size_t)got))
			return got;
		struct itimerspec unused;
		size_t covered;
		struct iovec iov[1];
		if (timerfd_gettime(fd, &unused) == 0 &&
		    gmem_iov_prefix(&g->mm, gva, (size_t)got, GMEM_WRITE, iov, 1, &covered) == 1) {
			memcpy(iov[0].iov_base, value, covered);
			return (long)covered;
		}
		return -EFAULT;
	}
	if (gmem_copy_in(&g->mm, value, gva, n))
		return -EFAULT;
	return host_result(write(fd, value, n));
}

/*
 * Host iovecs for a guest read/write buffer: the longest usable prefix, as
 * Linux transfers up to the first fault. Returns the count, or the result
 * the whole call should give.
 */
static long io_buffer(struct guest *g, int fd, uint64_t gva, size_t len, enum gmem_access access,
		      struct iovec *iov, bool *done)
{
	*done = false;
	if (!guest_fd_valid(fd)) {
		*done = true;
		return -EBADF;
	}
	if (len > MAX_RW_COUNT && gmem_range_ok(gva, len))
		len = MAX_RW_COUNT;
	size_t covered;
	int n = gmem_iov_prefix(&g->mm, gva, len, access, iov, IO_PIECES, &covered);
	if (n >= 0 && covered < len && counter_fd(fd)) {
		*done = true;
		return counter_io(g, fd, gva, len, access);
	}
	if (n < 0 || (n == 0 && len > 0)) {
		*done = true;
		return buffer_fault(fd, access);
	}
	return n;
}

/* Writing to a pipe nobody reads raises SIGPIPE, then fails with EPIPE. */
static long write_result(long r)
{
	r = host_result(r);
	if (r == -EPIPE)
		signal_raise(current, SIGPIPE);
	return r;
}

/*
 * read, write, pread64 and pwrite64: one guest buffer. GMEM_WRITE access
 * means the guest's memory is written, that is, the descriptor is read.
 */
static long buffer_io(struct guest *g, const uint64_t *a, enum gmem_access access, bool positioned)
{
	int fd = (int)a[0];
	off_t offset = positioned ? (off_t)a[3] : 0;
	struct iovec iov[IO_PIECES];
	bool done;
	long n = io_buffer(g, fd, a[1], a[2], access, iov, &done);
	if (done)
		return n;
	if (n == 0) { /* a zero-length transfer still checks the descriptor */
		iov[0] = (struct iovec){0};
		n = 1;
	}
	struct jobctl_saved saved;
	long r;
	jobctl_enter(g, access == GMEM_WRITE ? SIGTTIN : SIGTTOU, &saved);
	if (access == GMEM_WRITE)
		r = host_result(positioned ? preadv(fd, iov, (int)n, offset) : readv(fd, iov, (int)n));
	else
		r = write_result(positioned ? pwritev(fd, iov, (int)n, offset) : writev(fd, iov, (int)n));
	jobctl_leave(&saved);
	return r;
}

long sys_read(struct guest *g, const uint64_t *a)
{
	return buffer_io(g, a, GMEM_WRITE, false);
}

long sys_write(struct guest *g, const uint64_t *a)
{
	return buffer_io(g, a, GMEM_READ, false);
}

long sys_pread64(struct guest *g, const uint64_t *a)
{
	return buffer_io(g, a, GMEM_WRITE, true);
}

long sys_pwrite64(struct guest *g, const uint64_t *a)
{
	return buffer_io(g, a, GMEM_READ, true);
}

struct guest_iovec {
	uint64_t base, len;
};

/*
 * readv/writev and their positioned kin: every segment translated; the
 * transfer stops at the first fault. offset -1: the file position; flags:
 * preadv2's RWF_*, passed on.
 */
static long vector_io(struct guest *g, const uint64_t *a, enum gmem_access access, off_t offset, int flags)
{
	int fd = (int)a[0];
	int count = (int)a[2];
	if (!guest_fd_valid(fd))
		return -EBADF;
	if (count < 0 || count > IOV_MAX)
		return -EINVAL;
	struct guest_iovec giov[IOV_MAX];
	if (gmem_copy_in(&g->mm, giov, a[1], (size_t)count * sizeof(giov[0])))
		return -EFAULT;
	struct iovec iov[IO_PIECES];
	int n = 0;
	uint64_t total = 0;
	for (int i = 0; i < count; i++) {
		if (giov[i].len > SSIZE_MAX || (total += giov[i].len) > SSIZE_MAX)
			return -EINVAL;
		if (!gmem_range_ok(giov[i].base, giov[i].len))
			return -EFAULT;
	}
	for (int i = 0; i < count && n < IO_PIECES; i++) {
		size_t covered;
		int got = gmem_iov_prefix(&g->mm, giov[i].base, giov[i].len, access, iov + n,
					  IO_PIECES - n, &covered);
		n += got;
		if (covered < giov[i].len)
			break;
	}
	if (n == 0 && total > 0)
		return buffer_fault(fd, access);
	struct jobctl_saved saved;
	long r;
	jobctl_enter(g, access == GMEM_WRITE ? SIGTTIN : SIGTTOU, &saved);
	r = access == GMEM_WRITE ? host_result(preadv2(fd, iov, n, offset, flags))
				 : write_result(pwritev2(fd, iov, n, offset, flags));
	jobctl_leave(&saved);
	return r;
}

long sys_readv(struct guest *g, const uint64_t *a)
{
	return vector_io(g, a, GMEM_WRITE, -1, 0);
}

long sys_writev(struct guest *g, const uint64_t *a)
{
	return vector_io(g, a, GMEM_READ, -1, 0);
}

/* preadv and pwritev: a[3] is the offset (a[4], its high half, is for 32-bit callers and unused here). */
long sys_preadv(struct guest *g, const uint64_t *a)
{
	return (int64_t)a[3] < 0 ? -EINVAL : vector_io(g, a, GMEM_WRITE, (off_t)a[3], 0);
}

long sys_pwritev(struct guest *g, const uint64_t *a)
{
	return (int64_t)a[3] < 0 ? -EINVAL : vector_io(g, a, GMEM_READ, (off_t)a[3], 0);
}

/* The *2 forms: offset -1 is the file position; a[5] the RWF_* flags, of which Linux's are passed on. */
#define RWF_KNOWN (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)

static long vector_io2(struct guest *g, const uint64_t *a, enum gmem_access access)
{
	if ((int64_t)a[3] < -1)
		return -EINVAL;
	if (a[5] & ~(uint64_t)RWF_KNOWN)
		return -EOPNOTSUPP;
	return vector_io(g, a, access, (off_t)a[3], (int)a[5]);
}

long sys_preadv2(struct guest *g, const uint64_t *a)
{
	return vector_io2(g, a, GMEM_WRITE);
}

long sys_pwritev2(struct guest *g, const uint64_t *a)
{
	return vector_io2(g, a, GMEM_READ);
}

long sys_lseek(struct guest *g, const uint64_t *a)
{
	(void)g;
	if (!guest_fd_valid((int)a[0]))
		return -EBADF;
	return host_result(lseek((int)a[0], (off_t)a[1], (int)a[2]));
}

long sys_sendfile(struct guest *g, const uint64_t *a)
{
	int out = (int)a[0], in = (int)a[1];
	if (!guest_fd_valid(out) || !guest_fd_valid(in))
		return -EBADF;
	off_t offset;
	if (a[2] && gmem_copy_in(&g->mm, &offset, a[2], sizeof(offset)))
		return -EFAULT;
	long r = write_result(sendfile(out, in, a[2] ? &offset : NULL, a[3]));
	if (r >= 0 && a[2] && gmem_copy_out(&g->mm, a[2], &offset, sizeof(offset)))
		return -EFAULT;
	return r;
}

/* Calls that take only a descriptor and integers pass straight through. */
#define FD_CALL(name, expr)                                        \
	long sys_##name(struct guest *g, const uint64_t *a)        \
	{                                                          \
		(void)g;                                           \
		if (!guest_fd_valid((int)a[0]))                    \
			return -EBADF;                             \
		return host_result(expr);                          \
	}

FD_CALL(close, close((int)a[0]))
FD_CALL(fsync, fsync((int)a[0]))
FD_CALL(fdatasync, fdatasync((int)a[0]))
FD_CALL(ftruncate, ftruncate((int)a[0], (off_t)a[1]))
FD_CALL(fchmod, fchmod((int)a[0], (mode_t)a[1]))
FD_CALL(fchown, fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]))
FD_CALL(flock, flock((int)a[0], (int)a[1]))
FD_CALL(fchdir, fchdir((int)a[0]))

long sys_copy_file_range(struct guest *g, const uint64_t *a)
{
	int in = (int)a[0], out = (int)a[2];
	if (!guest_fd_valid(in) || !guest_fd_valid(out))
		return -EBADF;
	loff_t off_in, off_out;
	if (a[1] && gmem_copy_in(&g->mm, &off_in, a[1], sizeof(off_in)))
		return -EFAULT;
	if (a[3] && gmem_copy_in(&g->mm, &off_out, a[3], sizeof(off_out)))
		return -EFAULT;
	long r = host_result(copy_file_range(in, a[1] ? &off_in : NULL, out, a[3] ? &off_out : NULL, a[4],
					     (unsigned)a[5]));
	if (r >= 0 && ((a[1] && gmem_copy_out(&g->mm, a[1], &off_in, sizeof(off_in))) ||
		       (a[3] && gmem_copy_out(&g->mm, a[3], &off_out, sizeof(off_out)))))
		return -EFAULT;
	return r;
}
