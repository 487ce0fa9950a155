// SPDX-License-Identifier: Apache-2.0
// The guest's region map: sorted, non-overlapping virtual ranges, each backed
// by one contiguous guest-physical range.
#ifndef AIRLOCK_VM_VMA_H
#define AIRLOCK_VM_VMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vma_kind { VMA_ANON, VMA_FILE, VMA_HEAP, VMA_STACK };

/* The file behind a VMA_FILE region, as /proc/<pid>/maps shows it. */
struct vma_file {
	uint64_t offset;  /* file offset of the region's start */
	uint64_t dev, ino;
	uint64_t size;    /* the file's size when mapped: pages past it raise SIGBUS */
	const char *name; /* path inside the rootfs, interned in the map; NULL if unknown */
	/*
	 * MAP_SHARED: the memory is the monitor's, written back to the file
	 * through fd (the monitor's own descriptor, shared by every piece of
	 * the mapping) if it was ever writable (kernel/mem.c).
	 */
	bool shared;
	bool may_write; /* the file is open for writing: PROT_WRITE is allowed */
	bool written;   /* was writable at some point: to be written back */
	int fd;
};

struct vma {
	uint64_t start, end; /* guest-virtual, page aligned, end exclusive */
	uint64_t gpa;        /* guest-physical address of start */
	int prot;            /* PROT_* */
	enum vma_kind kind;
	struct vma_file file;
};

struct vma_map {
	struct vma *v;
	size_t n, cap;
	char **names; /* every file name regions point to, freed with the map */
	size_t nnames;
};

void vma_map_free(struct vma_map *map);

/* Index of the region containing addr, or of the first region above it (n if none). */
size_t vma_lower_bound(const struct vma_map *map, uint64_t addr);
/* The region containing addr, or NULL. */
struct vma *vma_find(const struct vma_map *map, uint64_t addr);

/* Inserts a region that overlaps none. Returns 0 or -ENOMEM. */
int vma_insert(struct vma_map *map, struct vma vma);
/* Splits region i at addr (strictly inside it). Returns 0 or -ENOMEM. */
int vma_split(struct vma_map *map, size_t i, uint64_t addr);
void vma_remove(struct vma_map *map, size_t i);

/* Records the file behind the region starting at addr (file.name is copied). Returns 0 or -ENOMEM/-EFAULT. */
int vma_set_file(struct vma_map *map, uint64_t addr, struct vma_file file);

/* True when [start, end) meets no region. */
int vma_range_free(const struct vma_map *map, uint64_t start, uint64_t end);

#endif
