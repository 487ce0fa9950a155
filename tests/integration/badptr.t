#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/guest/badptr (bad pointers, lengths and fds for each pointer-taking
# syscall) natively vs under airlock: results, status and files must match.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes badptr || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path badptr)")

compare_native_rw -d "badptr: results natively and under airlock" "$R" /probe/badptr

# Guard against a vacuous pass: the probe itself must have worked natively.
is "$COMPARE_NATIVE_STATUS" 0 "badptr exits 0 natively"

# The same calls with the working directory elsewhere (-w): relative lookups
# and getcwd must agree too.
compare_native_rw -d "badptr with -w /tmp" -w /tmp "$R" /probe/badptr

done_testing
