// SPDX-License-Identifier: Apache-2.0
// Guest probe for bench/run.sh: `forkmem MB` writes MB MiB of memory, then
// forks. It prints the fork's cost as "<ns> ns/call" and "forked", and the
// child sleeps a second so that the host can measure what it costs in
// memory before both exit.
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
	long mb = count_arg(argc, argv, 2, "forkmem MB (MB > 0)");
	size_t len = (size_t)mb << 20;
	char *mem = malloc(len);
	if (!mem)
		return 1;
	memset(mem, 1, len);
	struct timespec t0 = bench_now();
	pid_t pid = fork();
	if (pid == 0) {
		sleep(1);
		_exit(mem[len - 1] == 1 ? 0 : 1);
	}
	report_per_call(t0, bench_now(), 1);
	printf("forked\n");
	fflush(stdout);
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
