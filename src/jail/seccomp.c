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

int seccomp_jail(void)
{
	/*
	 * A killed monitor must not leave a core file (its memory is the
	 * guest's and its own) in the guest's working directory.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		log_error("seccomp: %s", strerror(errno));
		return -1;
	}
	struct sock_fprog prog = {.len = (unsigned short)(seccomp_bpf_size / sizeof(struct sock_filter)),
				  .filter = (struct sock_filter *)seccomp_bpf};
	/* TSYNC: the clock keeper already runs; a positive result names a thread that could not follow. */
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	if (r != 0) {
		log_error("seccomp: %s", r < 0 ? strerror(errno) : "a thread could not take the filter");
		return -1;
	}
	return 0;
}

void seccomp_test_forbidden_call(void)
{
	const char *v = getenv("AIRLOCK_TEST_FORBIDDEN_CALL");
	if (!v || strcmp(v, "1"))
		return;
	/* A packet socket (a family the filter refuses): harmless if let through, which the test then reports. */
	int fd = socket(AF_PACKET, SOCK_DGRAM, 0);
	log_error("seccomp: the forbidden test call was not stopped (socket: %d)", fd);
}
