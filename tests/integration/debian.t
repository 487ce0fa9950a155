#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Dynamic programs of a Debian 12 rootfs (coreutils, dash, busybox, python3,
# perl, lua, sqlite3, xz, gzip, tar, jq, bc) natively (chroot) vs under
# airlock: stdout, stderr, status and, for commands that write, the files
# they leave. Each case runs one process: nothing here forks or execs.

# Single quotes are meant: the guest expands, not the host.
# shellcheck disable=SC2016
# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

check_airlock
if ! R=$(debian_rootfs); then
    not_ok "the Debian fixture builds (tests/fixtures/debian-rootfs.sh)"
    done_testing
fi
S=$REPO_ROOT/tests/fixtures/debian-scripts
# Read-only cases run in the shared fixture itself; this checks at the end
# that none of them (natively or not) changed it.
fingerprint=$(rootfs_fingerprint "$R")

# Stdin files (the same file feeds both sides).
in_words=$TAP_TMP/words.in
printf 'hello world\nHello  Again\nlast   line\n' >"$in_words"
in_pi=$TAP_TMP/pi.in
printf 'scale=50; 4*a(1)\n' >"$in_pi"
in_div0=$TAP_TMP/div0.in
printf '1/0\n' >"$in_div0"

# --- coreutils --------------------------------------------------------------
compare_native "$R" ls -la --color=never /data
compare_native "$R" ls -la --color=never --time-style=full-iso /data/tree /data/tree/a
compare_native "$R" ls -lR --color=never /data/tree
compare_native "$R" ls -ln --color=never /etc/passwd /usr/bin/python3 /bin
compare_native "$R" ls -1 --color=never /usr/lib/python3.11/json
compare_native "$R" ls --color=never /data/missing /data/fruits.txt

compare_native "$R" sort /data/fruits.txt
compare_native "$R" sort -n /data/numbers.txt
compare_native "$R" sort -t, -k4,4n -k1,1n /data/people.csv
compare_native "$R" sort -u -t, -k3,3 /data/people.csv
compare_native "$R" sort -R --random-source=/data/random.bin /data/fruits.txt
compare_native "$R" shuf --random-source=/data/random.bin -n 5 /data/fruits.txt
# GNU sort sorts in threads on big inputs.
compare_native -p sha256sum "$R" sort --parallel=2 -S 100M /data/mixed.txt

compare_native "$R" sha256sum /data/mixed.txt /data/random.bin /data/people.csv
compare_native -w /data "$R" sha256sum -c SHA256SUMS
compare_native "$R" md5sum /data/words.txt /data/empty
compare_native "$R" sha512sum /data/people.csv
compare_native "$R" b2sum /data/mixed.txt
compare_native "$R" cksum /data/mixed.txt /data/random.bin

compare_native "$R" date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S %a %b %j %s %N %z'
compare_native "$R" date -u --rfc-3339=ns -d @1700000000.123456789
compare_native "$R" date -u -d '2024-02-29 12:34:56' +%s
compare_native "$R" date -u -R -d @0
compare_native -e TZ=Europe/Paris "$R" date -d @1700000000 '+%F %T %Z %z'
compare_native -e TZ=America/New_York "$R" date -d '2024-03-10 12:00' '+%F %T %Z'
compare_native "$R" date -d 'not a date'

compare_native "$R" stat -c '%n %s %a %A %F %h %U %G %Y' /data/fruits.txt /data/link /data/tree /data/empty
compare_native "$R" stat -L -c '%n %s %F' /data/link /data/dirlink
compare_native "$R" stat -c '%n|%s|%b|%B|%f|%u|%g|%h|%F|%X' /data/tree/top.txt
compare_native "$R" du -a /data/tree
compare_native "$R" du -sb /data
compare_native "$R" du -h --apparent-size /data/mixed.txt /data/random.bin
compare_native "$R" find /data -printf '%p %y %s %m %TY-%Tm-%Td %TH:%TM %l\n'
compare_native "$R" find /data/tree -type f -name '*.txt' -printf '%d %f %s\n'
compare_native "$R" find /data -newer /data/fruits.txt
compare_native "$R" find /usr/lib/python3.11/json -name '*.py' -size +4k

compare_native "$R" wc /data/words.txt /data/people.csv /data/mixed.txt
compare_native "$R" wc -m -L /data/words.txt
compare_native -i "$in_words" "$R" tr a-z A-Z
compare_native -i "$in_words" "$R" tr -s ' '
compare_native -i "$in_words" "$R" tr -d aeiou
compare_native "$R" cut -d, -f2,3 /data/people.csv
compare_native "$R" cut -c1-10 /data/words.txt
compare_native "$R" seq -f '%.3f' 0 0.125 2
compare_native "$R" seq -w 1 3 100
compare_native "$R" seq -s, 10
compare_native "$R" printf '%s=%05d %x %o %e %q\n' a 42 255 8 12345.678 "it's"
compare_native "$R" head -n 5 /data/people.csv
compare_native "$R" head -c 100 /data/mixed.txt
compare_native "$R" head -c 256 /data/random.bin
compare_native "$R" tail -n 3 /data/people.csv
compare_native "$R" tail -c 64 /data/mixed.txt
compare_native "$R" tail -n +498 /data/people.csv
compare_native "$R" od -A x -t x1z -N 64 /data/random.bin
compare_native "$R" od -c -N 80 /data/words.txt
compare_native "$R" od -t d4 -N 32 /data/random.bin
compare_native "$R" base64 -w 60 /data/words.txt
compare_native "$R" numfmt --to=iec 1048576 123456789
compare_native "$R" factor 1234567890 600851475143
compare_native "$R" expr 6 '*' 7
compare_native "$R" tac /data/fruits.txt
compare_native "$R" nl -ba /data/words.txt
compare_native "$R" paste -d: /data/fruits.txt /data/fruits.txt
compare_native "$R" uniq -c /data/fruits.txt
compare_native "$R" fold -w 20 /data/words.txt
compare_native "$R" fmt -w 30 /data/words.txt
compare_native "$R" readlink -f /bin/sh
compare_native "$R" realpath /usr/bin/python3
compare_native "$R" env
compare_native "$R" id
compare_native "$R" uname -s -m
compare_native "$R" true
compare_native "$R" false
compare_native "$R" cat /data/missing

# --- dash builtins and the dynamic busybox ----------------------------------
compare_native "$R" sh -c 'x=6; echo $((x * 7)); for i in a b; do echo "$i"; done; printf "%s\n" done; exit 3'
compare_native "$R" sh -c 'read -r line </data/fruits.txt; echo "first: $line"'
compare_native "$R" sh -c 'set -- a b c; echo $# "$@"; shift; echo "$*"; echo $(( 1 << 40 ))'
compare_native "$R" busybox echo hello from a dynamic busybox
compare_native "$R" busybox sha256sum /data/mixed.txt
compare_native "$R" busybox sort -t, -k4n /data/people.csv
compare_native "$R" busybox wc -l /data/people.csv

# --- compressors, to stdout (hashed on the host) -----------------------------
compare_native -p sha256sum "$R" xz -T1 -6 -c /data/mixed.txt
compare_native -p sha256sum "$R" xz -T1 -c /data/random.bin
# Multi-threaded xz: with a fixed block size the output is the same.
compare_native -p sha256sum "$R" xz -T2 --block-size=1MiB -c /data/mixed.txt
compare_native -p sha256sum "$R" gzip -9 -n -c /data/mixed.txt
compare_native -p sha256sum "$R" gzip -1 -n -c /data/random.bin
compare_native "$R" xz -c /data/missing

# --- python3 ----------------------------------------------------------------
compare_native "$R" python3 -c pass
compare_native "$R" python3 -V
compare_native "$R" python3 -c 'import sys; print(sys.version_info[:3], sys.platform, sys.byteorder, sys.maxsize, sys.executable, sys.argv)'
compare_native "$R" python3 -c 'import os; print(os.getcwd(), os.getuid(), os.getgid(), sorted(os.environ), sorted(os.listdir("/data")))'
compare_native "$R" python3 -I -S -c 'print("isolated, no site")'
compare_native "$R" python3 -c 'import os; print(len(os.sched_getaffinity(0)) >= 1, os.cpu_count() >= 1)'
compare_native "$R" python3 -c 'import platform, locale; print(platform.machine(), platform.system(), locale.getpreferredencoding(False))'
compare_native "$R" python3 -m json.tool /data/data.json
compare_native -d "python3 threads.py" -i "$S/threads.py" "$R" python3 -
compare_native -d "python3 stdlib.py" -i "$S/stdlib.py" "$R" python3 -
compare_native -d "python3 sqlite_mem.py" -i "$S/sqlite_mem.py" "$R" python3 -
compare_native -d "python3 signals.py" -i "$S/signals.py" "$R" python3 -
compare_native -d "python3 timers_io.py" -i "$S/timers_io.py" "$R" python3 -
compare_native "$R" python3 -c 'import sys; sys.exit(3)'
compare_native "$R" python3 -c 'raise SystemExit("bye")'
compare_native "$R" python3 -c '1/0'
compare_native "$R" python3 -c 'import os; os.kill(os.getpid(), 9)'
compare_native "$R" python3 -c 'import os, signal; os.kill(os.getpid(), signal.SIGTERM)'
compare_native "$R" python3 -c 'import os; os.abort()'
compare_native "$R" python3 -c 'import ctypes; ctypes.string_at(0)'
compare_native "$R" python3 -c 'import signal, sys; signal.signal(signal.SIGTERM, lambda s, f: sys.exit(7)); signal.raise_signal(signal.SIGTERM)'

# --- perl -------------------------------------------------------------------
compare_native -d "perl script.pl" -i "$S/script.pl" "$R" perl -
compare_native "$R" perl -e 'printf "%.10f\n", atan2(1, 1) * 4'
compare_native "$R" perl -le 'print for sort { $a <=> $b } map { $_ * 3 % 17 } 1 .. 10'
compare_native "$R" perl -ne 'print if /apple|fig/' /data/fruits.txt
compare_native "$R" perl -lane 'print $F[0] if $F[0] =~ /^[A-Z]/' /data/words.txt
compare_native "$R" perl -MPOSIX -e 'print POSIX::strftime("%F %T", gmtime(0)), "\n"'
compare_native "$R" perl -Mthreads -e 'my @t = map { threads->create(sub { my $s = 0; $s += $_ for 1 .. 100000; $s }) } 1 .. 4; print join(",", map { $_->join } @t), "\n"'
compare_native "$R" perl -e 'local $SIG{ALRM} = sub { print "alarm\n"; exit 3 }; alarm 1; sleep 10'
compare_native "$R" perl -e 'exit 42'
compare_native "$R" perl -e 'die "dead\n"'
compare_native "$R" perl -e 'kill "TERM", $$; sleep 1'

# --- lua --------------------------------------------------------------------
compare_native -d "lua5.4 script.lua" -i "$S/script.lua" "$R" lua5.4 -
compare_native "$R" lua5.4 -e 'print(string.format("%5.2f", math.pi), _VERSION, #arg)'
compare_native "$R" lua5.4 -e 'os.exit(5)'
compare_native "$R" lua5.4 -e 'error("boom")'

# --- sqlite3, jq, bc --------------------------------------------------------
compare_native -d "sqlite3 < sqlite-shell.sql" -i "$S/sqlite-shell.sql" "$R" sqlite3
compare_native "$R" sqlite3 :memory: 'select 1 + 1, sqlite_version() is not null;'
compare_native "$R" sqlite3 -json :memory: "select 1 as a, 'x' as b, null as c"
compare_native "$R" sqlite3 /data/missing/db 'select 1'

compare_native "$R" jq . /data/data.json
compare_native "$R" jq -S -c . /data/data.json
compare_native "$R" jq -c '.users | map(select(.admin)) | map(.name)' /data/data.json
compare_native "$R" jq -r '.users[] | "\(.name)\t\(.age)"' /data/data.json
compare_native "$R" jq '[.nested.list[].v] | add' /data/data.json
compare_native "$R" jq -r '.tags | @csv, @base64' /data/data.json
compare_native "$R" jq -n '[range(10)] | map(. * .) | add'
compare_native "$R" jq --arg x 5 -n '$x | tonumber * 2'
compare_native "$R" jq -n 'now | type'
compare_native "$R" jq '.missing.deep' /data/data.json
compare_native "$R" jq '.name | error' /data/data.json
compare_native "$R" jq . /data/words.txt

compare_native -d "bc -l < pi.bc" -i "$S/pi.bc" "$R" bc -l
compare_native -d "bc -l: scale=50; 4*a(1)" -i "$in_pi" "$R" bc -l
compare_native -d "bc: 1/0" -i "$in_div0" "$R" bc

# --- commands that write: two copies made once, /tmp compared after each ----
copied=$(($(date +%s) - 1))
Rn=$(scratch_rootfs "$R")
Ra=$(scratch_rootfs "$R")
# w [OPTIONS] NATIVE_ROOT AIRLOCK_ROOT CMD...: one step of the series. After
# a step whose results differ, the airlock copy's /tmp is reset to the native
# one's, so that one failure does not fail every later step as well.
w() {
    compare_native_pair -t tmp -s "$copied" "$@"
    if ((!COMPARE_OK)); then
        rm -rf "${Ra:?}/tmp"
        cp -a "$Rn/tmp" "$Ra/tmp"
    fi
}
w "$Rn" "$Ra" mkdir -p /tmp/rt /tmp/db /tmp/tar
w "$Rn" "$Ra" cp /data/mixed.txt /data/random.bin /data/people.csv /tmp/rt/
w "$Rn" "$Ra" xz -T1 /tmp/rt/mixed.txt
w "$Rn" "$Ra" xz -l /tmp/rt/mixed.txt.xz
w "$Rn" "$Ra" xz -t /tmp/rt/mixed.txt.xz
w "$Rn" "$Ra" xz -d /tmp/rt/mixed.txt.xz
w "$Rn" "$Ra" xz -T2 --block-size=1MiB -k /tmp/rt/random.bin
w "$Rn" "$Ra" xz -d -f -k /tmp/rt/random.bin.xz
w "$Rn" "$Ra" gzip -9 -n /tmp/rt/people.csv
w "$Rn" "$Ra" gzip -l /tmp/rt/people.csv.gz
w "$Rn" "$Ra" gzip -t /tmp/rt/people.csv.gz
w "$Rn" "$Ra" gzip -d /tmp/rt/people.csv.gz
w -w /tmp/rt "$Rn" "$Ra" sha256sum -c /data/SHA256SUMS
w "$Rn" "$Ra" xz /tmp/rt/missing

w "$Rn" "$Ra" tar -cf /tmp/tar/data.tar -C /data tree fruits.txt link
w "$Rn" "$Ra" tar -tvf /tmp/tar/data.tar
w "$Rn" "$Ra" tar -xf /tmp/tar/data.tar -C /tmp/tar
w "$Rn" "$Ra" touch -d '2001-02-03 04:05:06' /tmp/rt/new-file
w "$Rn" "$Ra" ln -s mixed.txt /tmp/rt/link
w "$Rn" "$Ra" chmod 600 /tmp/rt/people.csv
w "$Rn" "$Ra" mv /tmp/rt/new-file /tmp/rt/moved
w "$Rn" "$Ra" cp -a /data/tree /tmp/rt/tree
w "$Rn" "$Ra" rm -r /tmp/rt/tree
w "$Rn" "$Ra" split -l 100 -d /data/people.csv /tmp/rt/part-
w "$Rn" "$Ra" dd if=/data/random.bin of=/tmp/rt/dd.bin bs=4096 count=16 status=none
w "$Rn" "$Ra" truncate -s 1000 /tmp/rt/dd.bin
w "$Rn" "$Ra" install -m 640 /data/words.txt /tmp/rt/installed.txt

w -d "sqlite3 test.db < sqlite-create.sql" -i "$S/sqlite-create.sql" "$Rn" "$Ra" sqlite3 /tmp/db/test.db
w "$Rn" "$Ra" sqlite3 /tmp/db/test.db 'select count(*), round(sum(n), 3) from t; select * from agg order by bucket;'
w "$Rn" "$Ra" sqlite3 /tmp/db/test.db 'pragma integrity_check;'
w -p sha256sum "$Rn" "$Ra" sqlite3 /tmp/db/test.db .dump
w -d "python3 sqlite_file.py" -i "$S/sqlite_file.py" "$Rn" "$Ra" python3 -
w -d "python3 files.py" -i "$S/files.py" "$Rn" "$Ra" python3 -
w "$Rn" "$Ra" perl -e 'open(my $f, ">", "/tmp/rt/perl.txt") or die; print $f "line $_\n" for 1 .. 1000; close $f; rename "/tmp/rt/perl.txt", "/tmp/rt/perl2.txt" or die; print -s "/tmp/rt/perl2.txt", "\n"'
w "$Rn" "$Ra" lua5.4 -e 'local f = assert(io.open("/tmp/rt/lua.txt", "w")); for i = 1, 100 do f:write(i, "\n") end; f:close(); print(os.rename("/tmp/rt/lua.txt", "/tmp/rt/lua2.txt"), os.remove("/tmp/rt/missing"))'

is "$(rootfs_fingerprint "$R")" "$fingerprint" "the shared Debian fixture is unchanged"

done_testing
