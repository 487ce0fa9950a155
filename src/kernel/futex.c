// SPDX-License-Identifier: Apache-2.0
// futex on guest memory. Guest memory is ordinary private memory of the
// monitor process, so a guest futex word is a host futex word: the host
// kernel queues waiters and wakes them, with FUTEX_PRIVATE_FLAG always set.
// Priority-inheritance futexes are refused: their words hold thread ids that
// the host would resolve, and a guest must not name host tasks.
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
	int host_op = op | FUTEX_PRIVATE_FLAG;
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
		return host_result(syscall(SYS_futex, word, host_op, (uint32_t)a[2], timeout_arg, NULL, (uint32_t)a[5]));
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		err = futex_word(g, a[0], GMEM_READ, &word);
		if (err)
			return err;
		return host_result(syscall(SYS_futex, word, host_op, (uint32_t)a[2], NULL, NULL, (uint32_t)a[5]));
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
	case FUTEX_WAKE_OP:
		err = futex_word(g, a[0], GMEM_READ, &word);
		if (!err)
			err = futex_word(g, a[4], cmd == FUTEX_WAKE_OP ? GMEM_WRITE : GMEM_READ, &word2);
		if (err)
			return err;
		return host_result(syscall(SYS_futex, word, host_op, (uint32_t)a[2], (void *)(uintptr_t)val2,
					   word2, (uint32_t)a[5]));
	default:
		return -ENOSYS;
	}
}
