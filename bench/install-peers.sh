#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs what `make bench` compares airlock with (runc, gVisor's runsc) and
# measures with (hyperfine, jq to edit OCI bundles). Only what is missing.
set -euo pipefail

packages=(runc runsc hyperfine jq)

missing=()
for p in "${packages[@]}"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    echo "install-peers: all ${#packages[@]} packages present"
    exit 0
fi

sudo=()
((EUID == 0)) || sudo=(sudo)
echo "install-peers: installing ${missing[*]}"
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
