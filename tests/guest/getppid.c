// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `getppid N` makes N getppid syscalls and
// prints the mean cost as "<ns> ns/call", timed with CLOCK_MONOTONIC.
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	if (n <= 0) {
		fprintf(stderr, "usage: getppid N (N > 0)\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid); // raw syscall: no libc caching can hide the round trip
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.1f ns/call\n", ns / (double)n);
	return 0;
}
