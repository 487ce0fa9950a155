// SPDX-License-Identifier: Apache-2.0
// `airlock network attach|detach`: the OCI hooks `airlock run` writes for the
// default network (see net/network.h). Like any hook they read the
// container's state JSON on stdin: its id, and the pid whose network
// namespace is wired.
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/network.h"
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
	if (argc != 2 || (strcmp(argv[1], "attach") && strcmp(argv[1], "detach"))) {
		fputs("Usage: airlock network attach|detach   (OCI hooks of the default network: the state on stdin)\n",
		      argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : EXIT_AIRLOCK_FAILED;
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
	} else {
		status = network_attach(gl->root, id, json_object_get_int(v)) < 0 ? EXIT_AIRLOCK_FAILED : 0;
	}
	json_object_put(state);
	return status;
}
