// SPDX-License-Identifier: Apache-2.0
// Guest-physical memory management. Host memory is reserved up front
// (MAP_NORESERVE: nothing is committed until touched) but registered with KVM
// in doubling slots only as far as it is used, because on these hosts a
// memslot costs kernel memory and time in proportion to its size.
#include "vm/physmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vm/layout.h"

enum { SYS_SLOT = 0, FIRST_USER_SLOT = 1 };

#define PRIVATE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

static void *reserve(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, PRIVATE_FLAGS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

int physmem_init(struct physmem *pm, struct vm *vm)
{
	*pm = (struct physmem){.vm = vm, .next_slot = FIRST_USER_SLOT};
	pm->sys_host = reserve(SYS_RESERVE);
	pm->user_host = reserve(USER_PHYS_WINDOW);
	if (!pm->sys_host || !pm->user_host) {
		physmem_destroy(pm);
		return -ENOMEM;
	}
	pm->sys_used = SYS_PT_POOL;
	return 0;
}

void physmem_destroy(struct physmem *pm)
{
	if (pm->sys_host)
		munmap(pm->sys_host, SYS_RESERVE);
	if (pm->user_host)
		munmap(pm->user_host, USER_PHYS_WINDOW);
	free(pm->free);
	free(pm->quarantine);
	*pm = (struct physmem){0};
}

uint64_t physmem_alloc_sys_page(struct physmem *pm)
{
	if (pm->sys_used + PAGE_SIZE > SYS_PT_LIMIT)
		return 0;
	uint64_t gpa = pm->sys_used;
	pm->sys_used += PAGE_SIZE;
	return gpa;
}

int physmem_sync_sys_slot(struct physmem *pm)
{
	/* Grow in 1 MiB steps so that most syncs keep the same size. */
	uint64_t want = (pm->sys_used + (1ULL << 20) - 1) & ~((1ULL << 20) - 1);
	if (pm->sys_slot_size) {
		int err = kvm_set_memslot(pm->vm, SYS_SLOT, 0, 0, pm->sys_host);
		if (err)
			return err;
	}
	pm->sys_slot_size = want;
	return kvm_set_memslot(pm->vm, SYS_SLOT, 0, want, pm->sys_host);
}

/* Registers doubling slots until the window up to `top` is covered. */
static int cover_up_to(struct physmem *pm, uint64_t top)
{
	if (!pm->vm) /* memory without a VM: unit tests of the memory code */
		return 0;
	while (pm->user_registered < top) {
		uint64_t size = pm->user_registered ? pm->user_registered : USER_FIRST_SLOT_SIZE;
		if (pm->user_registered + size > USER_PHYS_WINDOW)
			size = USER_PHYS_WINDOW - pm->user_registered;
		int err = kvm_set_memslot(pm->vm, pm->next_slot, USER_PHYS_BASE + pm->user_registered,
					  size, pm->user_host + pm->user_registered);
		if (err)
			return err;
		pm->next_slot++;
		pm->user_registered += size;
	}
	return 0;
}

int physmem_register_again(struct physmem *pm)
{
	pm->sys_slot_size = 0;
	int err = physmem_sync_sys_slot(pm);
	uint64_t top = pm->user_registered;
	pm->user_registered = 0;
	pm->next_slot = FIRST_USER_SLOT;
	return err ? err : cover_up_to(pm, top);
}

uint64_t physmem_alloc(struct physmem *pm, uint64_t len)
{
	len = PAGE_ALIGN_UP(len);
	if (len == 0)
		return 0;
	for (size_t i = 0; i < pm->nfree; i++) {
		struct phys_extent *e = &pm->free[i];
		if (e->len < len)
			continue;
		uint64_t off = e->start;
		e->start += len;
		e->len -= len;
		if (e->len == 0) {
			memmove(e, e + 1, (pm->nfree - i - 1) * sizeof(*e));
			pm->nfree--;
		}
		return USER_PHYS_BASE + off;
	}
	if (len > USER_PHYS_WINDOW - pm->user_top)
		return 0;
	uint64_t off = pm->user_top;
	if (cover_up_to(pm, off + len))
		return 0;
	pm->user_top += len;
	return USER_PHYS_BASE + off;
}

/*
 * The memslots stay as they are: KVM follows the host's page tables under
 * them, so replacing the host mapping is all it takes for the guest to see
 * the file's pages (and, after unshare, fresh private ones).
 */
int physmem_share(struct physmem *pm, uint64_t gpa, uint64_t len, int fd, uint64_t off)
{
	void *host = physmem_host(pm, gpa);
	int flags = MAP_SHARED | MAP_FIXED;
	if (mmap(host, len, PROT_READ | PROT_WRITE, flags, fd, (off_t)off) != MAP_FAILED)
		return 0;
	/* A file open read-only: the guest's page tables never let it write either. */
	if (errno != EACCES || mmap(host, len, PROT_READ, flags, fd, (off_t)off) == MAP_FAILED) {
		int err = -errno;
		physmem_unshare(pm, gpa, len);
		return err;
	}
	return 0;
}

int physmem_unshare(struct physmem *pm, uint64_t gpa, uint64_t len)
{
	/*
	 * A thread may still be copying through a pointer it translated before
	 * the unmap: it then reaches this fresh memory, never the file.
	 */
	void *host = physmem_host(pm, gpa);
	if (mmap(host, len, PROT_READ | PROT_WRITE, PRIVATE_FLAGS | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -errno;
	return 0;
}

/* Inserts into the sorted free list, merging with neighbours. */
static void free_list_insert(struct physmem *pm, uint64_t start, uint64_t len)
{
	size_t i = 0;
	while (i < pm->nfree && pm->free[i].start < start)
		i++;
	if (i > 0 && pm->free[i - 1].start + pm->free[i - 1].len == start) {
		pm->free[i - 1].len += len;
		if (i < pm->nfree && start + len == pm->free[i].start) {
			pm->free[i - 1].len += pm->free[i].len;
			memmove(&pm->free[i], &pm->free[i + 1], (pm->nfree - i - 1) * sizeof(*pm->free));
			pm->nfree--;
		}
		return;
	}
	if (i < pm->nfree && start + len == pm->free[i].start) {
		pm->free[i].start = start;
		pm->free[i].len += len;
		return;
	}
	if (pm->nfree == pm->free_cap) {
		size_t cap = pm->free_cap ? pm->free_cap * 2 : 16;
		struct phys_extent *n = realloc(pm->free, cap * sizeof(*n));
		if (!n)
			return; /* the range is leaked, never reused: safe, only wasteful */
		pm->free = n;
		pm->free_cap = cap;
	}
	memmove(&pm->free[i + 1], &pm->free[i], (pm->nfree - i) * sizeof(*pm->free));
	pm->free[i] = (struct phys_extent){start, len};
	pm->nfree++;
}

static void release(struct physmem *pm, uint64_t off, uint64_t len)
{
	/* Give the pages back to the host; they read as zero when reused. */
	madvise(pm->user_host + off, len, MADV_DONTNEED);
	free_list_insert(pm, off, len);
}

void physmem_free(struct physmem *pm, uint64_t gpa, uint64_t len, uint64_t epoch)
{
	if (len == 0)
		return;
	uint64_t off = gpa - USER_PHYS_BASE;
	if (pm->nquarantine == pm->quarantine_cap) {
		size_t cap = pm->quarantine_cap ? pm->quarantine_cap * 2 : 16;
		struct phys_quarantined *q = realloc(pm->quarantine, cap * sizeof(*q));
		if (!q) {
			madvise(pm->user_host + off, len, MADV_DONTNEED); /* leaked, never reused: safe */
			return;
		}
		pm->quarantine = q;
		pm->quarantine_cap = cap;
	}
	pm->quarantine[pm->nquarantine++] = (struct phys_quarantined){off, len, epoch};
}

void physmem_reclaim(struct physmem *pm, uint64_t safe)
{
	size_t kept = 0;
	for (size_t i = 0; i < pm->nquarantine; i++) {
		struct phys_quarantined q = pm->quarantine[i];
		if (q.epoch <= safe)
			release(pm, q.start, q.len);
		else
			pm->quarantine[kept++] = q;
	}
	pm->nquarantine = kept;
}
