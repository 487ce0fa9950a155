// SPDX-License-Identifier: Apache-2.0
// ELF loader for static and static-PIE x86-64 executables. Segment contents
// are read from the file into guest memory; headers are checked before any
// value from them is used as a size or an address.
#include "loader/elf.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
static int load_segment(struct mm *mm, int fd, struct vma_file file, const Elf64_Phdr *ph, uint64_t bias,
			const char **why)
{
	if (ph->p_memsz == 0)
		return 0; /* an empty segment maps nothing */
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
	file.offset = off;
	err = vma_set_file(&mm->vmas, start, file);
	if (err) {
		*why = "mapping a segment";
		return err;
	}
	uint64_t want = file_end - start;
	if (gmem_fill_from_file(mm, fd, start, want, off) != (long)want) {
		*why = "exec format error (truncated file)";
		return -ENOEXEC;
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

/* One ELF object (the program or its interpreter) as loaded. */
struct elf_object {
	uint64_t entry, phdr, phnum, bias, end;
	char interp[PATH_MAX]; /* PT_INTERP, empty if none */
};

/* The lowest and highest addresses the PT_LOAD segments span, before bias. */
static int load_span(const Elf64_Phdr *ph, int phnum, uint64_t *low, uint64_t *high)
{
	*low = UINT64_MAX;
	*high = 0;
	for (int i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_vaddr + ph[i].p_memsz < ph[i].p_vaddr)
			return -ENOEXEC;
		if ((ph[i].p_vaddr & PAGE_MASK) < *low)
			*low = ph[i].p_vaddr & PAGE_MASK;
		if (ph[i].p_vaddr + ph[i].p_memsz > *high)
			*high = ph[i].p_vaddr + ph[i].p_memsz;
	}
	return *high ? 0 : -ENOEXEC;
}

/* Reads and checks the ELF header and the program headers (MAX_PHNUM of room). */
static int read_headers(int fd, Elf64_Ehdr *eh, Elf64_Phdr *ph, const char **why)
{
	ssize_t got = pread(fd, eh, sizeof(*eh), 0);
	if (got < 0) {
		*why = "reading the program";
		return -errno;
	}
	int err = check_header(eh, got, why);
	if (err)
		return err;
	size_t ph_size = eh->e_phnum * sizeof(Elf64_Phdr);
	if (pread(fd, ph, ph_size, (off_t)eh->e_phoff) != (ssize_t)ph_size) {
		*why = "exec format error (truncated program headers)";
		return -ENOEXEC;
	}
	return 0;
}

/* The path a PT_INTERP header names, NUL-terminated within size. */
static int read_interp(int fd, const Elf64_Phdr *ph, char *interp, size_t size, const char **why)
{
	if (ph->p_filesz < 2 || ph->p_filesz > size ||
	    pread(fd, interp, ph->p_filesz, (off_t)ph->p_offset) != (ssize_t)ph->p_filesz ||
	    interp[ph->p_filesz - 1] != '\0') {
		*why = "exec format error (bad interpreter path)";
		return -ENOEXEC;
	}
	return 0;
}

/*
 * Maps an object. ET_EXEC loads at its link addresses; a PIE program at
 * USER_PIE_BASE; an interpreter (is_interp) wherever the mmap area has room,
 * as Linux places ld.so.
 */
static int load_object(struct mm *mm, int fd, const char *name, bool is_interp, struct elf_object *obj,
		       const char **why)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PHNUM];
	int err = read_headers(fd, &eh, ph, why);
	if (err)
		return err;
	size_t ph_size = eh.e_phnum * sizeof(Elf64_Phdr);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		*why = "reading the program";
		return -errno;
	}
	/* Segments end where the loader says (.bss included), never in SIGBUS. */
	struct vma_file file = {.dev = st.st_dev, .ino = st.st_ino, .size = UINT64_MAX / 2, .name = name};
	uint64_t low, high;
	if (load_span(ph, eh.e_phnum, &low, &high)) {
		*why = "exec format error (nothing to load)";
		return -ENOEXEC;
	}

	*obj = (struct elf_object){.phnum = eh.e_phnum};
	if (eh.e_type == ET_DYN) {
		uint64_t span = PAGE_ALIGN_UP(high) - low;
		uint64_t at = is_interp ? mm_pick_address(mm, 0, span) : USER_PIE_BASE;
		if (!at || span > USER_VA_END) {
			*why = "no room for the program";
			return -ENOMEM;
		}
		obj->bias = at - low;
	} else if (is_interp) {
		*why = "exec format error (the interpreter is not position-independent)";
		return -ENOEXEC;
	}

	for (int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP && !is_interp) {
			err = read_interp(fd, &ph[i], obj->interp, sizeof(obj->interp), why);
			if (err)
				return err;
		}
		if (ph[i].p_type == PT_PHDR)
			obj->phdr = obj->bias + ph[i].p_vaddr;
		if (ph[i].p_type != PT_LOAD)
			continue;
		err = load_segment(mm, fd, file, &ph[i], obj->bias, why);
		if (err)
			return err;
		/* Without PT_PHDR, the headers are where the file offset says. */
		if (!obj->phdr && ph[i].p_offset <= eh.e_phoff &&
		    eh.e_phoff + ph_size <= ph[i].p_offset + ph[i].p_filesz)
			obj->phdr = obj->bias + ph[i].p_vaddr + (eh.e_phoff - ph[i].p_offset);
	}
	obj->entry = obj->bias + eh.e_entry;
	obj->end = obj->bias + high;
	return 0;
}

int elf_check(int fd, const char **why)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph[MAX_PHNUM];
	int err = read_headers(fd, &eh, ph, why);
	if (err)
		return err;
	for (int i = 0; i < eh.e_phnum; i++) {
		char interp[PATH_MAX];
		if (ph[i].p_type != PT_INTERP)
			continue;
		err = read_interp(fd, &ph[i], interp, sizeof(interp), why);
		if (err)
			return err;
		*why = "opening the program's interpreter";
		if (access(interp, R_OK) < 0)
			return -errno;
	}
	return 0;
}

extern const unsigned char vdso_image[], vdso_image_end[];

/*
 * Maps the embedded vDSO like an interpreter, through an anonymous file so
 * that the ordinary segment loader lays it out with its own permissions.
 */
static int map_vdso(struct mm *mm, uint64_t *base, const char **why)
{
	*why = "mapping the vDSO";
	int fd = memfd_create("airlock-vdso", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = (size_t)(vdso_image_end - vdso_image);
	int err = write(fd, vdso_image, len) == (ssize_t)len ? 0 : -EIO;
	struct elf_object *obj = err ? NULL : calloc(1, sizeof(*obj));
	if (!err && !obj)
		err = -ENOMEM;
	if (!err)
		err = load_object(mm, fd, "[vdso]", true, obj, why);
	if (!err)
		*base = obj->bias; /* its first segment, with the ELF header, is at vaddr 0 */
	free(obj);
	close(fd);
	return err;
}

int elf_load(struct mm *mm, int fd, const char *name, struct elf_image *image, const char **why)
{
	struct elf_object *prog = calloc(2, sizeof(*prog));
	if (!prog)
		return -ENOMEM;
	struct elf_object *interp = prog + 1;
	int err = load_object(mm, fd, name, false, prog, why);
	if (err)
		goto out;
	mm->brk_start = mm->brk = PAGE_ALIGN_UP(prog->end);
	*image = (struct elf_image){
		.entry = prog->entry, .start = prog->entry, .phdr = prog->phdr,
		.phent = sizeof(Elf64_Phdr), .phnum = prog->phnum, .bias = prog->bias,
	};
	if (!prog->interp[0])
		goto out;

	/* A dynamic program starts in its interpreter, which finds the rest. */
	int ifd = open(prog->interp, O_RDONLY | O_CLOEXEC);
	if (ifd < 0) {
		err = errno == ENOENT ? -ENOENT : -errno;
		*why = "opening the program's interpreter";
		goto out;
	}
	/* Named as Linux shows it: the path with symlinks resolved. */
	char *real = realpath(prog->interp, NULL);
	err = load_object(mm, ifd, real ? real : prog->interp, true, interp, why);
	free(real);
	close(ifd);
	if (err)
		goto out;
	image->start = interp->entry;
	image->interp_base = interp->bias;
out:
	if (!err)
		err = map_vdso(mm, &image->vdso_base, why);
	free(prog);
	return err;
}
