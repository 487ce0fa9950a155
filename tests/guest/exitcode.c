// SPDX-License-Identifier: Apache-2.0
// Guest probe: exits with status argv[1] through the path named by argv[2]
// (exit, _exit, exit-syscall, return), after printing one buffered line.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: exitcode STATUS [exit|_exit|exit-syscall|return] [IGNORED...]\n");
		return 2;
	}
	int status = atoi(argv[1]);
	const char *how = argc > 2 ? argv[2] : "exit";

	// Buffered on purpose: exit() and return must flush it, _exit() must not.
	printf("exiting with %d via %s\n", status, how);

	if (strcmp(how, "_exit") == 0)
		_exit(status); // exit_group(2)
	if (strcmp(how, "exit-syscall") == 0) {
		// exit(2) of the only thread ends the process too.
		fflush(stdout);
		syscall(SYS_exit, status);
	}
	if (strcmp(how, "return") == 0)
		return status;
	exit(status);
}
