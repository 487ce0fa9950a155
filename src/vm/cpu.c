// SPDX-License-Identifier: Apache-2.0
// CPU state for the guest. The layout follows what Linux gives a 64-bit
// process: flat segments, SYSCALL enabled, NX, SSE and XSAVE state enabled.
#include "vm/cpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "guest/trampoline.h"
#include "vm/layout.h"

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_ET (1ULL << 4)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_AM (1ULL << 18)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)
#define CR4_OSXSAVE (1ULL << 18)

/* RFLAGS bits cleared on SYSCALL entry: TF, IF, DF, IOPL, NT, AC. */
#define SYSCALL_FLAG_MASK 0x47700ULL

/* Descriptor words: present, accessed (so the CPU never writes the GDT). */
#define GDT_KERNEL_CODE 0x00209b0000000000ULL
#define GDT_KERNEL_DATA 0x0000930000000000ULL
#define GDT_USER_DATA 0x0000f30000000000ULL
#define GDT_USER_CODE 0x0020fb0000000000ULL

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

static void write_gdt(uint64_t *gdt)
{
	memset(gdt, 0, GDT_ENTRIES * 8);
	gdt[SEL_KERNEL_CS >> 3] = GDT_KERNEL_CODE;
	gdt[SEL_KERNEL_DS >> 3] = GDT_KERNEL_DATA;
	gdt[SEL_USER_DS >> 3] = GDT_USER_DATA;
	gdt[SEL_USER_CS >> 3] = GDT_USER_CODE;
	/*
	 * 16-byte busy 64-bit TSS descriptor. Each vCPU's TR points at its own
	 * TSS (cpu_setup); the descriptor itself is only ever read by LTR.
	 */
	uint64_t base = SYS_VCPU_PAGE(0), limit = sizeof(struct tss64) - 1;
	gdt[SEL_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x8bULL << 40) |
			    (((base >> 24) & 0xff) << 56);
	gdt[(SEL_TSS >> 3) + 1] = base >> 32;
}

static void write_idt(uint64_t *idt)
{
	for (int vector = 0; vector < 32; vector++) {
		uint64_t handler = TRAMPOLINE_VA(trampoline_exceptions) + vector * TRAMPOLINE_STUB_SIZE;
		/* int3 (3) and into (4) may be raised from ring 3, as on Linux. */
		uint64_t dpl = (vector == 3 || vector == 4) ? 3 : 0;
		idt[2 * vector] = (handler & 0xffff) | ((uint64_t)SEL_KERNEL_CS << 16) |
				  ((0x8eULL | dpl << 5) << 40) | (((handler >> 16) & 0xffff) << 48);
		idt[2 * vector + 1] = handler >> 32;
	}
	/* Vectors 32..255 stay not-present: `int N` from ring 3 becomes #GP/#NP. */
}

_Static_assert(MAX_VCPUS * GATE_BOX_SIZE <= GATE_BOXES_BELOW, "one gate box per vCPU");

void cpu_write_system_tables(struct physmem *pm)
{
	write_gdt(physmem_host(pm, SYS_GDT));
	write_idt(physmem_host(pm, SYS_IDT));
	memcpy(physmem_host(pm, SYS_TRAMPOLINE), trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	memcpy(physmem_host(pm, SYS_GATE_GPA), gate_start, (size_t)(gate_end - gate_start));
}

static struct kvm_segment segment(uint16_t selector, uint8_t type, int code)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = selector & 3, .db = !code, .s = 1, .l = code, .g = 1,
	};
}

/* XSAVE features the guest may use (XCR0) and the size of their area. */
static uint64_t fpu_features = 3; /* x87 and SSE: always present */
static size_t fpu_user_size = 512 + 64;

uint64_t cpu_fpu_features(void)
{
	return fpu_features;
}

size_t cpu_fpu_user_size(void)
{
	return fpu_user_size;
}

static int set_cpuid(struct vm *vm, struct vcpu *vcpu, uint64_t *xcr0)
{
	int n = 128;
	struct kvm_cpuid2 *cpuid = calloc(1, sizeof(*cpuid) + n * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -ENOMEM;
	cpuid->nent = n;
	int err = 0;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0 ||
	    ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
		err = -errno;
	*xcr0 = 0;
	for (unsigned i = 0; i < cpuid->nent; i++) {
		if (cpuid->entries[i].function == 0xd && cpuid->entries[i].index == 0) {
			*xcr0 = cpuid->entries[i].eax | (uint64_t)cpuid->entries[i].edx << 32;
			if (*xcr0)
				fpu_features = *xcr0;
			/* ECX: the area size for every supported feature (all are enabled). */
			if (cpuid->entries[i].ecx >= fpu_user_size && cpuid->entries[i].ecx <= 4096)
				fpu_user_size = cpuid->entries[i].ecx;
		}
	}
	free(cpuid);
	return err;
}

int cpu_setup(struct vm *vm, struct physmem *pm, struct vcpu *vcpu, const struct platform *platform,
	      uint64_t cr3)
{
	uint64_t xcr0;
	int err = set_cpuid(vm, vcpu, &xcr0);
	if (err)
		return err;

	struct kvm_sregs sregs;
	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	/*
	 * The vCPU starts in ring 0 on the trampoline's iretq, like a kernel
	 * entering its first process: PVM only tracks the guest's privilege
	 * level across SYSCALL and iretq when ring 3 was entered that way.
	 */
	sregs.cs = segment(SEL_KERNEL_CS, 0xb, 1);
	sregs.ss = segment(SEL_KERNEL_DS, 0x3, 0);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = segment(SEL_USER_DS, 0x3, 0);
	sregs.tr = (struct kvm_segment){.base = SYS_VCPU_PAGE(vcpu->id), .limit = sizeof(struct tss64) - 1,
					.selector = SEL_TSS, .type = 0xb, .present = 1};
	sregs.ldt = (struct kvm_segment){.unusable = 1};
	sregs.gdt.base = SYS_GDT;
	sregs.gdt.limit = GDT_ENTRIES * 8 - 1;
	sregs.idt.base = SYS_IDT;
	sregs.idt.limit = 256 * 16 - 1;
	sregs.cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG;
	sregs.cr3 = cr3;
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | (xcr0 ? CR4_OSXSAVE : 0);
	sregs.efer = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;

	/* Its TSS, written when the vCPU is made: untouched pages cost nothing. */
	struct tss64 *tss = physmem_host(pm, SYS_VCPU_PAGE(vcpu->id));
	memset(tss, 0, sizeof(*tss));
	tss->rsp[0] = SYS_VCPU_KSTACK_TOP(vcpu->id);
	tss->iomap_base = sizeof(*tss); /* no I/O bitmap: ring-3 in/out faults */

	const struct kvm_msr_entry entries[] = {
		{.index = MSR_STAR, .data = (uint64_t)SEL_KERNEL_CS << 32 | (uint64_t)SEL_USER32_CS << 48},
		{.index = MSR_LSTAR, .data = platform_lstar(platform, vcpu->id)},
		{.index = MSR_CSTAR, .data = platform_lstar(platform, vcpu->id)},
		{.index = MSR_SFMASK, .data = SYSCALL_FLAG_MASK},
		{.index = MSR_KERNEL_GS_BASE, .data = 0},
	};
	enum { NMSRS = sizeof(entries) / sizeof(entries[0]) };
	/* struct kvm_msrs ends in a flexible array: build it in a buffer. */
	_Alignas(struct kvm_msrs) unsigned char buf[sizeof(struct kvm_msrs) + sizeof(entries)];
	struct kvm_msrs *msrs = (struct kvm_msrs *)buf;
	msrs->nmsrs = NMSRS;
	msrs->pad = 0;
	memcpy(msrs->entries, entries, sizeof(entries));
	if (ioctl(vcpu->fd, KVM_SET_MSRS, msrs) != NMSRS)
		return -EINVAL;

	if (xcr0) {
		struct kvm_xcrs xcrs = {.nr_xcrs = 1, .xcrs = {{.xcr = 0, .value = xcr0}}};
		if (ioctl(vcpu->fd, KVM_SET_XCRS, &xcrs) < 0)
			return -errno;
	}

	return 0;
}

/* Reads or writes the base of FS (gs false) or GS (gs true). */
static int segment_base(struct vcpu *vcpu, bool gs, uint64_t *base, bool set)
{
	struct kvm_sregs sregs;
	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	struct kvm_segment *seg = gs ? &sregs.gs : &sregs.fs;
	if (!set) {
		*base = seg->base;
		return 0;
	}
	seg->base = *base;
	if (ioctl(vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;
	return 0;
}

int cpu_set_fs_base(struct vcpu *vcpu, uint64_t base)
{
	return segment_base(vcpu, false, &base, true);
}

int cpu_get_fs_base(struct vcpu *vcpu, uint64_t *base)
{
	return segment_base(vcpu, false, base, false);
}

int cpu_set_gs_base(struct vcpu *vcpu, uint64_t base)
{
	return segment_base(vcpu, true, &base, true);
}

int cpu_get_gs_base(struct vcpu *vcpu, uint64_t *base)
{
	return segment_base(vcpu, true, base, false);
}

int cpu_get_cr2(struct vcpu *vcpu, uint64_t *cr2)
{
	struct kvm_sregs sregs;
	if (ioctl(vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	*cr2 = sregs.cr2;
	return 0;
}

int cpu_get_fpu(struct vcpu *vcpu, struct kvm_xsave *state)
{
	return ioctl(vcpu->fd, KVM_GET_XSAVE, state) < 0 ? -errno : 0;
}

int cpu_set_fpu(struct vcpu *vcpu, const struct kvm_xsave *state)
{
	return ioctl(vcpu->fd, KVM_SET_XSAVE, state) < 0 ? -errno : 0;
}
