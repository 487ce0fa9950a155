// SPDX-License-Identifier: Apache-2.0
// Memory-map calls: mmap, munmap, mprotect, brk, mremap, madvise, msync.
// The monitor chooses every address; file mappings are filled by copying the
// file into fresh anonymous memory. A shared mapping of a file open for
// writing is written back to the file at msync, munmap and exit: the guest
// sees its own writes through either path, but read(2) sees the mapping's
// only after that, and other processes do not share the memory.
#include <sys/mman.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/syscall.h"
#include "vm/layout.h"

#define KNOWN_PROT (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)

/* Rounds a length up to pages; false when it cannot fit in user space. */
static bool page_len(uint64_t len, uint64_t *out)
{
	if (len > USER_VA_END)
		return false;
	*out = PAGE_ALIGN_UP(len);
	return true;
}

static int user_range(uint64_t addr, uint64_t len)
{
	return addr >= USER_VA_MIN && addr < USER_VA_END && len <= USER_VA_END - addr;
}

static long do_mmap(struct guest *g, const uint64_t *a)
{
	uint64_t addr = a[0], len = a[1];
	int prot = (int)a[2], flags = (int)a[3], fd = (int)a[4];
	off_t off = (off_t)a[5];
	int type = flags & MAP_TYPE;

	if (len == 0 || (off & (PAGE_SIZE - 1)) || (prot & ~KNOWN_PROT))
		return -EINVAL;
	if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	if (!page_len(len, &len))
		return -ENOMEM;

	bool anonymous = flags & MAP_ANONYMOUS;
	int write_back_fd = -1;
	if (!anonymous) {
		if (!guest_fd_valid(fd))
			return -EBADF;
		struct stat st;
		if (fstat(fd, &st) < 0)
			return -errno;
		int mode = fcntl(fd, F_GETFL) & O_ACCMODE;
		if (mode == O_WRONLY || (type != MAP_PRIVATE && (prot & PROT_WRITE) && mode != O_RDWR))
			return -EACCES;
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
			return -ENODEV;
		if (type != MAP_PRIVATE && mode == O_RDWR) {
			write_back_fd = fcntl(fd, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT);
			if (write_back_fd < 0)
				return -errno;
		}
	}
	/* Shared anonymous memory behaves as private: there is no fork to share it with yet. */

	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (addr & (PAGE_SIZE - 1))
			return -EINVAL;
		if (!user_range(addr, len))
			return -ENOMEM;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) &&
		    !vma_range_free(&g->mm.vmas, addr, addr + len))
			return -EEXIST;
	} else {
		addr = mm_pick_address(&g->mm, addr & PAGE_MASK, len);
		if (!addr)
			return -ENOMEM;
	}
	long err = mm_map_fixed(&g->mm, addr, len, prot, anonymous ? VMA_ANON : VMA_FILE);
	if (!err && !anonymous) {
		long filled = gmem_fill_from_file(&g->mm, fd, addr, len, (uint64_t)off); /* past the end stays zero */
		err = filled < 0 ? filled : 0;
	}
	if (!err && !anonymous) {
		procfs_name_mapping(g, addr, fd, (uint64_t)off);
		struct vma *v = vma_find(&g->mm.vmas, addr);
		v->file.shared = type != MAP_PRIVATE;
		v->file.may_write = write_back_fd >= 0;
		v->file.written = write_back_fd >= 0 && (prot & PROT_WRITE);
		v->file.fd = write_back_fd;
		write_back_fd = -1; /* the region owns it now */
		/* Whole pages past the end of the file are not present: touching them is SIGBUS. */
		struct stat st;
		if (fstat(fd, &st) == 0) {
			uint64_t covered = (uint64_t)st.st_size > (uint64_t)off ? PAGE_ALIGN_UP((uint64_t)st.st_size - (uint64_t)off) : 0;
			if (covered < len)
				paging_unmap(&g->mm.pg, addr + covered, len - covered);
		}
	}
	if (write_back_fd >= 0)
		close(write_back_fd);
	if (err) {
		mm_unmap(&g->mm, addr, len);
		return err;
	}
	return (long)addr;
}

/* Writes a shared file mapping's memory back, as far as the file reaches. */
static int write_back(struct mm *mm, const struct vma *v)
{
	if (v->kind != VMA_FILE || !v->file.shared || !v->file.written)
		return 0;
	struct stat st;
	if (fstat(v->file.fd, &st) < 0)
		return -errno;
	uint64_t size = (uint64_t)st.st_size, done = 0;
	uint64_t len = size > v->file.offset ? size - v->file.offset : 0;
	if (len > v->end - v->start)
		len = v->end - v->start;
	const uint8_t *host = physmem_host(&mm->pm, v->gpa);
	while (done < len) {
		ssize_t n = pwrite(v->file.fd, host + done, len - done, (off_t)(v->file.offset + done));
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (uint64_t)n;
	}
	return 0;
}

void mem_unmapping(struct mm *mm, const struct vma *v)
{
	if (v->kind != VMA_FILE || !v->file.shared || v->file.fd < 0)
		return;
	write_back(mm, v);
	/* The pieces of one mapping share its descriptor: the last one closes it. */
	for (size_t i = 0; i < mm->vmas.n; i++) {
		const struct vma *other = &mm->vmas.v[i];
		if (other != v && other->kind == VMA_FILE && other->file.shared && other->file.fd == v->file.fd)
			return;
	}
	close(v->file.fd);
}

void mem_write_back_all(struct guest *g)
{
	bool locked = mm_read_lock(&g->mm);
	for (size_t i = 0; i < g->mm.vmas.n; i++)
		write_back(&g->mm, &g->mm.vmas.v[i]);
	mm_read_unlock(&g->mm, locked);
}

static long do_msync(struct guest *g, const uint64_t *a)
{
	uint64_t addr = a[0], len;
	int flags = (int)a[2];
	if ((addr & (PAGE_SIZE - 1)) || (flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) ||
	    (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
		return -EINVAL;
	len = (a[1] + PAGE_SIZE - 1) & PAGE_MASK; /* wraps to 0 for a huge length, as on Linux */
	uint64_t end = addr + len, cursor = addr;
	if (end < addr)
		return -ENOMEM;
	long err = 0;
	for (size_t i = vma_lower_bound(&g->mm.vmas, addr); cursor < end; i++) {
		if (i == g->mm.vmas.n || g->mm.vmas.v[i].start > cursor)
			return -ENOMEM; /* a hole, as Linux reports it (after syncing what precedes) */
		const struct vma *v = &g->mm.vmas.v[i];
		/* Whole regions: the file sees the same bytes either way. */
		if (!err)
			err = write_back(&g->mm, v);
		if (!err && (flags & MS_SYNC) && v->kind == VMA_FILE && v->file.shared && v->file.written)
			err = fdatasync(v->file.fd) < 0 ? -errno : 0;
		cursor = v->end;
	}
	return err;
}

static long do_munmap(struct guest *g, const uint64_t *a)
{
	uint64_t addr = a[0], len;
	if ((addr & (PAGE_SIZE - 1)) || a[1] == 0 || !page_len(a[1], &len) || !user_range(addr, len))
		return -EINVAL;
	return mm_unmap(&g->mm, addr, len);
}

static long do_mprotect(struct guest *g, const uint64_t *a)
{
	uint64_t addr = a[0], len;
	int prot = (int)a[2];
	if ((addr & (PAGE_SIZE - 1)) || (prot & ~KNOWN_PROT))
		return -EINVAL;
	if (!page_len(a[1], &len))
		return -ENOMEM;
	if (len == 0)
		return 0;
	if (!user_range(addr, len))
		return -ENOMEM;
	/* A shared mapping of a file not open for writing never becomes writable. */
	for (size_t i = vma_lower_bound(&g->mm.vmas, addr); (prot & PROT_WRITE) && i < g->mm.vmas.n &&
	     g->mm.vmas.v[i].start < addr + len; i++) {
		const struct vma *v = &g->mm.vmas.v[i];
		if (v->kind == VMA_FILE && v->file.shared && !v->file.may_write)
			return -EACCES;
	}
	return mm_protect(&g->mm, addr, len, prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
}

static long do_brk(struct guest *g, const uint64_t *a)
{
	struct mm *mm = &g->mm;
	uint64_t want = a[0];
	if (want < mm->brk_start || want >= USER_MMAP_BASE)
		return (long)mm->brk;
	uint64_t old_end = PAGE_ALIGN_UP(mm->brk), new_end = PAGE_ALIGN_UP(want);
	if (new_end > old_end) {
		if (!vma_range_free(&mm->vmas, old_end, new_end) ||
		    mm_map_fixed(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE, VMA_HEAP))
			return (long)mm->brk;
	} else if (new_end < old_end) {
		mm_unmap(mm, new_end, old_end - new_end);
	}
	mm->brk = want;
	return (long)want;
}

/* The protection of the region at addr, if [addr, addr+len) is all mapped. */
static int mapped_prot(struct mm *mm, uint64_t addr, uint64_t len, int *prot)
{
	uint64_t cursor = addr;
	for (size_t i = vma_lower_bound(&mm->vmas, addr); cursor < addr + len; i++) {
		if (i == mm->vmas.n || mm->vmas.v[i].start > cursor)
			return 0;
		if (cursor == addr)
			*prot = mm->vmas.v[i].prot;
		cursor = mm->vmas.v[i].end;
	}
	return 1;
}

static long do_mremap(struct guest *g, const uint64_t *a)
{
	uint64_t old = a[0], old_len, new_len;
	int flags = (int)a[3];
	if ((old & (PAGE_SIZE - 1)) || a[2] == 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)))
		return -EINVAL;
	if (!page_len(a[1], &old_len) || !page_len(a[2], &new_len))
		return -EINVAL;
	if ((flags & MREMAP_FIXED))
		return -EINVAL; /* not served yet */
	int prot;
	if (!user_range(old, old_len) || !mapped_prot(&g->mm, old, old_len, &prot))
		return -EFAULT;
	if (new_len <= old_len) {
		mm_unmap(&g->mm, old + new_len, old_len - new_len);
		return (long)old;
	}
	if (user_range(old, new_len) && vma_range_free(&g->mm.vmas, old + old_len, old + new_len)) {
		long err = mm_map_fixed(&g->mm, old + old_len, new_len - old_len, prot, VMA_ANON);
		return err ? err : (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t moved = mm_pick_address(&g->mm, 0, new_len);
	if (!moved)
		return -ENOMEM;
	long err = mm_map_fixed(&g->mm, moved, new_len, prot, VMA_ANON);
	if (!err)
		err = gmem_move(&g->mm, moved, old, old_len);
	if (err) {
		mm_unmap(&g->mm, moved, new_len);
		return err;
	}
	mm_unmap(&g->mm, old, old_len);
	return (long)moved;
}

static long do_madvise(struct guest *g, const uint64_t *a)
{
	uint64_t addr = a[0], len;
	int advice = (int)a[2], prot;
	if ((addr & (PAGE_SIZE - 1)) || !page_len(a[1], &len))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (!user_range(addr, len) || !mapped_prot(&g->mm, addr, len, &prot))
		return -ENOMEM;
	if (advice != MADV_DONTNEED)
		return 0;
	/*
	 * Private memory reads back as zeroes after MADV_DONTNEED. A shared file
	 * mapping keeps its contents: on Linux they are the file's pages.
	 */
	uint64_t end = addr + len;
	for (size_t i = vma_lower_bound(&g->mm.vmas, addr); i < g->mm.vmas.n && g->mm.vmas.v[i].start < end; i++) {
		const struct vma *v = &g->mm.vmas.v[i];
		if (v->kind == VMA_FILE && v->file.shared)
			continue;
		uint64_t from = v->start > addr ? v->start : addr, to = v->end < end ? v->end : end;
		mm_discard(&g->mm, from, to - from);
	}
	return 0;
}

/*
 * Each call changes the address space under the write lock; unlocking makes
 * the new page tables visible to every vCPU before any of them runs on.
 */
#define UNDER_WRITE_LOCK(name)                                  \
	long sys_##name(struct guest *g, const uint64_t *a)     \
	{                                                       \
		mm_write_lock(&g->mm);                          \
		long r = do_##name(g, a);                       \
		int err = mm_write_unlock(&g->mm);              \
		return err ? err : r;                           \
	}

UNDER_WRITE_LOCK(mmap)
UNDER_WRITE_LOCK(munmap)
UNDER_WRITE_LOCK(mprotect)
UNDER_WRITE_LOCK(brk)
UNDER_WRITE_LOCK(mremap)
UNDER_WRITE_LOCK(madvise)
UNDER_WRITE_LOCK(msync)
