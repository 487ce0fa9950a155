#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# airlock's own errors: each bad input must give the documented exit status
# (127, 126, 125) and exactly one stderr line "airlock: <what>: <why>".

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock

# A scratch rootfs with the bad programs in /bad.
R=$(scratch_rootfs "$FIXTURE")
mkdir -p "$R/bad/dir"
printf 'just some text\n' >"$R/bad/text"
chmod 755 "$R/bad/text"
printf '#!/bin/sh\necho hi\n' >"$R/bad/script"
chmod 644 "$R/bad/script"
: >"$R/bad/empty"
chmod 755 "$R/bad/empty"
printf '\177ELF' >"$R/bad/truncated"
chmod 755 "$R/bad/truncated"
cp "$R/bin/busybox" "$R/bad/noexec-elf"
chmod 644 "$R/bad/noexec-elf"

# A 32-bit x86 ELF: built if gcc has multilib, else handcrafted (header,
# one PT_LOAD, and code for exit(0) via int 0x80).
if ! printf 'int main(void) { return 0; }\n' |
    gcc -m32 -static -x c - -o "$R/bad/elf32" 2>/dev/null; then
    {
        # e_ident: ELFCLASS32, little endian, version 1
        printf '\177ELF\001\001\001\000\000\000\000\000\000\000\000\000'
        # e_type EXEC, e_machine 386, e_version, e_entry 0x08048054,
        # e_phoff 52, e_shoff 0, e_flags 0
        printf '\002\000\003\000\001\000\000\000\124\200\004\010\064\000\000\000'
        printf '\000\000\000\000\000\000\000\000'
        # e_ehsize 52, e_phentsize 32, e_phnum 1, no sections
        printf '\064\000\040\000\001\000\000\000\000\000\000\000'
        # PT_LOAD: offset 0, vaddr = paddr 0x08048000, filesz = memsz 93, R+X
        printf '\001\000\000\000\000\000\000\000\000\200\004\010\000\200\004\010'
        printf '\135\000\000\000\135\000\000\000\005\000\000\000\000\020\000\000'
        # mov $1, %eax; xor %ebx, %ebx; int $0x80
        printf '\270\001\000\000\000\061\333\315\200'
    } >"$R/bad/elf32"
fi
chmod 755 "$R/bad/elf32"

# A 64-bit ELF for another architecture (aarch64): right class, wrong machine.
{
    printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
    # e_type EXEC, e_machine 183 (AArch64), e_version 1, e_entry 0x400078
    printf '\002\000\267\000\001\000\000\000\170\000\100\000\000\000\000\000'
    # e_phoff 64, e_shoff 0
    printf '\100\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000'
    # e_flags 0, e_ehsize 64, e_phentsize 56, e_phnum 1, no sections
    printf '\000\000\000\000\100\000\070\000\001\000\000\000\000\000\000\000'
    # PT_LOAD R+X, offset 0, vaddr = paddr 0x400000, filesz = memsz 136, align 4K
    printf '\001\000\000\000\005\000\000\000\000\000\000\000\000\000\000\000'
    printf '\000\000\100\000\000\000\000\000\000\000\100\000\000\000\000\000'
    printf '\210\000\000\000\000\000\000\000\210\000\000\000\000\000\000\000'
    printf '\000\020\000\000\000\000\000\000'
    # mov x0, #0; mov x8, #93; svc #0
    printf '\000\000\200\322\250\013\200\322\001\000\000\324\000\000\000\000'
} >"$R/bad/aarch64"
chmod 755 "$R/bad/aarch64"

# expect_error DESC STATUS [-u] [-m ERE]... -- CMD...
#   -u: a usage error: only the "airlock: " prefix is required, not the
#       "<what>: <why>" shape. -m: the stderr line must match ERE (case
#       insensitive). One TAP test.
expect_error() {
    local desc=$1 want=$2
    shift 2
    local usage=0
    local -a patterns=()
    while [[ $1 != -- ]]; do
        case $1 in
        -u) usage=1 ;;
        -m)
            patterns+=("$2")
            shift
            ;;
        esac
        shift
    done
    shift

    local out=$TAP_TMP/err.out err=$TAP_TMP/err.err status=0
    { timeout -k 5 "$AIRLOCK_TEST_TIMEOUT" "$@" </dev/null >"$out" 2>"$err"; } 2>/dev/null || status=$?

    local -a why=()
    [[ $status == "$want" ]] || why+=("exit status $status, want $want")
    [[ ! -s $out ]] || why+=("stdout is not empty")
    local lines
    lines=$(wc -l <"$err")
    # A final line without "\n" still counts as a line.
    [[ ! -s $err || $(tail -c 1 "$err" | od -An -c | tr -d ' ') == '\n' ]] || lines=$((lines + 1))
    [[ $lines == 1 ]] || why+=("stderr has $lines lines, want exactly 1")
    local first
    first=$(head -n 1 "$err")
    if ((usage)); then
        [[ $first == "airlock: "* ]] || why+=("stderr does not start with 'airlock: '")
    else
        grep -qE '^airlock: .+: .+' <<<"$first" ||
            why+=("stderr is not 'airlock: <what>: <why>'")
    fi
    local p
    for p in "${patterns[@]}"; do
        grep -qiE -- "$p" <<<"$first" || why+=("stderr does not match /$p/")
    done

    if ((${#why[@]} == 0)); then
        ok "$desc"
    else
        not_ok "$desc"
        diag "Failed: $desc" "command: $*" "${why[@]}" "stdout:"
        diag_file "$out" 10
        diag "stderr:"
        diag_file "$err" 10
    fi
}

run_ok() {
    local desc=$1 want=$2
    shift 2
    local status=0
    { timeout -k 5 "$AIRLOCK_TEST_TIMEOUT" "$@" </dev/null >"$TAP_TMP/ok.out" 2>"$TAP_TMP/ok.err"; } 2>/dev/null || status=$?
    if [[ $status == "$want" && ! -s $TAP_TMP/ok.err ]]; then
        ok "$desc"
    else
        not_ok "$desc"
        diag "Failed: $desc" "command: $*" "exit status $status, want $want; stderr:"
        diag_file "$TAP_TMP/ok.err" 10
    fi
}

A=$AIRLOCK

# Baseline: the same rootfs works, so the failures below are about the input.
run_ok "sanity: true runs" 0 "$A" run --rootfs "$R" -- /bin/true
run_ok "sanity: false gives 1" 1 "$A" run --rootfs "$R" -- false

# 127: something is missing.
expect_error "missing rootfs" 127 -m '/nonexistent-rootfs' -- \
    "$A" run --rootfs /nonexistent-rootfs -- /bin/true
expect_error "missing program (absolute)" 127 -m 'no-such-program' -- \
    "$A" run --rootfs "$R" -- /bin/no-such-program
expect_error "missing program (PATH lookup)" 127 -m 'no-such-program' -- \
    "$A" run --rootfs "$R" -- no-such-program
expect_error "missing program directory" 127 -- \
    "$A" run --rootfs "$R" -- /no/such/dir/prog
expect_error "program resolved inside the rootfs, not on the host" 127 -- \
    "$A" run --rootfs "$R" -- /usr/bin/env

# 126: there, but not something airlock can run.
expect_error "non-ELF file without exec bit (/etc/passwd)" 126 -m '/etc/passwd' -- \
    "$A" run --rootfs "$R" -- /etc/passwd
expect_error "non-ELF text file with exec bit" 126 -- \
    "$A" run --rootfs "$R" -- /bad/text
expect_error "shell script without exec permission" 126 -- \
    "$A" run --rootfs "$R" -- /bad/script
expect_error "empty file" 126 -- \
    "$A" run --rootfs "$R" -- /bad/empty
expect_error "truncated ELF header" 126 -- \
    "$A" run --rootfs "$R" -- /bad/truncated
expect_error "32-bit x86 ELF" 126 -- \
    "$A" run --rootfs "$R" -- /bad/elf32
expect_error "aarch64 ELF" 126 -- \
    "$A" run --rootfs "$R" -- /bad/aarch64
expect_error "ELF without exec permission" 126 -- \
    "$A" run --rootfs "$R" -- /bad/noexec-elf
expect_error "directory as program" 126 -- \
    "$A" run --rootfs "$R" -- /bad/dir

# 125: usage errors, runc/docker style.
expect_error "no arguments" 125 -u -- "$A"
expect_error "unknown command" 125 -u -- "$A" frobnicate
expect_error "unknown flag" 125 -u -m 'bogus' -- "$A" run --bogus --rootfs "$R" -- /bin/true
expect_error "run without --rootfs" 125 -u -- "$A" run -- /bin/true
expect_error "run without a program" 125 -u -- "$A" run --rootfs "$R"
expect_error "run without a program after --" 125 -u -- "$A" run --rootfs "$R" --
expect_error "--rootfs without a value" 125 -u -- "$A" run --rootfs
expect_error "-e without a value" 125 -u -- "$A" run --rootfs "$R" -e
expect_error "-w without a value" 125 -u -- "$A" run --rootfs "$R" -w

# 125: /dev/kvm missing or not usable. A private mount namespace gets a /dev
# of our own making, so this does not depend on the host's /dev.
fake_dev='mount -t tmpfs -o mode=755 tmpfs /dev &&
    mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
    mknod -m 666 /dev/tty c 5 0'
expect_error "/dev/kvm absent" 125 -m '/dev/kvm' -- \
    unshare -m bash -c "$fake_dev"' && exec "$@"' _ \
    "$A" run --rootfs "$FIXTURE" -- /bin/true

# As nobody, with a root-only /dev/kvm. Everything it needs must be readable
# by nobody: a copy of the binary and a world-readable rootfs, both outside
# /dev (which the new mount hides) and outside the repo (whose parents may be
# closed to other users).
pub=
disk_tmpdir pub
cp "$A" "$pub/airlock" 2>/dev/null || true
PUB_ROOT=$pub/rootfs
cp -a "$FIXTURE" "$PUB_ROOT"
chmod -R a+rX "$PUB_ROOT"
expect_error "/dev/kvm not permitted (as nobody)" 125 -m '/dev/kvm' -m 'permi' -- \
    unshare -m bash -c "$fake_dev"' && mknod -m 600 /dev/kvm c 10 232 && exec "$@"' _ \
    setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$pub/airlock" run --rootfs "$PUB_ROOT" -- /bin/true

done_testing
