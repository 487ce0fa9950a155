// SPDX-License-Identifier: Apache-2.0
// Shared by the bad-pointer probes (badptr.c, badptr2.c): one line per call,
// and pointers placed so that an object runs off the end of a mapping.
#ifndef AIRLOCK_TESTS_BADPTR_UTIL_H
#define AIRLOCK_TESTS_BADPTR_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static char good[PAGE];
static char *page_end; // first byte after a mapping whose next page is unmapped

static void report(const char *name, const char *what, long ret, int err)
{
	if (ret == -1)
		printf("%s(%s) = -1 errno=%s\n", name, what, strerrorname_np(err));
	else
		printf("%s(%s) = %ld\n", name, what, ret);
}

// One call, one line. errno is read right after the call.
#define T(name, what, call)                                                    \
	do {                                                                   \
		errno = 0;                                                     \
		long r_ = (long)(call);                                        \
		report(name, what, r_, errno);                                 \
	} while (0)

// For calls whose success value is not deterministic (addresses, ids, sizes).
#define T_OK(name, what, call)                                                 \
	do {                                                                   \
		errno = 0;                                                     \
		long r_ = (long)(call);                                        \
		if (r_ == -1)                                                  \
			report(name, what, r_, errno);                         \
		else                                                           \
			printf("%s(%s) = ok\n", name, what);                   \
	} while (0)

static void die(const char *what)
{
	printf("setup failed: %s: %s\n", what, strerrorname_np(errno));
	fflush(stdout);
	exit(3);
}

// Line-buffered output (a crash mid-run still shows how far it got), the
// `good` buffer filled, and two pages mapped with the second dropped: the
// hole right after page_end. Later two-page mappings cannot land in it.
static void setup_buffers(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	char *base = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		die("mmap");
	if (munmap(base + PAGE, PAGE) != 0)
		die("munmap");
	memset(base, 'x', PAGE);
	page_end = base + PAGE;
	memset(good, 'g', sizeof(good));
}

// Copies n bytes so they end exactly at the end of the mapping; the byte after
// them is unmapped.
static void *at_end(const void *bytes, size_t n)
{
	memcpy(page_end - n, bytes, n);
	return page_end - n;
}

// A pointer with 4 valid bytes before the hole: any larger object, or a string
// without NUL, runs off the end of the mapping.
static void *straddle(void)
{
	return at_end("xxxx", 4);
}

// Bad-fd cases: -1, a large free number, and the whole range where a monitor
// could keep descriptors of its own (VM, vCPU, ...). A guest must see none.
typedef long (*fd_call)(int fd);

static void bad_fds(const char *name, fd_call fn)
{
	T(name, "fd -1", fn(-1));
	T(name, "fd 9999", fn(9999));
	int ebadf = 0;
	for (int fd = 1000; fd <= 1100; fd++) {
		errno = 0;
		long r = fn(fd);
		if (r == -1 && errno == EBADF) {
			ebadf++;
			continue;
		}
		char what[32];
		snprintf(what, sizeof(what), "fd %d", fd);
		report(name, what, r, errno);
	}
	printf("%s(fd 1000..1100) = -1 errno=EBADF x%d\n", name, ebadf);
}

#endif
