#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Limits that hold under abuse: a fork bomb against --pids-limit, a guest
# past --memory, descriptors past RLIMIT_NOFILE (compared with native), a
# busy loop against --cpus (the kernel's throttling counter), and a thousand
# hostile containers at once; the host stays usable and nothing is left.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
FIXTURE=$(fixture_rootfs)
if ! D=$(debian_rootfs); then
    not_ok "the Debian fixture builds"
    done_testing
fi
require_probes hostile || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path hostile)")
disk_tmpdir W
export AIRLOCK_STORE=$W/store
A=("$AIRLOCK" --root "$W/state")
trap '"${A[@]}" rm -f bomb spin >/dev/null 2>&1 || true; rm -rf "${_tap_cleanup[@]}"' EXIT

# cgroup_file ID FILE: the container's cgroup file (v1 controller directories or v2), if any.
cgroup_file() {
    find /sys/fs/cgroup -path "*/airlock/$1/$2" 2>/dev/null | head -n 1
}

# --- a fork bomb ---------------------------------------------------------------
# airlock counts guest tasks against the limit itself (a fork past it fails
# with EAGAIN, as in a pids cgroup), so the host's pids.max, which leaves
# each task room for its monitor's threads, is never reached.
"${A[@]}" run -d --name bomb --pids-limit 64 --rootfs "$R" sh -c 'b() { b | b & }; b; sleep 1000' bomb-$$ >/dev/null 2>&1
sleep 3
current=$(cat "$(cgroup_file bomb pids.current)" 2>/dev/null || echo none)
max=$(cat "$(cgroup_file bomb pids.max)" 2>/dev/null || echo none)
refused=$("${A[@]}" logs bomb 2>&1 | grep -c "can't fork" || true)
if [[ $refused -gt 0 && $current =~ ^[0-9]+$ && $current -le $max ]]; then
    ok "a fork bomb under --pids-limit 64: forks fail past the limit ($refused refused; $current of $max host tasks)"
else
    not_ok "a fork bomb under --pids-limit 64: forks fail past the limit"
    diag "refused=$refused current=$current max=$max"
fi
is "$(timeout -k 5 60 "$AIRLOCK" run --rootfs "$R" -- echo still fine 2>&1)" "still fine" "meanwhile another container starts and runs"
"${A[@]}" stop -t 1 bomb >/dev/null 2>&1 || true
"${A[@]}" rm -f bomb >/dev/null 2>&1 || true
no_leftovers "bomb-$$" "stop ends every process of the bomb"

# --- memory ----------------------------------------------------------------------
out=$(timeout -k 5 120 "${A[@]}" run --memory 64m --rootfs "$D" python3 -c 'x = bytearray(400 << 20); print("survived")' 2>&1) && st=0 || st=$?
is "$st:$out" "137:" "--memory 64m: a guest touching 400 MiB is killed (137), and only it"

# --- descriptors -----------------------------------------------------------------
compare_native -d "descriptors past RLIMIT_NOFILE fail with EMFILE at the same count as natively" "$D" python3 -c '
import os, resource
resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))
n = 0
try:
    while True:
        os.open("/etc/hostname", os.O_RDONLY)
        n += 1
except OSError as e:
    print(n, os.strerror(e.errno))
try:
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    print("raised")
except (OSError, ValueError) as e:
    print("not raised")'

# --- CPU -------------------------------------------------------------------------
"${A[@]}" run -d --name spin --cpus 0.1 --rootfs "$R" sh -c 'while :; do :; done' >/dev/null 2>&1
sleep 2
stat=$(cgroup_file spin cpu.stat)
throttled=$(awk '/^nr_throttled/ {print $2}' "$stat" 2>/dev/null)
[[ ${throttled:-0} -gt 0 ]] && ok "--cpus 0.1: a busy loop is throttled by the kernel ($throttled periods)" ||
    { not_ok "--cpus 0.1: a busy loop is throttled by the kernel"; diag "cpu.stat: $stat: $(cat "$stat" 2>&1)"; }
"${A[@]}" rm -f spin >/dev/null 2>&1 || true

# --- a thousand hostile containers at once ---------------------------------------
N=${AIRLOCK_TEST_CROWD:-1000}
mkdir "$W/crowd"
for i in $(seq "$N"); do
    timeout -k 10 600 "$AIRLOCK" run --rootfs "$R" -- /probe/hostile layout crowd-$$ >"$W/crowd/$i" 2>&1 &
done
wait
survived=$(grep -lx survived "$W"/crowd/* | wc -l || true)
is "$survived" "$N" "$N hostile guests at once (each writing above user space from 7 children): every monitor survives"
is "$(timeout -k 5 60 "$AIRLOCK" run --rootfs "$R" -- echo still fine 2>&1)" "still fine" "... and the host still runs containers"
no_leftovers "crowd-$$" "... and nothing of them is left"

done_testing
