// SPDX-License-Identifier: Apache-2.0
// Unit tests (TAP) of guest-memory access and the address-space operations
// behind it, on memory that no VM sees: ranges, protections, overflow,
// strings, iovecs, splits and address choice.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "tap.h"
#include "vm/gmem.h"
#include "vm/layout.h"

#define A 0x10000000ULL /* start of the test mappings */
#define P PAGE_SIZE

int main(void)
{
	struct mm mm;
	if (mm_init(&mm, NULL, false)) {
		printf("Bail out! mm_init failed\n");
		return 1;
	}
	/* [A, A+2P) read-write, [A+2P, A+3P) read-only, [A+3P, A+4P) none, hole after. */
	ok(mm_map_fixed(&mm, A, 2 * P, PROT_READ | PROT_WRITE, VMA_ANON) == 0, "map rw");
	ok(mm_map_fixed(&mm, A + 2 * P, P, PROT_READ, VMA_ANON) == 0, "map ro");
	ok(mm_map_fixed(&mm, A + 3 * P, P, PROT_NONE, VMA_ANON) == 0, "map none");

	char buf[3 * 4096], back[3 * 4096];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	ok(gmem_copy_out(&mm, A + 100, buf, 2 * P - 100) == 0, "write inside rw");
	ok(gmem_copy_in(&mm, back, A + 100, 2 * P - 100) == 0 && !memcmp(buf, back, 2 * P - 100),
	   "read back what was written");
	ok(gmem_copy_in(&mm, back, A, 3 * P) == 0, "read across rw and ro regions");
	ok(gmem_copy_out(&mm, A + P, buf, 2 * P) == -EFAULT, "write reaching the ro region faults");
	ok(gmem_copy_out(&mm, A + 2 * P, buf, 1) == -EFAULT, "write to ro faults");
	ok(gmem_copy_in(&mm, back, A + 3 * P, 1) == -EFAULT, "read of PROT_NONE faults");
	ok(gmem_copy_in(&mm, back, A + 4 * P, 1) == -EFAULT, "read of unmapped memory faults");
	ok(gmem_copy_in(&mm, back, A - 1, 2) == -EFAULT, "range starting below the mapping faults");
	ok(gmem_copy_in(&mm, back, 0, 0) == 0, "zero length at NULL is fine");
	ok(gmem_copy_in(&mm, back, 0, 1) == -EFAULT, "NULL faults");
	ok(gmem_copy_in(&mm, back, SYS_GDT, 8) == -EFAULT, "the monitor's system area is not guest memory");
	ok(gmem_copy_in(&mm, back, 0xffff800000000000ULL, 8) == -EFAULT, "kernel-half address faults");
	ok(gmem_copy_in(&mm, back, UINT64_MAX - 4, 16) == -EFAULT, "wrapping range faults");
	ok(gmem_copy_in(&mm, back, A, SIZE_MAX) == -EFAULT, "huge length faults");
	ok(!gmem_range_ok(A, USER_VA_END) && gmem_range_ok(A, USER_VA_END - A), "range_ok stops at the top of user space");

	/* Strings. */
	ok(gmem_copy_out(&mm, A, "hello", 6) == 0, "store a string");
	char s[64];
	ok(gmem_string_in(&mm, s, A, sizeof(s)) == 5 && !strcmp(s, "hello"), "string read with its length");
	ok(gmem_string_in(&mm, s, A, 3) == -ENAMETOOLONG, "string longer than max");
	memset(buf, 'x', P);
	ok(gmem_copy_out(&mm, A + P, buf, P) == 0, "fill the last rw page without a NUL");
	ok(gmem_string_in(&mm, s, A + 2 * P - 10, sizeof(s)) == 10,
	   "string running into the next region is read through it");
	ok(gmem_string_in(&mm, s, A + 4 * P - 2, sizeof(s)) == -EFAULT, "string into PROT_NONE faults");

	/* iovecs. */
	struct iovec iov[4];
	ok(gmem_iov(&mm, A, 3 * P, GMEM_READ, iov, 4) >= 1, "iov over three pages");
	size_t covered = 0;
	int n = gmem_iov_prefix(&mm, A + P, 3 * P, GMEM_WRITE, iov, 4, &covered);
	ok(n == 1 && covered == P, "writable prefix stops at the ro region");
	n = gmem_iov_prefix(&mm, A + 3 * P, P, GMEM_READ, iov, 4, &covered);
	ok(n == 0 && covered == 0, "no prefix in PROT_NONE");
	ok(gmem_iov_prefix(&mm, A, USER_VA_END, GMEM_READ, iov, 4, &covered) == -EFAULT,
	   "prefix of a range past user space faults");
	ok(gmem_iov(&mm, A, 3 * P, GMEM_MONITOR, iov, 4) >= 1 && gmem_copy_in(&mm, back, A + 2 * P, 1) == 0,
	   "monitor access ignores protections");

	/* Splits, unmap and protect. */
	ok(mm_unmap(&mm, A + P, P) == 0 && gmem_copy_in(&mm, back, A + P, 1) == -EFAULT,
	   "unmap the second page");
	ok(gmem_copy_in(&mm, back, A, 6) == 0 && !memcmp(back, "hello", 6), "first page survives the split");
	ok(mm_protect(&mm, A, 3 * P, PROT_READ) == -ENOMEM, "mprotect over a hole is ENOMEM");
	ok(mm_protect(&mm, A, P, PROT_READ) == 0 && gmem_copy_out(&mm, A, "x", 1) == -EFAULT,
	   "mprotect to read-only blocks writes");
	ok(mm_map_fixed(&mm, A, 4 * P, PROT_READ | PROT_WRITE, VMA_ANON) == 0 &&
	   gmem_copy_in(&mm, back, A, 6) == 0 && back[0] == 0,
	   "MAP_FIXED over old mappings gives fresh zeroed memory");
	ok(gmem_move(&mm, A + P, A, 16) == 0, "move within guest memory");

	/* Address choice. */
	uint64_t top = mm_pick_address(&mm, 0, 8 * P);
	ok(top == USER_MMAP_BASE - 8 * P, "first mmap lands right below the mmap base");
	ok(mm_map_fixed(&mm, top, 8 * P, PROT_READ, VMA_ANON) == 0 &&
	   mm_pick_address(&mm, 0, P) == top - P, "next one lands below it");
	ok(mm_pick_address(&mm, A, P) != A, "a taken hint is not used");
	ok(mm_pick_address(&mm, 0x20000000, P) == 0x20000000, "a free hint is used");
	ok(mm_pick_address(&mm, 0, USER_VA_END) == 0, "impossible sizes find nothing");

	mm_destroy(&mm);
	printf("1..%d\n", tests);
	return failures != 0;
}
