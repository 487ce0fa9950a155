// SPDX-License-Identifier: Apache-2.0
// The ring-0 trampoline: the only code that runs in the guest's supervisor
// mode. It turns every system call and every exception into a VM exit (an
// `out` to a port the monitor recognises); the monitor serves the event,
// builds an iretq frame on the kernel stack and points RIP at
// trampoline_iret. Ring-0 code is emulated one instruction at a time on PVM
// hosts, so each path is a single instruction long.
//
// On PVM hosts SYSCALL does not leave ring 3: it only jumps to LSTAR. There
// LSTAR points at gate_syscall, on a page of its own that ring 3 can run:
// it writes to the doorbell page (an MMIO exit); the monitor serves the call
// and resumes ring 3 directly at the user's RIP (see vm/platform.h).
// The bytes are copied into the guest at SYS_TRAMPOLINE; they must stay
// position-independent.

#define PORT_SYSCALL 0x70
#define SYS_DOORBELL 0x9000
#define PORT_EXCEPTION_BASE 0x80

	.section .rodata
	.globl trampoline_start, trampoline_end
	.globl trampoline_syscall, trampoline_iret
	.globl gate_start, gate_syscall, gate_syscall_end, gate_end
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

gate_start:                    // copied to its own page: SYS_GATE
gate_syscall:                  // PVM's LSTAR, still in ring 3
	movb %al, SYS_DOORBELL
gate_syscall_end:              // RIP after the doorbell write
	ud2
gate_end:

	.section .note.GNU-stack,"",@progbits
