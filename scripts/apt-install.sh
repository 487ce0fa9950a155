#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# apt-install.sh WHO PACKAGE...: installs the Debian packages that are
# missing (checked with dpkg-query, so a second run costs nothing). Shared by
# scripts/install-deps.sh and bench/install-peers.sh; WHO prefixes messages.
set -euo pipefail

who=$1
shift
missing=()
for p in "$@"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    echo "$who: all $# packages present"
    exit 0
fi

sudo=()
((EUID == 0)) || sudo=(sudo)
echo "$who: installing ${missing[*]}"
# The package lists may be absent or stale on a fresh machine.
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
