// SPDX-License-Identifier: Apache-2.0
// `airlock run`: option parsing only; the work is in monitor/launch.c.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "monitor/launch.h"
#include "util/log.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void usage(FILE *out)
{
	fputs("Usage: airlock run --rootfs DIR [OPTIONS] [--] PROGRAM [ARG...]\n"
	      "\n"
	      "Options:\n"
	      "  --rootfs DIR        root filesystem of the container\n"
	      "  -e, --env K=V       set an environment variable (K alone copies it from here)\n"
	      "  -w, --workdir DIR   working directory inside the container (default /)\n"
	      "  --strace            trace the guest's system calls to stderr\n"
	      "  -h, --help          show this help\n",
	      out);
}

/* Adds K=V, replacing an earlier K; "K" alone takes the caller's value, if any. */
static int env_add(char **env, int *n, const char *spec)
{
	char *entry;
	if (strchr(spec, '=')) {
		entry = strdup(spec);
	} else {
		const char *value = getenv(spec);
		if (!value)
			return 0;
		if (asprintf(&entry, "%s=%s", spec, value) < 0)
			entry = NULL;
	}
	if (!entry)
		return -1;
	size_t key = (size_t)(strchr(entry, '=') - entry);
	for (int i = 0; i < *n; i++) {
		if (!strncmp(env[i], entry, key + 1)) {
			free(env[i]);
			env[i] = entry;
			return 0;
		}
	}
	env[(*n)++] = entry;
	return 0;
}

int cli_run(int argc, char **argv)
{
	static const struct option options[] = {
		{"rootfs", required_argument, NULL, 'r'},
		{"env", required_argument, NULL, 'e'},
		{"workdir", required_argument, NULL, 'w'},
		{"strace", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct launch_options opts = {0};
	char **env = calloc((size_t)argc + 2, sizeof(char *));
	int nenv = 0;
	if (!env)
		return EXIT_AIRLOCK_FAILED;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+e:w:h", options, NULL)) != -1) {
		switch (c) {
		case 'r': opts.rootfs = optarg; break;
		case 'e':
			if (env_add(env, &nenv, optarg) < 0)
				return EXIT_AIRLOCK_FAILED;
			break;
		case 'w': opts.workdir = optarg; break;
		case 's': opts.strace = true; break;
		case 'h': usage(stdout); return 0;
		default:
			if (optopt)
				log_error("run: unknown or incomplete option '-%c' (see 'airlock run --help')", optopt);
			else
				log_error("run: unknown option '%s' (see 'airlock run --help')", argv[optind - 1]);
			return EXIT_AIRLOCK_FAILED;
		}
	}
	if (!opts.rootfs) {
		log_error("run: --rootfs DIR is required (see 'airlock run --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	if (optind >= argc) {
		log_error("run: no program given (see 'airlock run --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	bool has_path = false;
	for (int i = 0; i < nenv; i++)
		has_path |= !strncmp(env[i], "PATH=", 5);
	if (!has_path) { /* docker puts the default PATH first */
		memmove(env + 1, env, (size_t)nenv * sizeof(char *));
		env[0] = DEFAULT_PATH;
		nenv++;
	}
	opts.env = env;
	opts.argv = argv + optind;
	return launch_run(&opts);
}
