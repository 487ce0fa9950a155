// SPDX-License-Identifier: Apache-2.0
// Loading an x86-64 ELF executable into a fresh guest address space.
#ifndef AIRLOCK_LOADER_ELF_H
#define AIRLOCK_LOADER_ELF_H

#include <stdint.h>

#include "vm/mm.h"

struct elf_image {
	uint64_t entry;       /* the program's entry point (AT_ENTRY) */
	uint64_t start;       /* where the guest starts: entry, or the interpreter's */
	uint64_t phdr;        /* guest address of the program headers (AT_PHDR) */
	uint64_t phent, phnum;
	uint64_t bias;        /* the program's load bias: 0 for ET_EXEC */
	uint64_t interp_base; /* the interpreter's load bias (AT_BASE), 0 if none */
	uint64_t vdso_base;   /* the vDSO's ELF header (AT_SYSINFO_EHDR) */
};

/*
 * Maps the PT_LOAD segments of the ELF open at fd, and of its PT_INTERP
 * interpreter if it has one (opened by path inside the rootfs), and sets the
 * program break after the program; name is the program's path as
 * /proc/<pid>/maps shows it. Returns 0, -ENOEXEC (not a loadable x86-64 ELF;
 * *why says what is wrong), or another -errno.
 */
int elf_load(struct mm *mm, int fd, const char *name, struct elf_image *image, const char **why);

/*
 * What elf_load would refuse before it changes anything: -ENOEXEC for a
 * file that is not a loadable x86-64 ELF, the error opening a PT_INTERP
 * interpreter (ENOENT, EACCES...), or 0. execve checks this before its point
 * of no return.
 */
int elf_check(int fd, const char **why);

#endif
