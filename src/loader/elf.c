// SPDX-License-Identifier: Apache-2.0
// ELF loader for static and static-PIE x86-64 executables. Segment contents
// are read from the file into guest memory; headers are checked before any
// value from them is used as a size or an address.
#include "loader/elf.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm/gmem.h"
#include "vm/layout.h"

#define MAX_PHNUM 64

static int check_header(const Elf64_Ehdr *eh, ssize_t got, const char **why)
{
	if (got < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0) {
		*why = "exec format error (not an ELF executable)";
		return -ENOEXEC;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		*why = "exec format error (32-bit programs are not supported)";
		return -ENOEXEC;
	}
	if (got < (ssize_t)sizeof(*eh) || eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64) {
		*why = "exec format error (not an x86-64 program)";
		return -ENOEXEC;
	}
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
		*why = "exec format error (not an executable)";
		return -ENOEXEC;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > MAX_PHNUM) {
		*why = "exec format error (bad program headers)";
		return -ENOEXEC;
	}
	return 0;
}

/* Maps one PT_LOAD segment at bias + p_vaddr and reads its file bytes. */
static int load_segment(struct mm *mm, int fd, const Elf64_Phdr *ph, uint64_t bias, const char **why)
{
	uint64_t start = (bias + ph->p_vaddr) & PAGE_MASK;
	uint64_t file_end = bias + ph->p_vaddr + ph->p_filesz;
	uint64_t mem_end = bias + ph->p_vaddr + ph->p_memsz;
	if (ph->p_filesz > ph->p_memsz || mem_end < start || mem_end > USER_VA_END || start < USER_VA_MIN ||
	    (ph->p_offset & ~PAGE_MASK) != (ph->p_vaddr & ~PAGE_MASK)) {
		*why = "exec format error (bad segment)";
		return -ENOEXEC;
	}
	int prot = (ph->p_flags & PF_R ? PROT_READ : 0) | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
		   (ph->p_flags & PF_X ? PROT_EXEC : 0);
	uint64_t len = PAGE_ALIGN_UP(mem_end) - start;
	int err = mm_map_fixed(mm, start, len, prot, VMA_FILE);
	if (err) {
		*why = "mapping a segment";
		return err;
	}
	/* File bytes from the segment's page start, so the page head is right too. */
	uint64_t off = ph->p_offset & PAGE_MASK;
	uint64_t want = file_end - start;
	struct iovec iov[8];
	while (want > 0) {
		size_t covered;
		int n = gmem_iov_prefix(mm, start, want, GMEM_MONITOR, iov, 8, &covered);
		ssize_t got = n > 0 ? preadv(fd, iov, n, (off_t)off) : -1;
		if (got <= 0) {
			*why = "exec format error (truncated file)";
			return -ENOEXEC;
		}
		start += (uint64_t)got;
		off += (uint64_t)got;
		want -= (uint64_t)got;
	}
	/* The rest of the last file page belongs to .bss and must read as zero. */
	uint64_t zero_end = PAGE_ALIGN_UP(file_end) < mem_end ? PAGE_ALIGN_UP(file_end) : mem_end;
	if (zero_end > file_end) {
		struct iovec z;
		if (gmem_iov(mm, file_end, zero_end - file_end, GMEM_MONITOR, &z, 1) == 1)
			memset(z.iov_base, 0, z.iov_len);
	}
	return 0;
}

int elf_load(struct mm *mm, int fd, struct elf_image *image, const char **why)
{
	Elf64_Ehdr eh;
	ssize_t got = pread(fd, &eh, sizeof(eh), 0);
	if (got < 0) {
		*why = "reading the program";
		return -errno;
	}
	int err = check_header(&eh, got, why);
	if (err)
		return err;
	Elf64_Phdr ph[MAX_PHNUM];
	size_t ph_size = eh.e_phnum * sizeof(Elf64_Phdr);
	if (pread(fd, ph, ph_size, (off_t)eh.e_phoff) != (ssize_t)ph_size) {
		*why = "exec format error (truncated program headers)";
		return -ENOEXEC;
	}
	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP) {
			*why = "dynamically linked programs are not supported yet";
			return -ENOEXEC;
		}
	}

	uint64_t bias = eh.e_type == ET_DYN ? USER_PIE_BASE : 0;
	uint64_t top = 0, phdr = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_PHDR)
			phdr = bias + ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		err = load_segment(mm, fd, &ph[i], bias, why);
		if (err)
			return err;
		/* Without PT_PHDR, the headers are where the file offset says. */
		if (!phdr && ph[i].p_offset <= eh.e_phoff && eh.e_phoff + ph_size <= ph[i].p_offset + ph[i].p_filesz)
			phdr = bias + ph[i].p_vaddr + (eh.e_phoff - ph[i].p_offset);
		uint64_t end = bias + ph[i].p_vaddr + ph[i].p_memsz;
		if (end > top)
			top = end;
	}
	if (!top) {
		*why = "exec format error (nothing to load)";
		return -ENOEXEC;
	}
	mm->brk_start = mm->brk = PAGE_ALIGN_UP(top);
	*image = (struct elf_image){
		.entry = bias + eh.e_entry, .phdr = phdr, .phent = sizeof(Elf64_Phdr),
		.phnum = eh.e_phnum, .bias = bias,
	};
	return 0;
}
