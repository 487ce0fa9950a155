// SPDX-License-Identifier: Apache-2.0
// Host signals to the monitor become guest signals. The handler only records
// the siginfo in a small lock-free table and makes the interrupted vCPU
// leave KVM_RUN (immediate_exit); the vCPU thread then moves the records
// into the guest's queues. The kick signal reuses the same handler.
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "kernel/signal.h"
#include "kernel/timers.h"

enum { SLOT_FREE, SLOT_FILLING, SLOT_READY, HOST_SLOTS = 64 };

static struct {
	_Atomic int state;
	siginfo_t info;
} slots[HOST_SLOTS];
static _Atomic bool host_pending;

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
		return sig < 32 || (sig >= SIGRTMIN && sig != SIGRTMIN + 4);
	}
}

static void on_host_signal(int sig, siginfo_t *info, void *uc)
{
	(void)uc;
	if (sig != SIGRTMIN + 4) {
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
		if ((forwarded(sig) || sig == SIGRTMIN + 4) && sigaction(sig, &sa, NULL) < 0)
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
	sigaction(SIGCHLD, &sa, NULL);
}

void signal_host_after_fork(void)
{
	/* Host signals the parent received are the parent's to deliver. */
	for (int i = 0; i < HOST_SLOTS; i++)
		atomic_store(&slots[i].state, SLOT_FREE);
	atomic_store(&host_pending, false);
}

void signal_drain_host(struct guest *g)
{
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
