#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the published-port unit tests (a TAP program built by `make unit`).
ASAN_OPTIONS=detect_leaks=1 exec "${UNIT_DIR:-build/tests/unit}/port"
