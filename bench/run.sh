#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make bench`: start-to-exit time of busybox true and of `python3 -c pass`
# (Debian rootfs), getppid round-trip cost, clock_gettime cost and
# fork+exec+wait of /bin/true from inside, under airlock, natively (chroot),
# runc and runsc; then what forking a guest that wrote 1 GiB costs (airlock
# and native). Prints a table of medians.

# Needs root (chroot, runc, runsc) and bench/install-peers.sh's packages.
# The per-metric associative arrays (true_cmd, clock_ns, ...) are mostly
# reached through namerefs (declare -n), which shellcheck cannot follow.
# shellcheck disable=SC2034,SC2154,SC2178,SC2004
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
AIRLOCK=${AIRLOCK:-build/airlock}
[[ $AIRLOCK == /* ]] || AIRLOCK=$repo/$AIRLOCK
RUNS=${BENCH_RUNS:-30}          # hyperfine runs per runtime (20+ for a stable median)
WARMUP=${BENCH_WARMUP:-3}
CALLS=${BENCH_CALLS:-100000}    # getppid calls per run
CLOCK_CALLS=${BENCH_CLOCK_CALLS:-100000} # clock_gettime calls per run
SPAWNS=${BENCH_SPAWNS:-200}     # fork+exec+wait of /bin/true per run
REPEATS=${BENCH_REPEATS:-5}     # probe runs per runtime; the median is reported

B=$repo/build/bench
# shellcheck source=lib.sh
source bench/lib.sh
probe_dir=$repo/build/tests/guest
id=airlock-bench-$$
runc_state=$B/runc-state
runsc_state=$B/runsc-state

for p in getppid clockbench spawnbench forkmem; do
    if [[ ! -x $probe_dir/$p ]]; then
        echo "bench: $probe_dir/$p missing: build the guest probes first (make)" >&2
        exit 1
    fi
done
for tool in hyperfine jq; do
    command -v "$tool" >/dev/null || {
        echo "bench: $tool missing: run bench/install-peers.sh" >&2
        exit 1
    }
done

# --- setup: two rootfs copies, and OCI bundles for runc/runsc pointing at them
bash tests/fixtures/busybox-rootfs.sh build/fixtures/busybox
bash tests/fixtures/debian-rootfs.sh build/fixtures/debian
mkdir -p "$B"
rm -rf "$B/rootfs" "$B/debian"
cp -a build/fixtures/busybox "$B/rootfs"
cp "$probe_dir/getppid" "$B/rootfs/bin/getppid"
cp "$probe_dir/clockbench" "$B/rootfs/bin/clockbench"
cp "$probe_dir/spawnbench" "$B/rootfs/bin/spawnbench"
cp "$probe_dir/forkmem" "$B/rootfs/bin/forkmem"
cp -a build/fixtures/debian "$B/debian"
sync # the copies' writeback would otherwise share the first measurements' time

bundles=(true getppid clock python spawn)
cleanup() {
    # Containers normally delete themselves on exit; this is for interrupted runs.
    local b
    if command -v runc >/dev/null; then
        for b in "${bundles[@]}"; do
            runc --root "$runc_state" delete -f "$id-$b" >/dev/null 2>&1 || true
        done
    fi
    if command -v runsc >/dev/null; then
        for b in "${bundles[@]}"; do
            runsc --root "$runsc_state" delete -force "$id-$b" >/dev/null 2>&1 || true
        done
    fi
    rm -rf "$runc_state" "$runsc_state"
}
trap cleanup EXIT

# why_failed CMD-WORDS: runs the command once more on its own, for its exit
# status and its own last stderr line (hyperfine's message says neither).
why_failed() {
    local st=0
    # shellcheck disable=SC2086 # the command is words
    $1 >/dev/null 2>"$B/why.err" </dev/null || st=$?
    echo "exit $st: $(reason "$B/why.err")"
}

# Commands for each runtime, as words (hyperfine -N runs them without a
# shell). Metrics: true and python (hyperfine, ms), getppid and clock (the
# probe's own "<ns> ns/call", median of REPEATS runs).
declare -A true_cmd getppid_cmd clock_cmd python_cmd spawn_cmd label status
runtimes=(airlock airlock-exits native runc runsc)
true_cmd[airlock]="$AIRLOCK run --rootfs $B/rootfs -- /bin/true"
getppid_cmd[airlock]="$AIRLOCK run --rootfs $B/rootfs -- /bin/getppid $CALLS"
clock_cmd[airlock]="$AIRLOCK run --rootfs $B/rootfs -- /bin/clockbench $CLOCK_CALLS"
python_cmd[airlock]="$AIRLOCK run --rootfs $B/debian -- /usr/bin/python3 -c pass"
spawn_cmd[airlock]="$AIRLOCK run --rootfs $B/rootfs -- /bin/spawnbench $SPAWNS /bin/true"
# The same with every system call through a VM exit (no shared-memory path).
for b in true getppid clock python spawn; do
    declare -n cmd=${b}_cmd
    cmd[airlock-exits]="env AIRLOCK_FASTCALL=0 ${cmd[airlock]}"
done
unset -n cmd
true_cmd[native]="chroot $B/rootfs /bin/true"
getppid_cmd[native]="chroot $B/rootfs /bin/getppid $CALLS"
clock_cmd[native]="chroot $B/rootfs /bin/clockbench $CLOCK_CALLS"
python_cmd[native]="chroot $B/debian /usr/bin/python3 -c pass"
spawn_cmd[native]="chroot $B/rootfs /bin/spawnbench $SPAWNS /bin/true"
label[airlock]=airlock
label[airlock-exits]="airlock, exits only"
label[native]="native (chroot)"
label[runc]=runc
label[runsc]=runsc

if [[ ! -x $AIRLOCK ]]; then
    status[airlock]="failed: $AIRLOCK not built"
    status[airlock-exits]=${status[airlock]}
fi

# bundle_commands RUNTIME WORDS: each metric's command for an OCI runtime,
# WORDS then the metric's bundle (made below) and a container id.
bundle_commands() {
    local b
    for b in true getppid clock python spawn; do
        declare -n cmd=${b}_cmd
        cmd[$1]="$2 --bundle $B/runc-$b $id-$b"
    done
    unset -n cmd
}

if command -v runc >/dev/null; then
    make_bundle "$B/runc-true" "$B/rootfs" '["/bin/true"]'
    make_bundle "$B/runc-getppid" "$B/rootfs" "[\"/bin/getppid\", \"$CALLS\"]"
    make_bundle "$B/runc-clock" "$B/rootfs" "[\"/bin/clockbench\", \"$CLOCK_CALLS\"]"
    make_bundle "$B/runc-python" "$B/debian" '["/usr/bin/python3", "-c", "pass"]'
    make_bundle "$B/runc-spawn" "$B/rootfs" "[\"/bin/spawnbench\", \"$SPAWNS\", \"/bin/true\"]"
    bundle_commands runc "runc --root $runc_state run"
else
    status[runc]="failed: runc not installed (bench/install-peers.sh)"
fi

if command -v runsc >/dev/null; then
    if platform=$(runsc_platform "--root $runsc_state --network=none" "$B/runc-true" "$id-true"); then
        flags="--root $runsc_state --network=none --platform=$platform"
        label[runsc]="runsc ($platform)"
        bundle_commands runsc "runsc $flags run"
    else
        status[runsc]="failed: $(reason "$B/runsc-probe.err")"
    fi
else
    status[runsc]="failed: runsc not installed (bench/install-peers.sh)"
fi

# --- measurements -----------------------------------------------------------
declare -A true_ms python_ms getppid_ns clock_ns python_cpu_ms spawn_ns
declare -A true_err python_err getppid_err clock_err python_cpu_err spawn_err

# hyper METRIC RT: hyperfine's median of the metric's command, in ms, into
# METRIC_ms[RT]; or the reason into METRIC_err[RT].
hyper() {
    local metric=$1 rt=$2
    declare -n cmds=${metric}_cmd ms=${metric}_ms errs=${metric}_err
    local json=$B/$metric-$rt.json
    echo "bench: $rt: $metric x $RUNS" >&2
    if hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$json" -n "$rt" "${cmds[$rt]}" >/dev/null 2>"$B/$metric-$rt.err"; then
        ms[$rt]=$(jq '.results[0].median * 1000' "$json")
        # CPU time too: a fast wall time may be bought with a busy core.
        [[ $metric != python ]] || python_cpu_ms[$rt]=$(jq '(.results[0].user + .results[0].system) * 1000' "$json")
    else
        errs[$rt]="failed: $(why_failed "${cmds[$rt]}")"
        [[ $metric != python ]] || python_cpu_err[$rt]=${errs[$rt]}
    fi
}

# probe METRIC RT: the median of REPEATS runs' "<ns> ns/call" into
# METRIC_ns[RT]; or the reason into METRIC_err[RT].
probe() {
    local metric=$1 rt=$2 st
    declare -n cmds=${metric}_cmd ns=${metric}_ns errs=${metric}_err
    local out=$B/$metric-$rt.txt
    echo "bench: $rt: $metric x $REPEATS" >&2
    : >"$out"
    for _ in $(seq 1 "$REPEATS"); do
        st=0
        # shellcheck disable=SC2086 # the command is words
        ${cmds[$rt]} >>"$out" 2>"$B/$metric-$rt.err" </dev/null || st=$?
        if ((st != 0)); then
            errs[$rt]="failed: exit $st: $(reason "$B/$metric-$rt.err")"
            return
        fi
    done
    ns[$rt]=$(awk '$2 == "ns/call" { print $1 }' "$out" |
        sort -g | awk '{ v[NR] = $1 } END {
            if (NR == 0) exit 1
            print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }') ||
        errs[$rt]="failed: no 'ns/call' output"
}

for rt in "${runtimes[@]}"; do
    [[ -z ${status[$rt]:-} ]] || continue
    hyper true "$rt"
    probe getppid "$rt"
    probe clock "$rt"
    probe spawn "$rt"
    hyper python "$rt"
done

# --- report -----------------------------------------------------------------
# row METRIC RUNTIME VALUE UNIT BASE ERROR
row() {
    local metric=$1 rt=$2 value=$3 unit=$4 base=$5 err=$6
    if [[ -n $err ]]; then
        printf '%-28s %-18s %s\n' "$metric" "${label[$rt]}" "$err"
        return
    fi
    local ratio=n/a
    if [[ -n $base ]]; then
        ratio=$(awk -v v="$value" -v b="$base" 'BEGIN { printf "%.2fx", (b > 0) ? v / b : 0 }')
    fi
    printf '%-28s %-18s %12.2f %-7s %10s\n' "$metric" "${label[$rt]}" "$value" "$unit" "$ratio"
}

# rows TITLE METRIC UNIT: one row per runtime.
rows() {
    local title=$1 metric=$2 unit=$3 rt
    declare -n vals=${metric}_$unit errs=${metric}_err
    for rt in "${runtimes[@]}"; do
        row "$title" "$rt" "${vals[$rt]:-0}" "$( [[ $unit == ns ]] && echo ns/call || echo ms)" \
            "${vals[airlock]:-}" "${status[$rt]:-${errs[$rt]:-}}"
    done
}

echo
printf '%-28s %-18s %12s %-7s %10s\n' metric runtime median unit "vs airlock"
rows "/bin/true start-to-exit" true ms
rows "python3 -c pass (Debian)" python ms
rows "python3 -c pass CPU (mean)" python_cpu ms
rows "getppid round trip" getppid ns
rows "clock_gettime (vDSO)" clock ns
rows "fork+exec+wait /bin/true" spawn ns
echo
echo "true, python3: hyperfine -N, $RUNS runs after $WARMUP warmup; getppid, clock_gettime:"
echo "median of $REPEATS runs of $CALLS and $CLOCK_CALLS calls."
echo "Ratios are runtime / airlock: below 1.00x is faster than airlock. Raw data: $B/"
if [[ -n ${getppid_ns[airlock]:-} && -n ${getppid_ns[runsc]:-} ]]; then
    awk -v a="${getppid_ns[airlock]}" -v r="${getppid_ns[runsc]}" 'BEGIN {
        printf "getppid round trip under airlock: %.2fx runsc'"'"'s (target: below runsc'"'"'s): %s\n",
            (r > 0) ? a / r : 0, (a < r) ? "met" : "NOT met" }'
fi
if [[ -n ${clock_ns[airlock]:-} && -n ${clock_ns[native]:-} ]]; then
    awk -v a="${clock_ns[airlock]}" -v n="${clock_ns[native]}" 'BEGIN {
        r = (n > 0) ? a / n : 0
        printf "clock_gettime under airlock: %.2fx native (target: at most 2x, through the vDSO): %s\n",
            r, (r <= 2) ? "met" : "NOT met" }'
fi

# --- forking a guest that wrote 1 GiB ----------------------------------------
# forkmem writes 1 GiB, forks and reports the fork's cost; while its child
# sleeps, the child's private memory (what forking it really cost) is read
# from the host. Under airlock the child is the youngest process running it.
fork_memory() {
    local label=$1 out=$B/forkmem-$2.txt
    shift 2
    "$@" >"$out" 2>&1 &
    local bg=$! i
    for i in $(seq 1 200); do
        grep -q '^forked' "$out" && break
        sleep 0.05
    done
    local child private
    child=$(pgrep -n -f "bin/forkmem 1024" || true)
    private=$(awk '/^Private_(Clean|Dirty)/ { kb += $2 } END { print kb + 0 }' \
        "/proc/$child/smaps_rollup" 2>/dev/null || echo "?")
    wait "$bg" || true
    local ns
    ns=$(awk '$2 == "ns/call" { print $1 }' "$out")
    printf '%-28s %-18s %9.2f ms fork, child private memory %s kB\n' "fork of a 1 GiB guest" "$label" \
        "$(awk -v n="${ns:-0}" 'BEGIN { print n / 1e6 }')" "$private"
}
echo
fork_memory airlock airlock "$AIRLOCK" run --rootfs "$B/rootfs" -- /bin/forkmem 1024
fork_memory "native (chroot)" native chroot "$B/rootfs" /bin/forkmem 1024
