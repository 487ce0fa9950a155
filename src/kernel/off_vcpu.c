// SPDX-License-Identifier: Apache-2.0
// Which system calls a monitor thread other than the vCPU's own may serve
// (monitor/fastcall.h). Such a call must not read or change the vCPU
// (registers, FS base, signal frames), measure the calling host thread
// (CPU time, CPU number, affinity) or the thread's or process's life;
// and it must either finish promptly or block only in a host call that a
// kick (SIGRTMIN+4) interrupts with EINTR. A signal it makes deliverable
// (a mask change, SIGPIPE) is delivered as the call returns: the server
// then answers through the vCPU's own thread (BOX_DONE_EXIT).
#include <sys/syscall.h>

#include "kernel/syscall.h"

/* Clocks that measure the calling thread: the vCPU's own thread must read them. */
static bool thread_clock(long clock)
{
	/* CLOCK_THREAD_CPUTIME_ID, or a thread's CPU clock (negative ids, CPUCLOCK_PERTHREAD set). */
	return clock == 3 || (clock < 0 && (clock & 4));
}

bool syscall_off_vcpu_ok(uint64_t nr, const uint64_t *args)
{
	if (nr == SYS_clock_gettime || nr == SYS_clock_getres)
		return !args || !thread_clock((long)args[0]);
	switch (nr) {
	/* identity, limits and time */
	case SYS_getpid: case SYS_getppid: case SYS_gettid: case SYS_getuid: case SYS_getgid:
	case SYS_geteuid: case SYS_getegid: case SYS_getresuid: case SYS_getresgid: case SYS_getgroups:
	case SYS_getpgrp: case SYS_getpgid: case SYS_getsid: case SYS_uname: case SYS_sysinfo:
	case SYS_getrlimit: case SYS_setrlimit: case SYS_prlimit64: case SYS_sched_yield: case SYS_umask:
	case SYS_getrandom:
	case SYS_time: case SYS_gettimeofday: case SYS_clock_gettime: case SYS_clock_getres:
	case SYS_set_tid_address: case SYS_set_robust_list: case SYS_get_robust_list:
	case SYS_rt_sigaction: case SYS_rt_sigprocmask: case SYS_rt_sigpending:
	/* descriptors and I/O */
	case SYS_open: case SYS_openat: case SYS_creat: case SYS_close: case SYS_read: case SYS_write:
	case SYS_readv: case SYS_writev: case SYS_pread64: case SYS_pwrite64: case SYS_lseek:
	case SYS_sendfile: case SYS_copy_file_range: case SYS_dup: case SYS_dup2: case SYS_dup3:
	case SYS_fcntl: case SYS_ioctl: case SYS_pipe: case SYS_pipe2: case SYS_flock:
	case SYS_fsync: case SYS_fdatasync: case SYS_sync: case SYS_eventfd: case SYS_eventfd2:
	case SYS_memfd_create:
	/* sockets and readiness; a wait's own signal mask is the guest thread's state, restored as on the exit path */
	case SYS_socket: case SYS_socketpair: case SYS_bind: case SYS_listen: case SYS_accept: case SYS_accept4:
	case SYS_connect: case SYS_getsockname: case SYS_getpeername: case SYS_setsockopt: case SYS_getsockopt:
	case SYS_shutdown: case SYS_sendto: case SYS_recvfrom: case SYS_sendmsg: case SYS_recvmsg:
	case SYS_sendmmsg: case SYS_recvmmsg: case SYS_epoll_create: case SYS_epoll_create1: case SYS_epoll_ctl:
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_epoll_pwait2: case SYS_poll: case SYS_ppoll:
	case SYS_select: case SYS_pselect6:
	/* the file system */
	case SYS_stat: case SYS_fstat: case SYS_lstat: case SYS_newfstatat: case SYS_statx:
	case SYS_statfs: case SYS_fstatfs: case SYS_access: case SYS_faccessat: case SYS_faccessat2:
	case SYS_readlink: case SYS_readlinkat: case SYS_getdents64: case SYS_getcwd: case SYS_chdir:
	case SYS_fchdir: case SYS_mkdir: case SYS_mkdirat: case SYS_rmdir: case SYS_unlink:
	case SYS_unlinkat: case SYS_rename: case SYS_renameat: case SYS_renameat2: case SYS_link:
	case SYS_linkat: case SYS_symlink: case SYS_symlinkat: case SYS_chmod: case SYS_fchmod:
	case SYS_fchmodat: case SYS_chown: case SYS_fchown: case SYS_lchown: case SYS_fchownat:
	case SYS_utimensat: case SYS_truncate: case SYS_ftruncate:
	case SYS_setxattr: case SYS_lsetxattr: case SYS_fsetxattr: case SYS_getxattr:
	case SYS_lgetxattr: case SYS_fgetxattr: case SYS_listxattr: case SYS_llistxattr:
	case SYS_flistxattr: case SYS_removexattr: case SYS_lremovexattr: case SYS_fremovexattr:
	/* memory: page-table changes stop every vCPU, this one included */
	case SYS_mmap: case SYS_munmap: case SYS_mprotect: case SYS_mremap: case SYS_madvise:
	case SYS_brk:
		return true;
	default:
		return false;
	}
}
