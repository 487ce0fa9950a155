// SPDX-License-Identifier: Apache-2.0
// vCPU state: descriptor tables, control registers, MSRs, CPUID and XCR0
// for a 64-bit guest that runs in ring 3 over the ring-0 trampoline.
#ifndef AIRLOCK_VM_CPU_H
#define AIRLOCK_VM_CPU_H

#include <stddef.h>
#include <stdint.h>

#include "vm/kvm.h"
#include "vm/physmem.h"
#include "vm/platform.h"

/* Writes GDT, IDT and the trampoline and gate pages into the system area. */
void cpu_write_system_tables(struct physmem *pm);

/*
 * Programs a vCPU: long mode, page tables at cr3, its own TSS and kernel
 * stack, ring 0. The monitor then enters ring 3 through the trampoline's
 * iretq (see monitor/monitor.c).
 */
int cpu_setup(struct vm *vm, struct physmem *pm, struct vcpu *vcpu, const struct platform *platform,
	      uint64_t cr3);

/* The user FS base (arch_prctl, CLONE_SETTLS). */
int cpu_set_fs_base(struct vcpu *vcpu, uint64_t base);
int cpu_get_fs_base(struct vcpu *vcpu, uint64_t *base);
int cpu_set_gs_base(struct vcpu *vcpu, uint64_t base);
int cpu_get_gs_base(struct vcpu *vcpu, uint64_t *base);
int cpu_get_cr2(struct vcpu *vcpu, uint64_t *cr2);

/* The XCR0 features enabled for the guest and the XSAVE area size they need. */
uint64_t cpu_fpu_features(void);
size_t cpu_fpu_user_size(void);

/* x87/SSE/AVX state in XSAVE layout: signal frames and new threads. */
int cpu_get_fpu(struct vcpu *vcpu, struct kvm_xsave *state);
/* Fails with -EINVAL on a state XRSTOR would refuse (reserved bits). */
int cpu_set_fpu(struct vcpu *vcpu, const struct kvm_xsave *state);

#endif
