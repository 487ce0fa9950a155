// SPDX-License-Identifier: Apache-2.0
// New processes: fork, vfork and clone without CLONE_THREAD. Each guest
// process is a monitor process with a VM of its own: the monitor forks
// itself, and the child builds a new VM over the guest memory it inherited
// copy-on-write (the host copies nothing until one side writes), then
// resumes the calling thread's vCPU state there. Guest pids are the
// monitors' pids.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel/proctab.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "kernel/timers.h"
#include "kernel/vclock.h"
#include "monitor/fastcall.h"
#include "util/log.h"
#include "vm/cpu.h"

/* The clone flags a new process may carry (with CSIGNAL, the exit signal). */
#define PROCESS_FLAGS (CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | \
		       CLONE_CHILD_CLEARTID)

/* A vfork child's end of the pipe its parent waits on: closed at exec or exit. */
static int vfork_release_fd = -1;

/* What KVM holds of the calling vCPU, to load into the child's new one. */
struct vcpu_state {
	uint64_t fs_base, gs_base;
	struct kvm_xsave fpu; /* last: it ends in a flexible array */
};

static int save_vcpu(struct vcpu *vcpu, struct vcpu_state *st)
{
	int err = cpu_get_fpu(vcpu, &st->fpu);
	if (!err)
		err = cpu_get_fs_base(vcpu, &st->fs_base);
	if (!err)
		err = cpu_get_gs_base(vcpu, &st->gs_base);
	return err;
}

/*
 * In the child: the process has only the calling thread now, and its own
 * copy of every lock (taken by the parent around fork, or re-made here).
 * Everything bound to the parent's VM or threads is replaced.
 */
static int become_child(struct guest *g, struct thread *t, const struct vcpu_state *st)
{
	g->first_process = false;
	pthread_mutex_init(&g->world_lock, NULL);
	pthread_cond_init(&g->world_cond, NULL);
	g->in_guest = 0;
	g->world_stopped = false;
	/* The parent's other vCPUs: their descriptors would keep the parent's VM alive. */
	for (struct thread *other = g->threads; other; other = other->next)
		if (other != t)
			kvm_vcpu_destroy(&g->vm, &other->vcpu);
	g->threads = t;
	g->nthreads = 1;
	t->next = NULL;
	thread_adopt(t);
	t->in_guest = false;
	/* Pending signals and timers are the parent's alone, as on Linux. */
	memset(&t->pending, 0, sizeof(t->pending));
	memset(&g->shared_pending, 0, sizeof(g->shared_pending));
	signal_host_after_fork();
	timers_after_fork();
	thread_vcpus_after_fork(&g->vm);

	munmap(t->vcpu.run, g->vm.run_size);
	close(t->vcpu.fd);
	unsigned id = t->vcpu.id;
	int err = kvm_vm_renew(&g->vm);
	if (!err)
		err = physmem_register_again(&g->mm.pm);
	if (!err)
		err = kvm_vcpu_create(&g->vm, id, &t->vcpu);
	if (!err)
		err = cpu_setup(&g->vm, &g->mm.pm, &t->vcpu, &g->platform, g->mm.pg.pml4);
	if (!err)
		err = cpu_set_fpu(&t->vcpu, &st->fpu);
	if (!err)
		err = cpu_set_fs_base(&t->vcpu, st->fs_base);
	if (!err)
		err = cpu_set_gs_base(&t->vcpu, st->gs_base);
	if (!err)
		err = kvm_vcpu_bind_task(&t->vcpu);
	if (err)
		return err;
	vclock_after_fork(g);
	fastcall_after_fork(t);
	return 0;
}

/* One byte from fd: false at end of file. */
static bool read_byte(int fd)
{
	char byte;
	ssize_t n;
	while ((n = read(fd, &byte, 1)) < 0 && errno == EINTR)
		;
	return n == 1;
}

static long fork_process(struct guest *g, uint64_t flags, uint64_t stack, uint64_t parent_tid,
			 uint64_t child_tid, uint64_t tls)
{
	struct thread *t = current;
	if (!proctab_room_for_task(g))
		return -EAGAIN;
	struct vcpu_state *st = malloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	int err = save_vcpu(&t->vcpu, st);
	/*
	 * The child writes one byte here once it is ready to run the guest; a
	 * vfork child then keeps its end open until it execs or exits.
	 */
	int ready[2] = {-1, -1};
	if (!err && pipe2(ready, O_CLOEXEC) < 0)
		err = -errno;
	/* Above the guest's range at once: another guest thread must never name them. */
	if (!err && ((ready[0] = fd_move_to_monitor(ready[0])) < 0 || (ready[1] = fd_move_to_monitor(ready[1])) < 0)) {
		err = -errno;
		if (ready[0] >= 0)
			close(ready[0]);
	}
	if (err) {
		free(st);
		return err;
	}
	if (g->trace)
		fflush(g->trace);
	/*
	 * No host signal is handled until the child has a vCPU again (the
	 * handler touches it) and has dropped what the parent had recorded;
	 * one sent to the child meanwhile waits in the kernel.
	 */
	sigset_t all, old_mask;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old_mask);
	/* No other monitor thread may be half-way through the region map or the process state. */
	mm_write_lock(&g->mm);
	pthread_mutex_lock(&g->lock);
	pid_t pid = fork();
	int fork_errno = errno;
	pthread_mutex_unlock(&g->lock);
	if (pid == 0) {
		close(ready[0]);
		proctab_claim_child(g); /* a slot of its own in the container's process table */
		err = become_child(g, t, st);
		free(st);
		if (!err)
			err = mm_after_fork(&g->mm);
		if (err) {
			/* The parent reaps this process and fails the fork: the guest never sees it. */
			if (err != -EAGAIN)
				log_error("fork: the child's VM: %s", strerror(-err));
			_exit(125);
		}
		char ok = 0;
		if (write(ready[1], &ok, 1) < 0)
			guest_exit(g, 125); /* the parent is gone: so is the caller */
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		if (flags & CLONE_VFORK)
			vfork_release_fd = ready[1];
		else
			close(ready[1]);
		t->ctx.rax = 0;
		if (stack)
			t->ctx.rsp = stack;
		if (flags & CLONE_SETTLS)
			cpu_set_fs_base(&t->vcpu, tls);
		if (flags & CLONE_CHILD_CLEARTID)
			t->clear_child_tid = child_tid;
		if (flags & CLONE_CHILD_SETTID)
			gmem_copy_out(&g->mm, child_tid, &t->tid, sizeof(t->tid));
		return 0;
	}
	mm_write_unlock(&g->mm);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	free(st);
	close(ready[1]);
	if (pid < 0) {
		close(ready[0]);
		return fork_errno == ENOMEM ? -ENOMEM : -EAGAIN;
	}
	/*
	 * Until the child has its VM (it is then listed in the process table
	 * too). A child that could not build one (the pids cgroup full, say:
	 * KVM starts a worker task per VM) is reaped here and the fork fails
	 * as Linux's would; only its SIGCHLD may still reach the guest.
	 */
	if (!read_byte(ready[0])) {
		close(ready[0]);
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
		return -EAGAIN;
	}
	if (flags & CLONE_PARENT_SETTID)
		gmem_copy_out(&g->mm, parent_tid, &pid, sizeof(pid));
	if (flags & CLONE_VFORK)
		read_byte(ready[0]); /* vfork: the parent waits until the child has exec'd or exited */
	close(ready[0]);
	return pid;
}

void fork_release_vfork_parent(void)
{
	if (vfork_release_fd >= 0)
		close(vfork_release_fd);
	vfork_release_fd = -1;
}

long sys_fork(struct guest *g, const uint64_t *a)
{
	(void)a;
	return fork_process(g, 0, 0, 0, 0, 0);
}

long sys_vfork(struct guest *g, const uint64_t *a)
{
	(void)a;
	return fork_process(g, CLONE_VFORK, 0, 0, 0, 0);
}

long clone_process(struct guest *g, uint64_t flags, uint64_t stack, uint64_t parent_tid, uint64_t child_tid,
		   uint64_t tls)
{
	/*
	 * The child gets a copy of the memory. CLONE_VM is served only with
	 * CLONE_VFORK (posix_spawn): the parent waits until the child execs,
	 * but does not see what the child wrote meanwhile.
	 */
	if ((flags & ~(PROCESS_FLAGS | CSIGNAL)) || ((flags & CLONE_VM) && !(flags & CLONE_VFORK)))
		return -ENOSYS;
	return fork_process(g, flags, stack, parent_tid, child_tid, tls);
}
