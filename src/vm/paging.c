// SPDX-License-Identifier: Apache-2.0
// Page-table construction. The monitor writes entries through its own
// mapping of the system area; when a present entry changes it marks the
// tables stale and the vCPU loop flushes the guest's translations before it
// runs again (how depends on the host, see vm/platform.h).
#include "vm/paging.h"

#include <errno.h>
#include <sys/mman.h>

#include "vm/layout.h"

#define TABLE_FLAGS (PTE_PRESENT | PTE_WRITE | PTE_USER)
#define ADDR_MASK 0x000ffffffffff000ULL

static uint64_t *table(struct paging *pg, uint64_t gpa)
{
	return physmem_host(pg->pm, gpa);
}

/* Returns the last-level table covering va, creating levels when asked. */
static uint64_t *leaf_table(struct paging *pg, uint64_t va, bool create)
{
	uint64_t gpa = pg->pml4;
	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *entry = &table(pg, gpa)[(va >> shift) & 511];
		if (!(*entry & PTE_PRESENT)) {
			if (!create)
				return NULL;
			uint64_t page = physmem_alloc_sys_page(pg->pm);
			if (!page)
				return NULL;
			*entry = page | TABLE_FLAGS;
		}
		gpa = *entry & ADDR_MASK;
	}
	return table(pg, gpa);
}

int paging_map(struct paging *pg, uint64_t va, uint64_t gpa, uint64_t len, uint64_t flags)
{
	uint64_t end = va + len;
	while (va < end) {
		uint64_t *pt = leaf_table(pg, va, true);
		if (!pt)
			return -ENOMEM;
		/* Fill the rest of this table in one go. */
		for (unsigned i = (va >> 12) & 511; i < 512 && va < end; i++) {
			if (pt[i] & PTE_PRESENT)
				pg->stale = true;
			pt[i] = gpa | flags;
			va += PAGE_SIZE;
			gpa += PAGE_SIZE;
		}
	}
	return 0;
}

void paging_unmap(struct paging *pg, uint64_t va, uint64_t len)
{
	uint64_t end = va + len;
	while (va < end) {
		uint64_t *pt = leaf_table(pg, va, false);
		if (!pt) { /* nothing below this 2 MiB boundary */
			va = (va | ((1ULL << 21) - 1)) + 1;
			continue;
		}
		for (unsigned i = (va >> 12) & 511; i < 512 && va < end; i++) {
			if (pt[i] & PTE_PRESENT)
				pg->stale = true;
			pt[i] = 0;
			va += PAGE_SIZE;
		}
	}
}

uint64_t paging_user_flags(int prot)
{
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return 0;
	uint64_t flags = PTE_PRESENT | PTE_USER;
	if (prot & PROT_WRITE)
		flags |= PTE_WRITE;
	if (!(prot & PROT_EXEC))
		flags |= PTE_NX;
	return flags;
}

int paging_init(struct paging *pg, struct physmem *pm, bool pvm_gates)
{
	*pg = (struct paging){.pm = pm};
	pg->pml4 = physmem_alloc_sys_page(pm);
	if (!pg->pml4)
		return -ENOMEM;
	/* Ring 3 can never write any of these, nor read the tables and stack. */
	const struct {
		uint64_t start, end, flags;
	} sys[] = {
		{SYS_GDT, SYS_TRAMPOLINE, PTE_PRESENT | PTE_NX},
		{SYS_TRAMPOLINE, SYS_FIXED_END, PTE_PRESENT},
		{SYS_VCPU_PAGE(0), SYS_VCPU_PAGE(MAX_VCPUS), PTE_PRESENT | PTE_WRITE | PTE_NX},
	};
	for (unsigned i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		int err = paging_map(pg, sys[i].start, sys[i].start, sys[i].end - sys[i].start, sys[i].flags);
		if (err)
			return err;
	}
	int err = paging_map(pg, SYS_VVAR, SYS_VVAR_GPA, PAGE_SIZE, PTE_PRESENT | PTE_USER | PTE_NX);
	if (err || !pvm_gates)
		return err;
	err = paging_map(pg, SYS_GATE, SYS_GATE_GPA, SYS_GATE_PAGES * PAGE_SIZE, PTE_PRESENT | PTE_USER);
	if (!err)
		err = paging_map(pg, SYS_GATE_BOXES, SYS_GATE_BOXES_GPA, GATE_BOXES_BELOW,
				 PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX);
	if (err)
		return err;
	return paging_map(pg, SYS_DOORBELL, SYS_DOORBELL_GPA, PAGE_SIZE, PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX);
}
