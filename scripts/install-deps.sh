#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian 12 packages that building airlock and running its tests
# need. Installs only what is missing, so a second run is fast.
set -euo pipefail

packages=(
    build-essential gcc make      # the C toolchain
    clang libclang-rt-14-dev      # clang builds and the ASan/UBSan runtimes
    libc6-dev                     # static libc for the guest probes (gcc -static)
    musl musl-tools               # musl builds of the probes (its loader, its libc)
    busybox-static                # the test rootfs (tests/fixtures/busybox-rootfs.sh)
    debootstrap                   # the Debian test rootfs (tests/fixtures/debian-rootfs.sh)
    libseccomp-dev libjson-c-dev libarchive-dev zlib1g-dev libcurl4-openssl-dev
    libssl-dev                    # SHA-256 of image blobs (libcrypto)
    libnftables-dev               # the default network's NAT and published ports
    slirp4netns                   # --network slirp4netns (user-mode networking, rootless runs)
    curl wrk                      # tests/integration/network.t and bench/network.sh fetch from published ports
    perl                          # prove runs the tests
    strace
    procps                        # pgrep: tests check for leftover processes
    runc                          # tests/integration/oci.t runs the same bundles under runc
    containerd podman             # tests/integration/{containerd,podman}.t drive airlock as their runtime
    docker-registry skopeo        # tests/integration/registry.t: a registry on loopback, and what fills it
    mount util-linux              # mount, unshare, setpriv, flock, findmnt
    acl                           # tests/integration/rootless.t lends its user /dev/kvm (setfacl)
)

exec bash "$(dirname "$0")/apt-install.sh" install-deps "${packages[@]}"
