#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# podman (Debian's package) with `--runtime build/airlock`, on a private
# image store holding an image imported from the busybox fixture: run with
# -e, -w, -u, -v, --read-only, --memory; exit codes; run -d, exec, stop,
# kill and rm; nothing left behind.
#
# The limits podman asks for by default (RLIMIT_NOFILE and RLIMIT_NPROC of
# about a million) need CAP_SYS_RESOURCE, which this project's machines do
# not give even to root: runc fails there the same way. Every run passes
# explicit --ulimit values within the current hard limits.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock

disk_tmpdir PM # the vfs store holds whole rootfs copies: not on /dev/shm
# Every podman command is bounded, and killed if it outlives its bound: a
# `podman run` passes the SIGTERM of a plain timeout on to the container,
# whose pid 1 may well ignore it.
BOUND=(timeout -k 10 120)
UNBOUND_STORE=(podman --root "$PM/root" --runroot "$PM/run" --storage-driver vfs
    --cgroup-manager cgroupfs --events-backend file)
STORE=("${BOUND[@]}" "${UNBOUND_STORE[@]}")
PODMAN=("${STORE[@]}" --runtime "$AIRLOCK")
RUN_OPTIONS=(run --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
RUN=("${PODMAN[@]}" "${RUN_OPTIONS[@]}")
# On a terminal, podman must be in the terminal's foreground process group
# to make it raw; timeout(1) puts its command in a group of its own, so there
# the bound goes around `script` instead. SHELL chooses the shell script(1)
# runs the command with: the same one everywhere.
UNBOUND_RUN=("${UNBOUND_STORE[@]}" --runtime "$AIRLOCK" "${RUN_OPTIONS[@]}")
on_terminal() {
    SHELL=/bin/sh "${BOUND[@]}" script -qec "$1" /dev/null </dev/null | tr -d '\r' | sed 's/\^@//g'
}
trap '"${PODMAN[@]}" rm -af -t 0 >/dev/null 2>&1 || true; rm -rf "${_tap_cleanup[@]}"' EXIT

tar -C "$FIXTURE" -cf "$PM/busybox.tar" .
if "${PODMAN[@]}" import "$PM/busybox.tar" localhost/airlock-busybox:test >/dev/null 2>"$PM/import.err"; then
    ok "a locally built rootfs imports as an image"
else
    not_ok "a locally built rootfs imports as an image"
    diag_file "$PM/import.err" 10
    done_testing
fi
IMAGE=localhost/airlock-busybox:test

out=$("${RUN[@]}" --rm "$IMAGE" sh -c 'echo hello from podman; echo to stderr >&2; exit 3' 2>&1) && st=0 || st=$?
is "$st:$out" "3:hello from podman
to stderr" "podman run: output and the exit code"

out=$("${RUN[@]}" --rm -e GREETING=hi -w /tmp -u 1000:100 "$IMAGE" sh -c 'echo $GREETING $(pwd) $(id -u):$(id -g) $$' 2>&1)
is "$out" "hi /tmp 1000:100 1" "-e, -w and -u reach the program, which is pid 1"

mkdir -p "$PM/volume" && echo "from the host" >"$PM/volume/f"
out=$("${RUN[@]}" --rm -v "$PM/volume:/data:ro" "$IMAGE" sh -c 'cat /data/f; touch /data/g 2>&1 | sed "s/.*: //"' 2>&1)
is "$out" "from the host
Read-only file system" "-v HOST:CTR:ro binds the directory read-only"
out=$("${RUN[@]}" --rm --read-only "$IMAGE" sh -c 'touch /x 2>&1 | sed "s/.*: //"; echo > /dev/null && echo devices work' 2>&1)
is "$out" "Read-only file system
devices work" "--read-only makes the root read-only; /dev still works"

out=$("${RUN[@]}" --rm --memory 64m "$IMAGE" sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived' 2>&1) && st=0 || st=$?
is "$st:$out" "137:" "--memory: a container past its limit is killed (137), not the host"

# --pids-limit: the same forks succeed as under runc (podman's own runtime here).
PIDS_TEST=(--rm --pids-limit 10 "$IMAGE" sh -c 'for i in $(seq 20); do sleep 2 & echo $i; done 2>&1')
want=$("${STORE[@]}" --runtime runc "${RUN_OPTIONS[@]}" "${PIDS_TEST[@]}" 2>&1 | tr '\n' ' ' || true)
out=$("${RUN[@]}" "${PIDS_TEST[@]}" 2>&1 | tr '\n' ' ' || true)
is "$out" "$want" "--pids-limit: forks past the limit fail, at the same count as under runc"
[[ $want == *"can't fork"* ]] && ok "runc itself stops the forks" || not_ok "runc itself stops the forks"

# -it: a terminal of the container's own (its devpts), made by airlock and
# handed to conmon over the console socket; `script` gives podman a terminal
# (reading /dev/null: script must not touch the terminal, if any, that the
# test was started from).
out=$(on_terminal "stty rows 30 cols 100; ${UNBOUND_RUN[*]} --rm -it $IMAGE sh -c 'tty; stty size; exit 5'; echo status \$?" 2>&1 || true)
st=0
SHELL=/bin/sh "${BOUND[@]}" script -qec "${UNBOUND_RUN[*]} --rm -it $IMAGE sh -c 'exit 5'" /dev/null </dev/null >/dev/null || st=$?
is "$out:$st" "/dev/pts/0
30 100
status 5:5" "podman run -it: the program's terminal, its size, and the exit code"

# Detached: exec, stop, kill, rm.
id=$("${RUN[@]}" -d "$IMAGE" sleep 1000 2>/dev/null)
is "$("${PODMAN[@]}" inspect -f '{{.State.Status}}' "$id" 2>&1)" running "podman run -d: running"
out=$("${PODMAN[@]}" exec "$id" sh -c 'cat /proc/1/comm; exit 4' 2>&1) && st=0 || st=$?
is "$st:$out" "4:sleep" "podman exec runs in the container and returns the status"
out=$(on_terminal "${UNBOUND_STORE[*]} --runtime $AIRLOCK exec -it $id sh -c 'tty; cat /proc/1/comm'" 2>&1 || true)
is "$out" "/dev/pts/0
sleep" "podman exec -it: a terminal from the container's own devpts"
"${PODMAN[@]}" kill -s KILL "$id" >/dev/null 2>&1
# podman kill returns once the signal is sent; conmon records the exit soon after.
for _ in $(seq 100); do
    state=$("${PODMAN[@]}" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id" 2>&1)
    [[ $state == exited* ]] && break
    sleep 0.1
done
is "$state" "exited 137" "podman kill: exited 137"
"${PODMAN[@]}" rm "$id" >/dev/null 2>&1
is "$("${PODMAN[@]}" ps -aq 2>&1)" "" "podman rm removes it"

id=$("${RUN[@]}" -d "$IMAGE" sh -c 'trap "echo got TERM; exit 0" TERM; while :; do sleep 1; done' 2>/dev/null)
for _ in $(seq 100); do [[ $("${PODMAN[@]}" inspect -f '{{.State.Status}}' "$id" 2>/dev/null) == running ]] && break; sleep 0.1; done
sleep 0.5 # the shell sets its trap after podman reports it running
"${PODMAN[@]}" stop -t 10 "$id" >/dev/null 2>&1
is "$("${PODMAN[@]}" inspect -f '{{.State.ExitCode}}' "$id" 2>&1):$("${PODMAN[@]}" logs "$id" 2>&1)" "0:got TERM" \
    "podman stop delivers SIGTERM to the program, which exits its own way"
"${PODMAN[@]}" rm "$id" >/dev/null 2>&1
no_leftovers "$PM/run" "no container process is left"

done_testing
