// SPDX-License-Identifier: Apache-2.0
// Region map bookkeeping: a sorted array searched by bisection. Guests have
// tens to a few thousand regions; an array keeps lookups cache-friendly.
#include "vm/vma.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void vma_map_free(struct vma_map *map)
{
	for (size_t i = 0; i < map->nnames; i++)
		free(map->names[i]);
	free(map->names);
	free(map->v);
	*map = (struct vma_map){0};
}

size_t vma_lower_bound(const struct vma_map *map, uint64_t addr)
{
	size_t lo = 0, hi = map->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (map->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vma *vma_find(const struct vma_map *map, uint64_t addr)
{
	size_t i = vma_lower_bound(map, addr);
	if (i < map->n && map->v[i].start <= addr)
		return &map->v[i];
	return NULL;
}

static int reserve_one(struct vma_map *map)
{
	if (map->n < map->cap)
		return 0;
	size_t cap = map->cap ? map->cap * 2 : 32;
	struct vma *v = realloc(map->v, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	map->v = v;
	map->cap = cap;
	return 0;
}

int vma_insert(struct vma_map *map, struct vma vma)
{
	if (reserve_one(map))
		return -ENOMEM;
	size_t i = vma_lower_bound(map, vma.start);
	memmove(&map->v[i + 1], &map->v[i], (map->n - i) * sizeof(*map->v));
	map->v[i] = vma;
	map->n++;
	return 0;
}

int vma_split(struct vma_map *map, size_t i, uint64_t addr)
{
	if (reserve_one(map))
		return -ENOMEM;
	struct vma high = map->v[i];
	high.gpa += addr - high.start;
	if (high.kind == VMA_FILE)
		high.file.offset += addr - high.start;
	if (high.shared)
		high.shared_offset += addr - high.start;
	high.start = addr;
	map->v[i].end = addr;
	memmove(&map->v[i + 2], &map->v[i + 1], (map->n - i - 1) * sizeof(*map->v));
	map->v[i + 1] = high;
	map->n++;
	return 0;
}

void vma_remove(struct vma_map *map, size_t i)
{
	memmove(&map->v[i], &map->v[i + 1], (map->n - i - 1) * sizeof(*map->v));
	map->n--;
}

/* Names are few (the program, the files it maps) and live as long as the map. */
static const char *intern(struct vma_map *map, const char *name)
{
	for (size_t i = 0; i < map->nnames; i++) {
		if (!strcmp(map->names[i], name))
			return map->names[i];
	}
	char **names = realloc(map->names, (map->nnames + 1) * sizeof(*names));
	if (!names)
		return NULL;
	map->names = names;
	names[map->nnames] = strdup(name);
	return names[map->nnames] ? names[map->nnames++] : NULL;
}

int vma_set_file(struct vma_map *map, uint64_t addr, struct vma_file file)
{
	struct vma *v = vma_find(map, addr);
	if (!v || v->start != addr)
		return -EFAULT;
	if (file.name && !(file.name = intern(map, file.name)))
		return -ENOMEM;
	v->file = file;
	return 0;
}

int vma_range_free(const struct vma_map *map, uint64_t start, uint64_t end)
{
	size_t i = vma_lower_bound(map, start);
	return i == map->n || map->v[i].start >= end;
}
