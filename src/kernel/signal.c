// SPDX-License-Identifier: Apache-2.0
// Guest signals. Dispositions and the shared queue are per process, masks
// and private queues per thread, as in Linux. Delivery happens when a thread
// is about to return to ring 3 (monitor.c calls signal_deliver); a thread
// running guest code is kicked out of KVM_RUN by a host signal first.
//
// Host signals sent to the monitor (kill from outside, host timers, SIGXFSZ)
// are caught by a handler that only records them; the vCPU thread that was
// interrupted moves them into the guest queues (signal_drain_host).
#include "kernel/signal.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/sigframe.h"
#include "kernel/syscall.h"

/* Default action classes. */
static bool default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

static bool default_stops(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static bool is_ignored(const struct guest_sigaction *act, int sig)
{
	if (act->handler == (uint64_t)(uintptr_t)SIG_IGN)
		return sig != SIGKILL && sig != SIGSTOP;
	return act->handler == (uint64_t)(uintptr_t)SIG_DFL && default_ignores(sig);
}

static void queue(struct sigpending *p, const struct guest_siginfo *info)
{
	int sig = info->signo;
	if (sig >= 32) {
		if (p->rtq_len == RTQ_MAX)
			return; /* over the queue limit, as with RLIMIT_SIGPENDING */
		p->rtq[p->rtq_len++] = *info;
	} else if (!(p->set & SIG_BIT(sig))) {
		p->info[sig] = *info; /* standard signals do not queue: a second one merges */
	}
	p->set |= SIG_BIT(sig);
}

/* Removes the oldest instance of sig from p (pending there) into *out. */
static void take(struct sigpending *p, int sig, struct guest_siginfo *out)
{
	if (sig < 32) {
		*out = p->info[sig];
		p->set &= ~SIG_BIT(sig);
		return;
	}
	int i = 0, more = 0;
	while (i < p->rtq_len && p->rtq[i].signo != sig)
		i++;
	*out = p->rtq[i];
	memmove(&p->rtq[i], &p->rtq[i + 1], (size_t)(p->rtq_len - i - 1) * sizeof(p->rtq[0]));
	p->rtq_len--;
	for (int j = 0; j < p->rtq_len; j++)
		more |= p->rtq[j].signo == sig;
	if (!more)
		p->set &= ~SIG_BIT(sig);
}

/* Called with g->lock held, so that t cannot exit and be freed meanwhile. */
void signal_kick(struct thread *t)
{
	if (pthread_equal(t->host, pthread_self()))
		return; /* it delivers on its way back to ring 3 anyway */
	if (t->vcpu.run)
		t->vcpu.run->immediate_exit = 1;
	pthread_kill(t->host, SIGRTMIN + 4);
}

/* Queues for one thread and wakes it. Locked. */
static void send_thread_locked(struct guest *g, struct thread *t, const struct guest_siginfo *info)
{
	int sig = info->signo;
	/* Blocked signals are never ignored: the handler may change before unblocking. */
	if (sig && (!is_ignored(&g->sigactions[sig], sig) || (t->sigmask & SIG_BIT(sig)))) {
		queue(&t->pending, info);
		signal_kick(t);
	}
}

void signal_send_thread(struct thread *t, const struct guest_siginfo *info)
{
	pthread_mutex_lock(&t->g->lock);
	send_thread_locked(t->g, t, info);
	pthread_mutex_unlock(&t->g->lock);
}

void signal_send_process(struct guest *g, const struct guest_siginfo *info)
{
	int sig = info->signo;
	pthread_mutex_lock(&g->lock);
	bool blocked_everywhere = true;
	for (struct thread *t = g->threads; t; t = t->next)
		blocked_everywhere &= (t->sigmask & SIG_BIT(sig)) != 0;
	if (is_ignored(&g->sigactions[sig], sig) && !blocked_everywhere) {
		pthread_mutex_unlock(&g->lock);
		return;
	}
	queue(&g->shared_pending, info);
	/* Wake one thread that can take it: the main thread first, as Linux does. */
	struct thread *taker = NULL;
	for (struct thread *t = g->threads; t; t = t->next) {
		if (t->sigmask & SIG_BIT(sig))
			continue;
		if (!taker || t->tid == getpid())
			taker = t;
	}
	if (taker)
		signal_kick(taker);
	pthread_mutex_unlock(&g->lock);
}

bool signal_send_to(struct guest *g, pid_t tid, const struct guest_siginfo *info)
{
	if (!tid) {
		signal_send_process(g, info);
		return true;
	}
	bool found = false;
	pthread_mutex_lock(&g->lock);
	for (struct thread *t = g->threads; t; t = t->next) {
		if (t->tid == tid) {
			found = true;
			send_thread_locked(g, t, info);
		}
	}
	pthread_mutex_unlock(&g->lock);
	return found;
}

void signal_raise(struct thread *t, int sig)
{
	struct guest_siginfo info = {.signo = sig, .code = GUEST_SI_KERNEL};
	signal_send_thread(t, &info);
}

void signal_force_fault(struct thread *t, const struct guest_siginfo *info)
{
	struct guest *g = t->g;
	int sig = info->signo;
	pthread_mutex_lock(&g->lock);
	struct guest_sigaction *act = &g->sigactions[sig];
	if ((t->sigmask & SIG_BIT(sig)) || act->handler == (uint64_t)(uintptr_t)SIG_IGN) {
		t->sigmask &= ~SIG_BIT(sig);
		act->handler = (uint64_t)(uintptr_t)SIG_DFL;
	}
	/* A fault replaces whatever of the same number was pending. */
	if (sig < 32) {
		t->pending.set |= SIG_BIT(sig);
		t->pending.info[sig] = *info;
	} else {
		queue(&t->pending, info);
	}
	pthread_mutex_unlock(&g->lock);
}

bool signal_pending(struct thread *t)
{
	struct guest *g = t->g;
	pthread_mutex_lock(&g->lock);
	bool any = ((t->pending.set | g->shared_pending.set) & ~t->sigmask) != 0;
	pthread_mutex_unlock(&g->lock);
	return any;
}

enum signal_restart signal_restart_kind(struct thread *t)
{
	struct guest *g = t->g;
	pthread_mutex_lock(&g->lock);
	uint64_t ready = (t->pending.set | g->shared_pending.set) & ~t->sigmask;
	enum signal_restart kind = RESTART_NO_HANDLER;
	for (int sig = 1; sig <= GUEST_NSIG; sig++) {
		if (!(ready & SIG_BIT(sig)))
			continue;
		const struct guest_sigaction *act = &g->sigactions[sig];
		if (act->handler == (uint64_t)(uintptr_t)SIG_DFL || act->handler == (uint64_t)(uintptr_t)SIG_IGN)
			continue;
		kind = (act->flags & SA_RESTART) ? RESTART_AFTER_HANDLER : RESTART_NONE;
		break;
	}
	pthread_mutex_unlock(&g->lock);
	return kind;
}

static const char *signal_name(int sig)
{
	static __thread char buf[16];
	const char *abbrev = sigabbrev_np(sig);
	if (abbrev)
		snprintf(buf, sizeof(buf), "SIG%s", abbrev);
	else
		snprintf(buf, sizeof(buf), "SIGRT_%d", sig - SIGRTMIN);
	return buf;
}

/* Takes the lowest pending unblocked signal, thread queue first. Locked. */
static int dequeue(struct thread *t, struct guest_siginfo *info)
{
	struct guest *g = t->g;
	uint64_t ready = (t->pending.set | g->shared_pending.set) & ~t->sigmask;
	if (!ready)
		return 0; /* the common case, on every return to ring 3 */
	int sig = __builtin_ctzll(ready) + 1;
	take((t->pending.set & SIG_BIT(sig)) ? &t->pending : &g->shared_pending, sig, info);
	return sig;
}

void signal_deliver(struct thread *t, const struct fault_regs *fault)
{
	struct guest *g = t->g;
	for (;;) {
		struct guest_siginfo info;
		pthread_mutex_lock(&g->lock);
		int sig = dequeue(t, &info);
		if (!sig) {
			pthread_mutex_unlock(&g->lock);
			break;
		}
		struct guest_sigaction act = g->sigactions[sig];
		if (act.handler != (uint64_t)(uintptr_t)SIG_DFL && act.handler != (uint64_t)(uintptr_t)SIG_IGN &&
		    (act.flags & SA_RESETHAND))
			g->sigactions[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
		pthread_mutex_unlock(&g->lock);

		if (g->trace)
			fprintf(g->trace, "--- %s {si_signo=%s, si_code=%d, si_addr=%#llx} rip=%#llx ---\n",
				signal_name(sig), signal_name(sig), info.code, (unsigned long long)info.fault.addr,
				(unsigned long long)t->ctx.rip);
		if (act.handler == (uint64_t)(uintptr_t)SIG_IGN)
			continue;
		if (act.handler == (uint64_t)(uintptr_t)SIG_DFL) {
			if (default_ignores(sig))
				continue;
			if (default_stops(sig)) {
				signal_host_stop(sig);
				continue;
			}
			if (g->trace)
				fprintf(g->trace, "+++ killed by %s +++\n", signal_name(sig));
			guest_die(g, sig);
		}
		/* sigsuspend's temporary mask gives way to the one it replaced. */
		uint64_t old_mask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
		t->restore_sigmask = false;
		bool is_fault = fault && fault->signo == sig;
		if (sigframe_push(t, &act, &info, is_fault ? fault : NULL, old_mask) < 0) {
			/* No usable stack for the frame: Linux kills with SIGSEGV. */
			if (g->trace)
				fprintf(g->trace, "+++ killed by SIGSEGV +++\n");
			guest_die(g, SIGSEGV);
		}
		pthread_mutex_lock(&g->lock);
		t->sigmask = (old_mask | act.mask | ((act.flags & SA_NODEFER) ? 0 : SIG_BIT(sig))) & ~UNBLOCKABLE;
		pthread_mutex_unlock(&g->lock);
		fault = NULL;
	}
	if (t->restore_sigmask) {
		t->sigmask = t->saved_sigmask;
		t->restore_sigmask = false;
	}
}

/* --- System calls --- */

/* The kernel's values (glibc's MINSIGSTKSZ is a runtime query). */
#define KERNEL_SS_AUTODISARM (1U << 31)
#define KERNEL_MINSIGSTKSZ 2048

void signal_reset_for_exec(struct guest *g, struct thread *t)
{
	/* Handlers are gone with the old program; ignored signals stay ignored, as on Linux. */
	pthread_mutex_lock(&g->lock);
	for (int sig = 1; sig <= GUEST_NSIG; sig++) {
		struct guest_sigaction *act = &g->sigactions[sig];
		if (act->handler != (uint64_t)(uintptr_t)SIG_IGN)
			*act = (struct guest_sigaction){.handler = (uint64_t)(uintptr_t)SIG_DFL};
		else
			act->flags = act->restorer = act->mask = 0;
	}
	t->altstack = (stack_t){.ss_flags = SS_DISABLE};
	pthread_mutex_unlock(&g->lock);
	signal_host_mirror_sigchld(&g->sigactions[SIGCHLD]);
}

long sys_rt_sigaction(struct guest *g, const uint64_t *a)
{
	int sig = (int)a[0];
	if (a[3] != sizeof(uint64_t) || sig < 1 || sig > GUEST_NSIG)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	struct guest_sigaction act, old;
	if (a[1] && gmem_copy_in(&g->mm, &act, a[1], sizeof(act)))
		return -EFAULT;
	pthread_mutex_lock(&g->lock);
	old = g->sigactions[sig];
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		g->sigactions[sig] = act;
		/* Setting SIG_IGN (or default-ignore) discards what is pending. */
		if (is_ignored(&act, sig)) {
			struct guest_siginfo dropped;
			while (g->shared_pending.set & SIG_BIT(sig))
				take(&g->shared_pending, sig, &dropped);
			for (struct thread *t = g->threads; t; t = t->next)
				while (t->pending.set & SIG_BIT(sig))
					take(&t->pending, sig, &dropped);
		}
	}
	pthread_mutex_unlock(&g->lock);
	if (a[1] && sig == SIGCHLD)
		signal_host_mirror_sigchld(&act);
	if (a[2] && gmem_copy_out(&g->mm, a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(struct guest *g, const uint64_t *a)
{
	int how = (int)a[0];
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	uint64_t set = 0, old = current->sigmask;
	if (a[1] && gmem_copy_in(&g->mm, &set, a[1], sizeof(set)))
		return -EFAULT;
	if (a[1] && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (a[2] && gmem_copy_out(&g->mm, a[2], &old, sizeof(old)))
		return -EFAULT;
	if (!a[1])
		return 0;
	pthread_mutex_lock(&g->lock);
	if (how == SIG_BLOCK)
		current->sigmask |= set;
	else if (how == SIG_UNBLOCK)
		current->sigmask &= ~set;
	else
		current->sigmask = set;
	current->sigmask &= ~UNBLOCKABLE;
	pthread_mutex_unlock(&g->lock);
	return 0;
}

long sys_rt_sigpending(struct guest *g, const uint64_t *a)
{
	if (a[1] > sizeof(uint64_t))
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	uint64_t set = (current->pending.set | g->shared_pending.set) & current->sigmask;
	pthread_mutex_unlock(&g->lock);
	return gmem_copy_out(&g->mm, a[0], &set, a[1]);
}

/*
 * The waits below look at the queues, then sleep until a host signal (a
 * kick, or one from outside: a child's SIGCHLD) interrupts. One arriving
 * between the look and the sleep would be recorded and then slept
 * through: host signals are held off from before the look, and the sleep
 * (ppoll with the thread's usual mask) lets them in atomically.
 */
static void hold_host_signals(sigset_t *usual)
{
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, usual);
	sigdelset(usual, SIGRTMIN + 4);
}

static void wait_for_kick(const struct timespec *timeout, const sigset_t *usual)
{
	ppoll(NULL, 0, timeout, usual);
}

long signal_wait_mask_begin(struct guest *g, uint64_t mask_gva, uint64_t size, bool *active)
{
	*active = false;
	if (!mask_gva)
		return 0;
	if (size != sizeof(uint64_t))
		return -EINVAL;
	uint64_t mask;
	if (gmem_copy_in(&g->mm, &mask, mask_gva, sizeof(mask)))
		return -EFAULT;
	pthread_mutex_lock(&g->lock);
	current->saved_sigmask = current->sigmask;
	current->restore_sigmask = true;
	current->sigmask = mask & ~UNBLOCKABLE;
	pthread_mutex_unlock(&g->lock);
	*active = true;
	return signal_pending(current) ? -EINTR : 0;
}

void signal_wait_mask_end(bool active, long ret)
{
	/* Interrupted: the old mask comes back after the handler (signal_deliver). */
	if (!active || ret == -EINTR)
		return;
	pthread_mutex_lock(&current->g->lock);
	current->sigmask = current->saved_sigmask;
	current->restore_sigmask = false;
	pthread_mutex_unlock(&current->g->lock);
}

/* pause and sigsuspend: sleep until a signal the thread takes is pending. */
static long wait_for_signal(struct guest *g)
{
	sigset_t usual;
	hold_host_signals(&usual);
	for (;;) {
		signal_drain_host(g);
		if (signal_pending(current))
			break;
		wait_for_kick(NULL, &usual);
	}
	pthread_sigmask(SIG_SETMASK, &usual, NULL);
	return -EINTR; /* never restarted: see monitor.c */
}

long sys_rt_sigsuspend(struct guest *g, const uint64_t *a)
{
	uint64_t mask;
	if (a[1] != sizeof(uint64_t))
		return -EINVAL;
	if (gmem_copy_in(&g->mm, &mask, a[0], sizeof(mask)))
		return -EFAULT;
	pthread_mutex_lock(&g->lock);
	current->saved_sigmask = current->sigmask;
	current->restore_sigmask = true;
	current->sigmask = mask & ~UNBLOCKABLE;
	pthread_mutex_unlock(&g->lock);
	return wait_for_signal(g);
}

long sys_pause(struct guest *g, const uint64_t *a)
{
	(void)a;
	return wait_for_signal(g);
}

long sys_rt_sigtimedwait(struct guest *g, const uint64_t *a)
{
	uint64_t wanted;
	struct timespec timeout, *limit = NULL;
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	if (gmem_copy_in(&g->mm, &wanted, a[0], sizeof(wanted)))
		return -EFAULT;
	if (a[2]) {
		if (gmem_copy_in(&g->mm, &timeout, a[2], sizeof(timeout)))
			return -EFAULT;
		if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= 1000000000)
			return -EINVAL;
		limit = &timeout;
	}
	wanted &= ~UNBLOCKABLE;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (limit) {
		deadline.tv_sec += limit->tv_sec;
		deadline.tv_nsec += limit->tv_nsec;
		if (deadline.tv_nsec >= 1000000000) {
			deadline.tv_sec++;
			deadline.tv_nsec -= 1000000000;
		}
	}
	sigset_t usual;
	long ret;
	hold_host_signals(&usual);
	for (;;) {
		signal_drain_host(g);
		pthread_mutex_lock(&g->lock);
		uint64_t ready = (current->pending.set | g->shared_pending.set) & wanted;
		int sig = ready ? __builtin_ctzll(ready) + 1 : 0;
		struct guest_siginfo info;
		if (sig) {
			struct sigpending *from = (current->pending.set & SIG_BIT(sig)) ? &current->pending
										     : &g->shared_pending;
			take(from, sig, &info);
		}
		bool other = ((current->pending.set | g->shared_pending.set) & ~current->sigmask) != 0;
		pthread_mutex_unlock(&g->lock);
		if (sig) {
			ret = a[1] && gmem_copy_out(&g->mm, a[1], &info, sizeof(info)) ? -EFAULT : sig;
			break;
		}
		if (other) {
			ret = -EINTR; /* an unblocked signal arrived: its handler runs */
			break;
		}
		struct timespec now, left;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline.tv_sec - now.tv_sec;
		left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (limit && left.tv_sec < 0) {
			ret = -EAGAIN;
			break;
		}
		wait_for_kick(limit ? &left : NULL, &usual);
	}
	pthread_sigmask(SIG_SETMASK, &usual, NULL);
	return ret;
}

long sys_sigaltstack(struct guest *g, const uint64_t *a)
{
	stack_t want, old = current->altstack;
	uint64_t sp = current->ctx.rsp;
	bool on = !(old.ss_flags & SS_DISABLE) && sp - (uint64_t)old.ss_sp <= old.ss_size;
	if (on)
		old.ss_flags |= SS_ONSTACK;
	if (a[0] && gmem_copy_in(&g->mm, &want, a[0], sizeof(want)))
		return -EFAULT;
	if (a[1] && gmem_copy_out(&g->mm, a[1], &old, sizeof(old)))
		return -EFAULT;
	if (!a[0])
		return 0;
	if (on)
		return -EPERM;
	int mode = want.ss_flags & ~(int)KERNEL_SS_AUTODISARM;
	if (mode != 0 && mode != SS_DISABLE && mode != SS_ONSTACK)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		current->altstack = (stack_t){.ss_flags = SS_DISABLE};
		return 0;
	}
	if (want.ss_size < KERNEL_MINSIGSTKSZ)
		return -ENOMEM;
	want.ss_flags &= (int)KERNEL_SS_AUTODISARM;
	current->altstack = want;
	return 0;
}

/* kill(2) semantics inside one process: pid, 0, -1 and our own group reach us. */
long sys_kill(struct guest *g, const uint64_t *a)
{
	long pid = (int)a[0];
	int sig = (int)a[1];
	if (sig < 0 || sig > GUEST_NSIG)
		return -EINVAL;
	/*
	 * Other guest processes are monitor processes in the container's pid
	 * namespace: the host delivers. Without one, the host's pids would be
	 * the host's processes: nothing outside the container may be named.
	 */
	if (pid != getpid())
		return g->own_pid_namespace ? host_result(kill((pid_t)pid, sig)) : -ESRCH;
	if (sig) {
		struct guest_siginfo info = {.signo = sig, .code = GUEST_SI_USER, .kill = {getpid(), getuid()}};
		signal_send_process(g, &info);
	}
	return 0;
}

static long thread_kill(struct guest *g, long tgid, long tid, int sig)
{
	if (sig < 0 || sig > GUEST_NSIG || tid <= 0 || tgid <= 0)
		return -EINVAL;
	if (tgid != getpid())
		return g->own_pid_namespace ? host_result(syscall(SYS_tgkill, (pid_t)tgid, (pid_t)tid, sig)) : -ESRCH;
	struct guest_siginfo info = {.signo = sig, .code = GUEST_SI_TKILL, .kill = {getpid(), getuid()}};
	return signal_send_to(g, (pid_t)tid, &info) ? 0 : -ESRCH;
}

long sys_tkill(struct guest *g, const uint64_t *a)
{
	return thread_kill(g, getpid(), (int)a[0], (int)a[1]); /* any thread of ours */
}

long sys_tgkill(struct guest *g, const uint64_t *a)
{
	return thread_kill(g, (int)a[0], (int)a[1], (int)a[2]);
}

/* rt_sigqueueinfo / rt_tgsigqueueinfo: the caller's own siginfo, to itself. */
static long queue_info(struct guest *g, long tgid, long tid, int sig, uint64_t info_gva)
{
	struct guest_siginfo info;
	if (gmem_copy_in(&g->mm, &info, info_gva, sizeof(info)))
		return -EFAULT;
	if (sig < 1 || sig > GUEST_NSIG)
		return -EINVAL;
	if (tgid != getpid())
		return -ESRCH;
	info.signo = sig;
	return signal_send_to(g, tid < 0 ? 0 : (pid_t)tid, &info) ? 0 : -ESRCH;
}

long sys_rt_sigqueueinfo(struct guest *g, const uint64_t *a)
{
	return queue_info(g, (int)a[0], -1, (int)a[1], a[2]);
}

long sys_rt_tgsigqueueinfo(struct guest *g, const uint64_t *a)
{
	if ((int)a[0] <= 0 || (int)a[1] <= 0)
		return -EINVAL;
	return queue_info(g, (int)a[0], (int)a[1], (int)a[2], a[3]);
}

long sys_rt_sigreturn(struct guest *g, const uint64_t *a)
{
	(void)a;
	if (sigframe_pop(current) < 0) {
		if (g->trace)
			fprintf(g->trace, "+++ killed by SIGSEGV +++\n");
		guest_die(g, SIGSEGV);
	}
	return (long)current->ctx.rax; /* the interrupted context's RAX, unchanged */
}
