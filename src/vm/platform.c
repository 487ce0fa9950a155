// SPDX-License-Identifier: Apache-2.0
// Host probing. PVM serves ring 3 natively but emulates ring 0 and has no
// nested-virtualization state; VMX and SVM hosts report a nested-state size.
// The probe decides only how page-table edits reach the guest; both ways are
// correct on hardware KVM, where deleting a memslot also flushes guest TLBs.
#include "vm/platform.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest/trampoline.h"
#include "vm/gmem.h"
#include "vm/layout.h"

void platform_probe(struct platform *p, struct vm *vm)
{
	const char *force = getenv("AIRLOCK_PLATFORM"); /* "pvm" or "hw", for testing both paths */
	if (force && !strcmp(force, "pvm"))
		p->ring0_native = false;
	else if (force && !strcmp(force, "hw"))
		p->ring0_native = true;
	else
		p->ring0_native = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NESTED_STATE) > 0;
	p->tsc_is_host = !p->ring0_native;
}

bool platform_is_syscall_doorbell(const struct platform *p, const struct kvm_run *run)
{
	/* Only the gate's own write counts: RIP has just moved past it. */
	return !p->ring0_native && run->mmio.phys_addr == SYS_DOORBELL_GPA && run->mmio.is_write &&
	       run->s.regs.regs.rip == GATE_VA(gate_syscall_end);
}

uint64_t platform_lstar(const struct platform *p, unsigned vcpu_id)
{
	if (p->ring0_native)
		return TRAMPOLINE_VA(trampoline_syscall);
	return GATE_VA(gate_stubs) + (uint64_t)vcpu_id * GATE_STUB_SIZE;
}

unsigned platform_fault_vector(const struct platform *p, struct mm *mm, uint64_t rip, unsigned vector)
{
	enum { UD = 6, GP = 13, INT_IMM8 = 0xcd };
	unsigned char opcode;
	if (!p->ring0_native && vector == UD && gmem_copy_in(mm, &opcode, rip, 1) == 0 && opcode == INT_IMM8)
		return GP;
	return vector;
}
