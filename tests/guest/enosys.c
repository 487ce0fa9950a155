// SPDX-License-Identifier: Apache-2.0
// Guest probe: makes the same unserved system calls twice (numbers no
// kernel assigns, and fork) and prints what each returned, so --strace's
// "named once" rule and the ENOSYS result can be checked against Linux.
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
	const long numbers[] = {500, 500, 501, 501};
	for (unsigned i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		long r = syscall(numbers[i]);
		printf("syscall(%ld) = %ld %s\n", numbers[i], r, r < 0 ? strerrorname_np(errno) : "");
	}
	return 0;
}
