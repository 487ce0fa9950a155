// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `spawnbench N PROG` forks, execs PROG and
// waits for it N times and prints the mean cost as "<ns> ns/call".
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
	long n = count_arg(argc, argv, 3, "spawnbench N PROG (N > 0)");
	struct timespec t0 = bench_now();
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
	report_per_call(t0, bench_now(), n);
	return 0;
}
