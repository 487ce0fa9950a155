// SPDX-License-Identifier: Apache-2.0
// The guest's memory: region map, guest-physical backing and page tables,
// always changed together so that they agree.
#ifndef AIRLOCK_VM_MM_H
#define AIRLOCK_VM_MM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm/paging.h"
#include "vm/physmem.h"
#include "vm/vma.h"

/*
 * Concurrency: changes (mmap family, brk) hold the write lock; translations
 * (gmem) hold the read lock only while translating, then do host I/O on the
 * host pointers without it. Memory unmapped meanwhile stays quarantined
 * (physmem_free) until every thread that was already in the monitor when it
 * was freed has left: `epoch` counts unmap batches, and `quiescent` (set by
 * the kernel proxy) returns the newest epoch no other thread may still use.
 */
struct mm {
	struct physmem pm;
	struct paging pg;
	struct vma_map vmas;
	uint64_t brk_start, brk; /* the program break, as the guest sees it */
	pthread_rwlock_t lock;
	pthread_t writer;        /* valid while write_held */
	bool write_held;
	_Atomic uint64_t epoch;
	uint64_t (*quiescent)(struct mm *mm);
	/*
	 * Re-registering the page-table memslot while another vCPU runs would
	 * leave it walking tables that are briefly gone: the kernel proxy
	 * holds every other vCPU outside KVM_RUN around it (thread.c).
	 */
	void (*stop_world)(struct mm *mm);
	void (*start_world)(struct mm *mm);
};

void mm_write_lock(struct mm *mm);
/* Makes changed page tables visible to every vCPU, reclaims, unlocks. */
int mm_write_unlock(struct mm *mm);
/* Read side for translations; a no-op for the thread holding the write lock. */
bool mm_read_lock(struct mm *mm);
void mm_read_unlock(struct mm *mm, bool locked);
/* In a forked child, for the write lock its parent held around fork: unlocked, flushed. */
int mm_after_fork(struct mm *mm);
/* Flushes every vCPU's view of the page tables now (holding the write lock). */
int mm_flush(struct mm *mm);

/* pvm_gates: map the PVM system-call gate and doorbell (see struct platform). */
int mm_init(struct mm *mm, struct vm *vm, bool pvm_gates);
void mm_destroy(struct mm *mm);

/* Fresh zeroed memory at exactly [addr, addr+len), replacing what was there. */
int mm_map_fixed(struct mm *mm, uint64_t addr, uint64_t len, int prot, enum vma_kind kind);
/*
 * fd's pages from offset at exactly [addr, addr+len), MAP_SHARED (struct
 * vma's shared). On success the region owns fd, a monitor descriptor.
 */
int mm_map_shared(struct mm *mm, uint64_t addr, uint64_t len, int prot, enum vma_kind kind,
		  int fd, uint64_t offset);
/* A free range of len bytes: at hint if possible, else the highest one below the mmap base. */
uint64_t mm_pick_address(struct mm *mm, uint64_t hint, uint64_t len);
int mm_unmap(struct mm *mm, uint64_t addr, uint64_t len);
/* Drops the private contents of [addr, addr+len): they read back as zeroes. Shared ones stay. */
int mm_discard(struct mm *mm, uint64_t addr, uint64_t len);
/* Returns -ENOMEM if part of the range is not mapped, as mprotect(2) does. */
int mm_protect(struct mm *mm, uint64_t addr, uint64_t len, int prot);

#endif
