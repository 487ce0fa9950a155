// SPDX-License-Identifier: Apache-2.0
// Guest-memory translation. Each region is physically contiguous, so a range
// maps to one host span per region it crosses.
#include "vm/gmem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vm/layout.h"

static int allowed(const struct vma *v, enum gmem_access access)
{
	/* x86 pages are readable whenever present; writes need PROT_WRITE. */
	if (access == GMEM_MONITOR)
		return 1;
	if (access == GMEM_WRITE)
		return (v->prot & PROT_WRITE) != 0;
	return (v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) != 0;
}

int gmem_range_ok(uint64_t gva, size_t len)
{
	return gva <= USER_VA_END && len <= USER_VA_END - gva;
}

/*
 * A shared file mapping's pages are the host's mapping of the file: past its
 * end (the file may shrink at any time) the host raises SIGBUS. Host system
 * calls fail such an access with EFAULT; the monitor's own copies must too.
 */
static bool host_may_fault(const struct vma *v)
{
	return v->shared && v->kind == VMA_FILE;
}

static int describe(struct mm *mm, uint64_t gva, size_t len, enum gmem_access access,
		    struct iovec *iov, int max, size_t *covered, bool *fragile)
{
	*covered = 0;
	if (!gmem_range_ok(gva, len))
		return -EFAULT;
	int count = 0;
	bool locked = mm_read_lock(mm);
	size_t i = vma_lower_bound(&mm->vmas, gva);
	while (len > 0 && i < mm->vmas.n) {
		const struct vma *v = &mm->vmas.v[i];
		if (v->start > gva || !allowed(v, access))
			break;
		*fragile |= host_may_fault(v);
		size_t span = v->end - gva < len ? v->end - gva : len;
		void *host = physmem_host(&mm->pm, v->gpa + (gva - v->start));
		if (count > 0 && (char *)iov[count - 1].iov_base + iov[count - 1].iov_len == host) {
			iov[count - 1].iov_len += span; /* physically adjacent: merge */
		} else {
			if (count == max)
				break;
			iov[count].iov_base = host;
			iov[count].iov_len = span;
			count++;
		}
		*covered += span;
		gva += span;
		len -= span;
		i++;
	}
	mm_read_unlock(mm, locked);
	return count;
}

int gmem_iov_prefix(struct mm *mm, uint64_t gva, size_t len, enum gmem_access access,
		    struct iovec *iov, int max, size_t *covered)
{
	bool fragile = false; /* host I/O reports EFAULT by itself */
	return describe(mm, gva, len, access, iov, max, covered, &fragile);
}

/* Like gmem_iov, also telling whether a monitor access there could fault on the host. */
static int describe_whole(struct mm *mm, uint64_t gva, size_t len, enum gmem_access access,
			  struct iovec *iov, int max, bool *fragile)
{
	size_t covered;
	int n = describe(mm, gva, len, access, iov, max, &covered, fragile);
	if (n < 0 || covered == len)
		return n;
	/* Stopped short: out of pieces (-E2BIG: retry smaller) or at a fault. */
	bool locked = mm_read_lock(mm);
	bool more = n == max && vma_find(&mm->vmas, gva + covered);
	mm_read_unlock(mm, locked);
	return more ? -E2BIG : -EFAULT;
}

int gmem_iov(struct mm *mm, uint64_t gva, size_t len, enum gmem_access access,
	     struct iovec *iov, int max)
{
	bool fragile = false;
	return describe_whole(mm, gva, len, access, iov, max, &fragile);
}

/*
 * memcpy, or for memory that may fault on the host, the kernel's copy
 * between two ranges of this very process, which fails with EFAULT instead.
 */
static int copy_bytes(void *dst, const void *src, size_t len, bool fragile)
{
	if (!fragile) {
		memcpy(dst, src, len);
		return 0;
	}
	struct iovec to = {dst, len}, from = {(void *)src, len};
	return process_vm_writev(getpid(), &from, 1, &to, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

static int clear_bytes(void *dst, size_t len, bool fragile)
{
	static const char zeroes[4096];
	if (!fragile) {
		memset(dst, 0, len);
		return 0;
	}
	for (size_t done = 0; done < len; done += sizeof(zeroes)) {
		size_t n = len - done < sizeof(zeroes) ? len - done : sizeof(zeroes);
		if (copy_bytes((char *)dst + done, zeroes, n, true))
			return -EFAULT;
	}
	return 0;
}

enum { COPY_PIECES = 64 };

/* Moves len bytes between guest and host; host == NULL zero-fills the guest. */
static int transfer(struct mm *mm, uint64_t gva, char *host, size_t len, enum gmem_access access)
{
	struct iovec iov[COPY_PIECES];
	while (len > 0) {
		/* Long transfers across many regions go a window at a time. */
		size_t chunk = len;
		bool fragile = false;
		int n = describe_whole(mm, gva, chunk, access, iov, COPY_PIECES, &fragile);
		while (n == -E2BIG) {
			chunk /= 2;
			n = describe_whole(mm, gva, chunk, access, iov, COPY_PIECES, &fragile);
		}
		if (n < 0)
			return n;
		for (int i = 0; i < n; i++) {
			int err;
			if (!host)
				err = clear_bytes(iov[i].iov_base, iov[i].iov_len, fragile);
			else if (access != GMEM_READ)
				err = copy_bytes(iov[i].iov_base, host, iov[i].iov_len, fragile);
			else
				err = copy_bytes(host, iov[i].iov_base, iov[i].iov_len, fragile);
			if (err)
				return err;
			if (host)
				host += iov[i].iov_len;
		}
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int gmem_copy_in(struct mm *mm, void *dst, uint64_t gva, size_t len)
{
	return transfer(mm, gva, dst, len, GMEM_READ);
}

int gmem_copy_out(struct mm *mm, uint64_t gva, const void *src, size_t len)
{
	return transfer(mm, gva, (char *)src, len, GMEM_WRITE);
}

int gmem_move(struct mm *mm, uint64_t dst, uint64_t src, size_t len)
{
	struct iovec iov[COPY_PIECES];
	while (len > 0) {
		size_t chunk = len < (1 << 20) ? len : (1 << 20);
		/* Source pieces first; destination written through a transfer. */
		int n = gmem_iov(mm, src, chunk, GMEM_MONITOR, iov, 1);
		if (n == -E2BIG) {
			size_t covered;
			gmem_iov_prefix(mm, src, chunk, GMEM_MONITOR, iov, 1, &covered);
			chunk = covered;
			n = 1;
		}
		if (n < 0)
			return n;
		int err = transfer(mm, dst, iov[0].iov_base, chunk, GMEM_MONITOR);
		if (err)
			return err;
		dst += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

int gmem_clear(struct mm *mm, uint64_t gva, size_t len)
{
	return transfer(mm, gva, NULL, len, GMEM_WRITE);
}

long gmem_string_in(struct mm *mm, char *dst, uint64_t gva, size_t max)
{
	size_t done = 0;
	long result = -ENAMETOOLONG;
	bool locked = mm_read_lock(mm);
	while (done < max) {
		const struct vma *v = vma_find(&mm->vmas, gva + done);
		if (!v || !allowed(v, GMEM_READ) || gva + done >= USER_VA_END) {
			result = -EFAULT;
			break;
		}
		size_t span = v->end - (gva + done);
		if (span > max - done)
			span = max - done;
		const char *src = physmem_host(&mm->pm, v->gpa + (gva + done - v->start));
		if (host_may_fault(v)) {
			/* A page at a time: pages past the NUL must not be touched. */
			size_t in_page = PAGE_SIZE - ((gva + done) & (PAGE_SIZE - 1));
			if (span > in_page)
				span = in_page;
			if (copy_bytes(dst + done, src, span, true)) {
				result = -EFAULT;
				break;
			}
			src = dst + done;
		}
		const char *nul = memchr(src, 0, span);
		size_t take = nul ? (size_t)(nul - src) + 1 : span;
		if (src != dst + done)
			memcpy(dst + done, src, take);
		done += take;
		if (nul) {
			result = (long)done - 1;
			break;
		}
	}
	mm_read_unlock(mm, locked);
	return result;
}

long gmem_fill_from_file(struct mm *mm, int fd, uint64_t addr, uint64_t len, uint64_t off)
{
	uint64_t done = 0;
	struct iovec iov[64];
	while (done < len) {
		size_t covered;
		int n = gmem_iov_prefix(mm, addr + done, len - done, GMEM_MONITOR, iov, 64, &covered);
		if (n <= 0)
			return -EFAULT;
		/* Faulting fresh memory in with one call is cheaper than page by page during the copy. */
		for (int i = 0; i < n; i++)
			madvise(iov[i].iov_base, iov[i].iov_len, MADV_POPULATE_WRITE);
		ssize_t got = preadv(fd, iov, n, (off_t)(off + done));
		if (got < 0)
			return -errno;
		if (got == 0)
			break;
		done += (uint64_t)got;
	}
	return (long)done;
}
