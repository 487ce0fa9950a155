// SPDX-License-Identifier: Apache-2.0
// slirp4netns as the container's network (see usermode.h): started in a
// session of its own (it outlives the hook that starts it), told about the
// published ports through its JSON API socket, stopped by detach, or by the
// end of the container's process, whichever comes first: its exit
// descriptor is a pidfd of that process, which poll reports readable when
// the process ends, so no helper outlives its container even when nothing
// runs detach (an airlock that was itself killed).
#include "net/usermode.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/log.h"
#include "util/tree.h"

static void helper_path(const char *state_root, const char *id, const char *suffix, char *out, size_t size)
{
	snprintf(out, size, "%s/network/slirp4netns-%s.%s", state_root, id, suffix);
}

/* Forks the helper off in its own session: its pid, or -1. */
static pid_t start_helper(pid_t target, const char *socket_path)
{
	char pid_text[16];
	snprintf(pid_text, sizeof(pid_text), "%d", (int)target);
	int report[2];
	if (pipe2(report, O_CLOEXEC) < 0)
		return -1;
	pid_t child = fork();
	if (child == 0) {
		int null = open("/dev/null", O_RDWR);
		if (setsid() < 0 || null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
			_exit(127);
		int exit_fd = (int)syscall(SYS_pidfd_open, target, 0);
		if (exit_fd < 0 || fcntl(exit_fd, F_SETFD, 0) < 0) /* pidfds are close-on-exec */
			_exit(127);
		char exit_option[32];
		snprintf(exit_option, sizeof(exit_option), "--exit-fd=%d", exit_fd);
		pid_t helper = fork();
		if (helper == 0) {
			execlp("slirp4netns", "slirp4netns", "--configure", "--mtu=65520", "--disable-host-loopback",
			       exit_option, "--api-socket", socket_path, pid_text, "tap0", (char *)NULL);
			_exit(127);
		}
		_exit(write(report[1], &helper, sizeof(helper)) == sizeof(helper) ? 0 : 127);
	}
	close(report[1]);
	pid_t helper = -1;
	if (child < 0 || read(report[0], &helper, sizeof(helper)) != sizeof(helper))
		helper = -1;
	close(report[0]);
	if (child > 0)
		waitpid(child, NULL, 0);
	return helper;
}

/* One request on the API socket, which appears once the helper is ready; 0 if it returned. */
static int api_call(const char *socket_path, const char *request, pid_t helper)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", socket_path);
	for (int tries = 0; tries < 500; tries++) { /* 5 s */
		int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0) {
			char reply[512] = "";
			ssize_t n = write(s, request, strlen(request)) == (ssize_t)strlen(request) ? read(s, reply, sizeof(reply) - 1) : -1;
			close(s);
			if (n <= 0 || strstr(reply, "\"error\"")) {
				log_error("network: slirp4netns: %s", n > 0 ? reply : "no answer");
				return -1;
			}
			return 0;
		}
		if (s >= 0)
			close(s);
		if (kill(helper, 0) < 0)
			break;
		poll(NULL, 0, 10);
	}
	log_error("network: slirp4netns did not start (is it installed?)");
	return -1;
}

int usermode_attach(const char *state_root, const struct lease *l, pid_t pid)
{
	char socket_path[4200], pid_path[4200];
	helper_path(state_root, l->id, "sock", socket_path, sizeof(socket_path));
	helper_path(state_root, l->id, "pid", pid_path, sizeof(pid_path));
	if (strlen(socket_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		log_error("network: %s: the path is too long for a socket", socket_path);
		return -1;
	}
	unlink(socket_path);
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s/network", state_root);
	if (tree_make_private_dir(dir) < 0) {
		log_error("network: %s: %s", dir, strerror(errno));
		return -1;
	}
	pid_t helper = start_helper(pid, socket_path);
	FILE *f = helper > 0 ? fopen(pid_path, "we") : NULL;
	if (!f) {
		log_error("network: slirp4netns: %s", strerror(errno));
		if (helper > 0)
			kill(helper, SIGKILL);
		return -1;
	}
	fprintf(f, "%d\n", (int)helper);
	fclose(f);
	int err = api_call(socket_path, "{\"execute\": \"list_hostfwd\"}", helper);
	for (int i = 0; !err && i < l->nports; i++) {
		char request[256], addr[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &l->ports[i].host_addr, addr, sizeof(addr));
		snprintf(request, sizeof(request),
			 "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", \"host_addr\": \"%s\", "
			 "\"host_port\": %u, \"guest_port\": %u}}",
			 l->ports[i].udp ? "udp" : "tcp", addr, l->ports[i].host, l->ports[i].container);
		err = api_call(socket_path, request, helper);
	}
	return err;
}

void usermode_detach(const char *state_root, const char *id)
{
	char socket_path[4200], pid_path[4200], comm[64] = "", proc[64];
	helper_path(state_root, id, "sock", socket_path, sizeof(socket_path));
	helper_path(state_root, id, "pid", pid_path, sizeof(pid_path));
	FILE *f = fopen(pid_path, "re");
	int helper = 0;
	if (f && fscanf(f, "%d", &helper) == 1 && helper > 0) {
		/* Only if that pid still is the helper: a recycled pid belongs to someone else. */
		snprintf(proc, sizeof(proc), "/proc/%d/comm", helper);
		FILE *c = fopen(proc, "re");
		if (c && fgets(comm, sizeof(comm), c) && !strcmp(comm, "slirp4netns\n"))
			kill(helper, SIGTERM);
		if (c)
			fclose(c);
	}
	if (f)
		fclose(f);
	unlink(pid_path);
	unlink(socket_path);
}
