// SPDX-License-Identifier: Apache-2.0
// One guest process (struct guest) and its threads (struct thread) as the
// kernel proxy sees them, and the handler signature shared by every area.
#ifndef AIRLOCK_KERNEL_GUEST_H
#define AIRLOCK_KERNEL_GUEST_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "kernel/procfs.h"
#include "vm/kvm.h"
#include "vm/mm.h"
#include "vm/platform.h"

#define GUEST_NSIG 64

/* The guest's view of struct sigaction (the kernel ABI, not glibc's). */
struct guest_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* The kernel's siginfo: 128 bytes, fields by si_code family. */
struct guest_siginfo {
	int32_t signo, errno_, code, pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { uint64_t addr; } fault;
		struct { int32_t tid, overrun; uint64_t value; } timer;
		struct { int32_t pid; uint32_t uid; int32_t status; } child;
		uint8_t bytes[112];
	};
};

/*
 * Signals waiting for delivery. Standard signals (1..31) have one slot each:
 * a second one merges. Real-time signals queue in order, up to RTQ_MAX.
 */
#define RTQ_MAX 64
struct sigpending {
	uint64_t set;
	struct guest_siginfo info[32];
	struct guest_siginfo rtq[RTQ_MAX];
	int rtq_len;
};

struct thread;

/* Process-wide state, shared by every guest thread. */
struct filter;

struct guest {
	struct vm vm;
	struct mm mm;
	struct platform platform;
	FILE *trace;            /* --strace output, NULL when off */
	pthread_mutex_t lock;   /* sigactions, shared pending, the thread list */
	struct guest_sigaction sigactions[GUEST_NSIG + 1];
	struct sigpending shared_pending;
	struct thread *threads; /* live threads, linked through thread->next */
	int nthreads;
	pthread_mutex_t world_lock; /* vCPUs in KVM_RUN, and stopping them (thread.c) */
	pthread_cond_t world_cond;
	int in_guest;
	bool world_stopped;
	uint8_t enosys_reported[512 / 8];
	char hostname[65];      /* uname's nodename */
	const struct filter *filter; /* the config's seccomp profile for the guest's calls; NULL: none */
	bool own_mounts; /* an OCI container's own mount namespace, pivoted into: its mounts are the guest's */
	bool first_process;     /* the container's first process (the others are its forks) */
	bool own_pid_namespace; /* every process the host lets it signal is the container's */
	struct thread *_Atomic sole_survivor; /* a thread whose execve is ending the others */
	struct procfs proc;     /* the emulated /proc's state */
};

/* One guest thread: one vCPU, served by one monitor thread. */
struct thread {
	struct guest *g;
	struct thread *next;
	struct vcpu vcpu;
	pthread_t host;
	pid_t tid;               /* the monitor thread's tid is the guest's */
	struct kvm_regs ctx;     /* the user context being served (see monitor.c) */
	uint64_t sigmask;
	uint64_t saved_sigmask;  /* sigsuspend: the mask to restore after the handler */
	bool restore_sigmask;
	struct sigpending pending;
	stack_t altstack;
	uint64_t clear_child_tid;
	uint64_t robust_list;    /* set_robust_list: futexes to mark when it dies */
	char comm[16];           /* the thread name (prctl PR_SET_NAME) */
	uint64_t retried_fault, retried_rip; /* last page fault retried as spurious */
	_Atomic uint64_t kernel_epoch; /* mm epoch + 1 when it entered the monitor; 0 in the guest */
	bool in_guest;           /* in KVM_RUN (under world_lock): stopping the world kicks it */
};

/* The guest thread this monitor thread serves. */
extern __thread struct thread *current;

/* Arguments are the raw 64-bit registers; handlers return a value or -errno. */
typedef long (*syscall_fn)(struct guest *g, const uint64_t *a);

/* The release uname reports: the Linux whose system calls airlock serves. */
#define GUEST_RELEASE "6.1.0-airlock"
#define GUEST_DEFAULT_HOSTNAME "airlock"

/* What uname tells the guest (process.c); /proc/version and kernel/os* agree. */
struct utsname;
void guest_uname(const struct guest *g, struct utsname *u);

/*
 * A guest with no VM or memory yet, and its first thread, adopted by the
 * calling host thread: locks ready, every signal's disposition the default.
 * NULL when out of memory.
 */
struct guest *guest_new(void);

/* Ends the whole guest process with an exit code (the CLI reports it). */
_Noreturn void guest_exit(struct guest *g, int status);
/* Ends it by signal sig: the first process with status 128 + sig, a child by the signal itself. */
_Noreturn void guest_die(struct guest *g, int sig);

#endif
