// SPDX-License-Identifier: Apache-2.0
// Signal state and the default actions. Dispositions and the mask are kept
// per guest; a signal the guest raises on itself takes its default action
// (handler delivery arrives with the signals stage, see docs/syscalls.md).
#include <string.h>
#include <unistd.h>

#include "kernel/syscall.h"

#define SIG_BIT(sig) (1ULL << ((sig) - 1))
#define UNBLOCKABLE (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* The kernel's values (glibc's MINSIGSTKSZ is a runtime query). */
#define KERNEL_SS_AUTODISARM (1U << 31)
#define KERNEL_MINSIGSTKSZ 2048

void guest_kill(struct guest *g, int sig)
{
	if (g->trace)
		fprintf(g->trace, "+++ killed by %s +++\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	g->exited = true;
	g->exit_status = 128 + sig;
}

static bool default_ignores(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

void guest_raise(struct guest *g, int sig)
{
	const struct guest_sigaction *act = &g->sigactions[sig];
	if (act->handler == (uint64_t)(uintptr_t)SIG_IGN && sig != SIGKILL)
		return;
	if (act->handler == (uint64_t)(uintptr_t)SIG_DFL && default_ignores(sig))
		return;
	guest_kill(g, sig);
}

long sys_rt_sigaction(struct guest *g, const uint64_t *a)
{
	int sig = (int)a[0];
	if (a[3] != sizeof(uint64_t) || sig < 1 || sig > GUEST_NSIG)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	struct guest_sigaction act;
	if (a[1] && gmem_copy_in(&g->mm, &act, a[1], sizeof(act)))
		return -EFAULT;
	if (a[2] && gmem_copy_out(&g->mm, a[2], &g->sigactions[sig], sizeof(act)))
		return -EFAULT;
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		g->sigactions[sig] = act;
	}
	return 0;
}

long sys_rt_sigprocmask(struct guest *g, const uint64_t *a)
{
	int how = (int)a[0];
	if (a[3] != sizeof(uint64_t))
		return -EINVAL;
	uint64_t set = 0;
	if (a[1] && gmem_copy_in(&g->mm, &set, a[1], sizeof(set)))
		return -EFAULT;
	if (a[1] && how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
		return -EINVAL;
	if (a[2] && gmem_copy_out(&g->mm, a[2], &g->sigmask, sizeof(g->sigmask)))
		return -EFAULT;
	if (!a[1])
		return 0;
	if (how == SIG_BLOCK)
		g->sigmask |= set;
	else if (how == SIG_UNBLOCK)
		g->sigmask &= ~set;
	else
		g->sigmask = set;
	g->sigmask &= ~UNBLOCKABLE;
	return 0;
}

long sys_sigaltstack(struct guest *g, const uint64_t *a)
{
	stack_t want;
	if (a[0] && gmem_copy_in(&g->mm, &want, a[0], sizeof(want)))
		return -EFAULT;
	if (a[1] && gmem_copy_out(&g->mm, a[1], &g->altstack, sizeof(g->altstack)))
		return -EFAULT;
	if (!a[0])
		return 0;
	if (want.ss_flags & ~(SS_DISABLE | KERNEL_SS_AUTODISARM))
		return -EINVAL;
	if (want.ss_flags & SS_DISABLE) {
		g->altstack = (stack_t){.ss_flags = SS_DISABLE};
		return 0;
	}
	if (want.ss_size < KERNEL_MINSIGSTKSZ)
		return -ENOMEM;
	g->altstack = want;
	return 0;
}

/* Signals to the guest itself; other processes do not exist yet. */
static long signal_self(struct guest *g, long pid, int sig)
{
	if (sig < 0 || sig > GUEST_NSIG)
		return -EINVAL;
	if (pid != getpid())
		return -ESRCH;
	if (sig)
		guest_raise(g, sig);
	return 0;
}

long sys_kill(struct guest *g, const uint64_t *a)
{
	long pid = (int)a[0];
	return signal_self(g, pid == 0 || pid == -1 || pid == -getpgrp() ? getpid() : pid, (int)a[1]);
}

long sys_tkill(struct guest *g, const uint64_t *a)
{
	return signal_self(g, (int)a[0], (int)a[1]);
}

long sys_tgkill(struct guest *g, const uint64_t *a)
{
	if ((int)a[0] != (int)a[1])
		return -ESRCH;
	return signal_self(g, (int)a[1], (int)a[2]);
}
