// SPDX-License-Identifier: Apache-2.0
// Guest probe: the Linux ABI a threaded, signal-handling program relies on
// (threads and futexes, TLS, signals from faults with siginfo and ucontext,
// sigaltstack, masks, timers, timerfd/eventfd, the vDSO, sleeps, poll/select/
// epoll, scheduling), one section per argv[1], deterministic output.

// tests/integration/abi.t diffs the output natively vs under airlock. Builds
// static, static-PIE and dynamic. Every line is "<section>: <what> <result>";
// results are values Linux fixes (errno names, si_code names, counts) or
// "ok"/"FAIL" for properties whose raw values vary (addresses, times). Any
// FAIL makes the exit status 1, so a native run proves the expectations.
// Only the main thread prints; handlers only record.
//
// Usage: abi SECTION...   (all: every section not marked "alone"; list: the
// sections, one a line, "NAME (alone)" for those run only on their own)
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <linux/futex.h>

#include "glibc_compat.h"

#define PAGE 4096UL
#define ARCH_GET_FS 0x1003

static const char *sec = "?";
static int nfail;
static const char *prog_path;

// ---------------------------------------------------------------------------
// Output helpers

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s: ", sec);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

// check(cond, what...): "<sec>: <what> ok" or "... FAIL".
static void check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s: ", sec);
	vprintf(fmt, ap);
	printf(ok ? " ok\n" : " FAIL\n");
	va_end(ap);
	if (!ok)
		nfail++;
}

// expect_ret(what, ret, err, want_ret, want_err): prints the result and checks
// it: "= 0" or "= -1 EINTR".
static void result(const char *what, long ret, int err, long want_ret, int want_err)
{
	int ok = ret == want_ret && (want_ret != -1 || err == want_err);
	if (ret == -1)
		printf("%s: %s = -1 %s%s\n", sec, what, strerrorname_np(err), ok ? "" : " FAIL");
	else
		printf("%s: %s = %ld%s\n", sec, what, ret, ok ? "" : " FAIL");
	if (!ok)
		nfail++;
}

#define EXPECT(what, call, want_ret, want_err)                                 \
	do {                                                                   \
		errno = 0;                                                     \
		long r_ = (long)(call);                                        \
		result(what, r_, errno, want_ret, want_err);                   \
	} while (0)

// For calls that return an error number instead of setting errno.
static void result_errnum(const char *what, int rc, int want)
{
	printf("%s: %s = %s%s\n", sec, what, rc ? strerrorname_np(rc) : "0", rc == want ? "" : " FAIL");
	if (rc != want)
		nfail++;
}

static void die(const char *what)
{
	printf("%s: setup failed: %s: %s\n", sec, what, strerrorname_np(errno));
	fflush(stdout);
	exit(3);
}

static const char *signame(int sig)
{
	static char buf[32];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		snprintf(buf, sizeof(buf), "SIGRTMIN+%d", sig - SIGRTMIN);
		return buf;
	}
	const char *a = sigabbrev_np(sig);
	if (!a) {
		snprintf(buf, sizeof(buf), "signal %d", sig);
		return buf;
	}
	snprintf(buf, sizeof(buf), "SIG%s", a);
	return buf;
}

static const char *codename(int sig, int code)
{
	static char buf[32];
	switch (code) {
	case SI_USER: return "SI_USER";
	case SI_KERNEL: return "SI_KERNEL";
	case SI_QUEUE: return "SI_QUEUE";
	case SI_TIMER: return "SI_TIMER";
	case SI_TKILL: return "SI_TKILL";
	case SI_MESGQ: return "SI_MESGQ";
	case SI_ASYNCIO: return "SI_ASYNCIO";
	}
	if (sig == SIGSEGV && code == SEGV_MAPERR) return "SEGV_MAPERR";
	if (sig == SIGSEGV && code == SEGV_ACCERR) return "SEGV_ACCERR";
	if (sig == SIGBUS && code == BUS_ADRALN) return "BUS_ADRALN";
	if (sig == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
	if (sig == SIGBUS && code == BUS_OBJERR) return "BUS_OBJERR";
	if (sig == SIGFPE && code == FPE_INTDIV) return "FPE_INTDIV";
	if (sig == SIGFPE && code == FPE_INTOVF) return "FPE_INTOVF";
	if (sig == SIGILL && code == ILL_ILLOPN) return "ILL_ILLOPN";
	if (sig == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
	if (sig == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
	if (sig == SIGTRAP && code == TRAP_TRACE) return "TRAP_TRACE";
	snprintf(buf, sizeof(buf), "code %d", code);
	return buf;
}

static long long now_ns(clockid_t c)
{
	struct timespec ts;
	if (clock_gettime(c, &ts) != 0)
		die("clock_gettime");
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long raw_now_ns(clockid_t c)
{
	struct timespec ts;
	if (syscall(SYS_clock_gettime, c, &ts) != 0)
		die("clock_gettime syscall");
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

// Thread creation that must work: without it a section cannot go on.
static void spawn(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	int rc = pthread_create(t, attr, fn, arg);
	if (rc != 0) {
		errno = rc;
		die("pthread_create");
	}
}

// Waits (polling, signals unblocked) until *v reaches target. Bounded, so a
// broken implementation fails in seconds instead of at the test's timeout.
#define WAIT_LIMIT_NS 10000000000LL
static void wait_for(volatile int *v, int target, const char *what)
{
	long long t0 = now_ns(CLOCK_MONOTONIC);
	while (*v < target) {
		if (now_ns(CLOCK_MONOTONIC) - t0 > WAIT_LIMIT_NS) {
			say("timed out waiting for %s FAIL", what);
			fflush(stdout);
			exit(3);
		}
		sleep_ms(1);
	}
}

static void wait_for_atomic(atomic_int *v, int target, const char *what)
{
	long long t0 = now_ns(CLOCK_MONOTONIC);
	while (atomic_load(v) < target) {
		if (now_ns(CLOCK_MONOTONIC) - t0 > WAIT_LIMIT_NS) {
			say("timed out waiting for %s FAIL", what);
			fflush(stdout);
			exit(3);
		}
		sleep_ms(1);
	}
}

static pid_t gettid_(void)
{
	return (pid_t)syscall(SYS_gettid);
}

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		die("sigaction");
}

static void set_plain_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	if (sigaction(sig, &sa, NULL) != 0)
		die("sigaction");
}

static void set_default(int sig)
{
	signal(sig, SIG_DFL);
}

static void block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static void unblock(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static int is_blocked(int sig)
{
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

static int is_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig);
}

// One-shot ITIMER_REAL after ms milliseconds.
static void arm_alarm_ms(long ms)
{
	struct itimerval it = {{0, 0}, {ms / 1000, (ms % 1000) * 1000}};
	if (setitimer(ITIMER_REAL, &it, NULL) != 0)
		die("setitimer");
}

static void disarm_alarm(void)
{
	struct itimerval it = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void make_pipe(int p[2], int flags)
{
	if (pipe2(p, flags) != 0)
		die("pipe2");
}

static const char *pollbits(int ev)
{
	static char buf[128];
	buf[0] = '\0';
	static const struct { int bit; const char *name; } names[] = {
		{POLLIN, "IN"}, {POLLPRI, "PRI"}, {POLLOUT, "OUT"}, {POLLERR, "ERR"},
		{POLLHUP, "HUP"}, {POLLNVAL, "NVAL"}, {POLLRDNORM, "RDNORM"},
		{POLLWRNORM, "WRNORM"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (ev & names[i].bit) {
			if (buf[0])
				strcat(buf, "|");
			strcat(buf, names[i].name);
		}
	}
	if (!buf[0])
		strcpy(buf, "0");
	return buf;
}

// ---------------------------------------------------------------------------
// Assembly: instructions whose exact address the fault checks need.

void abi_null_write(void);
int abi_read_addr(const void *p);
void abi_write_addr(void *p);
void abi_div0(void);
void abi_ud2(void);
void abi_int3(void);
void abi_hlt(void);
void abi_call(void *fn);
void abi_movaps(const void *p);
long abi_ctx_fault(const void *xmm_in, void *xmm_out);
void abi_xmm_keep(const void *pattern, void *out, long pid, long tid, long sig);
void abi_align_handler(int sig);
extern char abi_div0_insn[], abi_ud2_insn[], abi_int3_after[], abi_hlt_insn[];
extern char abi_ctx_fault_insn[], abi_ctx_resume[];
unsigned long abi_handler_rsp;

__asm__(".pushsection .text\n"
	".p2align 4\n"
	".globl abi_null_write\n.hidden abi_null_write\n.type abi_null_write,@function\n"
	"abi_null_write:\n"
	"	movl $1, 0x0\n"
	"	ret\n"
	".globl abi_read_addr\n.hidden abi_read_addr\n.type abi_read_addr,@function\n"
	"abi_read_addr:\n"
	"	movl (%rdi), %eax\n"
	"	ret\n"
	".globl abi_write_addr\n.hidden abi_write_addr\n.type abi_write_addr,@function\n"
	"abi_write_addr:\n"
	"	movl $1, (%rdi)\n"
	"	ret\n"
	".globl abi_div0\n.hidden abi_div0\n.type abi_div0,@function\n"
	"abi_div0:\n"
	"	xorl %ecx, %ecx\n"
	"	movl $1, %eax\n"
	"	cltd\n"
	".globl abi_div0_insn\n.hidden abi_div0_insn\n"
	"abi_div0_insn:\n"
	"	idivl %ecx\n"
	"	ret\n"
	".globl abi_ud2\n.hidden abi_ud2\n.type abi_ud2,@function\n"
	"abi_ud2:\n"
	".globl abi_ud2_insn\n.hidden abi_ud2_insn\n"
	"abi_ud2_insn:\n"
	"	ud2\n"
	"	ret\n"
	".globl abi_int3\n.hidden abi_int3\n.type abi_int3,@function\n"
	"abi_int3:\n"
	"	int3\n"
	".globl abi_int3_after\n.hidden abi_int3_after\n"
	"abi_int3_after:\n"
	"	ret\n"
	".globl abi_hlt\n.hidden abi_hlt\n.type abi_hlt,@function\n"
	"abi_hlt:\n"
	".globl abi_hlt_insn\n.hidden abi_hlt_insn\n"
	"abi_hlt_insn:\n"
	"	hlt\n"
	"	ret\n"
	".globl abi_call\n.hidden abi_call\n.type abi_call,@function\n"
	"abi_call:\n"
	"	subq $8, %rsp\n"
	"	call *%rdi\n"
	"	addq $8, %rsp\n"
	"	ret\n"
	".globl abi_movaps\n.hidden abi_movaps\n.type abi_movaps,@function\n"
	"abi_movaps:\n"
	"	movaps (%rdi), %xmm0\n"
	"	ret\n"
	// xmm0 and r12 are set, the write to 0 faults; the handler moves RIP
	// to abi_ctx_resume and sets RAX, R12 and xmm0 in the ucontext.
	".globl abi_ctx_fault\n.hidden abi_ctx_fault\n.type abi_ctx_fault,@function\n"
	"abi_ctx_fault:\n"
	"	pushq %r12\n"
	"	movdqu (%rdi), %xmm0\n"
	"	movq $0x1111, %rax\n"
	"	xorl %r12d, %r12d\n"
	".globl abi_ctx_fault_insn\n.hidden abi_ctx_fault_insn\n"
	"abi_ctx_fault_insn:\n"
	"	movl $1, 0x0\n"
	".globl abi_ctx_resume\n.hidden abi_ctx_resume\n"
	"abi_ctx_resume:\n"
	"	movdqu %xmm0, (%rsi)\n"
	"	addq %r12, %rax\n"
	"	popq %r12\n"
	"	ret\n"
	// Loads xmm0 and xmm15, sends itself a signal with a raw tgkill (the
	// handler runs on the way back) and stores both registers afterwards.
	".globl abi_xmm_keep\n.hidden abi_xmm_keep\n.type abi_xmm_keep,@function\n"
	"abi_xmm_keep:\n"
	"	movdqu (%rdi), %xmm0\n"
	"	movdqu (%rdi), %xmm15\n"
	"	movq %rsi, %r9\n"
	"	movq %rdx, %rdi\n"
	"	movq %rcx, %rsi\n"
	"	movq %r8, %rdx\n"
	"	movl $234, %eax\n" // SYS_tgkill
	"	syscall\n"
	"	movdqu %xmm0, (%r9)\n"
	"	movdqu %xmm15, 16(%r9)\n"
	"	ret\n"
	// A handler that records its entry stack pointer.
	".globl abi_align_handler\n.hidden abi_align_handler\n.type abi_align_handler,@function\n"
	"abi_align_handler:\n"
	"	movq %rsp, abi_handler_rsp(%rip)\n"
	"	ret\n"
	".popsection\n");

// ---------------------------------------------------------------------------
// threads: mutexes, condition variables, barriers, once, join, cancel

#define NTHREADS 4
#define ITERS 25000

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *inc_thread(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		pthread_mutex_lock(&mu);
		counter++;
		pthread_mutex_unlock(&mu);
	}
	return (void *)((long)arg * 10);
}

#define QCAP 4
#define NITEMS 1000
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qnotempty = PTHREAD_COND_INITIALIZER, qnotfull = PTHREAD_COND_INITIALIZER;
static int queue[QCAP], qhead, qlen, produced_done;
static long consumed_sum, consumed_n;

static void *producer(void *arg)
{
	long base = (long)arg;
	for (int i = 1; i <= NITEMS / 2; i++) {
		pthread_mutex_lock(&qmu);
		while (qlen == QCAP)
			pthread_cond_wait(&qnotfull, &qmu);
		queue[(qhead + qlen) % QCAP] = (int)(base + i);
		qlen++;
		pthread_cond_signal(&qnotempty);
		pthread_mutex_unlock(&qmu);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&qmu);
		while (qlen == 0 && !produced_done)
			pthread_cond_wait(&qnotempty, &qmu);
		if (qlen == 0 && produced_done) {
			pthread_mutex_unlock(&qmu);
			return NULL;
		}
		int v = queue[qhead];
		qhead = (qhead + 1) % QCAP;
		qlen--;
		consumed_sum += v;
		consumed_n++;
		pthread_cond_signal(&qnotfull);
		pthread_mutex_unlock(&qmu);
	}
}

#define ROUNDS 100
static pthread_barrier_t bar;
static atomic_int serial_count, round_sum;

static void *barrier_thread(void *arg)
{
	(void)arg;
	for (int r = 0; r < ROUNDS; r++) {
		atomic_fetch_add(&round_sum, 1);
		if (pthread_barrier_wait(&bar) == PTHREAD_BARRIER_SERIAL_THREAD)
			atomic_fetch_add(&serial_count, 1);
	}
	return NULL;
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int once_runs;
static void once_init(void)
{
	atomic_fetch_add(&once_runs, 1);
}

static pid_t thread_tids[NTHREADS];
static pid_t thread_pids[NTHREADS];
static void *id_thread(void *arg)
{
	long i = (long)arg;
	pthread_once(&once, once_init);
	thread_tids[i] = gettid_();
	thread_pids[i] = getpid();
	return NULL;
}

static int cancel_pipe[2];
static atomic_int cancel_ready;
static void *cancel_thread(void *arg)
{
	(void)arg;
	char c;
	atomic_store(&cancel_ready, 1);
	for (;;) {
		ssize_t r = read(cancel_pipe[0], &c, 1); // a cancellation point
		(void)r;
	}
	return NULL;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long rw_value;
static void *rw_thread(void *arg)
{
	long n = 0;
	for (int i = 0; i < 2000; i++) {
		if (i % 10 == (long)arg) {
			pthread_rwlock_wrlock(&rw);
			rw_value++;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			n += rw_value >= 0;
			pthread_rwlock_unlock(&rw);
		}
	}
	return (void *)n;
}

static sem_t sem_a, sem_b;
static void *pingpong_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		sem_wait(&sem_a);
		sem_post(&sem_b);
	}
	return NULL;
}

static void *small_stack_thread(void *arg)
{
	volatile char buf[32 * 1024];
	memset((char *)buf, 1, sizeof(buf));
	return (void *)(long)(buf[100] + (long)arg);
}

static void *forever_thread(void *arg)
{
	int fd = (int)(long)arg;
	char c;
	for (;;) {
		if (read(fd, &c, 1) == 0)
			pause();
	}
	return NULL;
}

static void sec_threads(void)
{
	pthread_t t[NTHREADS];
	long sum = 0;
	for (long i = 0; i < NTHREADS; i++)
		spawn(&t[i], NULL, inc_thread, (void *)i);
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		sum += (long)r;
	}
	say("mutex counter=%ld", counter);
	check(counter == NTHREADS * ITERS, "mutex counter is %d", NTHREADS * ITERS);
	say("join results sum=%ld", sum);

	pthread_t prod[2], cons[2];
	spawn(&prod[0], NULL, producer, (void *)0L);
	spawn(&prod[1], NULL, producer, (void *)100000L);
	spawn(&cons[0], NULL, consumer, NULL);
	spawn(&cons[1], NULL, consumer, NULL);
	pthread_join(prod[0], NULL);
	pthread_join(prod[1], NULL);
	pthread_mutex_lock(&qmu);
	produced_done = 1;
	pthread_cond_broadcast(&qnotempty);
	pthread_mutex_unlock(&qmu);
	pthread_join(cons[0], NULL);
	pthread_join(cons[1], NULL);
	say("condvar queue consumed=%ld sum=%ld", consumed_n, consumed_sum);

	pthread_barrier_init(&bar, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		spawn(&t[i], NULL, barrier_thread, NULL);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&bar);
	say("barrier rounds=%d serial=%d arrivals=%d", ROUNDS, atomic_load(&serial_count),
	    atomic_load(&round_sum));

	for (long i = 0; i < NTHREADS; i++)
		spawn(&t[i], NULL, id_thread, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	say("once ran %d time(s)", atomic_load(&once_runs));
	int distinct = 1, same_pid = 1;
	for (int i = 0; i < NTHREADS; i++) {
		same_pid &= thread_pids[i] == getpid();
		distinct &= thread_tids[i] != getpid() && thread_tids[i] > 0;
		for (int j = 0; j < i; j++)
			distinct &= thread_tids[i] != thread_tids[j];
	}
	check(same_pid, "getpid in threads equals the process id");
	check(distinct, "gettid in threads distinct from each other and the pid");
	check(gettid_() == getpid(), "main thread tid equals pid");

	pthread_t rt[3];
	long reads = 0;
	for (long i = 0; i < 3; i++)
		spawn(&rt[i], NULL, rw_thread, (void *)i);
	for (int i = 0; i < 3; i++) {
		void *r;
		pthread_join(rt[i], &r);
		reads += (long)r;
	}
	say("rwlock writes=%ld reads=%ld", rw_value, reads);

	sem_init(&sem_a, 0, 0);
	sem_init(&sem_b, 0, 0);
	pthread_t pp;
	spawn(&pp, NULL, pingpong_thread, NULL);
	int rounds = 0;
	for (int i = 0; i < 200; i++) {
		sem_post(&sem_a);
		sem_wait(&sem_b);
		rounds++;
	}
	pthread_join(pp, NULL);
	say("semaphore ping-pong rounds=%d", rounds);

	// Many short-lived threads: stacks are mapped and unmapped, and each
	// join waits for the kernel to clear the thread's tid.
	long created = 0;
	for (long i = 0; i < 50; i++) {
		pthread_t x;
		void *r;
		if (pthread_create(&x, NULL, small_stack_thread, (void *)i) != 0)
			break;
		pthread_join(x, &r);
		created += (long)r == 1 + i;
	}
	say("create+join sequentially: %ld/50", created);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	pthread_t ss;
	void *ssr;
	int rc = pthread_create(&ss, &attr, small_stack_thread, (void *)5L);
	pthread_join(ss, &ssr);
	pthread_attr_destroy(&attr);
	check(rc == 0 && (long)ssr == 6, "thread with a 128 KiB stack");

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_t det;
	rc = pthread_create(&det, &attr, small_stack_thread, (void *)0L);
	pthread_attr_destroy(&attr);
	check(rc == 0, "detached thread created");

	// Deferred cancellation of a thread blocked in read(): glibc sends it
	// SIGCANCEL, which must interrupt the blocking call.
	make_pipe(cancel_pipe, 0);
	pthread_t ct;
	spawn(&ct, NULL, cancel_thread, NULL);
	wait_for_atomic(&cancel_ready, 1, "the thread to block");
	sleep_ms(20);
	pthread_cancel(ct);
	void *cr;
	pthread_join(ct, &cr);
	check(cr == PTHREAD_CANCELED, "thread blocked in read cancelled, join gives PTHREAD_CANCELED");
	close(cancel_pipe[0]);
	close(cancel_pipe[1]);

	// A thread left blocked in read() for good: exit must end it too. It
	// blocks every signal, so that later sections' process-directed
	// signals still go to the main thread.
	int fp[2];
	make_pipe(fp, 0);
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	spawn(&det, &attr, forever_thread, (void *)(long)fp[0]);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	say("left a thread blocked in read");
}

// ---------------------------------------------------------------------------
// tls: __thread variables (.tdata and .tbss), the thread pointer

static __thread int tls_int = 7;
static __thread char tls_str[16] = "initial";
static __thread long tls_zero;
static pthread_barrier_t tls_bar;

struct tls_result {
	int init_ok, value_kept, fs_ok;
	uintptr_t addr;
};

static int fs_is_self(void)
{
	unsigned long fs = 0;
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) != 0)
		return 0;
	void *self;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(self));
	return fs == (unsigned long)pthread_self() && self == (void *)fs;
}

static void *tls_thread(void *arg)
{
	struct tls_result *res = arg;
	res->init_ok = tls_int == 7 && strcmp(tls_str, "initial") == 0 && tls_zero == 0;
	tls_int = 1000 + (int)(uintptr_t)res % 97;
	int want = tls_int;
	strcpy(tls_str, "changed");
	tls_zero = 5;
	res->addr = (uintptr_t)&tls_int;
	pthread_barrier_wait(&tls_bar); // everyone has written their copy
	res->value_kept = tls_int == want && strcmp(tls_str, "changed") == 0 && tls_zero == 5;
	res->fs_ok = fs_is_self();
	return NULL;
}

static void sec_tls(void)
{
	struct tls_result res[NTHREADS];
	pthread_t t[NTHREADS];
	memset(res, 0, sizeof(res));
	pthread_barrier_init(&tls_bar, NULL, NTHREADS);
	for (int i = 0; i < NTHREADS; i++)
		spawn(&t[i], NULL, tls_thread, &res[i]);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&tls_bar);
	int init = 1, kept = 1, fs = 1, distinct = 1;
	for (int i = 0; i < NTHREADS; i++) {
		init &= res[i].init_ok;
		kept &= res[i].value_kept;
		fs &= res[i].fs_ok;
		distinct &= res[i].addr != (uintptr_t)&tls_int;
		for (int j = 0; j < i; j++)
			distinct &= res[i].addr != res[j].addr;
	}
	check(init, "threads start with the initial TLS image (.tdata and zeroed .tbss)");
	check(kept, "each thread keeps its own values");
	check(distinct, "each thread's variable has its own address");
	check(tls_int == 7 && strcmp(tls_str, "initial") == 0 && tls_zero == 0,
	      "main thread's values untouched: tls_int=%d", tls_int);
	check(fs_is_self(), "main: ARCH_GET_FS equals pthread_self and %%fs:0");
	check(fs, "threads: ARCH_GET_FS equals pthread_self and %%fs:0");
}

// ---------------------------------------------------------------------------
// futex: the raw system call

static long futex(void *uaddr, int op, int val, const struct timespec *ts, void *uaddr2, int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

static atomic_int fword;
static atomic_int fwaiting;
static atomic_int fwoken;

static void *futex_waiter(void *arg)
{
	(void)arg;
	atomic_fetch_add(&fwaiting, 1);
	while (atomic_load(&fword) == 0)
		futex(&fword, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
	atomic_fetch_add(&fwoken, 1);
	return NULL;
}

static pthread_mutex_t robust_mu;
static void *robust_owner(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&robust_mu);
	return NULL; // exits holding it
}

static pthread_mutex_t pi_mu;
static long pi_counter;
static void *pi_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		pthread_mutex_lock(&pi_mu);
		pi_counter++;
		pthread_mutex_unlock(&pi_mu);
	}
	return NULL;
}

static void sec_futex(void)
{
	int w = 1;
	struct timespec ten_ms = {0, 10000000};
	EXPECT("FUTEX_WAIT value mismatch", futex(&w, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0), -1, EAGAIN);
	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("FUTEX_WAIT 10ms timeout", futex(&w, FUTEX_WAIT_PRIVATE, 1, &ten_ms, NULL, 0), -1, ETIMEDOUT);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 10000000 - 1000, "FUTEX_WAIT waited at least 10ms");
	EXPECT("FUTEX_WAIT shared 10ms timeout", futex(&w, FUTEX_WAIT, 1, &ten_ms, NULL, 0), -1, ETIMEDOUT);

	struct timespec abs;
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	EXPECT("FUTEX_WAIT_BITSET absolute monotonic", futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 1, &abs, NULL, FUTEX_BITSET_MATCH_ANY), -1, ETIMEDOUT);
	check(now_ns(CLOCK_MONOTONIC) >= (long long)abs.tv_sec * 1000000000LL + abs.tv_nsec,
	      "FUTEX_WAIT_BITSET returned after the deadline");
	clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	EXPECT("FUTEX_WAIT_BITSET absolute realtime", futex(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 1, &abs, NULL, FUTEX_BITSET_MATCH_ANY), -1, ETIMEDOUT);
	// A near deadline, so that an implementation missing the check fails
	// in 10ms rather than hanging.
	clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 10000000;
	if (abs.tv_nsec >= 1000000000) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000;
	}
	EXPECT("FUTEX_WAIT_BITSET bitset 0", futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 1, &abs, NULL, 0), -1, EINVAL);
	EXPECT("FUTEX_WAKE no waiters", futex(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0, 0);
	EXPECT("FUTEX_CMP_REQUEUE value mismatch", futex(&w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &fword, 5), -1, EAGAIN);

	int w2 = 0;
	// *w2 = 5 (SET), wake waiters on w if the old *w2 == 0 (none here).
	int op = FUTEX_OP(FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 0);
	EXPECT("FUTEX_WAKE_OP", futex(&w, FUTEX_WAKE_OP_PRIVATE, 1, (void *)1L, &w2, op), 0, 0);
	say("FUTEX_WAKE_OP stored %d", w2);
	EXPECT("bad futex op", futex(&w, 99, 0, NULL, NULL, 0), -1, ENOSYS);

	// One waiter, then three: wake until everyone is out.
	pthread_t t[3];
	spawn(&t[0], NULL, futex_waiter, NULL);
	wait_for_atomic(&fwaiting, 1, "the waiter");
	sleep_ms(10);
	atomic_store(&fword, 1);
	long woken = 0;
	for (int i = 0; i < 2000 && atomic_load(&fwoken) < 1; i++) {
		woken += futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
		sleep_ms(1);
	}
	pthread_join(t[0], NULL);
	check(atomic_load(&fwoken) == 1 && woken <= 1, "FUTEX_WAKE woke the waiter");

	atomic_store(&fword, 0);
	atomic_store(&fwaiting, 0);
	atomic_store(&fwoken, 0);
	for (int i = 0; i < 3; i++)
		spawn(&t[i], NULL, futex_waiter, NULL);
	wait_for_atomic(&fwaiting, 3, "the waiters");
	sleep_ms(10);
	atomic_store(&fword, 1);
	for (int i = 0; i < 2000 && atomic_load(&fwoken) < 3; i++) {
		futex(&fword, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
		sleep_ms(1);
	}
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	say("FUTEX_WAKE INT_MAX: %d of 3 woken", atomic_load(&fwoken));

	// Robust mutexes: the kernel walks the dead owner's robust list.
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&robust_mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_t ro;
	spawn(&ro, NULL, robust_owner, NULL);
	pthread_join(ro, NULL);
	int rc = pthread_mutex_lock(&robust_mu);
	result_errnum("robust mutex after its owner exited", rc, EOWNERDEAD);
	if (rc == EOWNERDEAD) {
		pthread_mutex_consistent(&robust_mu);
		pthread_mutex_unlock(&robust_mu);
	}
	struct robust_list_head *head = NULL;
	size_t len = 0;
	EXPECT("get_robust_list", syscall(SYS_get_robust_list, 0, &head, &len), 0, 0);
	say("robust list head registered=%s len=%zu", head ? "yes" : "no", len);

	// Priority-inheritance mutexes: FUTEX_LOCK_PI / FUTEX_UNLOCK_PI.
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT);
	pthread_mutex_init(&pi_mu, &ma);
	pthread_mutexattr_destroy(&ma);
	pthread_t pt[2];
	spawn(&pt[0], NULL, pi_thread, NULL);
	spawn(&pt[1], NULL, pi_thread, NULL);
	pthread_join(pt[0], NULL);
	pthread_join(pt[1], NULL);
	say("PI mutex counter=%ld", pi_counter);
}

// ---------------------------------------------------------------------------
// faults: signals from CPU exceptions, siginfo and the ucontext

struct fault_rec {
	int sig, code, errno_;
	uintptr_t addr;
	long trapno, err, rip, cr2;
	pid_t tid;
	int segv_blocked;
};
static volatile struct fault_rec fr;
static sigjmp_buf fault_jb;
static volatile int fault_return; // return from the handler instead of jumping

static void fault_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	fr.sig = sig;
	fr.code = si->si_code;
	fr.errno_ = si->si_errno;
	fr.addr = (uintptr_t)si->si_addr;
	fr.trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	fr.err = uc->uc_mcontext.gregs[REG_ERR];
	fr.rip = uc->uc_mcontext.gregs[REG_RIP];
	fr.cr2 = uc->uc_mcontext.gregs[REG_CR2];
	fr.tid = gettid_();
	fr.segv_blocked = is_blocked(sig);
	if (fault_return)
		return;
	siglongjmp(fault_jb, 1);
}

// One fault: the signal, its code, where it points (as a name: the address is
// compared with the expected one), trap number and error code.
static void one_fault(const char *name, void (*fn)(void *), void *arg, uintptr_t want_addr,
		      const char *addr_name, uintptr_t want_rip)
{
	memset((void *)&fr, 0, sizeof(fr));
	int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		set_handler(sigs[i], fault_handler, 0);
	if (sigsetjmp(fault_jb, 1) == 0) {
		fn(arg);
		if (!fault_return) {
			say("%s: no signal FAIL", name);
			nfail++;
			return;
		}
	}
	char addr[64];
	if (fr.addr == want_addr)
		snprintf(addr, sizeof(addr), "%s", addr_name);
	else
		snprintf(addr, sizeof(addr), "0x%lx (want %s) FAIL", (unsigned long)fr.addr, addr_name);
	if (fr.addr != want_addr)
		nfail++;
	say("%s: %s %s addr=%s trapno=%ld err=%#lx", name, signame(fr.sig), codename(fr.sig, fr.code),
	    addr, fr.trapno, (unsigned long)fr.err);
	if (want_rip)
		check((uintptr_t)fr.rip == want_rip, "%s: ucontext RIP is the faulting instruction", name);
	check(fr.segv_blocked, "%s: the signal is blocked inside its handler", name);
	check(!is_blocked(fr.sig), "%s: mask restored after siglongjmp", name);
}

static void call_null_write(void *a) { (void)a; abi_null_write(); }
static void call_read(void *a) { abi_read_addr(a); }
static void call_write(void *a) { abi_write_addr(a); }
static void call_div0(void *a) { (void)a; abi_div0(); }
static void call_ud2(void *a) { (void)a; abi_ud2(); }
static void call_hlt(void *a) { (void)a; abi_hlt(); }
static void call_jump(void *a) { abi_call(a); }
static void call_movaps(void *a) { abi_movaps(a); }

static void *thread_fault(void *arg)
{
	(void)arg;
	fault_return = 0;
	if (sigsetjmp(fault_jb, 1) == 0)
		abi_null_write();
	return (void *)(long)gettid_();
}

static void sec_faults(void)
{
	one_fault("null write", call_null_write, NULL, 0, "0x0", (uintptr_t)abi_null_write);
	one_fault("read 0x10", call_read, (void *)0x10, 0x10, "0x10", (uintptr_t)abi_read_addr);
	one_fault("read 0x10000", call_read, (void *)0x10000, 0x10000, "0x10000", 0);
	one_fault("read kernel half", call_read, (void *)0xffff880000000000UL, 0xffff880000000000UL,
		  "0xffff880000000000", 0);
	one_fault("read non-canonical", call_read, (void *)0x8000000000000000UL, 0, "0x0", 0);

	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		die("mmap");
	one_fault("write read-only page", call_write, ro + 8, (uintptr_t)(ro + 8), "page+8", (uintptr_t)abi_write_addr);
	char *none = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	one_fault("read PROT_NONE page", call_read, none, (uintptr_t)none, "page", 0);
	char *code = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	code[0] = (char)0xc3; // ret
	mprotect(code, PAGE, PROT_READ);
	one_fault("execute non-executable page", call_jump, code, (uintptr_t)code, "page", (uintptr_t)code);
	munmap(code, PAGE);
	one_fault("execute PROT_NONE page", call_jump, none, (uintptr_t)none, "page", (uintptr_t)none);
	munmap(ro, PAGE);
	munmap(none, PAGE);
	code = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(code, PAGE);
	one_fault("execute unmapped page", call_jump, code, (uintptr_t)code, "page", (uintptr_t)code);

	one_fault("idiv by zero", call_div0, NULL, (uintptr_t)abi_div0_insn, "insn", (uintptr_t)abi_div0_insn);
	one_fault("ud2", call_ud2, NULL, (uintptr_t)abi_ud2_insn, "insn", (uintptr_t)abi_ud2_insn);
	one_fault("hlt", call_hlt, NULL, 0, "0x0", (uintptr_t)abi_hlt_insn);
	static char aligned[64] __attribute__((aligned(16)));
	one_fault("misaligned movaps", call_movaps, aligned + 1, 0, "0x0", (uintptr_t)abi_movaps);

	// A read past the end of a file mapping: SIGBUS.
	int fd = open(prog_path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0)
		die("open self");
	size_t filepages = ((size_t)st.st_size + PAGE - 1) / PAGE;
	char *map = mmap(NULL, (filepages + 1) * PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		die("mmap self");
	one_fault("read past end of file mapping", call_read, map + filepages * PAGE,
		  (uintptr_t)(map + filepages * PAGE), "page", 0);
	munmap(map, (filepages + 1) * PAGE);
	fd = open(prog_path, O_RDONLY);
	map = mmap(NULL, (filepages + 1) * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		die("mmap self shared");
	one_fault("read past end of shared file mapping", call_read, map + filepages * PAGE,
		  (uintptr_t)(map + filepages * PAGE), "page", 0);
	munmap(map, (filepages + 1) * PAGE);

	// int3 is a trap: the handler returns and execution goes on after it.
	fault_return = 1;
	memset((void *)&fr, 0, sizeof(fr));
	set_handler(SIGTRAP, fault_handler, 0);
	abi_int3();
	fault_return = 0;
	say("int3: %s %s addr=%#lx trapno=%ld err=%#lx", signame(fr.sig), codename(fr.sig, fr.code),
	    (unsigned long)fr.addr, fr.trapno, (unsigned long)fr.err);
	check((uintptr_t)fr.rip == (uintptr_t)abi_int3_after, "int3: RIP after the instruction, execution continued");

	// A fault in a thread is handled in that thread.
	memset((void *)&fr, 0, sizeof(fr));
	set_handler(SIGSEGV, fault_handler, 0);
	pthread_t t;
	void *tid;
	spawn(&t, NULL, thread_fault, NULL);
	pthread_join(t, &tid);
	check(fr.sig == SIGSEGV && fr.tid == (pid_t)(long)tid && fr.tid != getpid(),
	      "fault in a thread: handled on that thread");

	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP)
			set_default(s);
}

// ---------------------------------------------------------------------------
// ucontext: a handler that reads and rewrites the interrupted context

static volatile int ctx_ok_rip, ctx_ok_xmm, ctx_ok_mask, ctx_fp_present;
static volatile unsigned ctx_mxcsr, ctx_cwd;
static const uint32_t xmm_in[4] = {0x11111111, 0x22222222, 0x33333333, 0x44444444};
static const uint32_t xmm_new[4] = {0xaaaaaaaa, 0xbbbbbbbb, 0xcccccccc, 0xdddddddd};

static void ctx_handler(int sig, siginfo_t *si, void *ucv)
{
	(void)sig;
	(void)si;
	ucontext_t *uc = ucv;
	ctx_ok_rip = uc->uc_mcontext.gregs[REG_RIP] == (greg_t)(uintptr_t)abi_ctx_fault_insn;
	ctx_fp_present = uc->uc_mcontext.fpregs != NULL;
	if (uc->uc_mcontext.fpregs) {
		ctx_ok_xmm = memcmp(uc->uc_mcontext.fpregs->_xmm[0].element, xmm_in, 16) == 0;
		ctx_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
		ctx_cwd = uc->uc_mcontext.fpregs->cwd;
		memcpy(uc->uc_mcontext.fpregs->_xmm[0].element, xmm_new, 16);
	}
	ctx_ok_mask = sigismember(&uc->uc_sigmask, SIGUSR2) && !sigismember(&uc->uc_sigmask, SIGSEGV);
	// Resume after the faulting store with new register values, and a mask
	// that also blocks SIGHUP from the sigreturn on.
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)abi_ctx_resume;
	uc->uc_mcontext.gregs[REG_RAX] = 0x1200;
	uc->uc_mcontext.gregs[REG_R12] = 0x34;
	sigaddset(&uc->uc_sigmask, SIGHUP);
}

static volatile int keep_handler_ran;
static void keep_handler(int sig)
{
	(void)sig;
	keep_handler_ran = 1;
	// Clobber the vector registers and the FP control state; none of it
	// may leak back into the interrupted code.
	unsigned short cw = 0x7f;
	unsigned int mx = 0x7f80 | 0x6000; // round toward zero
	__asm__ volatile("pcmpeqd %%xmm0, %%xmm0\n\tpcmpeqd %%xmm15, %%xmm15\n\t"
			 "fldcw %0\n\tldmxcsr %1"
			 :
			 : "m"(cw), "m"(mx)
			 : "xmm0", "xmm15");
}

static volatile int info_code, info_pid_ok, info_uid_ok, info_value;
static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	info_code = si->si_code;
	info_pid_ok = si->si_pid == getpid();
	info_uid_ok = si->si_uid == getuid();
	info_value = si->si_value.sival_int;
}

static void sec_ucontext(void)
{
	set_handler(SIGSEGV, ctx_handler, 0);
	block(SIGUSR2);
	uint32_t out[4] = {0};
	long r = abi_ctx_fault(xmm_in, out);
	say("resumed at the new RIP: rax+r12=%#lx", r);
	check(r == 0x1234, "RAX and R12 written in the ucontext took effect");
	check(ctx_ok_rip, "ucontext RIP was the faulting store");
	check(ctx_fp_present, "ucontext has FP state");
	check(ctx_ok_xmm, "ucontext xmm0 held the interrupted value");
	check(memcmp(out, xmm_new, 16) == 0, "xmm0 written in the ucontext took effect");
	say("ucontext mxcsr=%#x cwd=%#x", ctx_mxcsr, ctx_cwd);
	check(ctx_ok_mask, "uc_sigmask is the interrupted mask");
	check(is_blocked(SIGHUP), "uc_sigmask written in the handler is the mask after return");
	check(!is_blocked(SIGSEGV), "the handled signal is unblocked after return");
	unblock(SIGHUP);
	unblock(SIGUSR2);
	set_default(SIGSEGV);

	// Registers the handler clobbers come back.
	set_plain_handler(SIGUSR1, keep_handler, 0);
	uint32_t pattern[4] = {0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10};
	uint32_t got[8];
	unsigned short cw_before, cw_after;
	unsigned int mx_before, mx_after;
	__asm__ volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(cw_before), "=m"(mx_before));
	abi_xmm_keep(pattern, got, getpid(), gettid_(), SIGUSR1);
	__asm__ volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(cw_after), "=m"(mx_after));
	check(keep_handler_ran, "handler ran on return from tgkill");
	check(memcmp(got, pattern, 16) == 0 && memcmp(got + 4, pattern, 16) == 0,
	      "xmm0 and xmm15 survive a handler that clobbers them");
	check(cw_before == cw_after && mx_before == mx_after,
	      "x87 control word and MXCSR survive a handler that changes them");

	// The handler is entered as if called: RSP+8 is 16-byte aligned.
	set_plain_handler(SIGUSR1, abi_align_handler, 0);
	raise(SIGUSR1);
	check((abi_handler_rsp + 8) % 16 == 0, "handler entry stack is ABI-aligned (rsp %% 16 == 8)");
	stack_t ss;
	static char alt[64 * 1024] __attribute__((aligned(16)));
	ss.ss_sp = alt + 8; // deliberately misaligned stack base
	ss.ss_size = sizeof(alt) - 24;
	ss.ss_flags = 0;
	sigaltstack(&ss, NULL);
	set_plain_handler(SIGUSR1, abi_align_handler, SA_ONSTACK);
	raise(SIGUSR1);
	check((abi_handler_rsp + 8) % 16 == 0 && abi_handler_rsp >= (uintptr_t)alt &&
		      abi_handler_rsp < (uintptr_t)alt + sizeof(alt),
	      "handler entry on a misaligned alternate stack is aligned");
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);

	// siginfo of signals sent by the process itself.
	set_handler(SIGUSR1, info_handler, 0);
	raise(SIGUSR1);
	say("raise: si_code=%s", codename(SIGUSR1, info_code));
	check(info_pid_ok && info_uid_ok, "raise: si_pid and si_uid are ours");
	kill(getpid(), SIGUSR1);
	say("kill: si_code=%s", codename(SIGUSR1, info_code));
	check(info_pid_ok && info_uid_ok, "kill: si_pid and si_uid are ours");
	syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
	say("tgkill: si_code=%s", codename(SIGUSR1, info_code));
	union sigval v = {.sival_int = 42};
	sigqueue(getpid(), SIGUSR1, v);
	say("sigqueue: si_code=%s si_value=%d", codename(SIGUSR1, info_code), info_value);
	set_default(SIGUSR1);
}

// ---------------------------------------------------------------------------
// altstack: sigaltstack, SA_ONSTACK, stack overflow in a thread

static char *alt_base;
static size_t alt_size;
static volatile int on_alt, alt_flags_inside, alt_eperm;
static volatile int off_alt_ok;

static void alt_handler(int sig)
{
	(void)sig;
	char local;
	on_alt = (uintptr_t)&local >= (uintptr_t)alt_base && (uintptr_t)&local < (uintptr_t)alt_base + alt_size;
	stack_t cur;
	sigaltstack(NULL, &cur);
	alt_flags_inside = cur.ss_flags;
	stack_t other = {.ss_sp = malloc(MINSIGSTKSZ * 4), .ss_size = MINSIGSTKSZ * 4, .ss_flags = 0};
	alt_eperm = sigaltstack(&other, NULL) == -1 ? errno : 0;
}

static const char *ssflags(int f)
{
	switch (f) {
	case 0: return "0";
	case SS_ONSTACK: return "SS_ONSTACK";
	case SS_DISABLE: return "SS_DISABLE";
	}
	return "other";
}

static volatile int ovf_code, ovf_on_alt, ovf_thread_flags;
static sigjmp_buf ovf_jb;
static char *ovf_alt;
static size_t ovf_alt_size;

static void ovf_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	char local;
	ovf_code = si->si_code;
	ovf_on_alt = (uintptr_t)&local >= (uintptr_t)ovf_alt && (uintptr_t)&local < (uintptr_t)ovf_alt + ovf_alt_size;
	siglongjmp(ovf_jb, 1);
}

static volatile int recurse_limit = INT_MAX; // never reached; keeps gcc quiet
static __attribute__((noinline)) int recurse(int n)
{
	volatile char buf[512];
	if (n >= recurse_limit)
		return 0;
	buf[0] = (char)n;
	buf[511] = (char)n;
	return recurse(n + 1) + buf[0] + buf[511];
}

static void *overflow_thread(void *arg)
{
	(void)arg;
	stack_t cur;
	sigaltstack(NULL, &cur);
	ovf_thread_flags = cur.ss_flags;
	ovf_alt_size = 64 * 1024;
	ovf_alt = malloc(ovf_alt_size);
	stack_t ss = {.ss_sp = ovf_alt, .ss_size = ovf_alt_size, .ss_flags = 0};
	sigaltstack(&ss, NULL);
	if (sigsetjmp(ovf_jb, 1) == 0)
		recurse(0);
	return (void *)1L;
}

static void sec_altstack(void)
{
	stack_t cur;
	sigaltstack(NULL, &cur);
	say("initial ss_flags=%s", ssflags(cur.ss_flags));
	alt_size = 64 * 1024;
	alt_base = malloc(alt_size);
	stack_t ss = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0};
	EXPECT("sigaltstack set", sigaltstack(&ss, NULL), 0, 0);
	sigaltstack(NULL, &cur);
	say("outside the handler ss_flags=%s", ssflags(cur.ss_flags));
	check(cur.ss_sp == alt_base && cur.ss_size == alt_size, "sigaltstack reports what was set");

	set_plain_handler(SIGUSR1, alt_handler, SA_ONSTACK);
	raise(SIGUSR1);
	check(on_alt, "SA_ONSTACK handler runs on the alternate stack");
	say("inside the handler ss_flags=%s", ssflags(alt_flags_inside));
	say("changing it while on it: %s", alt_eperm ? strerrorname_np(alt_eperm) : "0");

	set_plain_handler(SIGUSR1, alt_handler, 0);
	raise(SIGUSR1);
	check(!on_alt, "handler without SA_ONSTACK runs on the normal stack");
	set_default(SIGUSR1);

	stack_t small = {.ss_sp = alt_base, .ss_size = 512, .ss_flags = 0};
	EXPECT("sigaltstack too small", sigaltstack(&small, NULL), -1, ENOMEM);
	stack_t bad = {.ss_sp = alt_base, .ss_size = alt_size, .ss_flags = 0x1234};
	EXPECT("sigaltstack bad flags", sigaltstack(&bad, NULL), -1, EINVAL);
	stack_t dis = {.ss_flags = SS_DISABLE};
	EXPECT("sigaltstack disable", sigaltstack(&dis, NULL), 0, 0);
	sigaltstack(NULL, &cur);
	say("after disable ss_flags=%s", ssflags(cur.ss_flags));

	// Overflowing a thread's stack: the guard page faults, the handler runs
	// on that thread's alternate stack.
	set_handler(SIGSEGV, ovf_handler, SA_ONSTACK);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	pthread_t t;
	void *r = NULL;
	spawn(&t, &attr, overflow_thread, NULL);
	pthread_join(t, &r);
	pthread_attr_destroy(&attr);
	say("new thread starts with ss_flags=%s", ssflags(ovf_thread_flags));
	say("thread stack overflow: SIGSEGV %s", codename(SIGSEGV, ovf_code));
	check(r == (void *)1L && ovf_on_alt, "overflow handled on the thread's alternate stack");
	set_default(SIGSEGV);
}

// ---------------------------------------------------------------------------
// sigmask: blocking, pending, coalescing, queueing, order, waiting

static volatile int usr1_count, usr2_count;
static void count_handler(int sig)
{
	if (sig == SIGUSR1)
		usr1_count++;
	else
		usr2_count++;
}

static volatile int rt_values[16], rt_n;
static void rt_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if (rt_n < 16)
		rt_values[rt_n++] = si->si_value.sival_int;
}

static volatile int order[16], order_n;
static void order_handler(int sig)
{
	if (order_n < 16)
		order[order_n++] = sig;
}

static volatile int nodefer_blocked, defer_blocked, mask_extra_blocked;
static void mask_handler(int sig)
{
	nodefer_blocked = is_blocked(sig);
	mask_extra_blocked = is_blocked(SIGUSR2);
}

static void print_order(const char *what)
{
	char buf[256] = "";
	for (int i = 0; i < order_n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, signame(order[i]));
	}
	say("%s: %s", what, buf);
}

static volatile pid_t thread_sig_tid;
static void tid_handler(int sig)
{
	(void)sig;
	thread_sig_tid = gettid_();
}

static atomic_int sig_thread_ready;
static volatile int sig_thread_stop;
static void *sig_thread(void *arg)
{
	(void)arg;
	unblock(SIGUSR1);
	atomic_store(&sig_thread_ready, 1);
	while (!sig_thread_stop)
		sleep_ms(1);
	return (void *)(long)gettid_();
}

static void sec_sigmask(void)
{
	set_plain_handler(SIGUSR1, count_handler, 0);
	set_plain_handler(SIGUSR2, count_handler, 0);

	block(SIGUSR1);
	raise(SIGUSR1);
	check(usr1_count == 0, "blocked signal not delivered");
	check(is_pending(SIGUSR1), "blocked signal is pending");
	unblock(SIGUSR1);
	say("after unblock delivered %d time(s), pending=%d", usr1_count, is_pending(SIGUSR1));

	usr1_count = 0;
	block(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	raise(SIGUSR1);
	unblock(SIGUSR1);
	say("standard signal raised 3 times while blocked: delivered %d time(s)", usr1_count);

	// Real-time signals queue, in order, with their values.
	int rt = SIGRTMIN + 1;
	set_handler(rt, rt_handler, 0);
	block(rt);
	for (int i = 1; i <= 3; i++) {
		union sigval v = {.sival_int = i * 11};
		sigqueue(getpid(), rt, v);
	}
	unblock(rt);
	say("real-time signal queued 3 times: delivered %d time(s), values %d,%d,%d", rt_n,
	    rt_values[0], rt_values[1], rt_values[2]);
	set_default(rt);

	// Several pending at once, unblocked together. With a full sa_mask each
	// handler finishes before the next starts: lowest number first.
	int sigs[] = {SIGUSR2, SIGRTMIN + 2, SIGHUP, SIGRTMIN + 1, SIGUSR1};
	for (int pass = 0; pass < 2; pass++) {
		sigset_t all;
		sigemptyset(&all);
		for (int i = 0; i < 5; i++) {
			struct sigaction sa;
			memset(&sa, 0, sizeof(sa));
			sa.sa_handler = order_handler;
			if (pass == 0)
				sigfillset(&sa.sa_mask);
			else
				sigemptyset(&sa.sa_mask);
			sigaction(sigs[i], &sa, NULL);
			sigaddset(&all, sigs[i]);
		}
		sigprocmask(SIG_BLOCK, &all, NULL);
		for (int i = 0; i < 5; i++)
			raise(sigs[i]);
		order_n = 0;
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		print_order(pass == 0 ? "order with full sa_mask" : "order with empty sa_mask (nested frames)");
		for (int i = 0; i < 5; i++)
			set_default(sigs[i]);
	}

	// Inside a handler: its own signal blocked unless SA_NODEFER, sa_mask too.
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = mask_handler;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	defer_blocked = nodefer_blocked;
	check(defer_blocked && mask_extra_blocked, "in the handler: own signal and sa_mask blocked");
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	check(!nodefer_blocked && !mask_extra_blocked, "SA_NODEFER: own signal not blocked");
	check(!is_blocked(SIGUSR1) && !is_blocked(SIGUSR2), "mask restored after the handlers");

	// SA_RESETHAND: one delivery, then the default action.
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	say("SA_RESETHAND: disposition afterwards %s", old.sa_handler == SIG_DFL ? "SIG_DFL" : "other");

	// sigaction reports what was set (glibc adds SA_RESTORER).
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info_handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGTERM);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR1, NULL, &old);
	say("sigaction round trip: flags=%#x mask has SIGTERM=%d handler=%s",
	    (unsigned)(old.sa_flags & ~0x04000000), sigismember(&old.sa_mask, SIGTERM),
	    old.sa_sigaction == info_handler ? "same" : "other");
	set_default(SIGUSR1);

	// Ignored signals: discarded, unless blocked (then they stay pending).
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	check(!is_pending(SIGUSR1), "ignored signal discarded");
	block(SIGUSR1);
	raise(SIGUSR1);
	say("ignored but blocked signal pending=%d", is_pending(SIGUSR1));
	signal(SIGUSR1, SIG_IGN); // setting SIG_IGN discards the pending one
	say("after setting SIG_IGN again pending=%d", is_pending(SIGUSR1));
	unblock(SIGUSR1);
	signal(SIGUSR1, SIG_DFL);
	raise(SIGWINCH);
	raise(SIGCHLD);
	raise(SIGURG);
	say("default-ignored SIGWINCH, SIGCHLD, SIGURG: still running");

	// sigsuspend: waits with a temporary mask, returns EINTR after the handler.
	set_plain_handler(SIGUSR1, count_handler, 0);
	usr1_count = 0;
	block(SIGUSR1);
	raise(SIGUSR1);
	sigset_t empty;
	sigemptyset(&empty);
	EXPECT("sigsuspend with the signal pending", sigsuspend(&empty), -1, EINTR);
	check(usr1_count == 1, "sigsuspend ran the handler once");
	check(is_blocked(SIGUSR1), "sigsuspend restored the mask");

	// sigtimedwait: takes a blocked signal without a handler running.
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, SIGUSR2);
	block(SIGUSR2);
	siginfo_t si;
	struct timespec zero = {0, 0}, twenty = {0, 20000000};
	raise(SIGUSR2);
	EXPECT("sigtimedwait after raise", sigtimedwait(&w, &si, &zero), SIGUSR2, 0);
	say("sigtimedwait: si_signo=%s si_code=%s pid_ok=%d", signame(si.si_signo),
	    codename(SIGUSR2, si.si_code), si.si_pid == getpid());
	kill(getpid(), SIGUSR2);
	EXPECT("sigwaitinfo after kill", sigwaitinfo(&w, &si), SIGUSR2, 0);
	say("sigwaitinfo: si_code=%s", codename(SIGUSR2, si.si_code));
	union sigval v = {.sival_int = 99};
	sigqueue(getpid(), SIGUSR2, v);
	EXPECT("sigtimedwait after sigqueue", sigtimedwait(&w, &si, &zero), SIGUSR2, 0);
	say("sigtimedwait: si_code=%s si_value=%d", codename(SIGUSR2, si.si_code), si.si_value.sival_int);
	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("sigtimedwait nothing pending, 20ms", sigtimedwait(&w, &si, &twenty), -1, EAGAIN);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000 - 1000, "sigtimedwait waited at least 20ms");
	check(usr2_count == 0, "no handler ran for the waited-for signals");
	int got = 0;
	raise(SIGUSR2);
	result_errnum("sigwait", sigwait(&w, &got), 0);
	say("sigwait got %s", signame(got));
	unblock(SIGUSR2);
	unblock(SIGUSR1);

	// Signals to threads: tgkill/pthread_kill reach the named thread; a
	// process-directed signal goes to a thread that does not block it.
	set_plain_handler(SIGUSR1, tid_handler, 0);
	block(SIGUSR1);
	pthread_t t;
	spawn(&t, NULL, sig_thread, NULL);
	wait_for_atomic(&sig_thread_ready, 1, "the thread");
	thread_sig_tid = 0;
	kill(getpid(), SIGUSR1);
	for (int i = 0; i < 5000 && !thread_sig_tid; i++)
		sleep_ms(1);
	pid_t by_kill = thread_sig_tid;
	thread_sig_tid = 0;
	pthread_kill(t, SIGUSR1);
	for (int i = 0; i < 5000 && !thread_sig_tid; i++)
		sleep_ms(1);
	pid_t by_pthread_kill = thread_sig_tid;
	sig_thread_stop = 1;
	void *tid;
	pthread_join(t, &tid);
	check(by_kill == (pid_t)(long)tid, "kill(getpid()) handled by the one thread not blocking it");
	check(by_pthread_kill == (pid_t)(long)tid, "pthread_kill handled by the target thread");
	check(!is_pending(SIGUSR1), "main thread has nothing pending");
	unblock(SIGUSR1);
	thread_sig_tid = 0;
	syscall(SYS_tgkill, getpid(), gettid_(), SIGUSR1);
	check(thread_sig_tid == getpid(), "tgkill to the main thread handled there");
	EXPECT("kill with signal 0", kill(getpid(), 0), 0, 0);
	EXPECT("kill with signal 65", kill(getpid(), 65), -1, EINVAL);
	set_default(SIGUSR1);
	set_default(SIGUSR2);
}

// ---------------------------------------------------------------------------
// restart: SA_RESTART and EINTR

static int rpipe[2];
static volatile int alrm_count;
static void alrm_handler(int sig)
{
	(void)sig;
	alrm_count++;
}
static void alrm_write_handler(int sig)
{
	(void)sig;
	alrm_count++;
	ssize_t r = write(rpipe[1], "x", 1);
	(void)r;
}

static int futex_word;
static void futex_change_handler(int sig)
{
	(void)sig;
	futex_word = 1;
}

static atomic_int eintr_thread_state;
static int thread_pipe[2];
static void *eintr_thread(void *arg)
{
	(void)arg;
	char c;
	atomic_store(&eintr_thread_state, 1);
	ssize_t r = read(thread_pipe[0], &c, 1);
	atomic_store(&eintr_thread_state, r == -1 && errno == EINTR ? 2 : 3);
	return NULL;
}

static void sec_restart(void)
{
	char c = 0;
	make_pipe(rpipe, 0);

	set_plain_handler(SIGALRM, alrm_handler, 0);
	arm_alarm_ms(30);
	EXPECT("read from an empty pipe, SIGALRM without SA_RESTART", read(rpipe[0], &c, 1), -1, EINTR);

	set_plain_handler(SIGALRM, alrm_write_handler, SA_RESTART);
	arm_alarm_ms(30);
	EXPECT("read from an empty pipe, SIGALRM with SA_RESTART", read(rpipe[0], &c, 1), 1, 0);
	say("restarted read got '%c'", c);

	set_plain_handler(SIGALRM, alrm_handler, SA_RESTART);
	struct timespec long_sleep = {10, 0}, rem = {0, 0};
	arm_alarm_ms(30);
	EXPECT("nanosleep 10s, SIGALRM with SA_RESTART", nanosleep(&long_sleep, &rem), -1, EINTR);
	check(rem.tv_sec < 10 && (rem.tv_sec > 0 || rem.tv_nsec > 0), "nanosleep wrote the remaining time");

	struct pollfd pfd = {.fd = rpipe[0], .events = POLLIN};
	arm_alarm_ms(30);
	EXPECT("poll, SIGALRM with SA_RESTART", poll(&pfd, 1, 10000), -1, EINTR);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(rpipe[0], &rs);
	struct timeval tv = {10, 0};
	arm_alarm_ms(30);
	EXPECT("select, SIGALRM with SA_RESTART", select(rpipe[0] + 1, &rs, NULL, NULL, &tv), -1, EINTR);
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, rpipe[0], &ev);
	arm_alarm_ms(30);
	EXPECT("epoll_wait, SIGALRM with SA_RESTART", epoll_wait(ep, &out, 1, 10000), -1, EINTR);
	close(ep);
	arm_alarm_ms(30);
	EXPECT("pause", pause(), -1, EINTR);

	futex_word = 0;
	set_plain_handler(SIGALRM, futex_change_handler, 0);
	arm_alarm_ms(30);
	EXPECT("FUTEX_WAIT, handler without SA_RESTART", futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1, EINTR);
	futex_word = 0;
	set_plain_handler(SIGALRM, futex_change_handler, SA_RESTART);
	arm_alarm_ms(30);
	// Restarted after the handler changed the word: EAGAIN.
	EXPECT("FUTEX_WAIT, handler with SA_RESTART", futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -1, EAGAIN);

	struct timespec ten = {0, 10000000};
	futex_word = 0;
	set_plain_handler(SIGALRM, alrm_handler, SA_RESTART);
	EXPECT("FUTEX_WAIT with timeout, no signal", futex(&futex_word, FUTEX_WAIT_PRIVATE, 0, &ten, NULL, 0), -1, ETIMEDOUT);

	// A blocking read in another thread, interrupted by pthread_kill. The
	// signal is sent until the read returns, so it cannot arrive too early.
	set_plain_handler(SIGUSR1, alrm_handler, 0);
	make_pipe(thread_pipe, 0);
	pthread_t t;
	spawn(&t, NULL, eintr_thread, NULL);
	for (int i = 0; i < 5000 && atomic_load(&eintr_thread_state) < 2; i++) {
		if (atomic_load(&eintr_thread_state) == 1)
			pthread_kill(t, SIGUSR1);
		sleep_ms(2);
	}
	pthread_join(t, NULL);
	check(atomic_load(&eintr_thread_state) == 2, "read in a thread interrupted by pthread_kill: EINTR");
	EXPECT("wait4 without children", wait4(-1, NULL, 0, NULL), -1, ECHILD);

	disarm_alarm();
	set_default(SIGALRM);
	set_default(SIGUSR1);
	close(rpipe[0]);
	close(rpipe[1]);
}

// ---------------------------------------------------------------------------
// timers: setitimer, alarm, POSIX timers

static volatile int vt_count, prof_count;
static void vt_handler(int sig)
{
	if (sig == SIGVTALRM)
		vt_count++;
	else
		prof_count++;
}

static sem_t timer_sem;
static volatile int timer_thread_value;
static void timer_thread_fn(union sigval v)
{
	timer_thread_value = v.sival_int;
	sem_post(&timer_sem);
}

static void burn_cpu_until(volatile int *flag, long long max_ns)
{
	long long t0 = now_ns(CLOCK_MONOTONIC);
	volatile unsigned long x = 0;
	while (!*flag && now_ns(CLOCK_MONOTONIC) - t0 < max_ns)
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
}

static void sec_timers(void)
{
	// Periodic ITIMER_REAL: five ticks.
	set_plain_handler(SIGALRM, alrm_handler, 0);
	alrm_count = 0;
	struct itimerval it = {{0, 10000}, {0, 10000}}, old, cur;
	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("setitimer ITIMER_REAL 10ms periodic", setitimer(ITIMER_REAL, &it, NULL), 0, 0);
	EXPECT("getitimer while armed", getitimer(ITIMER_REAL, &cur), 0, 0);
	check(cur.it_interval.tv_usec == 10000 && cur.it_value.tv_sec == 0 && cur.it_value.tv_usec <= 10000,
	      "getitimer: interval 10ms, value at most 10ms");
	wait_for(&alrm_count, 5, "five SIGALRMs");
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 40000000, "five ticks took at least 40ms");
	struct itimerval zero = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &zero, &old);
	say("disarm returned interval %ld.%06ld", (long)old.it_interval.tv_sec, (long)old.it_interval.tv_usec);
	getitimer(ITIMER_REAL, &cur);
	say("after disarm: value %ld.%06ld interval %ld.%06ld", (long)cur.it_value.tv_sec,
	    (long)cur.it_value.tv_usec, (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
	struct itimerval badusec = {{0, 0}, {0, 1000000}};
	EXPECT("setitimer tv_usec 1000000", setitimer(ITIMER_REAL, &badusec, NULL), -1, EINVAL);
	EXPECT("setitimer bad which", setitimer(99, &zero, NULL), -1, EINVAL);

	// CPU-time timers fire while the process runs (capped at 5s).
	set_plain_handler(SIGVTALRM, vt_handler, 0);
	set_plain_handler(SIGPROF, vt_handler, 0);
	struct itimerval cpu = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_VIRTUAL, &cpu, NULL);
	burn_cpu_until(&vt_count, 5000000000LL);
	say("ITIMER_VIRTUAL after 20ms of CPU: SIGVTALRM x%d", vt_count);
	setitimer(ITIMER_PROF, &cpu, NULL);
	burn_cpu_until(&prof_count, 5000000000LL);
	say("ITIMER_PROF after 20ms of CPU: SIGPROF x%d", prof_count);
	setitimer(ITIMER_VIRTUAL, &zero, NULL);
	setitimer(ITIMER_PROF, &zero, NULL);

	// alarm: the remaining seconds, rounded; then a real one.
	EXPECT("alarm(5) with none pending", alarm(5), 0, 0);
	EXPECT("alarm(0) cancels, returns the rest", alarm(0), 5, 0);
	alrm_count = 0;
	alarm(1);
	wait_for(&alrm_count, 1, "SIGALRM from alarm(1)");
	say("alarm(1) delivered SIGALRM x%d", alrm_count);

	// POSIX timer, SIGEV_SIGNAL, fetched with sigwaitinfo.
	int sig = SIGRTMIN + 3;
	block(sig);
	struct sigevent sev;
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = sig;
	sev.sigev_value.sival_int = 77;
	timer_t tm;
	EXPECT("timer_create CLOCK_MONOTONIC SIGEV_SIGNAL", timer_create(CLOCK_MONOTONIC, &sev, &tm), 0, 0);
	struct itimerspec its = {{0, 0}, {0, 10000000}}, gits;
	EXPECT("timer_settime 10ms one-shot", timer_settime(tm, 0, &its, NULL), 0, 0);
	sigset_t w;
	sigemptyset(&w);
	sigaddset(&w, sig);
	siginfo_t si;
	struct timespec ten_s = {10, 0};
	EXPECT("sigtimedwait for the timer", sigtimedwait(&w, &si, &ten_s), sig, 0);
	say("timer signal: si_code=%s si_value=%d overrun=%d", codename(sig, si.si_code),
	    si.si_value.sival_int, si.si_overrun);
	check(si.si_timerid == (int)(intptr_t)tm, "si_timerid is the timer's id");
	EXPECT("timer_gettime after it fired", timer_gettime(tm, &gits), 0, 0);
	say("one-shot after firing: value %ld.%09ld", (long)gits.it_value.tv_sec, gits.it_value.tv_nsec);

	struct itimerspec per = {{0, 5000000}, {0, 5000000}};
	timer_settime(tm, 0, &per, NULL);
	int ticks = 0;
	while (ticks < 4 && sigtimedwait(&w, &si, &ten_s) == sig)
		ticks++;
	timer_gettime(tm, &gits);
	say("periodic 5ms: %d signals, interval %ld.%09ld", ticks, (long)gits.it_interval.tv_sec,
	    gits.it_interval.tv_nsec);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	struct itimerspec absv = {{0, 0}, {now.tv_sec, now.tv_nsec + 20000000}};
	if (absv.it_value.tv_nsec >= 1000000000) {
		absv.it_value.tv_sec++;
		absv.it_value.tv_nsec -= 1000000000;
	}
	EXPECT("timer_settime TIMER_ABSTIME +20ms", timer_settime(tm, TIMER_ABSTIME, &absv, NULL), 0, 0);
	// Drop a periodic tick that may have been queued before the change.
	struct timespec z = {0, 0};
	while (sigtimedwait(&w, &si, &z) == sig)
		;
	timer_settime(tm, TIMER_ABSTIME, &absv, NULL);
	sigtimedwait(&w, &si, &ten_s);
	check(now_ns(CLOCK_MONOTONIC) >= (long long)absv.it_value.tv_sec * 1000000000LL + absv.it_value.tv_nsec,
	      "absolute timer fired after its deadline");
	EXPECT("timer_delete", timer_delete(tm), 0, 0);
	EXPECT("timer_gettime after delete", timer_gettime(tm, &gits), -1, EINVAL);
	unblock(sig);

	// SIGEV_NONE: counts down, never signals.
	sev.sigev_notify = SIGEV_NONE;
	timer_create(CLOCK_REALTIME, &sev, &tm);
	struct itimerspec longer = {{0, 0}, {100, 0}};
	timer_settime(tm, 0, &longer, NULL);
	timer_gettime(tm, &gits);
	check(gits.it_value.tv_sec <= 100 && gits.it_value.tv_sec >= 90, "SIGEV_NONE timer counts down");
	timer_delete(tm);

	// SIGEV_THREAD: glibc runs the function in a helper thread.
	sem_init(&timer_sem, 0, 0);
	sev.sigev_notify = SIGEV_THREAD;
	sev.sigev_notify_function = timer_thread_fn;
	sev.sigev_notify_attributes = NULL;
	sev.sigev_value.sival_int = 5;
	if (timer_create(CLOCK_MONOTONIC, &sev, &tm) == 0) {
		timer_settime(tm, 0, &its, NULL);
		struct timespec dl;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 10;
		int rc = sem_timedwait(&timer_sem, &dl);
		say("SIGEV_THREAD timer: callback %s with value %d", rc == 0 ? "ran" : "did not run",
		    timer_thread_value);
		timer_delete(tm);
	} else {
		say("SIGEV_THREAD timer_create failed: %s FAIL", strerrorname_np(errno));
		nfail++;
	}
	set_default(SIGALRM);
	set_default(SIGVTALRM);
	set_default(SIGPROF);
}

// ---------------------------------------------------------------------------
// timerfd

static void sec_timerfd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		die("timerfd_create");
	uint64_t ticks = 0;
	EXPECT("read disarmed nonblocking", read(fd, &ticks, 8), -1, EAGAIN);
	struct itimerspec its = {{0, 10000000}, {0, 10000000}}, cur, old;
	EXPECT("timerfd_settime 10ms periodic", timerfd_settime(fd, 0, &its, NULL), 0, 0);
	EXPECT("timerfd_gettime", timerfd_gettime(fd, &cur), 0, 0);
	say("interval %ld.%09ld", (long)cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	EXPECT("poll until it expires", poll(&p, 1, 10000), 1, 0);
	say("poll revents=%s", pollbits(p.revents));
	int fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	EXPECT("blocking read", read(fd, &ticks, 8), 8, 0);
	check(ticks >= 1, "at least one expiration counted");
	EXPECT("read with a 4-byte buffer", read(fd, &ticks, 4), -1, EINVAL);
	struct itimerspec zero = {{0, 0}, {0, 0}};
	EXPECT("disarm", timerfd_settime(fd, 0, &zero, &old), 0, 0);
	say("old interval %ld.%09ld", (long)old.it_interval.tv_sec, old.it_interval.tv_nsec);
	timerfd_gettime(fd, &cur);
	say("after disarm value %ld.%09ld", (long)cur.it_value.tv_sec, cur.it_value.tv_nsec);
	fcntl(fd, F_SETFL, fl);
	while (read(fd, &ticks, 8) == 8)
		;

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long target = (long long)now.tv_sec * 1000000000LL + now.tv_nsec + 20000000;
	struct itimerspec abs = {{0, 0}, {target / 1000000000LL, target % 1000000000LL}};
	EXPECT("TFD_TIMER_ABSTIME +20ms", timerfd_settime(fd, TFD_TIMER_ABSTIME, &abs, NULL), 0, 0);
	fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	EXPECT("blocking read", read(fd, &ticks, 8), 8, 0);
	say("absolute one-shot: %llu expiration(s)", (unsigned long long)ticks);
	check(now_ns(CLOCK_MONOTONIC) >= target, "read returned after the deadline");
	check(fcntl(fd, F_GETFD) == FD_CLOEXEC, "TFD_CLOEXEC sets FD_CLOEXEC");
	close(fd);

	fd = timerfd_create(CLOCK_REALTIME, 0);
	struct itimerspec one = {{0, 0}, {0, 5000000}};
	timerfd_settime(fd, 0, &one, NULL);
	EXPECT("CLOCK_REALTIME timerfd blocking read", read(fd, &ticks, 8), 8, 0);
	close(fd);
	EXPECT("timerfd_create bad clock", timerfd_create(99, 0), -1, EINVAL);
	EXPECT("timerfd_create bad flags", timerfd_create(CLOCK_MONOTONIC, 0x1234), -1, EINVAL);
}

// ---------------------------------------------------------------------------
// eventfd

static int efd_shared;
static volatile uint64_t efd_thread_got;
static void *efd_thread(void *arg)
{
	(void)arg;
	uint64_t v = 0;
	if (read(efd_shared, &v, 8) == 8)
		efd_thread_got = v;
	return NULL;
}

static void sec_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t v = 0;
	EXPECT("read at 0", read(fd, &v, 8), -1, EAGAIN);
	v = 3;
	EXPECT("write 3", write(fd, &v, 8), 8, 0);
	v = 4;
	EXPECT("write 4", write(fd, &v, 8), 8, 0);
	EXPECT("read", read(fd, &v, 8), 8, 0);
	say("read value %llu", (unsigned long long)v);
	EXPECT("read again", read(fd, &v, 8), -1, EAGAIN);
	EXPECT("read 4 bytes", read(fd, &v, 4), -1, EINVAL);
	EXPECT("write 4 bytes", write(fd, &v, 4), -1, EINVAL);
	v = UINT64_MAX;
	EXPECT("write UINT64_MAX", write(fd, &v, 8), -1, EINVAL);
	v = UINT64_MAX - 1;
	EXPECT("write UINT64_MAX-1", write(fd, &v, 8), 8, 0);
	struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
	poll(&p, 1, 0);
	say("full counter: revents=%s", pollbits(p.revents));
	v = 1;
	EXPECT("write 1 more", write(fd, &v, 8), -1, EAGAIN);
	read(fd, &v, 8);
	poll(&p, 1, 0);
	say("empty counter: revents=%s", pollbits(p.revents));
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	int reads = 0;
	while (read(fd, &v, 8) == 8 && v == 1)
		reads++;
	say("EFD_SEMAPHORE initval 3: %d reads of 1 then %s", reads, strerrorname_np(errno));
	close(fd);

	efd_shared = eventfd(0, 0);
	pthread_t t;
	spawn(&t, NULL, efd_thread, NULL);
	sleep_ms(20);
	v = 42;
	write(efd_shared, &v, 8);
	pthread_join(t, NULL);
	say("blocking read in a thread got %llu", (unsigned long long)efd_thread_got);
	close(efd_shared);
	EXPECT("eventfd bad flags", syscall(SYS_eventfd2, 0, 0x1234), -1, EINVAL);
}

// ---------------------------------------------------------------------------
// vdso: present, well formed, and consistent with the system calls

static void *vdso_sym(uintptr_t base, const char *name)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff);
	uintptr_t bias = 0;
	const Elf64_Dyn *dyn = NULL;
	int have_load = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_load) {
			bias = base + ph[i].p_offset - ph[i].p_vaddr;
			have_load = 1;
		}
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(base + ph[i].p_offset);
	}
	if (!dyn || !have_load)
		return NULL;
	const Elf64_Sym *symtab = NULL;
	const char *strtab = NULL;
	const Elf32_Word *hash = NULL, *gnuhash = NULL;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		switch (dyn->d_tag) {
		case DT_SYMTAB: symtab = (const Elf64_Sym *)(bias + dyn->d_un.d_ptr); break;
		case DT_STRTAB: strtab = (const char *)(bias + dyn->d_un.d_ptr); break;
		case DT_HASH: hash = (const Elf32_Word *)(bias + dyn->d_un.d_ptr); break;
		case DT_GNU_HASH: gnuhash = (const Elf32_Word *)(bias + dyn->d_un.d_ptr); break;
		}
	}
	if (!symtab || !strtab)
		return NULL;
	size_t nsyms = 0;
	if (hash) {
		nsyms = hash[1];
	} else if (gnuhash) {
		// The highest symbol index in any bucket, then follow its chain.
		uint32_t nbuckets = gnuhash[0], symoffset = gnuhash[1], bloom = gnuhash[2];
		const uint32_t *buckets = gnuhash + 4 + bloom * 2;
		const uint32_t *chain = buckets + nbuckets;
		uint32_t last = 0;
		for (uint32_t i = 0; i < nbuckets; i++)
			if (buckets[i] > last)
				last = buckets[i];
		if (last) {
			while (!(chain[last - symoffset] & 1))
				last++;
			nsyms = last + 1;
		}
	}
	for (size_t i = 0; i < nsyms; i++) {
		if (symtab[i].st_shndx == SHN_UNDEF || !symtab[i].st_name)
			continue;
		if (strcmp(strtab + symtab[i].st_name, name) == 0)
			return (void *)(bias + symtab[i].st_value);
	}
	return NULL;
}

static void sec_vdso(void)
{
	uintptr_t base = getauxval(AT_SYSINFO_EHDR);
	check(base != 0, "AT_SYSINFO_EHDR is set");
	if (!base)
		return;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)base;
	check(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_ident[EI_CLASS] == ELFCLASS64,
	      "vDSO is a 64-bit ELF image");
	check(eh->e_type == ET_DYN && eh->e_machine == EM_X86_64, "vDSO is ET_DYN for x86-64");
	const char *names[] = {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time",
			       "__vdso_getcpu", "__vdso_clock_getres"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		check(vdso_sym(base, names[i]) != NULL, "vDSO exports %s", names[i]);

	int (*vcg)(clockid_t, struct timespec *) = vdso_sym(base, "__vdso_clock_gettime");
	if (vcg) {
		struct timespec a, c;
		vcg(CLOCK_MONOTONIC, &a);
		long long b = raw_now_ns(CLOCK_MONOTONIC);
		vcg(CLOCK_MONOTONIC, &c);
		long long an = (long long)a.tv_sec * 1000000000LL + a.tv_nsec;
		long long cn = (long long)c.tv_sec * 1000000000LL + c.tv_nsec;
		check(an <= b && b <= cn, "__vdso_clock_gettime MONOTONIC brackets the system call's");
	}
	long long a = now_ns(CLOCK_MONOTONIC);
	long long b = raw_now_ns(CLOCK_MONOTONIC);
	long long c = now_ns(CLOCK_MONOTONIC);
	check(a <= b && b <= c, "clock_gettime MONOTONIC (libc) brackets the system call's");
	a = now_ns(CLOCK_REALTIME);
	b = raw_now_ns(CLOCK_REALTIME);
	c = now_ns(CLOCK_REALTIME);
	check(a <= b && b <= c, "clock_gettime REALTIME (libc) brackets the system call's");

	int mono = 1;
	long long prev = now_ns(CLOCK_MONOTONIC);
	for (int i = 0; i < 100000; i++) {
		long long t = now_ns(CLOCK_MONOTONIC);
		mono &= t >= prev;
		prev = t;
	}
	check(mono, "CLOCK_MONOTONIC never goes back over 100000 reads");

	/*
	 * Libc's reads (the vDSO) and raw system calls interleaved for 0.6 s,
	 * longer than airlock's resync period: no clock ever steps back.
	 */
	const clockid_t ticking[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_MONOTONIC_COARSE};
	const char *clock_names[] = {"REALTIME", "MONOTONIC", "BOOTTIME", "MONOTONIC_COARSE"};
	enum { NCLOCKS = sizeof(ticking) / sizeof(ticking[0]) };
	long long last[NCLOCKS];
	int forward[NCLOCKS];
	for (int i = 0; i < NCLOCKS; i++) {
		last[i] = raw_now_ns(ticking[i]);
		forward[i] = 1;
	}
	long long until = now_ns(CLOCK_MONOTONIC) + 600000000LL;
	for (unsigned round = 0; now_ns(CLOCK_MONOTONIC) < until; round++) {
		for (int i = 0; i < NCLOCKS; i++) {
			long long t = round & 1 ? now_ns(ticking[i]) : raw_now_ns(ticking[i]);
			forward[i] &= t >= last[i];
			last[i] = t;
		}
	}
	for (int i = 0; i < NCLOCKS; i++)
		check(forward[i], "CLOCK_%s: the vDSO and the system call agree and never go back for 0.6 s",
		      clock_names[i]);
	struct timeval now_tv;
	long long before = raw_now_ns(CLOCK_REALTIME);
	gettimeofday(&now_tv, NULL);
	time_t secs = time(NULL);
	long long after = raw_now_ns(CLOCK_REALTIME);
	long long tv_ns = (long long)now_tv.tv_sec * 1000000000LL + now_tv.tv_usec * 1000LL;
	check(before / 1000 * 1000 <= tv_ns && tv_ns <= after, "gettimeofday lies between two clock_gettime calls");
	// Linux's time() reads the coarse clock, up to a tick behind: across a
	// second boundary it may still show the previous second.
	check(before / 1000000000LL - 1 <= secs && secs <= after / 1000000000LL, "time lies between two clock_gettime calls");

	struct timeval tv;
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	gettimeofday(&tv, NULL);
	time_t t = time(NULL);
	long long rtn = (long long)rt.tv_sec * 1000000000LL + rt.tv_nsec;
	long long tvn = (long long)tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
	// Read one after the other: only order and a generous bound (a loaded
	// machine may stall between the calls) are checked.
	check(tvn >= rtn - 1000 && tvn - rtn < 10000000000LL, "gettimeofday agrees with CLOCK_REALTIME");
	check(t >= tv.tv_sec - 1 && t - tv.tv_sec <= 10, "time() agrees with gettimeofday (a coarse tick behind at most)");
	check(rt.tv_sec > 1700000000, "CLOCK_REALTIME is a plausible date");
	struct timeval tv2;
	struct timezone tz;
	EXPECT("gettimeofday with a timezone", gettimeofday(&tv2, (void *)&tz), 0, 0);

	long long coarse = now_ns(CLOCK_MONOTONIC_COARSE);
	long long fine = now_ns(CLOCK_MONOTONIC);
	check(coarse <= fine, "MONOTONIC_COARSE not ahead of MONOTONIC");
	coarse = now_ns(CLOCK_REALTIME_COARSE);
	fine = now_ns(CLOCK_REALTIME);
	check(coarse <= fine, "REALTIME_COARSE not ahead of REALTIME");
	check(now_ns(CLOCK_BOOTTIME) >= now_ns(CLOCK_MONOTONIC) - 1000000, "BOOTTIME not behind MONOTONIC");
	long long raw1 = now_ns(CLOCK_MONOTONIC_RAW), raw2 = now_ns(CLOCK_MONOTONIC_RAW);
	check(raw2 >= raw1, "MONOTONIC_RAW readable and monotonic");
	long long cpu1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	volatile unsigned long x = 0;
	for (int i = 0; i < 3000000; i++)
		x += (unsigned long)i;
	long long cpu2 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	check(cpu2 > cpu1, "PROCESS_CPUTIME advances while computing");
	check(now_ns(CLOCK_THREAD_CPUTIME_ID) > 0, "THREAD_CPUTIME readable");
	struct timespec ts;
	EXPECT("clock_gettime bad clock", clock_gettime(99, &ts), -1, EINVAL);

	clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_MONOTONIC_RAW, CLOCK_BOOTTIME};
	const char *cn[] = {"REALTIME", "MONOTONIC", "MONOTONIC_RAW", "BOOTTIME"};
	for (int i = 0; i < 4; i++) {
		struct timespec res;
		clock_getres(clocks[i], &res);
		say("clock_getres %s = %ld.%09ld", cn[i], (long)res.tv_sec, res.tv_nsec);
	}
	struct timespec cres;
	clock_getres(CLOCK_MONOTONIC_COARSE, &cres);
	check(cres.tv_sec == 0 && cres.tv_nsec >= 1000000 && cres.tv_nsec <= 10000000,
	      "clock_getres MONOTONIC_COARSE is one tick (1-10ms)");

	int cpu = sched_getcpu();
	cpu_set_t set;
	sched_getaffinity(0, sizeof(set), &set);
	check(cpu >= 0 && CPU_ISSET(cpu, &set), "sched_getcpu is a CPU we may run on");
	unsigned gcpu = 9999, node = 9999;
	EXPECT("getcpu system call", syscall(SYS_getcpu, &gcpu, &node, NULL), 0, 0);
	check(CPU_ISSET(gcpu, &set) && node < 1024, "getcpu: cpu in the affinity mask, node plausible");
}

// ---------------------------------------------------------------------------
// sleep: nanosleep and clock_nanosleep

static volatile int churn_stop;

static void *map_churn(void *arg)
{
	(void)arg;
	while (!churn_stop) {
		void *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			memset(p, 1, 65536);
			munmap(p, 65536);
		}
		usleep(10000);
	}
	return NULL;
}

static void sec_sleep(void)
{
	struct timespec req = {0, 20000000};
	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("nanosleep 20ms", nanosleep(&req, NULL), 0, 0);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000 - 1000, "nanosleep slept at least 20ms");
	struct timespec zero = {0, 0};
	EXPECT("nanosleep 0", nanosleep(&zero, NULL), 0, 0);
	struct timespec bad = {0, 1000000000};
	EXPECT("nanosleep tv_nsec 1e9", nanosleep(&bad, NULL), -1, EINVAL);
	struct timespec neg = {-1, 0};
	EXPECT("nanosleep negative", nanosleep(&neg, NULL), -1, EINVAL);

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long target = (long long)now.tv_sec * 1000000000LL + now.tv_nsec + 20000000;
	struct timespec abs = {target / 1000000000LL, target % 1000000000LL};
	result_errnum("clock_nanosleep MONOTONIC TIMER_ABSTIME +20ms",
		      clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL), 0);
	check(now_ns(CLOCK_MONOTONIC) >= target, "woke after the absolute deadline");
	struct timespec past = {1, 0};
	result_errnum("clock_nanosleep ABSTIME in the past", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &past, NULL), 0);
	t0 = now_ns(CLOCK_MONOTONIC);
	result_errnum("clock_nanosleep REALTIME relative 10ms", clock_nanosleep(CLOCK_REALTIME, 0, &(struct timespec){0, 10000000}, NULL), 0);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 10000000 - 1000, "slept at least 10ms");
	result_errnum("clock_nanosleep BOOTTIME relative 1ms", clock_nanosleep(CLOCK_BOOTTIME, 0, &(struct timespec){0, 1000000}, NULL), 0);
	result_errnum("clock_nanosleep THREAD_CPUTIME", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &req, NULL), EINVAL);
	result_errnum("clock_nanosleep bad clock", clock_nanosleep(99, 0, &req, NULL), EINVAL);
	result_errnum("clock_nanosleep bad flags", clock_nanosleep(CLOCK_MONOTONIC, 0x100, &zero, NULL), 0);
	result_errnum("clock_nanosleep tv_nsec 1e9", clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL);
	EXPECT("usleep 1000", usleep(1000), 0, 0);
	EXPECT("sched_yield", sched_yield(), 0, 0);
	EXPECT("sleep(0)", sleep(0), 0, 0);

	/* Another thread changing the address space must not cut sleeps short or make them start over. */
	pthread_t mapper;
	churn_stop = 0;
	pthread_create(&mapper, NULL, map_churn, NULL);
	t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("nanosleep 300ms while another thread maps and unmaps", nanosleep(&(struct timespec){0, 300000000}, NULL), 0, 0);
	long long slept = now_ns(CLOCK_MONOTONIC) - t0;
	struct pollfd none;
	EXPECT("poll 200ms timeout meanwhile", poll(&none, 0, 200), 0, 0);
	churn_stop = 1;
	pthread_join(mapper, NULL);
	check(slept >= 300000000, "the nanosleep lasted its 300ms");
}

// ---------------------------------------------------------------------------
// poll, select, epoll

static int wake_fd;
static long wake_delay_ms;
static void *delayed_writer(void *arg)
{
	(void)arg;
	sleep_ms(wake_delay_ms);
	ssize_t r = write(wake_fd, "w", 1);
	(void)r;
	return NULL;
}

static volatile int usr1_seen;
static void usr1_flag(int sig)
{
	(void)sig;
	usr1_seen++;
}

static void sec_poll(void)
{
	int p[2];
	make_pipe(p, 0);
	struct pollfd pf[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
	EXPECT("poll empty pipe, timeout 0", poll(pf, 1, 0), 0, 0);
	EXPECT("poll both ends", poll(pf, 2, 0), 1, 0);
	say("write end revents=%s", pollbits(pf[1].revents));
	write(p[1], "ab", 2);
	EXPECT("poll after write", poll(pf, 2, 0), 2, 0);
	say("read end revents=%s", pollbits(pf[0].revents));
	close(p[1]);
	EXPECT("poll after closing the write end", poll(pf, 1, 0), 1, 0);
	say("with data left revents=%s", pollbits(pf[0].revents));
	char buf[4];
	read(p[0], buf, 2);
	poll(pf, 1, 0);
	say("drained revents=%s", pollbits(pf[0].revents));
	close(p[0]);

	make_pipe(p, 0);
	close(p[0]);
	pf[0] = (struct pollfd){.fd = p[1], .events = POLLOUT};
	poll(pf, 1, 0);
	say("write end, reader gone revents=%s", pollbits(pf[0].revents));
	close(p[1]);

	struct pollfd odd[3] = {{.fd = 999, .events = POLLIN}, {.fd = -1, .events = POLLIN}, {.fd = 0, .events = 0}};
	EXPECT("poll closed fd, fd -1, no events", poll(odd, 3, 0), 1, 0);
	say("revents: closed=%s negative=%s none=%s", pollbits(odd[0].revents), pollbits(odd[1].revents),
	    pollbits(odd[2].revents));

	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("poll nothing, 20ms", poll(NULL, 0, 20), 0, 0);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000 - 1000, "poll waited at least 20ms");

	// Woken by another thread.
	make_pipe(p, 0);
	wake_fd = p[1];
	wake_delay_ms = 20;
	pthread_t t;
	spawn(&t, NULL, delayed_writer, NULL);
	pf[0] = (struct pollfd){.fd = p[0], .events = POLLIN};
	EXPECT("poll woken by a write from another thread", poll(pf, 1, 10000), 1, 0);
	pthread_join(t, NULL);

	// ppoll with a mask that lets a pending signal in.
	set_plain_handler(SIGUSR1, usr1_flag, 0);
	block(SIGUSR1);
	raise(SIGUSR1);
	read(p[0], buf, 1);
	sigset_t empty;
	sigemptyset(&empty);
	struct timespec ts = {10, 0};
	EXPECT("ppoll with a mask unblocking a pending signal", ppoll(pf, 1, &ts, &empty), -1, EINTR);
	check(usr1_seen == 1 && is_blocked(SIGUSR1), "handler ran, mask restored");
	unblock(SIGUSR1);
	struct timespec tz = {0, 0};
	EXPECT("ppoll timeout 0", ppoll(pf, 1, &tz, NULL), 0, 0);
	close(p[0]);
	close(p[1]);
	set_default(SIGUSR1);
}

static void sec_select(void)
{
	int p[2];
	make_pipe(p, 0);
	fd_set r, w, e;
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timeval tv = {0, 0};
	EXPECT("select empty pipe, timeout 0", select(p[0] + 1, &r, NULL, NULL, &tv), 0, 0);
	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	FD_ZERO(&w);
	FD_SET(p[1], &w);
	FD_ZERO(&e);
	FD_SET(p[0], &e);
	tv = (struct timeval){0, 0};
	EXPECT("select readable + writable", select(p[1] + 1, &r, &w, &e, &tv), 2, 0);
	say("read set has it=%d write set has it=%d except set has it=%d", FD_ISSET(p[0], &r),
	    FD_ISSET(p[1], &w), FD_ISSET(p[0], &e));

	char c;
	read(p[0], &c, 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){0, 20000};
	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("select 20ms timeout", select(p[0] + 1, &r, NULL, NULL, &tv), 0, 0);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000 - 1000, "select waited at least 20ms");
	say("timeout left after expiry %ld.%06ld", (long)tv.tv_sec, (long)tv.tv_usec);
	tv = (struct timeval){0, 10000};
	EXPECT("select with no fds as a sleep", select(0, NULL, NULL, NULL, &tv), 0, 0);

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	FD_SET(40, &r); // not open
	tv = (struct timeval){0, 0};
	EXPECT("select with a closed fd", select(41, &r, NULL, NULL, &tv), -1, EBADF);
	EXPECT("select negative nfds", select(-1, NULL, NULL, NULL, &tv), -1, EINVAL);
	tv = (struct timeval){-1, 0};
	EXPECT("select negative timeout", select(0, NULL, NULL, NULL, &tv), -1, EINVAL);

	set_plain_handler(SIGUSR1, usr1_flag, 0);
	usr1_seen = 0;
	block(SIGUSR1);
	raise(SIGUSR1);
	sigset_t empty;
	sigemptyset(&empty);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	struct timespec ts = {10, 0};
	EXPECT("pselect with a mask unblocking a pending signal", pselect(p[0] + 1, &r, NULL, NULL, &ts, &empty), -1, EINTR);
	check(usr1_seen == 1 && is_blocked(SIGUSR1), "handler ran, mask restored");
	unblock(SIGUSR1);
	set_default(SIGUSR1);

	wake_fd = p[1];
	wake_delay_ms = 20;
	pthread_t t;
	spawn(&t, NULL, delayed_writer, NULL);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	tv = (struct timeval){10, 0};
	EXPECT("select woken by a write from another thread", select(p[0] + 1, &r, NULL, NULL, &tv), 1, 0);
	pthread_join(t, NULL);
	close(p[0]);
	close(p[1]);
}

static int ep_count(int ep, int max, int timeout)
{
	struct epoll_event evs[8];
	return epoll_wait(ep, evs, max, timeout);
}

static int ep_blocked_fd;
static volatile int ep_thread_result;
static void *ep_thread(void *arg)
{
	int ep = (int)(long)arg;
	struct epoll_event ev;
	ep_thread_result = epoll_wait(ep, &ev, 1, 10000);
	return NULL;
}

static void sec_epoll(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	check(ep >= 0 && fcntl(ep, F_GETFD) == FD_CLOEXEC, "epoll_create1(EPOLL_CLOEXEC)");
	EXPECT("epoll_create(0)", syscall(SYS_epoll_create, 0), -1, EINVAL); /* musl's wrapper drops the size */
	int p[2];
	make_pipe(p, 0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1122334455667788ULL}, out[8];
	EXPECT("EPOLL_CTL_ADD pipe (level)", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0, 0);
	EXPECT("EPOLL_CTL_ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), -1, EEXIST);
	EXPECT("wait, nothing ready", epoll_wait(ep, out, 8, 0), 0, 0);
	write(p[1], "ab", 2);
	EXPECT("wait after write", epoll_wait(ep, out, 8, 0), 1, 0);
	say("event data=%#llx events=%#x", (unsigned long long)out[0].data.u64, out[0].events);
	EXPECT("level-triggered: still ready", epoll_wait(ep, out, 8, 0), 1, 0);

	ev.events = EPOLLIN | EPOLLET;
	EXPECT("EPOLL_CTL_MOD to edge-triggered", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), 0, 0);
	EXPECT("edge: first wait", epoll_wait(ep, out, 8, 0), 1, 0);
	EXPECT("edge: second wait", epoll_wait(ep, out, 8, 0), 0, 0);
	write(p[1], "c", 1);
	EXPECT("edge: after another write", epoll_wait(ep, out, 8, 0), 1, 0);

	ev.events = EPOLLIN | EPOLLONESHOT;
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	EXPECT("oneshot: first wait", epoll_wait(ep, out, 8, 0), 1, 0);
	EXPECT("oneshot: disarmed", epoll_wait(ep, out, 8, 0), 0, 0);
	epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
	EXPECT("oneshot: rearmed with MOD", epoll_wait(ep, out, 8, 0), 1, 0);
	EXPECT("EPOLL_CTL_DEL", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0, 0);
	EXPECT("EPOLL_CTL_DEL again", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), -1, ENOENT);
	EXPECT("EPOLL_CTL_MOD unregistered", epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), -1, ENOENT);
	EXPECT("add the epoll fd to itself", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), -1, EINVAL);
	int file = open(prog_path, O_RDONLY);
	EXPECT("add a regular file", epoll_ctl(ep, EPOLL_CTL_ADD, file, &ev), -1, EPERM);
	close(file);

	ev.events = EPOLLOUT;
	ev.data.fd = p[1];
	epoll_ctl(ep, EPOLL_CTL_ADD, p[1], &ev);
	EXPECT("EPOLLOUT on the write end", epoll_wait(ep, out, 8, 0), 1, 0);
	say("events=%#x", out[0].events);
	epoll_ctl(ep, EPOLL_CTL_DEL, p[1], NULL);
	ev.events = EPOLLIN;
	ev.data.fd = p[0];
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	close(p[1]);
	epoll_wait(ep, out, 8, 0);
	say("write end closed, data left: events=%#x", out[0].events);
	char buf[8];
	read(p[0], buf, sizeof(buf));
	epoll_wait(ep, out, 8, 0);
	say("drained: events=%#x", out[0].events);
	close(p[0]);
	EXPECT("closed fd leaves the set", epoll_wait(ep, out, 8, 0), 0, 0);

	// Three ready eventfds, two at a time: level-triggered ones rotate.
	int efd[3];
	uint64_t one = 1;
	for (int i = 0; i < 3; i++) {
		efd[i] = eventfd(0, EFD_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		epoll_ctl(ep, EPOLL_CTL_ADD, efd[i], &ev);
		write(efd[i], &one, 8);
	}
	int seen = 0, n1 = epoll_wait(ep, out, 2, 0);
	for (int i = 0; i < n1; i++)
		seen |= 1 << out[i].data.u32;
	int n2 = epoll_wait(ep, out, 2, 0);
	for (int i = 0; i < n2; i++)
		seen |= 1 << out[i].data.u32;
	say("3 ready, maxevents 2: %d then %d, all seen=%d", n1, n2, seen == 7);
	EXPECT("maxevents 0", epoll_wait(ep, out, 0, 0), -1, EINVAL);
	for (int i = 0; i < 3; i++)
		close(efd[i]);

	long long t0 = now_ns(CLOCK_MONOTONIC);
	EXPECT("wait 20ms, nothing ready", epoll_wait(ep, out, 8, 20), 0, 0);
	check(now_ns(CLOCK_MONOTONIC) - t0 >= 20000000 - 1000, "epoll_wait waited at least 20ms");

	// A thread blocked in epoll_wait, woken by a write in another.
	int e2 = eventfd(0, 0);
	ev.events = EPOLLIN;
	epoll_ctl(ep, EPOLL_CTL_ADD, e2, &ev);
	pthread_t t;
	spawn(&t, NULL, ep_thread, (void *)(long)ep);
	sleep_ms(20);
	write(e2, &one, 8);
	pthread_join(t, NULL);
	say("thread blocked in epoll_wait woken: returned %d", ep_thread_result);
	(void)ep_blocked_fd;

	// Nested: an epoll fd inside another reports readiness of its members.
	int outer = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.u32 = 99;
	EXPECT("add an epoll fd to another", epoll_ctl(outer, EPOLL_CTL_ADD, ep, &ev), 0, 0);
	EXPECT("nested: inner has a ready member", epoll_wait(outer, out, 8, 0), 1, 0);
	say("nested event data=%u", out[0].data.u32);
	close(e2);
	close(outer);

	// timerfd as an epoll source.
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = {{0, 0}, {0, 10000000}};
	timerfd_settime(tfd, 0, &its, NULL);
	ev.events = EPOLLIN;
	ev.data.u32 = 7;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	int n = epoll_wait(ep, out, 8, 10000);
	say("timerfd in epoll: %d event(s), data=%u", n, n > 0 ? out[0].data.u32 : 0);
	close(tfd);

	// epoll_pwait with a mask that lets a pending signal in.
	set_plain_handler(SIGUSR1, usr1_flag, 0);
	usr1_seen = 0;
	block(SIGUSR1);
	raise(SIGUSR1);
	sigset_t empty;
	sigemptyset(&empty);
	EXPECT("epoll_pwait unblocking a pending signal", epoll_pwait(ep, out, 8, 10000, &empty), -1, EINTR);
	check(usr1_seen == 1 && is_blocked(SIGUSR1), "handler ran, mask restored");
	unblock(SIGUSR1);
	set_default(SIGUSR1);
	(void)ep_count;
	close(ep);
}

// ---------------------------------------------------------------------------
// mapshared: MAP_SHARED mappings are the file's pages (read(2) and write(2)
// see them at once) and are shared with forked children; anonymous shared
// memory too; pages past the end of the file raise SIGBUS

static char byte_at(int fd, off_t off)
{
	char c = 0;
	return pread(fd, &c, 1, off) == 1 ? c : 0;
}

static void mapshared_coherence(void)
{
	const long page = 4096;
	int fd = memfd_create("abi-coherent", 0);
	check(fd >= 0 && ftruncate(fd, 4 * page) == 0, "a memfd of 4 pages");
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
	if (m == MAP_FAILED) {
		check(0, "MAP_SHARED at a file offset");
		return;
	}
	m[10] = 'x';
	check(byte_at(fd, page + 10) == 'x', "read(2) sees a write to the mapping at once, without msync");
	check(pwrite(fd, "y", 1, 2 * page + 5) == 1 && m[page + 5] == 'y', "the mapping sees write(2) at once");
	char *grown = mremap(m, 2 * page, 3 * page, MREMAP_MAYMOVE);
	check(grown != MAP_FAILED && grown[10] == 'x' && grown[page + 5] == 'y',
	      "mremap of a shared file mapping keeps its pages");
	if (grown != MAP_FAILED) {
		grown[2 * page] = 'w';
		check(byte_at(fd, 3 * page) == 'w', "its new pages are the file's too");
		munmap(grown, 3 * page);
	}
	close(fd);
}

static void mapshared_fork(void)
{
	const long page = 4096;
	char *anon = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *priv = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = memfd_create("abi-forked", 0);
	char *file = fd >= 0 && ftruncate(fd, page) == 0
			     ? mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	if (anon == MAP_FAILED || priv == MAP_FAILED || file == MAP_FAILED) {
		check(0, "shared and private memory for fork");
		return;
	}
	sem_t *sem = (sem_t *)(anon + 64);
	check(sem_init(sem, 1, 0) == 0, "a process-shared semaphore in shared anonymous memory");
	anon[0] = priv[0] = file[0] = 'p';
	pid_t pid = fork();
	if (pid == 0) {
		anon[0] = priv[0] = file[0] = 'c';
		usleep(20000); /* the parent is most likely asleep on the semaphore by now */
		sem_post(sem);
		_exit(0);
	}
	int waited = sem_wait(sem);
	int status = -1;
	waitpid(pid, &status, 0);
	check(waited == 0, "the child's sem_post wakes the parent's sem_wait");
	check(anon[0] == 'c', "the child's write to MAP_SHARED|MAP_ANONYMOUS memory reaches the parent");
	check(file[0] == 'c' && byte_at(fd, 0) == 'c', "and to a shared file mapping");
	check(priv[0] == 'p', "a private mapping stays the parent's own");
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child exits 0");
	char *grown = mremap(anon, page, 2 * page, MREMAP_MAYMOVE);
	check(grown != MAP_FAILED && grown[0] == 'c', "mremap of shared anonymous memory keeps its contents");
	munmap(grown != MAP_FAILED ? grown : anon, grown != MAP_FAILED ? 2 * page : page);
	munmap(priv, page);
	munmap(file, page);
	close(fd);
}

/* SIGBUS (or no signal: 0) when reading p. */
static int read_signal(const char *p)
{
	memset((void *)&fr, 0, sizeof(fr));
	set_handler(SIGBUS, fault_handler, 0);
	if (sigsetjmp(fault_jb, 1) == 0)
		abi_read_addr(p);
	set_default(SIGBUS);
	return fr.sig;
}

static void mapshared_past_end(void)
{
	const long page = 4096;
	int fd = memfd_create("abi-shrinking", 0);
	check(fd >= 0 && ftruncate(fd, 2 * page) == 0, "a memfd of 2 pages");
	char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		check(0, "MAP_SHARED past the end of a file");
		return;
	}
	m[page] = 'k';
	check(read_signal(m + page) == 0, "a shared mapping reads inside the file");
	check(read_signal(m + 2 * page) == SIGBUS, "and raises SIGBUS past its end");
	check(ftruncate(fd, page) == 0, "the file shrinks to one page");
	check(read_signal(m + page) == SIGBUS, "a page the file no longer has raises SIGBUS");
	/* The monitor's own copies fail as the kernel's do, never crash it. */
	errno = 0;
	check(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, m + page) == -1 && errno == EFAULT,
	      "clock_gettime into such a page: EFAULT");
	errno = 0;
	check(syscall(SYS_openat, AT_FDCWD, m + page, O_RDONLY) == -1 && errno == EFAULT,
	      "a path in such a page: EFAULT");
	errno = 0;
	check(write(fd, m + page, 16) == -1 && errno == EFAULT, "write(2) from such a page: EFAULT");
	munmap(m, 3 * page);
	close(fd);
}

static void sec_mapshared(void)
{
	const long page = 4096;
	int fd = memfd_create("abi-shared", 0);
	check(fd >= 0 && ftruncate(fd, 3 * page + 100) == 0, "a memfd of 3 pages and 100 bytes");
	char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	check(m != MAP_FAILED, "MAP_SHARED, PROT_WRITE of a file open for writing");
	if (m == MAP_FAILED)
		return;
	memset(m, 'a', page);
	m[3 * page + 50] = 'z';
	m[3 * page + 200] = 'q'; /* past the end of the file, inside its last page */
	check(msync(m, 4 * page, MS_SYNC) == 0, "msync MS_SYNC");
	check(byte_at(fd, 0) == 'a' && byte_at(fd, page - 1) == 'a' && byte_at(fd, 3 * page + 50) == 'z',
	      "after msync the file holds what was written to the mapping");
	struct stat st;
	check(fstat(fd, &st) == 0 && st.st_size == 3 * page + 100, "a write past the end does not grow the file");
	m[page] = 'b';
	check(munmap(m + 2 * page, 2 * page) == 0, "munmap of the second half");
	m[page + 1] = 'c';
	check(munmap(m, 2 * page) == 0, "munmap of the rest");
	check(byte_at(fd, page) == 'b' && byte_at(fd, page + 1) == 'c', "after munmap the file holds the writes");

	int ro = open(prog_path, O_RDONLY); /* the probe itself: a file open read-only */
	check(ro >= 0, "the probe opened read-only");
	char *r = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
	check(r != MAP_FAILED && !memcmp(r, "\x7f" "ELF", 4), "MAP_SHARED, PROT_READ of a read-only file shows its contents");
	errno = 0;
	check(r != MAP_FAILED && mprotect(r, page, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
	      "mprotect PROT_WRITE of that mapping: EACCES");
	errno = 0;
	check(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES,
	      "MAP_SHARED, PROT_WRITE of a read-only file: EACCES");
	if (r != MAP_FAILED) {
		errno = 0;
		check(msync(r + 1, page, MS_SYNC) == -1 && errno == EINVAL, "msync of an unaligned address: EINVAL");
		errno = 0;
		check(msync(r, page, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "msync MS_SYNC|MS_ASYNC: EINVAL");
		munmap(r, page);
		errno = 0;
		check(msync(r, page, MS_ASYNC) == -1 && errno == ENOMEM, "msync of unmapped memory: ENOMEM");
	}
	close(ro);
	close(fd);
	mapshared_coherence();
	mapshared_fork();
	mapshared_past_end();
}

// misc: ids, auxv, names, affinity, limits

static void sec_misc(void)
{
	int tidword;
	check(syscall(SYS_set_tid_address, &tidword) == gettid_(), "set_tid_address returns the tid");
	say("AT_PAGESZ=%lu AT_CLKTCK=%lu AT_SECURE=%lu", getauxval(AT_PAGESZ), getauxval(AT_CLKTCK),
	    getauxval(AT_SECURE));
	check(getauxval(AT_RANDOM) != 0 && getauxval(AT_PHDR) != 0 && getauxval(AT_ENTRY) != 0,
	      "AT_RANDOM, AT_PHDR and AT_ENTRY are set");
	check(getauxval(AT_PHENT) == sizeof(Elf64_Phdr), "AT_PHENT is sizeof(Elf64_Phdr)");
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	check(execfn && strcmp(execfn, prog_path) == 0, "AT_EXECFN is the path executed");
	check(getauxval(AT_UID) == getuid() && getauxval(AT_EUID) == geteuid() &&
		      getauxval(AT_GID) == getgid() && getauxval(AT_EGID) == getegid(),
	      "AT_UID/EUID/GID/EGID match the ids");
	check(getauxval(AT_HWCAP) != 0, "AT_HWCAP is set");
	const char *plat = (const char *)getauxval(AT_PLATFORM);
	say("AT_PLATFORM=%s", plat ? plat : "(none)");

	char name[32] = "";
	EXPECT("PR_SET_NAME", prctl(PR_SET_NAME, "abi-probe-name-is-long"), 0, 0);
	EXPECT("PR_GET_NAME", prctl(PR_GET_NAME, name), 0, 0);
	say("name is '%s'", name);
	say("PR_GET_DUMPABLE=%d", prctl(PR_GET_DUMPABLE));
	int pdeath = -1;
	EXPECT("PR_GET_PDEATHSIG", prctl(PR_GET_PDEATHSIG, &pdeath), 0, 0);
	say("pdeathsig=%d", pdeath);
	EXPECT("prctl bad option", prctl(9999, 0, 0, 0, 0), -1, EINVAL);

	cpu_set_t set;
	EXPECT("sched_getaffinity", sched_getaffinity(0, sizeof(set), &set), 0, 0);
	check(CPU_COUNT(&set) >= 1, "at least one CPU in the mask");
	EXPECT("sched_setaffinity to the same mask", sched_setaffinity(0, sizeof(set), &set), 0, 0);
	struct rusage ru;
	EXPECT("getrusage RUSAGE_SELF", getrusage(RUSAGE_SELF, &ru), 0, 0);
	EXPECT("getrusage RUSAGE_THREAD", getrusage(RUSAGE_THREAD, &ru), 0, 0);
	EXPECT("getrusage bad who", getrusage(99, &ru), -1, EINVAL);
	check(ru.ru_maxrss >= 0, "ru_maxrss readable");
	struct rlimit rl;
	EXPECT("getrlimit RLIMIT_STACK", getrlimit(RLIMIT_STACK, &rl), 0, 0);
}

// Scheduling: nice values (raised only: lowering one needs CAP_SYS_NICE),
// policies and their ranges, and the errors, in Linux's order; times().
static void sec_sched(void)
{
	int nice0 = getpriority(PRIO_PROCESS, 0);
	say("getpriority(PRIO_PROCESS, 0) = %d, raw %ld", nice0, syscall(SYS_getpriority, PRIO_PROCESS, 0));
	EXPECT("setpriority(PRIO_PROCESS, 0, nice + 5)", setpriority(PRIO_PROCESS, 0, nice0 + 5), 0, 0);
	say("nice now %d", getpriority(PRIO_PROCESS, 0));
	EXPECT("setpriority of our own pid", setpriority(PRIO_PROCESS, (id_t)getpid(), nice0 + 6), 0, 0);
	say("nice of our pid now %d", getpriority(PRIO_PROCESS, (id_t)getpid()));
	EXPECT("setpriority past 19 is clamped", setpriority(PRIO_PROCESS, 0, 40), 0, 0);
	say("nice now %d", getpriority(PRIO_PROCESS, 0));
	EXPECT("getpriority with a bad which", getpriority(42, 0), -1, EINVAL);
	EXPECT("setpriority with a bad which", setpriority(42, 0, 0), -1, EINVAL);
	EXPECT("getpriority of no such process", getpriority(PRIO_PROCESS, 0x3fffffff), -1, ESRCH);

	struct sched_param sp = {0};
	EXPECT("sched_getscheduler(0)", syscall(SYS_sched_getscheduler, 0), SCHED_OTHER, 0);
	EXPECT("sched_getparam(0)", syscall(SYS_sched_getparam, 0, &sp), 0, 0);
	say("sched_priority %d", sp.sched_priority);
	EXPECT("sched_get_priority_max(SCHED_FIFO)", sched_get_priority_max(SCHED_FIFO), 99, 0);
	EXPECT("sched_get_priority_min(SCHED_RR)", sched_get_priority_min(SCHED_RR), 1, 0);
	EXPECT("sched_get_priority_max(SCHED_OTHER)", sched_get_priority_max(SCHED_OTHER), 0, 0);
	EXPECT("sched_get_priority_min of a bad policy", sched_get_priority_min(42), -1, EINVAL);
	EXPECT("to SCHED_BATCH", syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp), 0, 0);
	EXPECT("now SCHED_BATCH", syscall(SYS_sched_getscheduler, 0), SCHED_BATCH, 0);
	EXPECT("back to SCHED_OTHER", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), 0, 0);
	sp.sched_priority = 5;
	EXPECT("SCHED_OTHER with priority 5", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp), -1, EINVAL);
	EXPECT("sched_setparam with priority 5 under SCHED_OTHER", syscall(SYS_sched_setparam, 0, &sp), -1, EINVAL);
	EXPECT("a bad policy", syscall(SYS_sched_setscheduler, 0, 42, &sp), -1, EINVAL);
	EXPECT("a negative policy", syscall(SYS_sched_setscheduler, 0, -1, &sp), -1, EINVAL);
	EXPECT("sched_getscheduler of a negative pid", syscall(SYS_sched_getscheduler, -1), -1, EINVAL);
	EXPECT("sched_getscheduler of no such pid", syscall(SYS_sched_getscheduler, 0x3fffffff), -1, ESRCH);
	EXPECT("sched_getparam of no such pid", syscall(SYS_sched_getparam, 0x3fffffff, &sp), -1, ESRCH);
	struct timespec slice;
	EXPECT("sched_rr_get_interval(0)", sched_rr_get_interval(0, &slice), 0, 0);

	struct tms t;
	clock_t now = times(&t);
	check(now != (clock_t)-1 && t.tms_utime >= 0 && t.tms_cutime >= 0, "times: ticks since boot and CPU times");
	check(times(NULL) != (clock_t)-1, "times(NULL)");
}

// ---------------------------------------------------------------------------
// Sections that end the process; run alone.

static void *exit_in_thread(void *arg)
{
	(void)arg;
	sleep_ms(20);
	printf("threadexit: thread calls exit(33)\n");
	fflush(stdout);
	exit(33);
}

static void sec_threadexit(void)
{
	pthread_t t;
	spawn(&t, NULL, exit_in_thread, NULL);
	pthread_join(t, NULL);
	say("join returned FAIL");
}

static void *last_thread(void *arg)
{
	(void)arg;
	sleep_ms(50);
	printf("mainexit: last thread returns, the process exits 0\n");
	fflush(stdout);
	return NULL;
}

static void sec_mainexit(void)
{
	pthread_t t;
	say("main thread calls pthread_exit");
	fflush(stdout);
	spawn(&t, NULL, last_thread, NULL);
	pthread_exit(NULL);
}

static void *blocked_forever(void *arg)
{
	int kind = (int)(long)arg;
	int p[2];
	make_pipe(p, 0);
	char c;
	int w = 0;
	switch (kind) {
	case 0: read(p[0], &c, 1); break;
	case 1: futex(&w, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0); break;
	case 2: sleep(1000); break;
	default: pause();
	}
	return NULL;
}

static void sec_exitgroup(void)
{
	pthread_t t;
	for (long k = 0; k < 4; k++)
		spawn(&t, NULL, blocked_forever, (void *)k);
	sleep_ms(20);
	say("threads blocked in read, futex, nanosleep, pause; main calls exit(5)");
	fflush(stdout);
	exit(5);
}

static void *faulting_thread(void *arg)
{
	(void)arg;
	sleep_ms(10);
	abi_null_write();
	return NULL;
}

static void sec_threadfault(void)
{
	pthread_t t;
	say("a thread writes to NULL: the whole process dies of SIGSEGV");
	fflush(stdout);
	spawn(&t, NULL, faulting_thread, NULL);
	pthread_join(t, NULL);
	say("still alive FAIL");
}

static void *aborting_thread(void *arg)
{
	(void)arg;
	sleep_ms(10);
	abort();
}

static void sec_threadabort(void)
{
	pthread_t t;
	say("a thread calls abort()");
	fflush(stdout);
	spawn(&t, NULL, aborting_thread, NULL);
	pthread_join(t, NULL);
	say("still alive FAIL");
}

// Reads of the low pages airlock keeps for itself (GDT, IDT, TSS, trampoline,
// kernel stack, doorbell): on Linux nothing is mapped there.
static void sec_lowmem(void)
{
	uintptr_t addrs[] = {0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x9000, 0xf000};
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		char name[32];
		snprintf(name, sizeof(name), "read %#lx", (unsigned long)addrs[i]);
		char hex[32];
		snprintf(hex, sizeof(hex), "%#lx", (unsigned long)addrs[i]);
		one_fault(name, call_read, (void *)addrs[i], addrs[i], hex, 0);
		snprintf(name, sizeof(name), "write %#lx", (unsigned long)addrs[i]);
		one_fault(name, call_write, (void *)addrs[i], addrs[i], hex, 0);
	}
}

// ---------------------------------------------------------------------------

struct section {
	const char *name;
	void (*fn)(void);
	int in_all;
};

static const struct section sections[] = {
	{"threads", sec_threads, 1},
	{"tls", sec_tls, 1},
	{"futex", sec_futex, 1},
	{"faults", sec_faults, 1},
	{"ucontext", sec_ucontext, 1},
	{"altstack", sec_altstack, 1},
	{"sigmask", sec_sigmask, 1},
	{"restart", sec_restart, 1},
	{"timers", sec_timers, 1},
	{"timerfd", sec_timerfd, 1},
	{"eventfd", sec_eventfd, 1},
	{"vdso", sec_vdso, 1},
	{"mapshared", sec_mapshared, 1},
	{"sleep", sec_sleep, 1},
	{"poll", sec_poll, 1},
	{"select", sec_select, 1},
	{"epoll", sec_epoll, 1},
	{"misc", sec_misc, 1},
	{"sched", sec_sched, 1},
	{"lowmem", sec_lowmem, 0},
	{"threadexit", sec_threadexit, 0},
	{"mainexit", sec_mainexit, 0},
	{"exitgroup", sec_exitgroup, 0},
	{"threadfault", sec_threadfault, 0},
	{"threadabort", sec_threadabort, 0},
};
#define NSECTIONS (sizeof(sections) / sizeof(sections[0]))

static void run(const struct section *s)
{
	sec = s->name;
	s->fn();
	fflush(stdout);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	prog_path = argv[0];
	if (argc < 2) {
		fprintf(stderr, "usage: abi SECTION... (all, list)\n");
		return 2;
	}
	if (strcmp(argv[1], "list") == 0) {
		for (size_t i = 0; i < NSECTIONS; i++)
			printf("%s%s\n", sections[i].name, sections[i].in_all ? "" : " (alone)");
		return 0;
	}
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "all") == 0) {
			for (size_t i = 0; i < NSECTIONS; i++)
				if (sections[i].in_all)
					run(&sections[i]);
			continue;
		}
		size_t i;
		for (i = 0; i < NSECTIONS; i++)
			if (strcmp(argv[a], sections[i].name) == 0)
				break;
		if (i == NSECTIONS) {
			fprintf(stderr, "abi: unknown section '%s'\n", argv[a]);
			return 2;
		}
		run(&sections[i]);
	}
	sec = "abi";
	if (nfail)
		say("%d check(s) failed", nfail);
	else
		say("done");
	return nfail ? 1 : 0;
}
