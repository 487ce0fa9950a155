// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `clockbench N` makes N clock_gettime
// (CLOCK_MONOTONIC) calls through libc, which uses the vDSO where there is
// one, and prints the mean cost as "<ns> ns/call".
#include <time.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, 2, "clockbench N (N > 0)");
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t); // the first call resolves the vDSO symbol
	struct timespec t0 = bench_now();
	for (long i = 0; i < n; i++)
		clock_gettime(CLOCK_MONOTONIC, &t);
	report_per_call(t0, bench_now(), n);
	return 0;
}
