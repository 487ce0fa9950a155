// SPDX-License-Identifier: Apache-2.0
// What differs between hardware KVM (VMX/SVM) and PVM hosts, in one place.
#ifndef AIRLOCK_VM_PLATFORM_H
#define AIRLOCK_VM_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/kvm.h"
#include "vm/mm.h"

struct platform {
	/*
	 * Hardware KVM (VMX/SVM): ring 0 runs natively and SYSCALL enters
	 * ring 0 at LSTAR.
	 *
	 * PVM: ring 0 is emulated and CR3 writes shut the vCPU down. SYSCALL
	 * jumps to LSTAR without leaving ring 3, so LSTAR points at a
	 * user-visible, read-only gate (one entry stub per vCPU). The gate hands
	 * the call to a monitor thread through shared memory (monitor/fastcall.h)
	 * or writes to the doorbell page (an MMIO exit); either way the monitor
	 * resumes ring 3 directly and no ring-0 instruction is emulated.
	 */
	bool ring0_native;
	/*
	 * The guest's RDTSC reads the host's TSC: on PVM the guest runs on the
	 * host's CPU state. KVM offsets a hardware guest's TSC, so there the
	 * vDSO makes the system call (monitor/vclock.c).
	 */
	bool tsc_is_host;
};

/* Where SYSCALL lands on this vCPU. */
uint64_t platform_lstar(const struct platform *p, unsigned vcpu_id);

/* True when an MMIO exit is the system-call gate ringing the doorbell. */
bool platform_is_syscall_doorbell(const struct platform *p, const struct kvm_run *run);

/*
 * The exception vector the hardware would have raised. PVM emulates `int N`
 * from ring 3 and reports #UD where the CPU raises #GP (the gate's DPL is 0),
 * so an `int N` at rip is reported as #GP there.
 */
unsigned platform_fault_vector(const struct platform *p, struct mm *mm, uint64_t rip, unsigned vector);

void platform_probe(struct platform *p, struct vm *vm);

#endif
