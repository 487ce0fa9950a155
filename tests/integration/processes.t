#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Processes (issue 4, first part): fork, exec, wait, pipes and signals
# between guest processes, through busybox sh scripts natively (chroot) vs
# under airlock; and nothing left behind when the container's first process
# exits.

# Single quotes are meant: the guest expands, not the host.
# shellcheck disable=SC2016
# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
# Background jobs of a non-interactive shell read /dev/null: give the native side one.
R=$(scratch_rootfs "$FIXTURE")
mkdir -p "$R/dev" && mknod -m 666 "$R/dev/null" c 1 3

sh_case() {
    compare_native -d "sh: $1" "$R" /bin/sh -c "$2"
}

sh_case "subshell status" '( echo in subshell; exit 3 ); echo "status $?"'
sh_case "command substitution" 'x=$(echo inner; echo two); echo "got [$x]"'
sh_case "three-stage pipeline" 'cat /data/fruits.txt | sort | uniq -c'
sh_case "pipeline status is the last command's" 'false | true; echo $?; true | false; echo $?'
sh_case "here-document" 'cat <<EOF
line one
$((6 * 7))
EOF'
sh_case "exec replaces the shell" 'exec /bin/echo replaced; echo never'
sh_case "nested shells and exit codes" 'sh -c "exit 7"; echo "sh: $?"; sh -c "sh -c \"exit 9\""; echo "nested: $?"'
sh_case "background jobs and wait" 'for i in 1 2 3; do (sleep 0.$i; echo job $i) & done; wait; echo all done'
sh_case "wait returns a job's status" 'sh -c "exit 5" & wait $!; echo "status $?"'
sh_case "a child killed by a signal" 'sh -c "kill -9 \$\$"; echo "status $?"; sh -c "kill -TERM \$\$"; echo "status $?"'
# Whether the shell reports "Terminated" is a race, natively too: its stderr is not compared.
sh_case "kill of a background job" 'exec 2>/dev/null; sleep 10 & pid=$!; kill $pid; wait $pid; echo "status $?"'
sh_case "trap on a signal from a child" 'trap "echo got USR1" USR1; sh -c "kill -USR1 \$PPID"; sleep 0.1; echo after'
sh_case "trap on exit" 'trap "echo bye" EXIT; echo working'
sh_case "find -exec" 'find /data/tree -type f -exec wc -c {} \; | sort'
sh_case "xargs runs a program per batch" 'printf "%s\n" a b c d e | xargs -n 2 echo'
sh_case "a #! script" 'printf "#!/bin/sh\necho from the script \$1\nexit 4\n" >/tmp/s.sh; chmod +x /tmp/s.sh; /tmp/s.sh arg; echo "status $?"; rm /tmp/s.sh'
sh_case "exec errors" '/data/fruits.txt; echo "not executable: $?"; /nonexistent; echo "missing: $?"'
sh_case "descriptors across fork and exec" 'exec 3>/tmp/fd3; sh -c "echo via fd 3 >&3"; exec 3>&-; cat /tmp/fd3; rm /tmp/fd3'
sh_case "a FIFO between processes" 'mkfifo /tmp/f; (echo through the fifo >/tmp/f &); cat /tmp/f; exec 3<>/tmp/f; echo both ways >&3; read line <&3; echo "$line"; ls -l /tmp/f | cut -c1; rm /tmp/f'
# Device nodes: refused (the monitor opens files for the guest), as to a process without CAP_MKNOD.
is "$("$AIRLOCK" run --rootfs "$R" -- /bin/sh -c 'mknod /tmp/d c 1 3 2>&1; mknod /tmp/b b 8 0 2>&1')" \
    "mknod: /tmp/d: Operation not permitted
mknod: /tmp/b: Operation not permitted" "mknod of a device node: EPERM"
sh_case "two thousand children in sequence" 'i=0; while [ $i -lt 2000 ]; do /bin/true; i=$((i + 1)); done; echo $i'

# The same loop seen from the host: the container's monitor processes, their
# descriptors and their VMs before and after it must be the same. The guest
# waits on FIFOs between the phases, so no child of its own is alive when
# the host counts.
container_census() { # processes, descriptors, VMs (kvm-vm descriptors) of the monitors with $1 in their command line
    local procs=0 fds=0 vms=0 p
    for p in $(pgrep -f -- "$1"); do
        procs=$((procs + 1))
        fds=$((fds + $(find "/proc/$p/fd" -mindepth 1 2>/dev/null | wc -l)))
        vms=$((vms + $(find "/proc/$p/fd" -mindepth 1 -lname 'anon_inode:kvm-vm' 2>/dev/null | wc -l)))
    done
    echo "$procs processes, $fds descriptors, $vms VMs"
}
wait_for_file() {
    local i
    for i in $(seq 1 600); do
        [[ -e $1 ]] && return 0
        sleep 0.1
    done
    return 1
}
marker=airlock-census-$$
mkfifo "$R/tmp/go" "$R/tmp/end"
timeout -k 5 300 "$AIRLOCK" run --rootfs "$R" -- /bin/sh -c ": >/tmp/before; read x </tmp/go; i=0
    while [ \$i -lt 3000 ]; do /bin/true; i=\$((i + 1)); done; : >/tmp/after; read x </tmp/end; echo \$i $marker" \
    >"$TAP_TMP/census.out" 2>&1 &
census_pid=$!
if wait_for_file "$R/tmp/before"; then
    before=$(container_census "$marker")
    echo go >"$R/tmp/go"
    wait_for_file "$R/tmp/after" || true
    after=$(container_census "$marker")
    echo end >"$R/tmp/end"
fi
wait "$census_pid" || true
is "${after:-none}" "${before:-not started}" "3000 children in sequence: the same monitors, descriptors and VMs after as before (${before:-})"
is "$(cat "$TAP_TMP/census.out")" "3000 $marker" "the census loop ran to its end"
rm -f "$R/tmp/go" "$R/tmp/end" "$R/tmp/before" "$R/tmp/after"

# Python: subprocess and os-level process calls, in the Debian rootfs.
if D=$(debian_rootfs); then
    py_case() {
        compare_native -d "python3: $1" "$D" /usr/bin/python3 -c "$2"
    }
    py_case "subprocess.run and check_output" 'import subprocess
r = subprocess.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 3"], capture_output=True, text=True)
print(r.returncode, repr(r.stdout), repr(r.stderr))
print(subprocess.check_output(["echo", "checked"], text=True), end="")
try:
    subprocess.check_call(["false"])
except subprocess.CalledProcessError as e:
    print("false ->", e.returncode)'
    py_case "Popen with pipes both ways" 'import subprocess
p = subprocess.Popen(["sort"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
out, _ = p.communicate("pear
apple
fig
")
print(out, end=""); print("status", p.returncode)'
    py_case "a missing program" 'import subprocess
try:
    subprocess.run(["/no/such/program"])
except FileNotFoundError as e:
    print("FileNotFoundError", e.errno)'
    py_case "fork, waitpid and signals" 'import os, signal
pid = os.fork()
if pid == 0:
    os._exit(7)
print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGTERM)
    os._exit(0)
_, st = os.waitpid(pid, 0)
print(os.WIFSIGNALED(st), os.WTERMSIG(st))'
    py_case "execve from a process with threads" 'import threading, os, time
def spin():
    while True:
        time.sleep(0.05)
for _ in range(3):
    threading.Thread(target=spin, daemon=True).start()
time.sleep(0.1)
os.execv("/bin/echo", ["echo", "the threads ended, the program replaced"])'
    py_case "SIGCHLD ignored: children reap themselves" 'import os, signal, time
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    os._exit(0)
time.sleep(0.2)
try:
    os.waitpid(pid, 0); print("left a zombie")
except ChildProcessError:
    print("reaped already")'
    # Pool workers, a Queue, and a Lock and Value in shared memory: forked
    # processes share MAP_SHARED memory and futexes in it. Semaphores live
    # in /dev/shm and make writes its stdin to /tmp: a copy takes those.
    W=$(scratch_rootfs "$D")
    compare_native -d "python3: multiprocessing: Pool, Queue, Process, Lock and Value" "$W" /usr/bin/python3 -c 'import multiprocessing as mp
def square(x):
    return x * x
def add(v, lock):
    for _ in range(200):
        with lock:
            v.value += 1
with mp.Pool(2) as pool:
    print(sum(pool.map(square, range(1000))), pool.apply_async(square, (7,)).get(timeout=60))
q = mp.Queue()
p = mp.Process(target=q.put, args=("from the child",))
p.start(); print(q.get()); p.join(); print("exit code", p.exitcode)
v, lock = mp.Value("i", 0), mp.Lock()
ps = [mp.Process(target=add, args=(v, lock)) for _ in range(3)]
for p in ps: p.start()
for p in ps: p.join()
print("counted", v.value)'
    compare_native -d "make: shell recipes, prerequisites, -j2 and a failing recipe" "$W" /bin/sh -c \
        'mk="all: second first\n\t@echo all done\nfirst:\n\t@echo making \$@; echo \$\$((6 * 7))\nsecond: first\n\t@echo making \$@ after \$^\nfail:\n\t@echo failing; exit 3\n"
         printf "$mk" | make -s -f -; printf "$mk" | make -s -j2 -f - first second | sort
         { printf "$mk" | make -s -f - fail; echo "make status $?"; } 2>&1 | sed "s,/tmp/[^:]*:,MAKEFILE:,"'
    for shell in /bin/bash /bin/dash; do
        compare_native -d "$shell: pipelines, substitution, jobs" "$D" "$shell" -c \
            'for i in 1 2 3; do echo $i; done | wc -l; x=$(ls /etc | sort | head -2); echo "$x"
             (exit 4); echo $?; sleep 0.1 & wait $!; echo "waited $?"; trap "echo trapped" USR1; kill -USR1 $$'
    done
    compare_native -d "perl: backticks and system" "$D" /usr/bin/perl -e \
        'my $x = `echo hi`; print "got $x"; system("sh", "-c", "exit 3"); print $? >> 8, "\n";'
    compare_native -d "find -exec and xargs -P2" "$D" /bin/sh -c \
        'find /etc/apt -type f -exec wc -c {} + | sort; printf "%s\n" 1 2 3 4 | xargs -P2 -n1 echo | sort'
else
    not_ok "the Debian fixture builds (tests/fixtures/debian-rootfs.sh)"
fi

# The container's first process is pid 1 of its own namespace; when it
# exits, every process it left behind goes too.
is "$("$AIRLOCK" run --rootfs "$R" -- /bin/sh -c 'echo $$')" 1 "the first process is pid 1"
marker=airlock-processes-$$
"$AIRLOCK" run --rootfs "$R" -- /bin/sh -c "sleep 100 $marker & echo started" >/dev/null
no_leftovers "$marker" "a background child does not outlive the container"

done_testing
