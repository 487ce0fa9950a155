// SPDX-License-Identifier: Apache-2.0
// Guest probe: feeds bad pointers, lengths and fds to every pointer-taking
// syscall airlock serves and prints one deterministic line per call.

// tests/integration/badptr.t diffs the output natively vs under airlock.
// Only cases whose native result is fixed are here: no addresses, no times,
// nothing that depends on kernel version details or on timing.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL

#include "badptr_util.h"
#define UNMAPPED ((void *)0x1)
#define KERNEL ((void *)0xffff800000000000ULL)
#define HUGE_LEN ((size_t)1 << 47)

#define DIR_ "/tmp/bp"
#define DATA DIR_ "/data"
#define OUTF DIR_ "/out"
#define SUB DIR_ "/dir"
#define SYM DIR_ "/sym"
#define LONGSYM DIR_ "/longsym"
#define MISSING DIR_ "/missing"
#define LONG_TARGET "a-symlink-target-much-longer-than-four-bytes"

static int data_fd, out_fd, dir_fd, rdonly_fd, pipe_r, pipe_w;

static void rewind_fd(int fd)
{
	if (lseek(fd, 0, SEEK_SET) != 0)
		die("lseek");
}

static long fd_read(int fd) { return syscall(SYS_read, fd, good, 10); }
static long fd_write(int fd) { return syscall(SYS_write, fd, good, 10); }
static long fd_readv(int fd)
{
	struct iovec iov = {good, 10};
	return syscall(SYS_readv, fd, &iov, 1);
}
static long fd_writev(int fd)
{
	struct iovec iov = {good, 10};
	return syscall(SYS_writev, fd, &iov, 1);
}
static long fd_preadv(int fd)
{
	struct iovec iov = {good, 10};
	return syscall(SYS_preadv, fd, &iov, 1, 0, 0);
}
static long fd_pwritev2(int fd)
{
	struct iovec iov = {good, 10};
	return syscall(SYS_pwritev2, fd, &iov, 1, -1, 0, 0);
}
static long fd_pread(int fd) { return syscall(SYS_pread64, fd, good, 10, 0); }
static long fd_pwrite(int fd) { return syscall(SYS_pwrite64, fd, good, 10, 0); }
static long fd_fstat(int fd)
{
	struct stat st;
	return syscall(SYS_fstat, fd, &st);
}
static long fd_newfstatat(int fd)
{
	struct stat st;
	return syscall(SYS_newfstatat, fd, "data", &st, 0);
}
static long fd_statx(int fd)
{
	struct statx stx;
	return syscall(SYS_statx, fd, "data", 0, STATX_BASIC_STATS, &stx);
}
static long fd_faccessat(int fd) { return syscall(SYS_faccessat, fd, "data", R_OK); }
static long fd_openat(int fd) { return syscall(SYS_openat, fd, "data", O_RDONLY); }
static long fd_utimensat(int fd) { return syscall(SYS_utimensat, fd, NULL, NULL, 0); }
static long fd_getdents(int fd) { return syscall(SYS_getdents64, fd, good, sizeof(good)); }
static long fd_getlk(int fd)
{
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	return syscall(SYS_fcntl, fd, F_GETLK, &fl);
}
static long fd_tcgets(int fd)
{
	struct termios t;
	return syscall(SYS_ioctl, fd, TCGETS, &t);
}
static long fd_mmap(int fd)
{
	long r = syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (r != -1)
		munmap((void *)r, 2 * PAGE);
	return r == -1 ? -1 : 0;
}

static void setup(void)
{
	setup_buffers();
	if (mkdir(DIR_, 0755) != 0 || mkdir(SUB, 0755) != 0)
		die("mkdir");
	const char *names[] = {SUB "/one", SUB "/two", SUB "/three"};
	for (int i = 0; i < 3; i++) {
		int fd = open(names[i], O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			die("create");
		close(fd);
	}
	if (symlink("data", SYM) != 0 || symlink(LONG_TARGET, LONGSYM) != 0)
		die("symlink");

	data_fd = open(DATA, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (data_fd < 0)
		die("open data");
	for (int i = 0; i < 10; i++)
		if (write(data_fd, "0123456789", 10) != 10)
			die("write data");
	out_fd = open(OUTF, O_WRONLY | O_CREAT | O_EXCL, 0644);
	dir_fd = open(SUB, O_RDONLY | O_DIRECTORY);
	rdonly_fd = open(DATA, O_RDONLY);
	int p[2];
	if (out_fd < 0 || dir_fd < 0 || rdonly_fd < 0 || pipe(p) != 0)
		die("open");
	pipe_r = p[0];
	pipe_w = p[1];
	printf("setup fds: data=%d out=%d dir=%d rdonly=%d pipe=%d,%d\n", data_fd, out_fd,
	       dir_fd, rdonly_fd, pipe_r, pipe_w);
}

static void test_read_write(void)
{
	rewind_fd(data_fd);
	T("read", "NULL", syscall(SYS_read, data_fd, NULL, 10));
	T("read", "0x1", syscall(SYS_read, data_fd, UNMAPPED, 10));
	T("read", "kernel", syscall(SYS_read, data_fd, KERNEL, 10));
	T("read", "huge len", syscall(SYS_read, data_fd, good, HUGE_LEN));
	T("read", "SIZE_MAX len", syscall(SYS_read, data_fd, good, SIZE_MAX));
	T("read", "NULL len 0", syscall(SYS_read, data_fd, NULL, 0));
	T("read", "straddle", syscall(SYS_read, data_fd, straddle(), 100));
	rewind_fd(data_fd);
	T("read", "good", syscall(SYS_read, data_fd, good, 10));
	T("read", "write-only fd", syscall(SYS_read, pipe_w, good, 10));
	T("read", "directory fd", syscall(SYS_read, dir_fd, good, 10));
	bad_fds("read", fd_read);

	T("write", "NULL", syscall(SYS_write, out_fd, NULL, 10));
	T("write", "0x1", syscall(SYS_write, out_fd, UNMAPPED, 10));
	T("write", "kernel", syscall(SYS_write, out_fd, KERNEL, 10));
	T("write", "huge len", syscall(SYS_write, out_fd, good, HUGE_LEN));
	T("write", "SIZE_MAX len", syscall(SYS_write, out_fd, good, SIZE_MAX));
	T("write", "NULL len 0", syscall(SYS_write, out_fd, NULL, 0));
	T("write", "straddle", syscall(SYS_write, out_fd, straddle(), 100));
	T("write", "good", syscall(SYS_write, out_fd, good, 10));
	T("write", "read-only fd", syscall(SYS_write, rdonly_fd, good, 10));
	bad_fds("write", fd_write);
}

static void test_vectored(void)
{
	struct iovec two[2] = {{good, 10}, {good + 10, 5}};
	struct iovec null_base = {NULL, 10};
	struct iovec second_bad[2] = {{good, 10}, {NULL, 10}};
	struct iovec max_len = {good, SIZE_MAX};
	void *iov_straddle = at_end(two, 8); // 8 of the 32 bytes fit

	rewind_fd(data_fd);
	T("readv", "iov NULL", syscall(SYS_readv, data_fd, NULL, 1));
	T("readv", "iov 0x1", syscall(SYS_readv, data_fd, UNMAPPED, 1));
	T("readv", "iov kernel", syscall(SYS_readv, data_fd, KERNEL, 1));
	T("readv", "iov straddle", syscall(SYS_readv, data_fd, iov_straddle, 2));
	T("readv", "base NULL", syscall(SYS_readv, data_fd, &null_base, 1));
	T("readv", "iov_len SIZE_MAX", syscall(SYS_readv, data_fd, &max_len, 1));
	T("readv", "iovcnt 0", syscall(SYS_readv, data_fd, two, 0));
	T("readv", "iovcnt -1", syscall(SYS_readv, data_fd, two, (long)-1));
	T("readv", "iovcnt 1025", syscall(SYS_readv, data_fd, two, 1025));
	T("readv", "second base NULL", syscall(SYS_readv, data_fd, second_bad, 2));
	rewind_fd(data_fd);
	T("readv", "good", syscall(SYS_readv, data_fd, two, 2));
	bad_fds("readv", fd_readv);

	T("writev", "iov NULL", syscall(SYS_writev, out_fd, NULL, 1));
	T("writev", "iov 0x1", syscall(SYS_writev, out_fd, UNMAPPED, 1));
	T("writev", "iov kernel", syscall(SYS_writev, out_fd, KERNEL, 1));
	iov_straddle = at_end(two, 8);
	T("writev", "iov straddle", syscall(SYS_writev, out_fd, iov_straddle, 2));
	T("writev", "base NULL", syscall(SYS_writev, out_fd, &null_base, 1));
	T("writev", "iov_len SIZE_MAX", syscall(SYS_writev, out_fd, &max_len, 1));
	T("writev", "iovcnt 0", syscall(SYS_writev, out_fd, two, 0));
	T("writev", "iovcnt -1", syscall(SYS_writev, out_fd, two, (long)-1));
	T("writev", "iovcnt 1025", syscall(SYS_writev, out_fd, two, 1025));
	T("writev", "good", syscall(SYS_writev, out_fd, two, 2));

	/* The positioned forms share the iovec checks; their own: the offset and preadv2's flags. */
	T("preadv", "iov kernel", syscall(SYS_preadv, data_fd, KERNEL, 1, 0, 0));
	T("preadv", "iov_len SIZE_MAX", syscall(SYS_preadv, data_fd, &max_len, 1, 0, 0));
	T("preadv", "offset -1", syscall(SYS_preadv, data_fd, two, 2, -1L, 0));
	T("preadv", "good at 3", syscall(SYS_preadv, data_fd, two, 2, 3, 0));
	T("preadv", "pipe (no position)", syscall(SYS_preadv, pipe_r, two, 2, 0, 0));
	bad_fds("preadv", fd_preadv);
	T("pwritev", "base NULL", syscall(SYS_pwritev, out_fd, &null_base, 1, 0, 0));
	T("pwritev", "offset LONG_MIN", syscall(SYS_pwritev, out_fd, two, 2, LONG_MIN, 0));
	T("preadv2", "offset -2", syscall(SYS_preadv2, data_fd, two, 2, -2L, 0, 0));
	T("preadv2", "offset -1 (the position)", syscall(SYS_preadv2, data_fd, two, 2, -1L, 0, 0));
	T("preadv2", "flags 0x80000000", syscall(SYS_preadv2, data_fd, two, 2, 0, 0, 0x80000000L));
	T("pwritev2", "iov 0x1", syscall(SYS_pwritev2, out_fd, UNMAPPED, 1, -1L, 0, 0));
	T("pwritev2", "good, RWF_DSYNC", syscall(SYS_pwritev2, out_fd, two, 2, 0, 0, 2L));
	bad_fds("pwritev2", fd_pwritev2);
	bad_fds("writev", fd_writev);
}

static void test_positional(void)
{
	T("pread64", "NULL", syscall(SYS_pread64, data_fd, NULL, 10, 0));
	T("pread64", "0x1", syscall(SYS_pread64, data_fd, UNMAPPED, 10, 0));
	T("pread64", "kernel", syscall(SYS_pread64, data_fd, KERNEL, 10, 0));
	T("pread64", "huge len", syscall(SYS_pread64, data_fd, good, HUGE_LEN, 0));
	T("pread64", "straddle", syscall(SYS_pread64, data_fd, straddle(), 100, 0));
	T("pread64", "offset -1", syscall(SYS_pread64, data_fd, good, 10, (long)-1));
	T("pread64", "offset 95", syscall(SYS_pread64, data_fd, good, 10, 95));
	T("pread64", "past EOF", syscall(SYS_pread64, data_fd, good, 10, 1000));
	T("pread64", "pipe", syscall(SYS_pread64, pipe_r, good, 10, 0));
	bad_fds("pread64", fd_pread);

	T("pwrite64", "NULL", syscall(SYS_pwrite64, out_fd, NULL, 10, 0));
	T("pwrite64", "0x1", syscall(SYS_pwrite64, out_fd, UNMAPPED, 10, 0));
	T("pwrite64", "kernel", syscall(SYS_pwrite64, out_fd, KERNEL, 10, 0));
	T("pwrite64", "huge len", syscall(SYS_pwrite64, out_fd, good, HUGE_LEN, 0));
	T("pwrite64", "straddle", syscall(SYS_pwrite64, out_fd, straddle(), 100, 0));
	T("pwrite64", "offset -1", syscall(SYS_pwrite64, out_fd, good, 10, (long)-1));
	T("pwrite64", "good", syscall(SYS_pwrite64, out_fd, good, 10, 50));
	T("pwrite64", "pipe", syscall(SYS_pwrite64, pipe_w, good, 10, 0));
	bad_fds("pwrite64", fd_pwrite);
}

// Opens that succeed print the fd number: Linux hands out the lowest free
// one, and a guest must see the same.
static void t_open_close(const char *name, const char *what, long fd)
{
	int err = errno;
	report(name, what, fd, err);
	if (fd >= 0)
		close((int)fd);
}

static void test_open(void)
{
	char toolong[5000];
	memset(toolong, 'a', sizeof(toolong) - 1);
	toolong[0] = '/';
	toolong[sizeof(toolong) - 1] = '\0';
	char longname[300] = DIR_ "/";
	memset(longname + strlen(longname), 'n', 280);

	errno = 0;
	t_open_close("open", "NULL", syscall(SYS_open, NULL, O_RDONLY));
	errno = 0;
	t_open_close("open", "0x1", syscall(SYS_open, UNMAPPED, O_RDONLY));
	errno = 0;
	t_open_close("open", "kernel", syscall(SYS_open, KERNEL, O_RDONLY));
	errno = 0;
	t_open_close("open", "straddle", syscall(SYS_open, straddle(), O_RDONLY));
	errno = 0;
	t_open_close("open", "NUL on last byte", syscall(SYS_open, at_end("/tmp", 5), O_RDONLY | O_DIRECTORY));
	errno = 0;
	t_open_close("open", "empty", syscall(SYS_open, "", O_RDONLY));
	errno = 0;
	t_open_close("open", "PATH_MAX+", syscall(SYS_open, toolong, O_RDONLY));
	errno = 0;
	t_open_close("open", "NAME_MAX+", syscall(SYS_open, longname, O_RDONLY));
	errno = 0;
	t_open_close("open", "missing", syscall(SYS_open, MISSING, O_RDONLY));
	errno = 0;
	t_open_close("open", "good", syscall(SYS_open, DATA, O_RDONLY));

	errno = 0;
	t_open_close("openat", "NULL", syscall(SYS_openat, AT_FDCWD, NULL, O_RDONLY));
	errno = 0;
	t_open_close("openat", "0x1", syscall(SYS_openat, AT_FDCWD, UNMAPPED, O_RDONLY));
	errno = 0;
	t_open_close("openat", "kernel", syscall(SYS_openat, AT_FDCWD, KERNEL, O_RDONLY));
	errno = 0;
	t_open_close("openat", "straddle", syscall(SYS_openat, AT_FDCWD, straddle(), O_RDONLY));
	errno = 0;
	t_open_close("openat", "file as dirfd", syscall(SYS_openat, data_fd, "x", O_RDONLY));
	errno = 0;
	t_open_close("openat", "fd -1 absolute", syscall(SYS_openat, -1, DATA, O_RDONLY));
	errno = 0;
	t_open_close("openat", "dirfd relative", syscall(SYS_openat, dir_fd, "one", O_RDONLY));
	bad_fds("openat", fd_openat);
}

static void test_stat(void)
{
	struct stat st;
	struct statx stx;
	void *sp;

	T("stat", "path NULL", syscall(SYS_stat, NULL, &st));
	T("stat", "path 0x1", syscall(SYS_stat, UNMAPPED, &st));
	T("stat", "path kernel", syscall(SYS_stat, KERNEL, &st));
	T("stat", "path straddle", syscall(SYS_stat, straddle(), &st));
	T("stat", "buf NULL", syscall(SYS_stat, DATA, NULL));
	T("stat", "buf 0x1", syscall(SYS_stat, DATA, UNMAPPED));
	T("stat", "buf kernel", syscall(SYS_stat, DATA, KERNEL));
	T("stat", "buf straddle", syscall(SYS_stat, DATA, straddle()));
	T("stat", "missing, buf NULL", syscall(SYS_stat, MISSING, NULL));
	T("stat", "good", syscall(SYS_stat, DATA, &st));

	T("lstat", "path NULL", syscall(SYS_lstat, NULL, &st));
	T("lstat", "path 0x1", syscall(SYS_lstat, UNMAPPED, &st));
	T("lstat", "path straddle", syscall(SYS_lstat, straddle(), &st));
	T("lstat", "buf NULL", syscall(SYS_lstat, SYM, NULL));
	T("lstat", "buf kernel", syscall(SYS_lstat, SYM, KERNEL));
	T("lstat", "buf straddle", syscall(SYS_lstat, SYM, straddle()));
	T("lstat", "good", syscall(SYS_lstat, SYM, &st));

	T("fstat", "buf NULL", syscall(SYS_fstat, data_fd, NULL));
	T("fstat", "buf 0x1", syscall(SYS_fstat, data_fd, UNMAPPED));
	T("fstat", "buf kernel", syscall(SYS_fstat, data_fd, KERNEL));
	T("fstat", "buf straddle", syscall(SYS_fstat, data_fd, straddle()));
	T("fstat", "good", syscall(SYS_fstat, data_fd, &st));
	bad_fds("fstat", fd_fstat);

	T("newfstatat", "path NULL", syscall(SYS_newfstatat, AT_FDCWD, NULL, &st, 0));
	T("newfstatat", "path 0x1", syscall(SYS_newfstatat, AT_FDCWD, UNMAPPED, &st, 0));
	T("newfstatat", "path straddle", syscall(SYS_newfstatat, AT_FDCWD, straddle(), &st, 0));
	T("newfstatat", "buf NULL", syscall(SYS_newfstatat, AT_FDCWD, DATA, NULL, 0));
	T("newfstatat", "buf kernel", syscall(SYS_newfstatat, AT_FDCWD, DATA, KERNEL, 0));
	T("newfstatat", "buf straddle", syscall(SYS_newfstatat, AT_FDCWD, DATA, straddle(), 0));
	T("newfstatat", "bad flags", syscall(SYS_newfstatat, AT_FDCWD, DATA, &st, 0x12345));
	T("newfstatat", "empty path", syscall(SYS_newfstatat, data_fd, "", &st, 0));
	T("newfstatat", "AT_EMPTY_PATH", syscall(SYS_newfstatat, data_fd, "", &st, AT_EMPTY_PATH));
	T("newfstatat", "nofollow", syscall(SYS_newfstatat, AT_FDCWD, SYM, &st, AT_SYMLINK_NOFOLLOW));
	T("newfstatat", "file as dirfd", syscall(SYS_newfstatat, data_fd, "x", &st, 0));
	bad_fds("newfstatat", fd_newfstatat);

	T("statx", "path NULL", syscall(SYS_statx, AT_FDCWD, NULL, 0, STATX_BASIC_STATS, &stx));
	T("statx", "path 0x1", syscall(SYS_statx, AT_FDCWD, UNMAPPED, 0, STATX_BASIC_STATS, &stx));
	T("statx", "path kernel", syscall(SYS_statx, AT_FDCWD, KERNEL, 0, STATX_BASIC_STATS, &stx));
	T("statx", "buf NULL", syscall(SYS_statx, AT_FDCWD, DATA, 0, STATX_BASIC_STATS, NULL));
	T("statx", "buf 0x1", syscall(SYS_statx, AT_FDCWD, DATA, 0, STATX_BASIC_STATS, UNMAPPED));
	sp = straddle();
	T("statx", "buf straddle", syscall(SYS_statx, AT_FDCWD, DATA, 0, STATX_BASIC_STATS, sp));
	T("statx", "bad flags", syscall(SYS_statx, AT_FDCWD, DATA, 0x80000000, STATX_BASIC_STATS, &stx));
	T("statx", "sync flags both", syscall(SYS_statx, AT_FDCWD, DATA, 0x6000, STATX_BASIC_STATS, &stx));
	T("statx", "reserved mask", syscall(SYS_statx, AT_FDCWD, DATA, 0, 0x80000000U, &stx));
	T("statx", "good", syscall(SYS_statx, AT_FDCWD, DATA, 0, STATX_BASIC_STATS, &stx));
	bad_fds("statx", fd_statx);
}

static void test_access(void)
{
	T("access", "NULL", syscall(SYS_access, NULL, R_OK));
	T("access", "0x1", syscall(SYS_access, UNMAPPED, R_OK));
	T("access", "kernel", syscall(SYS_access, KERNEL, R_OK));
	T("access", "straddle", syscall(SYS_access, straddle(), R_OK));
	T("access", "bad mode", syscall(SYS_access, DATA, 8));
	T("access", "missing", syscall(SYS_access, MISSING, F_OK));
	T("access", "X_OK on 0644", syscall(SYS_access, DATA, X_OK));
	T("access", "good", syscall(SYS_access, DATA, R_OK | W_OK));

	T("faccessat", "NULL", syscall(SYS_faccessat, AT_FDCWD, NULL, R_OK));
	T("faccessat", "0x1", syscall(SYS_faccessat, AT_FDCWD, UNMAPPED, R_OK));
	T("faccessat", "straddle", syscall(SYS_faccessat, AT_FDCWD, straddle(), R_OK));
	T("faccessat", "bad mode", syscall(SYS_faccessat, AT_FDCWD, DATA, 8));
	T("faccessat", "dirfd relative", syscall(SYS_faccessat, dir_fd, "one", R_OK));
	T("faccessat", "good", syscall(SYS_faccessat, AT_FDCWD, DATA, R_OK));
	bad_fds("faccessat", fd_faccessat);
}

static void test_cwd(void)
{
	T("getcwd", "NULL", syscall(SYS_getcwd, NULL, 100));
	T("getcwd", "0x1", syscall(SYS_getcwd, UNMAPPED, 100));
	T("getcwd", "kernel", syscall(SYS_getcwd, KERNEL, 100));
	T("getcwd", "size 0", syscall(SYS_getcwd, good, 0));
	T("getcwd", "size 1", syscall(SYS_getcwd, good, 1));
	T("getcwd", "huge size", syscall(SYS_getcwd, good, HUGE_LEN));
	// "/" needs 2 bytes and 4 are mapped: fine whatever the size says.
	T("getcwd", "short result at end", syscall(SYS_getcwd, straddle(), 100));

	T("chdir", "NULL", syscall(SYS_chdir, NULL));
	T("chdir", "0x1", syscall(SYS_chdir, UNMAPPED));
	T("chdir", "kernel", syscall(SYS_chdir, KERNEL));
	T("chdir", "straddle", syscall(SYS_chdir, straddle()));
	T("chdir", "missing", syscall(SYS_chdir, MISSING));
	T("chdir", "file", syscall(SYS_chdir, DATA));
	T("chdir", "NUL on last byte", syscall(SYS_chdir, at_end("/tmp", 5)));
	T("chdir", "good", syscall(SYS_chdir, SUB));
	T("getcwd", "long result at end", syscall(SYS_getcwd, straddle(), 100));
	T("getcwd", "good", syscall(SYS_getcwd, good, sizeof(good)));
	printf("getcwd(good) -> %s\n", good);
	T("chdir", "back to /", syscall(SYS_chdir, "/"));
}

static void test_names(void)
{
	T("mkdir", "NULL", syscall(SYS_mkdir, NULL, 0755));
	T("mkdir", "0x1", syscall(SYS_mkdir, UNMAPPED, 0755));
	T("mkdir", "kernel", syscall(SYS_mkdir, KERNEL, 0755));
	T("mkdir", "straddle", syscall(SYS_mkdir, straddle(), 0755));
	T("mkdir", "exists", syscall(SYS_mkdir, SUB, 0755));
	T("mkdir", "no parent", syscall(SYS_mkdir, MISSING "/x", 0755));
	T("mkdir", "good", syscall(SYS_mkdir, DIR_ "/newdir", 0750));

	T("mknod", "NULL", syscall(SYS_mknod, NULL, S_IFIFO | 0644, 0));
	T("mknod", "0x1", syscall(SYS_mknod, UNMAPPED, S_IFIFO | 0644, 0));
	T("mknod", "kernel", syscall(SYS_mknod, KERNEL, S_IFIFO | 0644, 0));
	T("mknod", "straddle", syscall(SYS_mknod, straddle(), S_IFIFO | 0644, 0));
	T("mknod", "bad type", syscall(SYS_mknod, DIR_ "/node", 0170000 | 0644, 0));
	T("mknod", "exists", syscall(SYS_mknod, SUB, S_IFIFO | 0644, 0));
	T("mknodat", "bad dirfd", syscall(SYS_mknodat, 1000, "node", S_IFIFO | 0644, 0));
	T("mknodat", "fifo", syscall(SYS_mknodat, AT_FDCWD, DIR_ "/fifo", S_IFIFO | 0640, 0));
	T("mknod", "regular file", syscall(SYS_mknod, DIR_ "/plain", S_IFREG | 0600, 0));
	T("unlink", "the fifo", syscall(SYS_unlink, DIR_ "/fifo"));
	T("unlink", "the file", syscall(SYS_unlink, DIR_ "/plain"));

	T("rmdir", "NULL", syscall(SYS_rmdir, NULL));
	T("rmdir", "0x1", syscall(SYS_rmdir, UNMAPPED));
	T("rmdir", "straddle", syscall(SYS_rmdir, straddle()));
	T("rmdir", "missing", syscall(SYS_rmdir, MISSING));
	T("rmdir", "not empty", syscall(SYS_rmdir, SUB));
	T("rmdir", "not a dir", syscall(SYS_rmdir, DATA));
	T("rmdir", "good", syscall(SYS_rmdir, DIR_ "/newdir"));

	int fd = open(DIR_ "/victim", O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		die("create victim");
	close(fd);
	T("unlink", "NULL", syscall(SYS_unlink, NULL));
	T("unlink", "0x1", syscall(SYS_unlink, UNMAPPED));
	T("unlink", "kernel", syscall(SYS_unlink, KERNEL));
	T("unlink", "straddle", syscall(SYS_unlink, straddle()));
	T("unlink", "missing", syscall(SYS_unlink, MISSING));
	T("unlink", "directory", syscall(SYS_unlink, SUB));
	T("unlink", "good", syscall(SYS_unlink, DIR_ "/victim"));

	T("rename", "old NULL", syscall(SYS_rename, NULL, DIR_ "/r2"));
	T("rename", "old 0x1", syscall(SYS_rename, UNMAPPED, DIR_ "/r2"));
	T("rename", "old straddle", syscall(SYS_rename, straddle(), DIR_ "/r2"));
	T("rename", "new NULL", syscall(SYS_rename, OUTF, NULL));
	T("rename", "new kernel", syscall(SYS_rename, OUTF, KERNEL));
	T("rename", "new straddle", syscall(SYS_rename, OUTF, straddle()));
	T("rename", "missing", syscall(SYS_rename, MISSING, DIR_ "/r2"));
	T("rename", "good", syscall(SYS_rename, OUTF, DIR_ "/renamed"));

	T("link", "old NULL", syscall(SYS_link, NULL, DIR_ "/l2"));
	T("link", "old 0x1", syscall(SYS_link, UNMAPPED, DIR_ "/l2"));
	T("link", "old straddle", syscall(SYS_link, straddle(), DIR_ "/l2"));
	T("link", "new NULL", syscall(SYS_link, DATA, NULL));
	T("link", "new kernel", syscall(SYS_link, DATA, KERNEL));
	T("link", "new straddle", syscall(SYS_link, DATA, straddle()));
	T("link", "exists", syscall(SYS_link, DATA, SYM));
	T("link", "good", syscall(SYS_link, DATA, DIR_ "/hardlink"));

	T("symlink", "target NULL", syscall(SYS_symlink, NULL, DIR_ "/s2"));
	T("symlink", "target 0x1", syscall(SYS_symlink, UNMAPPED, DIR_ "/s2"));
	T("symlink", "target straddle", syscall(SYS_symlink, straddle(), DIR_ "/s2"));
	T("symlink", "linkpath NULL", syscall(SYS_symlink, "data", NULL));
	T("symlink", "linkpath kernel", syscall(SYS_symlink, "data", KERNEL));
	T("symlink", "linkpath straddle", syscall(SYS_symlink, "data", straddle()));
	T("symlink", "exists", syscall(SYS_symlink, "data", SYM));
	T("symlink", "good", syscall(SYS_symlink, "dir/one", DIR_ "/newsym"));

	T("chmod", "NULL", syscall(SYS_chmod, NULL, 0600));
	T("chmod", "0x1", syscall(SYS_chmod, UNMAPPED, 0600));
	T("chmod", "straddle", syscall(SYS_chmod, straddle(), 0600));
	T("chmod", "missing", syscall(SYS_chmod, MISSING, 0600));
	T("chmod", "good", syscall(SYS_chmod, SUB "/two", 0640));
}

static void test_readlink(void)
{
	T("readlink", "path NULL", syscall(SYS_readlink, NULL, good, 100));
	T("readlink", "path 0x1", syscall(SYS_readlink, UNMAPPED, good, 100));
	T("readlink", "path straddle", syscall(SYS_readlink, straddle(), good, 100));
	T("readlink", "buf NULL", syscall(SYS_readlink, SYM, NULL, 100));
	T("readlink", "buf 0x1", syscall(SYS_readlink, SYM, UNMAPPED, 100));
	T("readlink", "buf kernel", syscall(SYS_readlink, SYM, KERNEL, 100));
	T("readlink", "size 0", syscall(SYS_readlink, SYM, good, 0));
	T("readlink", "size -1", syscall(SYS_readlink, SYM, good, (long)-1));
	// The size is an int: 1<<47 truncates to 0.
	T("readlink", "size 1<<47", syscall(SYS_readlink, SYM, good, HUGE_LEN));
	T("readlink", "size INT_MAX", syscall(SYS_readlink, SYM, good, INT_MAX));
	T("readlink", "short target at end", syscall(SYS_readlink, SYM, straddle(), 100));
	T("readlink", "long target at end", syscall(SYS_readlink, LONGSYM, straddle(), 100));
	T("readlink", "truncated", syscall(SYS_readlink, LONGSYM, good, 5));
	T("readlink", "not a symlink", syscall(SYS_readlink, DATA, good, 100));
	T("readlink", "missing", syscall(SYS_readlink, MISSING, good, 100));
}

static void test_utimensat(void)
{
	struct timespec ts[2] = {{1000000000, 0}, {1000000000, 5}};
	struct timespec bad_ns[2] = {{0, 2000000000}, {0, 0}};
	struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};

	T("utimensat", "path NULL, AT_FDCWD", syscall(SYS_utimensat, AT_FDCWD, NULL, ts, 0));
	T("utimensat", "path 0x1", syscall(SYS_utimensat, AT_FDCWD, UNMAPPED, ts, 0));
	T("utimensat", "path straddle", syscall(SYS_utimensat, AT_FDCWD, straddle(), ts, 0));
	T("utimensat", "times 0x1", syscall(SYS_utimensat, AT_FDCWD, DATA, UNMAPPED, 0));
	T("utimensat", "times kernel", syscall(SYS_utimensat, AT_FDCWD, DATA, KERNEL, 0));
	void *tsp = at_end(ts, 16); // one of the two timespecs fits
	T("utimensat", "times straddle", syscall(SYS_utimensat, AT_FDCWD, DATA, tsp, 0));
	T("utimensat", "bad nsec", syscall(SYS_utimensat, AT_FDCWD, DATA, bad_ns, 0));
	T("utimensat", "bad flags", syscall(SYS_utimensat, AT_FDCWD, DATA, ts, 0x1234));
	T("utimensat", "omit both", syscall(SYS_utimensat, AT_FDCWD, DATA, omit, 0));
	T("utimensat", "fd, path NULL", syscall(SYS_utimensat, data_fd, NULL, ts, 0));
	T("utimensat", "good", syscall(SYS_utimensat, AT_FDCWD, DATA, ts, 0));
	struct stat st;
	if (stat(DATA, &st) == 0)
		printf("utimensat(good) -> mtime %ld.%09ld\n", (long)st.st_mtim.tv_sec,
		       st.st_mtim.tv_nsec);
	bad_fds("utimensat", fd_utimensat);
}

static void test_getdents(void)
{
	rewind_fd(dir_fd);
	T("getdents64", "NULL", syscall(SYS_getdents64, dir_fd, NULL, 4096));
	rewind_fd(dir_fd);
	T("getdents64", "0x1", syscall(SYS_getdents64, dir_fd, UNMAPPED, 4096));
	rewind_fd(dir_fd);
	T("getdents64", "kernel", syscall(SYS_getdents64, dir_fd, KERNEL, 4096));
	rewind_fd(dir_fd);
	T("getdents64", "straddle", syscall(SYS_getdents64, dir_fd, straddle(), 4096));
	rewind_fd(dir_fd);
	T("getdents64", "count 0", syscall(SYS_getdents64, dir_fd, good, 0));
	T("getdents64", "count 1", syscall(SYS_getdents64, dir_fd, good, 1));
	// "." always comes first and takes 24 bytes; ".." would not fit too.
	T("getdents64", "count 30", syscall(SYS_getdents64, dir_fd, good, 30));
	rewind_fd(dir_fd);
	T("getdents64", "good", syscall(SYS_getdents64, dir_fd, good, sizeof(good)));
	T("getdents64", "at end", syscall(SYS_getdents64, dir_fd, good, sizeof(good)));
	T("getdents64", "not a dir", syscall(SYS_getdents64, data_fd, good, sizeof(good)));
	bad_fds("getdents64", fd_getdents);
}

static void test_info(void)
{
	struct utsname u;
	struct timespec ts;
	struct timeval tv;
	struct rlimit rl, cur;
	struct sysinfo si;

	T("uname", "NULL", syscall(SYS_uname, NULL));
	T("uname", "0x1", syscall(SYS_uname, UNMAPPED));
	T("uname", "kernel", syscall(SYS_uname, KERNEL));
	T("uname", "straddle", syscall(SYS_uname, straddle()));
	T("uname", "good", syscall(SYS_uname, &u));

	T("clock_gettime", "NULL", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
	T("clock_gettime", "0x1", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, UNMAPPED));
	T("clock_gettime", "kernel", syscall(SYS_clock_gettime, CLOCK_REALTIME, KERNEL));
	T("clock_gettime", "straddle", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, straddle()));
	T("clock_gettime", "bad clock", syscall(SYS_clock_gettime, 100, &ts));
	T("clock_gettime", "good", syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts));

	T("gettimeofday", "both NULL", syscall(SYS_gettimeofday, NULL, NULL));
	T("gettimeofday", "tv 0x1", syscall(SYS_gettimeofday, UNMAPPED, NULL));
	T("gettimeofday", "tv kernel", syscall(SYS_gettimeofday, KERNEL, NULL));
	T("gettimeofday", "tv straddle", syscall(SYS_gettimeofday, straddle(), NULL));
	T("gettimeofday", "tz 0x1", syscall(SYS_gettimeofday, &tv, UNMAPPED));
	T("gettimeofday", "good", syscall(SYS_gettimeofday, &tv, NULL));

	struct timespec zero = {0, 0}, one_ns = {0, 1};
	struct timespec bad_ns = {0, 2000000000}, neg = {-1, 0};
	T("nanosleep", "req NULL", syscall(SYS_nanosleep, NULL, NULL));
	T("nanosleep", "req 0x1", syscall(SYS_nanosleep, UNMAPPED, NULL));
	T("nanosleep", "req kernel", syscall(SYS_nanosleep, KERNEL, NULL));
	void *reqp = at_end(&zero, 8); // tv_sec fits, tv_nsec does not
	T("nanosleep", "req straddle", syscall(SYS_nanosleep, reqp, NULL));
	T("nanosleep", "bad nsec", syscall(SYS_nanosleep, &bad_ns, NULL));
	T("nanosleep", "negative", syscall(SYS_nanosleep, &neg, NULL));
	T("nanosleep", "zero", syscall(SYS_nanosleep, &zero, NULL));
	// rem is written only when a signal interrupts the sleep.
	T("nanosleep", "rem 0x1", syscall(SYS_nanosleep, &one_ns, UNMAPPED));
	T("nanosleep", "rem kernel", syscall(SYS_nanosleep, &zero, KERNEL));

	T("getrandom", "NULL len 0", syscall(SYS_getrandom, NULL, 0, GRND_NONBLOCK));
	T("getrandom", "NULL", syscall(SYS_getrandom, NULL, 16, GRND_NONBLOCK));
	T("getrandom", "0x1", syscall(SYS_getrandom, UNMAPPED, 16, GRND_NONBLOCK));
	T("getrandom", "kernel", syscall(SYS_getrandom, KERNEL, 16, GRND_NONBLOCK));
	T("getrandom", "bad flags", syscall(SYS_getrandom, good, 16, 0x100));
	T("getrandom", "good", syscall(SYS_getrandom, good, 16, GRND_NONBLOCK));

	T("getrlimit", "NULL", syscall(SYS_getrlimit, RLIMIT_NOFILE, NULL));
	T("getrlimit", "0x1", syscall(SYS_getrlimit, RLIMIT_NOFILE, UNMAPPED));
	T("getrlimit", "kernel", syscall(SYS_getrlimit, RLIMIT_NOFILE, KERNEL));
	T("getrlimit", "straddle", syscall(SYS_getrlimit, RLIMIT_NOFILE, straddle()));
	T("getrlimit", "bad resource", syscall(SYS_getrlimit, 999, &rl));
	T("getrlimit", "good", syscall(SYS_getrlimit, RLIMIT_NOFILE, &cur));

	struct rlimit inverted = {2, 1};
	T("prlimit64", "both NULL", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, NULL));
	T("prlimit64", "old 0x1", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, UNMAPPED));
	T("prlimit64", "old kernel", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, KERNEL));
	T("prlimit64", "old straddle", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, straddle()));
	T("prlimit64", "new 0x1", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, UNMAPPED, NULL));
	T("prlimit64", "new kernel", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, KERNEL, NULL));
	void *newp = at_end(&cur, 8);
	T("prlimit64", "new straddle", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, newp, NULL));
	T("prlimit64", "cur > max", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &inverted, NULL));
	T("prlimit64", "bad resource", syscall(SYS_prlimit64, 0, 999, NULL, &rl));
	T("prlimit64", "no such pid", syscall(SYS_prlimit64, 0x3fffffff, RLIMIT_NOFILE, NULL, &rl));
	T("prlimit64", "set unchanged", syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &cur, &rl));

	T("sysinfo", "NULL", syscall(SYS_sysinfo, NULL));
	T("sysinfo", "0x1", syscall(SYS_sysinfo, UNMAPPED));
	T("sysinfo", "kernel", syscall(SYS_sysinfo, KERNEL));
	T("sysinfo", "straddle", syscall(SYS_sysinfo, straddle()));
	T("sysinfo", "good", syscall(SYS_sysinfo, &si));
}

// The kernel's struct sigaction layout (not glibc's).
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};

static void test_signals(void)
{
	struct ksigaction ign = {SIG_IGN, 0, NULL, 0}, dfl = {SIG_DFL, 0, NULL, 0}, old;
	uint64_t set = 0, oset;

	T("rt_sigaction", "both NULL", syscall(SYS_rt_sigaction, SIGUSR1, NULL, NULL, 8));
	T("rt_sigaction", "act 0x1", syscall(SYS_rt_sigaction, SIGUSR1, UNMAPPED, NULL, 8));
	T("rt_sigaction", "act kernel", syscall(SYS_rt_sigaction, SIGUSR1, KERNEL, NULL, 8));
	void *actp = at_end(&ign, 16); // half the struct fits
	T("rt_sigaction", "act straddle", syscall(SYS_rt_sigaction, SIGUSR1, actp, NULL, 8));
	T("rt_sigaction", "oact 0x1", syscall(SYS_rt_sigaction, SIGUSR1, NULL, UNMAPPED, 8));
	T("rt_sigaction", "oact kernel", syscall(SYS_rt_sigaction, SIGUSR1, NULL, KERNEL, 8));
	T("rt_sigaction", "oact straddle", syscall(SYS_rt_sigaction, SIGUSR1, NULL, straddle(), 8));
	T("rt_sigaction", "sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, &ign, NULL, 4));
	T("rt_sigaction", "signal 0", syscall(SYS_rt_sigaction, 0, &ign, NULL, 8));
	T("rt_sigaction", "signal 65", syscall(SYS_rt_sigaction, 65, &ign, NULL, 8));
	T("rt_sigaction", "set SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, &ign, NULL, 8));
	T("rt_sigaction", "query SIGKILL", syscall(SYS_rt_sigaction, SIGKILL, NULL, &old, 8));
	T("rt_sigaction", "good", syscall(SYS_rt_sigaction, SIGUSR1, &ign, &old, 8));
	T("rt_sigaction", "restore", syscall(SYS_rt_sigaction, SIGUSR1, &dfl, &old, 8));
	printf("rt_sigaction(restore) -> old handler is %s\n", old.handler == SIG_IGN ? "SIG_IGN" : "other");

	T("rt_sigprocmask", "both NULL", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 8));
	T("rt_sigprocmask", "set 0x1", syscall(SYS_rt_sigprocmask, SIG_BLOCK, UNMAPPED, NULL, 8));
	T("rt_sigprocmask", "set kernel", syscall(SYS_rt_sigprocmask, SIG_BLOCK, KERNEL, NULL, 8));
	T("rt_sigprocmask", "set straddle", syscall(SYS_rt_sigprocmask, SIG_BLOCK, straddle(), NULL, 8));
	T("rt_sigprocmask", "oset 0x1", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, UNMAPPED, 8));
	T("rt_sigprocmask", "oset straddle", syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, straddle(), 8));
	T("rt_sigprocmask", "bad how", syscall(SYS_rt_sigprocmask, 99, &set, NULL, 8));
	// how is ignored when there is no set.
	T("rt_sigprocmask", "bad how, set NULL", syscall(SYS_rt_sigprocmask, 99, NULL, &oset, 8));
	T("rt_sigprocmask", "sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4));
	T("rt_sigprocmask", "good", syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &oset, 8));
}

static void test_fds(void)
{
	int fds[2];
	struct flock fl = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
	struct flock badtype = {.l_type = 99, .l_whence = SEEK_SET};
	struct termios t;

	T("pipe2", "NULL", syscall(SYS_pipe2, NULL, 0));
	T("pipe2", "0x1", syscall(SYS_pipe2, UNMAPPED, 0));
	T("pipe2", "kernel", syscall(SYS_pipe2, KERNEL, 0));
	T("pipe2", "straddle", syscall(SYS_pipe2, straddle(), 0));
	T("pipe2", "bad flags", syscall(SYS_pipe2, fds, 0x1234));
	// The failed calls must not have leaked descriptors: these are the
	// lowest free numbers.
	T("pipe2", "good", syscall(SYS_pipe2, fds, O_CLOEXEC));
	printf("pipe2(good) -> fds %d %d\n", fds[0], fds[1]);
	close(fds[0]);
	close(fds[1]);

	T("fcntl", "F_GETLK NULL", syscall(SYS_fcntl, data_fd, F_GETLK, NULL));
	T("fcntl", "F_GETLK 0x1", syscall(SYS_fcntl, data_fd, F_GETLK, UNMAPPED));
	T("fcntl", "F_GETLK kernel", syscall(SYS_fcntl, data_fd, F_GETLK, KERNEL));
	T("fcntl", "F_GETLK straddle", syscall(SYS_fcntl, data_fd, F_GETLK, straddle()));
	T("fcntl", "F_GETLK bad type", syscall(SYS_fcntl, data_fd, F_GETLK, &badtype));
	T("fcntl", "bad cmd", syscall(SYS_fcntl, data_fd, 9999, &fl));
	T("fcntl", "F_GETLK good", syscall(SYS_fcntl, data_fd, F_GETLK, &fl));
	printf("fcntl(F_GETLK good) -> l_type %s\n", fl.l_type == F_UNLCK ? "F_UNLCK" : "other");
	bad_fds("fcntl", fd_getlk);

	T("ioctl", "TCGETS file", syscall(SYS_ioctl, data_fd, TCGETS, &t));
	T("ioctl", "TCGETS file NULL", syscall(SYS_ioctl, data_fd, TCGETS, NULL));
	T("ioctl", "TCGETS file 0x1", syscall(SYS_ioctl, data_fd, TCGETS, UNMAPPED));
	T("ioctl", "TCGETS pipe", syscall(SYS_ioctl, pipe_r, TCGETS, &t));
	T("ioctl", "TCGETS directory", syscall(SYS_ioctl, dir_fd, TCGETS, &t));
	bad_fds("ioctl", fd_tcgets);
}

static void test_memory(void)
{
	bad_fds("mmap", fd_mmap);
	long r = syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	T_OK("mmap", "anonymous", r);
	if (r != -1)
		munmap((void *)r, 2 * PAGE);
	r = syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, rdonly_fd, 0);
	T_OK("mmap", "file", r);
	if (r != -1)
		munmap((void *)r, 2 * PAGE);
	T("mmap", "length 0", syscall(SYS_mmap, NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	T("mmap", "length 1<<47", syscall(SYS_mmap, NULL, HUGE_LEN, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	T("mmap", "length SIZE_MAX", syscall(SYS_mmap, NULL, SIZE_MAX, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
	T("mmap", "unaligned offset", syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, rdonly_fd, 1));
	T("mmap", "unaligned MAP_FIXED", syscall(SYS_mmap, (void *)0x10001001, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
	T("mmap", "no type flag", syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0));
	T("mmap", "shared write on read-only fd", syscall(SYS_mmap, NULL, 2 * PAGE, PROT_WRITE, MAP_SHARED, rdonly_fd, 0));
	T("mmap", "directory fd", syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, dir_fd, 0));
	T("mmap", "pipe fd", syscall(SYS_mmap, NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, pipe_r, 0));

	char *mapped = page_end - PAGE;
	T("munmap", "unaligned", syscall(SYS_munmap, mapped + 1, PAGE));
	T("munmap", "0x1", syscall(SYS_munmap, UNMAPPED, PAGE));
	T("munmap", "kernel", syscall(SYS_munmap, KERNEL, PAGE));
	T("munmap", "length 0", syscall(SYS_munmap, mapped, 0));
	T("munmap", "length SIZE_MAX", syscall(SYS_munmap, mapped, SIZE_MAX));
	// Unmapping a hole is not an error.
	T("munmap", "already unmapped", syscall(SYS_munmap, page_end, PAGE));

	// brk returns the current break when it refuses; print only relations.
	long cur = syscall(SYS_brk, 0);
	printf("brk(0) = %s\n", cur > 0 ? "current" : "bad");
	long b = syscall(SYS_brk, 1);
	printf("brk(0x1) = %s\n", b == cur ? "unchanged" : "changed");
	b = syscall(SYS_brk, KERNEL);
	printf("brk(kernel) = %s\n", b == cur ? "unchanged" : "changed");
	b = syscall(SYS_brk, cur + (long)HUGE_LEN);
	printf("brk(+1<<47) = %s\n", b == cur ? "unchanged" : "changed");
	b = syscall(SYS_brk, cur + 8192);
	printf("brk(+8192) = %s\n", b == cur + 8192 ? "grown by 8192" : "other");
	b = syscall(SYS_brk, cur);
	printf("brk(back) = %s\n", b == cur ? "restored" : "other");
}

int main(void)
{
	setup();
	test_read_write();
	test_vectored();
	test_positional();
	test_open();
	test_stat();
	test_access();
	test_cwd();
	test_names();
	test_readlink();
	test_utimensat();
	test_getdents();
	test_info();
	test_signals();
	test_fds();
	test_memory();

	// Nothing leaked along the way: this is the lowest free fd.
	int fd = open(DATA, O_RDONLY);
	printf("final open -> fd %d\n", fd);
	printf("done\n");
	return 0;
}
