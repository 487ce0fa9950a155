// SPDX-License-Identifier: Apache-2.0
// Host signals to the monitor become guest signals. The handler only records
// the siginfo in a small lock-free table and makes the interrupted vCPU
// leave KVM_RUN (immediate_exit); the vCPU thread then moves the records
// into the guest's queues. The kick signal reuses the same handler.
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel/signal.h"
#include "kernel/timers.h"

enum { SLOT_FREE, SLOT_FILLING, SLOT_READY, HOST_SLOTS = 64 };

static struct {
	_Atomic int state;
	siginfo_t info;
} slots[HOST_SLOTS];
static _Atomic bool host_pending;

#define KICK (SIGRTMIN + 4)

/*
 * A signal that lands on a vCPU thread outside KVM_RUN interrupts a
 * blocking host call it is in, but not one it is about to make: between
 * leaving KVM_RUN and entering read() (or a futex wait, or wait4) the
 * handler records the signal and returns, and the call then sleeps through
 * it (a Ctrl-C right after the guest's previous write). So the handler
 * also arms a per-thread timer that kicks the thread again every
 * REKICK_NS until the thread itself has looked at the records
 * (signal_drain_host): a call that began after the signal is interrupted
 * too, and restarted or answered EINTR as if the signal had come during it.
 * The kernel's timer id, -1 on threads that serve no vCPU.
 */
#define REKICK_NS 1000000L
static __thread int rekick_timer = -1;
static __thread _Atomic bool rekick_due;

static void rekick_set(long ns)
{
	struct itimerspec its = {.it_value = {0, ns}, .it_interval = {0, ns}};
	syscall(SYS_timer_settime, rekick_timer, 0, &its, NULL);
}

/* Signals the monitor itself must keep: its own faults, and glibc's. */
static bool forwarded(int sig)
{
	switch (sig) {
	case SIGKILL: case SIGSTOP:                                   /* cannot be caught */
	case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: /* the monitor's own faults */
	case SIGSYS:                                                 /* seccomp */
	case SIGPIPE:                                                /* ignored: EPIPE is raised per write */
		return false;
	default:
		/* glibc's internal real-time signals, and the kick */
		return sig < 32 || (sig >= SIGRTMIN && sig != KICK);
	}
}

static void on_host_signal(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	if (sig != KICK) {
		for (int i = 0; i < HOST_SLOTS; i++) {
			int expect = SLOT_FREE;
			if (atomic_compare_exchange_strong(&slots[i].state, &expect, SLOT_FILLING)) {
				slots[i].info = *info;
				atomic_store(&slots[i].state, SLOT_READY);
				break;
			}
		}
		atomic_store(&host_pending, true);
	}
	struct kvm_run *run = current ? current->vcpu.run : NULL;
	if (run)
		run->immediate_exit = 1;
	if (rekick_timer < 0)
		return;
	if (sig == KICK && info->si_code == SI_TIMER && info->si_timerid == rekick_timer) {
		if (!atomic_load(&rekick_due))
			rekick_set(0); /* looked at since: no more */
	} else if (!atomic_exchange(&rekick_due, true)) {
		rekick_set(REKICK_NS);
	}
}

void signal_host_thread_start(void)
{
	/* Fork does not copy timers: a forked child makes its own. */
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID, .sigev_signo = KICK};
	ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	int id = -1;
	atomic_store(&rekick_due, false);
	rekick_timer = syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &id) == 0 ? id : -1;
}

void signal_host_thread_end(void)
{
	if (rekick_timer < 0)
		return;
	int id = rekick_timer;
	rekick_timer = -1;
	syscall(SYS_timer_delete, id);
}

/* The monitor's handler, with every forwarded signal blocked while it runs. */
static struct sigaction recording_action(void)
{
	/* No SA_RESTART: a blocked host call returns EINTR so the guest sees the signal. */
	struct sigaction sa = {.sa_sigaction = on_host_signal, .sa_flags = SA_SIGINFO};
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (forwarded(sig))
			sigaddset(&sa.sa_mask, sig);
	return sa;
}

int signal_host_init(struct guest *g)
{
	(void)g;
	struct sigaction sa = recording_action();
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if ((forwarded(sig) || sig == KICK) && sigaction(sig, &sa, NULL) < 0)
			return -errno;
	}
	signal(SIGPIPE, SIG_IGN);
	sigset_t none;
	sigemptyset(&none);
	return -pthread_sigmask(SIG_SETMASK, &none, NULL);
}

void signal_host_mirror_sigchld(const struct guest_sigaction *act)
{
	/*
	 * Children are monitor processes, reaped by the host kernel: it must
	 * know when the guest asked for them to be reaped automatically.
	 */
	struct sigaction sa = recording_action();
	if (act->handler == (uint64_t)(uintptr_t)SIG_IGN)
		sa = (struct sigaction){.sa_handler = SIG_IGN};
	else if (act->flags & SA_NOCLDWAIT)
		sa.sa_flags |= SA_NOCLDWAIT;
	/* Nor should a child that stops or continues send one the guest did not ask for. */
	if (act->handler != (uint64_t)(uintptr_t)SIG_IGN && (act->flags & SA_NOCLDSTOP))
		sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
}

void signal_host_stop(int sig)
{
	/*
	 * The monitor process stops as a whole, and by the guest's own signal:
	 * a parent's waitpid(WUNTRACED) reports it (a shell's $? is 128 + it),
	 * and the host applies Linux's rule that SIGTSTP, SIGTTIN and SIGTTOU do
	 * not stop a process group that is orphaned (guest process groups are
	 * the host's). The signal goes to this thread alone, with the host's
	 * default action for the moment: the stop happens as tgkill returns,
	 * and SIGCONT (caught, and passed on to the guest) ends it.
	 */
	struct sigaction dfl = {.sa_handler = SIG_DFL}, old;
	sigemptyset(&dfl.sa_mask);
	sigset_t only, old_mask;
	sigemptyset(&only);
	sigaddset(&only, sig);
	if (sig != SIGSTOP)
		sigaction(sig, &dfl, &old);
	pthread_sigmask(SIG_UNBLOCK, &only, &old_mask);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (sig != SIGSTOP)
		sigaction(sig, &old, NULL);
}

void signal_host_after_fork(void)
{
	/* Host signals the parent received are the parent's to deliver. */
	for (int i = 0; i < HOST_SLOTS; i++)
		atomic_store(&slots[i].state, SLOT_FREE);
	atomic_store(&host_pending, false);
	signal_host_thread_start();
}

void signal_drain_host(struct guest *g)
{
	/*
	 * This thread looks at the records now: its re-kicks can stop. Stopped
	 * first, then marked, so that a signal in between is either drained
	 * below or arms the timer again.
	 */
	if (rekick_timer >= 0 && atomic_load(&rekick_due)) {
		rekick_set(0);
		atomic_store(&rekick_due, false);
	}
	if (!atomic_exchange(&host_pending, false))
		return;
	for (int i = 0; i < HOST_SLOTS; i++) {
		if (atomic_load(&slots[i].state) != SLOT_READY)
			continue;
		siginfo_t host = slots[i].info;
		atomic_store(&slots[i].state, SLOT_FREE);
		if (host.si_signo == timers_host_signal()) {
			struct guest_siginfo info;
			pid_t tid;
			if (timers_expiry(host.si_value.sival_int, host.si_overrun, &info, &tid))
				signal_send_to(g, tid, &info);
			continue;
		}
		struct guest_siginfo info = {.signo = host.si_signo, .code = host.si_code};
		if (host.si_code == SI_TIMER) {
			info.timer.tid = host.si_timerid;
			info.timer.overrun = host.si_overrun;
			info.timer.value = (uint64_t)(uintptr_t)host.si_value.sival_ptr;
		} else if (host.si_code <= 0) {
			/* Another guest process's pid; 0 from outside the container's pid namespace. */
			info.kill.pid = host.si_pid;
			info.kill.uid = host.si_uid;
		} else if (host.si_signo == SIGCHLD) {
			/* The child's pid, status and times, in the kernel's own layout. */
			memcpy(info.bytes, (const char *)&host + offsetof(siginfo_t, si_pid), sizeof(info.bytes));
		}
		if (host.si_code == SI_TKILL && current)
			signal_send_thread(current, &info);
		else
			signal_send_process(g, &info);
	}
}
