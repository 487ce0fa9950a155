# SPDX-License-Identifier: Apache-2.0
# TAP helpers for the bash integration tests (tests/integration/*.t), sourced;
# compare_native runs a command natively and under airlock and diffs the two.
# shellcheck shell=bash

# Environment:
#   AIRLOCK                 airlock binary (default build/airlock)
#   AIRLOCK_TEST_TIMEOUT    seconds one side of a comparison may run (default 60)
#   BUSYBOX_ROOTFS          fixture rootfs (default build/fixtures/busybox)
#   PROBE_DIR               built guest probes (default build/tests/guest)

set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

AIRLOCK=${AIRLOCK:-build/airlock}
# Relative paths are taken from the repo root, like the Makefile's.
[[ $AIRLOCK == /* ]] || AIRLOCK=$REPO_ROOT/$AIRLOCK
BUSYBOX_ROOTFS=${BUSYBOX_ROOTFS:-build/fixtures/busybox}
[[ $BUSYBOX_ROOTFS == /* ]] || BUSYBOX_ROOTFS=$REPO_ROOT/$BUSYBOX_ROOTFS
PROBE_DIR=${PROBE_DIR:-build/tests/guest}
[[ $PROBE_DIR == /* ]] || PROBE_DIR=$REPO_ROOT/$PROBE_DIR
AIRLOCK_TEST_TIMEOUT=${AIRLOCK_TEST_TIMEOUT:-60}

# Host tools for the native side, by absolute path: after `env -i PATH=...`
# a bare name would be looked up in the guest's PATH (which a test may set).
CHROOT=$(PATH=$PATH:/usr/sbin:/sbin command -v chroot)
UNSHARE=$(PATH=$PATH:/usr/sbin:/sbin command -v unshare)

# Everything a test makes goes here and is removed on exit, pass or fail.
# Without TMPDIR, prefer /dev/shm: tests copy the rootfs (hundreds of
# symlinks) many times, and tmpfs makes that cheap. Native runs exec from
# there, so it must not be mounted noexec.
_tap_tmp_base() {
    if [[ -n ${TMPDIR:-} ]]; then
        echo "$TMPDIR"
    elif [[ -d /dev/shm && -w /dev/shm ]] &&
        ! findmnt -n -o OPTIONS -T /dev/shm | tr , '\n' | grep -qx noexec; then
        echo /dev/shm
    else
        echo /tmp
    fi
}
TAP_TMP=$(mktemp -d "$(_tap_tmp_base)/airlock-test.XXXXXX")
_tap_cleanup=("$TAP_TMP")
trap 'rm -rf "${_tap_cleanup[@]}"' EXIT
# Stopped from outside (tests/lib/run-test's time limit): clean up all the same.
trap 'exit 143' TERM

# disk_tmpdir VAR: sets VAR to a new temporary directory outside /dev (tests
# that mount over /dev would hide /dev/shm), removed on exit. Mode 755, so
# other users can use it. (Not for $(...): the cleanup list is ours.)
disk_tmpdir() {
    local base=${TMPDIR:-/tmp} dir
    [[ $base != /dev/* ]] || base=/tmp
    dir=$(mktemp -d "$base/airlock-test.XXXXXX")
    chmod 755 "$dir"
    _tap_cleanup+=("$dir")
    printf -v "$1" '%s' "$dir"
}

# Natively, a child inherits every open fd; under airlock a guest gets only
# 0-2. Close what we inherited (prove's or a CI runner's) so both sides start
# alike. Keep the fd bash reads this script from.
_tap_script=$(readlink -f "$0")
for _fd_path in "/proc/$$/fd/"*; do
    _fd=${_fd_path##*/}
    ((_fd > 2)) || continue
    [[ $(readlink "$_fd_path" 2>/dev/null) == "$_tap_script" ]] && continue
    eval "exec $_fd<&-" 2>/dev/null || true
done
unset _fd _fd_path _tap_script

# Faulting native programs must not leave core files in the rootfs.
ulimit -c 0

_tap_count=0
_tap_failed=0
_tap_planned=

plan() {
    _tap_planned=$1
    echo "1..$1"
}

# One line, and "#" escaped: it would start a TAP directive.
_tap_desc() {
    local d=${1//$'\n'/ }
    d=${d//\\/\\\\}
    printf '%s' "${d//#/\\#}"
}

ok() {
    _tap_count=$((_tap_count + 1))
    echo "ok $_tap_count - $(_tap_desc "$1")"
}

not_ok() {
    _tap_count=$((_tap_count + 1))
    _tap_failed=$((_tap_failed + 1))
    echo "not ok $_tap_count - $(_tap_desc "$1")"
}

# Diagnostics go to stderr so prove shows them without -v.
diag() {
    local line
    for line in "$@"; do
        printf '# %s\n' "$line" >&2
    done
}

# diag each line of a file (or stdin), at most $2 lines.
diag_file() {
    local max=${2:-60}
    head -n "$max" "${1:--}" | sed 's/^/# /' >&2
}

# is GOT WANT DESC
is() {
    if [[ $1 == "$2" ]]; then
        ok "$3"
    else
        not_ok "$3"
        diag "got:  '$1'" "want: '$2'"
    fi
}

# Ends the test: prints the plan if none was given and fails the script if
# any test failed or the count is off.
done_testing() {
    if [[ -z $_tap_planned ]]; then
        echo "1..$_tap_count"
    elif ((_tap_planned != _tap_count)); then
        diag "planned $_tap_planned tests but ran $_tap_count"
        exit 1
    fi
    ((_tap_failed == 0)) || exit 1
    exit 0
}

# The busybox fixture rootfs, built on first use (the script is cached).
fixture_rootfs() {
    bash "$REPO_ROOT/tests/fixtures/busybox-rootfs.sh" "$BUSYBOX_ROOTFS" >&2
    printf '%s\n' "$BUSYBOX_ROOTFS"
}

# probe_path NAME: where the Makefile puts a built guest probe.
probe_path() {
    printf '%s/%s\n' "$PROBE_DIR" "$1"
}

# require_probes NAME...: one failing test per missing probe; returns 1 if any
# is missing. Never a skip: a missing probe is a broken build.
require_probes() {
    local name missing=0
    for name in "$@"; do
        if [[ ! -x $PROBE_DIR/$name ]]; then
            not_ok "probe $name is built"
            diag "$PROBE_DIR/$name missing: build it with make (gcc -static tests/guest/$name.c)"
            missing=1
        fi
    done
    return "$missing"
}

# scratch_rootfs SRC [FILE...]: a fresh private copy of SRC, with each FILE
# copied into its /probe/ directory. Prints the copy's path.
scratch_rootfs() {
    local src=$1
    shift
    local dir
    dir=$(mktemp -d "$TAP_TMP/rootfs.XXXXXX")
    chmod 755 "$dir"
    cp -a "$src/." "$dir/"
    if (($# > 0)); then
        mkdir -p "$dir/probe"
        cp "$@" "$dir/probe/"
    fi
    printf '%s\n' "$dir"
}

# Says up front why every comparison is about to fail, if it is.
check_airlock() {
    if [[ ! -x $AIRLOCK ]]; then
        diag "AIRLOCK=$AIRLOCK is not an executable file: build it first (make)"
    fi
    if ((EUID != 0)); then
        diag "not root: the native side (chroot) will fail; run the tests as root"
    fi
}

# Listing of a tree for comparing what two runs left behind: type, mode,
# links, owner, size (not for directories: that depends on history), mtime
# (shown as "new" if set during the test) and symlink target, then a hash of
# every regular file.
tree_listing() {
    local root=$1 since=$2
    (
        cd "$root"
        find . \( -type d -printf '%y %m %n %U:%G - %T@ %p\n' \) \
            -o -printf '%y %m %n %U:%G %s %T@ %p -> %l\n' |
            awk -v since="$since" '{ t = int($6); $6 = (t >= since) ? "new" : t; print }' |
            LC_ALL=C sort -k7
        find . -type f -exec sha256sum {} + | LC_ALL=C sort -k2
    )
}

# _run_side SIDE ROOTFS OUTDIR CMD...: one run, with the options parsed by
# compare_native (_opt_*). Writes OUTDIR/stdout, OUTDIR/stderr, OUTDIR/status.
_run_side() {
    local side=$1 root=$2 out=$3
    shift 3
    local -a cmd
    if [[ $side == native ]]; then
        # The same environment airlock promises a guest: only PATH and -e.
        cmd=(env -i "PATH=$DEFAULT_PATH" "${_opt_env[@]}")
        if [[ -n $_opt_wd ]]; then
            # chroot(8) always starts in /; unshare with no namespaces
            # chroots and chdirs without adding a process in between.
            cmd+=("$UNSHARE" "--root=$root" "--wd=$_opt_wd" -- "$@")
        else
            cmd+=("$CHROOT" "$root" "$@")
        fi
    else
        cmd=("$AIRLOCK" run --rootfs "$root")
        local kv
        for kv in "${_opt_env[@]}"; do
            cmd+=(-e "$kv")
        done
        [[ -z $_opt_wd ]] || cmd+=(-w "$_opt_wd")
        cmd+=(-- "$@")
    fi
    cmd=(timeout -k 5 "$AIRLOCK_TEST_TIMEOUT" "${cmd[@]}")

    local status=0
    # The outer 2>/dev/null keeps bash's own "Segmentation fault" notices out
    # of the test output; the command's stderr goes to its file.
    if [[ -n $_opt_pipe ]]; then
        # The pipe is on the host side. Compared: the filter's output and
        # status; with -P also the producer's stderr and status (a producer
        # writing into the closed pipe dies by SIGPIPE natively).
        local -a ps
        {
            "${cmd[@]}" <"$_opt_stdin" 2>"$out/stderr" | bash -c "$_opt_pipe" >"$out/stdout"
            ps=("${PIPESTATUS[@]}")
        } 2>/dev/null || true
        if ((_opt_producer)); then
            status="producer=${ps[0]:-?} filter=${ps[1]:-?}"
        else
            status=${ps[1]:-255}
            : >"$out/stderr"
        fi
    else
        { "${cmd[@]}" <"$_opt_stdin" >"$out/stdout" 2>"$out/stderr"; } 2>/dev/null || status=$?
    fi
    echo "$status" >"$out/status"
}

# _diff_into WHAT NATIVE AIRLOCK REPORT: appends a diff to REPORT if the files
# differ, and fails.
_diff_into() {
    local what=$1 a=$2 b=$3 report=$4
    if ! cmp -s "$a" "$b"; then
        echo "$what differs (--- native, +++ airlock):" >>"$report"
        diff -u -a --label native --label airlock "$a" "$b" | head -n 60 >>"$report" || true
        return 1
    fi
}

_compare() {
    local rw=$1
    shift
    _opt_desc='' _opt_stdin=/dev/null _opt_wd='' _opt_pipe='' _opt_producer=0
    _opt_env=()
    local OPTIND=1 opt
    while getopts 'd:i:e:w:p:P:' opt; do
        case $opt in
        d) _opt_desc=$OPTARG ;;
        i) _opt_stdin=$OPTARG ;;
        e) _opt_env+=("$OPTARG") ;;
        w) _opt_wd=$OPTARG ;;
        p) _opt_pipe=$OPTARG ;;
        P)
            _opt_pipe=$OPTARG
            _opt_producer=1
            ;;
        *)
            echo "compare_native: bad option" >&2
            exit 2
            ;;
        esac
    done
    shift $((OPTIND - 1))
    local root=$1
    shift
    local desc=${_opt_desc:-$*}
    if [[ -n $_opt_pipe ]]; then
        desc+=" | $_opt_pipe"
        ((!_opt_producer)) || desc+=" (producer's status and stderr too)"
    fi

    local work native_root airlock_root
    work=$(mktemp -d "$TAP_TMP/cmp.XXXXXX")
    mkdir "$work/native" "$work/airlock"
    if [[ $rw == rw ]]; then
        native_root=$(scratch_rootfs "$root")
        airlock_root=$(scratch_rootfs "$root")
    else
        native_root=$root
        airlock_root=$root
    fi

    # Anything with an mtime from here on is "new" in tree listings.
    local since=$(($(date +%s) - 1))
    _run_side native "$native_root" "$work/native" "$@"
    _run_side airlock "$airlock_root" "$work/airlock" "$@"

    local good=1 report=$work/report
    : >"$report"
    _diff_into stdout "$work/native/stdout" "$work/airlock/stdout" "$report" || good=0
    _diff_into stderr "$work/native/stderr" "$work/airlock/stderr" "$report" || good=0
    local ns as
    ns=$(cat "$work/native/status")
    as=$(cat "$work/airlock/status")
    if [[ $ns != "$as" ]]; then
        echo "exit status differs: native=$ns airlock=$as" >>"$report"
        [[ $as != 124 ]] || echo "airlock timed out after ${AIRLOCK_TEST_TIMEOUT}s" >>"$report"
        good=0
    fi
    if [[ $rw == rw ]]; then
        tree_listing "$native_root" "$since" >"$work/native/tree"
        tree_listing "$airlock_root" "$since" >"$work/airlock/tree"
        _diff_into "resulting rootfs tree" "$work/native/tree" "$work/airlock/tree" "$report" || good=0
        rm -rf "$native_root" "$airlock_root"
    fi

    if ((good)); then
        ok "$desc"
    else
        not_ok "$desc"
        diag "Failed: $desc"
        diag_file "$report" 200
    fi
    rm -rf "$work"
    # For callers that check more (e.g. that a probe worked natively).
    # shellcheck disable=SC2034 # read by the tests
    COMPARE_OK=$good
    # shellcheck disable=SC2034

    COMPARE_NATIVE_STATUS=$ns
}

# compare_native [-d DESC] [-i STDIN] [-e K=V]... [-w DIR] [-p|-P FILTER] ROOTFS CMD [ARG...]
#   Runs CMD natively (env -i PATH=<default> chroot ROOTFS CMD...) and as
#   `$AIRLOCK run --rootfs ROOTFS -- CMD...`, both with the same stdin
#   (default /dev/null); one TAP test that passes only if stdout, stderr and
#   the exit status are byte-for-byte equal. Diffs are printed as diagnostics.
#   -e and -w map to airlock's flags and to the native environment / cwd.
#   -p FILTER pipes stdout through `bash -c FILTER` on the host and compares
#   the filter's output and status instead (e.g. -p 'head -n 3'); -P FILTER
#   does the same and also compares the command's own stderr and status.
#   Always returns 0 (so set -e scripts go on); sets COMPARE_OK=1/0 and
#   COMPARE_NATIVE_STATUS.
compare_native() {
    _compare ro "$@"
}

# compare_native_rw: the same, for commands that write: each side runs in its
# own fresh copy of ROOTFS, and the trees they leave must match too.
compare_native_rw() {
    _compare rw "$@"
}

# no_leftovers MARKER DESC: passes if no process has MARKER in its command
# line (allowing a second for exiting processes to be reaped).
no_leftovers() {
    local marker=$1 desc=$2 _
    for _ in $(seq 1 10); do
        if ! pgrep -f -- "$marker" >/dev/null; then
            ok "$desc"
            return 0
        fi
        sleep 0.1
    done
    not_ok "$desc"
    diag "processes left behind:"
    pgrep -a -f -- "$marker" | diag_file - 20 || true
}

# --- Added for the Linux ABI tests (debian.t, abi.t, signals-external.t) ----

# Environment:
#   DEBIAN_ROOTFS           Debian 12 fixture rootfs (default build/fixtures/debian)
DEBIAN_ROOTFS=${DEBIAN_ROOTFS:-build/fixtures/debian}
[[ $DEBIAN_ROOTFS == /* ]] || DEBIAN_ROOTFS=$REPO_ROOT/$DEBIAN_ROOTFS

# The Debian fixture rootfs (glibc, python3, perl, ...), built on first use
# (debootstrap: about a minute; cached). Fails if it cannot be built; use as
#   R=$(debian_rootfs) || { not_ok "..."; done_testing; }
debian_rootfs() {
    bash "$REPO_ROOT/tests/fixtures/debian-rootfs.sh" "$DEBIAN_ROOTFS" >&2 || return 1
    printf '%s\n' "$DEBIAN_ROOTFS"
}

# compare_native_pair [-d DESC] [-i STDIN] [-e K=V]... [-w DIR] [-p|-P FILTER]
#                     [-t PATH]... [-s SINCE] [-m] NATIVE_ROOT AIRLOCK_ROOT CMD [ARG...]
#   compare_native, but the native side runs in NATIVE_ROOT and the airlock
#   side in AIRLOCK_ROOT: two copies made once (scratch_rootfs) and shared by
#   a series of commands, each seeing what the earlier ones left, so that no
#   command copies a whole rootfs.
#   -t PATH (relative to the roots; repeatable) also compares tree_listing of
#   PATH in the two roots afterwards, as compare_native_rw does for the whole
#   tree ("-t ." for all of it). Modification times from SINCE (seconds
#   since the epoch; default: this comparison's start) on show as "new": for
#   roots shared by several commands, pass the time they were copied, or an
#   earlier command's changes would show as "new" on one side only.
#   -m gives the native side a fresh /proc (unshare --mount --mount-proc: a
#   private mount, gone when the command exits); airlock serves its own. The
#   root needs a /proc directory.
#   Sets COMPARE_OK and COMPARE_NATIVE_STATUS like compare_native.
compare_native_pair() {
    _opt_desc='' _opt_stdin=/dev/null _opt_wd='' _opt_pipe='' _opt_producer=0
    _opt_env=()
    local -a trees=()
    local mount_proc=0 since='' OPTIND=1 opt
    while getopts 'd:i:e:w:p:P:t:s:m' opt; do
        case $opt in
        d) _opt_desc=$OPTARG ;;
        i) _opt_stdin=$OPTARG ;;
        e) _opt_env+=("$OPTARG") ;;
        w) _opt_wd=$OPTARG ;;
        p) _opt_pipe=$OPTARG ;;
        P)
            _opt_pipe=$OPTARG
            _opt_producer=1
            ;;
        t) trees+=("$OPTARG") ;;
        s) since=$OPTARG ;;
        m) mount_proc=1 ;;
        *)
            echo "compare_native_pair: bad option" >&2
            exit 2
            ;;
        esac
    done
    shift $((OPTIND - 1))
    local native_root=$1 airlock_root=$2
    shift 2
    local desc=${_opt_desc:-$*}
    if [[ -n $_opt_pipe ]]; then
        desc+=" | $_opt_pipe"
        ((!_opt_producer)) || desc+=" (producer's status and stderr too)"
    fi

    local work
    work=$(mktemp -d "$TAP_TMP/cmp.XXXXXX")
    mkdir "$work/native" "$work/airlock"
    [[ -n $since ]] || since=$(($(date +%s) - 1))
    if ((mount_proc)); then
        # _run_side runs `$UNSHARE --root=ROOT --wd=DIR CMD` when it has a
        # working directory; this wrapper adds the mount namespace and /proc.
        local wrapper=$TAP_TMP/unshare-mount-proc
        if [[ ! -x $wrapper ]]; then
            printf '#!/bin/sh\nexec %q --mount --mount-proc "$@"\n' "$UNSHARE" >"$wrapper"
            chmod 755 "$wrapper"
        fi
        UNSHARE=$wrapper _opt_wd=${_opt_wd:-/} _run_side native "$native_root" "$work/native" "$@"
    else
        _run_side native "$native_root" "$work/native" "$@"
    fi
    _run_side airlock "$airlock_root" "$work/airlock" "$@"

    local good=1 report=$work/report t
    : >"$report"
    _diff_into stdout "$work/native/stdout" "$work/airlock/stdout" "$report" || good=0
    _diff_into stderr "$work/native/stderr" "$work/airlock/stderr" "$report" || good=0
    local ns as
    ns=$(cat "$work/native/status")
    as=$(cat "$work/airlock/status")
    if [[ $ns != "$as" ]]; then
        echo "exit status differs: native=$ns airlock=$as" >>"$report"
        [[ $as != 124 ]] || echo "airlock timed out after ${AIRLOCK_TEST_TIMEOUT}s" >>"$report"
        good=0
    fi
    for t in "${trees[@]}"; do
        tree_listing "$native_root/$t" "$since" >"$work/native/tree" 2>&1 || true
        tree_listing "$airlock_root/$t" "$since" >"$work/airlock/tree" 2>&1 || true
        _diff_into "tree $t" "$work/native/tree" "$work/airlock/tree" "$report" || good=0
    done

    if ((good)); then
        ok "$desc"
    else
        not_ok "$desc"
        diag "Failed: $desc"
        diag_file "$report" 200
    fi
    rm -rf "$work"
    # shellcheck disable=SC2034 # read by the tests
    COMPARE_OK=$good
    # shellcheck disable=SC2034
    COMPARE_NATIVE_STATUS=$ns
}

# rootfs_fingerprint ROOT: one line that changes if anything in ROOT is
# added, removed, resized, retimed or rechmodded (for checking that tests
# leave a shared fixture as they found it).
rootfs_fingerprint() {
    (cd "$1" && find . -printf '%p %y %s %m %T@\n' | LC_ALL=C sort | sha256sum | cut -d' ' -f1)
}
