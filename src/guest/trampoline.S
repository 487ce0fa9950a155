// SPDX-License-Identifier: Apache-2.0
// The ring-0 trampoline: the only code that runs in the guest's supervisor
// mode. It turns every system call and every exception into a VM exit (an
// `out` to a port the monitor recognises); the monitor serves the event,
// builds an iretq frame on the kernel stack and points RIP at
// trampoline_iret. Ring-0 code is emulated one instruction at a time on PVM
// hosts, so each path is a single instruction long.
//
// On PVM hosts SYSCALL does not leave ring 3: it only jumps to LSTAR. There
// LSTAR points at the gate, on pages of their own that ring 3 can run (see
// vm/platform.h and monitor/fastcall.h): the gate hands the call to the
// vCPU's server thread through its box in shared memory and waits a little
// for the answer; when none comes, or no server is listening, it writes to
// the doorbell page (an MMIO exit) and the monitor serves the call itself.
// The bytes are copied into the guest at SYS_TRAMPOLINE and SYS_GATE; they
// must stay position-independent.

#include "guest/gate_abi.h"

#define PORT_SYSCALL 0x70
#define SYS_DOORBELL 0x9000
#define PORT_EXCEPTION_BASE 0x80

	.section .rodata
	.globl trampoline_start, trampoline_end
	.globl trampoline_syscall, trampoline_iret
	.globl gate_start, gate_common, gate_published, gate_exit, gate_syscall_end, gate_done
	.globl gate_own_stack, gate_user_stack
	.globl gate_fast_calls, gate_stubs, gate_end
	.globl trampoline_exceptions
	.code64

trampoline_start:
trampoline_syscall:            // LSTAR: RCX = user RIP, R11 = user RFLAGS
	outb %al, $PORT_SYSCALL
	ud2                    // never reached: the monitor always moves RIP

trampoline_iret:
	iretq

	.balign 8
trampoline_exceptions:         // 32 stubs of 4 bytes, one per vector
	.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	outb %al, $(PORT_EXCEPTION_BASE + \vector)
	ud2
	.endr
trampoline_end:

// The gate runs in ring 3 with the user's registers. SYSCALL left the
// user's RIP in RCX and RFLAGS in R11; the vCPU's stub saved R11 in its box
// and points R11 at the box. The monitor tells where a vCPU stopped in here
// by RIP (monitor/fastcall.c), so the order of these instructions matters:
// RAX keeps the call number everywhere but in the wait loop, and the other
// argument registers are never touched.
gate_start:                    // copied to its own pages: SYS_GATE
gate_common:
	movq %rax, BOX_NR(%r11)
	cmpq $0, BOX_AWAKE(%r11)
	je gate_exit           // no server polling: exit at once
	cmpq $GATE_FAST_LIMIT, %rax
	jae gate_exit
	btq %rax, gate_fast_calls(%rip)
	jnc gate_exit          // a call only the vCPU's own thread may serve
	movq %rdi, BOX_ARGS + 0(%r11)
	movq %rsi, BOX_ARGS + 8(%r11)
	movq %rdx, BOX_ARGS + 16(%r11)
	movq %r10, BOX_ARGS + 24(%r11)
	movq %r8, BOX_ARGS + 32(%r11)
	movq %r9, BOX_ARGS + 40(%r11)
	movq $BOX_REQUEST, BOX_STATE(%r11)
gate_published:
	movl $GATE_SPIN, %eax
1:	pause
	cmpq $BOX_REQUEST, BOX_STATE(%r11)
	jne 2f
	decl %eax
	jnz 1b
2:	cmpq $BOX_DONE, BOX_STATE(%r11)
	je gate_done
	movq BOX_NR(%r11), %rax
gate_exit:                     // registers as SYSCALL left them
	movq BOX_USER_R11(%r11), %r11
	movb %al, SYS_DOORBELL
gate_syscall_end:              // RIP after the doorbell write
	ud2

gate_done:                     // answered: RFLAGS back as SYSRET would load them
	movq %rsp, BOX_USER_RSP(%r11)
	leaq BOX_STACK_TOP(%r11), %rsp // POPFQ needs a stack: never the user's (red zone)
gate_own_stack:
	pushq BOX_USER_R11(%r11)
	popfq
	movq BOX_USER_RSP(%r11), %rsp
gate_user_stack:
	movq BOX_RESULT(%r11), %rax
	movq $BOX_IDLE, BOX_STATE(%r11)
	movq BOX_USER_R11(%r11), %r11
	jmp *%rcx

	.balign 64
gate_fast_calls:               // bit N: call N may be published (filled in by the monitor)
	.skip GATE_FAST_LIMIT / 8

// One stub per vCPU, each vCPU's LSTAR: boxes sit GATE_BOXES_BELOW bytes
// under the gate, GATE_BOX_SIZE apart.
	.set gate_boxes, gate_start - GATE_BOXES_BELOW
	.altmacro
	.macro gate_stub id
	.balign GATE_STUB_SIZE
	movq %r11, gate_boxes + \id * GATE_BOX_SIZE + BOX_USER_R11(%rip)
	leaq gate_boxes + \id * GATE_BOX_SIZE(%rip), %r11
	jmp gate_common
	.endm
	.balign GATE_STUB_SIZE
gate_stubs:
	.set stub_id, 0
	.rept GATE_MAX_VCPUS
	gate_stub %stub_id
	.set stub_id, stub_id + 1
	.endr
gate_end:

	.section .note.GNU-stack,"",@progbits
