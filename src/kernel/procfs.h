// SPDX-License-Identifier: Apache-2.0
// The guest's /proc, emulated by the monitor (the host's would describe the
// monitor, and the chroot hides it anyway), plus the few /dev nodes a rootfs
// may lack. Path-taking handlers call a procfs_* hook first.
#ifndef AIRLOCK_KERNEL_PROCFS_H
#define AIRLOCK_KERNEL_PROCFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct guest;
struct statfs;

/* A hook's answer when the path or descriptor is not procfs's: serve it as usual. */
#define PROCFS_NOT_MINE LONG_MIN

#define PROCFS_AUXV_WORDS 64

struct procfs {
	/*
	 * The host's /proc and /dev, opened before the chroot and kept above the
	 * guest's descriptor range (so valid only when >= GUEST_FD_LIMIT). Only
	 * the monitor's own fixed names are ever looked up through them.
	 */
	int host_proc, host_dev;
	/*
	 * A /proc whose pid numbers are the guest's, for other guest processes'
	 * dynamic facts (state, parent, times, descriptors): a fresh proc of the
	 * container's pid namespace, or the host's where there is none. Only
	 * pids the container's process table vouches for are looked up in it.
	 * Valid only when >= GUEST_FD_LIMIT (none: other processes are not shown).
	 */
	int pid_proc;
	dev_t proc_dev;  /* st_dev the emulated files report (the host /proc's) */
	dev_t memfd_dev; /* st_dev of memfds: opened /proc files and directories are memfds */
	char exe[PATH_MAX];
	/* From the start-up stack: what stat, cmdline, environ and auxv show. */
	uint64_t start_stack, arg_start, arg_end, env_start, env_end;
	uint64_t auxv[PROCFS_AUXV_WORDS]; /* pairs, up to and including AT_NULL */
	size_t auxv_words;
};

/*
 * Before the chroot, in the container's first process (inside its pid
 * namespace, before anything forks): keeps descriptors to the host's /proc
 * and /dev and makes the pid view and the process table (proctab.c).
 */
void procfs_init(struct guest *g);
/*
 * Opens them now for the next procfs_init: before joining a container's
 * mount namespace, whose root is the container's (exec).
 */
void procfs_preopen(void);
/* OCI exec, before joining the container: the pid view of its first monitor (pid first), for procfs_init. */
void procfs_join_pid_view(pid_t first);
void procfs_destroy(struct guest *g);
/* After the chroot: the program's path (what /proc/<pid>/exe shows). */
void procfs_set_exe(struct guest *g, const char *path);
/* After the start-up stack is built at rsp: where argv, envp and auxv are. */
void procfs_record_start(struct guest *g, uint64_t rsp);
/* The command line as /proc/self/cmdline shows it, cut to size bytes: its length. */
size_t procfs_cmdline(struct guest *g, char *buf, size_t size);
/* Names the file behind a new file mapping at addr for /proc/<pid>/maps. */
void procfs_name_mapping(struct guest *g, uint64_t addr, int fd, uint64_t offset);

/*
 * Hooks for the path-taking calls, with the guest's path already copied in:
 * each returns the call's result, or PROCFS_NOT_MINE when the path leads
 * neither into /proc nor to an emulated /dev node.
 */
long procfs_openat(struct guest *g, int dirfd, const char *path, int flags, int mode);
long procfs_fstatat(struct guest *g, int dirfd, const char *path, int flags, uint64_t buf);
long procfs_statx(struct guest *g, int dirfd, const char *path, int flags, unsigned mask, uint64_t buf);
long procfs_faccessat(struct guest *g, int dirfd, const char *path, int mode, int flags);
long procfs_readlinkat(struct guest *g, int dirfd, const char *path, uint64_t buf, int size);
long procfs_chdir(struct guest *g, const char *path);
/*
 * execve's path, when it goes through the emulated /proc (/proc/self/exe):
 * the rootfs path it leads to, in out. Returns 0, -errno or PROCFS_NOT_MINE.
 */
long procfs_program_path(struct guest *g, int dirfd, const char *path, char *out, size_t size);
/* getdents64 on an emulated directory (PROCFS_NOT_MINE for any other descriptor). */
long procfs_getdents64(struct guest *g, int fd, uint64_t buf, size_t len);
/* Turns a host fstat of an opened /proc file or directory into what Linux reports. */
void procfs_fix_stat(struct guest *g, int fd, struct stat *st);
long procfs_statfs(struct guest *g, const char *path, uint64_t buf);
void procfs_fix_statfs(struct guest *g, int fd, struct statfs *st);
/*
 * For the xattr calls on a path (PATH_MAX bytes): 0 when path is the host's
 * to serve (rewritten in place if a /proc link led into the rootfs),
 * -EOPNOTSUPP for an emulated entry, or -errno.
 */
long procfs_xattr_path(struct guest *g, char *path, bool follow);

/*
 * Emulated files are memfds whose names carry a tag (procfs.c); a guest's
 * own memfd_create name that starts with it is changed so it cannot pass
 * for one.
 */
void procfs_unclaim_name(char *name);

#endif
