#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The PVM system-call gate (monitor/fastcall.h): calls answered through
# shared memory and calls through VM exits leave the registers and flags
# exactly as Linux does; the shared-memory path really carries the calls;
# and a program attacking the gate's shared memory cannot crash or hang the
# monitor.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
require_probes sysregs sysregs-pie getppid gatefuzz || done_testing
R=$(scratch_rootfs "$FIXTURE" "$(probe_path sysregs)" "$(probe_path sysregs-pie)" \
    "$(probe_path getppid)" "$(probe_path gatefuzz)")

# Registers after SYSCALL, on each path through the gate, both ways; the
# musl build goes through musl's loader and its own syscall wrappers.
probes=(sysregs sysregs-pie)
if require_probes sysregs-musl && [[ -f /lib/ld-musl-x86_64.so.1 ]]; then
    cp "$(probe_path sysregs-musl)" "$R/probe/"
    mkdir -p "$R/lib" && cp /lib/ld-musl-x86_64.so.1 "$R/lib/"
    probes+=(sysregs-musl)
else
    not_ok "sysregs-musl and musl's loader (scripts/install-deps.sh)"
fi
for probe in "${probes[@]}"; do
    compare_native -d "$probe (shared memory where it can)" "$R" "/probe/$probe"
    AIRLOCK_FASTCALL=0 compare_native -d "$probe (VM exits only)" "$R" "/probe/$probe"
done

# Which path the calls took, from the monitor's own count (AIRLOCK_STATS).
stats() {
    timeout -k 5 60 "$AIRLOCK" run --rootfs "$R" -- /probe/getppid 20000 2>&1 >/dev/null |
        sed -n 's/^airlock: system calls: \([0-9]*\) through shared memory, \([0-9]*\) through VM exits$/\1 \2/p'
}
read -r shared exits < <(AIRLOCK_STATS=1 stats)
if [[ -n $shared ]] && ((shared + exits >= 20000 && shared > 0)); then
    ok "getppid loop: $shared calls through shared memory, $exits through exits"
else
    not_ok "getppid loop: shared-memory path used (got '${shared:-} ${exits:-}')"
fi
read -r shared exits < <(AIRLOCK_STATS=1 AIRLOCK_FASTCALL=0 stats)
is "${shared:-}:$((${exits:-0} >= 20000))" "0:1" "AIRLOCK_FASTCALL=0: every call through an exit"

# The gate's place, from the layout the monitor uses.
layout=$REPO_ROOT/src/vm/layout.h
abi=$REPO_ROOT/src/guest/gate_abi.h
boxes=$(sed -n 's/^#define USER_VA_END \(0x[0-9a-f]*\)ULL.*/\1/p' "$layout")
boxes_len=$(sed -n 's/^#define GATE_BOXES_BELOW \(0x[0-9a-f]*\).*/\1/p' "$abi")
gate=$(printf '%#x' $((boxes + boxes_len)))

# run_hostile DESC ARGS...: airlock must end by itself, with the guest's status.
run_hostile() {
    local desc=$1 out status
    shift
    out=$(python3 - "$AIRLOCK" "$R" "$@" <<'EOF'
import subprocess, sys
airlock, root, args = sys.argv[1], sys.argv[2], sys.argv[3:]
try:
    r = subprocess.run([airlock, "run", "--rootfs", root, "--", "/probe/gatefuzz"] + args,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=30)
    monitor_error = any(l.startswith(b"airlock:") and b"monitor" in l for l in r.stderr.splitlines())
    print(r.returncode, "monitor-error" if monitor_error else "clean")
except subprocess.TimeoutExpired:
    print("hung")
EOF
    )
    read -r status verdict <<<"$out"
    # A negative code is airlock itself killed by a signal; 125 its own failure.
    if [[ $status =~ ^[0-9]+$ ]] && ((status != 125)) && [[ $verdict == clean ]]; then
        ok "$desc: ended with the guest's status $status"
    else
        not_ok "$desc: $out"
    fi
}

run_hostile "scribbling over every box while calling" scribble "$boxes" "$boxes_len"
# Into every instruction boundary and byte of the shared code, then a few stubs.
for offset in $(seq 0 2 190) 384 416 $((384 + 32 * 255)) $((384 + 32 * 255 + 7)); do
    run_hostile "jump into the gate at +$offset" jump "$gate" "$offset"
done

done_testing
