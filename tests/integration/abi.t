#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/guest/abi (threads, futexes, TLS, signals with siginfo and ucontext,
# sigaltstack, timers, timerfd/eventfd, the vDSO, shared file mappings,
# poll/select/epoll, scheduling) section by section, and tests/guest/badptr2 (bad
# pointers for those calls), natively vs under airlock: static, static-PIE,
# dynamic in the Debian rootfs (it needs glibc's shared libraries), and
# dynamic against musl.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
# Natively every section takes under two seconds; a section that hangs
# should cost half a minute, not the default minute, per build.
AIRLOCK_TEST_TIMEOUT=${ABI_TEST_TIMEOUT:-30}
require_probes abi abi-pie badptr2 badptr2-pie || done_testing

# The sections, from the probe itself: "NAME" runs in `abi all` too, "NAME
# (alone)" ends the process its own way and is run only alone.
sections=()
alone=()
while read -r name extra; do
    if [[ -n $extra ]]; then
        alone+=("$name")
    else
        sections+=("$name")
    fi
done < <("$(probe_path abi)" list)
is "${#sections[@]}:${#alone[@]}" "19:6" "abi list: 19 sections, 6 run alone"

# The exit status Linux gives each alone section (checked natively, so that
# none can pass with both sides broken the same way).
declare -A alone_status=(
    [lowmem]=0 [threadexit]=33 [mainexit]=0 [exitgroup]=5 [threadfault]=139 [threadabort]=134
)

# run_sections ROOT PROBE: every section alone, then `all`.
run_sections() {
    local root=$1 probe=$2 s want
    for s in "${sections[@]}" "${alone[@]}"; do
        want=${alone_status[$s]:-0}
        compare_native -d "$probe $s" "$root" "/probe/$probe" "$s"
        is "$COMPARE_NATIVE_STATUS" "$want" "$probe $s: status $want natively"
    done
    compare_native -d "$probe all" "$root" "/probe/$probe" all
    is "$COMPARE_NATIVE_STATUS" 0 "$probe all: status 0 natively"
}

# The faults section maps the probe's own file (SIGBUS past its end); no
# section writes, so one copy serves every run.
R=$(scratch_rootfs "$FIXTURE" "$(probe_path abi)" "$(probe_path abi-pie)")
run_sections "$R" abi
run_sections "$R" abi-pie

# The dynamic build runs in the Debian rootfs, with its ld.so and libc.
if require_probes abi-dyn; then
    if LC_ALL=C grep -q -a 'ld-linux-x86-64\.so\.2' "$(probe_path abi-dyn)"; then
        ok "abi-dyn is a dynamic executable"
    else
        not_ok "abi-dyn is a dynamic executable"
        diag "$(probe_path abi-dyn) names no ELF interpreter: build it without -static"
    fi
    if D=$(debian_rootfs); then
        RD=$(scratch_rootfs "$D" "$(probe_path abi-dyn)")
        run_sections "$RD" abi-dyn
        # The guest's wall clock is the host's: bracketed by two host reads.
        before=$(date +%s%N)
        guest=$("$AIRLOCK" run --rootfs "$RD" -- /bin/date +%s%N)
        after=$(date +%s%N)
        if ((before <= guest && guest <= after)); then
            ok "guest date +%s%N lies between the host's before and after"
        else
            not_ok "guest date +%s%N ($guest) lies between the host's $before and $after"
        fi
        rm -rf "$RD"
    else
        not_ok "the Debian fixture builds (tests/fixtures/debian-rootfs.sh)"
    fi
fi

# The musl build: musl's own loader (PT_INTERP) and libc, from the host's musl package.
if require_probes abi-musl; then
    musl_loader=/lib/ld-musl-x86_64.so.1
    if LC_ALL=C grep -q -a 'ld-musl-x86_64\.so\.1' "$(probe_path abi-musl)" && [[ -f $musl_loader ]]; then
        ok "abi-musl names musl's loader as its interpreter"
        RM=$(scratch_rootfs "$FIXTURE" "$(probe_path abi-musl)")
        mkdir -p "$RM/lib" && cp "$musl_loader" "$RM/lib/"
        run_sections "$RM" abi-musl
        rm -rf "$RM"
    else
        not_ok "abi-musl is a musl dynamic executable and $musl_loader exists (scripts/install-deps.sh)"
    fi
fi

# badptr2: each run in two fresh copies (it writes under /tmp), the whole
# trees compared; the native side gets a /proc for readlink /proc/self/exe.
AIRLOCK_TEST_TIMEOUT=60
for probe in badptr2 badptr2-pie; do
    Bn=$(scratch_rootfs "$FIXTURE" "$(probe_path "$probe")")
    Ba=$(scratch_rootfs "$FIXTURE" "$(probe_path "$probe")")
    mkdir -p "$Bn/proc" "$Ba/proc"
    compare_native_pair -m -t . -d "$probe: results natively and under airlock" "$Bn" "$Ba" "/probe/$probe"
    is "$COMPARE_NATIVE_STATUS" 0 "$probe exits 0 natively"
    rm -rf "$Bn" "$Ba"
done

done_testing
