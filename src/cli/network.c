// SPDX-License-Identifier: Apache-2.0
// `airlock network attach [--slirp4netns PROTO:ADDRESS:HOST:CTR...] | detach`: the
// OCI hooks `airlock run` writes for the default and slirp4netns networks
// (see net/network.h, net/usermode.h). Like any hook they read the
// container's state JSON on stdin: its id, and the pid whose network
// namespace is wired.
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/network.h"
#include "net/usermode.h"
#include "util/log.h"

/* The state on stdin; NULL after logging. */
static json_object *read_state(void)
{
	char buf[65536];
	size_t n = 0;
	for (ssize_t got; n < sizeof(buf) - 1 && (got = read(STDIN_FILENO, buf + n, sizeof(buf) - 1 - n)) > 0;)
		n += (size_t)got;
	buf[n] = 0;
	json_object *state = json_tokener_parse(buf), *id;
	if (!state || !json_object_object_get_ex(state, "id", &id) || !json_object_is_type(id, json_type_string)) {
		log_error("network: expected the container's state (JSON with its id) on stdin");
		json_object_put(state);
		return NULL;
	}
	return state;
}

int cli_network(const struct cli_globals *gl, int argc, char **argv)
{
	bool slirp = argc >= 3 && !strcmp(argv[1], "attach") && !strcmp(argv[2], "--slirp4netns");
	struct lease l = {0};
	for (int i = 3; slirp && i < argc; i++) {
		if (l.nports == LEASE_MAX_PORTS || port_parse(argv[i], &l.ports[l.nports++]) < 0) {
			log_error("network: attach: %s: expected PROTO:ADDRESS:HOST_PORT:CONTAINER_PORT", argv[i]);
			return EXIT_AIRLOCK_FAILED;
		}
	}
	if ((argc != 2 && !slirp) || (strcmp(argv[1], "attach") && strcmp(argv[1], "detach"))) {
		bool help = argc == 2 && !strcmp(argv[1], "--help");
		fputs("Usage: airlock network attach [--slirp4netns PROTO:ADDRESS:HOST:CTR...] | detach\n"
		      "(the OCI hooks of airlock run's networks: the container's state on stdin)\n",
		      help ? stdout : stderr);
		return help ? 0 : EXIT_AIRLOCK_FAILED;
	}
	json_object *state = read_state(), *v;
	if (!state)
		return EXIT_AIRLOCK_FAILED;
	json_object_object_get_ex(state, "id", &v);
	const char *id = json_object_get_string(v);
	int status = 0;
	if (argv[1][0] == 'd') {
		network_detach(gl->root, id);
	} else if (!json_object_object_get_ex(state, "pid", &v) || json_object_get_int(v) <= 0) {
		log_error("network: attach: the state of %s has no pid", id);
		status = EXIT_AIRLOCK_FAILED;
	} else if (slirp) {
		snprintf(l.id, sizeof(l.id), "%s", id);
		status = usermode_attach(gl->root, &l, json_object_get_int(v)) < 0 ? EXIT_AIRLOCK_FAILED : 0;
	} else {
		status = network_attach(gl->root, id, json_object_get_int(v)) < 0 ? EXIT_AIRLOCK_FAILED : 0;
	}
	json_object_put(state);
	return status;
}
