#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Signals sent from outside to `airlock run` reach the guest as they reach a
# native process: handlers run (also in a blocking read, or with threads),
# blocked signals wait, ignored ones do nothing, default actions end it with
# 128+N. Python programs in the Debian rootfs, natively (chroot) vs airlock.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
# Natively every case ends in well under a second; one that hangs under
# airlock (waiting for a signal that never arrives) should not cost minutes.
AIRLOCK_TEST_TIMEOUT=${SIGNALS_TEST_TIMEOUT:-20}
if ! R=$(debian_rootfs); then
    not_ok "the Debian fixture builds (tests/fixtures/debian-rootfs.sh)"
    done_testing
fi

# Each program prints "ready 0" once it is set up and "ready K" after it has
# handled its K-th signal; the driver sends signal K+1 only after seeing
# "ready K", so nothing depends on timing.
preamble='
import os, signal, sys, threading, time
def say(*a):
    print(*a, flush=True)
n = 0
def handled(s, f):
    global n
    n += 1
    say("handled", signal.Signals(s).name)
    say("ready", n)
'

# _wait_line FILE LINE PID: waits until FILE has LINE, or PID is gone, or the
# timeout passes. Returns 0 only when the line is there.
_wait_line() {
    local file=$1 line=$2 pid=$3 deadline=$((SECONDS + AIRLOCK_TEST_TIMEOUT))
    while ((SECONDS < deadline)); do
        grep -qxF -- "$line" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { grep -qxF -- "$line" "$file" 2>/dev/null; return; }
        sleep 0.02
    done
    return 1
}

# _signal_run SIDE OUT STEPS PROGRAM: runs `python3 -c PROGRAM` on SIDE (its
# stdin a fifo the driver holds open) and takes the steps of STEPS (words)
# in order, each once the program has printed "ready K" (K: the signals
# counted so far):
#   SIG    sends SIG (kill -s) and counts it: the next step waits for K+1
#   SIG~   sends SIG without counting it (no reply expected), waits 0.3s
#   +TEXT  writes TEXT and a newline to the program's stdin
#   .      closes the program's stdin
# then waits for the program to end. Writes OUT/stdout, OUT/stderr and
# OUT/status ("timeout" if it did not end in time).
_signal_run() {
    local side=$1 out=$2 steps=$3 prog=$4
    local -a cmd
    if [[ $side == native ]]; then
        # env resets every signal to its default action: bash starts
        # background jobs with SIGINT and SIGQUIT ignored.
        cmd=(env -i --default-signal "PATH=$DEFAULT_PATH" "$CHROOT" "$R" python3 -c "$preamble$prog")
    else
        cmd=(env --default-signal "$AIRLOCK" run --rootfs "$R" -- python3 -c "$preamble$prog")
    fi
    local fifo=$out/stdin k=0 step pid fd status
    mkfifo "$fifo"
    # Read-write: opening does not block, and the program sees EOF only
    # once this end is closed.
    exec {fd}<>"$fifo"
    "${cmd[@]}" "$marker" <"$fifo" >"$out/stdout" 2>"$out/stderr" {fd}>&- &
    pid=$!
    for step in $steps; do
        if ! _wait_line "$out/stdout" "ready $k" "$pid"; then
            echo "never printed 'ready $k'" >>"$out/stderr"
            break
        fi
        case $step in
        .)
            exec {fd}>&-
            ;;
        +*)
            printf '%s\n' "${step#+}" >&"$fd"
            ;;
        *)
            kill -s "${step%\~}" "$pid" 2>/dev/null || true
            if [[ $step == *~ ]]; then
                sleep 0.3
            else
                k=$((k + 1))
            fi
            ;;
        esac
    done
    [[ ! -e /dev/fd/$fd ]] || exec {fd}>&-
    local deadline=$((SECONDS + AIRLOCK_TEST_TIMEOUT))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
        sleep 0.02
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        status=timeout
    else
        status=0
        wait "$pid" 2>/dev/null || status=$?
    fi
    echo "$status" >"$out/status"
}

# signal_case DESC WANT_STATUS STEPS PROGRAM: one TAP test comparing the two
# sides, and one checking the native status (so that a case cannot pass
# with both sides broken alike).
signal_case() {
    local desc=$1 want=$2 steps=$3 prog=$4 work side good=1
    work=$(mktemp -d "$TAP_TMP/sig.XXXXXX")
    for side in native airlock; do
        mkdir "$work/$side"
        # bash's own "Terminated"-style job notices go to the log, not the TAP.
        _signal_run "$side" "$work/$side" "$steps" "$prog" 2>>"$work/$side/driver.log"
    done
    local report=$work/report
    : >"$report"
    _diff_into stdout "$work/native/stdout" "$work/airlock/stdout" "$report" || good=0
    _diff_into stderr "$work/native/stderr" "$work/airlock/stderr" "$report" || good=0
    local ns as
    ns=$(cat "$work/native/status")
    as=$(cat "$work/airlock/status")
    if [[ $ns != "$as" ]]; then
        echo "exit status differs: native=$ns airlock=$as" >>"$report"
        good=0
    fi
    if ((good)); then
        ok "$desc"
    else
        not_ok "$desc"
        diag "Failed: $desc"
        diag_file "$report" 80
    fi
    is "$ns" "$want" "$desc: status $want natively"
    rm -rf "$work"
}

# In every guest's command line (as sys.argv[1]), for finding leftovers.
marker=airlock-signals-external-$$

wait_forever='
while True:
    time.sleep(60)
'

# --- handlers ---------------------------------------------------------------
signal_case "SIGTERM handler prints and exits 7" 7 "TERM" '
def term(s, f):
    say("got SIGTERM")
    sys.exit(7)
signal.signal(signal.SIGTERM, term)
say("ready 0")
'"$wait_forever"

signal_case "SIGUSR1 twice, then SIGHUP handler exits 3" 3 "USR1 USR1 HUP" '
signal.signal(signal.SIGUSR1, handled)
def hup(s, f):
    say("got SIGHUP after", n)
    sys.exit(3)
signal.signal(signal.SIGHUP, hup)
say("ready 0")
'"$wait_forever"

signal_case "SIGINT with Python's default handler: KeyboardInterrupt" 130 "INT" '
say("ready 0")
time.sleep(60)
'

signal_case "SIGUSR2 handled during a blocking read of stdin, the read goes on" 0 "USR2 +hello ." '
signal.signal(signal.SIGUSR2, handled)
say("ready 0")
data = sys.stdin.read()
say("read", repr(data))
'

signal_case "blocked SIGUSR1 stays pending until unblocked" 0 "USR1~" '
signal.signal(signal.SIGUSR1, handled)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
say("ready 0")
deadline = time.monotonic() + 30
while signal.SIGUSR1 not in signal.sigpending() and time.monotonic() < deadline:
    time.sleep(0.01)
say("pending", sorted(s.name for s in signal.sigpending()))
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
say("after unblock n =", n)
'

signal_case "blocked SIGTERM does not kill; sigwait takes it" 0 "TERM~" '
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
say("ready 0")
sig = signal.sigwait({signal.SIGTERM})
say("sigwait got", sig.name)
'

signal_case "SIGTERM handler while other threads sleep" 5 "TERM" '
stop = threading.Event()
def worker():
    while not stop.is_set():
        time.sleep(0.01)
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
def term(s, f):
    say("got SIGTERM in the main thread:", threading.current_thread() is threading.main_thread())
    stop.set()
signal.signal(signal.SIGTERM, term)
say("ready 0")
for t in threads:
    t.join()
say("workers joined")
sys.exit(5)
'

signal_case "SIGCONT handler runs after SIGSTOP" 0 "STOP~ CONT" '
def cont(s, f):
    say("got SIGCONT")
    sys.exit(0)
signal.signal(signal.SIGCONT, cont)
say("ready 0")
'"$wait_forever"

signal_case "SIG_IGN and default-ignored signals do nothing" 0 "USR1~ WINCH~ CHLD~ URG~ TERM" '
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
def term(s, f):
    say("got SIGTERM, still alive")
    sys.exit(0)
signal.signal(signal.SIGTERM, term)
say("ready 0")
'"$wait_forever"

signal_case "SIGALRM from inside and SIGUSR1 from outside, both handled" 0 "USR1" '
got = []
signal.signal(signal.SIGALRM, lambda s, f: got.append("SIGALRM"))
signal.signal(signal.SIGUSR1, lambda s, f: got.append("SIGUSR1"))
signal.setitimer(signal.ITIMER_REAL, 0.05)
while "SIGALRM" not in got:
    time.sleep(0.01)
say("ready 0")
while "SIGUSR1" not in got:
    time.sleep(0.01)
say("handled", got)
'

# --- default actions --------------------------------------------------------
for sig in TERM:143 INT:130 HUP:129 USR1:138 QUIT:131 ALRM:142 KILL:137; do
    name=${sig%%:*}
    want=${sig#*:}
    signal_case "SIG$name with no Python handler: status $want" "$want" "$name" '
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, signal.SIG_DFL)
say("ready 0")
'"$wait_forever"
done

no_leftovers "$marker" "no guest or airlock process left behind"

done_testing
