#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The container's processes seen from inside (issue 4), natively vs under
# airlock: /proc/<pid> of the other guest processes (ps, pgrep, pidof and
# kill over /proc, and what a shell reads of its children's /proc/<pid>);
# orphans reparented to the first process; process groups and sessions
# (setpgid, getpgid, setsid, getsid and their errors); kill of a group, of
# the caller's group and of -1. The native side runs in a pid
# namespace of its own with a fresh /proc (unshare --pid --fork --mount
# --mount-proc), as airlock's container does, so both see only the
# container's processes, the first one as pid 1. Pids themselves differ
# (a monitor's threads take pids too): scripts print them relabelled.

# Single quotes are meant: the guest expands, not the host.
# shellcheck disable=SC2016
# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
D=$(debian_rootfs) || {
    not_ok "the Debian fixture rootfs"
    done_testing
}

# The native side: a pid namespace and a fresh /proc, then chroot.
wrapper=$TAP_TMP/unshare-pid-proc
printf '#!/bin/sh\nexec %q --pid --fork --mount --mount-proc "$@"\n' "$UNSHARE" >"$wrapper"
chmod 755 "$wrapper"
pid_case() {
    UNSHARE=$wrapper compare_native -w / -d "$1" "$D" /bin/sh -c "$2"
}

# Shared start of the scripts: two sleeps (one started from /usr, with a
# descriptor 5 open on /etc/passwd), waited for until both have become
# sleep (a bounded number of polls, not a time); rl relabels the pids in its input: 1 (the shell), S1, S2.
start='sleep 30 5</etc/passwd & s1=$!
(cd /usr && exec sleep 30) & s2=$!
i=0; until [ "$(cat /proc/$s1/comm /proc/$s2/comm 2>/dev/null)" = "sleep
sleep" ] || [ $((i += 1)) -gt 3000 ]; do sleep 0.01; done
rl() { sed -e "s/\b$s1\b/S1/g" -e "s/\b$s2\b/S2/g"; } # column widths follow the pids: compare fields
'

pid_case "ps -o pid,ppid,stat,comm,args sees the shell and its children" "$start"'
out=$(ps -o pid,ppid,stat,comm,args); echo "$out" | grep -v " ps " | rl
echo "$out" | grep -c " ps -o pid,ppid"
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "ps -ef" "$start"'
out=$(ps -ef); echo "$out" | grep -v " ps -ef" | rl | tr -s " " | cut -d" " -f1,2,8- # UID, PID, CMD
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "ps without options" "$start"'
out=$(ps); echo "$out" | grep -v " ps$" | rl | tr -s " " | sed "s/^ //" | cut -d" " -f1-3 # PID, TTY, TIME
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "busybox ps" "$start"'
out=$(busybox ps); echo "$out" | grep -v "busybox ps" | rl | tr -s " " | sed "s/^ //"
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "a child's cmdline, comm, exe, cwd, root and fd/" "$start"'
for p in $s1 $s2; do
    tr "\0" " " </proc/$p/cmdline; echo
    cat /proc/$p/comm
    readlink /proc/$p/exe /proc/$p/cwd /proc/$p/root
    ls /proc/$p/fd | grep -xE "[0-2]|5" | tr "\n" " "; echo
done
readlink /proc/$s1/fd/5; head -c 0 /proc/$s1/fd/5 && echo "fd/5 opens"
ls -l /proc/$s1/fd/5 | cut -c1-10
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "a child's stat and status" "$start"'
cut -d" " -f1-6,20 /proc/$s1/stat | rl
grep -E "^(Name|State|Tgid|Pid|PPid|Threads|NSpid):" /proc/$s2/status | rl
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "ls /proc lists the container's processes only" "$start"'
ls /proc | grep -cxE "[0-9]+"
comms=$(cat /proc/[0-9]*/comm); echo "$comms" | sort -u
exec 2>/dev/null; kill $s1 $s2; wait'
pid_case "pidof, pgrep, and kill \$(pidof sleep)" "$start"'
pidof sleep | tr " " "\n" | rl | sort
busybox pidof sleep | tr " " "\n" | rl | sort
pgrep sleep | rl; pgrep -c sleep; pgrep -l -x sleep | rl; pgrep -f "sleep 30" | rl | grep -v "^[0-9]"
exec 2>/dev/null; kill $(pidof sleep); wait $s1; echo "status $?"; wait $s2; echo "status $?"
pgrep sleep || echo "none left"
ls /proc/$s1 2>/dev/null || echo "S1 is gone"'
# (A shell reaps its background jobs whenever it waits for anything: Python waits for one pid only.)
pid_case "a zombie until its parent reaps it" '
python3 -c "
import os, subprocess, time
pid = os.fork()
if pid == 0:
    os._exit(3)
for _ in range(3000):
    with open(f\"/proc/{pid}/stat\") as f:
        if f.read().rsplit(\")\", 1)[1].split()[0] == \"Z\":
            break
    time.sleep(0.01)
print(open(f\"/proc/{pid}/comm\").read(), end=\"\")
print(len(open(f\"/proc/{pid}/cmdline\", \"rb\").read()))
subprocess.run([\"ps\", \"-o\", \"stat=,args=\", \"-p\", str(pid)])
print(\"status\", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
print(os.path.exists(f\"/proc/{pid}\"))
"'
pid_case "a process's threads under task/" '
python3 -c "
import threading, time
for _ in range(2):
    threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
time.sleep(30)" & p=$!
i=0; until grep -qx "Threads:	3" /proc/$p/status 2>/dev/null || [ $((i += 1)) -gt 3000 ]; do sleep 0.01; done
ls /proc/$p/task | wc -l; ls /proc/$p/task | sort -n | head -n 1 | grep -cx $p
ps -o nlwp=,stat= -p $p
exec 2>/dev/null; kill $p; wait $p; echo "status $?"'

pid_case "orphans are reparented to the first process, which reaps them" '
python3 -c "
import os, time
print(\"parent of the first child is pid 1:\", os.getppid() == 1, flush=True)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    if os.fork() == 0:
        os.close(w)
        os.read(r, 1)  # until the middle process has gone
        for _ in range(3000):
            if os.getppid() == 1:
                break
            time.sleep(0.01)
        print(\"orphan: parent is now pid\", os.getppid(), flush=True)
        os._exit(0)
    os._exit(5)
_, st = os.waitpid(pid, 0)
print(\"middle process status\", os.waitstatus_to_exitcode(st), flush=True)
os.close(w)
"
wait; echo "shell: all reaped, status $?"; ps -o stat= | grep -c Z'
pid_case "process groups and sessions: setpgid, getpgid, setsid, getsid and their errors" '
python3 -c "
import os, errno
def err(f, *a):
    try:
        f(*a); return \"ok\"
    except OSError as e:
        return errno.errorcode[e.errno]
def wait_for_exec(pid):
    for _ in range(100000):
        if open(f\"/proc/{pid}/comm\").read() == \"sleep\\n\":
            return
        os.sched_yield()
os.setpgid(0, 0)  # a group of its own, whose number the namespace shows
print(\"getpgrp is the pid\", os.getpgrp() == os.getpid(), \"getpgid(0) too\", os.getpgid(0) == os.getpid(), flush=True)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w)
    os.read(r, 1)
    print(\"child: setsid\", err(os.setsid), \"sid and pgid are its pid\", os.getsid(0) == os.getpgid(0) == os.getpgrp() == os.getpid())
    print(\"child: setsid again\", err(os.setsid), \"setpgid of a leader\", err(os.setpgid, 0, 0),
          \"into a group of another session\", err(os.setpgid, 0, os.getppid()), flush=True)
    os.execv(\"/bin/sleep\", [\"sleep\", \"30\"])
print(\"setpgid(child, child)\", err(os.setpgid, pid, pid), \"its pgid is its pid\", os.getpgid(pid) == pid)
print(\"setpgid(child, ours)\", err(os.setpgid, pid, os.getpgrp()), \"its pgid is ours\", os.getpgid(pid) == os.getpgrp())
print(\"negative pgid\", err(os.setpgid, pid, -1), \"a group nobody has\", err(os.setpgid, pid, 99999),
      \"not a child\", err(os.setpgid, 1, 0), \"no such pid\", err(os.setpgid, 99999, 0))
print(\"getpgid of none\", err(os.getpgid, 99999), \"getsid of none\", err(os.getsid, 99999), flush=True)
os.close(r); os.close(w)
wait_for_exec(pid)
print(\"child in its own session\", os.getsid(pid) == pid, \"setpgid of it\", err(os.setpgid, pid, pid))
os.kill(pid, 9); os.waitpid(pid, 0)
pid = os.fork()
if pid == 0:
    os.execv(\"/bin/sleep\", [\"sleep\", \"30\"])
wait_for_exec(pid)
print(\"setpgid of a child that has exec-ed\", err(os.setpgid, pid, pid), \"of a child in ours\", err(os.setpgid, pid, os.getpgrp()))
os.kill(pid, 9); os.waitpid(pid, 0)
"'
pid_case "kill of a process group (negative pid), of ours (0), and of everything (-1)" '
python3 -c "
import os, signal
ready_r, ready_w = os.pipe()
def spawn(group):  # a child in GROUP (0: its own) with default dispositions, paused
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, group)
        for sig in (signal.SIGUSR1, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        os.write(ready_w, b\".\")
        signal.pause()
        os._exit(0)
    os.setpgid(pid, group)
    os.read(ready_r, 1)
    return pid
def report(what, pids):
    print(what, sorted(os.waitstatus_to_exitcode(os.waitpid(p, 0)[1]) for p in pids), flush=True)
def caller_got(sig, frame):
    print(\"the caller got\", signal.Signals(sig).name, flush=True)
signal.signal(signal.SIGUSR1, caller_got)
signal.signal(signal.SIGHUP, caller_got)
os.setpgid(0, 0)  # kill(0) is then for this process and its children alone
first = spawn(0)
group = [first, spawn(first), spawn(first)]
os.kill(-first, signal.SIGTERM)
report(\"kill(-pgid, TERM):\", group)
try:
    os.killpg(first, 0)
except ProcessLookupError:
    print(\"kill(-pgid) of a group now empty: ESRCH\", flush=True)
same = [spawn(os.getpgrp()) for _ in range(2)]
os.kill(0, signal.SIGUSR1)
report(\"kill(0, USR1):\", same)
others = [spawn(0) for _ in range(3)]
os.kill(-1, signal.SIGHUP)
report(\"kill(-1, HUP):\", others)
"; echo "the first process survived kill(-1): status $?"'

done_testing
