// SPDX-License-Identifier: Apache-2.0
// What the emulated /proc files say. Per-process files describe the guest
// (its region map, signal state, start-up stack); host-wide files (cpuinfo,
// meminfo, uptime...) are the host's, as sysinfo and uname already are.
// Where a line describes the monitor process itself it is replaced.
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel/procfs.h"
#include "kernel/procfs_node.h"
#include "kernel/proctab.h"
#include "kernel/syscall.h"
#include "vm/layout.h"

/* A whole small file under a /proc descriptor, NUL-terminated: its length or -errno. */
static long read_under(int proc, const char *rel, char *buf, size_t size)
{
	int fd = openat(proc, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	ssize_t n;
	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = 0;
	return (long)len;
}

long procfs_host_read(struct guest *g, const char *rel, char *buf, size_t size)
{
	return read_under(g->proc.host_proc, rel, buf, size);
}

static int host_copy(struct guest *g, const char *rel, FILE *out)
{
	int fd = openat(g->proc.host_proc, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	int err = n < 0 ? -errno : 0;
	close(fd);
	return err;
}

/* Guest memory [start, end) as it is now (cmdline and environ read live, as Linux does). */
static int guest_bytes(struct guest *g, uint64_t start, uint64_t end, FILE *out)
{
	char buf[4096];
	while (start < end) {
		size_t n = end - start < sizeof(buf) ? end - start : sizeof(buf);
		if (gmem_copy_in(&g->mm, buf, start, n))
			return 0; /* unmapped since: what was readable */
		fwrite(buf, 1, n, out);
		start += n;
	}
	return 0;
}

static int gen_cmdline(struct guest *g, FILE *out)
{
	const struct procfs *p = &g->proc;
	char c;
	if (p->arg_start >= p->arg_end)
		return 0;
	/*
	 * A program that wrote over the NUL ending its arguments uses
	 * setproctitle(): its title runs on into the environment area, up to
	 * the first NUL (included), as Linux reads it.
	 */
	if (gmem_copy_in(&g->mm, &c, p->arg_end - 1, 1) == 0 && c) {
		char *buf = malloc(p->env_end - p->arg_start);
		if (!buf || gmem_copy_in(&g->mm, buf, p->arg_start, p->env_end - p->arg_start)) {
			free(buf);
			return guest_bytes(g, p->arg_start, p->arg_end, out);
		}
		size_t len = strnlen(buf, p->env_end - p->arg_start);
		fwrite(buf, 1, len < p->env_end - p->arg_start ? len + 1 : len, out);
		free(buf);
		return 0;
	}
	return guest_bytes(g, p->arg_start, p->arg_end, out);
}

size_t procfs_cmdline(struct guest *g, char *buf, size_t size)
{
	char *data = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&data, &len);
	if (!out)
		return 0;
	gen_cmdline(g, out);
	if (fclose(out)) {
		free(data);
		return 0;
	}
	len = len < size ? len : size;
	memcpy(buf, data, len);
	free(data);
	return len;
}

/* ---- memory figures ----------------------------------------------------- */

struct mem_usage {
	uint64_t size, rss, rss_file, data, stack, exec; /* bytes */
	uint64_t start_code, end_code, start_data, end_data;
};

/* Pages of a region the guest has touched: resident in the host memory behind it. */
static uint64_t resident(struct guest *g, const struct vma *v)
{
	unsigned char vec[4096];
	uint64_t pages = 0, len = v->end - v->start;
	char *host = physmem_host(&g->mm.pm, v->gpa);
	for (uint64_t off = 0; off < len; off += sizeof(vec) * PAGE_SIZE) {
		uint64_t chunk = len - off < sizeof(vec) * PAGE_SIZE ? len - off : sizeof(vec) * PAGE_SIZE;
		if (mincore(host + off, chunk, vec) < 0)
			break;
		for (uint64_t i = 0; i < chunk / PAGE_SIZE; i++)
			pages += vec[i] & 1;
	}
	return pages * PAGE_SIZE;
}

/* The figures Linux keeps per mm (total_vm, data_vm, exec_vm, stack_vm, RSS), from the region map. */
static void mem_usage(struct guest *g, struct mem_usage *u)
{
	*u = (struct mem_usage){.start_code = UINT64_MAX, .start_data = UINT64_MAX};
	const struct vma_map *m = &g->mm.vmas;
	bool locked = mm_read_lock(&g->mm);
	for (size_t i = 0; i < m->n; i++) {
		const struct vma *v = &m->v[i];
		uint64_t len = v->end - v->start, res = resident(g, v);
		u->size += len;
		u->rss += res;
		if (v->kind == VMA_FILE)
			u->rss_file += res;
		if (v->kind == VMA_STACK)
			u->stack += len;
		else if (v->prot & PROT_WRITE)
			u->data += len;
		else if (v->prot & PROT_EXEC)
			u->exec += len;
		if (!v->file.name || strcmp(v->file.name, g->proc.exe))
			continue;
		/* The program's own segments: its code and data ranges. */
		if ((v->prot & PROT_EXEC) && !(v->prot & PROT_WRITE)) {
			u->start_code = v->start < u->start_code ? v->start : u->start_code;
			u->end_code = v->end > u->end_code ? v->end : u->end_code;
		} else if (v->prot & PROT_WRITE) {
			u->start_data = v->start < u->start_data ? v->start : u->start_data;
			u->end_data = v->end > u->end_data ? v->end : u->end_data;
		}
	}
	mm_read_unlock(&g->mm, locked);
	if (u->start_code > u->end_code)
		u->start_code = u->end_code = 0;
	if (u->start_data > u->end_data)
		u->start_data = u->end_data = 0;
}

/* VmExe: the program's code; the rest of the executable memory is VmLib. */
static uint64_t text_bytes(const struct mem_usage *u)
{
	uint64_t text = u->end_code - u->start_code;
	return text < u->exec ? text : u->exec;
}

/* ---- maps --------------------------------------------------------------- */

/* Whether b continues a as one mapping (Linux merges such neighbours into one vma). */
static bool continues(const struct vma *a, const struct vma *b)
{
	return a->end == b->start && a->prot == b->prot && a->kind == b->kind && a->file.name == b->file.name &&
	       a->file.dev == b->file.dev && a->file.ino == b->file.ino &&
	       (a->kind != VMA_FILE || a->file.offset + (a->end - a->start) == b->file.offset);
}

static int gen_maps(struct guest *g, FILE *out)
{
	const struct vma_map *m = &g->mm.vmas;
	bool locked = mm_read_lock(&g->mm);
	for (size_t i = 0; i < m->n;) {
		const struct vma *v = &m->v[i];
		uint64_t end = v->end;
		while (++i < m->n && continues(&m->v[i - 1], &m->v[i]))
			end = m->v[i].end;
		const char *name = v->kind == VMA_HEAP ? "[heap]" : v->kind == VMA_STACK ? "[stack]" : v->file.name;
		char head[128];
		int n = snprintf(head, sizeof(head), "%08" PRIx64 "-%08" PRIx64 " %c%c%cp %08" PRIx64 " %02x:%02x %" PRIu64 " ",
				 v->start, end, v->prot & PROT_READ ? 'r' : '-', v->prot & PROT_WRITE ? 'w' : '-',
				 v->prot & PROT_EXEC ? 'x' : '-', v->kind == VMA_FILE ? v->file.offset : 0,
				 major(v->file.dev), minor(v->file.dev), v->file.ino);
		/* Linux pads the name out to column 73. */
		if (name)
			fprintf(out, "%s%*s%s\n", head, (n < 72 ? 72 - n : 0) + 1, "", name);
		else
			fprintf(out, "%s\n", head);
	}
	mm_read_unlock(&g->mm, locked);
	return 0;
}

/* ---- status, stat, statm ------------------------------------------------ */

/* What the per-process files say about the process or thread a node describes. */
struct task_view {
	int tid;
	char comm[16];
	uint64_t blocked, pending, shared_pending, ignored, caught;
	int threads;
	char host[32]; /* the same task under the host's /proc: its monitor thread is the guest's */
};

/* A consistent copy, taken under the guest's lock (threads come and go). */
static void task_view(struct guest *g, int tid, struct task_view *v)
{
	*v = (struct task_view){.tid = tid};
	if (tid == getpid())
		snprintf(v->host, sizeof(v->host), "self");
	else
		snprintf(v->host, sizeof(v->host), "self/task/%d", tid);
	pthread_mutex_lock(&g->lock);
	const struct thread *t = g->threads, *oldest = NULL;
	for (; t && t->tid != tid; t = t->next)
		oldest = t;
	if (!t) /* the main thread is gone: its process is described by the others */
		t = oldest;
	if (t) {
		memcpy(v->comm, t->comm, sizeof(v->comm) - 1);
		v->blocked = t->sigmask;
		v->pending = t->pending.set;
	}
	v->shared_pending = g->shared_pending.set;
	v->threads = g->nthreads;
	for (int sig = 1; sig <= GUEST_NSIG; sig++) {
		uint64_t handler = g->sigactions[sig].handler, bit = 1ULL << (sig - 1);
		if (handler == (uint64_t)(uintptr_t)SIG_IGN)
			v->ignored |= bit;
		else if (handler != (uint64_t)(uintptr_t)SIG_DFL)
			v->caught |= bit;
	}
	pthread_mutex_unlock(&g->lock);
}

/* One "Key:\t%8lu kB" line, as Linux prints memory sizes. */
static void kb_line(FILE *out, const char *key, uint64_t bytes)
{
	fprintf(out, "%s:\t%8" PRIu64 " kB\n", key, bytes >> 10);
}

/* The lines of status about the guest (the rest describe the monitor's credentials and CPU set: the guest's too). */
static bool status_line(const struct task_view *v, const char *key, const struct mem_usage *u, FILE *out)
{
	const struct {
		const char *key;
		uint64_t bytes;
	} mem[] = {
		{"VmPeak", u->size}, {"VmSize", u->size}, {"VmLck", 0}, {"VmPin", 0}, {"VmHWM", u->rss},
		{"VmRSS", u->rss}, {"RssAnon", u->rss - u->rss_file}, {"RssFile", u->rss_file}, {"RssShmem", 0},
		{"VmData", u->data}, {"VmStk", u->stack}, {"VmExe", text_bytes(u)},
		{"VmLib", u->exec - text_bytes(u)}, {"VmPTE", 0}, {"VmSwap", 0}, {"HugetlbPages", 0},
	};
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		if (!strcmp(key, mem[i].key)) {
			kb_line(out, key, mem[i].bytes);
			return true;
		}
	}
	if (!strcmp(key, "Name")) {
		fputs("Name:\t", out);
		for (const char *c = v->comm; *c; c++)
			fputs(*c == '\n' ? "\\n" : *c == '\\' ? "\\\\" : (char[2]){*c, 0}, out);
		fputc('\n', out);
	} else if (!strcmp(key, "State")) {
		fputs("State:\tR (running)\n", out);
	} else if (!strcmp(key, "Tgid")) {
		fprintf(out, "Tgid:\t%d\n", getpid());
	} else if (!strcmp(key, "Pid")) {
		fprintf(out, "Pid:\t%d\n", v->tid);
	} else if (!strcmp(key, "PPid")) {
		fprintf(out, "PPid:\t%d\n", getppid());
	} else if (!strcmp(key, "FDSize")) {
		fputs("FDSize:\t64\n", out);
	} else if (!strcmp(key, "Threads")) {
		fprintf(out, "Threads:\t%d\n", v->threads);
	} else if (!strcmp(key, "SigPnd")) {
		fprintf(out, "SigPnd:\t%016" PRIx64 "\n", v->pending);
	} else if (!strcmp(key, "ShdPnd")) {
		fprintf(out, "ShdPnd:\t%016" PRIx64 "\n", v->shared_pending);
	} else if (!strcmp(key, "SigBlk")) {
		fprintf(out, "SigBlk:\t%016" PRIx64 "\n", v->blocked);
	} else if (!strcmp(key, "SigIgn")) {
		fprintf(out, "SigIgn:\t%016" PRIx64 "\n", v->ignored);
	} else if (!strcmp(key, "SigCgt")) {
		fprintf(out, "SigCgt:\t%016" PRIx64 "\n", v->caught);
	} else if (!strcmp(key, "Seccomp") || !strcmp(key, "Seccomp_filters")) {
		fprintf(out, "%s:\t0\n", key); /* the monitor's own filter is not the guest's */
	} else {
		return false;
	}
	return true;
}

/*
 * status follows the host kernel's own layout (its /proc/self/status is
 * the monitor's, which is the guest's process): lines about the guest are
 * replaced, the rest kept.
 */
static int gen_status(struct guest *g, const struct procfs_node *n, FILE *out)
{
	static const char *const fallback = "Name:\nState:\nTgid:\nPid:\nPPid:\nFDSize:\nVmPeak:\nVmSize:\n"
					    "VmLck:\nVmPin:\nVmHWM:\nVmRSS:\nRssAnon:\nRssFile:\nRssShmem:\n"
					    "VmData:\nVmStk:\nVmExe:\nVmLib:\nVmPTE:\nVmSwap:\nThreads:\n"
					    "SigPnd:\nShdPnd:\nSigBlk:\nSigIgn:\nSigCgt:\n";
	char *host = malloc(16384);
	if (!host)
		return -ENOMEM;
	struct task_view v;
	task_view(g, n->tid, &v);
	char rel[48];
	snprintf(rel, sizeof(rel), "%s/status", v.host);
	if (procfs_host_read(g, rel, host, 16384) <= 0)
		strcpy(host, fallback);
	struct mem_usage u;
	mem_usage(g, &u);
	for (char *line = host, *next; *line; line = next) {
		char *nl = strchrnul(line, '\n');
		next = *nl ? nl + 1 : nl;
		*nl = 0;
		char *colon = strchr(line, ':');
		if (colon)
			*colon = 0;
		if (colon && status_line(&v, line, &u, out))
			continue;
		if (colon)
			*colon = ':';
		fprintf(out, "%s\n", line);
	}
	free(host);
	return 0;
}

/*
 * stat: the 52 fields of Linux's format. Scheduling, times, faults, the
 * terminal and the start time are the monitor process's, which runs the
 * guest; identity, memory, signals and the start-up layout are the guest's.
 */
static int gen_stat(struct guest *g, const struct procfs_node *node, FILE *out)
{
	enum { FIELDS = 52 };
	struct task_view v;
	task_view(g, node->tid, &v);
	char host[1024], rel[48], *field[FIELDS + 1] = {0}, *save = NULL;
	snprintf(rel, sizeof(rel), "%s/stat", v.host);
	long n = procfs_host_read(g, rel, host, sizeof(host));
	char *rest = n > 0 ? strrchr(host, ')') : NULL; /* the name may hold spaces and parentheses */
	for (int i = 3; rest && i <= FIELDS; i++) {
		field[i] = strtok_r(i == 3 ? rest + 1 : NULL, " \n", &save);
		if (!field[i])
			break;
	}
	struct mem_usage u;
	mem_usage(g, &u);
	const struct procfs *pf = &g->proc;
	char ours[FIELDS + 1][24];
	const struct {
		int i;
		uint64_t v;
	} set[] = {
		{4, (uint64_t)getppid()}, {20, (uint64_t)v.threads}, {21, 0}, {23, u.size}, {24, u.rss / PAGE_SIZE},
		{26, u.start_code}, {27, u.end_code}, {28, pf->start_stack}, {29, 0}, {30, 0},
		{31, v.pending | v.shared_pending}, {32, v.blocked}, {33, v.ignored}, {34, v.caught}, {35, 0}, {36, 0}, {37, 0}, {38, SIGCHLD}, {43, 0}, {44, 0},
		{45, u.start_data}, {46, u.end_data}, {47, g->mm.brk_start}, {48, pf->arg_start},
		{49, pf->arg_end}, {50, pf->env_start}, {51, pf->env_end}, {52, 0},
	};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		snprintf(ours[set[i].i], sizeof(ours[0]), "%" PRIu64, set[i].v);
		field[set[i].i] = ours[set[i].i];
	}
	fprintf(out, "%d (%s) R", v.tid, v.comm);
	for (int i = 4; i <= FIELDS; i++)
		fprintf(out, " %s", field[i] && *field[i] ? field[i] : "0");
	fputc('\n', out);
	return 0;
}

static int gen_statm(struct guest *g, FILE *out)
{
	struct mem_usage u;
	mem_usage(g, &u);
	const uint64_t page = PAGE_SIZE;
	fprintf(out, "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " 0 %" PRIu64 " 0\n", u.size / page, u.rss / page,
		u.rss_file / page, text_bytes(&u) / page, (u.data + u.stack) / page);
	return 0;
}

/* ---- limits, mounts, small files ---------------------------------------- */

static int gen_limits(FILE *out)
{
	static const char *const rows[RLIM_NLIMITS][2] = {
		[RLIMIT_CPU] = {"Max cpu time", "seconds"}, [RLIMIT_FSIZE] = {"Max file size", "bytes"},
		[RLIMIT_DATA] = {"Max data size", "bytes"}, [RLIMIT_STACK] = {"Max stack size", "bytes"},
		[RLIMIT_CORE] = {"Max core file size", "bytes"}, [RLIMIT_RSS] = {"Max resident set", "bytes"},
		[RLIMIT_NPROC] = {"Max processes", "processes"}, [RLIMIT_NOFILE] = {"Max open files", "files"},
		[RLIMIT_MEMLOCK] = {"Max locked memory", "bytes"}, [RLIMIT_AS] = {"Max address space", "bytes"},
		[RLIMIT_LOCKS] = {"Max file locks", "locks"}, [RLIMIT_SIGPENDING] = {"Max pending signals", "signals"},
		[RLIMIT_MSGQUEUE] = {"Max msgqueue size", "bytes"}, [RLIMIT_NICE] = {"Max nice priority", NULL},
		[RLIMIT_RTPRIO] = {"Max realtime priority", NULL}, [RLIMIT_RTTIME] = {"Max realtime timeout", "us"},
	};
	fprintf(out, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
		getrlimit(i, &rl);
		if (i == RLIMIT_NOFILE) /* what getrlimit tells the guest (process.c) */
			rl.rlim_cur = rl.rlim_max = GUEST_FD_LIMIT;
		char soft[24], hard[24];
		snprintf(soft, sizeof(soft), "%lu", (unsigned long)rl.rlim_cur);
		snprintf(hard, sizeof(hard), "%lu", (unsigned long)rl.rlim_max);
		fprintf(out, "%-25s %-20s %-20s ", rows[i][0], rl.rlim_cur == RLIM_INFINITY ? "unlimited" : soft,
			rl.rlim_max == RLIM_INFINITY ? "unlimited" : hard);
		if (rows[i][1])
			fprintf(out, "%-10s\n", rows[i][1]);
		else
			fputc('\n', out);
	}
	return 0;
}

static const char *fs_type_name(long type)
{
	static const struct {
		long magic;
		const char *name;
	} types[] = {
		{0xEF53, "ext4"}, {0x01021994, "tmpfs"}, {0x794c7630, "overlay"}, {0x58465342, "xfs"},
		{0x9123683E, "btrfs"},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (types[i].magic == type)
			return types[i].name;
	}
	return "airlock";
}

/*
 * An OCI container's mounts (binds, tmpfs, devpts) are real mounts in its
 * own mount namespace, which the monitor pivoted into: its own mount table
 * lists them as the guest should see them, after the root and /proc.
 */
static void copy_container_mounts(struct guest *g, FILE *out)
{
	enum { TABLE_SIZE = 65536 };
	char *table = malloc(TABLE_SIZE);
	ssize_t n = table ? procfs_host_read(g, "self/mounts", table, TABLE_SIZE) : -1;
	for (char *line = n > 0 ? table : NULL, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		char source[256], target[4096];
		if (sscanf(line, "%255s %4095s", source, target) == 2 && strcmp(target, "/") &&
		    strcmp(target, "/proc") && strncmp(target, "/proc/", 6))
			fprintf(out, "%s\n", line);
	}
	free(table);
}

/*
 * The guest sees two mounts: its root filesystem and this /proc (and an OCI
 * container's own mounts). The root's
 * source is "airlock" (not "rootfs", which df takes for an initramfs and skips).
 */
static int gen_mounts(struct guest *g, FILE *out, bool info)
{
	struct stat st;
	struct statfs sfs;
	if (stat("/", &st) < 0 || statfs("/", &sfs) < 0)
		return -errno;
	const char *type = fs_type_name((long)sfs.f_type), *rw = sfs.f_flags & ST_RDONLY ? "ro" : "rw";
	const char *proc_opts = "rw,nosuid,nodev,noexec,relatime";
	if (info) {
		fprintf(out, "1 0 %u:%u / / %s,relatime - %s airlock %s\n", major(st.st_dev), minor(st.st_dev), rw,
			type, rw);
		fprintf(out, "2 1 %u:%u / /proc %s - proc proc rw\n", major(g->proc.proc_dev),
			minor(g->proc.proc_dev), proc_opts);
	} else {
		fprintf(out, "airlock / %s %s,relatime 0 0\n", type, rw);
		fprintf(out, "proc /proc proc %s 0 0\n", proc_opts);
		if (g->own_mounts)
			copy_container_mounts(g, out);
	}
	return 0;
}

/* loadavg's last fields count and name processes: the guest's own only. */
static int gen_loadavg(struct guest *g, FILE *out)
{
	char host[256], load[3][16] = {"0.00", "0.00", "0.00"};
	if (procfs_host_read(g, "loadavg", host, sizeof(host)) > 0)
		sscanf(host, "%15s %15s %15s", load[0], load[1], load[2]);
	fprintf(out, "%s %s %s 1/1 %d\n", load[0], load[1], load[2], getpid());
	return 0;
}

/* version and the sys/kernel names agree with what uname tells the guest. */
static int gen_uname(const struct guest *g, enum procfs_kind kind, FILE *out)
{
	struct utsname u;
	guest_uname(g, &u);
	if (kind == PK_VERSION)
		fprintf(out, "Linux version %s (airlock@airlock) (airlock kernel proxy) %s\n", u.release, u.version);
	else
		fprintf(out, "%s\n", kind == PK_OSRELEASE ? u.release : kind == PK_OSTYPE ? u.sysname : u.nodename);
	return 0;
}

/* ---- another guest process ---------------------------------------------- */

/*
 * Another process's files: its monitor's, as the pid view shows them (state,
 * parent, group, session, terminal, times and memory are those of the process
 * that runs the guest), with what only its monitor knows (name, threads,
 * command line) from the process table. Its signal state and addresses are
 * not known here: shown as 0, as Linux shows the addresses to a reader
 * without ptrace rights.
 */
static int remote_read(struct guest *g, const struct procfs_node *n, const char *file, char *buf, size_t size)
{
	char rel[64];
	if (n->tid == n->pid)
		snprintf(rel, sizeof(rel), "%d/%s", n->pid, file);
	else
		snprintf(rel, sizeof(rel), "%d/task/%d/%s", n->pid, n->tid, file);
	long len = g->proc.pid_proc >= GUEST_FD_LIMIT ? read_under(g->proc.pid_proc, rel, buf, size) : -1;
	return len > 0 ? 0 : -ENOENT; /* not there: it is gone */
}

static int remote_stat(const struct proctab_info *info, char *host, FILE *out)
{
	enum { FIELDS = 52 };
	char *field[FIELDS + 1] = {0}, *save = NULL, *rest = strrchr(host, ')');
	for (int i = 3; rest && i <= FIELDS; i++) {
		field[i] = strtok_r(i == 3 ? rest + 1 : NULL, " \n", &save);
		if (!field[i])
			break;
	}
	char threads[16];
	snprintf(threads, sizeof(threads), "%d", info->nthreads);
	field[20] = threads;
	static const int unknown[] = {26, 27, 28, 29, 30, 31, 32, 33, 34, 45, 46, 47, 48, 49, 50, 51};
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		field[unknown[i]] = "0";
	fprintf(out, "%s (%s)", strtok_r(host, " ", &save), info->comm);
	for (int i = 3; i <= FIELDS; i++)
		fprintf(out, " %s", field[i] && *field[i] ? field[i] : "0");
	fputc('\n', out);
	return 0;
}

static int remote_status(const struct proctab_info *info, char *host, FILE *out)
{
	for (char *line = host, *next; *line; line = next) {
		char *nl = strchrnul(line, '\n');
		next = *nl ? nl + 1 : nl;
		*nl = 0;
		if (!strncmp(line, "Name:", 5)) {
			fputs("Name:\t", out);
			for (const char *c = info->comm; *c; c++)
				fputs(*c == '\n' ? "\\n" : *c == '\\' ? "\\\\" : (char[2]){*c, 0}, out);
			fputc('\n', out);
		} else if (!strncmp(line, "Threads:", 8)) {
			fprintf(out, "Threads:\t%d\n", info->nthreads);
		} else if (!strncmp(line, "SigPnd:", 7) || !strncmp(line, "ShdPnd:", 7) || !strncmp(line, "SigBlk:", 7) ||
			   !strncmp(line, "SigIgn:", 7) || !strncmp(line, "SigCgt:", 7)) {
			*strchrnul(line, '\t') = 0;
			fprintf(out, "%s\t%016x\n", line, 0);
		} else if (!strncmp(line, "Seccomp", 7)) {
			*strchrnul(line, '\t') = 0;
			fprintf(out, "%s\t0\n", line); /* the monitor's own filter is not the guest's */
		} else {
			fprintf(out, "%s\n", line);
		}
	}
	return 0;
}

static int gen_remote(struct guest *g, const struct procfs_node *n, FILE *out)
{
	struct proctab_info *info = malloc(sizeof(*info));
	char *host = malloc(16384);
	int err = !info || !host ? -ENOMEM : proctab_get(g, n->pid, info);
	const char *file = n->kind == PK_STAT ? "stat" : n->kind == PK_STATUS ? "status" : n->kind == PK_STATM ? "statm" : NULL;
	if (!err && file)
		err = remote_read(g, n, file, host, 16384);
	if (!err) {
		switch (n->kind) {
		case PK_COMM:
			fprintf(out, "%s\n", info->comm);
			break;
		case PK_CMDLINE: {
			/* A zombie has no memory left, hence no command line. */
			char state[16] = "";
			if (remote_read(g, n, "stat", host, 16384) == 0 && strrchr(host, ')'))
				sscanf(strrchr(host, ')') + 1, " %15s", state);
			if (strcmp(state, "Z") && strcmp(state, "X"))
				fwrite(info->cmdline, 1, info->cmdline_len, out);
			break;
		}
		case PK_STAT:
			err = remote_stat(info, host, out);
			break;
		case PK_STATUS:
			err = remote_status(info, host, out);
			break;
		case PK_STATM:
			fputs(host, out);
			break;
		default:
			err = -EINVAL;
		}
	}
	free(info);
	free(host);
	return err;
}

int procfs_generate(struct guest *g, const struct procfs_node *n, FILE *out)
{
	char rel[32];
	if (procfs_remote(n))
		return gen_remote(g, n, out);
	switch (n->kind) {
	case PK_HOST:
		return host_copy(g, n->host, out);
	case PK_FDINFO_FILE:
		snprintf(rel, sizeof(rel), "self/fdinfo/%d", n->fd);
		return host_copy(g, rel, out);
	case PK_AUXV:
		fwrite(g->proc.auxv, sizeof(g->proc.auxv[0]), g->proc.auxv_words, out);
		return 0;
	case PK_CMDLINE:
		return gen_cmdline(g, out);
	case PK_ENVIRON:
		return guest_bytes(g, g->proc.env_start, g->proc.env_end, out);
	case PK_COMM: {
		struct task_view v;
		task_view(g, n->tid, &v);
		fprintf(out, "%s\n", v.comm);
		return 0;
	}
	case PK_LIMITS:
		return gen_limits(out);
	case PK_MAPS:
		return gen_maps(g, out);
	case PK_MOUNTS:
	case PK_MOUNTINFO:
		return gen_mounts(g, out, n->kind == PK_MOUNTINFO);
	case PK_STAT:
		return gen_stat(g, n, out);
	case PK_STATM:
		return gen_statm(g, out);
	case PK_STATUS:
		return gen_status(g, n, out);
	case PK_LOADAVG:
		return gen_loadavg(g, out);
	case PK_VERSION:
	case PK_OSRELEASE:
	case PK_OSTYPE:
	case PK_HOSTNAME:
		return gen_uname(g, n->kind, out);
	default:
		return -EINVAL;
	}
}
