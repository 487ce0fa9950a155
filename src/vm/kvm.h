// SPDX-License-Identifier: Apache-2.0
// Thin wrapper over the KVM API: the VM, its vCPUs and its memory slots.
#ifndef AIRLOCK_VM_KVM_H
#define AIRLOCK_VM_KVM_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm {
	int kvm_fd;
	int vm_fd;
	size_t run_size; /* size of each vCPU's kvm_run mapping */
};

struct vcpu {
	int fd;
	unsigned id; /* also selects its TSS and kernel stack (layout.h) */
	struct kvm_run *run;
	bool in_ring0; /* where the last exit left it; a new vCPU starts in ring 0 */
};

/*
 * Opens /dev/kvm (path overridable for tests through AIRLOCK_KVM_DEVICE) and
 * creates a VM. Returns 0 or -errno; on failure *why says which step failed.
 */
/*
 * Opens the KVM device now for the next kvm_vm_create: before a devices
 * cgroup that denies it to the container (and so to the monitor) is joined.
 * Failures are left for kvm_vm_create to report.
 */
void kvm_preopen(void);
/* Whether this process may open the KVM device: 0 or -errno (nothing kept open). */
int kvm_check_access(void);
int kvm_vm_create(struct vm *vm, const char **why);
void kvm_vm_destroy(struct vm *vm);
/* In a forked monitor: a VM of its own, from the inherited /dev/kvm descriptor (no memslots yet). */
int kvm_vm_renew(struct vm *vm);

/* Creates vCPU `id` with its kvm_run mapping. Returns 0 or -errno. */
int kvm_vcpu_create(struct vm *vm, unsigned id, struct vcpu *vcpu);
void kvm_vcpu_destroy(struct vm *vm, struct vcpu *vcpu);

/* Registers (size > 0) or deletes (size == 0) a guest-physical memory slot. */
int kvm_set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host);

/* Enters the guest until the next VM exit. Returns 0 or -errno. */
/*
 * A vCPU's first KVM_RUN in a task does set-up of KVM's that can fail (with
 * EAGAIN when the pids cgroup is full) before the vCPU's registers are
 * loaded. Done ahead, so that the failure is the caller's (a fork that gives
 * EAGAIN), not a guest stuck at its first instruction.
 */
int kvm_vcpu_bind_task(struct vcpu *vcpu);
int kvm_vcpu_run(struct vcpu *vcpu);

#endif
