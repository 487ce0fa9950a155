// SPDX-License-Identifier: Apache-2.0
// `airlock spec` (a starting config.json) and `airlock features` (what this
// runtime serves, in the runtime-spec's features document).
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "oci/spec.h"
#include "util/log.h"

int cli_spec(const struct cli_globals *gl, int argc, char **argv)
{
	(void)gl;
	static const struct option longs[] = {
		{"bundle", required_argument, NULL, 'b'}, {"rootless", no_argument, NULL, 'r'}, {0},
	};
	const char *bundle = ".";
	opterr = 0;
	for (int c; (c = getopt_long(argc, argv, "+b:", longs, NULL)) != -1;) {
		if (c == 'b') {
			bundle = optarg;
		} else if (c == 'r') {
			log_error("spec: --rootless: rootless containers are not supported yet");
			return EXIT_AIRLOCK_FAILED;
		} else {
			log_error("spec: unknown option '%s'", argv[optind - 1]);
			return EXIT_AIRLOCK_FAILED;
		}
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_error("spec: %s: %s", path, errno == EEXIST ? "already exists (remove it first)" : strerror(errno));
		return EXIT_AIRLOCK_FAILED;
	}
	const char *text = oci_spec_default();
	ssize_t n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : EXIT_AIRLOCK_FAILED;
}

int cli_features(const struct cli_globals *gl, int argc, char **argv)
{
	(void)gl;
	(void)argc;
	(void)argv;
	puts("{\n"
	     "  \"ociVersionMin\": \"1.0.0\",\n"
	     "  \"ociVersionMax\": \"1.1.0\",\n"
	     "  \"hooks\": [],\n"
	     "  \"mountOptions\": [],\n"
	     "  \"linux\": {\n"
	     "    \"namespaces\": [\"pid\", \"network\", \"mount\", \"ipc\", \"uts\", \"cgroup\"],\n"
	     "    \"capabilities\": [],\n"
	     "    \"cgroup\": {\"v1\": false, \"v2\": false, \"systemd\": false, \"systemdUser\": false},\n"
	     "    \"seccomp\": {\"enabled\": false},\n"
	     "    \"apparmor\": {\"enabled\": false},\n"
	     "    \"selinux\": {\"enabled\": false}\n"
	     "  }\n"
	     "}");
	return 0;
}
