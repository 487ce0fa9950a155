// SPDX-License-Identifier: Apache-2.0
// Builds the start-up stack exactly as Linux's binfmt_elf does: strings at
// the top, then AT_RANDOM bytes, then the 16-byte aligned vector block
// argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL.
#include "loader/stack.h"

#include <cpuid.h>
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <unistd.h>

#include "vm/gmem.h"
#include "vm/layout.h"

#define MAX_VECTOR 4096 /* argv + envp entries served */

struct stack_writer {
	struct mm *mm;
	uint64_t sp;
	int err;
};

static uint64_t push_bytes(struct stack_writer *w, const void *data, size_t len)
{
	w->sp -= len;
	if (!w->err)
		w->err = gmem_copy_out(w->mm, w->sp, data, len);
	return w->sp;
}

static uint64_t push_string(struct stack_writer *w, const char *s)
{
	return push_bytes(w, s, strlen(s) + 1);
}

static size_t count(char *const v[])
{
	size_t n = 0;
	while (v[n])
		n++;
	return n;
}

int stack_build(struct mm *mm, const struct elf_image *image, char *const argv[], char *const envp[],
		const char *execfn, uint64_t *rsp)
{
	size_t argc = count(argv), envc = count(envp);
	if (argc + envc > MAX_VECTOR)
		return -E2BIG;
	int err = mm_map_fixed(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE,
			       PROT_READ | PROT_WRITE, VMA_STACK);
	if (err)
		return err;

	struct stack_writer w = {.mm = mm, .sp = USER_STACK_TOP - sizeof(uint64_t)};
	uint64_t execfn_at = push_string(&w, execfn);
	static uint64_t arg_at[MAX_VECTOR], env_at[MAX_VECTOR];
	for (size_t i = envc; i-- > 0;)
		env_at[i] = push_string(&w, envp[i]);
	for (size_t i = argc; i-- > 0;)
		arg_at[i] = push_string(&w, argv[i]);
	uint64_t platform_at = push_string(&w, "x86_64");
	unsigned char random[16];
	if (getrandom(random, sizeof(random), 0) != sizeof(random))
		return -EIO;
	uint64_t random_at = push_bytes(&w, random, sizeof(random));

	unsigned eax, ebx, ecx, edx;
	__cpuid(1, eax, ebx, ecx, edx);
	const uint64_t auxv[][2] = {
		{AT_SYSINFO_EHDR, image->vdso_base},
		{AT_MINSIGSTKSZ, getauxval(AT_MINSIGSTKSZ)},
		{AT_HWCAP, edx}, {AT_PAGESZ, PAGE_SIZE}, {AT_CLKTCK, (uint64_t)sysconf(_SC_CLK_TCK)},
		{AT_PHDR, image->phdr}, {AT_PHENT, image->phent}, {AT_PHNUM, image->phnum},
		{AT_BASE, image->interp_base}, {AT_FLAGS, 0}, {AT_ENTRY, image->entry},
		{AT_UID, getuid()}, {AT_EUID, geteuid()}, {AT_GID, getgid()}, {AT_EGID, getegid()},
		{AT_SECURE, 0}, {AT_RANDOM, random_at}, {AT_HWCAP2, 0}, {AT_EXECFN, execfn_at},
		{AT_PLATFORM, platform_at}, {AT_NULL, 0},
	};
	size_t nauxv = sizeof(auxv) / sizeof(auxv[0]);

	/* The vector block, assembled on the host and copied out in one go. */
	static uint64_t block[1 + MAX_VECTOR + 2 + 2 * 32];
	size_t n = 0;
	block[n++] = argc;
	for (size_t i = 0; i < argc; i++)
		block[n++] = arg_at[i];
	block[n++] = 0;
	for (size_t i = 0; i < envc; i++)
		block[n++] = env_at[i];
	block[n++] = 0;
	for (size_t i = 0; i < nauxv; i++) {
		block[n++] = auxv[i][0];
		block[n++] = auxv[i][1];
	}
	*rsp = (w.sp - n * sizeof(uint64_t)) & ~15ULL;
	if (w.err)
		return w.err;
	return gmem_copy_out(mm, *rsp, block, n * sizeof(uint64_t));
}
