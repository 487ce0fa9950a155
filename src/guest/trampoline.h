// SPDX-License-Identifier: Apache-2.0
// Symbols of the ring-0 trampoline blob (trampoline.S).
#ifndef AIRLOCK_GUEST_TRAMPOLINE_H
#define AIRLOCK_GUEST_TRAMPOLINE_H

extern const unsigned char trampoline_start[], trampoline_end[];
extern const unsigned char trampoline_syscall[], trampoline_iret[];
extern const unsigned char gate_start[], gate_common[], gate_published[], gate_exit[], gate_syscall_end[];
extern const unsigned char gate_done[], gate_own_stack[], gate_user_stack[], gate_fast_calls[];
extern const unsigned char gate_stubs[], gate_end[];
extern const unsigned char trampoline_exceptions[];

#define TRAMPOLINE_STUB_SIZE 4
/* Guest-virtual address of a trampoline symbol. */
#define TRAMPOLINE_VA(sym) (SYS_TRAMPOLINE + (unsigned long)((sym) - trampoline_start))
/* Guest-virtual address of a symbol of the PVM system-call gate. */
#define GATE_VA(sym) (SYS_GATE + (unsigned long)((sym) - gate_start))

#endif
