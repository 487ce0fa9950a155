// SPDX-License-Identifier: Apache-2.0
// The container's process table. Each guest process has a monitor of its
// own, so no monitor knows another guest's name, program or command line;
// the host's /proc shows only the monitors. Every monitor therefore
// publishes these guest-level facts in one slot of a table shared by all the
// monitors of the container: a memfd mapped MAP_SHARED by the first monitor
// before anything forks, so every later monitor inherits it. `exec` maps the
// same memfd through the first monitor's descriptor (proctab_join); nothing
// else (no other container, no guest) holds it.
// The dynamic facts (state, parent, times, descriptors) come from a /proc
// whose pid numbers are the guest's (procfs.c's pid_proc), read at the time.
//
// Trust. Only monitor code writes here, each monitor into its own slot; the
// guest reaches none of it (it sees only its own guest memory). What a guest
// controls is the content of its own slot (name, command line), as it does
// on Linux; readers treat every field as untrusted: lengths are clamped and
// strings terminated.
//
// Slots. A slot's owner is one 64-bit key: the pid and the owner's start
// time (the host's starttime of its monitor, in clock ticks since boot), so
// that a slot left by a process that is gone (killed before its parent reaped
// it, a parent that never waits) is told from a new process that got the same
// pid: a slot counts only while its pid is alive with that start time. Keys
// change by compare-and-swap only, so two monitors never take the same slot.
// Bodies are written under a sequence counter (odd while written) by their
// owner, under its g->lock; readers copy and retry until it is even and
// unchanged.
#include "kernel/proctab.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/fdlimits.h"
#include "kernel/guest.h"
#include "kernel/procfs.h"
#include "util/procstat.h"

#define START_BITS 40 /* clock ticks: 348 years at 100 Hz */
#define START_MASK ((1ULL << START_BITS) - 1)

struct slot_body {
	_Atomic uint32_t seq;
	bool execed; /* since its fork: what setpgid's EACCES needs */
	int nthreads;
	pid_t tids[MAX_VCPUS];
	char comm[16];
	char exe[PATH_MAX];
	uint32_t cmdline_len;
	char cmdline[PROCTAB_CMDLINE];
};

struct table {
	_Atomic int64_t task_limit; /* guest tasks (proctab_set_task_limit); 0: none */
	_Atomic uint64_t key[PROCTAB_SLOTS]; /* pid << START_BITS | start time; 0: free */
	struct slot_body body[PROCTAB_SLOTS];
};

static struct table *table;
static int own_slot = -1; /* this process's slot (reset in each fork child by proctab_claim) */

#define MEMFD_NAME "airlock-proctab"

static void map_table(int fd)
{
	/* Only the slots in use are ever touched, so only they cost memory. */
	void *p = mmap(NULL, sizeof(struct table), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
	table = p == MAP_FAILED ? NULL : p;
}

void proctab_init(void)
{
	if (table)
		return; /* joined already (exec) */
	/* Kept open for the lifetime of the monitor: exec finds it in the first one's fd/. */
	int fd = fd_move_to_monitor(memfd_create(MEMFD_NAME, MFD_CLOEXEC));
	if (fd >= 0 && ftruncate(fd, sizeof(struct table)) == 0)
		map_table(fd);
}

void proctab_join(pid_t first)
{
	char dir[64], link[PATH_MAX], target[128];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)first);
	DIR *d = opendir(dir);
	for (struct dirent *e; d && !table && (e = readdir(d));) {
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (strncmp(target, "/memfd:" MEMFD_NAME " ", strlen("/memfd:" MEMFD_NAME " ")))
			continue;
		int fd = fd_move_to_monitor(open(link, O_RDWR | O_CLOEXEC));
		if (fd >= 0)
			map_table(fd);
	}
	if (d)
		closedir(d);
}

static pid_t key_pid(uint64_t key)
{
	return (pid_t)(key >> START_BITS);
}

/* The start time of process rel ("42/stat") under a /proc: 0 if it is not there. */
static uint64_t start_time(int proc, const char *rel)
{
	struct proc_stat st;
	return proc_stat_read(proc, rel, &st) == 0 ? st.start & START_MASK : 0;
}

/* Whether the slot's owner is alive (or a zombie): its pid there, with the same start time. */
static bool key_alive(struct guest *g, uint64_t key)
{
	if (!key || g->proc.pid_proc < GUEST_FD_LIMIT)
		return false;
	char rel[32];
	snprintf(rel, sizeof(rel), "%d/stat", key_pid(key));
	return start_time(g->proc.pid_proc, rel) == (key & START_MASK);
}

static void write_begin(struct slot_body *b)
{
	atomic_fetch_add_explicit(&b->seq, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_seq_cst);
}

static void write_end(struct slot_body *b)
{
	atomic_fetch_add_explicit(&b->seq, 1, memory_order_release);
}

/* The guest's threads, ascending, and the main thread's name (the process's). Under g->lock. */
static void put_threads(struct guest *g, struct slot_body *b)
{
	int n = 0;
	const struct thread *main_thread = NULL, *oldest = NULL;
	for (const struct thread *t = g->threads; t; t = t->next) {
		if (t->tid == getpid())
			main_thread = t;
		oldest = t;
		if (n == MAX_VCPUS || !t->tid) /* a thread not started yet: it publishes itself */
			continue;
		int i = n++;
		for (; i > 0 && b->tids[i - 1] > t->tid; i--)
			b->tids[i] = b->tids[i - 1];
		b->tids[i] = t->tid;
	}
	b->nthreads = n;
	/* With the main thread gone, Linux's /proc/<pid>/comm still names it; the oldest other is near enough. */
	if (!main_thread)
		main_thread = oldest;
	if (main_thread)
		memcpy(b->comm, main_thread->comm, sizeof(b->comm));
	b->comm[sizeof(b->comm) - 1] = 0;
}

void proctab_publish_threads_locked(struct guest *g)
{
	if (!table || own_slot < 0)
		return;
	struct slot_body *b = &table->body[own_slot];
	write_begin(b);
	put_threads(g, b);
	write_end(b);
}

void proctab_publish(struct guest *g)
{
	if (!table || own_slot < 0)
		return;
	/* Read from guest memory before taking g->lock (fork takes the memory lock first). */
	static char cmdline[PROCTAB_CMDLINE];
	size_t len = procfs_cmdline(g, cmdline, sizeof(cmdline));
	struct slot_body *b = &table->body[own_slot];
	pthread_mutex_lock(&g->lock);
	write_begin(b);
	b->execed = true; /* a container's first process was exec'd by its runtime too */
	snprintf(b->exe, sizeof(b->exe), "%s", g->proc.exe);
	memcpy(b->cmdline, cmdline, len);
	b->cmdline_len = (uint32_t)len;
	put_threads(g, b);
	write_end(b);
	pthread_mutex_unlock(&g->lock);
}

/* Takes slot i if its key is still expect. */
static bool take(int i, uint64_t expect, uint64_t key)
{
	return atomic_compare_exchange_strong(&table->key[i], &expect, key);
}

/* A consistent copy of slot i's body; false if its writer never finished. */
static bool read_body(int i, struct slot_body *out)
{
	struct slot_body *b = &table->body[i];
	for (int tries = 0; tries < 1000; tries++) {
		uint32_t seq = atomic_load_explicit(&b->seq, memory_order_acquire);
		if (seq & 1) {
			sched_yield();
			continue;
		}
		memcpy((char *)out + sizeof(out->seq), (char *)b + sizeof(b->seq), sizeof(*b) - sizeof(b->seq));
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(&b->seq, memory_order_relaxed) == seq)
			return true;
	}
	return false;
}

static int take_slot(struct guest *g);

void proctab_claim_child(struct guest *g)
{
	int parent = own_slot;
	own_slot = -1;
	if (!table || parent < 0 || take_slot(g) < 0)
		return;
	/* The child is its parent's copy: the same program, command line and name, one thread. */
	struct slot_body *copy = malloc(sizeof(*copy)), *b = &table->body[own_slot];
	if (!copy || !read_body(parent, copy)) {
		free(copy);
		return;
	}
	write_begin(b);
	memcpy((char *)b + sizeof(b->seq), (char *)copy + sizeof(copy->seq), sizeof(*b) - sizeof(b->seq));
	b->execed = false;
	b->nthreads = 1;
	b->tids[0] = getpid();
	write_end(b);
	free(copy);
}

void proctab_claim(struct guest *g)
{
	own_slot = -1;
	if (take_slot(g) >= 0)
		proctab_publish(g);
}

/* Takes a slot for this process (own_slot): its index, or -1. */
static int take_slot(struct guest *g)
{
	if (!table || g->proc.host_proc < GUEST_FD_LIMIT)
		return -1;
	pid_t pid = getpid();
	uint64_t start = start_time(g->proc.host_proc, "self/stat");
	if (!start)
		return -1;
	uint64_t key = (uint64_t)pid << START_BITS | start;
	/* A slot left with this pid by a process gone before its parent reaped it, then a free slot, then any stale one. */
	for (int pass = 0; pass < 3 && own_slot < 0; pass++) {
		for (int i = 0; i < PROCTAB_SLOTS; i++) {
			uint64_t old = atomic_load(&table->key[i]);
			bool fits = pass == 0 ? old && key_pid(old) == pid : pass == 1 ? !old : !key_alive(g, old);
			if (fits && take(i, old, key)) {
				own_slot = i;
				break;
			}
		}
	}
	return own_slot;
}

void proctab_forget(pid_t pid)
{
	if (!table || pid <= 0)
		return;
	for (int i = 0; i < PROCTAB_SLOTS; i++) {
		uint64_t old = atomic_load(&table->key[i]);
		if (old && key_pid(old) == pid)
			take(i, old, 0);
	}
}

int proctab_pids(struct guest *g, pid_t *pids, int max)
{
	int n = 0;
	for (int i = 0; table && i < PROCTAB_SLOTS && n < max; i++) {
		uint64_t key = atomic_load(&table->key[i]);
		if (!key_alive(g, key))
			continue;
		/* Sorted as they go in, without duplicates. */
		pid_t pid = key_pid(key);
		int at = n;
		for (; at > 0 && pids[at - 1] > pid; at--)
			;
		if (at > 0 && pids[at - 1] == pid)
			continue;
		memmove(pids + at + 1, pids + at, (size_t)(n - at) * sizeof(*pids));
		pids[at] = pid;
		n++;
	}
	return n;
}

void proctab_set_task_limit(int64_t limit)
{
	if (table && limit > 0)
		atomic_store(&table->task_limit, limit);
}

bool proctab_room_for_task(struct guest *g)
{
	int64_t limit = table ? atomic_load(&table->task_limit) : 0, tasks = 0;
	for (int i = 0; limit > 0 && i < PROCTAB_SLOTS && tasks < limit; i++) {
		uint64_t key = atomic_load(&table->key[i]);
		if (!key_alive(g, key))
			continue;
		/* Another monitor may be changing it: a count either side of the change will do. */
		int n = __atomic_load_n(&table->body[i].nthreads, __ATOMIC_RELAXED);
		tasks += n > 0 && n <= MAX_VCPUS ? n : 1;
	}
	return tasks < limit || limit <= 0;
}

bool proctab_alive(struct guest *g, pid_t pid)
{
	for (int i = 0; table && pid > 0 && i < PROCTAB_SLOTS; i++) {
		uint64_t key = atomic_load(&table->key[i]);
		if (key && key_pid(key) == pid && key_alive(g, key))
			return true;
	}
	return false;
}

int proctab_get(struct guest *g, pid_t pid, struct proctab_info *out)
{
	for (int i = 0; table && pid > 0 && i < PROCTAB_SLOTS; i++) {
		uint64_t key = atomic_load(&table->key[i]);
		if (!key || key_pid(key) != pid || !key_alive(g, key))
			continue;
		/* A writer is another monitor: it finishes in microseconds, or died and left its slot stale. */
		struct slot_body body;
		if (!read_body(i, &body) || atomic_load(&table->key[i]) != key)
			continue; /* taken over meanwhile: look again */
		/* Untrusted: bound and terminate everything. */
		out->pid = pid;
		out->execed = body.execed;
		out->nthreads = body.nthreads >= 0 && body.nthreads <= MAX_VCPUS ? body.nthreads : 0;
		memcpy(out->tids, body.tids, sizeof(out->tids));
		memcpy(out->comm, body.comm, sizeof(out->comm));
		memcpy(out->exe, body.exe, sizeof(out->exe));
		out->cmdline_len = body.cmdline_len < sizeof(out->cmdline) ? body.cmdline_len : sizeof(out->cmdline);
		memcpy(out->cmdline, body.cmdline, sizeof(out->cmdline));
		out->comm[sizeof(out->comm) - 1] = 0;
		out->exe[sizeof(out->exe) - 1] = 0;
		return 0;
	}
	return -ENOENT;
}
