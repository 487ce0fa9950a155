#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`, network part: nginx serving a 4 KiB file to wrk, and
# redis-server answering redis-benchmark's GETs, both clients on the host;
# the servers natively (chroot), under airlock on the host's network and on
# its default network through a published port (-p, NAT), and under runc and
# runsc on the host's network. Prints medians of BENCH_NET_REPEATS runs and
# the ratio to native. Needs root and bench/install-peers.sh's packages.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
AIRLOCK=${AIRLOCK:-build/airlock}
[[ $AIRLOCK == /* ]] || AIRLOCK=$repo/$AIRLOCK
SECONDS_EACH=${BENCH_NET_SECONDS:-5} # wrk's duration per run
REQUESTS=${BENCH_NET_REQUESTS:-50000} # redis-benchmark GETs per run
REPEATS=${BENCH_NET_REPEATS:-3}
B=$repo/build/bench-net
# shellcheck source=lib.sh
source bench/lib.sh
id=airlock-netbench-$$
for tool in wrk jq runc; do
    command -v "$tool" >/dev/null || { echo "bench: $tool missing: run bench/install-peers.sh" >&2; exit 1; }
done

bash tests/fixtures/debian-rootfs.sh build/fixtures/debian >/dev/null
rm -rf "$B"
mkdir -p "$B"
cp -a build/fixtures/debian "$B/root" # nginx and redis write their pid and temp files
head -c 3072 /dev/urandom | base64 -w 64 >"$B/root/data/small.txt"
sync

# Each runtime's server on a port of its own (no TIME_WAIT between them).
declare -A port=([native]=18080 [airlock]=18081 [airlock-nat]=18082 [runc]=18083 [runsc]=18084)
runtimes=(native airlock airlock-nat runc runsc)
for r in "${runtimes[@]}"; do
    inner=${port[$r]}
    [[ $r == airlock-nat ]] && inner=80
    cat >"$B/root/etc/nginx/bench-$r.conf" <<CONF
daemon off; master_process off; worker_processes 1; error_log /dev/null; pid /tmp/nginx-$r.pid;
events { worker_connections 256; }
http { access_log off; server { listen $inner; root /data; } }
CONF
done

runsc_flags=
if command -v runsc >/dev/null; then
    make_bundle "$B/probe" "$B/root" '["/bin/true"]' 'del(.linux.namespaces[] | select(.type == "network"))'
    platform=$(runsc_platform "--root $B/runsc-state --network=host" "$B/probe" "$id-probe") &&
        runsc_flags="--root $B/runsc-state --network=host --platform=$platform"
fi

# start RUNTIME NAME ARGS_JSON: the server in the background; its pid in $server.
start() {
    local r=$1 name=$2 args=$3
    local words
    mapfile -t words < <(jq -r '.[]' <<<"$args")
    case $r in
    native) exec chroot "$B/root" "${words[@]}" ;;
    airlock) exec "$AIRLOCK" run --rootfs "$B/root" -- "${words[@]}" ;;
    airlock-nat) exec "$AIRLOCK" run --name "$id-$name" -p "${port[$r]}:80" -p "$((port[$r] + 100)):6379" \
        --rootfs "$B/root" -- "${words[@]}" ;;
    runc | runsc)
        make_bundle "$B/$r-$name" "$B/root" "$args" \
            '.root.readonly = false | del(.linux.namespaces[] | select(.type == "network"))'
        if [[ $r == runc ]]; then
            exec runc --root "$B/runc-state" run --bundle "$B/$r-$name" "$id-$r-$name"
        else
            # shellcheck disable=SC2086 # flags are words
            exec runsc $runsc_flags run --bundle "$B/$r-$name" "$id-$r-$name"
        fi ;;
    esac >"$B/$r-$name.log" 2>&1 </dev/null &
    server=$!
}

stop() {
    local r=$1 name=$2
    case $r in
    runc) runc --root "$B/runc-state" kill "$id-$r-$name" KILL 2>/dev/null || true ;;
    # shellcheck disable=SC2086
    runsc) runsc $runsc_flags kill "$id-$r-$name" KILL 2>/dev/null || true ;;
    *) kill "$server" 2>/dev/null || true ;;
    esac
    wait "$server" 2>/dev/null || true
    case $r in
    runc) runc --root "$B/runc-state" delete -f "$id-$r-$name" >/dev/null 2>&1 || true ;;
    # shellcheck disable=SC2086
    runsc) runsc $runsc_flags delete -force "$id-$r-$name" >/dev/null 2>&1 || true ;;
    esac
}

median() { sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print ""}'; }

# measure RUNTIME: fills nginx_rps[RUNTIME] and redis_rps[RUNTIME] ("" if the server never answered).
declare -A nginx_rps redis_rps
measure() {
    local r=$1 p=${port[$1]} rp=$((port[$1] + 100)) i runs
    start "$r" nginx "[\"nginx\", \"-c\", \"/etc/nginx/bench-$r.conf\"]"
    for i in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p/small.txt" && break; sleep 0.1; done
    runs=$(for i in $(seq "$REPEATS"); do
        wrk -t2 -c16 -d"${SECONDS_EACH}s" "http://127.0.0.1:$p/small.txt" | awk '/Requests\/sec/ {print $2}'
    done)
    nginx_rps[$r]=$(median <<<"$runs")
    stop "$r" nginx
    local inner=$rp # airlock-nat publishes rp to the server's 6379
    [[ $r == airlock-nat ]] && inner=6379
    start "$r" redis "[\"redis-server\", \"--port\", \"$inner\", \"--save\", \"\", \"--appendonly\", \"no\", \"--protected-mode\", \"no\"]"
    for i in $(seq 100); do chroot "$B/root" redis-cli -p "$rp" ping >/dev/null 2>&1 && break; sleep 0.1; done
    runs=$(for i in $(seq "$REPEATS"); do
        chroot "$B/root" redis-benchmark -p "$rp" -t get -n "$REQUESTS" -c 16 --csv | awk -F'"' '/^"GET"/ {print $4}'
    done)
    redis_rps[$r]=$(median <<<"$runs")
    stop "$r" redis
}

label() {
    case $1 in
    native) echo "native (chroot)" ;; airlock) echo "airlock, host network" ;;
    airlock-nat) echo "airlock, default network, -p" ;; runsc) echo "runsc (${platform:-?}), host network" ;;
    *) echo "$1, host network" ;;
    esac
}

for r in "${runtimes[@]}"; do
    [[ $r == runsc && -z $runsc_flags ]] && continue
    measure "$r"
done

ratio() { [[ -n $1 && -n $2 ]] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}' || echo "-"; }
printf '\nnetwork throughput, median of %d runs (requests/s; ratio to native)\n' "$REPEATS"
printf '%-36s %14s %8s %14s %8s\n' runtime "nginx (wrk)" ratio "redis GET" ratio
for r in "${runtimes[@]}"; do
    printf '%-36s %14s %8s %14s %8s\n' "$(label "$r")" "${nginx_rps[$r]:-failed}" \
        "$(ratio "${nginx_rps[$r]:-}" "${nginx_rps[native]:-}")" "${redis_rps[$r]:-failed}" \
        "$(ratio "${redis_rps[$r]:-}" "${redis_rps[native]:-}")"
done
