// SPDX-License-Identifier: Apache-2.0
// execve and execveat: a new program in the same process (same pid, same
// VM). Everything that can fail as Linux reports it (the path, the
// arguments, a #! interpreter, the ELF file and its PT_INTERP) is checked
// before the old program is torn down; past that point the process's other
// threads end and a failure ends the process, as on Linux.
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/procfs.h"
#include "kernel/proctab.h"
#include "kernel/signal.h"
#include "kernel/syscall.h"
#include "kernel/thread.h"
#include "loader/elf.h"
#include "loader/script.h"
#include "loader/stack.h"
#include "vm/cpu.h"

#define MAX_ARG_STRLEN (32 * 4096) /* Linux's limit for one string */
#define MAX_ARG_TOTAL (2 << 20)    /* a quarter of the 8 MiB stack, as Linux allows */

struct strings {
	char **v;
	size_t n;
};

static void strings_free(struct strings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct strings){0};
}

static int strings_push(struct strings *s, const char *str)
{
	char **v = realloc(s->v, (s->n + 2) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	if (!(v[s->n] = strdup(str)))
		return -ENOMEM;
	v[++s->n] = NULL;
	return 0;
}

/* A NULL-terminated guest array of strings (NULL itself is an empty one). */
static long copy_strings(struct guest *g, uint64_t array, struct strings *out, size_t *total, char *buf)
{
	*out = (struct strings){.v = calloc(1, sizeof(char *))};
	long err = out->v ? 0 : -ENOMEM;
	for (uint64_t i = 0; array && !err; i++) {
		uint64_t ptr;
		if (gmem_copy_in(&g->mm, &ptr, array + i * sizeof(ptr), sizeof(ptr)))
			return -EFAULT;
		if (!ptr)
			break;
		long n = gmem_string_in(&g->mm, buf, ptr, MAX_ARG_STRLEN);
		if (n < 0)
			return n == -EFAULT ? -EFAULT : -E2BIG;
		*total += (size_t)n + 1 + sizeof(ptr);
		if (*total > MAX_ARG_TOTAL)
			return -E2BIG;
		err = strings_push(out, buf);
	}
	return err;
}

/* Opens path (relative to dirfd) as a program: a regular, executable file. */
static int open_program(int dirfd, const char *path, int at_flags)
{
	int flags = O_RDONLY | O_CLOEXEC | ((at_flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0);
	int fd = (at_flags & AT_EMPTY_PATH) && !*path ? fcntl(dirfd, F_DUPFD_CLOEXEC, GUEST_FD_LIMIT)
						      : openat(dirfd, path, flags);
	if (fd < 0)
		return errno == ELOOP && (at_flags & AT_SYMLINK_NOFOLLOW) ? -ELOOP : -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || faccessat(fd, "", X_OK, AT_EMPTY_PATH) < 0) {
		close(fd);
		return -EACCES;
	}
	/* Above the guest's range: closing its close-on-exec descriptors must not close this one. */
	int high = fd_move_to_monitor(fd);
	return high < 0 ? -EMFILE : high;
}

/*
 * Finds the ELF file to run: follows #! lines (argv grows in front as Linux
 * builds it) and checks the result. Returns its descriptor or -errno;
 * *path becomes the ELF's path.
 */
static int resolve_program(struct guest *g, int dirfd, int at_flags, char *path, struct strings *argv)
{
	for (int depth = 0;; depth++) {
		/* A path through the emulated /proc runs the file it leads to, under that file's name. */
		char real[PATH_MAX];
		long through_proc = procfs_program_path(g, dirfd, path, real, sizeof(real));
		if (through_proc != PROCFS_NOT_MINE && through_proc < 0)
			return (int)through_proc;
		if (through_proc == 0) {
			snprintf(path, PATH_MAX, "%s", real);
			dirfd = AT_FDCWD;
		}
		int fd = open_program(dirfd, path, at_flags);
		if (fd < 0)
			return fd;
		char interp[SHEBANG_MAX + 1], arg[SHEBANG_MAX + 1];
		int script = script_read_shebang(fd, interp, arg);
		if (script <= 0) {
			const char *why;
			int err = script ? script : elf_check(fd, &why);
			if (err) {
				close(fd);
				return err;
			}
			return fd;
		}
		close(fd);
		if (depth == MAX_SCRIPT_DEPTH)
			return -ELOOP;
		/* interp [arg] path original-argv[1..] */
		struct strings next = {0};
		int err = strings_push(&next, interp);
		if (!err && *arg)
			err = strings_push(&next, arg);
		if (!err)
			err = strings_push(&next, path);
		for (size_t i = 1; !err && i < argv->n; i++)
			err = strings_push(&next, argv->v[i]);
		if (err) {
			strings_free(&next);
			return err;
		}
		strings_free(argv);
		*argv = next;
		snprintf(path, PATH_MAX, "%s", interp);
		dirfd = AT_FDCWD;
		at_flags = 0;
	}
}

/* Descriptors marked close-on-exec go, as the host's exec would close them. */
static void close_on_exec(void)
{
	for (int fd = 0; fd < GUEST_FD_LIMIT; fd++) {
		int flags = fcntl(fd, F_GETFD);
		if (flags >= 0 && (flags & FD_CLOEXEC))
			close(fd);
	}
}

/* The new program's vCPU state: its entry registers, no TLS, a clean FPU. */
static int fresh_cpu(struct thread *t)
{
	struct kvm_xsave *fpu = calloc(1, sizeof(*fpu));
	if (!fpu)
		return -ENOMEM;
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;
	memcpy((char *)fpu->region, &fcw, sizeof(fcw));
	memcpy((char *)fpu->region + 24, &mxcsr, sizeof(mxcsr));
	int err = cpu_set_fpu(&t->vcpu, fpu);
	free(fpu);
	if (!err)
		err = cpu_set_fs_base(&t->vcpu, 0);
	if (!err)
		err = cpu_set_gs_base(&t->vcpu, 0);
	return err;
}

/* Past the point of no return: the old program is gone. */
static void replace_program(struct guest *g, struct thread *t, int fd, const char *path, struct strings *argv,
			    struct strings *envp)
{
	fork_release_vfork_parent();
	close_on_exec();
	mm_write_lock(&g->mm);
	int err = mm_unmap(&g->mm, USER_VA_MIN, USER_VA_END - USER_VA_MIN);
	struct elf_image image;
	const char *why = "";
	uint64_t rsp = 0;
	procfs_set_exe(g, path);
	if (!err)
		err = elf_load(&g->mm, fd, g->proc.exe, &image, &why);
	if (!err)
		err = stack_build(&g->mm, &image, argv->v, envp->v, path, &rsp);
	int flushed = mm_write_unlock(&g->mm);
	close(fd);
	if (!err)
		err = flushed ? flushed : fresh_cpu(t);
	if (err)
		guest_die(g, SIGSEGV); /* as Linux ends a process its exec could not finish */
	procfs_record_start(g, rsp);
	signal_reset_for_exec(g, t);
	t->ctx = (struct kvm_regs){.rip = image.start, .rsp = rsp, .rflags = 0x202};
	t->clear_child_tid = 0;
	t->robust_list = 0;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(t->comm, sizeof(t->comm), "%s", base);
	proctab_publish(g); /* what the other processes' /proc/<pid> shows */
}

static long do_exec(struct guest *g, int dirfd, uint64_t path_gva, uint64_t argv_gva, uint64_t envp_gva,
		    int at_flags)
{
	if (at_flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	if (!guest_dirfd_valid(dirfd))
		return -EBADF;
	char *path = malloc(PATH_MAX), *buf = malloc(MAX_ARG_STRLEN);
	struct strings argv = {0}, envp = {0};
	size_t total = 0;
	long err = path && buf ? 0 : -ENOMEM;
	if (!err) {
		long n = gmem_string_in(&g->mm, path, path_gva, PATH_MAX);
		err = n < 0 ? n : (n == 0 && !(at_flags & AT_EMPTY_PATH)) ? -ENOENT : 0;
	}
	if (!err)
		err = copy_strings(g, argv_gva, &argv, &total, buf);
	if (!err)
		err = copy_strings(g, envp_gva, &envp, &total, buf);
	int fd = -1;
	if (!err)
		err = fd = resolve_program(g, dirfd, at_flags, path, &argv);
	if (err >= 0 && !thread_end_others(g, current)) {
		close(fd); /* another thread's execve is replacing the program */
		thread_end_if_replaced(current);
	}
	if (err >= 0) {
		replace_program(g, current, fd, path, &argv, &envp);
		err = 0;
	}
	strings_free(&argv);
	strings_free(&envp);
	free(path);
	free(buf);
	return err;
}

long sys_execve(struct guest *g, const uint64_t *a)
{
	return do_exec(g, AT_FDCWD, a[0], a[1], a[2], 0);
}

long sys_execveat(struct guest *g, const uint64_t *a)
{
	return do_exec(g, (int)a[0], a[1], a[2], a[3], (int)a[4]);
}
