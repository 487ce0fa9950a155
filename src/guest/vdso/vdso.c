// SPDX-License-Identifier: Apache-2.0
// The guest's vDSO (AT_SYSINFO_EHDR): the entry points glibc and Go look
// for. Where the monitor trusts the TSC (monitor/vclock.c), the clocks are
// computed here from the TSC and the data page (vvar.h), without a system
// call; otherwise, and for the clocks it does not keep, it makes the call,
// as Linux's own vDSO does when its clock source cannot be read from user
// space. Built as a freestanding shared object (Makefile) and embedded in
// airlock.
#include "guest/vdso/vvar.h"

#define NSEC_PER_SEC 1000000000ULL

struct timespec64 {
	long tv_sec, tv_nsec;
};
struct timeval64 {
	long tv_sec, tv_usec;
};

static long raw_syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static long raw_syscall3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

static const volatile struct vvar *const vv = (const volatile struct vvar *)VVAR_VA;

long __vdso_clock_gettime(long clock, struct timespec64 *ts)
{
	int which = vvar_clock_of(clock);
	uint64_t ns;
	if (which < 0 || !vvar_read(vv, which, &ns))
		return raw_syscall2(228, clock, (long)ts);
	ts->tv_sec = (long)(ns / NSEC_PER_SEC);
	ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
	return 0;
}

long __vdso_gettimeofday(struct timeval64 *tv, void *tz)
{
	uint64_t ns;
	if (tz || !tv || !vvar_read(vv, VVAR_REALTIME, &ns))
		return raw_syscall2(96, (long)tv, (long)tz);
	tv->tv_sec = (long)(ns / NSEC_PER_SEC);
	tv->tv_usec = (long)(ns % NSEC_PER_SEC / 1000);
	return 0;
}

long __vdso_time(long *t)
{
	uint64_t ns;
	if (!vvar_read(vv, VVAR_REALTIME, &ns))
		return raw_syscall2(201, (long)t, 0);
	long now = (long)(ns / NSEC_PER_SEC);
	if (t)
		*t = now;
	return now;
}

long __vdso_clock_getres(long clock, void *res)
{
	return raw_syscall2(229, clock, (long)res);
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
	return raw_syscall3(309, (long)cpu, (long)node, (long)cache);
}

long clock_gettime(long, struct timespec64 *) __attribute__((weak, alias("__vdso_clock_gettime")));
long gettimeofday(struct timeval64 *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long clock_getres(long, void *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
