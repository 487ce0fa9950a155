// SPDX-License-Identifier: Apache-2.0
// Guest threads: each one a vCPU served by its own monitor thread.
#ifndef AIRLOCK_KERNEL_THREAD_H
#define AIRLOCK_KERNEL_THREAD_H

#include <setjmp.h>

#include "kernel/guest.h"

/* Where a monitor thread goes when its guest thread exits (set before it runs). */
extern __thread jmp_buf *thread_exit_point;

/* Makes the calling host thread guest thread t (sets current and its tid). */
void thread_adopt(struct thread *t);

/* Adds t to the process's thread list. */
void thread_register(struct guest *g, struct thread *t);

/* Brackets KVM_RUN: waits while the world is stopped, and counts. */
void thread_enter_guest(struct thread *t);
void thread_leave_guest(struct thread *t);
/* Holds every other vCPU outside KVM_RUN (struct mm's stop_world/start_world). */
void thread_stop_world(struct mm *mm);
void thread_start_world(struct mm *mm);

/* clone without CLONE_THREAD: a new process (fork.c). */
long clone_process(struct guest *g, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
		   uint64_t tls);
/* A vfork child lets its parent go on: at exec, and when it exits. */
void fork_release_vfork_parent(void);
/* In a forked child: the parent's idle vCPUs are closed, none left to reuse. */
void thread_vcpus_after_fork(struct vm *vm);

/*
 * execve in a process with other threads: they end, as Linux ends them,
 * and self goes on alone. False if another thread's execve got there first.
 */
bool thread_end_others(struct guest *g, struct thread *self);
/* Called by each vCPU thread when it leaves the guest: ends it if another thread's execve asked. */
void thread_end_if_replaced(struct thread *t);

/* Marks the robust futexes a dying thread holds (futex.c). */
void futex_exit_robust_list(struct guest *g, struct thread *t);

/* The newest mm epoch no thread other than the caller may still use (struct mm). */
uint64_t thread_quiescent_epoch(struct mm *mm);

#endif
