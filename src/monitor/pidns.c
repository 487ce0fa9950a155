// SPDX-License-Identifier: Apache-2.0
// A pid namespace per container. Its first process (the first guest
// process's monitor) is pid 1: orphans are reparented to it, and when it
// exits the kernel kills every other process in the namespace, so no guest
// process or monitor outlives the container. The airlock process the user
// started stays outside as a relay: it forwards the signals it gets to pid 1
// and exits with the container's status.
#include "monitor/pidns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t container;
/* Whether the container was given the terminal's foreground (relay side). */
static bool gave_terminal;

/*
 * The container's terminal is the caller's stdin, already the controlling
 * terminal of the caller's session, which cannot be taken from it (runc,
 * with a terminal of its own to give, starts a session on it). When the
 * caller is in the foreground, the container gets the next best thing: a
 * process group of its own, led by pid 1, in the foreground in its place
 * (without a terminal, pid 1 stays in the caller's group). A shell that is
 * pid 1 then finds itself a group leader in the foreground, as a shell a
 * terminal starts does, and both groups are pids it can name (the caller's
 * is outside the namespace: 0 inside). The terminal's keys then signal the
 * container alone, not the relay as well.
 */
static bool terminal_is_ours(void)
{
	pid_t fg = tcgetpgrp(STDIN_FILENO);
	return fg > 0 && fg == getpgrp();
}

/* Moving the foreground from a background group needs SIGTTOU held off. */
static void give_terminal(pid_t pgrp)
{
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(STDIN_FILENO, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void relay(int sig)
{
	kill(container, sig);
}

static _Noreturn void wait_for_container(void)
{
	/* Descriptors are the container's (an OCI create's ready pipe, say): only stdio stays. */
	close_range(3, ~0U, 0);
	struct sigaction sa = {.sa_handler = relay, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaction(sig, &sa, NULL);
	int status = 0;
	while (waitpid(container, &status, 0) < 0 && errno == EINTR)
		;
	if (gave_terminal)
		give_terminal(getpgrp()); /* back to the caller's group, as a shell takes it back */
	/* pid 1 reports a guest's death by signal N as status 128 + N itself. */
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int pidns_enter(const char *join, bool *entered)
{
	*entered = false;
	if (join) { /* an existing one (a pod's): asked for, so failing is an error */
		int fd = open(join, O_RDONLY | O_CLOEXEC);
		int err = fd < 0 || setns(fd, CLONE_NEWPID) < 0 ? -errno : 0;
		if (fd >= 0)
			close(fd);
		if (err)
			return err;
	} else if (unshare(CLONE_NEWPID) < 0) {
		return 0; /* not permitted: the container runs without one */
	}
	pid_t parent = getpid();
	gave_terminal = terminal_is_ours();
	container = fork();
	if (container < 0)
		return -errno;
	if (container > 0) {
		if (gave_terminal)
			setpgid(container, container); /* both sides, as shells do: no race */
		wait_for_container();
	}
	if (gave_terminal) {
		setpgid(0, 0);
		give_terminal(getpgrp());
	}
	/* If the relay is killed outright, the container goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent && getppid() != 0)
		_exit(137);
	*entered = true;
	return 0;
}
