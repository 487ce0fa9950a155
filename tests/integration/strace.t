#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# --strace: decoded calls and results on stderr, the program's own output
# untouched, and unserved calls named once however often they are made.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes enosys || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path enosys)")
out=$TAP_TMP/out
err=$TAP_TMP/err

# has_line FILE REGEX DESC: a line of FILE matches the extended regex.
has_line() {
	if grep -Eq -- "$2" "$1"; then ok "$3"; else
		not_ok "$3"
		diag "no line matches: $2"
		diag_file "$1" 30
	fi
}

status=0
"$AIRLOCK" run --strace --rootfs "$R" -- /bin/cat /etc/group >"$out" 2>"$err" || status=$?
is "$status" 0 "cat under --strace exits 0"
is "$(cat "$out")" "$(cat "$R/etc/group")" "stdout is the program's alone"
has_line "$err" '^openat\(AT_FDCWD, "/etc/group", O_RDONLY[|A-Z_]*, 0\) = 3$' "openat decoded with path, flags and result"
has_line "$err" '^(read\(3, |sendfile\(1, 3, )' "reads from the opened descriptor are traced"
has_line "$err" '^close\(3\) = 0$' "close traced"
has_line "$err" '^exit_group\(0\) = \?$' "exit_group traced before it runs"

status=0
"$AIRLOCK" run --strace --rootfs "$R" -- /bin/cat /missing >"$out" 2>"$err" || status=$?
is "$status" 1 "cat of a missing file exits 1"
has_line "$err" '^openat\(AT_FDCWD, "/missing", O_RDONLY[|A-Z_]*, 0\) = -1 ENOENT \(No such file or directory\)$' \
	"a failed call shows errno name and text"

status=0
"$AIRLOCK" run --strace --rootfs "$R" -- /probe/enosys >"$out" 2>"$err" || status=$?
is "$status" 0 "enosys probe exits 0"
is "$(grep -c 'syscall(50[01]) = -1 ENOSYS' "$out")" 4 "unserved calls return ENOSYS to the guest"
is "$(grep -c '^airlock: system call 500 is not implemented$' "$err")" 1 "an unserved call is named once"
is "$(grep -c '^airlock: system call 501 is not implemented$' "$err")" 1 "each unserved number is named once"
is "$(grep -c '^syscall_500(.*) = -1 ENOSYS (Function not implemented)$' "$err")" 2 "each unserved call is still traced"

status=0
"$AIRLOCK" run --rootfs "$R" -- /probe/enosys >"$out" 2>"$err" || status=$?
is "$status:$(wc -c <"$err")" "0:0" "without --strace nothing is printed for unserved calls"

done_testing
