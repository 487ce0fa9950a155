// SPDX-License-Identifier: Apache-2.0
// The PVM system-call gate's shared-memory boxes, as the gate code
// (trampoline.S) and the monitor (monitor/fastcall.c) both see them. Plain
// #defines: this header is included from assembly too.
//
// Each vCPU has one box. The gate stores the call in it and publishes it
// (state REQUEST); the vCPU's server thread in the monitor serves the call
// and answers (DONE; DONE_EXIT when a signal must be delivered on the way
// back; SLOW for a call it leaves to the VM-exit path). The
// box is guest memory: the monitor reads each field once and trusts none.
#ifndef AIRLOCK_GUEST_GATE_ABI_H
#define AIRLOCK_GUEST_GATE_ABI_H

#define GATE_BOX_SIZE 128
/* First cache line: the request and the state, written by both sides. */
#define BOX_STATE 0
#define BOX_NR 8
#define BOX_ARGS 16 /* six 8-byte arguments: RDI, RSI, RDX, R10, R8, R9 */
/* Second line: the answer, the server's presence and the gate's scratch. */
#define BOX_RESULT 64
#define BOX_AWAKE 72    /* non-zero while the server polls: worth publishing to */
#define BOX_USER_R11 80 /* the user's RFLAGS, as SYSCALL left them in R11 */
#define BOX_USER_RSP 88 /* the user's RSP while the gate borrows the box as a stack */
#define BOX_STACK_TOP 104 /* one word of stack below it, for POPFQ */

#define BOX_IDLE 0
#define BOX_REQUEST 1
#define BOX_DONE 2
#define BOX_SLOW 3      /* not for the server: the gate exits and the vCPU's thread serves it */
#define BOX_DONE_EXIT 4 /* answered, but a signal is due: the gate exits so it is delivered at once */

/* System calls numbered below this may be published (a bitmap in the gate). */
#define GATE_FAST_LIMIT 512
/* How many PAUSEs the gate waits for an answer before it exits instead. */
#define GATE_SPIN 4000
/* Each vCPU's SYSCALL entry (LSTAR) is its own stub, this far apart. */
#define GATE_STUB_SIZE 32
#define GATE_MAX_VCPUS 256 /* = MAX_VCPUS (vm/layout.h) */
/* The boxes lie this many bytes below the gate's code (vm/layout.h). */
#define GATE_BOXES_BELOW 0x8000

#endif
