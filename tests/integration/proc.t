#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The emulated /proc: tests/guest/procprobe and busybox applets natively (a
# real /proc mounted in the rootfs: compare_native_pair -m) vs under airlock,
# then what only the emulation promises (write refusals, the /dev fallbacks,
# its mounts), and a rootfs without a /proc mount point at all.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes procprobe procprobe-pie || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path procprobe)" "$(probe_path procprobe-pie)")
mkdir "$R/proc"

compare_native_pair -m -d "procprobe: /proc natively and under airlock" "$R" "$R" /probe/procprobe common 'two words' '' x
# Guard against a vacuous pass: the probe itself must have worked natively.
is "$COMPARE_NATIVE_STATUS" 0 "procprobe exits 0 natively"
compare_native_pair -m -d "procprobe-pie: the same, static-PIE" -e LANG=C "$R" "$R" /probe/procprobe-pie common
is "$COMPARE_NATIVE_STATUS" 0 "procprobe-pie exits 0 natively"

# Applets that read /proc.
compare_native_pair -m "$R" "$R" cat /proc/self/comm
compare_native_pair -m "$R" "$R" readlink /proc/self/exe /proc/self/cwd /proc/self/root
compare_native_pair -m "$R" "$R" ls /proc/self/fd
compare_native_pair -m "$R" "$R" wc -l /proc/self/limits
compare_native_pair -m -p "cut -d' ' -f2,3,20" "$R" "$R" cat /proc/self/stat
compare_native_pair -m -p "grep -c -e '\[heap\]' -e '\[stack\]'" "$R" "$R" cat /proc/self/maps
compare_native_pair -m -p "tr '\\0' ' '" "$R" "$R" cat /proc/self/cmdline
compare_native_pair -m -p "head -c 4" "$R" "$R" cat /proc/self/exe
compare_native_pair -m -p "grep -c ^processor" "$R" "$R" cat /proc/cpuinfo

# What only airlock promises, from one run of the probe. setsid: no
# controlling terminal, so /dev/tty must fail with ENXIO.
out=$TAP_TMP/airlock.out
status=0
R2=$(scratch_rootfs "$FIXTURE" "$(probe_path procprobe)")
setsid -w timeout -k 5 "$AIRLOCK_TEST_TIMEOUT" "$AIRLOCK" run --rootfs "$R2" -- \
    /probe/procprobe airlock </dev/null >"$out" 2>"$TAP_TMP/airlock.err" || status=$?
is "$status" 0 "procprobe airlock exits 0"

# line KEY: the rest of the probe's line "KEY: ...".
line() {
    awk -v key="$1: " 'index($0, key) == 1 { print substr($0, length(key) + 1); exit }' "$out"
}

for f in /proc/self/status /proc/self/comm /proc/sys/kernel/hostname /proc/version; do
    is "$(line "open $f O_WRONLY")" EACCES "open $f for writing: EACCES"
    is "$(line "open $f O_RDWR")" EACCES "open $f read-write: EACCES"
done
is "$(line "open /proc/self/status O_TRUNC")" EACCES "O_TRUNC on a /proc file: EACCES"
is "$(line "open /proc/self/new O_CREAT")" ENOENT "creating in /proc: ENOENT"
is "$(line "access /proc/self/status W_OK")" EACCES "access W_OK on a /proc file: EACCES"
is "$(line "access /proc/self/fd X_OK")" ok "access X_OK on /proc/self/fd"
is "$(line "chdir /proc/self")" EACCES "chdir into an emulated directory: EACCES (not served)"
is "$(line "chdir /proc/self/root")" ok "chdir through /proc/self/root"

is "$(line /dev/null)" "ok write ok" "/dev/null from the host"
is "$(line /dev/zero)" "ok read ok zero yes" "/dev/zero from the host"
is "$(line /dev/full)" "ok write ENOSPC" "/dev/full from the host"
is "$(line /dev/urandom)" "ok read ok" "/dev/urandom from the host"
is "$(line /dev/random)" ok "/dev/random from the host"
is "$(line "/dev/tty without a controlling terminal")" ENXIO "/dev/tty without a controlling terminal: ENXIO"
is "$(line "/dev/null O_CREAT|O_EXCL")" EEXIST "O_CREAT|O_EXCL on /dev/null: EEXIST"
is "$(line "stat /dev/null")" "ok char yes 1:3" "stat /dev/null: the host's character device"
is "$(line "stat /dev/missing")" ENOENT "other /dev names are the rootfs's"
grep -qx '/dev/stdout -> /proc/self/fd/1' "$out" && ok "/dev/stdout -> /proc/self/fd/1" ||
    not_ok "/dev/stdout -> /proc/self/fd/1"
grep -qx '/dev/fd -> /proc/self/fd' "$out" && ok "/dev/fd -> /proc/self/fd" || not_ok "/dev/fd -> /proc/self/fd"
is "$(line "/dev/fd/0 open")" ok "open /dev/fd/0"
is "$(line "/dev/stderr write")" ok "write to /dev/stderr"

is "$(line "version says airlock")" yes "/proc/version names airlock"
mounts=$(sed -n '/^mounts:$/,/^mountinfo/p' "$out" | sed '1d;$d')
if [[ $mounts =~ ^airlock\ /\ [a-z0-9]+\ rw,relatime\ 0\ 0$'\n'proc\ /proc\ proc\ rw,nosuid,nodev,noexec,relatime\ 0\ 0$ ]]; then
    ok "mounts: the root filesystem and /proc"
else
    not_ok "mounts: the root filesystem and /proc"
    diag "$mounts"
fi
is "$(line "mountinfo lines")" 2 "mountinfo: two mounts"
grep -qx 'Max open files            1024                 1024                 files     |' "$out" &&
    ok "limits: the guest's descriptor limit" || not_ok "limits: the guest's descriptor limit"
is "$(line "status FDSize")" "64 Seccomp: 0" "status: FDSize and Seccomp are the guest's"
is "$(line "loadavg tasks")" 1/1 "loadavg: one task"
is "$(line "loadavg last pid is ours")" yes "loadavg: the last pid is the guest's"
is "$(line "stack mapping")" "8 MiB" "maps: the 8 MiB stack"

# df lists the mounts from /proc/mounts and statfs()es each.
got=$(timeout -k 5 "$AIRLOCK_TEST_TIMEOUT" "$AIRLOCK" run --rootfs "$R2" -- /bin/df / /proc 2>&1) || true
[[ $got == *$'\nairlock '*' /'$'\n''proc '*' /proc' ]] && ok "df / /proc" || { not_ok "df / /proc"; diag "$got"; }

# A rootfs without a /proc directory still has the emulated /proc.
got=$(timeout -k 5 "$AIRLOCK_TEST_TIMEOUT" "$AIRLOCK" run --rootfs "$FIXTURE" -- /bin/cat /proc/self/comm 2>&1) || true
is "$got" cat "/proc without a mount point in the rootfs"

done_testing
