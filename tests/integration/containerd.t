#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# containerd (Debian's package) driving airlock through its runc shim:
# `ctr run --runc-binary build/airlock` on a private containerd instance,
# with the busybox rootfs (--rootfs: no image store needed). Output and exit
# status reach ctr; ctr task exec, kill and delete work; nothing is left.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock

CTD=$TAP_TMP/containerd
mkdir -p "$CTD"
cat >"$CTD/config.toml" <<EOF
version = 2
root = "$CTD/root"
state = "$CTD/state"
[grpc]
  address = "$CTD/containerd.sock"
[ttrpc]
  address = "$CTD/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
containerd --config "$CTD/config.toml" >"$CTD/log" 2>&1 &
containerd_pid=$!
stop_containerd() {
    kill "$containerd_pid" 2>/dev/null || true
    wait "$containerd_pid" 2>/dev/null || true
}
trap 'stop_containerd; rm -rf "${_tap_cleanup[@]}"' EXIT
for _ in $(seq 100); do [[ -S $CTD/containerd.sock ]] && break; sleep 0.1; done
[[ -S $CTD/containerd.sock ]] && ok "a private containerd is up" || { not_ok "a private containerd is up"; diag_file "$CTD/log" 20; done_testing; }

CTR=(ctr --address "$CTD/containerd.sock")
RUNC=(--runc-binary "$AIRLOCK" --runc-root "$TAP_TMP/runc-root")
R=$(scratch_rootfs "$FIXTURE")

out=$(timeout 60 "${CTR[@]}" run --rm "${RUNC[@]}" --rootfs "$R" one sh -c 'echo hello from containerd; echo to stderr >&2; exit 3' 2>"$TAP_TMP/one.err") && st=0 || st=$?
is "$st:$out:$(cat "$TAP_TMP/one.err")" "3:hello from containerd:to stderr" "ctr run: stdout, stderr and the exit status come back through the shim"

out=$(timeout 60 "${CTR[@]}" run --rm "${RUNC[@]}" --env GREETING=hi --cwd /tmp --rootfs "$R" two sh -c 'echo $GREETING $(pwd) $$' 2>&1) && st=0 || st=$?
is "$st:$out" "0:hi /tmp 1" "ctr run --env --cwd: the spec reaches the program, which is pid 1"

# A detached task: exec into it, kill it, delete it.
timeout 60 "${CTR[@]}" run -d "${RUNC[@]}" --rootfs "$R" three sleep 100 >/dev/null 2>&1
is "$("${CTR[@]}" task ls 2>/dev/null | awk '$1 == "three" { print $3 }')" RUNNING "ctr run -d: the task is running"
out=$(timeout 60 "${CTR[@]}" task exec --exec-id probe three sh -c 'cat /proc/1/comm; exit 5' 2>&1) && st=0 || st=$?
is "$st:$out" "5:sleep" "ctr task exec runs in the container and returns the status"
"${CTR[@]}" task kill -s SIGKILL three >/dev/null 2>&1
for _ in $(seq 100); do
    [[ $("${CTR[@]}" task ls 2>/dev/null | awk '$1 == "three" { print $3 }') == STOPPED ]] && break
    sleep 0.1
done
is "$("${CTR[@]}" task ls 2>/dev/null | awk '$1 == "three" { print $3 }')" STOPPED "ctr task kill stops it"
"${CTR[@]}" task delete three >/dev/null 2>&1
"${CTR[@]}" container delete three >/dev/null 2>&1
is "$("${CTR[@]}" task ls -q 2>/dev/null)" "" "ctr task delete removes it"
is "$(ls "$TAP_TMP/runc-root/default" 2>/dev/null)" "" "no container state is left under the runtime root"
no_leftovers "$R" "no container process is left"

done_testing
