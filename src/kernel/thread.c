// SPDX-License-Identifier: Apache-2.0
// Threads: clone with CLONE_VM|CLONE_THREAD gives the guest a new vCPU and
// a monitor thread to serve it; exit releases them. Process creation
// (clone without CLONE_VM, fork) is a later stage and returns ENOSYS.
#include "kernel/thread.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/proctab.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "monitor/fastcall.h"
#include "monitor/monitor.h"
#include "util/log.h"
#include "vm/cpu.h"
#include "vm/layout.h"

__thread struct thread *current;
__thread jmp_buf *thread_exit_point;

/* The flags glibc's pthread_create passes, which airlock serves. */
#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define SERVED_FLAGS (THREAD_FLAGS | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
		      CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_DETACHED)
#define MONITOR_STACK (256 * 1024)
/* clone3-only flags (linux/sched.h), absent from glibc's headers. */
#define KERNEL_CLONE_CLEAR_SIGHAND 0x100000000ULL
#define KERNEL_CLONE_INTO_CGROUP 0x200000000ULL

void thread_adopt(struct thread *t)
{
	current = t;
	t->tid = (pid_t)syscall(SYS_gettid);
	t->host = pthread_self();
}

void thread_register(struct guest *g, struct thread *t)
{
	pthread_mutex_lock(&g->lock);
	t->next = g->threads;
	g->threads = t;
	g->nthreads++;
	proctab_publish_threads_locked(g);
	pthread_mutex_unlock(&g->lock);
}

static void unlink_locked(struct guest *g, struct thread *t)
{
	for (struct thread **p = &g->threads; *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			g->nthreads--;
			proctab_publish_threads_locked(g);
			return;
		}
	}
}

static void thread_unregister(struct guest *g, struct thread *t)
{
	pthread_mutex_lock(&g->lock);
	unlink_locked(g, t);
	pthread_mutex_unlock(&g->lock);
}

static struct guest *guest_of(struct mm *mm)
{
	return (struct guest *)((char *)mm - offsetof(struct guest, mm));
}

void thread_enter_guest(struct thread *t)
{
	struct guest *g = t->g;
	pthread_mutex_lock(&g->world_lock);
	while (g->world_stopped)
		pthread_cond_wait(&g->world_cond, &g->world_lock);
	g->in_guest++;
	t->in_guest = true;
	pthread_mutex_unlock(&g->world_lock);
}

void thread_leave_guest(struct thread *t)
{
	struct guest *g = t->g;
	pthread_mutex_lock(&g->world_lock);
	t->in_guest = false;
	if (--g->in_guest == 0 && g->world_stopped)
		pthread_cond_broadcast(&g->world_cond);
	pthread_mutex_unlock(&g->world_lock);
}

void thread_stop_world(struct mm *mm)
{
	struct guest *g = guest_of(mm);
	pthread_mutex_lock(&g->lock);
	pthread_mutex_lock(&g->world_lock);
	g->world_stopped = true;
	/*
	 * Only vCPUs in KVM_RUN need to come out. A thread blocked in a host
	 * call is left alone: a kick would cut its sleep short for nothing.
	 */
	for (struct thread *t = g->threads; t; t = t->next)
		if (t->in_guest)
			signal_kick(t);
	pthread_mutex_unlock(&g->world_lock);
	pthread_mutex_unlock(&g->lock);
	pthread_mutex_lock(&g->world_lock);
	while (g->in_guest > 0)
		pthread_cond_wait(&g->world_cond, &g->world_lock);
	pthread_mutex_unlock(&g->world_lock);
}

void thread_start_world(struct mm *mm)
{
	struct guest *g = guest_of(mm);
	pthread_mutex_lock(&g->world_lock);
	g->world_stopped = false;
	pthread_cond_broadcast(&g->world_cond);
	pthread_mutex_unlock(&g->world_lock);
}

uint64_t thread_quiescent_epoch(struct mm *mm)
{
	struct guest *g = guest_of(mm);
	uint64_t safe = atomic_load(&mm->epoch);
	pthread_mutex_lock(&g->lock);
	for (struct thread *t = g->threads; t; t = t->next) {
		uint64_t entered = atomic_load(&t->kernel_epoch);
		if (t != current && entered && entered - 1 < safe)
			safe = entered - 1;
	}
	pthread_mutex_unlock(&g->lock);
	return safe;
}

/* vCPUs of exited threads, kept for reuse: KVM cannot destroy one alone. */
static struct vcpu idle_vcpus[MAX_VCPUS];
static int nidle;
static unsigned next_vcpu_id = 1;

static int vcpu_get(struct guest *g, struct vcpu *out)
{
	pthread_mutex_lock(&g->lock);
	if (nidle > 0) {
		*out = idle_vcpus[--nidle];
		pthread_mutex_unlock(&g->lock);
		return 0;
	}
	unsigned id = next_vcpu_id < MAX_VCPUS ? next_vcpu_id++ : MAX_VCPUS;
	pthread_mutex_unlock(&g->lock);
	if (id == MAX_VCPUS)
		return -EAGAIN;
	int err = kvm_vcpu_create(&g->vm, id, out);
	if (err)
		return err;
	err = cpu_setup(&g->vm, &g->mm.pm, out, &g->platform, g->mm.pg.pml4);
	if (err)
		kvm_vcpu_destroy(&g->vm, out);
	return err;
}

void thread_vcpus_after_fork(struct vm *vm)
{
	while (nidle > 0)
		kvm_vcpu_destroy(vm, &idle_vcpus[--nidle]);
}

static void vcpu_put(struct guest *g, struct vcpu *vcpu)
{
	pthread_mutex_lock(&g->lock);
	idle_vcpus[nidle++] = *vcpu;
	pthread_mutex_unlock(&g->lock);
}

struct start {
	struct thread *t;
	uint64_t child_tid;  /* CLONE_CHILD_SETTID */
	uint64_t parent_tid; /* CLONE_PARENT_SETTID */
	pid_t tid;           /* the child's, reported back */
	sem_t started;
};

static void *thread_main(void *arg)
{
	struct start *start = arg;
	struct thread *t = start->t;
	thread_adopt(t);
	/* Registered before it had a tid: the other processes' task/ lists it now. */
	pthread_mutex_lock(&t->g->lock);
	proctab_publish_threads_locked(t->g);
	pthread_mutex_unlock(&t->g->lock);
	/*
	 * Both tid stores happen before the guest thread runs: were the parent
	 * to store its copy after the child had exited and cleared it, a join
	 * would wait forever.
	 */
	if (start->parent_tid)
		gmem_copy_out(&t->g->mm, start->parent_tid, &t->tid, sizeof(t->tid));
	if (start->child_tid)
		gmem_copy_out(&t->g->mm, start->child_tid, &t->tid, sizeof(t->tid));
	start->tid = t->tid;
	sem_post(&start->started);
	jmp_buf exit_point;
	if (setjmp(exit_point)) {
		signal_host_thread_end();
		return NULL; /* the guest thread exited */
	}
	thread_exit_point = &exit_point;
	const char *why = "";
	int err = monitor_run_thread(t, &why);
	log_error("monitor: %s: %s", why, strerror(-err));
	guest_exit(t->g, 125);
}

/* The flag combinations Linux refuses before creating anything. */
static long clone_flags_invalid(uint64_t flags, uint64_t tls)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= (1ULL << 47) - PAGE_SIZE)
		return -EPERM;
	return 0;
}

long sys_clone(struct guest *g, const uint64_t *a)
{
	uint64_t flags = a[0], stack = a[1], parent_tid = a[2], child_tid = a[3], tls = a[4];
	long invalid = clone_flags_invalid(flags, tls);
	if (invalid)
		return invalid;
	if (!(flags & CLONE_THREAD))
		return clone_process(g, flags, stack, parent_tid, child_tid, tls);
	if ((flags & THREAD_FLAGS) != THREAD_FLAGS || (flags & ~(SERVED_FLAGS | CSIGNAL)))
		return -ENOSYS; /* threads that share less than glibc's do */
	if (!proctab_room_for_task(g))
		return -EAGAIN;
	struct thread *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	struct thread *parent = current;
	int err = vcpu_get(g, &t->vcpu);
	if (err) {
		free(t);
		return err;
	}
	t->g = g;
	t->sigmask = parent->sigmask;
	t->altstack = (stack_t){.ss_flags = SS_DISABLE};
	memcpy(t->comm, parent->comm, sizeof(t->comm));
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tid;
	/* The child resumes after the syscall with RAX 0 on its own stack. */
	t->ctx = parent->ctx;
	t->ctx.rax = 0;
	if (stack)
		t->ctx.rsp = stack;
	struct kvm_xsave *fpu = malloc(sizeof(*fpu));
	err = fpu ? cpu_get_fpu(&parent->vcpu, fpu) : -ENOMEM;
	if (!err)
		err = cpu_set_fpu(&t->vcpu, fpu);
	free(fpu);
	uint64_t fs_base = tls;
	if (!err && !(flags & CLONE_SETTLS))
		err = cpu_get_fs_base(&parent->vcpu, &fs_base);
	if (!err)
		err = cpu_set_fs_base(&t->vcpu, fs_base);

	struct start start = {
		.t = t,
		.child_tid = (flags & CLONE_CHILD_SETTID) ? child_tid : 0,
		.parent_tid = (flags & CLONE_PARENT_SETTID) ? parent_tid : 0,
	};
	sem_init(&start.started, 0, 0);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, MONITOR_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (!err) {
		/* Listed before it runs, so signals and epochs see it at once. */
		thread_register(g, t);
		pthread_t host;
		err = -pthread_create(&host, &attr, thread_main, &start);
		if (err)
			thread_unregister(g, t);
	}
	pthread_attr_destroy(&attr);
	if (err) {
		vcpu_put(g, &t->vcpu);
		free(t);
		return err == -ENOMEM ? -ENOMEM : -EAGAIN;
	}
	/* t may already have run, exited and been freed: its tid comes back in start. */
	sem_wait(&start.started);
	pid_t tid = start.tid;
	sem_destroy(&start.started);
	/* Linux stores through a bad parent_tid silently; the thread exists. */
	return tid;
}

struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

/*
 * clone3 checks its arguments as Linux does; a valid request then gets
 * ENOSYS, and glibc retries it through clone, which serves threads.
 */
long sys_clone3(struct guest *g, const uint64_t *a)
{
	struct clone_args_v2 args = {0};
	size_t size = a[1];
	if (size < 64)
		return -EINVAL;
	if (size > PAGE_SIZE)
		return -E2BIG;
	if (gmem_copy_in(&g->mm, &args, a[0], size < sizeof(args) ? size : sizeof(args)))
		return -EFAULT;
	for (size_t at = sizeof(args); at < size; at++) {
		unsigned char byte;
		if (gmem_copy_in(&g->mm, &byte, a[0] + at, 1))
			return -EFAULT;
		if (byte)
			return -E2BIG;
	}
	if (args.flags & ~(SERVED_FLAGS | CLONE_NEWNS | CLONE_PIDFD | CLONE_PARENT | CLONE_VFORK |
			   CLONE_UNTRACED | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
			   CLONE_NEWPID | CLONE_NEWNET | CLONE_IO | CLONE_PTRACE | KERNEL_CLONE_CLEAR_SIGHAND |
			   KERNEL_CLONE_INTO_CGROUP | CLONE_NEWTIME))
		return -EINVAL;
	if ((args.flags & (CLONE_THREAD | CLONE_PARENT)) && args.exit_signal)
		return -EINVAL;
	if (args.exit_signal > GUEST_NSIG || (!args.stack) != (!args.stack_size))
		return -EINVAL;
	long invalid = clone_flags_invalid(args.flags, args.tls);
	return invalid ? invalid : -ENOSYS;
}

/* Ends the calling thread; the last one ends the process with its code. */
long sys_exit(struct guest *g, const uint64_t *a)
{
	struct thread *t = current;
	futex_exit_robust_list(g, t);
	if (t->clear_child_tid) {
		uint32_t zero = 0;
		struct iovec word;
		if (gmem_copy_out(&g->mm, t->clear_child_tid, &zero, sizeof(zero)) == 0 &&
		    gmem_iov(&g->mm, t->clear_child_tid, sizeof(zero), GMEM_WRITE, &word, 1) == 1)
			syscall(SYS_futex, word.iov_base, FUTEX_WAKE, 1, NULL, NULL, 0); /* shared, as Linux wakes joiners */
	}
	pthread_mutex_lock(&g->lock);
	if (g->nthreads == 1) {
		pthread_mutex_unlock(&g->lock);
		guest_exit(g, (int)(a[0] & 0xff));
	}
	/* Unlinked under the lock: nobody can kick it or wait for its epoch now. */
	unlink_locked(g, t);
	fastcall_detach(t);
	idle_vcpus[nidle++] = t->vcpu;
	pthread_mutex_unlock(&g->lock);
	current = NULL;
	free(t);
	/*
	 * Unwind to the thread's start by longjmp, not pthread_exit: after the
	 * chroot the monitor could not load the unwinder pthread_exit needs.
	 */
	longjmp(*thread_exit_point, 1);
}

bool thread_end_others(struct guest *g, struct thread *self)
{
	struct thread *none = NULL;
	if (!atomic_compare_exchange_strong(&g->sole_survivor, &none, self))
		return false;
	/* Each one sees sole_survivor when it next leaves the guest or a blocking call; kicks make that soon. */
	for (;;) {
		pthread_mutex_lock(&g->lock);
		int others = g->nthreads - 1;
		for (struct thread *t = g->threads; t; t = t->next)
			if (t != self)
				signal_kick(t);
		pthread_mutex_unlock(&g->lock);
		if (others == 0)
			break;
		usleep(1000);
	}
	atomic_store(&g->sole_survivor, NULL);
	return true;
}

void thread_end_if_replaced(struct thread *t)
{
	struct thread *survivor = atomic_load(&t->g->sole_survivor);
	if (survivor && survivor != t)
		sys_exit(t->g, (const uint64_t[6]){0});
}

long sys_set_tid_address(struct guest *g, const uint64_t *a)
{
	(void)g;
	current->clear_child_tid = a[0];
	return current->tid;
}

long sys_gettid(struct guest *g, const uint64_t *a)
{
	(void)g;
	(void)a;
	return current->tid;
}

_Noreturn void guest_die(struct guest *g, int sig)
{
	if (g->first_process)
		guest_exit(g, 128 + sig); /* the CLI's status, as docker reports it */
	/* A child's parent waits on the host: the monitor dies of the signal itself. */
	fork_release_vfork_parent();
	if (g->trace)
		fflush(g->trace);
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0}); /* no core of the monitor */
	signal(sig, SIG_DFL);
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, sig);
	pthread_sigmask(SIG_UNBLOCK, &only, NULL);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	_exit(128 + sig);
}

struct guest *guest_new(void)
{
	struct guest *g = calloc(1, sizeof(*g));
	struct thread *t = calloc(1, sizeof(*t));
	if (!g || !t) {
		free(g);
		free(t);
		return NULL;
	}
	g->vm = (struct vm){.kvm_fd = -1, .vm_fd = -1};
	pthread_mutex_init(&g->lock, NULL);
	pthread_mutex_init(&g->world_lock, NULL);
	pthread_cond_init(&g->world_cond, NULL);
	for (int sig = 1; sig <= GUEST_NSIG; sig++)
		g->sigactions[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
	*t = (struct thread){.g = g, .vcpu = {.fd = -1}, .altstack = {.ss_flags = SS_DISABLE}};
	thread_adopt(t);
	thread_register(g, t);
	return g;
}

_Noreturn void guest_exit(struct guest *g, int status)
{
	fork_release_vfork_parent();
	if (g->trace)
		fflush(g->trace);
	if (getenv("AIRLOCK_STATS"))
		fastcall_report(stderr);
	_exit(status);
}
