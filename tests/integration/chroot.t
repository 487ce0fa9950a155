#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# chroot inside a container (kernel/fs.c sys_chroot): in an OCI run the
# monitor's root is a pivoted mount namespace, and a guest chroot is the
# monitor's own, compared with chroot inside chroot natively; the classic
# escape (chroot into a subdirectory, `..` from outside it, chroot .) ends
# at the container's root, never the host's. In a bare run (the monitor's
# root is only a chroot) chroot is refused with EPERM.

# Single quotes are meant: the guest expands, not the host.
# shellcheck disable=SC2016
# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
B=$(fixture_rootfs)
R=$(scratch_rootfs "$B")
mkdir "$R/jail" && cp -a "$B/." "$R/jail/" && echo "inside the jail" >"$R/jail/etc/jail-marker"
script='chroot /jail /bin/sh -c "cat /etc/jail-marker; ls / | grep -c jail; cd ..; pwd"; echo "status $?"
chroot /missing /bin/true 2>&1; echo "status $?"; chroot /etc/passwd /bin/true 2>&1; echo "status $?"'

want=$(timeout 60 "$CHROOT" "$R" /bin/sh -c "$script" 2>&1)
got=$(timeout 60 "$AIRLOCK" run --tmpfs /tmp --rootfs "$R" -- /bin/sh -c "$script" 2>&1) || true
is "$got" "$want" "an OCI run: chroot into a directory of the container, and its errors, as natively"
out=$(timeout 60 "$AIRLOCK" run --rootfs "$R" -- chroot /jail /bin/true 2>&1) && st=0 || st=$?
is "$st: $out" "1: chroot: can't change root directory to '/jail': Operation not permitted" \
    "a bare run (the monitor's root is only a chroot): EPERM"

if D=$(debian_rootfs); then
    escape='import os
os.mkdir("/tmp/x")
outside = os.open("/", os.O_RDONLY)
os.chroot("/tmp/x")
print("inside the new root:", os.listdir("/"))
os.fchdir(outside)
for _ in range(20):
    os.chdir("..")
os.chroot(".")
print("back at the container root:", os.path.exists("/etc/debian_version"))
print("the host tree seen:", os.path.exists(os.environ["HOST_FILE"]))'
    out=$(timeout 60 "$AIRLOCK" run --tmpfs /tmp -e "HOST_FILE=$REPO_ROOT/README.md" --rootfs "$D" -- \
        /usr/bin/python3 -c "$escape" 2>&1) || true
    is "$out" "inside the new root: []
back at the container root: True
the host tree seen: False" "the classic chroot escape ends at the container's root"
else
    not_ok "the Debian fixture builds"
fi
no_leftovers "$R" "nothing left running"

done_testing
