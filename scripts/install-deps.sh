#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages that building airlock and running its tests
# need. Installs only what is missing, so a second run is fast.
set -euo pipefail

packages=(
    build-essential gcc make      # the C toolchain
    clang libclang-rt-14-dev      # clang builds and the ASan/UBSan runtimes
    libc6-dev                     # static libc for the guest probes (gcc -static)
    busybox-static                # the test rootfs (tests/fixtures/busybox-rootfs.sh)
    libseccomp-dev libjson-c-dev libarchive-dev zlib1g-dev libcurl4-openssl-dev
    perl                          # prove runs the tests
    strace
    procps                        # pgrep: tests check for leftover processes
    mount util-linux              # mount, unshare, setpriv, flock, findmnt
)

missing=()
for p in "${packages[@]}"; do
    if [[ $(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) != installed ]]; then
        missing+=("$p")
    fi
done
if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

sudo=()
((EUID == 0)) || sudo=(sudo)
echo "install-deps: installing ${missing[*]}"
# The package lists may be absent or stale on a fresh machine.
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
