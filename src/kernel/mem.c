// SPDX-License-Identifier: Apache-2.0
// Memory-map calls: mmap, munmap, mprotect, brk, mremap, madvise, msync.
// The monitor chooses every address. Private file mappings are filled by
// copying the file into fresh memory; shared ones (and shared anonymous
// memory, through a memfd) map the host object itself into the guest, so
// the file, read(2) and other processes see the same bytes at once.
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

/*
 * The monitor's own descriptor for a new shared region: the guest's file,
 * or anonymous shared memory of len bytes. Returns it or -errno.
 */
static int shared_backing(int guest_fd, uint64_t len)
{
	if (guest_fd >= 0) {
		int fd = fcntl(guest_fd, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT);
		return fd < 0 ? -errno : fd;
	}
	int fd = fd_move_to_monitor(memfd_create("airlock-shared", MFD_CLOEXEC));
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* Checks a file for mmap(2) as Linux does; sets *may_write for a shared mapping. */
static long check_mappable(int fd, int type, int prot, bool *may_write)
{
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
	*may_write = mode == O_RDWR;
	return 0;
}

/*
 * Whole pages past the end of the file are not present: touching them is
 * SIGBUS, at the exact address (monitor.c). If the file shrinks later, a
 * shared mapping's host pages raise it instead.
 */
static void hide_past_end(struct guest *g, uint64_t addr, uint64_t len, int fd, uint64_t off)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return;
	uint64_t size = (uint64_t)st.st_size;
	uint64_t covered = size > off ? PAGE_ALIGN_UP(size - off) : 0;
	if (covered < len)
		paging_unmap(&g->mm.pg, addr + covered, len - covered);
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

	bool anonymous = flags & MAP_ANONYMOUS, shared = type != MAP_PRIVATE, may_write = true;
	if (!anonymous) {
		long err = check_mappable(fd, type, prot, &may_write);
		if (err)
			return err;
	}

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

	long err;
	enum vma_kind kind = anonymous ? VMA_ANON : VMA_FILE;
	if (shared) {
		int backing = shared_backing(anonymous ? -1 : fd, len);
		if (backing < 0)
			return backing;
		err = mm_map_shared(&g->mm, addr, len, prot, kind, backing, anonymous ? 0 : (uint64_t)off);
		if (err)
			close(backing);
	} else {
		err = mm_map_fixed(&g->mm, addr, len, prot, kind);
		if (!err && !anonymous) { /* a private copy; past the end of the file stays zero */
			long filled = gmem_fill_from_file(&g->mm, fd, addr, len, (uint64_t)off);
			err = filled < 0 ? filled : 0;
		}
	}
	if (err) {
		mm_unmap(&g->mm, addr, len);
		return err;
	}
	if (!anonymous) {
		procfs_name_mapping(g, addr, fd, (uint64_t)off);
		vma_find(&g->mm.vmas, addr)->file.may_write = shared && may_write;
		hide_past_end(g, addr, len, fd, (uint64_t)off);
	}
	return (long)addr;
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
		/* Shared regions are the host's own file mappings: the host syncs them. */
		uint64_t from = v->start > addr ? v->start : addr, to = v->end < end ? v->end : end;
		if (!err && v->shared && (flags & MS_SYNC) &&
		    msync(physmem_host(&g->mm.pm, v->gpa + (from - v->start)), to - from, MS_SYNC) < 0)
			err = -errno;
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
		if (v->kind == VMA_FILE && v->shared && !v->file.may_write)
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

/*
 * New pages at addr for a range of region being remapped: for a shared
 * region, its object's pages from where guest address `at` would be (no
 * copy: the same pages); otherwise fresh private memory.
 */
static long map_continuation(struct guest *g, const struct vma *region, uint64_t at, uint64_t addr,
			     uint64_t len, int prot)
{
	if (!region->shared)
		return mm_map_fixed(&g->mm, addr, len, prot, VMA_ANON);
	uint64_t offset = region->shared_offset + (at - region->start);
	long err = mm_map_shared(&g->mm, addr, len, prot, region->kind, region->shared_fd, offset);
	if (err)
		return err;
	struct vma *fresh = vma_find(&g->mm.vmas, addr);
	fresh->file = region->file; /* its name is interned in the same map */
	fresh->file.offset = offset;
	return 0;
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
	struct vma region = *vma_find(&g->mm.vmas, old); /* a copy: regions move as others are inserted */
	if (region.shared && old + old_len > region.end)
		return -EFAULT; /* Linux remaps a shared mapping only within one vma */
	if (new_len <= old_len) {
		mm_unmap(&g->mm, old + new_len, old_len - new_len);
		return (long)old;
	}
	if (user_range(old, new_len) && vma_range_free(&g->mm.vmas, old + old_len, old + new_len)) {
		long err = map_continuation(g, &region, old + old_len, old + old_len, new_len - old_len, prot);
		return err ? err : (long)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t moved = mm_pick_address(&g->mm, 0, new_len);
	if (!moved)
		return -ENOMEM;
	long err = map_continuation(g, &region, old, moved, new_len, prot);
	if (!err && !region.shared)
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
	return mm_discard(&g->mm, addr, len);
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
