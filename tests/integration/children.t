#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a parent learns of its children (issue 4): tests/guest/children.c run
# natively (chroot) and under airlock, outputs and statuses compared:
# SA_NOCLDWAIT and SA_NOCLDSTOP, stops and continues through WUNTRACED,
# WCONTINUED and waitid's WSTOPPED with WNOWAIT, SIGCHLD's siginfo for every
# kind of event, exit codes and signals, and the wait calls' errors.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes children || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path children)")

for mode in nocldwait stopcont nocldstop status; do
    compare_native -d "children $mode" "$R" /probe/children "$mode"
done
no_leftovers "$R" "no guest or monitor process is left"

done_testing
