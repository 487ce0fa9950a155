#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# CPU faults and exit statuses, natively (chroot) vs under airlock: same output
# and status (128+N for signal N), and no process left behind.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes fault exitcode || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path fault)" "$(probe_path exitcode)")

# fault kind -> the status Linux gives. Checked too, so that a probe that
# stops faulting (say, a compiler folding the division away) cannot pass
# vacuously with both sides exiting 0.
declare -A want=(
    [segv]=139 [write-text]=139 [hlt]=139 [cli]=139 [in]=139 [out]=139
    [lgdt]=139 [rdmsr]=139 [mov-cr3]=139 [int-0x21]=139 [misaligned-sse]=139
    [jump-unmapped]=139 [jump-kernel]=139 [jump-data]=139 [stack-overflow]=139
    [ud2]=132 [int3]=133 [div0]=136 [abort]=134
)
kinds=(segv write-text hlt cli in out lgdt rdmsr mov-cr3 int-0x21 ud2 int3 div0
    misaligned-sse jump-unmapped jump-kernel jump-data stack-overflow abort)

# Every run carries a unique marker argument (ignored by the probes) so that
# leftovers can be found with pgrep -f.
n=0
marker() {
    n=$((n + 1))
    echo "airlock-faults-$$-$n"
}

for kind in "${kinds[@]}"; do
    m=$(marker)
    compare_native -d "fault $kind" "$R" /probe/fault "$kind" "$m"
    is "$COMPARE_NATIVE_STATUS" "${want[$kind]}" "natively, fault $kind gives ${want[$kind]}"
    no_leftovers "$m" "no process left after fault $kind"
done

# Every exit status, through exit(3).
native_wrong=()
for status in $(seq 0 255); do
    m=$(marker)
    compare_native -d "exit $status" "$R" /probe/exitcode "$status" exit "$m"
    [[ $COMPARE_NATIVE_STATUS == "$status" ]] || native_wrong+=("$status->$COMPARE_NATIVE_STATUS")
    no_leftovers "$m" "no process left after exit $status"
done
is "${native_wrong[*]}" "" "natively, exitcode N exits with N for N in 0..255"

# Out-of-range values wrap to 8 bits; each exit path once or twice.
for args in "256 exit" "257 exit" "511 exit" "-1 exit" "3 _exit" "300 _exit" \
    "0 exit-syscall" "77 exit-syscall" "0 return" "99 return"; do
    m=$(marker)
    # shellcheck disable=SC2086 # split "STATUS HOW" on purpose
    compare_native -d "exitcode $args" "$R" /probe/exitcode $args "$m"
    no_leftovers "$m" "no process left after exitcode $args"
done

# A probe misused: its usage message and status 2 must come through too.
compare_native -d "fault with no kind" "$R" /probe/fault
compare_native -d "fault with unknown kind" "$R" /probe/fault no-such-fault

done_testing
