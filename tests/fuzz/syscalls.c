// SPDX-License-Identifier: Apache-2.0
// libFuzzer harness for the system-call layer: each input is one call, its
// six argument registers and the contents of guest memory, served by
// syscall_dispatch on a guest with no VM (its memory is the monitor's, as
// gmem sees it). Arguments are raw values or aimed at the interesting places:
// into guest memory, at its edges and beyond, at the descriptors of a small
// pool (a file, a directory, pipes, sockets, /dev/null) or of the monitor.
//
// The calls fuzzed are those that cannot change the fuzzing process itself
// (no exit, fork, kill, exec, mmap of its own address space) nor block
// (every pool descriptor is non-blocking; poll-like timeouts are forced to
// zero), nor write outside the sandbox: path-taking calls are the read-only
// ones, and writes go only through the pool's descriptors, under a fresh
// temporary directory.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/fdlimits.h"
#include "kernel/guest.h"
#include "kernel/procfs.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "monitor/launch.h"
#include "vm/gmem.h"
#include "vm/layout.h"

#define MEM 0x10000000ULL    /* guest memory: MEM_SIZE read-write, a read-only page, a PROT_NONE page */
#define MEM_SIZE (16 * PAGE_SIZE)
#define POOL_BASE 900        /* the pool's descriptors, in the guest's range (below 1024) */

static const int calls[] = {
	SYS_read, SYS_write, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev, SYS_preadv, SYS_pwritev,
	SYS_preadv2, SYS_pwritev2, SYS_lseek, SYS_stat, SYS_lstat, SYS_fstat, SYS_newfstatat, SYS_statx,
	SYS_access, SYS_faccessat, SYS_faccessat2, SYS_readlink, SYS_readlinkat, SYS_getcwd, SYS_uname,
	SYS_getrandom, SYS_pipe2, SYS_dup, SYS_dup3, SYS_getdents64, SYS_fsetxattr, SYS_fgetxattr,
	SYS_flistxattr, SYS_fremovexattr, SYS_getxattr, SYS_listxattr, SYS_sendmsg, SYS_recvmsg, SYS_sendto,
	SYS_recvfrom, SYS_sendmmsg, SYS_recvmmsg, SYS_getsockopt, SYS_setsockopt, SYS_getsockname,
	SYS_getpeername, SYS_socketpair, SYS_shutdown, SYS_sysinfo, SYS_getrlimit, SYS_getgroups,
	SYS_getresuid, SYS_getresgid, SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigpending, SYS_sigaltstack,
	SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday, SYS_time, SYS_mprotect, SYS_madvise,
	SYS_memfd_create, SYS_copy_file_range, SYS_sendfile, SYS_getcpu, SYS_sched_getaffinity,
	SYS_set_robust_list, SYS_get_robust_list, SYS_poll, SYS_ppoll, SYS_epoll_create1, SYS_epoll_ctl,
	SYS_epoll_wait, SYS_eventfd2, SYS_timerfd_create, SYS_timerfd_gettime, SYS_fstatfs, SYS_statfs,
	SYS_ftruncate, SYS_fsync, SYS_fdatasync, SYS_flock, SYS_ioctl, SYS_fcntl,
};

static struct guest *g;
static int pool[12], npool, first_free_fd, null_fd, report_fd;

static void put_in_pool(int fd)
{
	if (fd >= 0 && dup2(fd, POOL_BASE + npool) >= 0)
		pool[npool] = POOL_BASE + npool, npool++;
	if (fd >= 0)
		close(fd);
}

static void setup(void)
{
	char dir[] = "/tmp/airlock-fuzz.XXXXXX";
	if (!mkdtemp(dir) || chdir(dir) < 0)
		abort();
	g = guest_new();
	if (!g || mm_init(&g->mm, NULL, false) ||
	    mm_map_fixed(&g->mm, MEM, MEM_SIZE, PROT_READ | PROT_WRITE, VMA_ANON) ||
	    mm_map_fixed(&g->mm, MEM + MEM_SIZE, PAGE_SIZE, PROT_READ, VMA_ANON) ||
	    mm_map_fixed(&g->mm, MEM + MEM_SIZE + PAGE_SIZE, PAGE_SIZE, PROT_NONE, VMA_ANON))
		abort();
	snprintf(g->hostname, sizeof(g->hostname), "fuzz");
	procfs_init(g);
	signal(SIGPIPE, SIG_IGN); /* as in the monitor: a write to a closed pipe is EPIPE, and a guest SIGPIPE */
	/*
	 * Descriptors 0, 1 and 2 are /dev/null while a call runs: a call on
	 * them (truncating, closing, making non-blocking) must not reach the
	 * fuzzer's report, which is put back on 2 after each call from a copy
	 * above the guest's range. A crash inside a call therefore prints
	 * nothing; its input is saved all the same, and rerunning the harness
	 * on it prints the report.
	 */
	launch_raise_fd_limit();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	null_fd = fcntl(null, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT);
	report_fd = fcntl(2, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT);
	if (null < 0 || null_fd < 0 || report_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0)
		abort();
	close(null);
	int fds[2];
	put_in_pool(open("file", O_RDWR | O_CREAT | O_NONBLOCK, 0600));
	put_in_pool(open(".", O_RDONLY | O_DIRECTORY));
	put_in_pool(open("/dev/null", O_RDWR));
	if (pipe2(fds, O_NONBLOCK) == 0) {
		put_in_pool(fds[0]);
		put_in_pool(fds[1]);
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0) {
		put_in_pool(fds[0]);
		put_in_pool(fds[1]);
	}
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, fds) == 0) {
		put_in_pool(fds[0]);
		put_in_pool(fds[1]);
	}
	put_in_pool(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
	first_free_fd = dup(0);
	close(first_free_fd);
}

/* An argument from 9 bytes of input: a selector and a value. */
static uint64_t argument(const uint8_t *in)
{
	uint64_t v;
	memcpy(&v, in + 1, sizeof(v));
	switch (in[0] % 8) {
	case 0: return v;                                          /* raw */
	case 1: return MEM + v % MEM_SIZE;                          /* inside guest memory */
	case 2: return MEM + MEM_SIZE - v % 64;                     /* at the read-only page's edge */
	case 3: return MEM + MEM_SIZE + PAGE_SIZE + v % PAGE_SIZE;  /* PROT_NONE */
	case 4: return (uint64_t)(pool[v % (uint64_t)npool]);       /* a pool descriptor */
	case 5: return 1024 + v % 64;                               /* the monitor's range */
	case 6: return v % 4096;                                    /* a small number */
	default: return (uint64_t)-(int64_t)(v % 4096);             /* a small negative one */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!g)
		setup();
	enum { HEADER = 1 + 6 * 9 };
	if (size < HEADER)
		return 0;
	int nr = calls[data[0] % (sizeof(calls) / sizeof(calls[0]))];
	uint64_t a[6];
	for (int i = 0; i < 6; i++)
		a[i] = argument(data + 1 + 9 * i);
	/* Never block: poll-like waits time out at once, sends and receives do not wait, locks do not queue. */
	if (nr == SYS_poll)
		a[2] = 0;
	if (nr == SYS_epoll_wait)
		a[3] = 0;
	if (nr == SYS_ppoll) { /* its timeout is in memory: zeros at MEM, which the input's bytes leave alone */
		static const struct timespec zero;
		gmem_copy_out(&g->mm, MEM, &zero, sizeof(zero));
		a[2] = MEM;
	}
	if (nr == SYS_sendmsg || nr == SYS_recvmsg || nr == SYS_sendto || nr == SYS_recvfrom || nr == SYS_sendmmsg ||
	    nr == SYS_recvmmsg)
		a[nr == SYS_sendto || nr == SYS_recvfrom || nr == SYS_sendmmsg || nr == SYS_recvmmsg ? 3 : 2] |= MSG_DONTWAIT;
	if (nr == SYS_flock)
		a[1] |= LOCK_NB;
	if (nr == SYS_fcntl && (a[1] == F_SETLKW || a[1] == F_OFD_SETLKW))
		a[1] = F_GETFL;
	if (nr == SYS_dup3 && a[1] < 3) /* the fuzzer's own stdio stays its own */
		a[1] += (uint64_t)first_free_fd;
	/* The rest of the input is guest memory (the ppoll timeout above stays). */
	size_t fill = size - HEADER < MEM_SIZE - sizeof(struct timespec) ? size - HEADER : MEM_SIZE - sizeof(struct timespec);
	gmem_copy_out(&g->mm, MEM + sizeof(struct timespec), data + HEADER, fill);
	dup2(null_fd, 2);
	syscall_dispatch(g, (uint64_t)nr, a);
	dup2(null_fd, 0);
	dup2(null_fd, 1);
	dup2(report_fd, 2);
	/* Inputs do not add up: the descriptors the call made are closed, guest memory is writable again. */
	close_range((unsigned)first_free_fd, POOL_BASE - 1, 0);
	close_range((unsigned)(POOL_BASE + npool), GUEST_FD_LIMIT - 1, 0);
	const uint64_t writable[6] = {MEM, MEM_SIZE, PROT_READ | PROT_WRITE};
	syscall_dispatch(g, SYS_mprotect, writable);
	return 0;
}
