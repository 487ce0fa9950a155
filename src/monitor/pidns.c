// SPDX-License-Identifier: Apache-2.0
// A pid namespace per container. Its first process (the first guest
// process's monitor) is pid 1: orphans are reparented to it, and when it
// exits the kernel kills every other process in the namespace, so no guest
// process or monitor outlives the container. The airlock process the user
// started stays outside as a relay: it forwards the signals it gets to pid 1
// and exits with the container's status.
#include "monitor/pidns.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t container;

static void relay(int sig)
{
	kill(container, sig);
}

static _Noreturn void wait_for_container(void)
{
	struct sigaction sa = {.sa_handler = relay, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP && sig != SIGCHLD)
			sigaction(sig, &sa, NULL);
	int status = 0;
	while (waitpid(container, &status, 0) < 0 && errno == EINTR)
		;
	/* pid 1 reports a guest's death by signal N as status 128 + N itself. */
	exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

int pidns_enter(bool *entered)
{
	*entered = false;
	if (unshare(CLONE_NEWPID) < 0)
		return 0; /* not permitted: the container runs without one */
	pid_t parent = getpid();
	container = fork();
	if (container < 0)
		return -errno;
	if (container > 0)
		wait_for_container();
	/* If the relay is killed outright, the container goes with it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent && getppid() != 0)
		_exit(137);
	*entered = true;
	return 0;
}
