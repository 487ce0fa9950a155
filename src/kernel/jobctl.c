// SPDX-License-Identifier: Apache-2.0
// Job control on a terminal: the checks the host's terminal driver makes
// on behalf of the guest. Guest process groups and sessions are the host's
// (setpgid, tcsetpgrp and the controlling terminal are passed through), so
// the host decides who is in the background. But it decides by the calling
// host thread: a read from a background group sends SIGTTIN to the group
// and restarts, unless that thread blocks or ignores SIGTTIN (then EIO); a
// write with tostop, or a change of the terminal's modes or group, sends
// SIGTTOU, unless that thread blocks or ignores it (then the call goes
// ahead). The calling thread is a monitor thread whose host mask is not the
// guest thread's, so for these calls it takes the guest thread's answer.
#include "kernel/jobctl.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "kernel/signal.h"
#include "kernel/syscall.h"

/*
 * Blocks sig on the calling host thread for one call if the guest thread
 * blocks or ignores it. Every monitor thread that serves calls (the vCPU
 * thread, and its fastcall server) keeps SIGTTIN and SIGTTOU unblocked
 * otherwise, so a guest that takes them costs no extra system call. A
 * sigaction racing in another guest thread may or may not be seen, as on
 * Linux.
 */
void jobctl_enter(struct guest *g, int sig, struct jobctl_saved *saved)
{
	uint64_t handler = g->sigactions[sig].handler;
	saved->changed = (current->sigmask & SIG_BIT(sig)) || handler == (uint64_t)(uintptr_t)SIG_IGN;
	if (!saved->changed)
		return;
	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, sig);
	pthread_sigmask(SIG_BLOCK, &only, &saved->mask);
}

void jobctl_leave(const struct jobctl_saved *saved)
{
	if (saved->changed)
		pthread_sigmask(SIG_SETMASK, &saved->mask, NULL);
}

/* The terminal ioctls whose host driver sends SIGTTOU to a background caller. */
bool jobctl_ioctl_checks(unsigned long req)
{
	switch (req) {
	case TIOCSPGRP:
	case TCSETS: case TCSETSW: case TCSETSF:
	case TCFLSH: case TCXONC: case TCSBRK:
		return true;
	default:
		return false;
	}
}
