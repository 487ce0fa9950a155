// SPDX-License-Identifier: Apache-2.0
// futex for a single-threaded guest: nobody else can wake a waiter, so
// WAIT only checks the word and sleeps out its timeout, and WAKE wakes none.
#include <linux/futex.h>
#include <time.h>
#include <unistd.h>

#include "kernel/syscall.h"

long sys_futex(struct guest *g, const uint64_t *a)
{
	int cmd = (int)a[1] & FUTEX_CMD_MASK;
	uint32_t word;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET: {
		if (gmem_copy_in(&g->mm, &word, a[0], sizeof(word)))
			return -EFAULT;
		if (word != (uint32_t)a[2])
			return -EAGAIN;
		if (!a[3]) {
			pause(); /* the guest waits forever, as it would natively */
			return -EINTR;
		}
		struct timespec timeout;
		if (gmem_copy_in(&g->mm, &timeout, a[3], sizeof(timeout)))
			return -EFAULT;
		/* WAIT takes a relative timeout, WAIT_BITSET an absolute one. */
		clockid_t clock = ((int)a[1] & FUTEX_CLOCK_REALTIME) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
		int err = clock_nanosleep(clock, cmd == FUTEX_WAIT ? 0 : TIMER_ABSTIME, &timeout, NULL);
		return err ? -err : -ETIMEDOUT;
	}
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (gmem_copy_in(&g->mm, &word, a[0], sizeof(word)))
			return -EFAULT;
		return 0;
	default:
		return -ENOSYS;
	}
}
