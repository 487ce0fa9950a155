#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs what `make bench` compares airlock with (runc, gVisor's runsc) and
# measures with (hyperfine, jq to edit OCI bundles). Only what is missing.
set -euo pipefail

packages=(runc runsc hyperfine jq wrk)

exec bash "$(dirname "$0")/../scripts/apt-install.sh" install-peers "${packages[@]}"
