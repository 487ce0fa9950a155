// SPDX-License-Identifier: Apache-2.0
// futex on guest memory. A guest futex word is a host futex word: the host
// kernel queues waiters and wakes them, with the guest's own
// FUTEX_PRIVATE_FLAG or not. That matters: a shared futex in MAP_SHARED
// memory (a process-shared semaphore) is waited on in one monitor process
// and woken from another, which only a shared host futex does.
// Priority-inheritance futexes hold thread ids the host resolves; guest tids
// are host tids, and inside the jail's pid namespace (OCI runtime stage) a
// guest can name only its own threads.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel/syscall.h"

/* The host address of a 4-byte aligned guest futex word. */
static long futex_word(struct guest *g, uint64_t gva, enum gmem_access access, uint32_t **word)
{
	if (gva & 3)
		return -EINVAL;
	struct iovec iov;
	if (gmem_iov(&g->mm, gva, sizeof(uint32_t), access, &iov, 1) != 1)
		return -EFAULT;
	*word = iov.iov_base;
	return 0;
}

long sys_futex(struct guest *g, const uint64_t *a)
{
	int op = (int)a[1], cmd = op & FUTEX_CMD_MASK;
	uint32_t *word, *word2 = NULL;
	struct timespec timeout;
	const struct timespec *timeout_arg = NULL;
	uint64_t val2 = a[3];
	long err;

	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		err = futex_word(g, a[0], GMEM_READ, &word);
		if (err)
			return err;
		if (a[3]) {
			if (gmem_copy_in(&g->mm, &timeout, a[3], sizeof(timeout)))
				return -EFAULT;
			timeout_arg = &timeout;
		}
		return host_result(syscall(SYS_futex, word, op, (uint32_t)a[2], timeout_arg, NULL, (uint32_t)a[5]));
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		err = futex_word(g, a[0], GMEM_READ, &word);
		/* A private wake never touches the word: nobody waits on unmapped user memory. */
		if (err == -EFAULT && (op & FUTEX_PRIVATE_FLAG) && gmem_range_ok(a[0], sizeof(uint32_t)))
			return 0;
		if (err)
			return err;
		return host_result(syscall(SYS_futex, word, op, (uint32_t)a[2], NULL, NULL, (uint32_t)a[5]));
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
	case FUTEX_UNLOCK_PI:
		err = futex_word(g, a[0], GMEM_WRITE, &word);
		if (err)
			return err;
		if (cmd != FUTEX_UNLOCK_PI && a[3]) {
			if (gmem_copy_in(&g->mm, &timeout, a[3], sizeof(timeout)))
				return -EFAULT;
			timeout_arg = &timeout;
		}
		return host_result(syscall(SYS_futex, word, op, (uint32_t)a[2], timeout_arg, NULL, 0));
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP:
		err = futex_word(g, a[0], GMEM_READ, &word);
		if (!err)
			err = futex_word(g, a[4], cmd == FUTEX_WAKE_OP ? GMEM_WRITE : GMEM_READ, &word2);
		if (err)
			return err;
		return host_result(syscall(SYS_futex, word, op, (uint32_t)a[2], (void *)(uintptr_t)val2,
					   word2, (uint32_t)a[5]));
	default:
		return -ENOSYS;
	}
}

#define ROBUST_LIST_LIMIT 2048

/* Marks one robust futex word of a dying owner and wakes a waiter. */
static void robust_release(struct guest *g, uint64_t word_gva, pid_t tid)
{
	uint32_t *word;
	if (futex_word(g, word_gva, GMEM_WRITE, &word))
		return;
	uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
	while ((old & FUTEX_TID_MASK) == (uint32_t)tid) {
		uint32_t next = (old & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
		if (__atomic_compare_exchange_n(word, &old, next, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			/* Shared, as the kernel wakes (and glibc waits on) robust futexes. */
			if (old & FUTEX_WAITERS)
				syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0);
			break;
		}
	}
}

void futex_exit_robust_list(struct guest *g, struct thread *t)
{
	struct { uint64_t next; int64_t offset; uint64_t pending; } head;
	if (!t->robust_list || gmem_copy_in(&g->mm, &head, t->robust_list, sizeof(head)))
		return;
	uint64_t entry = head.next;
	/* The list lives in guest memory: a bounded walk, every step checked. */
	for (int n = 0; entry != t->robust_list && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;
		if (gmem_copy_in(&g->mm, &next, entry & ~1ULL, sizeof(next)))
			return;
		if ((entry & ~1ULL) != head.pending)
			robust_release(g, (entry & ~1ULL) + (uint64_t)head.offset, t->tid);
		entry = next;
	}
	if (head.pending)
		robust_release(g, (head.pending & ~1ULL) + (uint64_t)head.offset, t->tid);
}
