// SPDX-License-Identifier: Apache-2.0
// The monitor's seccomp allowlist itself, as libseccomp rules. It is turned
// into BPF when airlock is built (tools/seccomp-gen.c), not at each start:
// building a filter of this size with libseccomp costs about a millisecond,
// a fifth of a container's start. Each entry is a host call the monitor
// makes for itself (KVM, memory, its own threads) or one a guest handler
// passes through after checking it (src/kernel/*.c); docs/security.md lists
// the groups and why each call is there.
#include "jail/seccomp_rules.h"

#include <errno.h>
#include <linux/kvm.h>
#include <linux/sockios.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>


/* Allowed with any arguments. */
static const int allowed[] = {
	/* Memory: the guest's memory is the monitor's (mm.c, physmem.c, gmem.c), malloc, thread stacks. */
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mprotect), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(brk), SCMP_SYS(msync), SCMP_SYS(mincore), SCMP_SYS(memfd_create),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	/* Descriptors and I/O for the guest's descriptors (io.c, fds.c, events.c, poll.c). */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
	SCMP_SYS(pwrite64), SCMP_SYS(preadv), SCMP_SYS(pwritev), SCMP_SYS(preadv2), SCMP_SYS(pwritev2),
	SCMP_SYS(lseek), SCMP_SYS(close), SCMP_SYS(close_range), SCMP_SYS(dup), SCMP_SYS(dup2),
	SCMP_SYS(dup3), SCMP_SYS(fcntl), SCMP_SYS(flock), SCMP_SYS(pipe2), SCMP_SYS(sendfile),
	SCMP_SYS(copy_file_range), SCMP_SYS(ftruncate), SCMP_SYS(fsync), SCMP_SYS(fdatasync),
	SCMP_SYS(sync), SCMP_SYS(eventfd2), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6), SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	/*
	 * Paths, inside the chroot (fs.c, xattr.c, exec.c, procfs.c). glibc uses the *at forms;
	 * open, stat, lstat, access and readlink are there for ASan's runtime, which calls them raw.
	 */
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(statfs), SCMP_SYS(fstatfs),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2), SCMP_SYS(readlink),
	SCMP_SYS(readlinkat), SCMP_SYS(getdents64), SCMP_SYS(getcwd), SCMP_SYS(chdir),
	SCMP_SYS(chroot), /* the guest's, in a pivoted root only: seccomp.c stacks a ban on it elsewhere */
	SCMP_SYS(fchdir), SCMP_SYS(mkdirat), SCMP_SYS(unlinkat), SCMP_SYS(renameat2),
	SCMP_SYS(linkat), SCMP_SYS(symlinkat), SCMP_SYS(fchmod), SCMP_SYS(fchmodat),
	SCMP_SYS(fchown), SCMP_SYS(fchownat), SCMP_SYS(truncate), SCMP_SYS(utimensat), SCMP_SYS(umask),
	SCMP_SYS(getxattr), SCMP_SYS(lgetxattr), SCMP_SYS(fgetxattr), SCMP_SYS(setxattr),
	SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr), SCMP_SYS(listxattr), SCMP_SYS(llistxattr),
	SCMP_SYS(flistxattr), SCMP_SYS(removexattr), SCMP_SYS(lremovexattr), SCMP_SYS(fremovexattr),
	/* Threads: the monitor's own (a host thread per vCPU, servers, clock keeper) and their locks. */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list), SCMP_SYS(rseq),
	SCMP_SYS(set_tid_address), SCMP_SYS(gettid), SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity), SCMP_SYS(sched_setaffinity),
	SCMP_SYS(getcpu), SCMP_SYS(restart_syscall),
	/* Signals: host signals kick vCPUs, guest kill/tgkill/sigqueue are the host's (signal.c, hostsig.c). */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigpending), SCMP_SYS(rt_sigtimedwait), SCMP_SYS(rt_sigsuspend),
	SCMP_SYS(sigaltstack), SCMP_SYS(pause), SCMP_SYS(kill), SCMP_SYS(tkill), SCMP_SYS(tgkill),
	SCMP_SYS(rt_sigqueueinfo), SCMP_SYS(rt_tgsigqueueinfo),
	/* Time and timers (time.c, vclock.c, timers.c). */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(gettimeofday), SCMP_SYS(time), SCMP_SYS(timer_create),
	SCMP_SYS(timer_settime), SCMP_SYS(timer_gettime), SCMP_SYS(timer_getoverrun),
	SCMP_SYS(timer_delete), SCMP_SYS(setitimer), SCMP_SYS(getitimer), SCMP_SYS(alarm),
	/* Processes: guest processes are monitor processes (fork.c: fork is clone, below). */
	SCMP_SYS(wait4), SCMP_SYS(waitid), SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(getpgrp),
	SCMP_SYS(getpgid), SCMP_SYS(setpgid), SCMP_SYS(getsid), SCMP_SYS(setsid), SCMP_SYS(getrusage),
	SCMP_SYS(sysinfo), SCMP_SYS(getrandom), SCMP_SYS(prlimit64), SCMP_SYS(times),
	/* Scheduling, on the guest's own threads or, in its pid namespace, its tasks (sched.c). */
	SCMP_SYS(getpriority), SCMP_SYS(setpriority), SCMP_SYS(sched_setparam), SCMP_SYS(sched_getparam),
	SCMP_SYS(sched_setscheduler), SCMP_SYS(sched_getscheduler), SCMP_SYS(sched_get_priority_max),
	SCMP_SYS(sched_get_priority_min), SCMP_SYS(sched_rr_get_interval),
	/* Credentials: the guest's ids are the monitor's (creds.c); glibc runs set*id on every thread. */
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(getresuid), SCMP_SYS(getresgid), SCMP_SYS(getgroups), SCMP_SYS(setuid),
	SCMP_SYS(setgid), SCMP_SYS(setreuid), SCMP_SYS(setregid), SCMP_SYS(setresuid),
	SCMP_SYS(setresgid), SCMP_SYS(setgroups), SCMP_SYS(capget),
	/* Sockets on the guest's descriptors, addresses and options checked first (net.c); socket itself below. */
	SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept4),
	SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(shutdown), SCMP_SYS(getsockname),
	SCMP_SYS(getpeername), SCMP_SYS(setsockopt), SCMP_SYS(getsockopt),
};

/* ioctl: KVM's, on the monitor's own descriptors (vm/kvm.c, vm/cpu.c, fork.c, thread.c). */
static const unsigned long kvm_ioctls[] = {
	KVM_GET_API_VERSION, KVM_CHECK_EXTENSION, KVM_GET_VCPU_MMAP_SIZE, KVM_CREATE_VM,
	KVM_CREATE_VCPU, KVM_SET_USER_MEMORY_REGION, KVM_RUN, KVM_GET_SUPPORTED_CPUID,
	KVM_SET_CPUID2, KVM_GET_SREGS, KVM_SET_SREGS, KVM_SET_MSRS, KVM_SET_XCRS, KVM_GET_XSAVE,
	KVM_SET_XSAVE, KVM_GET_TSC_KHZ,
};

/* ...and the terminal ioctls sys_ioctl passes through (kernel/fds.c); glibc's isatty is TCGETS. */
static const unsigned long tty_ioctls[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ, TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP,
	FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, TCFLSH, TCSBRK, TCXONC, TIOCGSID, TIOCNOTTY, TIOCSCTTY,
};

/* ...and the network interface reads it passes through too (ip, ifconfig). */
static const unsigned long interface_ioctls[] = {
	SIOCGIFNAME, SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMTU, SIOCGIFTXQLEN, SIOCGIFADDR, SIOCGIFNETMASK,
	SIOCGIFBRDADDR, SIOCGIFDSTADDR, SIOCGIFHWADDR, SIOCGIFMETRIC,
};

/* clone may make threads and processes (fork.c, thread.c), never namespaces. */
#define CLONE_NAMESPACES \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)

static int add_rules(scmp_filter_ctx ctx)
{
	int err = 0;
	for (size_t i = 0; !err && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* The kernel reads the request as 32 bits: compare those only. */
	for (size_t i = 0; !err && i < sizeof(kvm_ioctls) / sizeof(kvm_ioctls[0]); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, kvm_ioctls[i]));
	for (size_t i = 0; !err && i < sizeof(tty_ioctls) / sizeof(tty_ioctls[0]); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, tty_ioctls[i]));
	for (size_t i = 0; !err && i < sizeof(interface_ioctls) / sizeof(interface_ioctls[0]); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				       SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffUL, interface_ioctls[i]));
	/* mknodat (the guest's FIFOs and sockets, fs.c) never makes a device node. */
	static const unsigned long node_types[] = {0, S_IFREG, S_IFIFO, S_IFSOCK};
	for (size_t i = 0; !err && i < sizeof(node_types) / sizeof(node_types[0]); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mknodat), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ, S_IFMT, node_types[i]));
	/* socket: the families net.c serves, and no others (no packet or raw IP sockets). */
	static const int families[] = {AF_UNIX, AF_INET, AF_INET6, AF_NETLINK};
	for (size_t i = 0; !err && i < sizeof(families) / sizeof(families[0]); i++)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, families[i]));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NAMESPACES, 0));
	/*
	 * clone3 passes its flags in memory, out of the filter's sight: ENOSYS
	 * makes glibc's pthread_create fall back to clone, which is checked.
	 */
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	return err;
}


scmp_filter_ctx seccomp_allowlist(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (!ctx)
		return NULL;
	/* Another architecture's calls (i386, x32) kill too; a binary tree over call numbers. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS) ||
	    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) || add_rules(ctx)) {
		seccomp_release(ctx);
		return NULL;
	}
	return ctx;
}
