// SPDX-License-Identifier: Apache-2.0
// System calls through shared memory on PVM hosts (see fastcall.h): the
// per-vCPU server threads, the ownership hand-off around KVM_RUN, and how a
// vCPU stopped inside the gate is settled.
#include "monitor/fastcall.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest/gate_abi.h"
#include "guest/trampoline.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "vm/layout.h"

/* A box as guest memory holds it (gate_abi.h); every field may change under us. */
struct gate_box {
	_Atomic uint64_t state;
	_Atomic uint64_t nr;
	_Atomic uint64_t args[6];
	_Atomic int64_t result;
	_Atomic uint64_t awake;
	_Atomic uint64_t user_r11;
	_Atomic uint64_t user_rsp;
	uint64_t scratch[(GATE_BOX_SIZE - BOX_USER_RSP) / 8 - 1];
};
_Static_assert(sizeof(struct gate_box) == GATE_BOX_SIZE, "box size");
_Static_assert(offsetof(struct gate_box, nr) == BOX_NR && offsetof(struct gate_box, args) == BOX_ARGS &&
	       offsetof(struct gate_box, result) == BOX_RESULT && offsetof(struct gate_box, awake) == BOX_AWAKE &&
	       offsetof(struct gate_box, user_r11) == BOX_USER_R11 &&
	       offsetof(struct gate_box, user_rsp) == BOX_USER_RSP, "box layout");

/* Who may touch the guest thread's state (fastcall.h). */
enum { OWNER_FREE, OWNER_VCPU, OWNER_SERVER, OWNER_SERVER_WAITED };

/* How long an idle server polls before it sleeps, and how often a waiting vCPU thread re-kicks it. */
#define SERVER_SPIN_NS 200000L
#define REKICK_NS 10000000L
#define KICK (SIGRTMIN + 4)
#define SERVER_STACK (256 * 1024)
#define START_AFTER_EXITS 16

struct server {
	_Atomic int owner;
	_Atomic int wake;      /* futex word a sleeping server waits on */
	struct thread *thread; /* changed only by the vCPU thread while it owns the state */
	struct gate_box *box;
	struct guest *g;
	pthread_t host;
	bool started;
	unsigned exit_calls; /* calls it could have served, before it was started */
};

static struct server servers[MAX_VCPUS];
static bool enabled;
/* For AIRLOCK_STATS: calls answered through the boxes, and calls that took a VM exit. */
static _Atomic unsigned long shared_calls, exit_calls;

static long futex(_Atomic int *word, int op, int val, const struct timespec *timeout)
{
	return syscall(SYS_futex, word, op, val, timeout, NULL, 0);
}

static struct server *server_of(const struct thread *t)
{
	return enabled ? &servers[t->vcpu.id] : NULL;
}

void fastcall_init(struct guest *g)
{
	const char *knob = getenv("AIRLOCK_FASTCALL");
	enabled = !g->platform.ring0_native && !(knob && !strcmp(knob, "0"));
	if (!enabled)
		return;
	unsigned char *bitmap = physmem_host(&g->mm.pm, SYS_GATE_GPA + (uint64_t)(gate_fast_calls - gate_start));
	for (unsigned nr = 0; nr < GATE_FAST_LIMIT; nr++)
		if (syscall_off_vcpu_ok(nr, NULL))
			bitmap[nr / 8] |= (unsigned char)(1u << (nr % 8));
	for (unsigned id = 0; id < MAX_VCPUS; id++) {
		servers[id].owner = OWNER_VCPU; /* until the vCPU first runs */
		servers[id].box = physmem_host(&g->mm.pm, SYS_GATE_BOXES_GPA + (uint64_t)id * GATE_BOX_SIZE);
		servers[id].g = g;
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Claims a published call and the thread's state; false if either is not there to take. */
static bool take_request(struct server *s)
{
	if (atomic_load(&s->box->state) != BOX_REQUEST)
		return false;
	int expect = OWNER_FREE;
	return atomic_compare_exchange_strong(&s->owner, &expect, OWNER_SERVER);
}

static void give_back(struct server *s)
{
	if (atomic_exchange(&s->owner, OWNER_FREE) == OWNER_SERVER_WAITED)
		futex(&s->owner, FUTEX_WAKE_PRIVATE, 1, NULL);
}

/* Polls the box for a while, then sleeps until the vCPU thread wakes it. */
static void wait_for_request(struct server *s)
{
	uint64_t since = now_ns();
	for (unsigned spins = 1; !take_request(s); spins++) {
		__builtin_ia32_pause();
		if (spins % 256 || now_ns() - since < SERVER_SPIN_NS)
			continue;
		atomic_store(&s->box->awake, 0);
		/* A call published before the gate saw awake == 0 must not wait for the next one. */
		if (take_request(s))
			break;
		while (atomic_exchange(&s->wake, 0) == 0)
			futex(&s->wake, FUTEX_WAIT_PRIVATE, 0, NULL);
		atomic_store(&s->box->awake, 1);
		since = now_ns();
	}
}

static void serve_request(struct server *s)
{
	struct gate_box *box = s->box;
	struct thread *t = s->thread;
	uint64_t nr = syscall_number(atomic_load(&box->nr));
	uint64_t args[6];
	for (int i = 0; i < 6; i++)
		args[i] = atomic_load(&box->args[i]);
	/* A signal already due comes first: the vCPU thread delivers it (monitor.c, serve_call). */
	if (!t || !syscall_off_vcpu_ok(nr, args) || signal_pending(t)) {
		atomic_store(&box->state, BOX_SLOW);
		return;
	}
	current = t;
	atomic_store(&t->kernel_epoch, atomic_load(&t->g->mm.epoch) + 1);
	long ret = syscall_dispatch(t->g, nr, args);
	atomic_store(&t->kernel_epoch, 0);
	current = NULL;
	atomic_store(&box->result, ret);
	/*
	 * Only the vCPU thread can deliver a signal, and one the call raised or
	 * unblocked is due before the next instruction, as on Linux: the gate
	 * then takes the exit with the answer. The host may have sent one to
	 * this thread (the terminal's SIGTTIN for a background read): it must
	 * reach the guest's queues before they are looked at. A wait with a
	 * mask of its own (ppoll, epoll_pwait) that ended in EINTR leaves that
	 * mask for the delivery to replace: the vCPU thread puts the old one
	 * back even when the signal went to another thread meanwhile.
	 */
	signal_drain_host(t->g);
	atomic_store(&box->state, signal_pending(t) || t->restore_sigmask ? BOX_DONE_EXIT : BOX_DONE);
	atomic_fetch_add_explicit(&shared_calls, 1, memory_order_relaxed);
}

static void *server_main(void *arg)
{
	struct server *s = arg;
	/*
	 * Host signals go to vCPU threads; only the kick, which interrupts a
	 * blocked call, comes here. And SIGTTIN and SIGTTOU: the host's terminal
	 * takes a thread that blocks them for one that ignores them, and would
	 * fail a background read with EIO instead of stopping the guest
	 * (kernel/jobctl.c blocks them for a call when the guest does).
	 */
	sigset_t mask;
	sigfillset(&mask);
	sigdelset(&mask, KICK);
	sigdelset(&mask, SIGTTIN);
	sigdelset(&mask, SIGTTOU);
	pthread_sigmask(SIG_SETMASK, &mask, NULL);
	for (;;) {
		wait_for_request(s);
		serve_request(s);
		give_back(s);
	}
	return NULL;
}

void fastcall_attach(struct thread *t)
{
	struct server *s = server_of(t);
	if (!s)
		return;
	/* A reused vCPU's box may hold a call its last thread never finished. */
	atomic_store(&s->box->state, BOX_IDLE);
	s->thread = t;
}

/* Started by the vCPU thread once its guest thread has shown it makes calls (fastcall_wake). */
static void start_server(struct server *s)
{
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SERVER_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Without a server the gate always exits: slower, still correct. */
	s->started = pthread_create(&s->host, &attr, server_main, s) == 0;
	pthread_attr_destroy(&attr);
}

void fastcall_after_fork(struct thread *t)
{
	if (!enabled)
		return;
	/* Only the calling thread came along: no server runs, and it owns its state. */
	for (unsigned id = 0; id < MAX_VCPUS; id++) {
		servers[id].owner = OWNER_VCPU;
		servers[id].wake = 0;
		servers[id].thread = NULL;
		servers[id].started = false;
		servers[id].exit_calls = 0;
		atomic_store(&servers[id].box->awake, 0);
	}
	fastcall_attach(t);
}

void fastcall_detach(struct thread *t)
{
	struct server *s = server_of(t);
	if (s)
		s->thread = NULL;
}

void fastcall_release(struct thread *t)
{
	struct server *s = server_of(t);
	if (s)
		atomic_store(&s->owner, OWNER_FREE);
}

void fastcall_claim(struct thread *t)
{
	struct server *s = server_of(t);
	if (!s)
		return;
	for (;;) {
		int owner = OWNER_FREE;
		if (atomic_compare_exchange_strong(&s->owner, &owner, OWNER_VCPU))
			return;
		if (owner == OWNER_SERVER &&
		    !atomic_compare_exchange_strong(&s->owner, &owner, OWNER_SERVER_WAITED))
			continue;
		/*
		 * A signal for the thread, or another thread's execve, must
		 * interrupt a call the server is blocked in, as it would interrupt
		 * the vCPU thread's own. A kick
		 * can land just before the server blocks: repeat it while waiting.
		 */
		signal_drain_host(t->g);
		struct thread *survivor = atomic_load(&t->g->sole_survivor);
		bool pending = signal_pending(t) || (survivor && survivor != t);
		if (pending)
			pthread_kill(s->host, KICK);
		const struct timespec rekick = {0, REKICK_NS};
		futex(&s->owner, FUTEX_WAIT_PRIVATE, OWNER_SERVER_WAITED, pending ? &rekick : NULL);
	}
}

void fastcall_wake(struct thread *t)
{
	struct server *s = server_of(t);
	if (!s)
		return;
	/* A short-lived program gains nothing from a thread it pays to create. */
	if (!s->started) {
		if (++s->exit_calls == START_AFTER_EXITS)
			start_server(s);
		return;
	}
	if (atomic_load(&s->box->awake) == 0) {
		atomic_store(&s->wake, 1);
		futex(&s->wake, FUTEX_WAKE_PRIVATE, 1, NULL);
	}
}

void fastcall_count_exit(void)
{
	atomic_fetch_add_explicit(&exit_calls, 1, memory_order_relaxed);
}

void fastcall_report(FILE *out)
{
	fprintf(out, "airlock: system calls: %lu through shared memory, %lu through VM exits\n",
		atomic_load(&shared_calls), atomic_load(&exit_calls));
}

bool fastcall_in_gate(uint64_t rip)
{
	return rip >= GATE_VA(gate_start) && rip < GATE_VA(gate_end);
}

/*
 * Where in the gate the vCPU stopped says what is known (trampoline.S):
 * before gate_published nothing was published; from there to gate_done the
 * box's state says whether the server answered; past gate_done the answer
 * is being returned. A program that jumps into the gate without SYSCALL
 * only gets a system call made for it, with its own registers.
 */
void fastcall_settle(struct thread *t, struct gate_call *call)
{
	const struct kvm_regs *regs = &t->vcpu.run->s.regs.regs;
	struct gate_box *box = &((struct gate_box *)physmem_host(&t->g->mm.pm, SYS_GATE_BOXES_GPA))[t->vcpu.id];
	uint64_t rip = regs->rip;
	uint64_t state = atomic_load(&box->state);
	bool at_stub_entry = rip >= GATE_VA(gate_stubs) && (rip - GATE_VA(gate_stubs)) % GATE_STUB_SIZE == 0;
	bool waiting = rip >= GATE_VA(gate_published) && rip < GATE_VA(gate_exit);
	bool may_be_answered = rip >= GATE_VA(gate_published) && rip < GATE_VA(gate_done);
	bool returning = rip >= GATE_VA(gate_done) && rip < GATE_VA(gate_fast_calls);
	*call = (struct gate_call){
		/* RAX holds the call number everywhere but while the gate waits for the answer. */
		.nr = waiting ? atomic_load(&box->nr) : regs->rax,
		.answered = returning || (may_be_answered && (state == BOX_DONE || state == BOX_DONE_EXIT)),
		.result = atomic_load(&box->result),
		/* Until the stub's first instruction has saved it, R11 is still the user's. */
		.user_r11 = at_stub_entry ? regs->r11 : atomic_load(&box->user_r11),
		.user_rsp = rip >= GATE_VA(gate_own_stack) && rip < GATE_VA(gate_user_stack) ?
				    atomic_load(&box->user_rsp) : regs->rsp,
	};
	atomic_store(&box->state, BOX_IDLE);
}
