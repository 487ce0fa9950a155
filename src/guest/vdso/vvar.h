// SPDX-License-Identifier: Apache-2.0
// The vDSO's data page, written by the monitor (monitor/vclock.c) and read
// by the guest's vDSO (vdso.c) at a fixed address, read-only to the guest.
// Times come from the TSC: ns = base_ns[clock] + (tsc - tsc_base) * mult
// >> shift. The monitor keeps base and mult in step with the host's clocks;
// readers retry while seq is odd or changes under them (a seqlock).
#ifndef AIRLOCK_GUEST_VDSO_VVAR_H
#define AIRLOCK_GUEST_VDSO_VVAR_H

#include <stdint.h>

#define VVAR_VA 0x7fffffffb000ULL /* vm/layout.h places the page here */

enum vvar_mode {
	VVAR_SYSCALL, /* the TSC cannot be trusted here: make the system call */
	VVAR_TSC,
};

enum vvar_clock { VVAR_REALTIME, VVAR_MONOTONIC, VVAR_BOOTTIME, VVAR_CLOCKS };

struct vvar {
	uint32_t seq;
	uint32_t mode;
	uint64_t tsc_base;
	uint64_t mult;
	uint32_t shift;
	uint32_t pad;
	uint64_t base_ns[VVAR_CLOCKS];
};

/* The page's clock for a clock id, or -1 for one it does not keep (CPU-time, coarse, TAI...). */
static inline int vvar_clock_of(long clock)
{
	switch (clock) {
	case 0: return VVAR_REALTIME;  /* CLOCK_REALTIME */
	case 1: return VVAR_MONOTONIC; /* CLOCK_MONOTONIC */
	case 7: return VVAR_BOOTTIME;  /* CLOCK_BOOTTIME */
	default: return -1;
	}
}

/* Clock `which` at TSC value tsc, by the page as it stands (no seqlock). */
static inline uint64_t vvar_at(const volatile struct vvar *vv, int which, uint64_t tsc)
{
	uint64_t tsc_base = vv->tsc_base;
	/* Another CPU's TSC may trail the base by a few cycles: never step back. */
	uint64_t ticks = tsc > tsc_base ? tsc - tsc_base : 0;
	return vv->base_ns[which] + (uint64_t)(((unsigned __int128)ticks * vv->mult) >> vv->shift);
}

/*
 * Nanoseconds on clock `which`: 1, or 0 when the TSC is not to be used.
 * The vDSO and the monitor's own system calls both read time this way, so
 * the two always agree.
 */
static inline int vvar_read(const volatile struct vvar *vv, int which, uint64_t *ns)
{
	for (;;) {
		uint32_t seq = vv->seq;
		__asm__ volatile("" ::: "memory");
		if (seq & 1) {
			__asm__ volatile("pause");
			continue;
		}
		if (vv->mode != VVAR_TSC)
			return 0;
		uint32_t lo, hi;
		/* LFENCE: the TSC must not be read before the loads above. */
		__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
		uint64_t value = vvar_at(vv, which, (uint64_t)hi << 32 | lo);
		__asm__ volatile("" ::: "memory");
		if (vv->seq != seq)
			continue;
		*ns = value;
		return 1;
	}
}

#endif
