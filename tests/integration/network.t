#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Network modes of `airlock run` (src/net/): the default network (a bridge
# with NAT, an address per container, hosts and resolv.conf), ports
# published with -p (TCP: nginx fetched with curl; UDP: an echo server; on
# every address or on loopback only),
# containers reaching each other by address, slirp4netns; bad flags, port
# conflicts and failures; and nothing left behind: leases, veths, the
# bridge, the nftables table, helper processes.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
if ! R=$(debian_rootfs); then
    not_ok "the Debian fixture builds"
    done_testing
fi
B=$(fixture_rootfs)
disk_tmpdir W
export AIRLOCK_STORE=$W/store
STATE=$W/state
A=("$AIRLOCK" --root "$STATE")
trap '"${A[@]}" rm -f web loweb echo web2 killed slirpweb >/dev/null 2>&1 || true; rm -rf "${_tap_cleanup[@]}"' EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'; }
# fetch URL: its body, retried while the server starts (10 s).
fetch() {
    for _ in $(seq 100); do
        curl -sf -m 5 "$1" && return 0
        sleep 0.1
    done
    return 1
}
# An address of the host's own that is not loopback; on a machine with none, the bridge's (while a
# container is on it, it is the host's too).
host_address=$(ip -4 -o addr show scope global 2>/dev/null | awk '{split($4, a, "/"); print a[1]; exit}')
host_address=${host_address:-10.77.0.1}

# --- inside a container on the default network ------------------------------
out=$(timeout 60 "${A[@]}" run --network default --hostname box --rootfs "$B" -- sh -c '
    ip -4 -o addr show eth0 | awk "{print \$4}"; ip route | sed -n "s/^default via \([0-9.]*\).*/\1/p"
    grep -c "box$" /etc/hosts; hostname' 2>&1)
if [[ $out =~ ^10\.77\.[0-9]+\.[0-9]+/16$'\n'10\.77\.0\.1$'\n'1$'\n'box$ ]]; then
    ok "default network: an address on 10.77.0.0/16, a default route through the bridge, hosts naming the container"
else
    not_ok "default network: an address on 10.77.0.0/16, a default route through the bridge, hosts naming the container"
    diag "$out"
fi
expected_resolv=$(grep -v '^nameserver \(127\.\|::1\)' /etc/resolv.conf)
grep -q '^nameserver' <<<"$expected_resolv" || expected_resolv=$(printf '%s\nnameserver 8.8.8.8\nnameserver 8.8.4.4' "$expected_resolv")
is "$(timeout 60 "${A[@]}" run --network bridge --rootfs "$B" -- cat /etc/resolv.conf 2>&1)" "$expected_resolv" \
    "resolv.conf: the host's name servers, less loopback ones (--network bridge is docker's name)"
port=$(free_port)
python3 -m http.server "$port" --bind 0.0.0.0 --directory "$R/data" >/dev/null 2>&1 &
server=$!
out=$(timeout 60 "${A[@]}" run --network default --rootfs "$B" -- sh -c "
    for i in \$(seq 50); do wget -q -O - http://$host_address:$port/mixed.txt 2>/dev/null && break; sleep 0.2; done" 2>&1)
kill "$server"; wait "$server" 2>/dev/null || true
is "$out" "$(cat "$R/data/mixed.txt")" "a container reaches a server on the host's address ($host_address)"

# --- nginx with a published port --------------------------------------------
hport=$(free_port)
cp -a "$R" "$W/nginx" # nginx writes its pid and temp files: a copy of the fixture
sed "s/127.0.0.1:PORT/80/" "$REPO_ROOT/tests/integration/net/nginx.conf" >"$W/nginx/etc/nginx/airlock.conf"
"${A[@]}" run -d --name web -p "$hport:80" --rootfs "$W/nginx" nginx -c /etc/nginx/airlock.conf >/dev/null 2>"$W/web.err" ||
    diag_file "$W/web.err" 5
want=$(cat "$R/data/mixed.txt")
is "$(fetch "http://127.0.0.1:$hport/mixed.txt")" "$want" "-p HOST:80: nginx in airlock answers curl on the host's loopback"
is "$(fetch "http://$host_address:$hport/mixed.txt")" "$want" "... and on the host's own address"
web_ip=$(grep -l '^web ' "$STATE"/network/* 2>/dev/null | xargs -r -n1 basename || true) # its lease
out=$(timeout 60 "${A[@]}" run --network default --rootfs "$B" -- wget -q -O - "http://$web_ip/mixed.txt" 2>&1)
is "$out" "$want" "another container reaches nginx by its address ($web_ip)"
is "$(nft list map ip airlock publish 2>&1 | grep -c "tcp . $hport : $web_ip . 80")" 1 "the published port is one element of airlock's nftables map"

# -p on one address: the loopback one only.
lport=$(free_port)
"${A[@]}" run -d --name loweb -p "127.0.0.1:$lport:80" --rootfs "$R" python3 -m http.server 80 --directory /data \
    >/dev/null 2>"$W/loweb.err" || diag_file "$W/loweb.err" 5
is "$(fetch "http://127.0.0.1:$lport/mixed.txt")" "$want" "-p 127.0.0.1:HOST:80: the server answers on loopback"
curl -s -m 3 -o /dev/null "http://$host_address:$lport/mixed.txt" && st=0 || st=$?
is "$([[ $st != 0 ]] && echo refused || echo answered)" refused "... and not on the host's own address ($host_address)"
is "$(nft list map ip airlock publish_at 2>&1 | grep -c "127.0.0.1 . tcp . $lport : ")" 1 "the port is an element of the per-address map"
out=$("${A[@]}" run -p "127.0.0.1:$hport:80" --rootfs "$B" true 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: network: port 127.0.0.1:$hport/tcp is already published by container web" \
    "one address of a port published on every address is refused"
out=$("${A[@]}" run -p "$lport:80" --rootfs "$B" true 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: network: port $lport/tcp is already published by container loweb" \
    "every address of a port published on one address is refused"
for foreign in 203.0.113.77 198.51.100.77 192.0.2.77; do # documentation addresses: the first the host lacks
    ip -4 -o addr | grep -q " $foreign/" || break
done
out=$("${A[@]}" run -p "$foreign:$(free_port):80" --rootfs "$B" true 2>&1) && st=0 || st=$?
[[ $st == 125 && $out =~ ^airlock:\ network:\ port\ $foreign:[0-9]+/tcp\ on\ the\ host:\ Cannot\ assign\ requested\ address$ ]] &&
    ok "an address the host does not have is refused" || { not_ok "an address the host does not have is refused"; diag "$st: $out"; }
"${A[@]}" rm -f loweb >/dev/null 2>&1
is "$(nft list map ip airlock publish_at 2>&1 | grep -c " $lport : ")" 0 "rm -f: the per-address port is unpublished"

out=$("${A[@]}" run -d --name web2 -p "$hport:80" --rootfs "$B" sleep 100 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: network: port $hport/tcp is already published by container web" \
    "a port already published is refused, with the container holding it"
is "$("${A[@]}" ps -a -q 2>&1 | tr "\n" " "):$(ls "$STATE/network" | grep -vc '^\.')" "web :1" "... and that container is not left behind"

busy=$(free_port)
python3 -c 'import socket, sys, time; s = socket.socket(); s.bind(("", int(sys.argv[1]))); s.listen(); time.sleep(30)' "$busy" &
holder=$!
sleep 0.3
out=$(timeout 60 "${A[@]}" run -p "$busy:80" --rootfs "$B" true 2>&1) && st=0 || st=$?
kill "$holder"; wait "$holder" 2>/dev/null || true
is "$st:$out" "125:airlock: network: port $busy/tcp on the host: Address already in use" "a host port in use by a host program is refused"

"${A[@]}" stop -t 1 web >/dev/null 2>&1
is "$(nft list map ip airlock publish 2>&1 | grep -c "$hport")$(ls "$STATE/network" | grep -vc '^\.')" "00" \
    "stop: the port is unpublished and the address released"
"${A[@]}" rm web >/dev/null 2>&1
if ip link show airlock0 >/dev/null 2>&1 || nft list table ip airlock >/dev/null 2>&1 || ip -o link | grep -q ' alv'; then
    not_ok "rm of the last container: no bridge, veth or nftables table is left"
    diag "$(ip -o link | grep -e airlock0 -e alv; nft list table ip airlock 2>&1 | head -5)"
else
    ok "rm of the last container: no bridge, veth or nftables table is left"
fi

# --- UDP, and a container that ends by itself --------------------------------
uport=$(free_port)
"${A[@]}" run -d --name echo -p "$uport:7/udp" --rootfs "$R" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7))
data, peer = s.recvfrom(100)
s.sendto(data.upper(), peer)' >/dev/null 2>&1
out=$(python3 - "$uport" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
for _ in range(100):
    s.sendto(b"echo over udp", ("127.0.0.1", int(sys.argv[1])))
    try:
        print(s.recv(100).decode())
        break
    except OSError:
        pass
PY
)
is "$out" "ECHO OVER UDP" "-p HOST:CTR/udp: a UDP server in airlock answers a client on the host"
for _ in $(seq 100); do [[ $("${A[@]}" state echo 2>/dev/null) == *'"stopped"'* ]] && break; sleep 0.1; done
"${A[@]}" rm echo >/dev/null 2>&1
is "$(ls "$STATE/network" | grep -vc '^\.'):$(nft list tables 2>&1 | grep -c airlock)" "0:0" \
    "a container that ended by itself is cleaned up by rm"

# Killed (SIGKILL, as docker kill does): its address and published port go at once, before rm.
kport=$(free_port)
"${A[@]}" run -d --name killed -p "$kport:80" --rootfs "$B" sleep 1000 >/dev/null 2>&1
before=$(nft list map ip airlock publish 2>&1 | grep -c "tcp . $kport :" || true)
"${A[@]}" kill killed KILL
after=$(nft list map ip airlock publish 2>&1 | grep -c "tcp . $kport :" || true)
is "$before:$after:$(ls "$STATE/network" | grep -vc '^\.' || true)" "1:0:0" "kill KILL: the port is unpublished and the address released"
"${A[@]}" rm killed >/dev/null 2>&1 || true

# A container whose program cannot start: the run fails, nothing stays.
out=$(timeout 60 "${A[@]}" run -p "$(free_port):80" --rootfs "$B" /no/such/program 2>&1) && st=0 || st=$?
is "$st" 127 "a program that does not exist: 127"
is "$(ls "$STATE/network" | grep -vc '^\.'):$(ip -o link | grep -c -e airlock0 -e ' alv')" "0:0" "... and its address, veth and bridge are gone"

# --- flags --------------------------------------------------------------------
for bad in "-p 80:80:80" "-p 80:" "-p 70000" "-p http" "-p 0:80" "-p 80/sctp" "-p 127.0.0.1::80" "-p localhost:80:80" \
    "-p 1.2.3:80:80" "-p ::1:80:80" "--network bogus" "--network host -p 8080:80" \
    "--network none -p 8080:80"; do
    # shellcheck disable=SC2086 # the flags are split on purpose
    out=$(timeout 60 "${A[@]}" run $bad --rootfs "$B" true 2>&1) && st=0 || st=$?
    [[ $st == 125 && $out == airlock:* && $(wc -l <<<"$out") == 1 ]] && ok "run $bad: one line, status 125" ||
        { not_ok "run $bad: one line, status 125"; diag "$st: $out"; }
done

# --- slirp4netns --------------------------------------------------------------
sport=$(free_port)
"${A[@]}" run -d --name slirpweb --network slirp4netns -p "$sport:80" -p "127.0.0.1:$lport:80" --rootfs "$W/nginx" \
    nginx -c /etc/nginx/airlock.conf >/dev/null 2>"$W/slirp.err" || diag_file "$W/slirp.err" 5
is "$(fetch "http://127.0.0.1:$sport/mixed.txt")" "$want" "--network slirp4netns: nginx answers on a published port"
is "$(fetch "http://127.0.0.1:$lport/mixed.txt")" "$want" "... and on one published on loopback only"
curl -s -m 3 -o /dev/null "http://$host_address:$lport/mixed.txt" && st=0 || st=$?
is "$([[ $st != 0 ]] && echo refused || echo answered)" refused "... which does not answer on the host's own address"
out=$(timeout 60 "${A[@]}" run --network slirp4netns --rootfs "$B" -- sh -c 'ip -4 -o addr show tap0 | awk "{print \$4}"; cat /etc/resolv.conf' 2>&1)
is "$out" "10.0.2.100/24
nameserver 10.0.2.3" "slirp4netns: the container's tap0 address and slirp's name server"
"${A[@]}" stop -t 1 slirpweb >/dev/null 2>&1
"${A[@]}" rm slirpweb >/dev/null 2>&1
no_leftovers "slirp4netns .*$STATE" "slirp4netns ends with its containers"
is "$(ls "$STATE/network" | grep -vc '^\.')" 0 "... and its pid file and socket are gone"
# An airlock killed with its container: nothing runs detach, yet the helper
# ends with the container's process (its exit descriptor is a pidfd of it).
(timeout -k 5 120 "${A[@]}" run --network slirp4netns --rootfs "$B" sleep 1000 >/dev/null 2>&1 &) # not a job of ours: killed quietly
for _ in $(seq 100); do pgrep -f "slirp4netns .*$STATE" >/dev/null && break; sleep 0.1; done
pkill -KILL -f -- "--root $STATE run --network slirp4netns" || true
no_leftovers "slirp4netns .*$STATE" "a killed container's slirp4netns ends too, with no detach run"
"${A[@]}" rm -f "$("${A[@]}" ps -a -q)" >/dev/null 2>&1 || true
is "$("${A[@]}" ps -a -q):$(ls "$STATE/network" | grep -vc '^\.')" ":0" "... and rm takes what is left of it"

done_testing
