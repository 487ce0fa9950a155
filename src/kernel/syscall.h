// SPDX-License-Identifier: Apache-2.0
// The system-call table and dispatcher, plus helpers every handler shares.
#ifndef AIRLOCK_KERNEL_SYSCALL_H
#define AIRLOCK_KERNEL_SYSCALL_H

#include <errno.h>
#include <limits.h>

#include "kernel/fdlimits.h"
#include "kernel/guest.h"
#include "vm/gmem.h"

#define SYSCALL_COUNT 512

struct syscall_desc {
	const char *name;
	syscall_fn fn;
	const char *args; /* formats, see syscall_list.h */
	char result;
};

extern const struct syscall_desc syscall_table[SYSCALL_COUNT];
/* Names of every x86-64 system call, served or not (generated from the kernel headers). */
extern const char *const syscall_names[SYSCALL_COUNT];

/*
 * True for calls a monitor thread other than the vCPU's may serve
 * (off_vcpu.c); args NULL asks whether some arguments may be.
 */
bool syscall_off_vcpu_ok(uint64_t nr, const uint64_t *args);

/*
 * The call number in RAX as Linux reads it: the low 32 bits, sign-extended
 * (entry_64.S's movslq), so 0x8000000000000000 is read(2) and -1 no call.
 */
static inline uint64_t syscall_number(uint64_t rax)
{
	return (uint64_t)(int64_t)(int32_t)rax;
}

/* Serves one system call; returns the value for RAX. */
long syscall_dispatch(struct guest *g, uint64_t nr, const uint64_t *args);

#define X(name, fmt, ret) long sys_##name(struct guest *g, const uint64_t *a);
#include "kernel/syscall_list.h"
#undef X

/* A host call's result in the kernel's convention: value or -errno. */
static inline long host_result(long r)
{
	return r < 0 ? -errno : r;
}

/* A call answered by the host for the monitor process as it is (ids, mostly). */
#define PASSTHROUGH_CALL(name, expr)                        \
	long sys_##name(struct guest *g, const uint64_t *a) \
	{                                                   \
		(void)g;                                    \
		(void)a;                                    \
		return (expr);                              \
	}

/* Copies a guest path into buf (PATH_MAX bytes); 0 or -EFAULT/-ENAMETOOLONG. */
static inline long guest_path(struct guest *g, uint64_t gva, char *buf)
{
	long n = gmem_string_in(&g->mm, buf, gva, PATH_MAX);
	return n < 0 ? n : 0;
}

/* Keeps a new host descriptor only if the guest may name it (else -EMFILE). */
long guest_new_fd(long fd);
/* The size Linux's descriptor table would have grown to for this guest. */
int guest_fd_table_size(void);

/* A dirfd argument: AT_FDCWD or a guest descriptor. */
static inline int guest_dirfd_valid(long fd)
{
	return (int)fd == -100 /* AT_FDCWD */ || guest_fd_valid((int)fd);
}

#endif
