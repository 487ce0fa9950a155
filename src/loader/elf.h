// SPDX-License-Identifier: Apache-2.0
// Loading an x86-64 ELF executable into a fresh guest address space.
#ifndef AIRLOCK_LOADER_ELF_H
#define AIRLOCK_LOADER_ELF_H

#include <stdint.h>

#include "vm/mm.h"

struct elf_image {
	uint64_t entry; /* where the guest starts */
	uint64_t phdr;  /* guest address of the program headers (AT_PHDR) */
	uint64_t phent, phnum;
	uint64_t bias;  /* load bias: 0 for ET_EXEC */
};

/*
 * Maps the PT_LOAD segments of the ELF open at fd and sets the program break
 * after them. Returns 0, -ENOEXEC (not a loadable x86-64 ELF; *why says
 * what is wrong), or another -errno.
 */
int elf_load(struct mm *mm, int fd, struct elf_image *image, const char **why);

#endif
