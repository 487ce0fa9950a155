// SPDX-License-Identifier: Apache-2.0
// System calls through shared memory, on PVM hosts. A VM exit to user
// space costs ~27 µs there; SYSCALL into the gate costs ~1 µs. So each vCPU
// has a server thread in the monitor that polls the vCPU's box
// (guest/gate_abi.h): the gate publishes a call, the server serves it with
// the same handlers and checks, and the gate returns to the program without
// leaving the VM. Calls that need the vCPU itself (registers, signal
// frames, thread exit) and calls made while the server sleeps still take
// the doorbell exit to the vCPU's own monitor thread.
//
// Exactly one of the two threads may touch a guest thread's state at a
// time: the vCPU thread owns it whenever it is outside KVM_RUN, the server
// only while serving a call it claimed during KVM_RUN.
#ifndef AIRLOCK_MONITOR_FASTCALL_H
#define AIRLOCK_MONITOR_FASTCALL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kernel/guest.h"

/*
 * Turns the shared-memory path on where it helps (PVM; AIRLOCK_FASTCALL=0
 * turns it off) and writes which calls it may carry into the gate.
 */
void fastcall_init(struct guest *g);

/* The vCPU's server now serves t (started on first use), or nobody. */
void fastcall_attach(struct thread *t);
void fastcall_detach(struct thread *t);
/* In a forked child, whose only thread is t: servers of its own. */
void fastcall_after_fork(struct thread *t);

/* Brackets KVM_RUN: hands t's state to the server, then takes it back, waiting out a call in progress. */
void fastcall_release(struct thread *t);
void fastcall_claim(struct thread *t);

/* After a call served through the doorbell: wakes a sleeping server, since more calls tend to follow. */
void fastcall_wake(struct thread *t);

/* Counts a call served after a VM exit; the report (AIRLOCK_STATS=1) gives both counts. */
void fastcall_count_exit(void);
void fastcall_report(FILE *out);

/* True when a vCPU stopped at rip is inside the gate, mid-call. */
bool fastcall_in_gate(uint64_t rip);

/*
 * The call a vCPU stopped inside the gate was making, once the vCPU thread
 * owns it again: either still to serve or answered by the server. The
 * registers to return with are the vCPU's, with these instead.
 */
struct gate_call {
	uint64_t nr;
	bool answered;
	long result;
	uint64_t user_r11, user_rsp;
};
void fastcall_settle(struct thread *t, struct gate_call *call);

#endif
