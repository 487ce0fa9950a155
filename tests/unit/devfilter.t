#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the cgroup v2 device filter's unit tests (a TAP program built by `make unit`).
exec "${UNIT_DIR:-build/tests/unit}/devfilter"
