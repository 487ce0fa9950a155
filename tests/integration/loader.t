#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Static-PIE programs (ET_DYN, loaded at a bias) natively vs under airlock:
# the same probes as the static tests, built with -static-pie.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes exitcode-pie fault-pie badptr-pie || done_testing

# Guard against a vacuous pass: the probes really are position-independent.
type=$(od -An -t u2 -j 16 -N 2 "$(probe_path exitcode-pie)" | tr -d ' ')
is "$type" 3 "exitcode-pie is ET_DYN"

R=$(scratch_rootfs "$FIXTURE" "$(probe_path exitcode-pie)" "$(probe_path fault-pie)")
for status in 0 1 42 255; do
	compare_native -d "static-pie exits $status" "$R" /probe/exitcode-pie "$status"
done
for kind in segv ud2 int3 div0; do
	compare_native -d "static-pie fault $kind" "$R" /probe/fault-pie "$kind"
done

R=$(scratch_rootfs "$FIXTURE" "$(probe_path badptr-pie)")
compare_native_rw -d "static-pie badptr" "$R" /probe/badptr-pie
is "$COMPARE_NATIVE_STATUS" 0 "static-pie badptr exits 0 natively"

done_testing
