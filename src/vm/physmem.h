// SPDX-License-Identifier: Apache-2.0
// Guest-physical memory: host reservations behind it, an extent allocator for
// program memory, and memslots registered as the used part grows.
#ifndef AIRLOCK_VM_PHYSMEM_H
#define AIRLOCK_VM_PHYSMEM_H

#include <stddef.h>
#include <stdint.h>

#include "vm/kvm.h"
#include "vm/layout.h"

struct phys_extent {
	uint64_t start, len; /* offsets into the user window */
};

/* Freed memory waiting until no thread can still hold a pointer into it. */
struct phys_quarantined {
	uint64_t start, len, epoch;
};

struct physmem {
	struct vm *vm;
	uint8_t *sys_host;      /* backs guest-physical [0, SYS_RESERVE) */
	uint64_t sys_used;      /* bytes of the system area handed out */
	uint64_t sys_slot_size; /* bytes currently registered as slot 0 */
	uint8_t *user_host;     /* backs [USER_PHYS_BASE, +USER_PHYS_WINDOW) */
	uint64_t user_top;      /* bump pointer (offset into the window) */
	uint64_t user_registered;
	uint32_t next_slot;
	struct phys_extent *free;
	size_t nfree, free_cap;
	struct phys_quarantined *quarantine;
	size_t nquarantine, quarantine_cap;
};

/* vm may be NULL: memory that no VM sees, for unit tests. */
int physmem_init(struct physmem *pm, struct vm *vm);
void physmem_destroy(struct physmem *pm);

/* Host pointer for a guest-physical address the allocator handed out. */
static inline void *physmem_host(const struct physmem *pm, uint64_t gpa)
{
	if (gpa < USER_PHYS_BASE)
		return pm->sys_host + gpa;
	return pm->user_host + (gpa - USER_PHYS_BASE);
}

/* One zeroed page of the system area (page tables); returns its gpa or 0. */
uint64_t physmem_alloc_sys_page(struct physmem *pm);

/*
 * Makes the system slot's registration match what is in use. Deleting and
 * re-adding the slot is also what makes edited page tables visible on PVM.
 */
int physmem_sync_sys_slot(struct physmem *pm);

/* Registers every slot again, in a new VM over the same memory (a forked monitor's). */
int physmem_register_again(struct physmem *pm);

/* Zeroed, contiguous program memory; returns its gpa, or 0 when full. */
uint64_t physmem_alloc(struct physmem *pm, uint64_t len);
/*
 * Returns a page-aligned subrange of an allocation. Another guest thread may
 * still be doing host I/O into it through a pointer it translated earlier,
 * so it is only quarantined, tagged with epoch, until physmem_reclaim.
 */
void physmem_free(struct physmem *pm, uint64_t gpa, uint64_t len, uint64_t epoch);
/*
 * Backs [gpa, gpa+len) of an allocation with fd's pages from off, mapped
 * MAP_SHARED: the file itself (or a memfd), seen by every process that maps
 * it, forked monitors included. Read-only when fd is not open for writing.
 */
int physmem_share(struct physmem *pm, uint64_t gpa, uint64_t len, int fd, uint64_t off);
/*
 * Makes a shared range fresh private memory again, before it is freed.
 * On failure (-errno) the range must never be reused: it is still the file.
 */
int physmem_unshare(struct physmem *pm, uint64_t gpa, uint64_t len);
/* Releases (zeroes and makes reusable) what was freed at or before epoch safe. */
void physmem_reclaim(struct physmem *pm, uint64_t safe);

#endif
