#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# airlock run without root: a uid with no privilege (setpriv, no passwd
# entry needed) and only the device access a desktop user has (/dev/kvm and
# /dev/net/tun, given to it with ACLs that are taken back at the end). Every
# run gets a user namespace mapping the caller to the container's root; the
# network with -p is slirp4netns; state and store are the user's own.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
USER_ID=4242
disk_tmpdir H # the user's home and runtime directory
chown "$USER_ID:$USER_ID" "$H"
R=$H/rootfs # not under $TAP_TMP, which only root may enter
cp -a "$(fixture_rootfs)" "$R"
mkdir "$H/volume" && chown "$USER_ID:$USER_ID" "$H/volume"
echo "served without root" >"$H/volume/index.html"
chmod 644 "$H/volume/index.html"
acl_given=()
for dev in /dev/kvm /dev/net/tun; do
    if [[ $(stat -c %a "$dev") != *6 ]] && setfacl -m "u:$USER_ID:rw" "$dev"; then
        acl_given+=("$dev")
    fi
done
cleanup() {
    local dev
    for dev in "${acl_given[@]}"; do setfacl -x "u:$USER_ID" "$dev" || true; done
    as_user "$AIRLOCK" rm -f web >/dev/null 2>&1 || true
    rm -rf "${_tap_cleanup[@]}"
}
trap cleanup EXIT

# as_user CMD...: CMD as the unprivileged uid, with a home and runtime dir of its own (60 s at most).
as_user() {
    timeout -k 5 60 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$H" XDG_RUNTIME_DIR="$H/run" \
        setpriv --reuid="$USER_ID" --regid="$USER_ID" --clear-groups --inh-caps=-all -- "$@"
}
mkdir -p "$H/run" && chown "$USER_ID:$USER_ID" "$H/run"

out=$(as_user "$AIRLOCK" run --rootfs "$R" -- sh -c 'id -u; cat /proc/self/uid_map | tr -s " "' 2>&1 || true)
is "$out" "0
 0 $USER_ID 1" "a user's run: the caller is the container's root, and the only user mapped"
# (A mount point the rootfs has: the host root's directories are not the container root's to add to.)
as_user "$AIRLOCK" run -v "$H/volume:/tmp" --rootfs "$R" -- touch /tmp/made 2>&1 || true
is "$(stat -c %u "$H/volume/made" 2>&1)" "$USER_ID" "a file the container's root makes in a volume is the user's on the host"
out=$(as_user "$AIRLOCK" run --rootfs "$R" -- sh -c 'touch /etc/x 2>&1 | sed "s/.*: //"' 2>&1 || true)
is "$out" "Permission denied" "the container's root cannot write the host root's files"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
as_user "$AIRLOCK" run -d --name web -p "$port:80" -v "$H/volume:/data:ro" --rootfs "$R" \
    httpd -f -p 80 -h /data >/dev/null 2>"$H/web.err" || diag_file "$H/web.err" 5
got=
for _ in $(seq 100); do got=$(curl -sf -m 5 "http://127.0.0.1:$port/index.html") && break; sleep 0.1; done
is "$got" "served without root" "-p without root: slirp4netns publishes the port, curl on the host gets the page"
is "$(as_user "$AIRLOCK" ps -q 2>&1 | tr '\n' ' ')" "web " "the user's own state lists it ($H/run/airlock)"
as_user "$AIRLOCK" stop -t 1 web >/dev/null 2>&1 || true
as_user "$AIRLOCK" rm web >/dev/null 2>&1 || true
no_leftovers "slirp4netns .*$H" "stop and rm end slirp4netns"
is "$(ls -A "$H/run/airlock/network" 2>&1 | grep -vc '^\.lock$')" 0 "... and remove its pid file and socket"

for bad in "--network default" "--memory 64m" "-u 1000"; do
    # shellcheck disable=SC2086 # the flags are split on purpose
    out=$(as_user "$AIRLOCK" run $bad --rootfs "$R" true 2>&1) && st=0 || st=$?
    [[ $st == 125 && $out == airlock:* && $(wc -l <<<"$out") == 1 ]] && ok "without root, run $bad: one line, status 125" ||
        { not_ok "without root, run $bad: one line, status 125"; diag "$st: $out"; }
done

done_testing
