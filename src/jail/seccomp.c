// SPDX-License-Identifier: Apache-2.0
// Installs the monitor's seccomp allowlist (jail/seccomp_rules.c, compiled
// to BPF at build time into build/gen/seccomp_bpf.c) once before the
// guest's first instruction; every forked monitor inherits it. Anything
// not on the list kills the whole monitor with SIGSYS, so a monitor bug a
// guest could steer can never mount, trace, open sockets, load modules,
// make namespaces or run a host program.
#include "jail/seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <stddef.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/log.h"

/* The filter, from build/gen/seccomp_bpf.c. */
extern const struct sock_filter seccomp_bpf[];
extern const size_t seccomp_bpf_size;

/* Stacked on the allowlist where chroot must not be made (its architecture check is the allowlist's). */
static const struct sock_filter no_chroot[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_chroot, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

/* Installs prog on every thread: 0, or -1 with the reason logged. */
static int install(const struct sock_filter *filter, size_t size)
{
	struct sock_fprog prog = {.len = (unsigned short)(size / sizeof(struct sock_filter)),
				  .filter = (struct sock_filter *)filter};
	/* TSYNC: the clock keeper already runs; a positive result names a thread that could not follow. */
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (r != 0) {
		log_error("seccomp: %s", r < 0 ? strerror(errno) : "a thread could not take the filter");
		return -1;
	}
	return 0;
}

int seccomp_jail(bool may_chroot)
{
	/*
	 * A killed monitor must not leave a core file (its memory is the
	 * guest's and its own) in the guest's working directory.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_error("seccomp: %s", strerror(errno));
		return -1;
	}
	/* The ban first: the allowlist, once in, refuses seccomp itself. */
	if (!may_chroot && install(no_chroot, sizeof(no_chroot)) < 0)
		return -1;
	return install(seccomp_bpf, seccomp_bpf_size);
}

void seccomp_test_forbidden_call(void)
{
	const char *v = getenv("AIRLOCK_TEST_FORBIDDEN_CALL");
	if (v && !strcmp(v, "chroot")) {
		/* Refused where the monitor's root is only a chroot; harmless anywhere (the root stays the root). */
		int r = chroot("/");
		log_error("seccomp: the forbidden test call was not stopped (chroot: %d)", r);
		return;
	}
	if (!v || strcmp(v, "1"))
		return;
	/* A packet socket (a family the filter refuses): harmless if let through, which the test then reports. */
	int fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	log_error("seccomp: the forbidden test call was not stopped (socket: %d)", fd);
}
