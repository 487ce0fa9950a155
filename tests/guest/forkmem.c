// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `forkmem MB` writes MB MiB of memory, then
// forks. It prints the fork's cost as "<ns> ns/call" and "forked", and the
// child sleeps a second so that the host can measure what it costs in
// memory before both exit.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long mb = argc > 1 ? atol(argv[1]) : 0;
	if (mb <= 0) {
		fprintf(stderr, "usage: forkmem MB (MB > 0)\n");
		return 2;
	}
	size_t len = (size_t)mb << 20;
	char *mem = malloc(len);
	if (!mem)
		return 1;
	memset(mem, 1, len);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid == 0) {
		sleep(1);
		_exit(mem[len - 1] == 1 ? 0 : 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.1f ns/call\nforked\n", ns);
	fflush(stdout);
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
