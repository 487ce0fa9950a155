#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Job control on a terminal (issue 4): interactive shells (bash, dash,
# busybox sh) on a pseudo-terminal, natively (chroot) and under airlock,
# typed the same keys: background jobs and Done, Ctrl-Z (SIGTSTP) and
# Stopped, $? of 128 + the stop signal, jobs, fg (SIGCONT), Ctrl-C, bg of a
# job that reads the terminal (SIGTTIN stops it), a background write with
# `stty tostop` (SIGTTOU), kill -KILL %1, exit. The transcripts must be equal
# once pids are masked. tests/lib/pty-dialog.py types only after seeing
# the output it waits for, so nothing depends on timing (the background job
# is killed with SIGKILL: a shell's child ignores SIGTERM, as the
# interactive shell does, until it has reset its signals).

# Single quotes are meant: the guest's shell expands, not the host's.
# shellcheck disable=SC2016
# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
# A wait that is not met ends the dialog: a hang costs this, not minutes.
WAIT_S=${JOBCONTROL_WAIT_TIMEOUT:-20}
if ! R=$(debian_rootfs); then
    not_ok "the Debian fixture builds (tests/fixtures/debian-rootfs.sh)"
    done_testing
fi
DIALOG=$REPO_ROOT/tests/lib/pty-dialog.py

# The fixture is shared: nothing may write a history file into it.
ENV=(TERM=dumb 'PS1=$ ' HISTFILE=)

# The foreground program prints a marker the command line itself does not
# contain ("rea""dy"), then copies what is typed with a prefix, so that a
# wait can tell the program's output from the terminal's echo.
PROG='sh -c '\''echo "rea""dy"; exec sed -u s/^/got:/'\'''
steps=$TAP_TMP/steps
cat >"$steps" <<STEPS
wait \$ 
send sleep 0.2 &\n
wait \$ 
send wait; echo waited\n
wait waited
wait \$ 
send $PROG\n
wait ready\r\n
send hello\n
wait got:hello\r\n
send \x1a
wait \$ 
send echo status \$?\n
wait status
wait \$ 
send jobs\n
wait \$ 
send fg\n
wait exec sed
send again\n
wait got:again\r\n
send \x03
wait \$ 
send echo status \$?\n
wait status
wait \$ 
send $PROG\n
wait ready\r\n
send \x1a
wait \$ 
send bg; wait %1; echo status \$?\n
wait status
wait \$ 
send jobs\n
wait \$ 
send fg\n
wait exec sed
send more\n
wait got:more\r\n
send \x03
wait \$ 
send stty tostop; sh -c 'echo written' & wait %1; echo status \$?\n
wait status
wait \$ 
send jobs; stty -tostop; fg\n
wait written
wait \$ 
send sleep 30 &\n
wait \$ 
send kill -KILL %1; wait; echo waited\n
wait waited
wait \$ 
send exit\n
STEPS

# Pids differ (airlock's are the container's); busybox asks the terminal
# where its cursor is (ESC [6n), which nobody answers here; bash warns when
# `wait %1` finds the job already stopped (SIGTTIN came first), a race
# natively too. Whether a shell reports the killed `sleep 30` ("[1]+
# Killed  sleep 30") depends on whether its SIGCHLD came before `wait`
# reaped the job, natively too: that line goes from both transcripts (the
# kill is seen by `wait` returning, and `echo waited` after it).
normalize() {
    tr -d '\r' | sed -e 's/^\[\([0-9]*\)\] [0-9][0-9]*$/[\1] PID/' -e 's/\x1b\[6n//g' \
        -e '/wait_for_job: job [0-9]* is stopped$/d' -e '/^\[[0-9]*\] *+\{0,1\} *Killed  *sleep 30$/d'
}

# dialog SIDE OUT SHELL...: the dialog with SHELL on SIDE, normalized into OUT.
dialog() {
    local side=$1 out=$2
    shift 2
    local -a cmd
    if [[ $side == native ]]; then
        cmd=(env -i "PATH=$DEFAULT_PATH" "${ENV[@]}" "$CHROOT" "$R" "$@")
    else
        cmd=("$AIRLOCK" run --rootfs "$R")
        local kv
        for kv in "${ENV[@]}"; do
            cmd+=(-e "$kv")
        done
        cmd+=(-- "$@")
    fi
    python3 "$DIALOG" "$steps" "$WAIT_S" -- "${cmd[@]}" 2>&1 | normalize >"$out"
}

shell_case() {
    local name=$1
    shift
    local n=$TAP_TMP/$name.native a=$TAP_TMP/$name.airlock
    dialog native "$n" "$@"
    dialog airlock "$a" "$@"
    # The native side must have done job control, or equal output proves nothing.
    if grep -q '^status 148$' "$n" && grep -q '^status 149$' "$n" && grep -q '^status 150$' "$n" &&
        grep -q 'Stopped' "$n" && grep -q '^\[exit 0\]$' "$n"; then
        ok "$name: the native dialog stops and resumes jobs"
    else
        not_ok "$name: the native dialog stops and resumes jobs"
        diag_file "$n" 80
    fi
    if cmp -s "$n" "$a"; then
        ok "$name: same transcript under airlock"
    else
        not_ok "$name: same transcript under airlock"
        diff -u -a --label native --label airlock "$n" "$a" | diag_file - 80 || true
    fi
}

shell_case bash /bin/bash --norc --noprofile -i
shell_case dash /bin/dash -i
shell_case "busybox sh" /bin/busybox sh -i

# pid 1 leads a process group of its own, in the terminal's foreground (the
# shell found it so: it did not have to take it), as a shell a terminal starts.
cat >"$steps" <<'STEPS'
wait $ 
send python3 -c 'import os; p = os.getppid(); print("shell", p, "group", os.getpgid(p))'\n
wait group 
wait $ 
send exit\n
STEPS
python3 "$DIALOG" "$steps" "$WAIT_S" -- "$AIRLOCK" run --rootfs "$R" -e TERM=dumb -e 'PS1=$ ' -e HISTFILE= \
    -- /bin/bash --norc --noprofile -i 2>&1 | normalize >"$TAP_TMP/pgrp"
if grep -qx 'shell 1 group 1' "$TAP_TMP/pgrp"; then
    ok "pid 1 is its own process group, in the terminal's foreground"
else
    not_ok "pid 1 is its own process group, in the terminal's foreground"
    diag_file "$TAP_TMP/pgrp"
fi

# (The fixture is shared and its /dev/tty's times change with every use:
# what the shells could have written is their history.)
leftover=$(find "$R/root" -maxdepth 1 -name '.*history' -newer "$steps")
is "$leftover" "" "no shell history written into the shared fixture"
done_testing
