// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `clockbench N` makes N clock_gettime
// (CLOCK_MONOTONIC) calls through libc, which uses the vDSO where there is
// one, and prints the mean cost as "<ns> ns/call".
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	if (n <= 0) {
		fprintf(stderr, "usage: clockbench N (N > 0)\n");
		return 2;
	}
	struct timespec t0, t1, t;
	clock_gettime(CLOCK_MONOTONIC, &t); // the first call resolves the vDSO symbol
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &t);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.1f ns/call\n", ns / (double)n);
	return 0;
}
