// SPDX-License-Identifier: Apache-2.0
// runc's run: create and start a container from a bundle, then (unless
// detached) wait for it with the caller's signals passed on, and delete it.
#include "oci/container.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "oci/state.h"
#include "util/log.h"

static volatile pid_t forward_to;

static void forward(int sig)
{
	kill(forward_to, sig);
}

/* The relay's exit, reaped here (create forked it): its status is the container's. */
static int wait_container(pid_t relay)
{
	static const int passed_on[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH};
	forward_to = relay;
	struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(passed_on) / sizeof(passed_on[0]); i++)
		sigaction(passed_on[i], &sa, NULL);
	int ws;
	pid_t got;
	while ((got = waitpid(relay, &ws, 0)) < 0 && errno == EINTR)
		;
	if (got != relay) {
		log_error("waiting for the container: %s", strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

int oci_run(const struct oci_create_options *opts, bool detach, bool keep)
{
	int status = oci_create(opts);
	if (status)
		return status;
	struct oci_state st;
	int err = oci_state_load(opts->root, opts->id, &st);
	if (err) {
		log_error("container \"%s\": reading its state: %s", opts->id, strerror(-err));
		oci_delete(opts->root, opts->id, true);
		return EXIT_AIRLOCK_FAILED;
	}
	pid_t relay = st.pid;
	oci_state_free(&st);
	status = oci_start(opts->root, opts->id);
	if (status) {
		oci_delete(opts->root, opts->id, true);
		return status;
	}
	if (detach)
		return 0;
	status = wait_container(relay);
	if (!keep && oci_delete(opts->root, opts->id, true))
		return EXIT_AIRLOCK_FAILED;
	return status;
}
