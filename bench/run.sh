#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: start-to-exit time of busybox true and getppid round-trip cost
# under airlock, natively (chroot), runc and runsc; prints a table of medians.

# Needs root (chroot, runc, runsc) and bench/install-peers.sh's packages.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
AIRLOCK=${AIRLOCK:-build/airlock}
[[ $AIRLOCK == /* ]] || AIRLOCK=$repo/$AIRLOCK
RUNS=${BENCH_RUNS:-30}          # hyperfine runs per runtime (20+ for a stable median)
WARMUP=${BENCH_WARMUP:-3}
CALLS=${BENCH_CALLS:-100000}    # getppid calls per run
REPEATS=${BENCH_REPEATS:-5}     # getppid runs per runtime; the median is reported

B=$repo/build/bench
probe=$repo/build/tests/guest/getppid
id=airlock-bench-$$
runc_state=$B/runc-state
runsc_state=$B/runsc-state

if [[ ! -x $probe ]]; then
    echo "bench: $probe missing: build the guest probes first (make)" >&2
    exit 1
fi
for tool in hyperfine jq; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing: run bench/install-peers.sh" >&2
        exit 1
    }
done

# --- setup: one rootfs, and OCI bundles for runc/runsc pointing at it -------
bash tests/fixtures/busybox-rootfs.sh build/fixtures/busybox
mkdir -p "$B"
rm -rf "$B/rootfs"
cp -a build/fixtures/busybox "$B/rootfs"
cp "$probe" "$B/rootfs/bin/getppid"

cleanup() {
    # Containers normally delete themselves on exit; this is for interrupted runs.
    if command -v runc >/dev/null; then
        for c in "$id-true" "$id-getppid"; do
            runc --root "$runc_state" delete -f "$c" >/dev/null 2>&1 || true
        done
    fi
    if command -v runsc >/dev/null; then
        for c in "$id-true" "$id-getppid"; do
            runsc --root "$runsc_state" delete -force "$c" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$runc_state" "$runsc_state"
}
trap cleanup EXIT

# make_bundle DIR ARGS_JSON: a `runc spec` bundle running ARGS in the bench
# rootfs (read-only, no terminal).
make_bundle() {
    local dir=$1 args=$2
    rm -rf "$dir"
    mkdir -p "$dir"
    (cd "$dir" && runc spec)
    jq --arg root "$B/rootfs" --argjson args "$args" \
        '.root.path = $root | .root.readonly = true |
         .process.args = $args | .process.terminal = false' \
        "$dir/config.json" >"$dir/config.json.new"
    mv "$dir/config.json.new" "$dir/config.json"
}

# Last non-empty stderr line, as the reason a runtime failed.
reason() {
    local r
    r=$(grep -v '^[[:space:]]*$' "$1" | tail -n 1 | cut -c1-100)
    echo "${r:-no error output}"
}

# why_failed CMD-WORDS: runs the command once more on its own, for its exit
# status and its own last stderr line (hyperfine's message says neither).
why_failed() {
    local st=0
    # shellcheck disable=SC2086 # the command is words
    $1 >/dev/null 2>"$B/why.err" </dev/null || st=$?
    echo "exit $st: $(reason "$B/why.err")"
}

# Commands for each runtime, as words (hyperfine -N runs them without a shell).
declare -A true_cmd getppid_cmd label status
runtimes=(airlock native runc runsc)
true_cmd[airlock]="$AIRLOCK run --rootfs $B/rootfs -- /bin/true"
getppid_cmd[airlock]="$AIRLOCK run --rootfs $B/rootfs -- /bin/getppid $CALLS"
true_cmd[native]="chroot $B/rootfs /bin/true"
getppid_cmd[native]="chroot $B/rootfs /bin/getppid $CALLS"
label[airlock]=airlock
label[native]="native (chroot)"
label[runc]=runc
label[runsc]=runsc

if [[ ! -x $AIRLOCK ]]; then
    status[airlock]="failed: $AIRLOCK not built"
fi

if command -v runc >/dev/null; then
    make_bundle "$B/runc-true" '["/bin/true"]'
    make_bundle "$B/runc-getppid" "[\"/bin/getppid\", \"$CALLS\"]"
    true_cmd[runc]="runc --root $runc_state run --bundle $B/runc-true $id-true"
    getppid_cmd[runc]="runc --root $runc_state run --bundle $B/runc-getppid $id-getppid"
else
    status[runc]="failed: runc not installed (bench/install-peers.sh)"
fi

# runsc: systrap is the default platform of current gVisor; older releases
# (Debian 12's) only have ptrace. Use the first that runs.
if command -v runsc >/dev/null; then
    for platform in systrap ptrace; do
        flags="--root $runsc_state --network=none --platform=$platform"
        # shellcheck disable=SC2086 # flags are words
        if runsc $flags run --bundle "$B/runc-true" "$id-true" \
            >/dev/null 2>"$B/runsc-probe.err"; then
            label[runsc]="runsc ($platform)"
            true_cmd[runsc]="runsc $flags run --bundle $B/runc-true $id-true"
            getppid_cmd[runsc]="runsc $flags run --bundle $B/runc-getppid $id-getppid"
            unset 'status[runsc]'
            break
        fi
        status[runsc]="failed: $platform: $(reason "$B/runsc-probe.err")"
    done
else
    status[runsc]="failed: runsc not installed (bench/install-peers.sh)"
fi

# --- measurements -----------------------------------------------------------
declare -A true_ms getppid_ns true_err getppid_err

for rt in "${runtimes[@]}"; do
    [[ -z ${status[$rt]:-} ]] || continue
    echo "bench: $rt: /bin/true x $RUNS" >&2
    json=$B/true-$rt.json
    if hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$json" -n "$rt" "${true_cmd[$rt]}" >/dev/null 2>"$B/true-$rt.err"; then
        true_ms[$rt]=$(jq '.results[0].median * 1000' "$json")
    else
        true_err[$rt]="failed: $(why_failed "${true_cmd[$rt]}")"
    fi

    echo "bench: $rt: getppid $CALLS x $REPEATS" >&2
    : >"$B/getppid-$rt.txt"
    for _ in $(seq 1 "$REPEATS"); do
        st=0
        # shellcheck disable=SC2086 # the command is words
        ${getppid_cmd[$rt]} >>"$B/getppid-$rt.txt" 2>"$B/getppid-$rt.err" </dev/null || st=$?
        if ((st != 0)); then
            getppid_err[$rt]="failed: exit $st: $(reason "$B/getppid-$rt.err")"
            break
        fi
    done
    if [[ -z ${getppid_err[$rt]:-} ]]; then
        # Median of the "<ns> ns/call" lines.
        getppid_ns[$rt]=$(awk '$2 == "ns/call" { print $1 }' "$B/getppid-$rt.txt" |
            sort -g | awk '{ v[NR] = $1 } END {
                if (NR == 0) exit 1
                print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }') ||
            getppid_err[$rt]="failed: no 'ns/call' output"
    fi
done

# --- report -----------------------------------------------------------------
# row METRIC RUNTIME VALUE UNIT BASE ERROR
row() {
    local metric=$1 rt=$2 value=$3 unit=$4 base=$5 err=$6
    if [[ -n $err ]]; then
        printf '%-26s %-18s %s\n' "$metric" "${label[$rt]}" "$err"
        return
    fi
    local ratio=n/a
    if [[ -n $base ]]; then
        ratio=$(awk -v v="$value" -v b="$base" 'BEGIN { printf "%.2fx", (b > 0) ? v / b : 0 }')
    fi
    printf '%-26s %-18s %12.2f %-7s %10s\n' "$metric" "${label[$rt]}" "$value" "$unit" "$ratio"
}

echo
printf '%-26s %-18s %12s %-7s %10s\n' metric runtime median unit "vs airlock"
for rt in "${runtimes[@]}"; do
    err=${status[$rt]:-${true_err[$rt]:-}}
    row "/bin/true start-to-exit" "$rt" "${true_ms[$rt]:-0}" ms "${true_ms[airlock]:-}" "$err"
done
for rt in "${runtimes[@]}"; do
    err=${status[$rt]:-${getppid_err[$rt]:-}}
    row "getppid round trip" "$rt" "${getppid_ns[$rt]:-0}" ns/call "${getppid_ns[airlock]:-}" "$err"
done
echo
echo "true: hyperfine -N, $RUNS runs after $WARMUP warmup; getppid: median of $REPEATS runs of $CALLS calls."
echo "Ratios are runtime / airlock: below 1.00x is faster than airlock. Raw data: $B/"
