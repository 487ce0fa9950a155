// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `getppid N` makes N getppid syscalls and
// prints the mean cost as "<ns> ns/call", timed with CLOCK_MONOTONIC.
#include <sys/syscall.h>
#include <unistd.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, 2, "getppid N (N > 0)");
	struct timespec t0 = bench_now();
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid); // raw syscall: no libc caching can hide the round trip
	report_per_call(t0, bench_now(), n);
	return 0;
}
