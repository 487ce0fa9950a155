#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Regenerates docs/syscalls.md from the kernel's syscall numbers, the served
# list (src/kernel/syscall_list.h) and the notes below on partial support.
# tests/integration/docs.t checks that the table and the code agree.
import re
import sys

# The monitor restarts an interrupted call with its original arguments
# (monitor.c, settle_interrupted), so a relative timeout begins again.
RESTARTS = "starts over if the call is restarted after a signal that runs no handler (a stop and continue)"

PARTIAL = {
    "socket": "AF_UNIX, AF_INET and AF_INET6 (stream, datagram, seqpacket) and AF_NETLINK route sockets; packet and "
              "raw IP sockets give EAFNOSUPPORT/ESOCKTNOSUPPORT, whatever the guest's capabilities",
    "setsockopt": "a vetted list (SO_*, TCP_*, IP_*, IPV6_* and netlink options programs use, src/kernel/net.c); "
                  "others ENOPROTOOPT",
    "getsockopt": "the same list as setsockopt",
    "sendmsg": "ancillary data: SCM_RIGHTS (the guest's own descriptors only, else EBADF), SCM_CREDENTIALS, and "
               "IP/IPv6 packet info, TTL and traffic class; others EINVAL",
    "recvmsg": "descriptors received past the guest's 1024 are closed and the message cut (MSG_CTRUNC)",
    "recvmmsg": "the timeout is not served: the call returns once the messages are in",
    "clone": "threads with glibc's flags (CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, with the TLS, "
             "tid and SYSVSEM flags; at most 256 at once, then EAGAIN) and processes (fork's flags; CLONE_VM only "
             "with CLONE_VFORK, and the child gets a copy of the memory); the exit signal is always SIGCHLD; "
             "other flags give ENOSYS",
    "clone3": "arguments are checked as Linux does, then every valid request gives ENOSYS, so glibc falls back to clone",
    "mmap": "private file mappings are copies made at mmap time, so they miss later changes to the file; shared "
            "ones (and shared anonymous memory, through a memfd) are the host's own pages, seen at once by the "
            "file, read(2) and forked processes; files other than regular files and block devices (/dev/zero "
            "included) give ENODEV",
    "mremap": "MREMAP_FIXED and MREMAP_DONTUNMAP give EINVAL; the new pages of a grown private file mapping are "
              "zeroes, not the file, and a moved one becomes anonymous",
    "madvise": "only MADV_DONTNEED acts: private memory reads back as zeroes (private file mappings too, where "
               "Linux rereads the file) and shared mappings keep their contents; other advice, unknown values "
               "included, is accepted and ignored",
    "mknod": "FIFOs, sockets and regular files; device nodes give EPERM, as without CAP_MKNOD (the monitor opens "
             "files for the guest, so a node would give it the host's device)",
    "mknodat": "as mknod",
    "kill": "other processes are reached through the host inside the container's pid namespace; where no "
            "namespace could be made (an unprivileged user) they give ESRCH",
    "tgkill": "as kill for another process's threads",
    "chroot": "in an OCI run (the monitor's root is a pivoted mount namespace's), as the monitor's own; EPERM in "
              "a bare run; the emulated /proc and /dev stay visible inside",
    "getpriority": "as kill: a process group or a user, or another process, only inside the container's pid "
                   "namespace",
    "setpriority": "as getpriority",
    "sched_setparam": "the guest's own threads; other processes as kill",
    "sched_getparam": "as sched_setparam",
    "sched_setscheduler": "as sched_setparam",
    "sched_getscheduler": "as sched_setparam",
    "sched_rr_get_interval": "as sched_setparam",
    "rt_sigqueueinfo": "real-time signals queue at most 64 deep per thread and per process; "
                       "further ones are dropped and the call still returns 0 (Linux: EAGAIN)",
    "rt_tgsigqueueinfo": "as rt_sigqueueinfo",
    "futex": "WAIT, WAKE, their BITSET forms, REQUEUE, CMP_REQUEUE, WAKE_OP and the PI lock ops; "
             "WAIT_REQUEUE_PI and CMP_REQUEUE_PI give ENOSYS; FUTEX_WAIT's relative timeout " + RESTARTS,
    "ioctl": "TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP, TIOCGSID, TIOCSCTTY (never forced), TIOCNOTTY, FIONREAD, FIONBIO, FIOCLEX/FIONCLEX, TCFLSH, TCSBRK, TCXONC; others ENOTTY. SIGTTIN/SIGTTOU for background callers as Linux sends them (the guest thread's mask and dispositions decide)",
    "fcntl": "F_DUPFD(_CLOEXEC), F_GETFD/SETFD, F_GETFL/SETFL, F_ADD_SEALS/GET_SEALS, record and OFD locks; others EINVAL",
    "memfd_create": "MFD_HUGETLB gives EINVAL; mappings of the memfd follow mmap's notes",
    "prctl": "PR_SET_NAME/GET_NAME, PR_SET/GET_DUMPABLE, PR_SET/GET_PDEATHSIG, PR_SET/GET_NO_NEW_PRIVS, "
             "PR_GET_CHILD_SUBREAPER and PR_GET_TSC (the dumpable and pdeathsig settings are accepted, not kept); "
             "others EINVAL",
    "arch_prctl": "ARCH_SET_FS/GET_FS, ARCH_SET_GS/GET_GS and ARCH_GET_CPUID; others EINVAL",
    "prlimit64": "pid 0 or the caller's pid only (other threads' ids give ESRCH); hard limits cannot be raised; "
                 "RLIMIT_NOFILE stays 1024 (setting it changes nothing and leaves the old-limit buffer unwritten); "
                 "RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK do not limit guest memory",
    "setrlimit": "as prlimit64",
    "getrlimit": "RLIMIT_NOFILE reports the guest's fixed 1024; RLIMIT_AS, RLIMIT_DATA and RLIMIT_STACK are "
                 "reported but do not limit guest memory",
    "getrandom": "at most 64 KiB per call (short reads are allowed)",
    "getdents64": "at most 32 KiB per call",
    "readv": "stops after 64 discontiguous pieces of guest memory, a short count where Linux transfers everything",
    "writev": "as readv",
    "nanosleep": "the sleep " + RESTARTS,
    "clock_nanosleep": "a relative sleep " + RESTARTS,
    "poll": "the timeout " + RESTARTS,
    "ppoll": "the timeout " + RESTARTS + "; the time left is not written back",
    "select": "the timeout " + RESTARTS,
    "pselect6": "the timeout " + RESTARTS,
    "epoll_wait": "the timeout " + RESTARTS,
    "epoll_pwait": "the timeout " + RESTARTS,
    "epoll_pwait2": "the timeout " + RESTARTS,
    "timer_create": "at most 256 timers at once (then EAGAIN)",
    "sched_yield": "returns at once without yielding the host CPU",
    "sched_getaffinity": "the calling thread's affinity whichever thread pid names",
    "getrusage": "the monitor's threads are counted: RUSAGE_SELF includes the polling of PVM server threads, "
                 "RUSAGE_THREAD leaves out the calls a server thread answered",
    "sysinfo": "the host's figures",
    "vfork": "the parent waits until the child execs or exits, but the child has a copy of the memory, "
             "so the parent does not see what the child wrote",
    "execve": "a file open for writing is not refused with ETXTBSY",
    "execveat": "as execve",
}
LATER = {}


def main(unistd, served_list, out):
    names = {}
    for line in open(unistd):
        m = re.match(r"#define __NR_(\w+)\s+(\d+)", line)
        if m:
            names[int(m.group(2))] = m.group(1)
    served = set(re.findall(r"^X\((\w+),", open(served_list).read(), re.M))
    rows = []
    for nr in sorted(names):
        name = names[nr]
        if name in LATER:
            status, note = "not implemented", LATER[name]
        elif name in PARTIAL and name in served:
            status, note = "partial", PARTIAL[name]
        elif name in served:
            status, note = "full", ""
        else:
            status, note = "not implemented", "ENOSYS"
        rows.append(f"| {nr} | {name} | {status} | {note} |")
    full = sum(1 for r in rows if "| full |" in r)
    partial = sum(1 for r in rows if "| partial |" in r)
    with open(out, "w") as f:
        f.write("# System calls under airlock\n\n")
        f.write("Every x86-64 system call and its status in the kernel proxy. "
                "Generated by scripts/syscall-table.py from src/kernel/syscall_list.h; "
                "tests/integration/docs.t fails when the two disagree.\n\n")
        f.write(f"Served: {full} fully, {partial} partially, of {len(rows)}. "
                "Unserved numbers return ENOSYS and, with --strace, are named once.\n\n")
        f.write("| nr | name | status | notes |\n|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
