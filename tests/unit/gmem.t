#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the guest-memory unit tests (a TAP program built by `make unit`).
# Unit tests never chroot, so LeakSanitizer (which needs /proc) can run here.
ASAN_OPTIONS=detect_leaks=1 exec "${UNIT_DIR:-build/tests/unit}/gmem"
