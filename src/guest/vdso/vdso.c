// SPDX-License-Identifier: Apache-2.0
// The guest's vDSO (AT_SYSINFO_EHDR): the entry points glibc and Go look
// for. This first version answers through the system call, as Linux's own
// vDSO does when its clock source cannot be read from user space; serving
// the clocks from a shared data page without a VM exit is the next step.
// Built as a freestanding shared object (Makefile) and embedded in airlock.

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

long __vdso_clock_gettime(long clock, void *ts)
{
	return raw_syscall2(228, clock, (long)ts);
}

long __vdso_gettimeofday(void *tv, void *tz)
{
	return raw_syscall2(96, (long)tv, (long)tz);
}

long __vdso_time(long *t)
{
	return raw_syscall2(201, (long)t, 0);
}

long __vdso_clock_getres(long clock, void *res)
{
	return raw_syscall2(229, clock, (long)res);
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
	return raw_syscall3(309, (long)cpu, (long)node, (long)cache);
}

long clock_gettime(long, void *) __attribute__((weak, alias("__vdso_clock_gettime")));
long gettimeofday(void *, void *) __attribute__((weak, alias("__vdso_gettimeofday")));
long time(long *) __attribute__((weak, alias("__vdso_time")));
long clock_getres(long, void *) __attribute__((weak, alias("__vdso_clock_getres")));
long getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
