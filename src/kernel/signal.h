// SPDX-License-Identifier: Apache-2.0
// Guest signals: sending, choosing what to deliver, default actions, and the
// host signals the monitor turns into guest signals.
#ifndef AIRLOCK_KERNEL_SIGNAL_H
#define AIRLOCK_KERNEL_SIGNAL_H

#include "kernel/guest.h"

#define SIG_BIT(sig) (1ULL << ((sig) - 1))
#define UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))

/* si_code values of the kernel ABI. */
#define GUEST_SI_USER 0
#define GUEST_SI_KERNEL 0x80
#define GUEST_SI_TKILL (-6)

/* Queues sig for the whole process (any thread not blocking it takes it). */
void signal_send_process(struct guest *g, const struct guest_siginfo *info);
/* Queues sig for one thread (tgkill, faults, SIGPIPE). */
void signal_send_thread(struct thread *t, const struct guest_siginfo *info);
/* To thread tid of the guest, or to the process when tid is 0. */
bool signal_send_to(struct guest *g, pid_t tid, const struct guest_siginfo *info);
/* A signal the calling thread raises on itself with the kernel as sender. */
void signal_raise(struct thread *t, int sig);

/*
 * A synchronous fault: delivered now if a handler can take it; blocked or
 * ignored faults kill, as Linux's force_sig does.
 */
void signal_force_fault(struct thread *t, const struct guest_siginfo *info);

/* True when a signal the thread does not block is waiting. */
bool signal_pending(struct thread *t);

/* The handler (or default) that an interrupted system call will meet. */
enum signal_restart { RESTART_NONE, RESTART_AFTER_HANDLER, RESTART_NO_HANDLER };
enum signal_restart signal_restart_kind(struct thread *t);

/*
 * Delivers every pending, unblocked signal to the thread's user context
 * (t->ctx): runs default actions and builds handler frames. fault carries
 * the trap number, error code and CR2 for the sigcontext of a fault signal.
 */
struct fault_regs {
	int signo; /* the fault's own signal: only its frame carries these */
	uint64_t trapno, err, cr2;
};
void signal_deliver(struct thread *t, const struct fault_regs *fault);

/*
 * ppoll, pselect6 and epoll_pwait: the caller's mask for the wait only.
 * Returns -EINTR at once when a signal it unblocks is pending.
 */
long signal_wait_mask_begin(struct guest *g, uint64_t mask_gva, uint64_t size, bool *active);
void signal_wait_mask_end(bool active, long ret);

/* Installs the monitor's host signal handling; call once, before threads. */
int signal_host_init(struct guest *g);
/* Makes t leave KVM_RUN or a blocking host call soon (it then delivers). */
void signal_kick(struct thread *t);
/* Moves host signals caught by the monitor into the guest's queues. */
void signal_drain_host(struct guest *g);
/* execve: handlers back to SIG_DFL (SIG_IGN kept), no alternate stack. */
void signal_reset_for_exec(struct guest *g, struct thread *t);
/* SIGCHLD's SIG_IGN and SA_NOCLDWAIT, made the host's (hostsig.c). */
void signal_host_mirror_sigchld(const struct guest_sigaction *act);
/* The default action of a stop signal: the monitor stops until SIGCONT. */
void signal_host_stop(int sig);
/* In a forked child: drops host signals recorded for the parent. */
void signal_host_after_fork(void);
/* A vCPU thread starts (its re-kick timer, hostsig.c) and ends. */
void signal_host_thread_start(void);
void signal_host_thread_end(void);

#endif
