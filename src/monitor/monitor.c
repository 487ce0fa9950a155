// SPDX-License-Identifier: Apache-2.0
// The vCPU loop. Every system call and exception reaches here as an I/O exit
// from the trampoline; the monitor serves it and returns to ring 3 through an
// iretq frame it builds itself, so guest state never passes through code the
// guest could influence.
#include "monitor/monitor.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>

#include "guest/trampoline.h"
#include "kernel/syscall.h"
#include "vm/cpu.h"
#include "vm/layout.h"

/* RFLAGS bits ring 3 may own: CF PF AF ZF SF TF DF OF AC ID. */
#define USER_RFLAGS 0x240dd5ULL
#define RFLAGS_FIXED 0x202ULL /* IF and the always-one bit */

struct iret_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

static void return_to_user(struct guest *g, const struct platform *platform, uint64_t rip,
			   uint64_t rflags, uint64_t rsp)
{
	struct kvm_regs *regs = &g->vm.run->s.regs.regs;
	struct iret_frame *frame = physmem_host(&g->mm.pm, SYS_IRET_FRAME);
	*frame = (struct iret_frame){
		.rip = rip, .cs = SEL_USER_CS, .rflags = (rflags & USER_RFLAGS) | RFLAGS_FIXED,
		.rsp = rsp, .ss = SEL_USER_DS,
	};
	regs->rsp = SYS_IRET_FRAME;
	regs->rip = TRAMPOLINE_VA(trampoline_iret);
	if (g->mm.pg.stale && platform->ring0_native) {
		regs->rip = TRAMPOLINE_VA(trampoline_flush_iret);
		g->mm.pg.stale = false;
	}
	g->vm.run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

/*
 * SYSCALL left the user RIP in RCX and RFLAGS in R11, as on Linux. From the
 * ring-0 entry the return is an iretq; from the PVM doorbell the vCPU is
 * still in ring 3 on the user's stack, so the registers are simply set.
 */
static void serve_syscall(struct guest *g, const struct platform *platform, bool in_ring3)
{
	struct kvm_regs *regs = &g->vm.run->s.regs.regs;
	const uint64_t args[6] = {regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9};
	uint64_t rip = regs->rcx, rflags = regs->r11;
	g->retried_fault = g->retried_rip = 0;
	regs->rax = (uint64_t)syscall_dispatch(g, regs->rax, args);
	if (g->exited)
		return;
	if (!in_ring3) {
		return_to_user(g, platform, rip, rflags, regs->rsp);
		return;
	}
	regs->rip = rip;
	regs->rflags = (rflags & USER_RFLAGS) | RFLAGS_FIXED;
	g->vm.run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

static int fault_signal(unsigned vector)
{
	switch (vector) {
	case 0: case 7: case 16: case 19: return SIGFPE;   /* #DE #NM #MF #XM */
	case 1: case 3: return SIGTRAP;                    /* #DB #BP */
	case 6: return SIGILL;                             /* #UD */
	case 11: case 12: case 17: case 18: return SIGBUS; /* #NP #SS #AC #MC */
	default: return SIGSEGV;                           /* #PF #GP #TS #BR #OF ... */
	}
}

static bool has_error_code(unsigned vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 ||
	       vector == 29 || vector == 30;
}

#define PF_WRITE (1U << 1)
#define PF_FETCH (1U << 4)

/*
 * A page fault on memory the region map allows is a stale translation: a
 * permission was raised or a page filled in without a flush (see
 * paging.h). Flush and run the instruction again, once per fault site.
 */
static bool retry_spurious_fault(struct guest *g, const struct platform *platform,
				 const struct iret_frame *frame)
{
	uint64_t cr2;
	uint64_t error = *((const uint64_t *)frame - 1);
	if (cpu_get_cr2(&g->vm, &cr2))
		return false;
	const struct vma *v = vma_find(&g->mm.vmas, cr2);
	int need = (error & PF_WRITE) ? PROT_WRITE : (error & PF_FETCH) ? PROT_EXEC
									: PROT_READ | PROT_WRITE | PROT_EXEC;
	if (!v || !(v->prot & need) || (g->retried_fault == cr2 && g->retried_rip == frame->rip))
		return false;
	g->retried_fault = cr2;
	g->retried_rip = frame->rip;
	g->mm.pg.stale = true;
	return_to_user(g, platform, frame->rip, frame->rflags, frame->rsp);
	return true;
}

static int serve_exception(struct guest *g, const struct platform *platform, unsigned vector,
			   const char **why)
{
	struct kvm_regs *regs = &g->vm.run->s.regs.regs;
	uint64_t at = regs->rsp + (has_error_code(vector) ? 8 : 0);
	if (at < SYS_KSTACK_BOTTOM || at + sizeof(struct iret_frame) > SYS_KSTACK_TOP) {
		*why = "exception with a corrupt kernel stack";
		return -EIO;
	}
	const struct iret_frame *frame = physmem_host(&g->mm.pm, at);
	if (frame->cs != SEL_USER_CS) {
		*why = "exception inside the trampoline";
		return -EIO;
	}
	if (vector == 14 && retry_spurious_fault(g, platform, frame))
		return 0;
	vector = platform_fault_vector(platform, &g->mm, frame->rip, vector);
	int sig = fault_signal(vector);
	if (g->trace) {
		uint64_t addr = frame->rip;
		if (vector == 14)
			cpu_get_cr2(&g->vm, &addr);
		fprintf(g->trace, "--- %s {si_addr=%#llx, vector=%u, rip=%#llx} ---\n", sigabbrev_np(sig),
			(unsigned long long)addr, vector, (unsigned long long)frame->rip);
	}
	/* A fault the guest cannot handle yet ends it the way Linux's default action does. */
	guest_kill(g, sig);
	return 0;
}

int monitor_run(struct guest *g, const struct platform *platform, uint64_t entry, uint64_t rsp,
		const char **why)
{
	struct kvm_run *run = g->vm.run;
	return_to_user(g, platform, entry, 0, rsp);
	int err = physmem_sync_sys_slot(&g->mm.pm);
	g->mm.pg.stale = false;
	if (err) {
		*why = "registering the page tables";
		return err;
	}
	while (!g->exited) {
		/* On PVM the guest sees edited page tables only through a fresh memslot. */
		if ((g->mm.pg.stale && !platform->ring0_native) ||
		    g->mm.pm.sys_used > g->mm.pm.sys_slot_size) {
			err = physmem_sync_sys_slot(&g->mm.pm);
			if (err) {
				*why = "updating the page tables";
				return err;
			}
			g->mm.pg.stale = false;
		}
		err = kvm_vcpu_run(&g->vm);
		run->kvm_dirty_regs = 0;
		if (err == -EINTR || err == -EAGAIN)
			continue;
		if (err) {
			*why = "KVM_RUN";
			return err;
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			if (platform_is_syscall_doorbell(platform, run))
				serve_syscall(g, platform, true);
			else /* the guest touched the doorbell itself: unmapped memory on Linux */
				guest_kill(g, SIGSEGV);
			continue;
		}
		if (run->exit_reason != KVM_EXIT_IO) {
			static char reason[64];
			snprintf(reason, sizeof(reason), "unexpected VM exit %u", run->exit_reason);
			*why = reason;
			return -EIO;
		}
		unsigned port = run->io.port;
		if (port == PORT_SYSCALL)
			serve_syscall(g, platform, false);
		else if (port >= PORT_EXCEPTION_BASE && port < PORT_EXCEPTION_BASE + 32)
			err = serve_exception(g, platform, port - PORT_EXCEPTION_BASE, why);
		else {
			*why = "VM exit on an unknown port";
			err = -EIO;
		}
		if (err)
			return err;
	}
	return 0;
}
