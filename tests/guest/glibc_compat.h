// SPDX-License-Identifier: Apache-2.0
// glibc's strerrorname_np and sigabbrev_np for C libraries without them
// (musl): the probes print errno and signal names, and a musl build's output
// must match glibc's byte for byte.
#ifndef AIRLOCK_TESTS_GUEST_GLIBC_COMPAT_H
#define AIRLOCK_TESTS_GUEST_GLIBC_COMPAT_H

#ifndef __GLIBC__
#include <errno.h>
#include <signal.h>
#include <stdio.h>

static inline const char *errname_fallback(int e)
{
	switch (e) {
#define NAME(x) case x: return #x;
	NAME(EPERM) NAME(ENOENT) NAME(ESRCH) NAME(EINTR) NAME(EIO) NAME(ENXIO) NAME(E2BIG) NAME(ENOEXEC)
	NAME(EBADF) NAME(ECHILD) NAME(EAGAIN) NAME(ENOMEM) NAME(EACCES) NAME(EFAULT) NAME(EBUSY)
	NAME(EEXIST) NAME(EXDEV) NAME(ENODEV) NAME(ENOTDIR) NAME(EISDIR) NAME(EINVAL) NAME(ENFILE)
	NAME(EMFILE) NAME(ENOTTY) NAME(EFBIG) NAME(ENOSPC) NAME(ESPIPE) NAME(EROFS) NAME(EPIPE)
	NAME(ERANGE) NAME(ENOSYS) NAME(ENAMETOOLONG) NAME(ETIMEDOUT) NAME(EOPNOTSUPP) NAME(EOVERFLOW)
	NAME(ELOOP) NAME(ENOTEMPTY) NAME(ENODATA) NAME(EDEADLK) NAME(ENOLCK)
#undef NAME
	default: {
		static char buf[16];
		snprintf(buf, sizeof(buf), "E#%d", e);
		return buf;
	}
	}
}
#define strerrorname_np errname_fallback

static inline const char *sigabbrev_fallback(int sig)
{
	static const char *const names[] = {
		[SIGHUP] = "HUP", [SIGINT] = "INT", [SIGQUIT] = "QUIT", [SIGILL] = "ILL", [SIGTRAP] = "TRAP",
		[SIGABRT] = "ABRT", [SIGBUS] = "BUS", [SIGFPE] = "FPE", [SIGKILL] = "KILL", [SIGUSR1] = "USR1",
		[SIGSEGV] = "SEGV", [SIGUSR2] = "USR2", [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM", [SIGTERM] = "TERM",
		[SIGSTKFLT] = "STKFLT", [SIGCHLD] = "CHLD", [SIGCONT] = "CONT", [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
		[SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU", [SIGURG] = "URG", [SIGXCPU] = "XCPU", [SIGXFSZ] = "XFSZ",
		[SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH", [SIGIO] = "POLL", [SIGPWR] = "PWR",
		[SIGSYS] = "SYS",
	};
	return sig > 0 && sig < (int)(sizeof(names) / sizeof(names[0])) ? names[sig] : NULL;
}
#define sigabbrev_np sigabbrev_fallback
#endif

#endif
