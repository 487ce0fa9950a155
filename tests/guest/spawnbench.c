// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `spawnbench N PROG` forks, execs PROG and
// waits for it N times and prints the mean cost as "<ns> ns/call".
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: spawnbench N PROG (N > 0)\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execv(argv[2], &argv[2]);
			_exit(127);
		}
		int status;
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "spawnbench: run %ld failed\n", i);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.1f ns/call\n", ns / (double)n);
	return 0;
}
