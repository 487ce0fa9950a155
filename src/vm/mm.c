// SPDX-License-Identifier: Apache-2.0
// Address-space operations behind mmap, munmap, mprotect and brk. Every
// mapping is populated eagerly: guest-physical pages cost no host memory
// until touched, and eager page tables avoid a page-table flush per fault.
#include "vm/mm.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vm/layout.h"

int mm_init(struct mm *mm, struct vm *vm, bool pvm_gates)
{
	*mm = (struct mm){0};
	pthread_rwlock_init(&mm->lock, NULL);
	int err = physmem_init(&mm->pm, vm);
	if (err)
		return err;
	err = paging_init(&mm->pg, &mm->pm, pvm_gates);
	if (err)
		physmem_destroy(&mm->pm);
	return err;
}

void mm_destroy(struct mm *mm)
{
	vma_map_free(&mm->vmas);
	physmem_destroy(&mm->pm);
	pthread_rwlock_destroy(&mm->lock);
}

int mm_after_fork(struct mm *mm)
{
	/*
	 * The parent took the write lock around fork. glibc records a writer
	 * by thread id, which the child's thread no longer has: start from a
	 * fresh lock, and take it once more to publish any pending flush.
	 */
	pthread_rwlock_init(&mm->lock, NULL);
	mm->write_held = false;
	mm_write_lock(mm);
	return mm_write_unlock(mm);
}

void mm_write_lock(struct mm *mm)
{
	pthread_rwlock_wrlock(&mm->lock);
	mm->writer = pthread_self();
	mm->write_held = true;
}

int mm_flush(struct mm *mm)
{
	/*
	 * Re-registering the page-table memslot drops every vCPU's cached
	 * translations: on PVM it is the only way, and on VMX/SVM deleting a
	 * memslot also flushes all guest TLBs (a shootdown for free).
	 */
	if (!mm->pm.vm)
		return 0;
	if (mm->stop_world)
		mm->stop_world(mm);
	int err = physmem_sync_sys_slot(&mm->pm);
	if (mm->start_world)
		mm->start_world(mm);
	if (!err)
		mm->pg.stale = false;
	return err;
}

int mm_write_unlock(struct mm *mm)
{
	int err = 0;
	if (mm->pg.stale || mm->pm.sys_used > mm->pm.sys_slot_size)
		err = mm_flush(mm);
	physmem_reclaim(&mm->pm, mm->quiescent ? mm->quiescent(mm) : atomic_load(&mm->epoch));
	mm->write_held = false;
	pthread_rwlock_unlock(&mm->lock);
	return err;
}

bool mm_read_lock(struct mm *mm)
{
	if (mm->write_held && pthread_equal(mm->writer, pthread_self()))
		return false;
	pthread_rwlock_rdlock(&mm->lock);
	return true;
}

void mm_read_unlock(struct mm *mm, bool locked)
{
	if (locked)
		pthread_rwlock_unlock(&mm->lock);
}

/* Makes addr a region boundary if it falls strictly inside one. */
static int split_at(struct mm *mm, uint64_t addr)
{
	size_t i = vma_lower_bound(&mm->vmas, addr);
	if (i < mm->vmas.n && mm->vmas.v[i].start < addr)
		return vma_split(&mm->vmas, i, addr);
	return 0;
}

/* The pieces of one shared mapping share its descriptor: the last one closes it. */
static void release_shared_fd(struct mm *mm, size_t gone)
{
	int fd = mm->vmas.v[gone].shared_fd;
	for (size_t i = 0; i < mm->vmas.n; i++) {
		if (i != gone && mm->vmas.v[i].shared && mm->vmas.v[i].shared_fd == fd)
			return;
	}
	close(fd);
}

int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	int err = split_at(mm, addr);
	if (!err)
		err = split_at(mm, end);
	if (err)
		return err;
	size_t i = vma_lower_bound(&mm->vmas, addr);
	uint64_t epoch = atomic_load(&mm->epoch) + 1;
	bool freed = false;
	while (i < mm->vmas.n && mm->vmas.v[i].start < end) {
		struct vma *v = &mm->vmas.v[i];
		paging_unmap(&mm->pg, v->start, v->end - v->start);
		/* Still the file if it cannot be made private again: never reused then. */
		if (!v->shared || physmem_unshare(&mm->pm, v->gpa, v->end - v->start) == 0)
			physmem_free(&mm->pm, v->gpa, v->end - v->start, epoch);
		if (v->shared)
			release_shared_fd(mm, i);
		vma_remove(&mm->vmas, i);
		freed = true;
	}
	if (freed) /* threads entering the monitor from now on cannot see the old regions */
		atomic_store(&mm->epoch, epoch);
	return 0;
}

int mm_map_fixed(struct mm *mm, uint64_t addr, uint64_t len, int prot, enum vma_kind kind)
{
	int err = mm_unmap(mm, addr, len);
	if (err)
		return err;
	uint64_t gpa = physmem_alloc(&mm->pm, len);
	if (!gpa)
		return -ENOMEM;
	struct vma vma = {.start = addr, .end = addr + len, .gpa = gpa, .prot = prot, .kind = kind};
	err = vma_insert(&mm->vmas, vma);
	if (err) {
		physmem_free(&mm->pm, gpa, len, 0); /* never published: reusable at once */
		return err;
	}
	uint64_t flags = paging_user_flags(prot);
	if (flags)
		err = paging_map(&mm->pg, addr, gpa, len, flags);
	if (err)
		mm_unmap(mm, addr, len); /* also returns the backing */
	return err;
}

int mm_map_shared(struct mm *mm, uint64_t addr, uint64_t len, int prot, enum vma_kind kind,
		  int fd, uint64_t offset)
{
	int err = mm_map_fixed(mm, addr, len, prot, kind);
	if (err)
		return err;
	struct vma *v = vma_find(&mm->vmas, addr);
	err = physmem_share(&mm->pm, v->gpa, len, fd, offset);
	if (err) {
		mm_unmap(mm, addr, len);
		return err;
	}
	v->shared = true;
	v->shared_fd = fd;
	v->shared_offset = offset;
	return 0;
}

uint64_t mm_pick_address(struct mm *mm, uint64_t hint, uint64_t len)
{
	if (hint >= USER_VA_MIN && hint <= USER_VA_END - len && !(hint & ~PAGE_MASK) &&
	    vma_range_free(&mm->vmas, hint, hint + len))
		return hint;
	/* Top-down first fit below the mmap base, as Linux does without ASLR. */
	const struct vma *v = mm->vmas.v;
	uint64_t ceiling = USER_MMAP_BASE;
	size_t i = vma_lower_bound(&mm->vmas, ceiling); /* v[0..i) end at or below it */
	if (i < mm->vmas.n && v[i].start < ceiling)
		ceiling = v[i].start;
	for (;;) {
		uint64_t floor = i > 0 && v[i - 1].end > USER_VA_MIN ? v[i - 1].end : USER_VA_MIN;
		if (ceiling >= floor && ceiling - floor >= len)
			return ceiling - len;
		if (i == 0)
			return 0;
		i--;
		ceiling = v[i].start;
	}
}

int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot)
{
	uint64_t end = addr + len;
	/* The whole range must be mapped, without holes. */
	uint64_t cursor = addr;
	for (size_t i = vma_lower_bound(&mm->vmas, addr); cursor < end; i++) {
		if (i == mm->vmas.n || mm->vmas.v[i].start > cursor)
			return -ENOMEM;
		cursor = mm->vmas.v[i].end;
	}
	int err = split_at(mm, addr);
	if (!err)
		err = split_at(mm, end);
	if (err)
		return err;
	uint64_t flags = paging_user_flags(prot);
	for (size_t i = vma_lower_bound(&mm->vmas, addr); i < mm->vmas.n && mm->vmas.v[i].start < end; i++) {
		struct vma *v = &mm->vmas.v[i];
		v->prot = prot;
		if (flags)
			err = paging_map(&mm->pg, v->start, v->gpa, v->end - v->start, flags);
		else
			paging_unmap(&mm->pg, v->start, v->end - v->start);
		if (err)
			return err;
	}
	return 0;
}

int mm_discard(struct mm *mm, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	for (size_t i = vma_lower_bound(&mm->vmas, addr); i < mm->vmas.n && mm->vmas.v[i].start < end; i++) {
		const struct vma *v = &mm->vmas.v[i];
		if (v->shared) /* on Linux these are the file's (or shmem's) pages */
			continue;
		uint64_t from = v->start > addr ? v->start : addr;
		uint64_t to = v->end < end ? v->end : end;
		madvise(physmem_host(&mm->pm, v->gpa + (from - v->start)), to - from, MADV_DONTNEED);
	}
	return 0;
}
