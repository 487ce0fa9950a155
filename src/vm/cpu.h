// SPDX-License-Identifier: Apache-2.0
// vCPU state: descriptor tables, control registers, MSRs, CPUID and XCR0
// for a 64-bit guest that runs in ring 3 over the ring-0 trampoline.
#ifndef AIRLOCK_VM_CPU_H
#define AIRLOCK_VM_CPU_H

#include <stdint.h>

#include "vm/kvm.h"
#include "vm/physmem.h"
#include "vm/platform.h"

/* Writes GDT, IDT, TSS and trampoline into the system area. */
void cpu_write_system_tables(struct physmem *pm);

/*
 * Programs the vCPU: long mode, page tables at cr3, ring 0. The monitor then
 * enters the program through the trampoline's iretq (see monitor_run).
 */
int cpu_setup(struct vm *vm, const struct platform *platform, uint64_t cr3);

/* Reads the user FS base / sets it (arch_prctl). */
int cpu_set_fs_base(struct vm *vm, uint64_t base);
int cpu_get_fs_base(struct vm *vm, uint64_t *base);
int cpu_get_cr2(struct vm *vm, uint64_t *cr2);

#endif
