// SPDX-License-Identifier: Apache-2.0
// The guest's x86-64 4-level page tables, kept in the system area.
#ifndef AIRLOCK_VM_PAGING_H
#define AIRLOCK_VM_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/physmem.h"

#define PTE_PRESENT (1ULL << 0)
#define PTE_WRITE (1ULL << 1)
#define PTE_USER (1ULL << 2)
#define PTE_NX (1ULL << 63)

struct paging {
	struct physmem *pm;
	uint64_t pml4; /* gpa of the root table: the guest's CR3 */
	/*
	 * A present entry was removed or changed since the guest last had its
	 * translations flushed. Filling entries that were not present needs no
	 * flush: neither TLBs nor shadow page tables cache absent entries.
	 */
	bool stale;
};

/*
 * Builds the root and maps the system structures supervisor-only. With
 * pvm_gates, the read-only gate page ring 3 runs on SYSCALL and the
 * doorbell page are mapped too (see struct platform).
 */
int paging_init(struct paging *pg, struct physmem *pm, bool pvm_gates);

/* Maps [va, va+len) to [gpa, gpa+len) with the given PTE flags (4 KiB pages). */
int paging_map(struct paging *pg, uint64_t va, uint64_t gpa, uint64_t len, uint64_t flags);
/* Removes the mappings of [va, va+len); absent entries are fine. */
void paging_unmap(struct paging *pg, uint64_t va, uint64_t len);

/* PTE flags for a user mapping with PROT_* bits; 0 means "leave unmapped". */
uint64_t paging_user_flags(int prot);

#endif
