// SPDX-License-Identifier: Apache-2.0
// Guest probe: reads /proc as programs commonly do and prints one line per
// check, with nothing in it that differs between runs (no pids, addresses
// or times: those are compared in-process and printed as yes/no).

// tests/integration/proc.t diffs `procprobe common ...` natively (with a real
// /proc mounted in the rootfs) against airlock, and checks the lines of
// `procprobe airlock`, which covers what only the emulation promises (write
// refusals as for an unprivileged process, the /dev fallbacks, the mounts).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define PAGE 4096UL
#define UNMAPPED ((void *)0x1)
#define KERNEL ((void *)0xffff800000000000ULL)

extern char **environ;
static char pid_str[16];
static char exe[8192];

static void die(const char *what)
{
	printf("setup failed: %s: %s\n", what, strerrorname_np(errno));
	exit(3);
}

static const char *yes(int ok)
{
	return ok ? "yes" : "no";
}

// The whole of a file (a NUL is appended); its length, or -errno.
static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
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

// errno name of a failed call, or "ok".
static const char *result(long r)
{
	return r < 0 ? strerrorname_np(errno) : "ok";
}

// Replaces the pid (as a path component or a whole word) with PID.
static const char *unpid(const char *s)
{
	static char out[512];
	size_t plen = strlen(pid_str), o = 0;
	for (const char *c = s; *c && o + 4 < sizeof(out);) {
		if (!strncmp(c, pid_str, plen) && (c == s || c[-1] == '/') && (c[plen] == '/' || !c[plen])) {
			memcpy(out + o, "PID", 3);
			o += 3;
			c += plen;
		} else {
			out[o++] = *c++;
		}
	}
	out[o] = 0;
	return out;
}

// The value of "Key:" in a status-style file, or "".
static const char *field(const char *text, const char *key)
{
	static char out[256];
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			const char *v = line + klen + 1;
			v += strspn(v, " \t");
			size_t n = strcspn(v, "\n");
			snprintf(out, sizeof(out), "%.*s", (int)n, v);
			return out;
		}
	}
	return "";
}

static void on_term(int sig)
{
	(void)sig;
}

// Start from known signal state (the native side inherits its parent's
// ignored signals, glibc's reserved 32 and 33 included), then set some.
static void signals(void)
{
	struct {
		unsigned long handler, flags, restorer, mask;
	} dfl = {0};
	for (int sig = 1; sig <= 64; sig++) {
		if (sig != SIGKILL && sig != SIGSTOP)
			syscall(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
	sigset_t set;
	sigemptyset(&set);
	sigprocmask(SIG_SETMASK, &set, NULL);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGUSR2, SIG_IGN);
	struct sigaction sa = {.sa_handler = on_term};
	sigaction(SIGTERM, &sa, NULL);
}

static void check_identity(int argc, char **argv)
{
	char buf[8192];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("exe: %s\n", buf);
	printf("exe is argv[0]: %s\n", yes(!strcmp(buf, argv[0])));
	snprintf(exe, sizeof(exe), "%s", buf);

	// cmdline is argv, NUL-separated.
	long len = slurp("/proc/self/cmdline", buf, sizeof(buf));
	char want[8192];
	size_t wlen = 0;
	for (int i = 0; i < argc; i++) {
		memcpy(want + wlen, argv[i], strlen(argv[i]) + 1);
		wlen += strlen(argv[i]) + 1;
	}
	printf("cmdline is argv: %s (%ld bytes)\n", yes(len == (long)wlen && !memcmp(buf, want, wlen)), len);
	printf("cmdline:");
	for (long i = 0; i < len; i++)
		printf(buf[i] ? "%c" : "\\0", buf[i]);
	printf("\n");

	len = slurp("/proc/self/environ", buf, sizeof(buf));
	wlen = 0;
	for (char **e = environ; *e && wlen + strlen(*e) + 1 < sizeof(want); e++) {
		memcpy(want + wlen, *e, strlen(*e) + 1);
		wlen += strlen(*e) + 1;
	}
	printf("environ is envp: %s\n", yes(len == (long)wlen && !memcmp(buf, want, wlen)));

	len = slurp("/proc/self/comm", buf, sizeof(buf));
	printf("comm: %s", len > 0 ? buf : "?\n");
	prctl(PR_SET_NAME, "renamed-probe");
	slurp("/proc/self/comm", buf, sizeof(buf));
	printf("comm after PR_SET_NAME: %s", buf);
	slurp("/proc/self/status", buf, sizeof(buf));
	printf("status Name: %s\n", field(buf, "Name"));
	slurp("/proc/self/stat", buf, sizeof(buf));
	printf("stat name: %.*s\n", (int)(strchr(buf, ')') - strchr(buf, '(') + 1), strchr(buf, '('));
}

static void check_status(void)
{
	char buf[8192], ids[128];
	slurp("/proc/self/status", buf, sizeof(buf));
	printf("status Pid is getpid: %s\n", yes(!strcmp(field(buf, "Pid"), pid_str)));
	printf("status Tgid is getpid: %s\n", yes(!strcmp(field(buf, "Tgid"), pid_str)));
	printf("status PPid is getppid: %s\n", yes(atoi(field(buf, "PPid")) == getppid()));
	printf("status State: %s\n", field(buf, "State"));
	printf("status Threads: %s\n", field(buf, "Threads"));
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	snprintf(ids, sizeof(ids), "%u\t%u\t%u\t%u", r, e, s, e);
	printf("status Uid is getresuid: %s\n", yes(!strcmp(field(buf, "Uid"), ids)));
	printf("status SigBlk: %s\n", field(buf, "SigBlk"));
	printf("status SigIgn: %s\n", field(buf, "SigIgn"));
	printf("status SigCgt: %s\n", field(buf, "SigCgt"));
	printf("status SigPnd: %s\n", field(buf, "SigPnd"));
	const char *vm[] = {"VmSize", "VmRSS", "VmData", "VmStk", "VmExe"};
	for (size_t i = 0; i < sizeof(vm) / sizeof(vm[0]); i++) {
		const char *v = field(buf, vm[i]);
		printf("status %s in kB: %s\n", vm[i], yes(strlen(v) > 3 && !strcmp(v + strlen(v) - 3, " kB")));
	}
	printf("status VmRSS <= VmSize: %s\n", yes(atol(field(buf, "VmRSS")) <= atol(field(buf, "VmSize"))));

	// stat: 52 fields; the name may hold spaces, so count after the ')'.
	slurp("/proc/self/stat", buf, sizeof(buf));
	char *after = strrchr(buf, ')') + 2, *f[64] = {0}, *save = NULL;
	int count = 2;
	for (char *t = strtok_r(after, " \n", &save); t && count < 63; t = strtok_r(NULL, " \n", &save))
		f[++count] = t;
	printf("stat fields: %d\n", count);
	printf("stat pid is getpid: %s\n", yes(atoi(buf) == getpid()));
	printf("stat state: %s\n", f[3]);
	printf("stat ppid is getppid: %s\n", yes(atoi(f[4]) == getppid()));
	printf("stat num_threads: %s\n", f[20]);
	printf("stat blocked/ignored/caught: %s %s %s\n", f[32], f[33], f[34]);
	printf("stat exit_signal: %s\n", f[38]);
	char **envp = environ;
	printf("stat arg_start is argv[0]: %s\n", yes(strtoull(f[48], NULL, 10) == (uintptr_t)program_invocation_name));
	printf("stat env_start is envp[0]: %s\n", yes(!envp[0] || strtoull(f[50], NULL, 10) == (uintptr_t)envp[0]));
	int local;
	uint64_t startstack = strtoull(f[28], NULL, 10);
	printf("stat startstack above locals: %s\n", yes(startstack > (uintptr_t)&local));

	long n = slurp("/proc/self/statm", buf, sizeof(buf));
	unsigned long size = 0, res = 0;
	int got = n > 0 ? sscanf(buf, "%lu %lu", &size, &res) : 0;
	int words = 0;
	for (char *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
		words++;
	printf("statm fields: %d, resident <= size: %s\n", words, yes(got == 2 && res <= size));
}

struct map_line {
	unsigned long start, end, off, ino;
	unsigned major, minor;
	char perms[8], name[512];
	int name_col;
};

static int read_maps(struct map_line *m, int max, int *ordered, int *trailing_space)
{
	static char buf[65536];
	slurp("/proc/self/maps", buf, sizeof(buf));
	int n = 0;
	*ordered = 1;
	*trailing_space = 1;
	for (char *line = buf, *next; *line && n < max; line = next) {
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		next = nl + 1;
		struct map_line *l = &m[n];
		int col = 0;
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu %n", &l->start, &l->end, l->perms, &l->off, &l->major,
			   &l->minor, &l->ino, &col) < 7)
			continue;
		snprintf(l->name, sizeof(l->name), "%s", line + col);
		l->name_col = l->name[0] ? col : 0;
		if (!l->name[0] && nl[-1] != ' ')
			*trailing_space = 0;
		if (n > 0 && l->start < m[n - 1].end)
			*ordered = 0;
		n++;
	}
	return n;
}

static const struct map_line *map_of(const struct map_line *m, int n, const void *addr)
{
	for (int i = 0; i < n; i++) {
		if ((uintptr_t)addr >= m[i].start && (uintptr_t)addr < m[i].end)
			return &m[i];
	}
	return NULL;
}

static void check_maps(void)
{
	int pfd = open("/etc/passwd", O_RDONLY);
	int efd = open(exe, O_RDONLY);
	struct stat pst, est;
	if (pfd < 0 || efd < 0 || fstat(pfd, &pst) || fstat(efd, &est))
		die("open for mmap");
	char *pmap = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, pfd, 0);
	char *emap = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, efd, PAGE);
	char *anon = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *heap = malloc(100);
	if (pmap == MAP_FAILED || emap == MAP_FAILED || anon == MAP_FAILED || !heap)
		die("mmap");
	static struct map_line m[512];
	int ordered, trailing;
	int n = read_maps(m, 512, &ordered, &trailing);
	printf("maps sorted and disjoint: %s\n", yes(n > 0 && ordered));
	printf("maps unnamed lines end in a space: %s\n", yes(trailing));
	int col73 = 1;
	for (int i = 0; i < n; i++)
		col73 &= !m[i].name_col || m[i].name_col == 73;
	printf("maps names at column 73: %s\n", yes(col73));

	const struct map_line *l = map_of(m, n, (void *)check_maps);
	printf("maps code: %s %s\n", l ? l->perms : "-", l ? l->name : "-");
	printf("maps code inode is the program's: %s\n", yes(l && l->ino == est.st_ino && l->major == major(est.st_dev) &&
							      l->minor == minor(est.st_dev)));
	int local = 0;
	l = map_of(m, n, &local);
	printf("maps stack: %s %s\n", l ? l->perms : "-", l ? l->name : "-");
	l = map_of(m, n, heap);
	printf("maps heap: %s %s\n", l ? l->perms : "-", l ? l->name : "-");
	l = map_of(m, n, anon);
	printf("maps anonymous: %s offset %lx inode %lu name '%s'\n", l ? l->perms : "-", l ? l->off : 0,
	       l ? l->ino : 0, l ? l->name : "-");
	l = map_of(m, n, pmap);
	printf("maps /etc/passwd: %s offset %lx name %s\n", l ? l->perms : "-", l ? l->off : 0, l ? l->name : "-");
	printf("maps /etc/passwd dev and inode: %s\n", yes(l && l->ino == pst.st_ino && l->major == major(pst.st_dev) &&
							   l->minor == minor(pst.st_dev)));
	l = map_of(m, n, emap + PAGE);
	printf("maps program at 4096: %s offset %lx name is exe: %s\n", l ? l->perms : "-",
	       l ? l->off + (uintptr_t)(emap + PAGE) - l->start : 0, yes(l && !strcmp(l->name, exe)));
	munmap(pmap, PAGE);
	munmap(emap, 2 * PAGE);
	munmap(anon, 3 * PAGE);
	close(pfd);
	close(efd);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

// The entries of a directory, sorted, space-separated ("." and ".." left out).
static const char *listing(const char *path, int *types_ok)
{
	static char out[8192];
	static char names[256][256];
	char *sorted[256];
	DIR *d = opendir(path);
	if (!d) {
		snprintf(out, sizeof(out), "(%s)", strerrorname_np(errno));
		return out;
	}
	int n = 0;
	if (types_ok)
		*types_ok = 1;
	for (struct dirent *e; (e = readdir(d)) && n < 256;) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		// d_type agrees with lstat.
		struct stat st;
		if (types_ok && (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) &&
		    IFTODT(st.st_mode) != e->d_type)
			*types_ok = 0;
		snprintf(names[n], sizeof(names[n]), "%s", e->d_name);
		sorted[n] = names[n];
		n++;
	}
	closedir(d);
	qsort(sorted, (size_t)n, sizeof(sorted[0]), cmp_str);
	out[0] = 0;
	/* Only process and thread directories name the pid (under airlock it may be 1, like fd 1). */
	size_t plen = strlen(path);
	bool pid_dirs = !strcmp(path, "/proc") || (plen >= 5 && !strcmp(path + plen - 5, "/task"));
	for (int i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, pid_dirs && !strcmp(sorted[i], pid_str) ? "PID" : sorted[i]);
	}
	return out;
}

// Whether a sorted listing holds each of the names.
static void has_entries(const char *what, const char *list, const char *const *names)
{
	printf("%s has:", what);
	for (; *names; names++) {
		char pad[80];
		snprintf(pad, sizeof(pad), " %s ", *names);
		char padded[8200];
		snprintf(padded, sizeof(padded), " %s ", list);
		printf(" %s=%s", *names, yes(strstr(padded, pad) != NULL));
	}
	printf("\n");
}

static void check_dirs(void)
{
	int types;
	const char *self[] = {"auxv", "cmdline", "comm", "cwd", "environ", "exe", "fd", "fdinfo", "limits",
			      "maps", "mountinfo", "mounts", "root", "stat", "statm", "status", "task", NULL};
	has_entries("/proc/self", listing("/proc/self", &types), self);
	printf("/proc/self d_types agree with lstat: %s\n", yes(types));
	const char *root[] = {"PID", "self", "thread-self", "cpuinfo", "meminfo", "stat", "uptime", "loadavg",
			      "version", "sys", "mounts", "filesystems", NULL};
	has_entries("/proc", listing("/proc", &types), root);
	printf("/proc d_types agree with lstat: %s\n", yes(types));
	printf("/proc/self/task: %s\n", listing("/proc/self/task", NULL));
	const char *task[] = {"status", "stat", "maps", "fd", "exe", NULL};
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%s", pid_str);
	has_entries("/proc/self/task/PID", listing(path, NULL), task);
	printf("/proc/sys/kernel has osrelease: %s\n", yes(strstr(listing("/proc/sys/kernel", NULL), "osrelease") != NULL));

	// fd/ lists exactly what is open, its own descriptor included.
	int a = open("/etc/passwd", O_RDONLY), b = open("/proc/self/status", O_RDONLY);
	int c = open("/etc/group", O_RDWR), w = open("/tmp/procprobe.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	printf("fds opened: %d %d %d %d\n", a, b, c, w);
	printf("/proc/self/fd: %s\n", listing("/proc/self/fd", &types));
	printf("/proc/self/fd d_types agree with lstat: %s\n", yes(types));
	printf("/proc/self/fdinfo: %s\n", listing("/proc/self/fdinfo", NULL));
	int fds[] = {a, b, c, w};
	for (int i = 0; i < 4; i++) {
		char link[64], target[256];
		struct stat st;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fds[i]);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = 0;
		lstat(link, &st);
		printf("fd %d -> %s (mode %o)\n", fds[i], unpid(target), st.st_mode & 07777);
	}
	DIR *d = opendir("/proc/self/fd");
	char link[64], target[256];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd(d));
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	printf("directory fd -> %s\n", unpid(target));
	// rewinddir: the same entries again.
	int first = 0, second = 0;
	while (readdir(d))
		first++;
	rewinddir(d);
	while (readdir(d))
		second++;
	printf("rewinddir lists again: %s\n", yes(first > 2 && first == second));
	closedir(d);

	char buf[4096];
	snprintf(link, sizeof(link), "/proc/self/fdinfo/%d", a);
	slurp(link, buf, sizeof(buf));
	printf("fdinfo pos: %s", field(buf, "pos"));
	printf(" flags: %s\n", field(buf, "flags"));
	// Opening fd/N opens the file itself.
	snprintf(link, sizeof(link), "/proc/self/fd/%d", a);
	slurp(link, buf, sizeof(buf));
	printf("open fd/N reads the file: %.*s\n", (int)strcspn(buf, "\n"), buf);
	close(a);
	close(b);
	close(c);
	close(w);
	unlink("/tmp/procprobe.out");

	// Small getdents64 buffers list the same entries, one call at a time.
	int fd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	char small[64];
	printf("getdents64 1-byte buffer: %s\n", result(syscall(SYS_getdents64, fd, small, 1)));
	int entries = 0;
	long got;
	while ((got = syscall(SYS_getdents64, fd, small, sizeof(small))) > 0)
		for (long off = 0; off < got; off += *(unsigned short *)(small + off + 16))
			entries++;
	lseek(fd, 0, SEEK_SET);
	static char big[32768];
	int all = 0;
	while ((got = syscall(SYS_getdents64, fd, big, sizeof(big))) > 0)
		for (long off = 0; off < got; off += *(unsigned short *)(big + off + 16))
			all++;
	printf("getdents64 small buffers list everything: %s\n", yes(entries > 2 && entries == all));
	close(fd);
}

static void print_stat(const char *what, const char *path, int flags)
{
	struct stat st;
	if (fstatat(AT_FDCWD, path, &st, flags) < 0) {
		printf("%s %s: %s\n", what, path, strerrorname_np(errno));
		return;
	}
	printf("%s %s: mode %o size %lld nlink %s uid is euid %s\n", what, path, st.st_mode, (long long)st.st_size,
	       S_ISDIR(st.st_mode) ? "-" : st.st_nlink == 1 ? "1" : "?", yes(st.st_uid == geteuid()));
}

static void check_stat(void)
{
	print_stat("stat", "/proc/self/status", 0);
	print_stat("stat", "/proc/self/environ", 0);
	print_stat("stat", "/proc/self/comm", 0);
	print_stat("stat", "/proc/self", 0);
	print_stat("lstat", "/proc/self", AT_SYMLINK_NOFOLLOW);
	print_stat("stat", "/proc/self/fd", 0);
	print_stat("stat", "/proc/self/fdinfo", 0);
	print_stat("lstat", "/proc/self/exe", AT_SYMLINK_NOFOLLOW);
	print_stat("stat", "/proc/version", 0);
	print_stat("stat", "/proc/sys/kernel/osrelease", 0);
	struct stat a, b, c;
	stat("/proc", &a);
	printf("stat /proc: inode %lu mode %o\n", (unsigned long)a.st_ino, a.st_mode);
	stat("/proc/self/status", &a);
	int fd = open("/proc/self/status", O_RDONLY);
	fstat(fd, &b);
	printf("fstat of an open status: mode %o size %lld same inode and device: %s\n", b.st_mode,
	       (long long)b.st_size, yes(a.st_ino == b.st_ino && a.st_dev == b.st_dev));
	struct statx sx;
	syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx);
	printf("statx of it: mode %o same inode: %s\n", sx.stx_mode, yes(sx.stx_ino == a.st_ino));
	syscall(SYS_statx, AT_FDCWD, "/proc/self/maps", 0, STATX_BASIC_STATS, &sx);
	printf("statx /proc/self/maps: mode %o size %llu\n", sx.stx_mode, (unsigned long long)sx.stx_size);
	close(fd);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%s", pid_str);
	stat("/proc/self", &a);
	stat(path, &b);
	printf("/proc/self is /proc/PID: %s\n", yes(a.st_ino == b.st_ino));
	stat("/proc/self/exe", &a);
	stat(exe, &c);
	printf("stat follows exe to the program: %s\n", yes(a.st_ino == c.st_ino && a.st_dev == c.st_dev));
	fd = open("/proc/self/exe", O_RDONLY);
	char magic[4] = {0};
	if (fd >= 0)
		read(fd, magic, 4);
	printf("open exe reads the ELF: %s\n", yes(!memcmp(magic, "\177ELF", 4)));
	close(fd);
	struct statfs sf;
	const char *res = result(statfs("/proc/self", &sf));
	printf("statfs /proc/self: %s type %lx\n", res, (unsigned long)sf.f_type);
	fd = open("/proc/self/status", O_RDONLY);
	res = result(fstatfs(fd, &sf));
	printf("fstatfs of an open status: %s type %lx\n", res, (unsigned long)sf.f_type);
	close(fd);
	char value[64];
	printf("lgetxattr status security.selinux: %s\n",
	       result(lgetxattr("/proc/self/status", "security.selinux", value, sizeof(value))));
	printf("getxattr /proc/self/root/etc user.x: %s\n", result(getxattr("/proc/self/root/etc", "user.x", value, sizeof(value))));
	printf("access status R_OK: %s\n", result(access("/proc/self/status", R_OK)));
	printf("access missing F_OK: %s\n", result(access("/proc/self/missing", F_OK)));
	printf("access exe X_OK: %s\n", result(access("/proc/self/exe", X_OK)));
}

static void check_paths(void)
{
	char buf[4096], want[64];
	ssize_t n;
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("cwd: %s\n", buf);
	if (chdir("/etc"))
		die("chdir");
	n = readlink("/proc/self/cwd", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("cwd after chdir /etc: %s\n", buf);
	printf("open /proc/self/cwd/passwd: %s\n", result(slurp("/proc/self/cwd/passwd", buf, sizeof(buf))));
	printf("open /proc/self/root/etc/group: %s\n", result(slurp("/proc/self/root/etc/group", buf, sizeof(buf))));
	n = readlink("/proc/self/root", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("root: %s\n", buf);

	// Relative paths from inside /proc (the rootfs has the mount point).
	printf("chdir /proc: %s\n", result(chdir("/proc")));
	printf("open self/stat: %s\n", result(slurp("self/stat", buf, sizeof(buf))));
	n = readlink("self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("readlink self is the pid: %s\n", yes(!strcmp(buf, pid_str)));
	n = readlink("thread-self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("thread-self: %s\n", unpid(buf));
	printf("open ./self/../self/comm: %s\n", result(slurp("./self/../self/comm", buf, sizeof(buf))));
	if (chdir("/"))
		die("chdir");
	printf("open /proc/self/../self/comm: %s\n", result(slurp("/proc/self/../self/comm", buf, sizeof(buf))));
	printf("open /proc/../etc/passwd: %s\n", result(slurp("/proc/../etc/passwd", buf, sizeof(buf))));

	// Relative to a directory descriptor.
	int dfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	int fd = openat(dfd, "status", O_RDONLY);
	printf("openat(/proc/self, status): %s\n", result(fd));
	close(fd);
	n = readlinkat(dfd, "exe", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("readlinkat(/proc/self, exe) is exe: %s\n", yes(!strcmp(buf, exe)));
	struct stat st;
	const char *res = result(fstatat(dfd, "fd", &st, AT_SYMLINK_NOFOLLOW));
	printf("fstatat(/proc/self, fd): %s %s\n", res, S_ISDIR(st.st_mode) ? "dir" : "?");
	int up = openat(dfd, "..", O_RDONLY | O_DIRECTORY);
	n = readlinkat(up, "self", buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	printf("openat(/proc/self, ..) then readlinkat self is the pid: %s\n", yes(!strcmp(buf, pid_str)));
	printf("faccessat(/proc/self, maps, R_OK): %s\n", result(faccessat(dfd, "maps", R_OK, 0)));
	printf("openat(status fd, x): %s\n", result(openat(fd = open("/proc/self/status", O_RDONLY), "x", O_RDONLY)));
	close(fd);
	close(up);
	close(dfd);
	snprintf(want, sizeof(want), "/proc/%s/status", pid_str);
	printf("open /proc/PID/status: %s\n", result(slurp(want, buf, sizeof(buf))));
}

static void check_errors(void)
{
	struct {
		const char *path;
		int flags;
	} opens[] = {
		{"/proc/self/missing", O_RDONLY},
		{"/proc/999999999/status", O_RDONLY},
		{"/proc/0123/status", O_RDONLY},
		{"/proc/self/status/x", O_RDONLY},
		{"/proc/self/status/", O_RDONLY},
		{"/proc/self/status", O_RDONLY | O_DIRECTORY},
		{"/proc/self", O_RDWR},
		{"/proc/self", O_WRONLY},
		{"/proc/self/status", O_RDONLY | O_CREAT | O_EXCL},
		{"/proc/self", O_RDONLY | O_NOFOLLOW},
		{"/proc/self/fd/", O_RDONLY | O_DIRECTORY},
		{"/proc/sys/kernel/missing", O_RDONLY},
		{"/proc/self/task/999999999/status", O_RDONLY},
	};
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		int fd = open(opens[i].path, opens[i].flags, 0644);
		printf("open %s 0%o: %s\n", opens[i].path, opens[i].flags, result(fd));
		if (fd >= 0)
			close(fd);
	}
	char buf[64];
	printf("readlink /proc/self/status: %s\n", result(readlink("/proc/self/status", buf, sizeof(buf))));
	printf("readlink /proc/self/: %s\n", result(readlink("/proc/self/", buf, sizeof(buf))));
	printf("readlink /proc/self/missing: %s\n", result(readlink("/proc/self/missing", buf, sizeof(buf))));
	int fd = open("/proc/self/status", O_RDONLY);
	printf("write to an open status: %s\n", result(write(fd, "x", 1)));
	printf("getdents64 on status: %s\n", result(syscall(SYS_getdents64, fd, buf, sizeof(buf))));
	printf("lseek status to 5 then read: %s ", result(lseek(fd, 5, SEEK_SET)));
	ssize_t n = read(fd, buf, 2);
	printf("%.*s\n", (int)(n > 0 ? n : 0), buf);
	close(fd);
}

static void check_host_files(void)
{
	static char buf[65536];
	struct utsname u;
	uname(&u);
	slurp("/proc/version", buf, sizeof(buf));
	char want[512];
	snprintf(want, sizeof(want), "Linux version %s ", u.release);
	printf("version names uname's release: %s\n", yes(!strncmp(buf, want, strlen(want))));
	slurp("/proc/sys/kernel/osrelease", buf, sizeof(buf));
	printf("osrelease is uname's: %s\n", yes(!strncmp(buf, u.release, strlen(u.release)) && buf[strlen(u.release)] == '\n'));
	slurp("/proc/sys/kernel/ostype", buf, sizeof(buf));
	printf("ostype: %s", buf);
	slurp("/proc/sys/kernel/hostname", buf, sizeof(buf));
	printf("hostname is uname's: %s\n", yes(!strncmp(buf, u.nodename, strlen(u.nodename))));
	slurp("/proc/sys/kernel/pid_max", buf, sizeof(buf));
	printf("pid_max above the pid: %s\n", yes(atol(buf) > getpid()));
	slurp("/proc/sys/kernel/ngroups_max", buf, sizeof(buf));
	printf("ngroups_max: %s", buf);
	slurp("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf));
	printf("cap_last_cap is a number: %s\n", yes(atoi(buf) > 30));
	printf("boot_id length: %ld\n", slurp("/proc/sys/kernel/random/boot_id", buf, sizeof(buf)));
	slurp("/proc/sys/vm/overcommit_memory", buf, sizeof(buf));
	printf("overcommit_memory is a digit: %s\n", yes(buf[0] >= '0' && buf[0] <= '2' && buf[1] == '\n'));
	double a, b, c;
	slurp("/proc/uptime", buf, sizeof(buf));
	printf("uptime has two numbers: %s\n", yes(sscanf(buf, "%lf %lf", &a, &b) == 2));
	slurp("/proc/loadavg", buf, sizeof(buf));
	printf("loadavg has three loads: %s\n", yes(sscanf(buf, "%lf %lf %lf", &a, &b, &c) == 3));
	slurp("/proc/meminfo", buf, sizeof(buf));
	printf("meminfo starts: %.9s\n", buf);
	slurp("/proc/cpuinfo", buf, sizeof(buf));
	printf("cpuinfo starts: %.*s\n", (int)strcspn(buf, "\n"), buf);
	slurp("/proc/stat", buf, sizeof(buf));
	printf("stat starts: %.4s\n", buf);
	slurp("/proc/filesystems", buf, sizeof(buf));
	printf("filesystems lists proc: %s\n", yes(strstr(buf, "\tproc\n") != NULL));
	slurp("/proc/self/limits", buf, sizeof(buf));
	printf("limits header: %.*s|\n", (int)strcspn(buf, "\n"), buf);
	printf("limits has open files: %s\n", yes(strstr(buf, "\nMax open files ") != NULL));
	slurp("/proc/self/mounts", buf, sizeof(buf));
	printf("mounts has /proc: %s\n", yes(strstr(buf, " /proc proc ") != NULL));
	slurp("/proc/mounts", buf, sizeof(buf));
	printf("/proc/mounts has /proc: %s\n", yes(strstr(buf, " /proc proc ") != NULL));
	slurp("/proc/self/mountinfo", buf, sizeof(buf));
	printf("mountinfo has /proc: %s\n", yes(strstr(buf, " /proc ") != NULL && strstr(buf, " - proc ") != NULL));

	// auxv: the pairs the program started with, up to AT_NULL.
	long len = slurp("/proc/self/auxv", buf, sizeof(buf));
	const uint64_t *v = (const uint64_t *)buf;
	int ok = len > 0 && len % 16 == 0 && v[len / 8 - 2] == AT_NULL, seen = 0;
	for (long i = 0; i + 1 < len / 8; i += 2) {
		uint64_t type = v[i], val = v[i + 1];
		if (type == AT_PAGESZ || type == AT_ENTRY || type == AT_PHDR || type == AT_RANDOM || type == AT_EXECFN) {
			seen++;
			ok &= val == getauxval(type);
		}
	}
	printf("auxv agrees with getauxval: %s (%d checked)\n", yes(ok), seen);
}

static int to_worker[2], from_worker[2];
static char worker_self[64];
static pid_t worker_tid;

// A second thread: names itself, blocks one more signal, then waits in read()
// until the process exits (thread exit itself is not what this probe checks).
static void *worker(void *arg)
{
	(void)arg;
	prctl(PR_SET_NAME, "worker");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	worker_tid = (pid_t)syscall(SYS_gettid);
	ssize_t n = readlink("/proc/thread-self", worker_self, sizeof(worker_self) - 1);
	worker_self[n > 0 ? n : 0] = 0;
	char c = 0;
	if (write(from_worker[1], &c, 1) == 1)
		read(to_worker[0], &c, 1);
	return NULL;
}

static void check_threads(void)
{
	pthread_t th;
	char c, buf[8192], path[128], tid_str[16];
	if (pipe(to_worker) || pipe(from_worker) || pthread_create(&th, NULL, worker, NULL) ||
	    read(from_worker[0], &c, 1) != 1)
		die("thread");
	snprintf(tid_str, sizeof(tid_str), "%d", worker_tid);
	char want[64];
	snprintf(want, sizeof(want), "%s/task/%s", pid_str, tid_str);
	printf("thread: thread-self is its task: %s\n", yes(!strcmp(worker_self, want)));
	const char *list = listing("/proc/self/task", NULL);
	snprintf(want, sizeof(want), "PID %s", tid_str);
	printf("thread: task lists both: %s\n", yes(!strcmp(list, want)));
	slurp("/proc/self/status", buf, sizeof(buf));
	printf("thread: status Threads: %s\n", field(buf, "Threads"));
	slurp("/proc/self/stat", buf, sizeof(buf));
	const char *f20 = strrchr(buf, ')') + 2;
	for (int i = 3; i < 20; i++)
		f20 = strchr(f20, ' ') + 1;
	printf("thread: stat num_threads: %.*s\n", (int)strcspn(f20, " "), f20);
	snprintf(path, sizeof(path), "/proc/self/task/%s/comm", tid_str);
	slurp(path, buf, sizeof(buf));
	printf("thread: its comm: %s", buf);
	snprintf(path, sizeof(path), "/proc/self/task/%s/status", tid_str);
	slurp(path, buf, sizeof(buf));
	printf("thread: its status Pid is its tid: %s\n", yes(!strcmp(field(buf, "Pid"), tid_str)));
	printf("thread: its status Tgid is the pid: %s\n", yes(!strcmp(field(buf, "Tgid"), pid_str)));
	printf("thread: its status Name: %s\n", field(buf, "Name"));
	printf("thread: its status SigBlk: %s\n", field(buf, "SigBlk"));
	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", tid_str);
	slurp(path, buf, sizeof(buf));
	printf("thread: its stat starts with its tid: %s\n", yes(atoi(buf) == worker_tid));
	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", pid_str);
	slurp(path, buf, sizeof(buf));
	printf("thread: main task stat name: %.*s\n", (int)(strchr(buf, ')') - strchr(buf, '(') + 1), strchr(buf, '('));
	slurp("/proc/self/comm", buf, sizeof(buf));
	printf("thread: process comm is the main thread's: %s", buf);
}

static void check_bad_pointers(void)
{
	char *base = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || ro == MAP_FAILED || munmap(base + PAGE, PAGE))
		die("mmap");
	char *end = base + PAGE;
	size_t len = strlen(exe);
	printf("readlink exe into NULL: %s\n", result(syscall(SYS_readlink, "/proc/self/exe", NULL, 100)));
	printf("readlink exe into unmapped: %s\n", result(syscall(SYS_readlink, "/proc/self/exe", UNMAPPED, 100)));
	printf("readlink exe into kernel: %s\n", result(syscall(SYS_readlink, "/proc/self/exe", KERNEL, 100)));
	printf("readlink exe into read-only: %s\n", result(readlink("/proc/self/exe", ro, 100)));
	printf("readlink exe into 4 bytes before a hole: %s\n", result(readlink("/proc/self/exe", end - 4, 100)));
	long r = readlink("/proc/self/exe", end - len, 100);
	printf("readlink exe into exactly its length before a hole: %s %s\n", result(r),
	       yes(r == (long)len && !memcmp(end - len, exe, len)));
	r = readlink("/proc/self/exe", end - 4, 3);
	printf("readlink exe size 3: %ld %.3s\n", r, end - 4);
	printf("readlink exe size 0: %s\n", result(readlink("/proc/self/exe", base, 0)));
	printf("readlink exe size -1: %s\n", result(syscall(SYS_readlink, "/proc/self/exe", base, -1L)));
	printf("readlink unmapped path: %s\n", result(syscall(SYS_readlink, UNMAPPED, base, 100)));
	memcpy(end - 4, "/pro", 4);
	printf("readlink path running into a hole: %s\n", result(syscall(SYS_readlink, end - 4, base, 100)));
	int dfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	printf("readlinkat(/proc/self, exe) into unmapped: %s\n", result(syscall(SYS_readlinkat, dfd, "exe", UNMAPPED, 100)));
	printf("readlinkat(/proc/self, fd/0) into read-only: %s\n", result(readlinkat(dfd, "fd/0", ro, 100)));
	printf("getdents64 on /proc/self into unmapped: %s\n", result(syscall(SYS_getdents64, dfd, UNMAPPED, 4096)));
	printf("getdents64 on /proc/self into read-only: %s\n", result(syscall(SYS_getdents64, dfd, ro, 4096)));
	printf("fstat /proc/self into unmapped: %s\n", result(syscall(SYS_fstat, dfd, UNMAPPED)));
	close(dfd);
	int fd = open("/proc/self/status", O_RDONLY);
	printf("read status into unmapped: %s\n", result(syscall(SYS_read, fd, UNMAPPED, 100)));
	printf("read status into read-only: %s\n", result(read(fd, ro, 100)));
	close(fd);
	printf("stat status into unmapped: %s\n", result(syscall(SYS_newfstatat, AT_FDCWD, "/proc/self/status", UNMAPPED, 0)));
	printf("statx status into unmapped: %s\n",
	       result(syscall(SYS_statx, AT_FDCWD, "/proc/self/status", 0, STATX_BASIC_STATS, UNMAPPED)));
	printf("open unmapped path: %s\n", result(syscall(SYS_open, UNMAPPED, O_RDONLY)));
	munmap(base, PAGE);
	munmap(ro, PAGE);
}

// What only the emulation promises (natively, as root, writes would succeed).
static void check_airlock_only(void)
{
	static char buf[65536];
	const char *writes[] = {"/proc/self/status", "/proc/self/comm", "/proc/sys/kernel/hostname", "/proc/version"};
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		printf("open %s O_WRONLY: %s\n", writes[i], result(open(writes[i], O_WRONLY)));
		printf("open %s O_RDWR: %s\n", writes[i], result(open(writes[i], O_RDWR)));
	}
	printf("open /proc/self/status O_TRUNC: %s\n", result(open("/proc/self/status", O_RDONLY | O_TRUNC)));
	printf("open /proc/self/new O_CREAT: %s\n", result(open("/proc/self/new", O_WRONLY | O_CREAT, 0644)));
	printf("access /proc/self/status W_OK: %s\n", result(access("/proc/self/status", W_OK)));
	printf("access /proc/self/fd X_OK: %s\n", result(access("/proc/self/fd", X_OK)));
	printf("chdir /proc/self: %s\n", result(chdir("/proc/self")));
	printf("chdir /proc/self/root: %s\n", result(chdir("/proc/self/root")));

	// /dev nodes the rootfs lacks come from the host.
	int fd = open("/dev/null", O_WRONLY);
	printf("/dev/null: %s write %s\n", result(fd), result(write(fd, "x", 1)));
	close(fd);
	fd = open("/dev/zero", O_RDONLY);
	char z[8] = "xxxxxxx";
	const char *res = result(read(fd, z, 8));
	printf("/dev/zero: %s read %s zero %s\n", result(fd), res, yes(!memcmp(z, "\0\0\0\0\0\0\0\0", 8)));
	close(fd);
	fd = open("/dev/full", O_WRONLY);
	printf("/dev/full: %s write %s\n", result(fd), result(write(fd, "x", 1)));
	close(fd);
	fd = open("/dev/urandom", O_RDONLY);
	printf("/dev/urandom: %s read %s\n", result(fd), result(read(fd, z, 8)));
	close(fd);
	fd = open("/dev/random", O_RDONLY);
	printf("/dev/random: %s\n", result(fd));
	close(fd);
	printf("/dev/tty without a controlling terminal: %s\n", result(open("/dev/tty", O_RDWR)));
	printf("/dev/null O_CREAT|O_EXCL: %s\n", result(open("/dev/null", O_WRONLY | O_CREAT | O_EXCL, 0644)));
	struct stat st;
	res = result(stat("/dev/null", &st));
	printf("stat /dev/null: %s char %s %u:%u\n", res, yes(S_ISCHR(st.st_mode)), major(st.st_rdev), minor(st.st_rdev));
	printf("stat /dev/missing: %s\n", result(stat("/dev/missing", &st)));
	ssize_t n = readlink("/dev/stdout", buf, 64);
	printf("/dev/stdout -> %.*s\n", (int)(n > 0 ? n : 0), buf);
	n = readlink("/dev/fd", buf, 64);
	printf("/dev/fd -> %.*s\n", (int)(n > 0 ? n : 0), buf);
	printf("/dev/fd/0 open: %s\n", result(open("/dev/fd/0", O_RDONLY)));
	printf("/dev/stderr write: %s\n", result(write(fd = open("/dev/stderr", O_WRONLY), "", 0)));
	close(fd);

	slurp("/proc/version", buf, sizeof(buf));
	printf("version says airlock: %s\n", yes(strstr(buf, "airlock") != NULL));
	slurp("/proc/self/mounts", buf, sizeof(buf));
	printf("mounts:\n%s", buf);
	slurp("/proc/self/mountinfo", buf, sizeof(buf));
	printf("mountinfo lines: %d\n", (int)(strchr(buf, '\n') != NULL) + (int)(strchr(strchr(buf, '\n') + 1, '\n') != NULL));
	slurp("/proc/self/limits", buf, sizeof(buf));
	char *row = strstr(buf, "Max open files");
	printf("%.*s|\n", row ? (int)strcspn(row, "\n") : 0, row ? row : "");
	slurp("/proc/self/status", buf, sizeof(buf));
	printf("status FDSize: %s", field(buf, "FDSize"));
	printf(" Seccomp: %s\n", field(buf, "Seccomp"));
	slurp("/proc/loadavg", buf, sizeof(buf));
	char *tasks = strchr(strchr(strchr(buf, ' ') + 1, ' ') + 1, ' ') + 1;
	printf("loadavg tasks: %.*s\n", (int)strcspn(tasks, " "), tasks);
	printf("loadavg last pid is ours: %s\n", yes(atoi(strchr(tasks, ' ') + 1) == getpid()));
	int ordered, trailing;
	static struct map_line m[512];
	int count = read_maps(m, 512, &ordered, &trailing);
	for (int i = 0; i < count; i++) {
		if (!strcmp(m[i].name, "[stack]"))
			printf("stack mapping: %lu MiB\n", (m[i].end - m[i].start) >> 20);
	}
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(pid_str, sizeof(pid_str), "%d", getpid());
	signals();
	if (argc < 2 || (strcmp(argv[1], "common") && strcmp(argv[1], "airlock"))) {
		fprintf(stderr, "usage: %s common|airlock [ARG...]\n", argv[0]);
		return 2;
	}
	check_identity(argc, argv);
	if (!strcmp(argv[1], "airlock")) {
		check_airlock_only();
		return 0;
	}
	check_status();
	check_maps();
	check_dirs();
	check_stat();
	check_paths();
	check_errors();
	check_host_files();
	check_bad_pointers();
	check_threads(); // last: its thread stays until the process exits
	return 0;
}
