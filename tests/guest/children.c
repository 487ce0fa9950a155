// SPDX-License-Identifier: Apache-2.0
// Guest probe: what a parent learns of its children, run natively and under
// airlock by tests/integration/children.t, which compares the two outputs.
//   children nocldwait  SA_NOCLDWAIT: children reap themselves, SIGCHLD still comes, wait gives ECHILD
//   children stopcont   stop and continue: WUNTRACED, WCONTINUED, waitid with WNOWAIT, SIGCHLD's siginfo
//   children nocldstop  SA_NOCLDSTOP: no SIGCHLD for a stop or a continue, but wait still reports them
//   children status     exit codes and signals through wait4, waitid and siginfo; WNOHANG; bad options
// Pids are never printed: they differ between the two runs.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *err_name(int e)
{
	switch (e) {
	case 0:
		return "ok";
	case ECHILD:
		return "ECHILD";
	case EINVAL:
		return "EINVAL";
	case EAGAIN:
		return "EAGAIN";
	case EINTR:
		return "EINTR";
	default:
		return strerror(e);
	}
}

/* One call's result and errno, evaluated in that order. */
#define SHOW(what, call)                                                                   \
	do {                                                                               \
		errno = 0;                                                                 \
		long result_ = (long)(call);                                               \
		printf("%s: %ld %s\n", what, result_, err_name(result_ < 0 ? errno : 0)); \
	} while (0)

static const char *code_name(int code)
{
	switch (code) {
	case CLD_EXITED:
		return "CLD_EXITED";
	case CLD_KILLED:
		return "CLD_KILLED";
	case CLD_DUMPED:
		return "CLD_DUMPED";
	case CLD_STOPPED:
		return "CLD_STOPPED";
	case CLD_CONTINUED:
		return "CLD_CONTINUED";
	default:
		return "other";
	}
}

/* A child that waits for signals until one ends it. */
static pid_t spawn_pauser(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static void describe_status(const char *what, int st)
{
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %d\n", what, WTERMSIG(st));
	else if (WIFSTOPPED(st))
		printf("%s: stopped by %d\n", what, WSTOPSIG(st));
	else if (WIFCONTINUED(st))
		printf("%s: continued\n", what);
	else
		printf("%s: status %#x\n", what, st);
}

/* SIGCHLD's siginfo, waited for with SIGCHLD blocked; "none" after 300 ms. */
static void expect_sigchld(const char *what, pid_t child)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	siginfo_t info;
	struct timespec limit = {0, 300 * 1000 * 1000};
	if (sigtimedwait(&set, &info, &limit) < 0) {
		printf("%s: SIGCHLD %s\n", what, errno == EAGAIN ? "none" : err_name(errno));
		return;
	}
	printf("%s: SIGCHLD %s status %d from the child %s, uid %s\n", what, code_name(info.si_code), info.si_status,
	       info.si_pid == child ? "yes" : "no", info.si_uid == getuid() ? "ours" : "other");
}

static void block_sigchld(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static volatile sig_atomic_t sigchld_count;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchld_count++;
}

static void nocldwait(void)
{
	struct sigaction sa = {.sa_handler = on_sigchld, .sa_flags = SA_NOCLDWAIT | SA_RESTART};
	sigaction(SIGCHLD, &sa, NULL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	while (!sigchld_count)
		pause();
	printf("SIGCHLD handler ran: %s\n", sigchld_count == 1 ? "once" : "not once");
	int st;
	SHOW("waitpid of the reaped child", waitpid(pid, &st, 0));
	/* A wait blocks while children live (restarted after each SIGCHLD), then finds none. */
	for (int i = 0; i < 3; i++)
		if (fork() == 0) {
			usleep(50000 * (i + 1));
			_exit(0);
		}
	SHOW("wait while three children live", wait(&st));
	printf("SIGCHLDs: %s\n", sigchld_count >= 2 ? "several" : "too few");
}

static void stopcont(void)
{
	block_sigchld();
	pid_t pid = spawn_pauser();
	int st;
	kill(pid, SIGSTOP);
	describe_status("waitpid WUNTRACED", waitpid(pid, &st, WUNTRACED) == pid ? st : -1);
	expect_sigchld("after SIGSTOP", pid);
	printf("waitpid WUNTRACED again (reported once): %d\n", (int)waitpid(pid, &st, WUNTRACED | WNOHANG));
	kill(pid, SIGCONT);
	describe_status("waitpid WCONTINUED", waitpid(pid, &st, WCONTINUED) == pid ? st : -1);
	expect_sigchld("after SIGCONT", pid);

	kill(pid, SIGTSTP);
	siginfo_t info = {0};
	waitid(P_PID, (id_t)pid, &info, WSTOPPED | WNOWAIT);
	printf("waitid WSTOPPED|WNOWAIT: %s %d\n", code_name(info.si_code), info.si_status);
	memset(&info, 0, sizeof(info));
	waitid(P_PID, (id_t)pid, &info, WSTOPPED);
	printf("waitid WSTOPPED (left by WNOWAIT): %s %d\n", code_name(info.si_code), info.si_status);
	expect_sigchld("after SIGTSTP", pid);
	kill(pid, SIGCONT);
	memset(&info, 0, sizeof(info));
	waitid(P_ALL, 0, &info, WCONTINUED);
	printf("waitid WCONTINUED: %s %d from the child %s\n", code_name(info.si_code), info.si_status,
	       info.si_pid == pid ? "yes" : "no");
	expect_sigchld("after the second SIGCONT", pid);

	kill(pid, SIGTERM);
	memset(&info, 0, sizeof(info));
	waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
	printf("waitid WEXITED|WNOWAIT: %s %d\n", code_name(info.si_code), info.si_status);
	expect_sigchld("after SIGTERM", pid);
	describe_status("wait4 after WNOWAIT", waitpid(pid, &st, 0) == pid ? st : -1);
	SHOW("waitid once more", waitid(P_PID, (id_t)pid, &info, WEXITED));
}

static void nocldstop(void)
{
	block_sigchld();
	struct sigaction sa = {.sa_handler = on_sigchld, .sa_flags = SA_NOCLDSTOP};
	sigaction(SIGCHLD, &sa, NULL);
	pid_t pid = spawn_pauser();
	int st;
	kill(pid, SIGSTOP);
	describe_status("waitpid WUNTRACED", waitpid(pid, &st, WUNTRACED) == pid ? st : -1);
	expect_sigchld("after SIGSTOP", pid);
	kill(pid, SIGCONT);
	describe_status("waitpid WCONTINUED", waitpid(pid, &st, WCONTINUED) == pid ? st : -1);
	expect_sigchld("after SIGCONT", pid);
	kill(pid, SIGKILL);
	expect_sigchld("after SIGKILL", pid);
	describe_status("waitpid", waitpid(pid, &st, 0) == pid ? st : -1);
}

static void status(void)
{
	block_sigchld();
	int st;
	SHOW("wait with no children", wait(&st));
	static const int codes[] = {0, 1, 42, 255, 256 + 7};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(codes[i]);
		siginfo_t info = {0};
		waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT);
		printf("_exit(%d): waitid %s %d; ", codes[i], code_name(info.si_code), info.si_status);
		struct rusage ru;
		describe_status("wait4", wait4(pid, &st, 0, &ru) == pid ? st : -1);
		expect_sigchld("  and", pid);
	}
	static const int sigs[] = {SIGTERM, SIGKILL, SIGUSR2, SIGHUP};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = spawn_pauser();
		SHOW("WNOHANG while it lives", waitpid(pid, &st, WNOHANG));
		kill(pid, sigs[i]);
		expect_sigchld("killed", pid);
		describe_status("waitpid", waitpid(pid, &st, 0) == pid ? st : -1);
	}
	pid_t pid = spawn_pauser();
	SHOW("waitpid with an unknown option", waitpid(pid, &st, 0x100));
	siginfo_t info;
	SHOW("waitid with no event asked", waitid(P_PID, (id_t)pid, &info, WNOHANG));
	SHOW("waitid with an unknown option", waitid(P_PID, (id_t)pid, &info, WEXITED | 0x100));
	SHOW("waitid with a bad idtype", waitid((idtype_t)42, 0, &info, WEXITED));
	SHOW("waitpid of a pid that is not a child", waitpid(getpid(), &st, 0));
	SHOW("waitpid of a process group with no children", waitpid(-getpid() - 1000000, &st, WNOHANG));
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0); /* nothing buffered is copied into a child */
	const char *mode = argc > 1 ? argv[1] : "";
	if (!strcmp(mode, "nocldwait"))
		nocldwait();
	else if (!strcmp(mode, "stopcont"))
		stopcont();
	else if (!strcmp(mode, "nocldstop"))
		nocldstop();
	else if (!strcmp(mode, "status"))
		status();
	else {
		fprintf(stderr, "usage: children nocldwait|stopcont|nocldstop|status\n");
		return 2;
	}
	return 0;
}
