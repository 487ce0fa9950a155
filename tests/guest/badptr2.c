// SPDX-License-Identifier: Apache-2.0
// Guest probe: feeds bad pointers, lengths and fds to the pointer-taking
// system calls of threads, signals, timers, event fds, epoll/select/poll,
// xattrs, affinity, prctl and /proc/self/exe; one deterministic line per call.

// tests/integration/abi.t diffs the output natively vs under airlock, the
// same way badptr.t does for tests/guest/badptr.c (whose style this follows).
// Only cases whose native result is fixed are here: no addresses, no times,
// no thread ids. The native run has a /proc mounted (compare_native_pair -m).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/sched.h>

#define PAGE 4096UL

#include "badptr_util.h"
#define UNMAPPED ((void *)0x1)
#define KERNEL ((void *)0xffff800000000000ULL)
#define UNMAPPED_PAGE ((void *)0x10000) /* vm.mmap_min_addr: never mapped here */

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011

#define DIR_ "/tmp/bp2"
#define SRC DIR_ "/src"
#define DST DIR_ "/dst"
#define SYM DIR_ "/sym"
#define MISSING DIR_ "/missing"

static int src_fd, dst_fd, rdonly_fd, wronly_fd, dir_fd, pipe_r, pipe_w;

// Raw read/write: libc's prototypes object to bad buffers at compile time.
static long rd(int fd, void *buf, size_t n)
{
	return syscall(SYS_read, fd, buf, n);
}

static long wr(int fd, const void *buf, size_t n)
{
	return syscall(SYS_write, fd, buf, n);
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void setup(void)
{
	setup_buffers();

	if (mkdir(DIR_, 0755) != 0)
		die("mkdir");
	src_fd = open(SRC, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (src_fd < 0)
		die("open src");
	for (int i = 0; i < 10; i++)
		if (wr(src_fd, "0123456789", 10) != 10)
			die("write src");
	dst_fd = open(DST, O_RDWR | O_CREAT | O_EXCL, 0644);
	rdonly_fd = open(SRC, O_RDONLY);
	wronly_fd = open(DST, O_WRONLY);
	dir_fd = open(DIR_, O_RDONLY | O_DIRECTORY);
	if (symlink("src", SYM) != 0)
		die("symlink");
	int p[2];
	if (dst_fd < 0 || rdonly_fd < 0 || wronly_fd < 0 || dir_fd < 0 || pipe(p) != 0)
		die("open");
	pipe_r = p[0];
	pipe_w = p[1];
	printf("setup fds: src=%d dst=%d rdonly=%d wronly=%d dir=%d pipe=%d,%d\n", src_fd, dst_fd,
	       rdonly_fd, wronly_fd, dir_fd, pipe_r, pipe_w);
}

// ---------------------------------------------------------------------------
// clone, clone3, set_tid_address, robust lists

// A thread that stores 1 to *flag and exits at once. It runs no libc code and
// uses no stack, so whatever clone does with the tid pointers it cannot run
// away; a call that wrongly succeeds as a fork ends just as fast.
static char thread_stack[64 * 1024] __attribute__((aligned(16)));

static long raw_clone(unsigned long flags, int *ptid, int *ctid, unsigned long tls, volatile int *flag)
{
	long ret;
	register long r10 __asm__("r10") = (long)ctid;
	register long r8 __asm__("r8") = (long)tls;
	register volatile int *r12 __asm__("r12") = flag;
	__asm__ volatile("syscall\n\t"
			 "testq %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "movl $1, (%%r12)\n\t"
			 "movl $60, %%eax\n\t" // SYS_exit: this thread only
			 "xorl %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "1:"
			 : "=a"(ret)
			 : "0"((long)SYS_clone), "D"(flags), "S"(thread_stack + sizeof(thread_stack)),
			   "d"(ptid), "r"(r10), "r"(r8), "r"(r12)
			 : "rcx", "r11", "memory");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

static volatile int child_ran;
static int ctid_word, ptid_word;

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

// Waits for a thread made by raw_clone to have run and, when it has a good
// CLONE_CHILD_CLEARTID word, to be gone (the stack is reused).
static void wait_child(long ret, int *cleartid)
{
	if (ret <= 0)
		return;
	for (int i = 0; i < 100000 && !child_ran; i++)
		sched_yield();
	if (cleartid) {
		int v;
		while ((v = __atomic_load_n(cleartid, __ATOMIC_ACQUIRE)) != 0)
			syscall(SYS_futex, cleartid, FUTEX_WAIT, v, NULL, NULL, 0);
	} else {
		// No word to wait on: give it time to finish its exit call.
		struct timespec ts = {0, 20000000};
		nanosleep(&ts, NULL);
	}
	if (!child_ran)
		printf("  (child did not run)\n");
}

// One raw clone with a fresh stack use: prints "= ok" (a tid) or the error.
static void t_clone(const char *what, unsigned long flags, int *ptid, int *ctid, unsigned long tls,
		    int *cleartid)
{
	child_ran = 0;
	if (cleartid)
		*cleartid = -1;
	errno = 0;
	long r = raw_clone(flags, ptid, ctid, tls, &child_ran);
	int err = errno;
	if (r == -1)
		report("clone", what, r, err);
	else
		printf("clone(%s) = ok\n", what);
	wait_child(r, cleartid);
}

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static void test_clone(void)
{
	// Good pointers first: the tids land where they should.
	child_ran = 0;
	ptid_word = 0;
	long r = raw_clone(THREAD_FLAGS | CLONE_PARENT_SETTID, &ptid_word, NULL, 0, &child_ran);
	printf("clone(PARENT_SETTID good) = %s, ptid %s\n", r > 0 ? "ok" : strerrorname_np(errno),
	       r > 0 && ptid_word == r ? "holds the tid" : "wrong");
	wait_child(r, NULL);
	child_ran = 0;
	ctid_word = -1;
	r = raw_clone(THREAD_FLAGS | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, NULL, &ctid_word, 0,
		      &child_ran);
	printf("clone(CHILD_SETTID|CHILD_CLEARTID good) = %s\n", r > 0 ? "ok" : strerrorname_np(errno));
	wait_child(r, &ctid_word);
	printf("clone(CHILD_CLEARTID good) -> ctid %d after exit\n", ctid_word);

	// Linux ignores failures to store the tids: the thread is made anyway.
	t_clone("PARENT_SETTID NULL", THREAD_FLAGS | CLONE_PARENT_SETTID, NULL, NULL, 0, NULL);
	t_clone("PARENT_SETTID 0x1", THREAD_FLAGS | CLONE_PARENT_SETTID, UNMAPPED, NULL, 0, NULL);
	t_clone("PARENT_SETTID kernel", THREAD_FLAGS | CLONE_PARENT_SETTID, KERNEL, NULL, 0, NULL);
	t_clone("CHILD_SETTID NULL", THREAD_FLAGS | CLONE_CHILD_SETTID, NULL, NULL, 0, NULL);
	t_clone("CHILD_SETTID 0x1", THREAD_FLAGS | CLONE_CHILD_SETTID, NULL, UNMAPPED, 0, NULL);
	t_clone("CHILD_SETTID kernel", THREAD_FLAGS | CLONE_CHILD_SETTID, NULL, KERNEL, 0, NULL);
	t_clone("CHILD_CLEARTID 0x1", THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL, UNMAPPED, 0, NULL);
	t_clone("CHILD_CLEARTID kernel", THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL, KERNEL, 0, NULL);

	// Refused before anything is created.
	t_clone("THREAD without SIGHAND", CLONE_VM | CLONE_THREAD, NULL, NULL, 0, NULL);
	t_clone("SIGHAND without VM", CLONE_SIGHAND, NULL, NULL, 0, NULL);
	t_clone("NEWNS with FS", THREAD_FLAGS | CLONE_NEWNS, NULL, NULL, 0, NULL);
	t_clone("SETTLS kernel address", THREAD_FLAGS | CLONE_SETTLS, NULL, NULL,
		(unsigned long)KERNEL, NULL);
	t_clone("SETTLS non-canonical", THREAD_FLAGS | CLONE_SETTLS, NULL, NULL,
		0x8000000000000000UL, NULL);

	// clone3: the argument block is copied (and checked) first.
	struct clone_args_v0 ca;
	memset(&ca, 0, sizeof(ca));
	T("clone3", "args NULL", syscall(SYS_clone3, NULL, sizeof(ca)));
	T("clone3", "args 0x1", syscall(SYS_clone3, UNMAPPED, sizeof(ca)));
	T("clone3", "args kernel", syscall(SYS_clone3, KERNEL, sizeof(ca)));
	T("clone3", "args straddle", syscall(SYS_clone3, at_end(&ca, 32), sizeof(ca)));
	T("clone3", "size 0", syscall(SYS_clone3, &ca, 0));
	T("clone3", "size 63", syscall(SYS_clone3, &ca, 63));
	T("clone3", "size 2 pages", syscall(SYS_clone3, good, 2 * PAGE));
	ca.flags = CLONE_VM | CLONE_THREAD;
	T("clone3", "THREAD without SIGHAND", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = 1ULL << 40;
	T("clone3", "unknown flag", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.flags = THREAD_FLAGS;
	ca.exit_signal = SIGCHLD;
	T("clone3", "exit_signal with THREAD", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.exit_signal = 0;
	ca.stack = 0;
	ca.stack_size = 4096;
	T("clone3", "stack_size without stack", syscall(SYS_clone3, &ca, sizeof(ca)));
	ca.stack = (uint64_t)(uintptr_t)thread_stack;
	ca.stack_size = 0;
	T("clone3", "stack without stack_size", syscall(SYS_clone3, &ca, sizeof(ca)));

	// set_tid_address never fails; it returns the caller's tid.
	long tid = gettid_();
	r = syscall(SYS_set_tid_address, UNMAPPED);
	printf("set_tid_address(0x1) = %s\n", r == tid ? "tid" : "other");
	r = syscall(SYS_set_tid_address, KERNEL);
	printf("set_tid_address(kernel) = %s\n", r == tid ? "tid" : "other");
	r = syscall(SYS_set_tid_address, NULL);
	printf("set_tid_address(NULL) = %s\n", r == tid ? "tid" : "other");

	void *head = NULL;
	size_t len = 0;
	T("get_robust_list", "good", syscall(SYS_get_robust_list, 0, &head, &len));
	printf("get_robust_list(good) -> len %zu\n", len);
	T("get_robust_list", "head_ptr NULL", syscall(SYS_get_robust_list, 0, NULL, &len));
	T("get_robust_list", "head_ptr 0x1", syscall(SYS_get_robust_list, 0, UNMAPPED, &len));
	T("get_robust_list", "len_ptr kernel", syscall(SYS_get_robust_list, 0, &head, KERNEL));
	T("get_robust_list", "no such pid", syscall(SYS_get_robust_list, 0x3fffffff, &head, &len));
	T("set_robust_list", "len 23", syscall(SYS_set_robust_list, head, 23));
	// The head is only read when the thread exits: any pointer is taken.
	T("set_robust_list", "head 0x1", syscall(SYS_set_robust_list, UNMAPPED, len));
	T("set_robust_list", "restore", syscall(SYS_set_robust_list, head, len));
}

// ---------------------------------------------------------------------------
// futex

static long futex(void *uaddr, int op, long val, const void *ts, void *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static void test_futex(void)
{
	static int word = 1, word2 = 0;
	struct timespec zero = {0, 0}, bad_ns = {0, 1000000000}, neg = {-1, 0};
	void *hole = page_end; // aligned and unmapped

	T("futex", "WAIT uaddr NULL", futex(NULL, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0));
	T("futex", "WAIT uaddr 0x1", futex(UNMAPPED, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0));
	T("futex", "WAIT uaddr kernel", futex(KERNEL, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0));
	T("futex", "WAIT uaddr at hole", futex(hole, FUTEX_WAIT_PRIVATE, 0, &zero, NULL, 0));
	T("futex", "WAIT shared uaddr at hole", futex(hole, FUTEX_WAIT, 0, &zero, NULL, 0));
	T("futex", "WAIT timeout 0x1", futex(&word, FUTEX_WAIT_PRIVATE, 1, UNMAPPED, NULL, 0));
	T("futex", "WAIT timeout kernel", futex(&word, FUTEX_WAIT_PRIVATE, 1, KERNEL, NULL, 0));
	T("futex", "WAIT timeout straddle", futex(&word, FUTEX_WAIT_PRIVATE, 1, at_end(&zero, 8), NULL, 0));
	T("futex", "WAIT timeout 0x1, value differs", futex(&word, FUTEX_WAIT_PRIVATE, 2, UNMAPPED, NULL, 0));
	T("futex", "WAIT bad nsec", futex(&word, FUTEX_WAIT_PRIVATE, 1, &bad_ns, NULL, 0));
	T("futex", "WAIT negative timeout", futex(&word, FUTEX_WAIT_PRIVATE, 1, &neg, NULL, 0));
	T("futex", "WAIT zero timeout", futex(&word, FUTEX_WAIT_PRIVATE, 1, &zero, NULL, 0));
	T("futex", "WAIT value differs", futex(&word, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0));
	T("futex", "WAIT_BITSET bitset 0", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &zero, NULL, 0));
	T("futex", "WAIT_BITSET timeout 0x1", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, UNMAPPED, NULL, -1));

	T("futex", "WAKE uaddr NULL", futex(NULL, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	T("futex", "WAKE uaddr 0x1", futex(UNMAPPED, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	T("futex", "WAKE uaddr kernel", futex(KERNEL, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	T("futex", "WAKE uaddr at hole", futex(hole, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	T("futex", "WAKE shared uaddr NULL", futex(NULL, FUTEX_WAKE, 1, NULL, NULL, 0));
	T("futex", "WAKE shared uaddr at hole", futex(hole, FUTEX_WAKE, 1, NULL, NULL, 0));
	T("futex", "WAKE good", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0));
	T("futex", "WAKE CLOCK_REALTIME", futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0));

	int op = FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0);
	T("futex", "WAKE_OP uaddr2 NULL", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, NULL, op));
	T("futex", "WAKE_OP uaddr2 0x1", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, UNMAPPED, op));
	T("futex", "WAKE_OP uaddr2 kernel", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, KERNEL, op));
	T("futex", "WAKE_OP uaddr2 at hole", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, hole, op));
	T("futex", "WAKE_OP bad op", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, 0x70000000));
	T("futex", "WAKE_OP good", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &word2, op));
	printf("futex(WAKE_OP good) -> uaddr2 %d\n", word2);

	T("futex", "CMP_REQUEUE uaddr2 0x1", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, UNMAPPED, 1));
	T("futex", "CMP_REQUEUE uaddr2 kernel", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, KERNEL, 1));
	T("futex", "CMP_REQUEUE uaddr at hole", futex(hole, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 1));
	T("futex", "CMP_REQUEUE value differs", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 7));
	T("futex", "CMP_REQUEUE same word", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word, 1));
	T("futex", "CMP_REQUEUE good", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &word2, 1));
	T("futex", "CMP_REQUEUE negative count", futex(&word, FUTEX_CMP_REQUEUE_PRIVATE, -1, (void *)1L, &word2, 1));

	T("futex", "LOCK_PI uaddr NULL", futex(NULL, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	T("futex", "LOCK_PI uaddr at hole", futex(hole, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	word = 0x3ffffff0; /* no thread's id (under airlock the main thread may be pid 1) */
	T("futex", "UNLOCK_PI not owner", futex(&word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0));
	T("futex", "bad op", futex(&word, 99, 0, NULL, NULL, 0));
}

// ---------------------------------------------------------------------------
// Signals: rt_sigpending, rt_sigtimedwait, rt_sigsuspend, sigaltstack

static volatile int usr1_count;
static void usr1_handler(int sig)
{
	(void)sig;
	usr1_count++;
}

static int usr1_pending(void)
{
	uint64_t set = 0;
	syscall(SYS_rt_sigpending, &set, 8);
	return (set >> (SIGUSR1 - 1)) & 1;
}

static void test_signals(void)
{
	uint64_t set = 0, usr1 = 1ULL << (SIGUSR1 - 1), oset;
	siginfo_t si;
	struct timespec zero = {0, 0}, bad_ns = {0, 1000000000}, neg = {-1, 0};

	T("rt_sigpending", "NULL", syscall(SYS_rt_sigpending, NULL, 8));
	T("rt_sigpending", "0x1", syscall(SYS_rt_sigpending, UNMAPPED, 8));
	T("rt_sigpending", "kernel", syscall(SYS_rt_sigpending, KERNEL, 8));
	T("rt_sigpending", "straddle", syscall(SYS_rt_sigpending, straddle(), 8));
	T("rt_sigpending", "sigsetsize 4", syscall(SYS_rt_sigpending, &set, 4));
	T("rt_sigpending", "sigsetsize 16", syscall(SYS_rt_sigpending, &set, 16));
	T("rt_sigpending", "good", syscall(SYS_rt_sigpending, &set, 8));

	// Blocked SIGUSR1 pending for the sigtimedwait cases.
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = usr1_handler;
	sigaction(SIGUSR1, &sa, NULL);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &usr1, &oset, 8);

	T("rt_sigtimedwait", "set NULL", syscall(SYS_rt_sigtimedwait, NULL, &si, &zero, 8));
	T("rt_sigtimedwait", "set 0x1", syscall(SYS_rt_sigtimedwait, UNMAPPED, &si, &zero, 8));
	T("rt_sigtimedwait", "set kernel", syscall(SYS_rt_sigtimedwait, KERNEL, &si, &zero, 8));
	T("rt_sigtimedwait", "set straddle", syscall(SYS_rt_sigtimedwait, straddle(), &si, &zero, 8));
	T("rt_sigtimedwait", "sigsetsize 4", syscall(SYS_rt_sigtimedwait, &usr1, &si, &zero, 4));
	T("rt_sigtimedwait", "timeout 0x1", syscall(SYS_rt_sigtimedwait, &usr1, &si, UNMAPPED, 8));
	T("rt_sigtimedwait", "timeout kernel", syscall(SYS_rt_sigtimedwait, &usr1, &si, KERNEL, 8));
	T("rt_sigtimedwait", "timeout straddle", syscall(SYS_rt_sigtimedwait, &usr1, &si, at_end(&zero, 8), 8));
	T("rt_sigtimedwait", "bad nsec", syscall(SYS_rt_sigtimedwait, &usr1, &si, &bad_ns, 8));
	T("rt_sigtimedwait", "negative timeout", syscall(SYS_rt_sigtimedwait, &usr1, &si, &neg, 8));
	T("rt_sigtimedwait", "nothing pending", syscall(SYS_rt_sigtimedwait, &usr1, &si, &zero, 8));
	raise(SIGUSR1);
	T("rt_sigtimedwait", "info NULL, pending", syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 8));
	raise(SIGUSR1);
	T("rt_sigtimedwait", "info 0x1, pending", syscall(SYS_rt_sigtimedwait, &usr1, UNMAPPED, &zero, 8));
	printf("rt_sigtimedwait(info 0x1) -> still pending %d\n", usr1_pending());
	raise(SIGUSR1);
	T("rt_sigtimedwait", "info kernel, pending", syscall(SYS_rt_sigtimedwait, &usr1, KERNEL, &zero, 8));
	raise(SIGUSR1);
	void *sip = at_end(&si, 16);
	T("rt_sigtimedwait", "info straddle, pending", syscall(SYS_rt_sigtimedwait, &usr1, sip, &zero, 8));
	if (usr1_pending())
		syscall(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 8);

	T("rt_sigsuspend", "NULL", syscall(SYS_rt_sigsuspend, NULL, 8));
	T("rt_sigsuspend", "0x1", syscall(SYS_rt_sigsuspend, UNMAPPED, 8));
	T("rt_sigsuspend", "kernel", syscall(SYS_rt_sigsuspend, KERNEL, 8));
	T("rt_sigsuspend", "straddle", syscall(SYS_rt_sigsuspend, straddle(), 8));
	T("rt_sigsuspend", "sigsetsize 4", syscall(SYS_rt_sigsuspend, &set, 4));
	raise(SIGUSR1);
	uint64_t none = 0;
	T("rt_sigsuspend", "good, signal pending", syscall(SYS_rt_sigsuspend, &none, 8));
	printf("rt_sigsuspend(good) -> handler ran %d time(s)\n", usr1_count);
	syscall(SYS_rt_sigprocmask, SIG_SETMASK, &oset, NULL, 8);
	signal(SIGUSR1, SIG_DFL);

	static char alt[64 * 1024];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0}, old;
	stack_t small = {.ss_sp = alt, .ss_size = 1024, .ss_flags = 0};
	stack_t badflags = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = 0x1234};
	stack_t onstack = {.ss_sp = alt, .ss_size = sizeof(alt), .ss_flags = SS_ONSTACK};
	stack_t disable = {.ss_sp = UNMAPPED, .ss_size = 0, .ss_flags = SS_DISABLE};
	T("sigaltstack", "both NULL", syscall(SYS_sigaltstack, NULL, NULL));
	T("sigaltstack", "ss 0x1", syscall(SYS_sigaltstack, UNMAPPED, NULL));
	T("sigaltstack", "ss kernel", syscall(SYS_sigaltstack, KERNEL, NULL));
	T("sigaltstack", "ss straddle", syscall(SYS_sigaltstack, at_end(&ss, 8), NULL));
	T("sigaltstack", "oss 0x1", syscall(SYS_sigaltstack, NULL, UNMAPPED));
	T("sigaltstack", "oss kernel", syscall(SYS_sigaltstack, NULL, KERNEL));
	T("sigaltstack", "oss straddle", syscall(SYS_sigaltstack, NULL, straddle()));
	T("sigaltstack", "size 1024", syscall(SYS_sigaltstack, &small, NULL));
	T("sigaltstack", "bad flags", syscall(SYS_sigaltstack, &badflags, NULL));
	T("sigaltstack", "SS_ONSTACK flag", syscall(SYS_sigaltstack, &onstack, NULL));
	T("sigaltstack", "good, oss 0x1", syscall(SYS_sigaltstack, &ss, UNMAPPED));
	T("sigaltstack", "good", syscall(SYS_sigaltstack, &ss, &old));
	printf("sigaltstack(good) -> old flags %d size %s\n", old.ss_flags,
	       old.ss_size == sizeof(alt) ? "same" : "other");
	T("sigaltstack", "disable, bad sp", syscall(SYS_sigaltstack, &disable, &old));
	T("sigaltstack", "query", syscall(SYS_sigaltstack, NULL, &old));
	printf("sigaltstack(query) -> flags %d\n", old.ss_flags);
}

// ---------------------------------------------------------------------------
// Timers: setitimer/getitimer, POSIX timers, timerfd

static long fd_timerfd_settime(int fd)
{
	struct itimerspec its = {{0, 0}, {0, 0}};
	return syscall(SYS_timerfd_settime, fd, 0, &its, NULL);
}
static long fd_timerfd_gettime(int fd)
{
	struct itimerspec its;
	return syscall(SYS_timerfd_gettime, fd, &its);
}

static void test_timers(void)
{
	struct itimerval zero = {{0, 0}, {0, 0}}, cur, bad_usec = {{0, 0}, {0, 1000000}};
	struct itimerval neg = {{0, 0}, {-1, 0}};
	T("getitimer", "NULL", syscall(SYS_getitimer, ITIMER_REAL, NULL));
	T("getitimer", "0x1", syscall(SYS_getitimer, ITIMER_REAL, UNMAPPED));
	T("getitimer", "kernel", syscall(SYS_getitimer, ITIMER_REAL, KERNEL));
	T("getitimer", "straddle", syscall(SYS_getitimer, ITIMER_REAL, straddle()));
	T("getitimer", "bad which", syscall(SYS_getitimer, 99, &cur));
	T("getitimer", "good", syscall(SYS_getitimer, ITIMER_REAL, &cur));
	T("getitimer", "ITIMER_VIRTUAL", syscall(SYS_getitimer, ITIMER_VIRTUAL, &cur));
	T("getitimer", "ITIMER_PROF", syscall(SYS_getitimer, ITIMER_PROF, &cur));
	T("setitimer", "new 0x1", syscall(SYS_setitimer, ITIMER_REAL, UNMAPPED, NULL));
	T("setitimer", "new kernel", syscall(SYS_setitimer, ITIMER_REAL, KERNEL, NULL));
	T("setitimer", "new straddle", syscall(SYS_setitimer, ITIMER_REAL, at_end(&zero, 16), NULL));
	T("setitimer", "old 0x1", syscall(SYS_setitimer, ITIMER_REAL, &zero, UNMAPPED));
	T("setitimer", "old kernel", syscall(SYS_setitimer, ITIMER_REAL, &zero, KERNEL));
	T("setitimer", "old straddle", syscall(SYS_setitimer, ITIMER_REAL, &zero, straddle()));
	T("setitimer", "usec 1000000", syscall(SYS_setitimer, ITIMER_REAL, &bad_usec, NULL));
	T("setitimer", "negative", syscall(SYS_setitimer, ITIMER_REAL, &neg, NULL));
	T("setitimer", "bad which", syscall(SYS_setitimer, 99, &zero, NULL));
	T("setitimer", "good disarm", syscall(SYS_setitimer, ITIMER_REAL, &zero, &cur));

	// POSIX timers, raw: the kernel's timer id is an int.
	int id = -1;
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_NONE;
	T("timer_create", "sevp 0x1", syscall(SYS_timer_create, CLOCK_MONOTONIC, UNMAPPED, &id));
	T("timer_create", "sevp kernel", syscall(SYS_timer_create, CLOCK_MONOTONIC, KERNEL, &id));
	T("timer_create", "sevp straddle", syscall(SYS_timer_create, CLOCK_MONOTONIC, at_end(&sev, 8), &id));
	T("timer_create", "timerid NULL", syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, NULL));
	T("timer_create", "timerid 0x1", syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, UNMAPPED));
	T("timer_create", "timerid kernel", syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, KERNEL));
	T("timer_create", "timerid straddle", syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, at_end(&id, 2)));
	T("timer_create", "bad clock", syscall(SYS_timer_create, 99, &sev, &id));
	struct sigevent bad = sev;
	bad.sigev_notify = 99;
	T("timer_create", "bad sigev_notify", syscall(SYS_timer_create, CLOCK_MONOTONIC, &bad, &id));
	bad.sigev_notify = SIGEV_SIGNAL;
	bad.sigev_signo = 0;
	T("timer_create", "signal 0", syscall(SYS_timer_create, CLOCK_MONOTONIC, &bad, &id));
	bad.sigev_signo = 65;
	T("timer_create", "signal 65", syscall(SYS_timer_create, CLOCK_MONOTONIC, &bad, &id));
	bad.sigev_notify = SIGEV_THREAD_ID;
	bad.sigev_signo = SIGUSR1;
	bad._sigev_un._tid = 0x3fffffff;
	T("timer_create", "SIGEV_THREAD_ID no such thread", syscall(SYS_timer_create, CLOCK_MONOTONIC, &bad, &id));
	T_OK("timer_create", "sevp NULL", syscall(SYS_timer_create, CLOCK_MONOTONIC, NULL, &id));
	T("timer_delete", "sevp NULL timer", syscall(SYS_timer_delete, id));
	T_OK("timer_create", "good", syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &id));

	struct itimerspec its = {{0, 0}, {100, 0}}, oits, bad_ns = {{0, 0}, {0, 1000000000}};
	T("timer_settime", "bad id", syscall(SYS_timer_settime, 12345, 0, &its, NULL));
	T("timer_settime", "new NULL", syscall(SYS_timer_settime, id, 0, NULL, NULL));
	T("timer_settime", "new 0x1", syscall(SYS_timer_settime, id, 0, UNMAPPED, NULL));
	T("timer_settime", "new kernel", syscall(SYS_timer_settime, id, 0, KERNEL, NULL));
	T("timer_settime", "new straddle", syscall(SYS_timer_settime, id, 0, at_end(&its, 16), NULL));
	T("timer_settime", "bad nsec", syscall(SYS_timer_settime, id, 0, &bad_ns, NULL));
	T("timer_settime", "good", syscall(SYS_timer_settime, id, 0, &its, NULL));
	T("timer_settime", "old 0x1", syscall(SYS_timer_settime, id, 0, &its, UNMAPPED));
	T("timer_settime", "old straddle", syscall(SYS_timer_settime, id, 0, &its, straddle()));
	T("timer_settime", "unknown flags", syscall(SYS_timer_settime, id, 0x100, &its, &oits));
	T("timer_gettime", "bad id", syscall(SYS_timer_gettime, 12345, &oits));
	T("timer_gettime", "NULL", syscall(SYS_timer_gettime, id, NULL));
	T("timer_gettime", "0x1", syscall(SYS_timer_gettime, id, UNMAPPED));
	T("timer_gettime", "kernel", syscall(SYS_timer_gettime, id, KERNEL));
	T("timer_gettime", "straddle", syscall(SYS_timer_gettime, id, straddle()));
	T("timer_gettime", "good", syscall(SYS_timer_gettime, id, &oits));
	T("timer_getoverrun", "bad id", syscall(SYS_timer_getoverrun, 12345));
	T("timer_getoverrun", "good", syscall(SYS_timer_getoverrun, id));
	T("timer_delete", "bad id", syscall(SYS_timer_delete, 12345));
	T("timer_delete", "good", syscall(SYS_timer_delete, id));
	T("timer_delete", "again", syscall(SYS_timer_delete, id));

	T("timerfd_create", "bad clock", syscall(SYS_timerfd_create, 99, 0));
	T("timerfd_create", "bad flags", syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0x1234));
	int tfd = (int)syscall(SYS_timerfd_create, CLOCK_MONOTONIC, TFD_NONBLOCK);
	printf("timerfd_create(good) -> fd %d\n", tfd);
	struct itimerspec tzero = {{0, 0}, {0, 0}}, one_ns = {{0, 0}, {0, 1}};
	T("timerfd_settime", "new NULL", syscall(SYS_timerfd_settime, tfd, 0, NULL, NULL));
	T("timerfd_settime", "new 0x1", syscall(SYS_timerfd_settime, tfd, 0, UNMAPPED, NULL));
	T("timerfd_settime", "new kernel", syscall(SYS_timerfd_settime, tfd, 0, KERNEL, NULL));
	T("timerfd_settime", "new straddle", syscall(SYS_timerfd_settime, tfd, 0, at_end(&tzero, 16), NULL));
	T("timerfd_settime", "old 0x1", syscall(SYS_timerfd_settime, tfd, 0, &tzero, UNMAPPED));
	T("timerfd_settime", "old straddle", syscall(SYS_timerfd_settime, tfd, 0, &tzero, straddle()));
	T("timerfd_settime", "bad flags", syscall(SYS_timerfd_settime, tfd, 0x1234, &tzero, NULL));
	T("timerfd_settime", "bad nsec", syscall(SYS_timerfd_settime, tfd, 0, &bad_ns, NULL));
	T("timerfd_settime", "pipe fd", syscall(SYS_timerfd_settime, pipe_r, 0, &tzero, NULL));
	bad_fds("timerfd_settime", fd_timerfd_settime);
	T("timerfd_gettime", "NULL", syscall(SYS_timerfd_gettime, tfd, NULL));
	T("timerfd_gettime", "0x1", syscall(SYS_timerfd_gettime, tfd, UNMAPPED));
	T("timerfd_gettime", "kernel", syscall(SYS_timerfd_gettime, tfd, KERNEL));
	T("timerfd_gettime", "straddle", syscall(SYS_timerfd_gettime, tfd, straddle()));
	T("timerfd_gettime", "pipe fd", syscall(SYS_timerfd_gettime, pipe_r, &oits));
	bad_fds("timerfd_gettime", fd_timerfd_gettime);

	uint64_t ticks;
	T("read", "timerfd disarmed", rd(tfd, &ticks, 8));
	T("read", "timerfd 4 bytes", rd(tfd, &ticks, 4));
	T("timerfd_settime", "1ns one-shot", syscall(SYS_timerfd_settime, tfd, 0, &one_ns, NULL));
	struct pollfd p = {.fd = tfd, .events = POLLIN};
	T("poll", "timerfd expired", poll(&p, 1, 10000));
	T("read", "timerfd expired, buf NULL", rd(tfd, NULL, 8));
	T("read", "timerfd after the failed read", rd(tfd, &ticks, 8));
	syscall(SYS_timerfd_settime, tfd, 0, &one_ns, NULL);
	poll(&p, 1, 10000);
	T("read", "timerfd expired, buf straddle", rd(tfd, straddle(), 8));
	close(tfd);
}

// ---------------------------------------------------------------------------
// eventfd

static void test_eventfd(void)
{
	T("eventfd2", "bad flags", syscall(SYS_eventfd2, 0, 0x1234));
	int efd = (int)syscall(SYS_eventfd2, 0, EFD_NONBLOCK);
	printf("eventfd2(good) -> fd %d\n", efd);
	uint64_t v = 5;
	T("write", "eventfd NULL", wr(efd, NULL, 8));
	T("write", "eventfd 0x1", wr(efd, UNMAPPED, 8));
	T("write", "eventfd kernel", wr(efd, KERNEL, 8));
	T("write", "eventfd straddle", wr(efd, straddle(), 8));
	T("write", "eventfd 4 bytes", wr(efd, &v, 4));
	T("write", "eventfd 16 bytes", wr(efd, good, 16));
	T("read", "eventfd empty, buf NULL", rd(efd, NULL, 8));
	T("write", "eventfd good", wr(efd, &v, 8));
	T("read", "eventfd 4 bytes", rd(efd, &v, 4));
	T("read", "eventfd buf NULL", rd(efd, NULL, 8));
	T("read", "eventfd after the failed read", rd(efd, &v, 8));
	v = 5;
	wr(efd, &v, 8);
	T("read", "eventfd buf straddle", rd(efd, straddle(), 8));
	T("read", "eventfd buf kernel", rd(efd, KERNEL, 8));
	wr(efd, &v, 8);
	T("read", "eventfd 16 bytes", rd(efd, good, 16));
	close(efd);
}

// ---------------------------------------------------------------------------
// epoll

static int ep_good;
static long fd_epoll_ctl_epfd(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};
	return syscall(SYS_epoll_ctl, fd, EPOLL_CTL_ADD, pipe_r, &ev);
}
static long fd_epoll_ctl_target(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};
	return syscall(SYS_epoll_ctl, ep_good, EPOLL_CTL_ADD, fd, &ev);
}
static long fd_epoll_wait(int fd)
{
	struct epoll_event ev;
	return syscall(SYS_epoll_wait, fd, &ev, 1, 0);
}

static void test_epoll(void)
{
	T("epoll_create", "size 0", syscall(SYS_epoll_create, 0));
	T("epoll_create", "size -1", syscall(SYS_epoll_create, -1));
	T("epoll_create1", "bad flags", syscall(SYS_epoll_create1, 0x1234));
	int ep = (int)syscall(SYS_epoll_create1, 0);
	ep_good = ep;
	printf("epoll_create1(good) -> fd %d\n", ep);
	int efd = (int)syscall(SYS_eventfd2, 0, EFD_NONBLOCK);
	int efd2 = (int)syscall(SYS_eventfd2, 0, EFD_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};

	T("epoll_ctl", "ADD event NULL", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, NULL));
	T("epoll_ctl", "ADD event 0x1", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, UNMAPPED));
	T("epoll_ctl", "ADD event kernel", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, KERNEL));
	T("epoll_ctl", "ADD event straddle", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, at_end(&ev, 4)));
	T("epoll_ctl", "bad op", syscall(SYS_epoll_ctl, ep, 99, efd, &ev));
	T("epoll_ctl", "epfd not epoll", syscall(SYS_epoll_ctl, pipe_r, EPOLL_CTL_ADD, efd, &ev));
	T("epoll_ctl", "fd is epfd", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, ep, &ev));
	T("epoll_ctl", "regular file", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, src_fd, &ev));
	T("epoll_ctl", "directory", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, dir_fd, &ev));
	T("epoll_ctl", "ADD good", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, &ev));
	T("epoll_ctl", "MOD event NULL", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_MOD, efd, NULL));
	T("epoll_ctl", "MOD event 0x1", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_MOD, efd, UNMAPPED));
	T("epoll_ctl", "DEL event 0x1", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_DEL, efd, UNMAPPED));
	T("epoll_ctl", "ADD again", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, &ev));
	struct epoll_event bad_ev = {.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT};
	T("epoll_ctl", "EXCLUSIVE with ONESHOT", syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd2, &bad_ev));
	bad_fds("epoll_ctl epfd", fd_epoll_ctl_epfd);
	bad_fds("epoll_ctl fd", fd_epoll_ctl_target);

	struct epoll_event out[4];
	// The buffer is checked as a range (access_ok) up front and written
	// only when something is ready.
	T("epoll_wait", "events NULL, none ready", syscall(SYS_epoll_wait, ep, NULL, 1, 0));
	T("epoll_wait", "events 0x1, none ready", syscall(SYS_epoll_wait, ep, UNMAPPED, 1, 0));
	T("epoll_wait", "events kernel", syscall(SYS_epoll_wait, ep, KERNEL, 1, 0));
	T("epoll_wait", "maxevents 0", syscall(SYS_epoll_wait, ep, out, 0, 0));
	T("epoll_wait", "maxevents -1", syscall(SYS_epoll_wait, ep, out, -1, 0));
	T("epoll_wait", "maxevents INT_MAX", syscall(SYS_epoll_wait, ep, out, INT_MAX, 0));
	uint64_t one = 1;
	wr(efd, &one, 8);
	ev.data.u64 = 2;
	syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd2, &ev);
	wr(efd2, &one, 8);
	T("epoll_wait", "events NULL, 2 ready", syscall(SYS_epoll_wait, ep, NULL, 2, 0));
	T("epoll_wait", "events at hole, 2 ready", syscall(SYS_epoll_wait, ep, page_end, 2, 0));
	T("epoll_wait", "room for 1 before the hole, 2 ready", syscall(SYS_epoll_wait, ep, page_end - 12, 2, 0));
	T("epoll_wait", "good, 2 ready", syscall(SYS_epoll_wait, ep, out, 4, 0));
	bad_fds("epoll_wait", fd_epoll_wait);
	T("epoll_wait", "epfd not epoll", syscall(SYS_epoll_wait, pipe_r, out, 1, 0));

	uint64_t mask = 0;
	T("epoll_pwait", "sigmask 0x1", syscall(SYS_epoll_pwait, ep, out, 4, 0, UNMAPPED, 8));
	T("epoll_pwait", "sigmask kernel", syscall(SYS_epoll_pwait, ep, out, 4, 0, KERNEL, 8));
	T("epoll_pwait", "sigmask straddle", syscall(SYS_epoll_pwait, ep, out, 4, 0, straddle(), 8));
	T("epoll_pwait", "sigsetsize 4", syscall(SYS_epoll_pwait, ep, out, 4, 0, &mask, 4));
	T("epoll_pwait", "good", syscall(SYS_epoll_pwait, ep, out, 4, 0, &mask, 8));
	struct timespec zero = {0, 0}, bad_ns = {0, 1000000000};
	T("epoll_pwait2", "timeout 0x1", syscall(SYS_epoll_pwait2, ep, out, 4, UNMAPPED, NULL, 8));
	T("epoll_pwait2", "timeout kernel", syscall(SYS_epoll_pwait2, ep, out, 4, KERNEL, NULL, 8));
	T("epoll_pwait2", "timeout straddle", syscall(SYS_epoll_pwait2, ep, out, 4, at_end(&zero, 8), NULL, 8));
	T("epoll_pwait2", "bad nsec", syscall(SYS_epoll_pwait2, ep, out, 4, &bad_ns, NULL, 8));
	T("epoll_pwait2", "good", syscall(SYS_epoll_pwait2, ep, out, 4, &zero, NULL, 8));
	close(efd);
	close(efd2);
	close(ep);
}

// ---------------------------------------------------------------------------
// select, pselect6, poll, ppoll

static void test_select(void)
{
	fd_set rs;
	struct timeval tv0 = {0, 0}, bad_usec = {0, 2000000}, neg = {-1, 0};
	FD_ZERO(&rs);
	FD_SET(pipe_r, &rs);
	int n = pipe_r + 1;
	T("select", "readfds NULL", syscall(SYS_select, n, NULL, NULL, NULL, &tv0));
	T("select", "readfds 0x1", syscall(SYS_select, n, UNMAPPED, NULL, NULL, &tv0));
	T("select", "readfds kernel", syscall(SYS_select, n, KERNEL, NULL, NULL, &tv0));
	T("select", "readfds straddle, nfds 64", syscall(SYS_select, 64, straddle(), NULL, NULL, &tv0));
	T("select", "readfds fits, nfds 32", syscall(SYS_select, 32, at_end(&rs, 4), NULL, NULL, &tv0));
	T("select", "writefds 0x1", syscall(SYS_select, n, NULL, UNMAPPED, NULL, &tv0));
	T("select", "exceptfds kernel", syscall(SYS_select, n, NULL, NULL, KERNEL, &tv0));
	T("select", "timeout 0x1", syscall(SYS_select, n, &rs, NULL, NULL, UNMAPPED));
	T("select", "timeout kernel", syscall(SYS_select, n, &rs, NULL, NULL, KERNEL));
	T("select", "timeout straddle", syscall(SYS_select, n, &rs, NULL, NULL, at_end(&tv0, 8)));
	T("select", "usec 2000000", syscall(SYS_select, n, &rs, NULL, NULL, &bad_usec));
	T("select", "negative timeout", syscall(SYS_select, n, &rs, NULL, NULL, &neg));
	T("select", "nfds -1", syscall(SYS_select, -1, &rs, NULL, NULL, &tv0));
	static fd_set big[8]; // room for nfds up to 8192
	memset(big, 0, sizeof(big));
	T("select", "nfds INT_MAX, empty sets", syscall(SYS_select, INT_MAX, big, NULL, NULL, &tv0));
	FD_ZERO(&rs);
	FD_SET(50, &rs);
	T("select", "closed fd 50", syscall(SYS_select, 51, &rs, NULL, NULL, &tv0));
	// Bits beyond the table of open descriptors (64 slots for a process
	// this small) are ignored by Linux: fds a monitor keeps up there must
	// not show through.
	memset(big, 0, sizeof(big));
	for (int fd = 1000; fd < 1024; fd++)
		FD_SET(fd, &big[0]);
	T("select", "fds 1000..1023, nfds 1024", syscall(SYS_select, 1024, big, NULL, NULL, &tv0));
	FD_ZERO(&rs);
	FD_SET(pipe_w, &rs);
	T("select", "good, write end writable", syscall(SYS_select, pipe_w + 1, NULL, &rs, NULL, &tv0));

	struct timespec ts0 = {0, 0};
	uint64_t mask = 0;
	struct { void *set; size_t size; } sm = {&mask, 8}, sm_bad = {UNMAPPED, 8}, sm_size = {&mask, 4};
	struct { void *set; size_t size; } sm_null = {NULL, 8};
	FD_ZERO(&rs);
	FD_SET(pipe_r, &rs);
	T("pselect6", "timeout 0x1", syscall(SYS_pselect6, n, &rs, NULL, NULL, UNMAPPED, NULL));
	T("pselect6", "timeout kernel", syscall(SYS_pselect6, n, &rs, NULL, NULL, KERNEL, NULL));
	T("pselect6", "sigmask arg 0x1", syscall(SYS_pselect6, n, &rs, NULL, NULL, &ts0, UNMAPPED));
	T("pselect6", "sigmask arg straddle", syscall(SYS_pselect6, n, &rs, NULL, NULL, &ts0, at_end(&sm, 8)));
	T("pselect6", "sigset 0x1", syscall(SYS_pselect6, n, &rs, NULL, NULL, &ts0, &sm_bad));
	T("pselect6", "sigset NULL", syscall(SYS_pselect6, n, &rs, NULL, NULL, &ts0, &sm_null));
	T("pselect6", "sigsetsize 4", syscall(SYS_pselect6, n, &rs, NULL, NULL, &ts0, &sm_size));
	T("pselect6", "readfds 0x1", syscall(SYS_pselect6, n, UNMAPPED, NULL, NULL, &ts0, &sm));
	T("pselect6", "good", syscall(SYS_pselect6, n, &rs, NULL, NULL, &ts0, &sm));

	struct pollfd pf = {.fd = pipe_r, .events = POLLIN};
	struct timespec bad_ns = {0, 1000000000};
	T("poll", "fds NULL", syscall(SYS_poll, NULL, 1, 0));
	T("poll", "fds NULL, nfds 0", syscall(SYS_poll, NULL, 0, 0));
	T("poll", "fds 0x1", syscall(SYS_poll, UNMAPPED, 1, 0));
	T("poll", "fds kernel", syscall(SYS_poll, KERNEL, 1, 0));
	T("poll", "fds straddle", syscall(SYS_poll, at_end(&pf, 4), 1, 0));
	T("poll", "nfds INT_MAX", syscall(SYS_poll, &pf, INT_MAX, 0));
	T("ppoll", "fds 0x1", syscall(SYS_ppoll, UNMAPPED, 1, &ts0, NULL, 8));
	T("ppoll", "timeout 0x1", syscall(SYS_ppoll, &pf, 1, UNMAPPED, NULL, 8));
	T("ppoll", "timeout kernel", syscall(SYS_ppoll, &pf, 1, KERNEL, NULL, 8));
	T("ppoll", "timeout straddle", syscall(SYS_ppoll, &pf, 1, at_end(&ts0, 8), NULL, 8));
	T("ppoll", "bad nsec", syscall(SYS_ppoll, &pf, 1, &bad_ns, NULL, 8));
	T("ppoll", "sigmask 0x1", syscall(SYS_ppoll, &pf, 1, &ts0, UNMAPPED, 8));
	T("ppoll", "sigmask kernel", syscall(SYS_ppoll, &pf, 1, &ts0, KERNEL, 8));
	T("ppoll", "sigmask straddle", syscall(SYS_ppoll, &pf, 1, &ts0, straddle(), 8));
	T("ppoll", "sigsetsize 4", syscall(SYS_ppoll, &pf, 1, &ts0, &mask, 4));
	T("ppoll", "good", syscall(SYS_ppoll, &pf, 1, &ts0, &mask, 8));

	// The monitor's range: every one is POLLNVAL, and counts as ready.
	static struct pollfd many[101];
	for (int i = 0; i < 101; i++)
		many[i] = (struct pollfd){.fd = 1000 + i, .events = POLLIN | POLLOUT};
	long r = syscall(SYS_poll, many, 101, 0);
	int nval = 0;
	for (int i = 0; i < 101; i++)
		nval += many[i].revents == POLLNVAL;
	printf("poll(fds 1000..1100) = %ld, POLLNVAL x%d\n", r, nval);
	for (int i = 0; i < 101; i++)
		many[i].revents = 0;
	r = syscall(SYS_ppoll, many, 101, &ts0, NULL, 8);
	nval = 0;
	for (int i = 0; i < 101; i++)
		nval += many[i].revents == POLLNVAL;
	printf("ppoll(fds 1000..1100) = %ld, POLLNVAL x%d\n", r, nval);
}

// ---------------------------------------------------------------------------
// copy_file_range

static long fd_cfr_in(int fd)
{
	return syscall(SYS_copy_file_range, fd, NULL, dst_fd, NULL, 10, 0);
}
static long fd_cfr_out(int fd)
{
	return syscall(SYS_copy_file_range, src_fd, NULL, fd, NULL, 10, 0);
}

static void test_copy_file_range(void)
{
	loff_t in = 0, out = 0, neg = -1;
	T("copy_file_range", "off_in 0x1", syscall(SYS_copy_file_range, src_fd, UNMAPPED, dst_fd, &out, 10, 0));
	T("copy_file_range", "off_in kernel", syscall(SYS_copy_file_range, src_fd, KERNEL, dst_fd, &out, 10, 0));
	T("copy_file_range", "off_in straddle", syscall(SYS_copy_file_range, src_fd, straddle(), dst_fd, &out, 10, 0));
	T("copy_file_range", "off_out 0x1", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, UNMAPPED, 10, 0));
	T("copy_file_range", "off_out kernel", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, KERNEL, 10, 0));
	T("copy_file_range", "flags 1", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, &out, 10, 1));
	T("copy_file_range", "negative off_in", syscall(SYS_copy_file_range, src_fd, &neg, dst_fd, &out, 10, 0));
	T("copy_file_range", "len 0", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, &out, 0, 0));
	T("copy_file_range", "in write-only", syscall(SYS_copy_file_range, wronly_fd, &in, dst_fd, &out, 10, 0));
	T("copy_file_range", "out read-only", syscall(SYS_copy_file_range, src_fd, &in, rdonly_fd, &out, 10, 0));
	T("copy_file_range", "in directory", syscall(SYS_copy_file_range, dir_fd, &in, dst_fd, &out, 10, 0));
	T("copy_file_range", "in pipe", syscall(SYS_copy_file_range, pipe_r, NULL, dst_fd, &out, 10, 0));
	in = 0;
	out = 5;
	T("copy_file_range", "same file overlapping", syscall(SYS_copy_file_range, src_fd, &in, src_fd, &out, 10, 0));
	bad_fds("copy_file_range in", fd_cfr_in);
	bad_fds("copy_file_range out", fd_cfr_out);
	in = 10;
	out = 0;
	T("copy_file_range", "good", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, &out, 20, 0));
	printf("copy_file_range(good) -> off_in %lld off_out %lld\n", (long long)in, (long long)out);
	in = 95;
	T("copy_file_range", "past EOF", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, &out, 20, 0));
	in = 1000;
	T("copy_file_range", "at EOF", syscall(SYS_copy_file_range, src_fd, &in, dst_fd, &out, 20, 0));
}

// ---------------------------------------------------------------------------
// Extended attributes: errors of the filesystem the rootfs is on come through.

static long fd_fgetxattr(int fd)
{
	return syscall(SYS_fgetxattr, fd, "user.x", good, 100);
}

static void test_xattr(void)
{
	char longname[300] = "user.";
	memset(longname + 5, 'n', 280);
	T("getxattr", "path NULL", syscall(SYS_getxattr, NULL, "user.x", good, 100));
	T("getxattr", "path 0x1", syscall(SYS_getxattr, UNMAPPED, "user.x", good, 100));
	T("getxattr", "path kernel", syscall(SYS_getxattr, KERNEL, "user.x", good, 100));
	T("getxattr", "path straddle", syscall(SYS_getxattr, straddle(), "user.x", good, 100));
	T("getxattr", "name NULL", syscall(SYS_getxattr, SRC, NULL, good, 100));
	T("getxattr", "name 0x1", syscall(SYS_getxattr, SRC, UNMAPPED, good, 100));
	T("getxattr", "name straddle", syscall(SYS_getxattr, SRC, straddle(), good, 100));
	T("getxattr", "name empty", syscall(SYS_getxattr, SRC, "", good, 100));
	T("getxattr", "name too long", syscall(SYS_getxattr, SRC, longname, good, 100));
	T("getxattr", "no namespace", syscall(SYS_getxattr, SRC, "plain", good, 100));
	T("getxattr", "missing file", syscall(SYS_getxattr, MISSING, "user.x", good, 100));
	T("getxattr", "missing attribute", syscall(SYS_getxattr, SRC, "user.x", good, 100));
	T("getxattr", "value NULL", syscall(SYS_getxattr, SRC, "user.x", NULL, 100));
	T("getxattr", "value 0x1", syscall(SYS_getxattr, SRC, "user.x", UNMAPPED, 100));
	T("lgetxattr", "symlink", syscall(SYS_lgetxattr, SYM, "user.x", good, 100));

	T("setxattr", "path NULL", syscall(SYS_setxattr, NULL, "user.x", "v", 1, 0));
	T("setxattr", "name NULL", syscall(SYS_setxattr, SRC, NULL, "v", 1, 0));
	T("setxattr", "name empty", syscall(SYS_setxattr, SRC, "", "v", 1, 0));
	T("setxattr", "value NULL", syscall(SYS_setxattr, SRC, "user.x", NULL, 5, 0));
	T("setxattr", "value 0x1", syscall(SYS_setxattr, SRC, "user.x", UNMAPPED, 5, 0));
	T("setxattr", "value kernel", syscall(SYS_setxattr, SRC, "user.x", KERNEL, 5, 0));
	T("setxattr", "value straddle", syscall(SYS_setxattr, SRC, "user.x", straddle(), 8, 0));
	T("setxattr", "size 65537", syscall(SYS_setxattr, SRC, "user.x", good, 65537, 0));
	T("setxattr", "bad flags", syscall(SYS_setxattr, SRC, "user.x", "v", 1, 4));
	T("setxattr", "XATTR_REPLACE missing", syscall(SYS_setxattr, SRC, "user.x", "v", 1, XATTR_REPLACE));
	T("setxattr", "good", syscall(SYS_setxattr, SRC, "user.x", "v", 1, 0));
	T("lsetxattr", "symlink", syscall(SYS_lsetxattr, SYM, "user.x", "v", 1, 0));

	T("listxattr", "path NULL", syscall(SYS_listxattr, NULL, good, 100));
	T("listxattr", "path 0x1", syscall(SYS_listxattr, UNMAPPED, good, 100));
	T("listxattr", "size 0", syscall(SYS_listxattr, SRC, NULL, 0));
	T("listxattr", "list kernel", syscall(SYS_listxattr, SRC, KERNEL, 100));
	T("listxattr", "missing file", syscall(SYS_listxattr, MISSING, good, 100));
	T("listxattr", "good", syscall(SYS_listxattr, SRC, good, 100));
	T("removexattr", "name NULL", syscall(SYS_removexattr, SRC, NULL));
	T("removexattr", "path 0x1", syscall(SYS_removexattr, UNMAPPED, "user.x"));
	T("removexattr", "missing attribute", syscall(SYS_removexattr, SRC, "user.none"));
	T("removexattr", "good", syscall(SYS_removexattr, SRC, "user.x"));
	bad_fds("fgetxattr", fd_fgetxattr);
}

// ---------------------------------------------------------------------------
// Affinity, getcpu, prctl, arch_prctl, /proc/self/exe

static void test_misc(void)
{
	static unsigned long mask[16];
	long len = syscall(SYS_sched_getaffinity, 0, sizeof(mask), mask);
	printf("sched_getaffinity(good) = %s\n", len > 0 && len % 8 == 0 ? "a multiple of 8" : "other");
	T("sched_getaffinity", "NULL", syscall(SYS_sched_getaffinity, 0, sizeof(mask), NULL));
	T("sched_getaffinity", "0x1", syscall(SYS_sched_getaffinity, 0, sizeof(mask), UNMAPPED));
	T("sched_getaffinity", "kernel", syscall(SYS_sched_getaffinity, 0, sizeof(mask), KERNEL));
	T("sched_getaffinity", "straddle", syscall(SYS_sched_getaffinity, 0, sizeof(mask), straddle()));
	T("sched_getaffinity", "len 0", syscall(SYS_sched_getaffinity, 0, 0, mask));
	T("sched_getaffinity", "len 3", syscall(SYS_sched_getaffinity, 0, 3, mask));
	T("sched_getaffinity", "no such pid", syscall(SYS_sched_getaffinity, 0x3fffffff, sizeof(mask), mask));
	T("sched_setaffinity", "NULL", syscall(SYS_sched_setaffinity, 0, sizeof(mask), NULL));
	T("sched_setaffinity", "0x1", syscall(SYS_sched_setaffinity, 0, sizeof(mask), UNMAPPED));
	T("sched_setaffinity", "kernel", syscall(SYS_sched_setaffinity, 0, sizeof(mask), KERNEL));
	static unsigned long empty[16];
	T("sched_setaffinity", "empty mask", syscall(SYS_sched_setaffinity, 0, sizeof(empty), empty));
	T("sched_setaffinity", "len 0", syscall(SYS_sched_setaffinity, 0, 0, mask));
	T("sched_setaffinity", "no such pid", syscall(SYS_sched_setaffinity, 0x3fffffff, sizeof(mask), mask));
	T("times", "0x1", syscall(SYS_times, UNMAPPED));
	T("times", "kernel", syscall(SYS_times, KERNEL));
	T("times", "straddle", syscall(SYS_times, straddle()));
	static struct sched_param sp;
	T("sched_getparam", "NULL", syscall(SYS_sched_getparam, 0, NULL));
	T("sched_getparam", "0x1", syscall(SYS_sched_getparam, 0, UNMAPPED));
	T("sched_getparam", "kernel, no such pid", syscall(SYS_sched_getparam, 0x3fffffff, KERNEL));
	T("sched_setparam", "NULL", syscall(SYS_sched_setparam, 0, NULL));
	T("sched_setparam", "kernel", syscall(SYS_sched_setparam, 0, KERNEL));
	T("sched_setparam", "pid -1", syscall(SYS_sched_setparam, -1, &sp));
	T("sched_setscheduler", "NULL", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL));
	T("sched_setscheduler", "0x1", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, UNMAPPED));
	T("sched_setscheduler", "0x1, no such pid", syscall(SYS_sched_setscheduler, 0x3fffffff, SCHED_OTHER, UNMAPPED));
	T("sched_rr_get_interval", "0x1", syscall(SYS_sched_rr_get_interval, 0, UNMAPPED));
	T("sched_rr_get_interval", "straddle", syscall(SYS_sched_rr_get_interval, 0, straddle()));
	T("sched_rr_get_interval", "no such pid", syscall(SYS_sched_rr_get_interval, 0x3fffffff, UNMAPPED));
	T("getpriority", "who -1", syscall(SYS_getpriority, PRIO_PROCESS, -1));
	T("setpriority", "bad which", syscall(SYS_setpriority, 7, 0, 0));
	T("chroot", "0x1", syscall(SYS_chroot, UNMAPPED));
	T("chroot", "kernel", syscall(SYS_chroot, KERNEL));
	T("chroot", "straddle", syscall(SYS_chroot, straddle()));
	T("sched_setaffinity", "good", syscall(SYS_sched_setaffinity, 0, sizeof(mask), mask));

	unsigned cpu, node;
	T("getcpu", "all NULL", syscall(SYS_getcpu, NULL, NULL, NULL));
	T("getcpu", "cpu 0x1", syscall(SYS_getcpu, UNMAPPED, &node, NULL));
	T("getcpu", "cpu kernel", syscall(SYS_getcpu, KERNEL, &node, NULL));
	T("getcpu", "cpu straddle", syscall(SYS_getcpu, at_end("xx", 2), &node, NULL));
	T("getcpu", "node 0x1", syscall(SYS_getcpu, &cpu, UNMAPPED, NULL));
	T("getcpu", "node kernel", syscall(SYS_getcpu, &cpu, KERNEL, NULL));
	T("getcpu", "tcache 0x1 (unused)", syscall(SYS_getcpu, &cpu, &node, UNMAPPED));

	char name[32] = "";
	T("prctl", "PR_SET_NAME NULL", syscall(SYS_prctl, PR_SET_NAME, NULL, 0, 0, 0));
	T("prctl", "PR_SET_NAME 0x1", syscall(SYS_prctl, PR_SET_NAME, UNMAPPED, 0, 0, 0));
	T("prctl", "PR_SET_NAME kernel", syscall(SYS_prctl, PR_SET_NAME, KERNEL, 0, 0, 0));
	T("prctl", "PR_SET_NAME straddle", syscall(SYS_prctl, PR_SET_NAME, straddle(), 0, 0, 0));
	T("prctl", "PR_SET_NAME short at end", syscall(SYS_prctl, PR_SET_NAME, at_end("bp2", 4), 0, 0, 0));
	T("prctl", "PR_GET_NAME", syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0));
	printf("prctl(PR_GET_NAME) -> '%s'\n", name);
	T("prctl", "PR_SET_NAME long", syscall(SYS_prctl, PR_SET_NAME, "badptr2-name-longer-than-16", 0, 0, 0));
	T("prctl", "PR_GET_NAME NULL", syscall(SYS_prctl, PR_GET_NAME, NULL, 0, 0, 0));
	T("prctl", "PR_GET_NAME 0x1", syscall(SYS_prctl, PR_GET_NAME, UNMAPPED, 0, 0, 0));
	T("prctl", "PR_GET_NAME kernel", syscall(SYS_prctl, PR_GET_NAME, KERNEL, 0, 0, 0));
	T("prctl", "PR_GET_NAME straddle", syscall(SYS_prctl, PR_GET_NAME, straddle(), 0, 0, 0));
	T("prctl", "PR_GET_NAME", syscall(SYS_prctl, PR_GET_NAME, name, 0, 0, 0));
	printf("prctl(PR_GET_NAME) -> '%s'\n", name);
	T("prctl", "PR_GET_PDEATHSIG 0x1", syscall(SYS_prctl, PR_GET_PDEATHSIG, UNMAPPED, 0, 0, 0));
	T("prctl", "PR_SET_PDEATHSIG 99", syscall(SYS_prctl, PR_SET_PDEATHSIG, 99, 0, 0, 0));
	T("prctl", "PR_GET_CHILD_SUBREAPER 0x1", syscall(SYS_prctl, PR_GET_CHILD_SUBREAPER, UNMAPPED, 0, 0, 0));
	T("prctl", "PR_GET_TSC 0x1", syscall(SYS_prctl, PR_GET_TSC, UNMAPPED, 0, 0, 0));
	T("prctl", "PR_GET_DUMPABLE", syscall(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0));
	T("prctl", "bad option", syscall(SYS_prctl, 9999, 0, 0, 0, 0));

	unsigned long fs;
	T("arch_prctl", "ARCH_GET_FS NULL", syscall(SYS_arch_prctl, ARCH_GET_FS, NULL));
	T("arch_prctl", "ARCH_GET_FS 0x1", syscall(SYS_arch_prctl, ARCH_GET_FS, UNMAPPED));
	T("arch_prctl", "ARCH_GET_FS kernel", syscall(SYS_arch_prctl, ARCH_GET_FS, KERNEL));
	T("arch_prctl", "ARCH_GET_FS straddle", syscall(SYS_arch_prctl, ARCH_GET_FS, straddle()));
	T("arch_prctl", "ARCH_GET_GS 0x1", syscall(SYS_arch_prctl, ARCH_GET_GS, UNMAPPED));
	T("arch_prctl", "ARCH_GET_FS good", syscall(SYS_arch_prctl, ARCH_GET_FS, &fs));
	T("arch_prctl", "ARCH_SET_FS kernel", syscall(SYS_arch_prctl, ARCH_SET_FS, KERNEL));
	T("arch_prctl", "ARCH_SET_FS non-canonical", syscall(SYS_arch_prctl, ARCH_SET_FS, 0x8000000000000000UL));
	T("arch_prctl", "ARCH_SET_GS kernel", syscall(SYS_arch_prctl, ARCH_SET_GS, KERNEL));
	T("arch_prctl", "ARCH_SET_FS same", syscall(SYS_arch_prctl, ARCH_SET_FS, fs));
	T("arch_prctl", "ARCH_GET_CPUID", syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0));
	T("arch_prctl", "bad code", syscall(SYS_arch_prctl, 0x9999, &fs));

	char buf[256];
	T("readlink", "/proc/self/exe buf NULL", syscall(SYS_readlink, "/proc/self/exe", NULL, 100));
	T("readlink", "/proc/self/exe buf 0x1", syscall(SYS_readlink, "/proc/self/exe", UNMAPPED, 100));
	T("readlink", "/proc/self/exe buf kernel", syscall(SYS_readlink, "/proc/self/exe", KERNEL, 100));
	T("readlink", "/proc/self/exe buf straddle", syscall(SYS_readlink, "/proc/self/exe", straddle(), 100));
	T("readlink", "/proc/self/exe size 0", syscall(SYS_readlink, "/proc/self/exe", buf, 0));
	T("readlink", "/proc/self/exe size 1", syscall(SYS_readlink, "/proc/self/exe", buf, 1));
	printf("readlink(size 1) -> '%c'\n", buf[0]);
	long n = syscall(SYS_readlink, "/proc/self/exe", buf, sizeof(buf) - 1);
	if (n >= 0)
		buf[n] = '\0';
	printf("readlink(/proc/self/exe) = %ld '%s'\n", n, n >= 0 ? buf : strerrorname_np(errno));
	T("readlinkat", "/proc/self/exe buf 0x1", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", UNMAPPED, 100));
	T("readlinkat", "/proc/self/exe good", syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", buf, sizeof(buf)));
}

static void test_memfd_msync(void)
{
	T("memfd_create", "name NULL", syscall(SYS_memfd_create, NULL, 0));
	T("memfd_create", "name 0x1", syscall(SYS_memfd_create, UNMAPPED, 0));
	T("memfd_create", "name kernel", syscall(SYS_memfd_create, KERNEL, 0));
	T("memfd_create", "name straddle", syscall(SYS_memfd_create, straddle(), 0));
	static char long_name[400];
	memset(long_name, 'n', sizeof(long_name) - 1);
	T("memfd_create", "name of 399 bytes", syscall(SYS_memfd_create, long_name, 0));
	T("memfd_create", "bad flags", syscall(SYS_memfd_create, "bp2", 0x4000));
	long fd = syscall(SYS_memfd_create, "bp2", MFD_CLOEXEC);
	printf("memfd_create(good) -> %s\n", fd >= 0 ? "a descriptor" : strerrorname_np(errno));
	if (fd >= 0)
		close((int)fd);

	T("msync", "unmapped", syscall(SYS_msync, UNMAPPED_PAGE, 4096, MS_SYNC));
	T("msync", "kernel", syscall(SYS_msync, KERNEL, 4096, MS_SYNC));
	T("msync", "huge length", syscall(SYS_msync, 0x10000, ~0UL, MS_SYNC));
	T("msync", "wrapping range", syscall(SYS_msync, 0x7fffffff0000UL, 0x100000000000UL, MS_SYNC));
	T("msync", "bad flags", syscall(SYS_msync, 0x10000, 4096, 0x100));
}

static void test_processes(void)
{
	T("wait4", "no children, status 0x1", syscall(SYS_wait4, -1, UNMAPPED, 0, NULL));
	T("wait4", "bad options", syscall(SYS_wait4, -1, NULL, 0x10000000, NULL));
	T("waitid", "no children, info 0x1", syscall(SYS_waitid, P_ALL, 0, UNMAPPED, WEXITED, NULL));
	T("waitid", "bad idtype", syscall(SYS_waitid, 99, 0, NULL, WEXITED, NULL));
	T("waitid", "no options", syscall(SYS_waitid, P_ALL, 0, NULL, 0, NULL));
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	/* The child is reaped, then the status cannot be stored. */
	T("wait4", "a child, status kernel", syscall(SYS_wait4, child, KERNEL, 0, NULL));
	T("wait4", "that child again", syscall(SYS_wait4, child, NULL, 0, NULL));
	child = fork();
	if (child == 0)
		_exit(4);
	T("wait4", "a child, rusage 0x1", syscall(SYS_wait4, child, NULL, 0, UNMAPPED));

	static char *const argv[] = {"x", NULL};
	static char *const bad_argv[] = {"x", (char *)KERNEL, NULL};
	T("execve", "path NULL", syscall(SYS_execve, NULL, argv, NULL));
	T("execve", "path 0x1", syscall(SYS_execve, UNMAPPED, argv, NULL));
	T("execve", "path kernel", syscall(SYS_execve, KERNEL, argv, NULL));
	T("execve", "path straddle", syscall(SYS_execve, straddle(), argv, NULL));
	T("execve", "missing", syscall(SYS_execve, DIR_ "/missing", argv, NULL));
	T("execve", "a directory", syscall(SYS_execve, DIR_, argv, NULL));
	T("execve", "not executable", syscall(SYS_execve, SRC, argv, NULL));
	int garbage = open(DIR_ "/garbage", O_WRONLY | O_CREAT | O_EXCL, 0755);
	if (garbage < 0 || wr(garbage, "neither ELF nor script\n", 23) != 23)
		die("garbage");
	close(garbage); /* open for writing, it would be ETXTBSY */
	T("execve", "not a program", syscall(SYS_execve, DIR_ "/garbage", argv, NULL));
	unlink(DIR_ "/garbage");
	T("execve", "argv 0x1", syscall(SYS_execve, "/bin/true", UNMAPPED, NULL));
	T("execve", "argv kernel", syscall(SYS_execve, "/bin/true", KERNEL, NULL));
	T("execve", "argv[1] kernel", syscall(SYS_execve, "/bin/true", bad_argv, NULL));
	T("execve", "envp 0x1", syscall(SYS_execve, "/bin/true", argv, UNMAPPED));
	T("execve", "envp straddle", syscall(SYS_execve, "/bin/true", argv, straddle()));
	T("execveat", "bad dirfd", syscall(SYS_execveat, 1000, "x", argv, NULL, 0));
	T("execveat", "bad flags", syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0x4));
	T("execveat", "empty path", syscall(SYS_execveat, AT_FDCWD, "", argv, NULL, 0));
}

static void test_creds(void)
{
	gid_t groups[64];
	int n = getgroups(64, groups);
	T("setgroups", "list NULL", syscall(SYS_setgroups, 1, NULL));
	T("setgroups", "list 0x1", syscall(SYS_setgroups, 1, UNMAPPED));
	T("setgroups", "list kernel", syscall(SYS_setgroups, 1, KERNEL));
	T("setgroups", "list straddle", syscall(SYS_setgroups, 2, at_end(groups, 4)));
	T("setgroups", "huge size", syscall(SYS_setgroups, 65537, groups));
	T("setgroups", "negative size", syscall(SYS_setgroups, -1, groups));
	T("setgroups", "the same list", syscall(SYS_setgroups, n, groups));
	T("setresuid", "no change", syscall(SYS_setresuid, -1, -1, -1));
	T("setresgid", "no change", syscall(SYS_setresgid, -1, -1, -1));
	T("setuid", "the same id", syscall(SYS_setuid, getuid()));
	T("setregid", "the same ids", syscall(SYS_setregid, getgid(), getegid()));
	/* Dropping root for good, in a child: it cannot come back. */
	pid_t child = fork();
	if (child == 0) {
		int dropped = syscall(SYS_setresgid, 1000, 1000, 1000) == 0 && syscall(SYS_setgroups, 0, NULL) == 0 &&
			      syscall(SYS_setresuid, 1000, 1000, 1000) == 0;
		_exit(dropped && getuid() == 1000 && geteuid() == 1000 && getgid() == 1000 &&
				      syscall(SYS_setuid, 0) == -1 && errno == EPERM ? 0 : 1);
	}
	int status = -1;
	waitpid(child, &status, 0);
	T("setresuid", "status of a child that dropped root and cannot regain it", status);
}

int main(void)
{
	setup();
	test_memfd_msync();
	test_processes();
	test_creds();
	test_clone();
	test_futex();
	test_signals();
	test_timers();
	test_eventfd();
	test_epoll();
	test_select();
	test_copy_file_range();
	test_xattr();
	test_misc();

	// Nothing leaked along the way: this is the lowest free fd.
	int fd = open(SRC, O_RDONLY);
	printf("final open -> fd %d\n", fd);
	printf("done\n");
	return 0;
}
