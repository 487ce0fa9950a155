// SPDX-License-Identifier: Apache-2.0
// Hook processes. Each one's path is opened in the runtime's mount namespace
// (createContainer: "resolved in the runtime namespace"), except for
// startContainer, whose path is the container's; the namespaces are entered
// in the child, which then runs the program with fexecve.
#include "oci/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

const char *oci_hook_name(enum oci_hook_kind kind)
{
	static const char *const names[] = {"prestart", "createRuntime", "createContainer", "startContainer",
					    "poststart", "poststop"};
	return names[kind];
}

void oci_hooks_free(struct oci_hooks *h)
{
	for (int k = 0; k < HOOK_KINDS; k++) {
		for (size_t i = 0; i < h->n[k]; i++) {
			struct oci_hook *hook = &h->list[k][i];
			free(hook->path);
			for (size_t a = 0; hook->args && hook->args[a]; a++)
				free(hook->args[a]);
			free(hook->args);
			for (size_t e = 0; hook->env && hook->env[e]; e++)
				free(hook->env[e]);
			free(hook->env);
		}
		free(h->list[k]);
	}
	*h = (struct oci_hooks){0};
}

/*
 * In the hook's child: the container's namespaces. Only startContainer
 * enters its mount namespace (and root): by createContainer's time the
 * container has pivoted into its rootfs, where the runtime's path, and a
 * script's /dev/fd, do not exist.
 */
static int enter_container(pid_t pid, bool with_root)
{
	static const struct {
		const char *name;
		int type;
	} namespaces[] = {{"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"mnt", CLONE_NEWNS}};
	size_t count = sizeof(namespaces) / sizeof(namespaces[0]) - (with_root ? 0 : 1);
	char path[64];
	int root = -1;
	if (with_root) {
		snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
		root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	for (size_t i = 0; i < count; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, namespaces[i].name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		/* The same namespace as ours is EINVAL for some kinds: only a real change matters. */
		if (fd < 0 || (setns(fd, namespaces[i].type) < 0 && errno != EINVAL))
			return -1;
		close(fd);
	}
	return with_root && (root < 0 || fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0) ? -1 : 0;
}

static _Noreturn void run_child(const struct oci_hook *hook, int input, pid_t in_container, bool container_path)
{
	char *const fallback[] = {hook->path, NULL}, *const empty[] = {NULL};
	char *const *argv = hook->args && hook->args[0] ? hook->args : fallback, *const *env = hook->env ? hook->env : empty;
	/* Not close-on-exec: a script's interpreter opens it again through /dev/fd. */
	int program = container_path ? -1 : open(hook->path, O_PATH);
	if ((!container_path && program < 0) || dup2(input, 0) < 0)
		_exit(127);
	if (in_container && enter_container(in_container, container_path) < 0)
		_exit(126);
	if (container_path)
		execve(hook->path, argv, env);
	else
		fexecve(program, argv, env);
	_exit(127);
}

/* Waits for the hook, killing it after timeout seconds; its wait status, or -1 on timeout. */
static int wait_hook(pid_t pid, int timeout)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int status;
		pid_t done = waitpid(pid, &status, WNOHANG);
		if (done == pid)
			return status;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout > 0 && now.tv_sec - start.tv_sec >= timeout) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
		poll(NULL, 0, 5);
	}
}

int oci_hooks_run(const struct oci_hooks *h, enum oci_hook_kind kind, const char *state, pid_t in_container)
{
	for (size_t i = 0; i < h->n[kind]; i++) {
		const struct oci_hook *hook = &h->list[kind][i];
		int pipefd[2];
		if (pipe2(pipefd, O_CLOEXEC) < 0) {
			log_error("%s hook %s: %s", oci_hook_name(kind), hook->path, strerror(errno));
			return -1;
		}
		pid_t pid = fork();
		if (pid == 0) {
			close(pipefd[1]);
			run_child(hook, pipefd[0], in_container, kind == HOOK_START_CONTAINER);
		}
		close(pipefd[0]);
		/* The state is small: it fits the pipe, and a hook that ignores stdin must not block us. */
		(void)!write(pipefd[1], state, strlen(state));
		close(pipefd[1]);
		int status = pid < 0 ? 0 : wait_hook(pid, hook->timeout);
		if (pid < 0 || status != 0) {
			if (pid < 0)
				log_error("%s hook %s: %s", oci_hook_name(kind), hook->path, strerror(errno));
			else if (status == -1)
				log_error("%s hook %s: timed out after %d s", oci_hook_name(kind), hook->path, hook->timeout);
			else if (WIFSIGNALED(status))
				log_error("%s hook %s: killed by signal %d", oci_hook_name(kind), hook->path, WTERMSIG(status));
			else
				log_error("%s hook %s: exit status %d", oci_hook_name(kind), hook->path, WEXITSTATUS(status));
			return -1;
		}
	}
	return 0;
}
