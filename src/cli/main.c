// SPDX-License-Identifier: Apache-2.0
// airlock: run Linux programs in hardware-isolated microVMs.
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/log.h"

#ifndef AIRLOCK_VERSION
#define AIRLOCK_VERSION "0.1.0"
#endif

static void usage(FILE *out)
{
	fputs("Usage: airlock COMMAND [OPTIONS]\n"
	      "\n"
	      "Commands:\n"
	      "  run     run a program in a new microVM\n"
	      "\n"
	      "Run 'airlock COMMAND --help' for a command's options.\n",
	      out);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		log_error("no command given (see 'airlock --help')");
		return EXIT_AIRLOCK_FAILED;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "run"))
		return cli_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("airlock version %s\n", AIRLOCK_VERSION);
		return 0;
	}
	log_error("unknown command \"%s\" (see 'airlock --help')", cmd);
	return EXIT_AIRLOCK_FAILED;
}
