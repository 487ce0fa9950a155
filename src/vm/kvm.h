// SPDX-License-Identifier: Apache-2.0
// Thin wrapper over the KVM API: the VM, its vCPU and its memory slots.
#ifndef AIRLOCK_VM_KVM_H
#define AIRLOCK_VM_KVM_H

#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

struct vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
};

/*
 * Opens /dev/kvm (path overridable for tests through AIRLOCK_KVM_DEVICE) and
 * creates a VM with one vCPU. Returns 0 or -errno; on failure *why says which
 * step failed.
 */
int kvm_vm_create(struct vm *vm, const char **why);
void kvm_vm_destroy(struct vm *vm);

/* Registers (size > 0) or deletes (size == 0) a guest-physical memory slot. */
int kvm_set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host);

/* Enters the guest until the next VM exit. Returns 0 or -errno. */
int kvm_vcpu_run(struct vm *vm);

#endif
