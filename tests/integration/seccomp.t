#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The monitor's own seccomp allowlist (src/jail/seccomp.c): every monitor
# of a running container (the first one, forked ones, an OCI container's)
# is in filter mode, and a monitor made to call something off the list
# (the test-only AIRLOCK_TEST_FORBIDDEN_CALL=1) is killed with SIGSYS,
# leaving nothing behind. That the list lets through everything a monitor
# really does is what every other test shows, since they all run under it.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
R=$(scratch_rootfs "$FIXTURE")
SIGSYS_STATUS=$((128 + 31))

# status_field PID FIELD: one field of the host's /proc/PID/status.
status_field() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# --- a forbidden call kills the monitor --------------------------------------
m=airlock-seccomp-$$-forbidden
err=$(AIRLOCK_TEST_FORBIDDEN_CALL=1 timeout -k 5 30 "$AIRLOCK" run --rootfs "$R" -- /bin/true "$m" 2>&1) && st=0 || st=$?
is "$st" "$SIGSYS_STATUS" "a monitor making a host call off its allowlist dies of SIGSYS (status 159)"
is "$err" "" "it is killed at the call: nothing after it runs"
no_leftovers "$m" "nothing is left of the killed container"

out=$(AIRLOCK_TEST_FORBIDDEN_CALL=chroot timeout -k 5 30 "$AIRLOCK" run --rootfs "$R" -- /bin/true 2>&1) && st=0 || st=$?
is "$st:$out" "$SIGSYS_STATUS:" "a bare run's monitor (its root only a chroot) dies of SIGSYS at a chroot of its own"
out=$(AIRLOCK_TEST_FORBIDDEN_CALL=chroot timeout -k 5 30 "$AIRLOCK" run --tmpfs /tmp --rootfs "$R" -- /bin/true 2>&1) && st=0 || st=$?
is "$st:$out" "0:airlock: seccomp: the forbidden test call was not stopped (chroot: 0)" \
    "an OCI run's monitor (a pivoted root) may chroot, for the guest's chroot"

out=$(AIRLOCK_TEST_FORBIDDEN_CALL=0 timeout -k 5 30 "$AIRLOCK" run --rootfs "$R" -- /bin/echo fine 2>&1) && st=0 || st=$?
is "$st:$out" "0:fine" "the hook does nothing unless set to 1"

# --- every monitor of a running container is filtered ------------------------
m=airlock-seccomp-$$-running
"$AIRLOCK" run --rootfs "$R" -- /bin/sh -c "sleep 30 & sleep 30; : $m" &
relay=$!
monitors=()
for _ in $(seq 100); do
    mapfile -t monitors < <(pgrep -f -- "$m" | grep -vx "$relay")
    ((${#monitors[@]} >= 2)) && break
    sleep 0.1
done
((${#monitors[@]} >= 2)) && ok "the container's shell and its forked child are monitors" ||
    not_ok "the container's shell and its forked child are monitors (found: ${monitors[*]})"
modes=""
for pid in "${monitors[@]}"; do
    modes+="$(status_field "$pid" Seccomp)/$(status_field "$pid" NoNewPrivs) "
done
is "$(tr ' ' '\n' <<<"$modes" | sort -u | xargs)" "2/1" \
    "each monitor, forked ones too, runs under a seccomp filter (mode 2) with no_new_privs"
is "$(status_field "$relay" Seccomp)" 0 "the relay outside the container has no filter (it runs no guest)"
kill -TERM "$relay"
wait "$relay" || true
no_leftovers "$m" "the filtered container stops as usual"

# --- an OCI container's monitor ----------------------------------------------
STATE=$TAP_TMP/state
B=$TAP_TMP/bundle
mkdir -p "$B"
cp -a "$FIXTURE" "$B/rootfs"
(cd "$B" && "$AIRLOCK" spec)
python3 - "$B/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sleep", "30"]
json.dump(c, open(sys.argv[1], "w"))
EOF
"$AIRLOCK" --root "$STATE" create --bundle "$B" --pid-file "$TAP_TMP/oci.pid" sc >/dev/null 2>&1
pid=$(cat "$TAP_TMP/oci.pid" 2>/dev/null)
"$AIRLOCK" --root "$STATE" start sc || true
mode=""
for _ in $(seq 50); do
    # The recorded pid is the relay's; the monitor is its child, pid 1 inside.
    monitor=$(pgrep -P "$pid" | head -n 1)
    mode=$(status_field "${monitor:-0}" Seccomp)
    [[ $mode == 2 ]] && break
    sleep 0.1
done
is "$mode" 2 "an OCI container's monitor runs under the filter once started"
"$AIRLOCK" --root "$STATE" kill sc KILL || true
for _ in $(seq 50); do
    [[ -e /proc/$pid ]] || break
    sleep 0.1
done
"$AIRLOCK" --root "$STATE" delete sc && st=0 || st=$?
is "$st:$(ls "$STATE")" "0:" "and it is deleted as usual"

done_testing
