// SPDX-License-Identifier: Apache-2.0
// KVM device, VM, vCPU and memslot plumbing. Descriptors are moved above the
// guest's descriptor range so the guest can never name them.
#include "vm/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/fdlimits.h"

static int preopened = -1;

static const char *device_path(void)
{
	const char *path = getenv("AIRLOCK_KVM_DEVICE");
	return path && *path ? path : "/dev/kvm";
}

static int open_device(void)
{
	return fd_move_to_monitor(open(device_path(), O_RDWR | O_CLOEXEC));
}

int kvm_check_access(void)
{
	int fd = open(device_path(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void kvm_preopen(void)
{
	if (preopened < 0)
		preopened = open_device();
}

int kvm_vm_create(struct vm *vm, const char **why)
{
	*vm = (struct vm){.kvm_fd = -1, .vm_fd = -1};
	*why = "/dev/kvm";
	int fd = preopened >= 0 ? preopened : open_device();
	preopened = -1;
	if (fd < 0)
		return -errno;
	vm->kvm_fd = fd;
	if (vm->kvm_fd < 0)
		goto fail;

	*why = "/dev/kvm is not a KVM device";
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		errno = ENOTTY;
		goto fail;
	}
	*why = "KVM lacks KVM_CAP_SYNC_REGS";
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0 ||
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
		errno = ENOTSUP;
		goto fail;
	}
	*why = "KVM_GET_VCPU_MMAP_SIZE";
	int size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size <= 0)
		goto fail;
	vm->run_size = (size_t)size;

	*why = "KVM_CREATE_VM";
	fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (fd < 0)
		goto fail;
	vm->vm_fd = fd_move_to_monitor(fd);
	if (vm->vm_fd < 0)
		goto fail;
	return 0;
fail:;
	int err = errno ? errno : EIO;
	kvm_vm_destroy(vm);
	return -err;
}

int kvm_vm_renew(struct vm *vm)
{
	/* The inherited descriptor names the parent's VM, bound to the parent's memory. */
	close(vm->vm_fd);
	int fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	vm->vm_fd = fd < 0 ? -1 : fd_move_to_monitor(fd);
	return vm->vm_fd < 0 ? -errno : 0;
}

void kvm_vm_destroy(struct vm *vm)
{
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	*vm = (struct vm){.kvm_fd = -1, .vm_fd = -1};
}

int kvm_vcpu_create(struct vm *vm, unsigned id, struct vcpu *vcpu)
{
	*vcpu = (struct vcpu){.fd = -1, .id = id, .in_ring0 = true};
	int fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return -errno;
	vcpu->fd = fd_move_to_monitor(fd);
	if (vcpu->fd < 0)
		return -errno;
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		int err = errno;
		vcpu->run = NULL;
		kvm_vcpu_destroy(vm, vcpu);
		return -err;
	}
	/* Registers travel in kvm_run: no GET/SET_REGS ioctl per exit. */
	vcpu->run->kvm_valid_regs = KVM_SYNC_X86_REGS;
	return 0;
}

void kvm_vcpu_destroy(struct vm *vm, struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vm->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	*vcpu = (struct vcpu){.fd = -1};
}

int kvm_set_memslot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	return 0;
}

int kvm_vcpu_bind_task(struct vcpu *vcpu)
{
	/*
	 * immediate_exit: KVM does its per-task work (Linux 6.13 and later
	 * start the VM's NX-huge-page recovery worker there, a task counted in
	 * the pids cgroup), then returns EINTR without entering the guest.
	 */
	vcpu->run->immediate_exit = 1;
	int err = ioctl(vcpu->fd, KVM_RUN, 0) < 0 ? errno : 0;
	vcpu->run->immediate_exit = 0;
	return err == EINTR ? 0 : -err;
}

int kvm_vcpu_run(struct vcpu *vcpu)
{
	if (ioctl(vcpu->fd, KVM_RUN, 0) < 0)
		return -errno;
	return 0;
}
