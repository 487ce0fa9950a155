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
	bool may_write;   /* MAP_SHARED of a file open for writing: PROT_WRITE is allowed */
};

struct vma {
	uint64_t start, end; /* guest-virtual, page aligned, end exclusive */
	uint64_t gpa;        /* guest-physical address of start */
	int prot;            /* PROT_* */
	enum vma_kind kind;
	struct vma_file file;
	/*
	 * MAP_SHARED: the backing is the host object behind shared_fd (the
	 * file, or a memfd for anonymous memory) from shared_offset, mapped
	 * into the region's guest-physical range, so that the file and every
	 * process mapping it (forked monitors too) see the same pages. The
	 * pieces of one mapping share the descriptor (a monitor one).
	 */
	bool shared;
	int shared_fd;
	uint64_t shared_offset;
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
