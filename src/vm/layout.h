// SPDX-License-Identifier: Apache-2.0
// The guest's address-space layout: where the monitor's ring-0 structures,
// the page tables and the program's memory live, virtually and physically.
#ifndef AIRLOCK_VM_LAYOUT_H
#define AIRLOCK_VM_LAYOUT_H

#include "guest/gate_abi.h"

#define PAGE_SIZE 4096ULL
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PAGE_ALIGN_UP(x) (((x) + PAGE_SIZE - 1) & PAGE_MASK)

/*
 * The system area: guest-physical [0, SYS_RESERVE) in a memslot of its own,
 * identity-mapped supervisor-only into the low guest-virtual range. Page 0
 * stays unmapped so that NULL faults. Page-table pages follow the fixed
 * structures; the slot is re-registered whenever page tables change (on PVM
 * that is the only way the running guest sees new entries).
 */
#define SYS_GDT 0x1000ULL
#define SYS_IDT 0x2000ULL
#define SYS_TRAMPOLINE 0x4000ULL
#define SYS_FIXED_END 0x5000ULL       /* end of the shared identity-mapped part */
/*
 * One page per vCPU: its TSS at the bottom, its kernel stack (where
 * exceptions push their frames and the monitor builds iretq frames) above.
 */
#define SYS_VCPU_PAGES 0x100000ULL
#define MAX_VCPUS GATE_MAX_VCPUS
#define SYS_VCPU_PAGE(id) (SYS_VCPU_PAGES + (uint64_t)(id) * PAGE_SIZE)
#define SYS_VCPU_KSTACK_TOP(id) (SYS_VCPU_PAGE(id) + PAGE_SIZE)
#define SYS_VCPU_IRET_FRAME(id) (SYS_VCPU_KSTACK_TOP(id) - 5 * 8)
/*
 * PVM only: the system-call doorbell. A user-visible, writable page whose
 * guest-physical address has no memslot, so a write to it is an MMIO exit
 * and never changes memory (see vm/platform.h).
 */
#define SYS_DOORBELL 0x9000ULL
/*
 * PVM only: the system-call gate, which ring 3 must be able to run and
 * write (vm/platform.h, guest/gate_abi.h): each vCPU's box (read-write) and
 * below the gate's code (read-only). It sits just above the top of user
 * space, where a Linux program has nothing it could map or read either, so
 * low memory looks exactly as on Linux.
 */
#define SYS_GATE_BOXES USER_VA_END
#define SYS_GATE (SYS_GATE_BOXES + GATE_BOXES_BELOW)
#define SYS_GATE_BOXES_GPA 0x20000ULL
#define SYS_GATE_GPA (SYS_GATE_BOXES_GPA + GATE_BOXES_BELOW)
#define SYS_GATE_PAGES 3 /* enough for the code and one stub per vCPU */
/* The vDSO's data page (guest/vdso/vvar.h), on every host: user, read-only. */
#define SYS_VVAR (SYS_GATE + SYS_GATE_PAGES * PAGE_SIZE)
#define SYS_VVAR_GPA (SYS_GATE_GPA + SYS_GATE_PAGES * PAGE_SIZE)
#define SYS_DOORBELL_GPA (SYS_RESERVE - PAGE_SIZE)
#define SYS_PT_LIMIT (SYS_RESERVE - (1ULL << 20)) /* page tables stay below the doorbell */
#define SYS_PT_POOL 0x200000ULL       /* first page-table page (the PML4) */
#define SYS_RESERVE (256ULL << 20)    /* host reservation for the system slot */

/* Guest-physical memory for the program: a window above the system area. */
#define USER_PHYS_BASE SYS_RESERVE
#define USER_PHYS_WINDOW (64ULL << 30)
#define USER_FIRST_SLOT_SIZE (4ULL << 20)

/* Guest-virtual layout for the program, as Linux lays it out without ASLR. */
#define USER_VA_MIN 0x10000ULL              /* vm.mmap_min_addr */
#define USER_VA_END 0x7fffffff0000ULL       /* TASK_SIZE, less 64 KiB for the gate */
#define USER_STACK_TOP USER_VA_END
#define USER_STACK_SIZE (8ULL << 20)
#define USER_MMAP_BASE 0x7ffff7fff000ULL
#define USER_PIE_BASE 0x555555554000ULL

/*
 * GDT selectors: Linux's own layout. PVM hosts run the guest's ring 3 on the
 * host's user segments and insist that the guest's user selectors equal
 * them (0x33 code, 0x2b data, with STAR's SYSRET base at 0x23).
 */
#define SEL_KERNEL_CS 0x10
#define SEL_KERNEL_DS 0x18
#define SEL_USER32_CS (0x20 | 3) /* left not-present: no 32-bit code */
#define SEL_USER_DS (0x28 | 3)
#define SEL_USER_CS (0x30 | 3)
#define SEL_TSS 0x40
#define GDT_ENTRIES 10

/* I/O ports the trampoline uses to leave the VM. */
#define PORT_SYSCALL 0x70
#define PORT_EXCEPTION_BASE 0x80 /* + vector, 0..31 */

#endif
