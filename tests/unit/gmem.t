#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runs the guest-memory unit tests (a TAP program built by `make unit`).
exec "${UNIT_DIR:-build/tests/unit}/gmem"
