// SPDX-License-Identifier: Apache-2.0
// Checked access to guest memory: the only place guest-virtual addresses
// become host pointers. Every range is checked whole, overflow-safely, against
// the region map and the kind of access; failures are -EFAULT.
#ifndef AIRLOCK_VM_GMEM_H
#define AIRLOCK_VM_GMEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "vm/mm.h"

enum gmem_access {
	GMEM_READ,   /* the guest could read it: any present page */
	GMEM_WRITE,  /* the guest could write it: PROT_WRITE */
	GMEM_MONITOR /* the monitor filling mapped memory (loader, file mmap): any region */
};

int gmem_copy_in(struct mm *mm, void *dst, uint64_t gva, size_t len);
int gmem_copy_out(struct mm *mm, uint64_t gva, const void *src, size_t len);
/* Copies len bytes within guest memory, ignoring protections (mremap's move). */
int gmem_move(struct mm *mm, uint64_t dst, uint64_t src, size_t len);

/* Zero-fills guest memory (for example a struct the host left short). */
int gmem_clear(struct mm *mm, uint64_t gva, size_t len);

/*
 * Copies a NUL-terminated string of at most max-1 bytes into dst. Returns its
 * length, -EFAULT, or -ENAMETOOLONG when no NUL comes within max bytes.
 */
long gmem_string_in(struct mm *mm, char *dst, uint64_t gva, size_t max);

/*
 * Describes [gva, gva+len) as host iovecs (one per region crossed) so that
 * host I/O goes straight to guest memory. Returns the count, or -EFAULT when
 * any byte is unmapped or lacks the access, or -E2BIG past max pieces.
 */
int gmem_iov(struct mm *mm, uint64_t gva, size_t len, enum gmem_access access,
	     struct iovec *iov, int max);

/*
 * Like gmem_iov, but for I/O that may stop short: describes the longest
 * accessible prefix that fits in max pieces and stores its length in *covered.
 * Returns the count (0 when even the first byte is inaccessible), or -EFAULT
 * when the range runs past the top of user space, as access_ok() would.
 */
int gmem_iov_prefix(struct mm *mm, uint64_t gva, size_t len, enum gmem_access access,
		    struct iovec *iov, int max, size_t *covered);

/* True when [gva, gva+len) lies below the top of user space (mapped or not). */
int gmem_range_ok(uint64_t gva, size_t len);

/*
 * Reads file bytes [off, off+len) into guest memory the monitor is filling
 * (GMEM_MONITOR): the loader and file mmap. Stops at the end of the file;
 * returns the bytes read or -errno.
 */
long gmem_fill_from_file(struct mm *mm, int fd, uint64_t addr, uint64_t len, uint64_t off);

#endif
