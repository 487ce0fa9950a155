#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make bench` (second part): `run IMAGE true` end to end from a local
# image store, the same image (scripts/demo-image.sh) under airlock,
# podman+runc and podman+runsc, in one run. Prints medians and ratios.
# Needs root, podman, runc, runsc and hyperfine (bench/install-peers.sh).
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
AIRLOCK=${AIRLOCK:-build/airlock}
[[ $AIRLOCK == /* ]] || AIRLOCK=$repo/$AIRLOCK
RUNS=${BENCH_RUNS:-30}
WARMUP=${BENCH_WARMUP:-3}
B=$repo/build/bench-images
rm -rf "$B"
mkdir -p "$B"
trap 'podman "${PODMAN_STORE[@]}" rm -af >/dev/null 2>&1 || true; rm -rf "$B"' EXIT

bash scripts/demo-image.sh "$B/demo.tar"
export AIRLOCK_STORE=$B/airlock-store
"$AIRLOCK" load -i "$B/demo.tar" >/dev/null
"$AIRLOCK" run demo true # the image's root unpacked once, as after any first run
# podman with a private store, as the tests use it (no systemd here: cgroupfs, file events).
PODMAN_STORE=(--root "$B/podman" --runroot "$B/podman-run" --storage-driver vfs --cgroup-manager cgroupfs
    --events-backend file)
podman "${PODMAN_STORE[@]}" load -i "$B/demo.tar" >/dev/null
RUN_FLAGS="--rm --network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$B/run.json" \
    -n airlock "$AIRLOCK run demo true" \
    -n podman+runc "podman ${PODMAN_STORE[*]} --runtime runc run $RUN_FLAGS demo true" \
    -n podman+runsc "podman ${PODMAN_STORE[*]} --runtime runsc --runtime-flag network=none run $RUN_FLAGS demo true" \
    -n podman+airlock "podman ${PODMAN_STORE[*]} --runtime $AIRLOCK run $RUN_FLAGS demo true" >"$B/hyperfine.txt"
echo
echo "run IMAGE true, end to end from a local store (median of $RUNS, ms; ratio: runtime / airlock)"
jq -r '.results as $r | ($r[] | select(.command == "airlock") | .median) as $a |
    $r[] | "\(.command)\t\(.median * 1000 * 100 | round / 100)\t\(.median / $a * 100 | round / 100)x"' "$B/run.json" |
    awk -F'\t' '{ printf "%-16s %9s ms %8s\n", $1, $2, $3 }'
