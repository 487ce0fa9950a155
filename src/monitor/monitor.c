// SPDX-License-Identifier: Apache-2.0
// The vCPU loop. Every system call and exception reaches here as a VM exit;
// the monitor serves it, delivers pending signals, and returns to ring 3
// with a user context it rebuilt itself (an iretq frame from ring 0, or
// plain registers when the vCPU never left ring 3), so guest state never
// passes through code the guest could influence.
#include "monitor/monitor.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "guest/trampoline.h"
#include "kernel/signal.h"
#include "monitor/fastcall.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "vm/cpu.h"
#include "vm/layout.h"

/* RFLAGS bits ring 3 may own: CF PF AF ZF SF TF DF OF AC ID. */
#define USER_RFLAGS 0x240dd5ULL
#define RFLAGS_FIXED 0x202ULL /* IF and the always-one bit */
#define SYSCALL_INSN_LEN 2

struct iret_frame {
	uint64_t rip, cs, rflags, rsp, ss;
};

/*
 * Puts t->ctx back on the vCPU: from ring 0 through iretq, from ring 3
 * directly. Where the vCPU is comes from how it exited (vcpu.in_ring0).
 */
static void resume(struct thread *t)
{
	bool in_ring0 = t->vcpu.in_ring0;
	struct kvm_regs *regs = &t->vcpu.run->s.regs.regs;
	*regs = t->ctx;
	regs->rflags = (t->ctx.rflags & USER_RFLAGS) | RFLAGS_FIXED;
	if (in_ring0) {
		struct iret_frame *frame = physmem_host(&t->g->mm.pm, SYS_VCPU_IRET_FRAME(t->vcpu.id));
		*frame = (struct iret_frame){
			.rip = t->ctx.rip, .cs = SEL_USER_CS, .rflags = regs->rflags,
			.rsp = t->ctx.rsp, .ss = SEL_USER_DS,
		};
		regs->rsp = SYS_VCPU_IRET_FRAME(t->vcpu.id);
		regs->rip = TRAMPOLINE_VA(trampoline_iret);
		regs->rflags = 0x2;
		t->vcpu.in_ring0 = false; /* once the iretq has run */
	}
	t->vcpu.run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

/* Calls that Linux never restarts once a handler has run (-ERESTARTNOHAND and kin). */
static bool restarts_after_handler(uint64_t nr)
{
	switch (nr) {
	case SYS_poll: case SYS_ppoll: case SYS_select: case SYS_pselect6:
	case SYS_epoll_wait: case SYS_epoll_pwait: case SYS_nanosleep: case SYS_clock_nanosleep:
	case SYS_pause: case SYS_rt_sigsuspend: case SYS_rt_sigtimedwait:
		return false;
	default:
		return true;
	}
}

/*
 * A call the monitor's host call returned EINTR for was interrupted by a
 * signal: restart it transparently, or let the handler see EINTR, as Linux
 * decides with -ERESTARTSYS.
 */
static void settle_interrupted(struct thread *t, uint64_t nr, long ret)
{
	if (ret != -EINTR || nr == SYS_rt_sigsuspend || nr == SYS_pause || nr == SYS_rt_sigtimedwait ||
	    nr == SYS_rt_sigreturn)
		return;
	enum signal_restart kind = signal_restart_kind(t);
	if (kind == RESTART_NONE || (kind == RESTART_AFTER_HANDLER && !restarts_after_handler(nr)))
		return;
	t->ctx.rip -= SYSCALL_INSN_LEN;
	t->ctx.rax = nr;
}

/*
 * Whether a signal is due before the call is made. One may already be in
 * the guest's queues when the call reaches the monitor: drained while the
 * vCPU was kicked out on its way to the exit (in the trampoline or the
 * gate, where it is not delivered), or queued by another thread. On Linux
 * it would have been delivered before the SYSCALL instruction ran; made
 * now, a call that blocks (a terminal read right after Ctrl-C) would sleep
 * with the signal pending, nothing left to interrupt it.
 */
static bool signal_due_before_call(struct thread *t, uint64_t nr)
{
	if (nr == SYS_rt_sigreturn)
		return false;
	signal_drain_host(t->g);
	return signal_pending(t);
}

/*
 * Finishes a call whose user context is in t->ctx: serves it unless the
 * server already answered it, then returns to ring 3 through any signal
 * handlers that are due.
 */
static void serve_call(struct thread *t, uint64_t rax, bool answered, long result)
{
	uint64_t nr = syscall_number(rax);
	const uint64_t args[6] = {t->ctx.rdi, t->ctx.rsi, t->ctx.rdx, t->ctx.r10, t->ctx.r8, t->ctx.r9};
	t->retried_fault = t->retried_rip = 0;
	if (!answered && signal_due_before_call(t, nr)) {
		/* As if it had come before the SYSCALL instruction: the call is made once the handler returns. */
		t->ctx.rip -= SYSCALL_INSN_LEN;
		t->ctx.rax = nr;
		signal_deliver(t, NULL);
		resume(t);
		return;
	}
	if (!answered)
		fastcall_count_exit();
	long ret = answered ? result : syscall_dispatch(t->g, nr, args);
	t->ctx.rax = (uint64_t)ret; /* rt_sigreturn returns the restored RAX itself */
	signal_drain_host(t->g);
	settle_interrupted(t, nr, ret);
	signal_deliver(t, NULL);
	resume(t);
}

/* Hardware KVM: SYSCALL left the user RIP in RCX and RFLAGS in R11, as on Linux. */
static void serve_syscall(struct thread *t)
{
	struct kvm_regs *regs = &t->vcpu.run->s.regs.regs;
	t->ctx = *regs;
	t->ctx.rip = regs->rcx;
	t->ctx.rflags = regs->r11;
	serve_call(t, regs->rax, false, 0);
}

/* PVM: the vCPU stopped inside the gate (its doorbell, or kicked out mid-call). */
static void serve_gate(struct thread *t)
{
	struct kvm_regs *regs = &t->vcpu.run->s.regs.regs;
	struct gate_call call;
	fastcall_settle(t, &call);
	t->vcpu.in_ring0 = false;
	t->ctx = *regs;
	t->ctx.rip = regs->rcx;
	t->ctx.rflags = t->ctx.r11 = call.user_r11;
	t->ctx.rsp = call.user_rsp;
	serve_call(t, call.nr, call.answered, call.result);
	if (!call.answered && syscall_off_vcpu_ok(call.nr, NULL))
		fastcall_wake(t);
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

/* The si_code Linux gives a fault, and whether it carries an address. */
static int fault_code(unsigned vector, bool mapped, bool *has_addr)
{
	*has_addr = true;
	switch (vector) {
	case 14: return mapped ? 2 /* SEGV_ACCERR */ : 1 /* SEGV_MAPERR */;
	case 0: return 1;  /* FPE_INTDIV */
	case 6: return 2;  /* ILL_ILLOPN */
	case 17: return 1; /* BUS_ADRALN */
	case 1: return 2;  /* TRAP_TRACE */
	default:
		*has_addr = false;
		return GUEST_SI_KERNEL; /* #GP, int3 and the rest: si_code SI_KERNEL, no address */
	}
}

/*
 * A page fault on memory the region map allows is a stale translation: a
 * permission was raised or a page filled in without a flush (see
 * paging.h). Flush and run the instruction again, once per fault site.
 */
static bool retry_spurious_fault(struct thread *t, uint64_t err, uint64_t cr2)
{
	struct mm *mm = &t->g->mm;
	int need = (err & PF_WRITE) ? PROT_WRITE : (err & PF_FETCH) ? PROT_EXEC : PROT_READ | PROT_WRITE | PROT_EXEC;
	bool locked = mm_read_lock(mm);
	const struct vma *v = vma_find(&mm->vmas, cr2);
	bool allowed = v && (v->prot & need);
	mm_read_unlock(mm, locked);
	if (!allowed || (t->retried_fault == cr2 && t->retried_rip == t->ctx.rip))
		return false;
	t->retried_fault = cr2;
	t->retried_rip = t->ctx.rip;
	mm_write_lock(mm);
	mm->pg.stale = true;
	mm_write_unlock(mm);
	return true;
}

/* A file mapping's pages past the end of its file: Linux raises SIGBUS there. */
static bool past_end_of_file(struct thread *t, uint64_t addr)
{
	struct mm *mm = &t->g->mm;
	bool locked = mm_read_lock(mm);
	const struct vma *v = vma_find(&mm->vmas, addr);
	bool past = v && v->kind == VMA_FILE && v->file.name &&
		    v->file.offset + ((addr & PAGE_MASK) - v->start) >= PAGE_ALIGN_UP(v->file.size);
	mm_read_unlock(mm, locked);
	return past;
}

static int serve_exception(struct thread *t, unsigned vector, const char **why)
{
	struct kvm_regs *regs = &t->vcpu.run->s.regs.regs;
	uint64_t at = regs->rsp + (has_error_code(vector) ? 8 : 0);
	uint64_t stack_top = SYS_VCPU_KSTACK_TOP(t->vcpu.id);
	if (at < stack_top - PAGE_SIZE / 2 || at + sizeof(struct iret_frame) > stack_top) {
		*why = "exception with a corrupt kernel stack";
		return -EIO;
	}
	const struct iret_frame *frame = physmem_host(&t->g->mm.pm, at);
	if (frame->cs != SEL_USER_CS) {
		*why = "exception inside the trampoline";
		return -EIO;
	}
	uint64_t error = has_error_code(vector) ? *((const uint64_t *)frame - 1) : 0;
	t->ctx = *regs;
	t->ctx.rip = frame->rip;
	t->ctx.rflags = frame->rflags;
	t->ctx.rsp = frame->rsp;
	uint64_t cr2 = 0;
	if (vector == 14) {
		cpu_get_cr2(&t->vcpu, &cr2);
		if (past_end_of_file(t, cr2)) {
			struct guest_siginfo info = {.signo = SIGBUS, .code = 2 /* BUS_ADRERR */, .fault.addr = cr2};
			struct fault_regs fault = {.signo = SIGBUS, .trapno = 14, .err = error & ~1ULL, .cr2 = cr2};
			signal_force_fault(t, &info);
			signal_deliver(t, &fault);
			resume(t);
			return 0;
		}
		if (retry_spurious_fault(t, error, cr2)) {
			resume(t);
			return 0;
		}
	}
	vector = platform_fault_vector(&t->g->platform, &t->g->mm, t->ctx.rip, vector);
	bool mapped = false;
	if (vector == 14) {
		bool locked = mm_read_lock(&t->g->mm);
		const struct vma *v = vma_find(&t->g->mm.vmas, cr2);
		mapped = v != NULL;
		/*
		 * Present means a protection fault, as Linux reports it: PROT_NONE
		 * is not present, the kernel half always is.
		 */
		bool present = cr2 >= 0xffff800000000000ULL;
		if (v && (v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
			/* Linux maps lazily: a page is present once touched, which the host knows. */
			unsigned char resident = 0;
			void *host = physmem_host(&t->g->mm.pm, v->gpa + ((cr2 & PAGE_MASK) - v->start));
			present = mincore(host, PAGE_SIZE, &resident) == 0 && (resident & 1);
		}
		error = (error & ~1ULL) | (present ? 1 : 0);
		mm_read_unlock(&t->g->mm, locked);
	}
	bool has_addr;
	struct guest_siginfo info = {.signo = fault_signal(vector), .code = fault_code(vector, mapped, &has_addr)};
	if (has_addr)
		info.fault.addr = vector == 14 ? cr2 : t->ctx.rip;
	struct fault_regs fault = {.signo = info.signo, .trapno = vector, .err = error, .cr2 = cr2};
	signal_force_fault(t, &info);
	signal_drain_host(t->g);
	signal_deliver(t, &fault);
	resume(t);
	return 0;
}

/*
 * The guest read or wrote the doorbell page itself. On Linux that address is
 * unmapped: SIGSEGV with SEGV_MAPERR at the faulting instruction. KVM must
 * first finish the access it started (immediate_exit completes it without
 * entering the guest); the registers from before it are the fault context.
 */
static void serve_doorbell_fault(struct thread *t)
{
	struct kvm_run *run = t->vcpu.run;
	bool write = run->mmio.is_write;
	uint64_t addr = SYS_DOORBELL + (run->mmio.phys_addr - SYS_DOORBELL_GPA);
	struct kvm_regs before = run->s.regs.regs;
	run->immediate_exit = 1;
	kvm_vcpu_run(&t->vcpu);
	run->immediate_exit = 0;
	t->ctx = before;
	struct guest_siginfo info = {.signo = SIGSEGV, .code = 1 /* SEGV_MAPERR */, .fault.addr = addr};
	struct fault_regs fault = {.signo = SIGSEGV, .trapno = 14, .err = 4 | (write ? 2 : 0), .cr2 = addr};
	signal_force_fault(t, &info);
	signal_deliver(t, &fault);
	resume(t);
}

/*
 * KVM could not reach the host page behind a guest page. The only such pages
 * are a shared file mapping's past the end of its file (it shrank after the
 * mapping was made): Linux raises SIGBUS there. KVM does not say where.
 */
static bool serve_host_fault(struct thread *t)
{
	struct mm *mm = &t->g->mm;
	bool locked = mm_read_lock(mm), file_backed = false;
	for (size_t i = 0; i < mm->vmas.n && !file_backed; i++)
		file_backed = mm->vmas.v[i].shared && mm->vmas.v[i].kind == VMA_FILE;
	mm_read_unlock(mm, locked);
	if (!file_backed)
		return false;
	t->vcpu.in_ring0 = false;
	t->ctx = t->vcpu.run->s.regs.regs;
	struct guest_siginfo info = {.signo = SIGBUS, .code = 2 /* BUS_ADRERR */};
	struct fault_regs fault = {.signo = SIGBUS, .trapno = 14, .err = 4};
	signal_force_fault(t, &info);
	signal_deliver(t, &fault);
	resume(t);
	return true;
}

/* Kicked out of the guest by a host signal: deliver if it is safe to. */
static void serve_interruption(struct thread *t)
{
	struct kvm_regs *regs = &t->vcpu.run->s.regs.regs;
	t->vcpu.run->immediate_exit = 0;
	signal_drain_host(t->g);
	/* In the ring-0 trampoline the vCPU is mid-exit: the exit itself comes next. */
	if (regs->rip - SYS_TRAMPOLINE < PAGE_SIZE)
		return;
	/* In the gate it may never come: the server may answer without one. */
	if (fastcall_in_gate(regs->rip)) {
		serve_gate(t);
		return;
	}
	t->vcpu.in_ring0 = false;
	t->ctx = *regs;
	signal_deliver(t, NULL);
	resume(t);
}

int monitor_run_thread(struct thread *t, const char **why)
{
	struct kvm_run *run = t->vcpu.run;
	struct mm *mm = &t->g->mm;
	signal_host_thread_start();
	fastcall_attach(t);
	resume(t);
	for (;;) {
		atomic_store(&t->kernel_epoch, 0);
		thread_enter_guest(t);
		fastcall_release(t);
		int err = kvm_vcpu_run(&t->vcpu);
		thread_leave_guest(t);
		fastcall_claim(t);
		/* Announced before any translation: see struct mm on quarantine. */
		atomic_store(&t->kernel_epoch, atomic_load(&mm->epoch) + 1);
		thread_end_if_replaced(t);
		/* EAGAIN: KVM gave up before it loaded the registers (kvm_vcpu_bind_task). */
		if (err != -EAGAIN)
			run->kvm_dirty_regs = 0;
		if (err == -EINTR || err == -EAGAIN) {
			serve_interruption(t);
			continue;
		}
		if (err == -EFAULT && serve_host_fault(t))
			continue;
		if (err) {
			*why = "KVM_RUN";
			return err;
		}
		if (run->exit_reason == KVM_EXIT_MMIO) {
			t->vcpu.in_ring0 = false;
			if (platform_is_syscall_doorbell(&t->g->platform, run))
				serve_gate(t);
			else
				serve_doorbell_fault(t);
			continue;
		}
		if (run->exit_reason == KVM_EXIT_INTR) {
			serve_interruption(t);
			continue;
		}
		if (run->exit_reason != KVM_EXIT_IO) {
			static char reason[64];
			snprintf(reason, sizeof(reason), "unexpected VM exit %u", run->exit_reason);
			*why = reason;
			return -EIO;
		}
		unsigned port = run->io.port;
		t->vcpu.in_ring0 = true; /* every port exit comes from the ring-0 trampoline */
		if (port == PORT_SYSCALL)
			serve_syscall(t);
		else if (port >= PORT_EXCEPTION_BASE && port < PORT_EXCEPTION_BASE + 32)
			err = serve_exception(t, port - PORT_EXCEPTION_BASE, why);
		else {
			*why = "VM exit on an unknown port";
			err = -EIO;
		}
		if (err)
			return err;
	}
}
