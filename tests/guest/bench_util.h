// SPDX-License-Identifier: Apache-2.0
// What the bench probes share: their count argument and the one line
// bench/run.sh reads, "<ns> ns/call".
#ifndef AIRLOCK_TESTS_GUEST_BENCH_UTIL_H
#define AIRLOCK_TESTS_GUEST_BENCH_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* argv[1] as a positive count, or exits 2 with the usage line. */
static inline long count_arg(int argc, char **argv, int min_args, const char *usage)
{
	long n = argc >= min_args && argc > 1 ? atol(argv[1]) : 0;
	if (n <= 0) {
		fprintf(stderr, "usage: %s\n", usage);
		exit(2);
	}
	return n;
}

static inline struct timespec bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

/* Prints the mean cost of n operations between t0 and t1. */
static inline void report_per_call(struct timespec t0, struct timespec t1, long n)
{
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.1f ns/call\n", ns / (double)n);
}

#endif
