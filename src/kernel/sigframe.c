// SPDX-License-Identifier: Apache-2.0
// Signal frames in the x86-64 Linux layout, so that glibc's restorer, a
// handler reading ucontext (REG_RIP, REG_ERR...) and siglongjmp all work:
//
//   [fpstate: XSAVE area + FP_XSTATE_MAGIC2, 64-aligned]
//   rt_sigframe { pretcode (sa_restorer), ucontext, siginfo }  <- handler RSP
//
// Everything read back by sigreturn comes from guest memory the guest could
// have rewritten, so it is checked as any other system-call input.
#include "kernel/sigframe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/syscall.h"
#include "vm/cpu.h"
#include "vm/layout.h"

#define UC_FP_XSTATE 0x1
#define UC_SIGCONTEXT_SS 0x2
#define UC_STRICT_RESTORE_SS 0x4
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define REDZONE 128
#define KERNEL_SA_RESTORER 0x04000000
#define KERNEL_SS_AUTODISARM (1U << 31)

/* RFLAGS a handler may change through the context: CF PF AF ZF SF TF DF OF AC RF. */
#define SIGRETURN_FLAGS 0x50dd5ULL

struct guest_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2, fpstate;
	uint64_t reserved1[8];
};

struct guest_ucontext {
	uint64_t flags, link;
	struct {
		uint64_t sp;
		int32_t flags, pad;
		uint64_t size;
	} stack;
	struct guest_sigcontext mcontext;
	uint64_t sigmask;
};

struct rt_sigframe {
	uint64_t pretcode;
	struct guest_ucontext uc;
	struct guest_siginfo info;
};

_Static_assert(sizeof(struct guest_sigcontext) == 256, "sigcontext layout");
_Static_assert(sizeof(struct guest_siginfo) == 128, "siginfo layout");
_Static_assert(offsetof(struct rt_sigframe, info) == 312, "rt_sigframe layout");

/* The XSAVE software-reserved bytes Linux fills at offset 464 of the area. */
struct fpx_sw_bytes {
	uint32_t magic1, extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size, padding[7];
};
#define FPX_SW_OFFSET 464
#define XSAVE_HEADER_OFFSET 512
#define MXCSR_OFFSET 24
#define MXCSR_MASK_OFFSET 28

static bool on_altstack(const stack_t *ss, uint64_t sp)
{
	return !(ss->ss_flags & SS_DISABLE) && sp - (uint64_t)ss->ss_sp <= ss->ss_size;
}

int sigframe_push(struct thread *t, const struct guest_sigaction *act, const struct guest_siginfo *info,
		  const struct fault_regs *fault, uint64_t old_mask)
{
	struct guest *g = t->g;
	struct kvm_regs *ctx = &t->ctx;
	if (!(act->flags & KERNEL_SA_RESTORER))
		return -EFAULT; /* x86-64 has no kernel-provided restorer */

	uint64_t sp = ctx->rsp;
	stack_t saved_stack = t->altstack;
	bool was_on = on_altstack(&t->altstack, sp);
	if ((act->flags & SA_ONSTACK) && !(t->altstack.ss_flags & SS_DISABLE) && !was_on) {
		sp = (uint64_t)t->altstack.ss_sp + t->altstack.ss_size;
		if (t->altstack.ss_flags & KERNEL_SS_AUTODISARM)
			t->altstack = (stack_t){.ss_flags = SS_DISABLE};
	} else {
		sp -= REDZONE;
	}

	size_t xsize = cpu_fpu_user_size();
	struct kvm_xsave *fpu = calloc(1, sizeof(*fpu));
	if (!fpu || cpu_get_fpu(&t->vcpu, fpu)) {
		free(fpu);
		return -EFAULT;
	}
	uint8_t *area = (uint8_t *)fpu->region;
	struct fpx_sw_bytes sw = {
		.magic1 = FP_XSTATE_MAGIC1, .extended_size = (uint32_t)xsize + 4,
		.xfeatures = cpu_fpu_features(), .xstate_size = (uint32_t)xsize,
	};
	memcpy(area + FPX_SW_OFFSET, &sw, sizeof(sw));
	sp = (sp - xsize - 4) & ~63ULL;
	uint64_t fpstate = sp;
	uint32_t magic2 = FP_XSTATE_MAGIC2;
	int err = gmem_copy_out(&g->mm, fpstate, area, xsize);
	err = err ? err : gmem_copy_out(&g->mm, fpstate + xsize, &magic2, sizeof(magic2));
	free(fpu);

	uint64_t frame_at = ((sp - sizeof(struct rt_sigframe) + 8) & ~15ULL) - 8;
	struct rt_sigframe frame = {
		.pretcode = act->restorer,
		.uc = {
			.flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS,
			.stack = {(uint64_t)saved_stack.ss_sp,
				  was_on ? SS_ONSTACK : saved_stack.ss_flags, 0, saved_stack.ss_size},
			.mcontext = {
				.r8 = ctx->r8, .r9 = ctx->r9, .r10 = ctx->r10, .r11 = ctx->r11,
				.r12 = ctx->r12, .r13 = ctx->r13, .r14 = ctx->r14, .r15 = ctx->r15,
				.rdi = ctx->rdi, .rsi = ctx->rsi, .rbp = ctx->rbp, .rbx = ctx->rbx,
				.rdx = ctx->rdx, .rax = ctx->rax, .rcx = ctx->rcx, .rsp = ctx->rsp,
				.rip = ctx->rip, .eflags = ctx->rflags,
				.cs = SEL_USER_CS, .ss = SEL_USER_DS,
				.err = fault ? fault->err : 0, .trapno = fault ? fault->trapno : 0,
				.oldmask = old_mask, .cr2 = fault ? fault->cr2 : 0, .fpstate = fpstate,
			},
			.sigmask = old_mask,
		},
		.info = *info,
	};
	err = err ? err : gmem_copy_out(&g->mm, frame_at, &frame, sizeof(frame));
	if (err)
		return -EFAULT;

	ctx->rdi = (uint64_t)info->signo;
	ctx->rsi = frame_at + offsetof(struct rt_sigframe, info);
	ctx->rdx = frame_at + offsetof(struct rt_sigframe, uc);
	ctx->rax = 0;
	ctx->rsp = frame_at;
	ctx->rip = act->handler;
	ctx->rflags &= ~(0x100ULL | 0x400ULL | 0x10000ULL); /* TF, DF, RF */
	return 0;
}

/* Loads the FPU state a frame names, refusing what XRSTOR would refuse. */
static int restore_fpu(struct thread *t, uint64_t fpstate)
{
	struct kvm_xsave *fpu = calloc(1, sizeof(*fpu));
	if (!fpu)
		return -ENOMEM;
	int err = cpu_get_fpu(&t->vcpu, fpu); /* for MXCSR_MASK and a clean template */
	uint8_t *area = (uint8_t *)fpu->region;
	uint32_t mxcsr_mask;
	memcpy(&mxcsr_mask, area + MXCSR_MASK_OFFSET, sizeof(mxcsr_mask));
	if (!mxcsr_mask)
		mxcsr_mask = 0xffbf;
	if (!err && fpstate) {
		size_t xsize = cpu_fpu_user_size();
		memset(area, 0, sizeof(fpu->region));
		err = gmem_copy_in(&t->g->mm, area, fpstate, xsize);
		uint64_t *header = (uint64_t *)(area + XSAVE_HEADER_OFFSET);
		header[0] &= cpu_fpu_features(); /* XSTATE_BV */
		memset(header + 1, 0, 56);      /* XCOMP_BV (standard format) and reserved */
		uint32_t mxcsr;
		memcpy(&mxcsr, area + MXCSR_OFFSET, sizeof(mxcsr));
		if (mxcsr & ~mxcsr_mask)
			err = -EFAULT;
		memset(area + FPX_SW_OFFSET, 0, sizeof(struct fpx_sw_bytes));
	} else if (!err) {
		/* No FPU context: the initial state, as Linux restores. */
		memset(area, 0, sizeof(fpu->region));
		uint16_t fcw = 0x37f;
		uint32_t mxcsr = 0x1f80;
		memcpy(area, &fcw, sizeof(fcw));
		memcpy(area + MXCSR_OFFSET, &mxcsr, sizeof(mxcsr));
	}
	if (!err && cpu_set_fpu(&t->vcpu, fpu))
		err = -EFAULT;
	free(fpu);
	return err;
}

int sigframe_pop(struct thread *t)
{
	struct kvm_regs *ctx = &t->ctx;
	struct rt_sigframe frame;
	/* The handler's `ret` popped pretcode: the frame starts 8 bytes below. */
	if (gmem_copy_in(&t->g->mm, &frame, ctx->rsp - 8, sizeof(frame)))
		return -EFAULT;
	const struct guest_sigcontext *sc = &frame.uc.mcontext;
	/* Linux loads the frame's cs (RPL forced to 3) and the return faults unless it names the 64-bit
	 * user code segment: SIGSEGV. (Its 32-bit one would switch to compat mode, which is not served.) */
	if ((sc->cs | 3) != SEL_USER_CS || restore_fpu(t, sc->fpstate))
		return -EFAULT;
	*ctx = (struct kvm_regs){
		.r8 = sc->r8, .r9 = sc->r9, .r10 = sc->r10, .r11 = sc->r11,
		.r12 = sc->r12, .r13 = sc->r13, .r14 = sc->r14, .r15 = sc->r15,
		.rdi = sc->rdi, .rsi = sc->rsi, .rbp = sc->rbp, .rbx = sc->rbx,
		.rdx = sc->rdx, .rax = sc->rax, .rcx = sc->rcx, .rsp = sc->rsp, .rip = sc->rip,
		/* Only the bits ring 3 owns; segment selectors are always ours. */
		.rflags = (ctx->rflags & ~SIGRETURN_FLAGS) | (sc->eflags & SIGRETURN_FLAGS),
	};
	pthread_mutex_lock(&t->g->lock);
	t->sigmask = frame.uc.sigmask & ~UNBLOCKABLE;
	pthread_mutex_unlock(&t->g->lock);
	/* Restore the alternate stack as sigaltstack would, ignoring errors. */
	if (!on_altstack(&t->altstack, ctx->rsp)) {
		int mode = frame.uc.stack.flags & ~(int)KERNEL_SS_AUTODISARM;
		if (mode == SS_DISABLE)
			t->altstack = (stack_t){.ss_flags = SS_DISABLE};
		else if (frame.uc.stack.size >= 2048 && (mode == 0 || mode == SS_ONSTACK))
			t->altstack = (stack_t){.ss_sp = (void *)frame.uc.stack.sp,
						.ss_flags = frame.uc.stack.flags & (int)KERNEL_SS_AUTODISARM,
						.ss_size = frame.uc.stack.size};
	}
	return 0;
}
