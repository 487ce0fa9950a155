#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Sockets (src/kernel/net.c), on the Debian fixture's python3, natively
# (chroot) and under airlock, compared: AF_UNIX pairs and paths,
# SCM_RIGHTS and SCM_CREDENTIALS, TCP and UDP on loopback, a non-blocking
# connect, epoll edge and level modes, options (tests/integration/net/
# sockets.py); bad pointers, huge lengths and wrong descriptors (badptr.py);
# the same from C (tests/guest/netprobe.c), and `ip addr`.
# Then a server in airlock reached from the host, and --network none.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
if ! R=$(debian_rootfs); then
    not_ok "the Debian fixture builds"
    done_testing
fi
S=$REPO_ROOT/tests/integration/net

compare_native_rw -d "sockets.py" -i "$S/sockets.py" "$R" python3 -
compare_native "$(fixture_rootfs)" ip addr # netlink route queries and interface ioctls
# tests/guest/netprobe: SCM_RIGHTS, a non-blocking connect, epoll edge and level, UDP, *mmsg.
if require_probes netprobe; then
    P=$(scratch_rootfs "$(fixture_rootfs)" "$(probe_path netprobe)")
    compare_native -d "netprobe (C): results natively and under airlock" "$P" /probe/netprobe
    is "$COMPARE_NATIVE_STATUS" 0 "netprobe exits 0 natively"
fi
compare_native -d "badptr.py" -i "$S/badptr.py" "$R" python3 -

out=$("$AIRLOCK" run --rootfs "$R" python3 -c '
import socket
for family, kind in ((socket.AF_PACKET, socket.SOCK_RAW), (socket.AF_INET, socket.SOCK_RAW)):
    try:
        socket.socket(family, kind)
        print("made")
    except OSError as e:
        print(e.strerror)' 2>&1)
is "$out" "Address family not supported by protocol
Socket type not supported" "packet and raw IP sockets are not served (a root guest could sniff the host's traffic)"

# fetch PORT PATH: the body from a server on 127.0.0.1, retried while it starts (10 s).
fetch() {
    python3 - "$1" "$2" <<'EOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        print(urllib.request.urlopen("http://127.0.0.1:%s%s" % (sys.argv[1], sys.argv[2]), timeout=5).read().decode(), end="")
        break
    except OSError:
        time.sleep(0.1)
EOF
}

# A server in the microVM, a client on the host (the default network is the host's).
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
"$AIRLOCK" run --rootfs "$R" -w /data python3 -m http.server "$port" --bind 127.0.0.1 >"$TAP_TMP/http.log" 2>&1 &
server=$!
got=$(fetch "$port" /mixed.txt)
kill "$server" && wait "$server" 2>/dev/null || true
is "$got" "$(cat "$R/data/mixed.txt")" "python3 -m http.server in airlock serves a file to a client on the host"
grep -q '"GET /mixed.txt HTTP/1.1" 200' "$TAP_TMP/http.log" && ok "and logs the request" ||
    { not_ok "and logs the request"; diag_file "$TAP_TMP/http.log" 10; }

# nginx (nginx-light) in airlock, fetched from the host; redis-server in one
# airlock container, redis-cli in another (both on the host's network).
disk_tmpdir N
cp -a "$R" "$N/root" # nginx writes its pid and temp files: a copy of the fixture
nport=$(free_port)
sed "s/PORT/$nport/" "$S/nginx.conf" >"$N/root/etc/nginx/airlock.conf"
"$AIRLOCK" run --rootfs "$N/root" nginx -c /etc/nginx/airlock.conf >"$N/nginx.log" 2>&1 &
nginx=$!
got=$(fetch "$nport" /mixed.txt)
kill "$nginx" 2>/dev/null; wait "$nginx" 2>/dev/null || true
is "$got" "$(cat "$R/data/mixed.txt")" "nginx in airlock serves a file to a client on the host"
grep -q 'GET /mixed.txt HTTP/1.1" 200' "$N/nginx.log" && ok "nginx logs the request" ||
    { not_ok "nginx logs the request"; diag_file "$N/nginx.log" 10; }
rport=$(free_port)
"$AIRLOCK" run --rootfs "$R" redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize no >"$N/redis.log" 2>&1 &
redis=$!
for _ in $(seq 100); do grep -q "Ready to accept" "$N/redis.log" && break; sleep 0.1; done
out=$("$AIRLOCK" run --rootfs "$R" sh -c "redis-cli -p $rport set greeting 'from another microVM' && redis-cli -p $rport get greeting" 2>&1)
is "$out" "OK
from another microVM" "redis-cli in one airlock container talks to redis-server in another"
out=$("$AIRLOCK" run --rootfs "$R" redis-benchmark -p "$rport" -q -n 2000 -c 4 -t set,get 2>&1 | tr '\r' '\n' | grep -c 'requests per second' || true)
is "$out" 2 "redis-benchmark, in airlock too, runs SET and GET against it"
kill "$redis" 2>/dev/null; wait "$redis" 2>/dev/null || true

# --network none: a namespace of its own, whose loopback works; the host's port is not there.
out=$("$AIRLOCK" run --network none --rootfs "$R" python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept(); c.sendall(b"loopback works"); print(a.recv(100).decode())
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    print("reached the host")
except OSError as e:
    print(e.strerror)' "$port" 2>&1)
is "$out" "loopback works
Connection refused" "--network none: loopback inside, nothing of the host's"
cd "$(dirname "$(fixture_rootfs)")"
out=$("$AIRLOCK" run --network none --rootfs "$(basename "$(fixture_rootfs)")" ip -o link 2>&1 | cut -d: -f2 | tr -d ' ')
is "$out" "lo" "--network none with a relative --rootfs: only the loopback"

done_testing
