// SPDX-License-Identifier: Apache-2.0
// The initial process stack: argc, argv, envp and the auxiliary vector.
#ifndef AIRLOCK_LOADER_STACK_H
#define AIRLOCK_LOADER_STACK_H

#include <stdint.h>

#include "loader/elf.h"

/* Maps the stack and lays out the program's start-up data; *rsp receives the entry stack pointer. */
int stack_build(struct mm *mm, const struct elf_image *image, char *const argv[], char *const envp[],
		const char *execfn, uint64_t *rsp);

#endif
