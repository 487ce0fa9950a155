#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Busybox applets natively (chroot) vs under airlock: stdout, stderr, status
# and, for commands that write (run in scratch copies), the trees must match.

# Single quotes are meant: the guest expands, not the host.
# shellcheck disable=SC2016
# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

R=$(fixture_rootfs)
check_airlock

# Stdin files (the same file feeds both sides).
in_words=$TAP_TMP/words.in
printf 'hello world\nHello Again\nlast line\n' >"$in_words"
in_md5=$TAP_TMP/md5.in
printf '%s  /data/fruits.txt\n' "$(md5sum <"$R/data/fruits.txt" | cut -d' ' -f1)" >"$in_md5"
in_bad_md5=$TAP_TMP/bad-md5.in
printf '%s  /data/fruits.txt\n' "00000000000000000000000000000000" >"$in_bad_md5"

# --- output only -----------------------------------------------------------
compare_native "$R" echo hello world
compare_native "$R" echo -n no newline
compare_native "$R" echo -e 'tab\there\nnew line'
compare_native "$R" echo

compare_native "$R" cat /data/fruits.txt
compare_native "$R" cat -n /data/words.txt
compare_native "$R" cat /data/fruits.txt /data/nonl.txt /data/empty /data/table.csv
compare_native -i "$in_words" "$R" cat
compare_native -i "$in_words" "$R" cat /data/nonl.txt - /data/nonl.txt
compare_native "$R" cat /data/link

compare_native "$R" ls /
compare_native "$R" ls -la /data
compare_native "$R" ls -la /data/tree /data/tree/a
compare_native "$R" ls -lan /etc
compare_native "$R" ls -1 /data/tree/a/b
compare_native "$R" ls -R /data/tree
compare_native "$R" ls -ld /tmp /root /data/link
compare_native "$R" ls -l /bin/sh /bin/busybox

compare_native "$R" wc /data/words.txt
compare_native "$R" wc -l /data/fruits.txt /data/numbers.txt /data/nonl.txt
compare_native "$R" wc -w -c /data/words.txt
compare_native -i "$in_words" "$R" wc

compare_native "$R" sort /data/fruits.txt
compare_native "$R" sort -r /data/fruits.txt
compare_native "$R" sort -n /data/numbers.txt
compare_native "$R" sort -u /data/fruits.txt
compare_native "$R" sort -t, -k4n -k2 /data/table.csv

compare_native "$R" uniq /data/fruits-sorted.txt
compare_native "$R" uniq -c /data/fruits-sorted.txt
compare_native "$R" uniq -d /data/fruits-sorted.txt
compare_native "$R" uniq -u /data/fruits-sorted.txt

compare_native "$R" head -n 3 /data/words.txt
compare_native "$R" head -c 10 /data/fruits.txt
compare_native "$R" tail -n 2 /data/fruits.txt
compare_native "$R" tail -c 5 /data/words.txt
compare_native "$R" tail -n +8 /data/numbers.txt

compare_native -i "$in_words" "$R" tr a-z A-Z
compare_native -i "$in_words" "$R" tr -d lo
compare_native -i "$in_words" "$R" tr -s 'l '
compare_native -i "$in_words" "$R" tr -c 'a-z\n' _

compare_native "$R" cut -d, -f2,4 /data/table.csv
compare_native "$R" cut -c1-4 /data/words.txt
compare_native "$R" cut -f2 /data/words.txt

compare_native "$R" sed -n 2,4p /data/fruits.txt
compare_native "$R" sed 's/a/A/g' /data/fruits.txt
compare_native "$R" sed -e 1d -e '$d' /data/numbers.txt
compare_native "$R" sed -n '/quick/=' /data/words.txt
compare_native "$R" sed -E 's/([a-z]+),([a-z]+)/\2:\1/' /data/table.csv

compare_native "$R" grep apple /data/fruits.txt
compare_native "$R" grep -c apple /data/fruits.txt
compare_native "$R" grep -n -i the /data/words.txt
compare_native "$R" grep -v -E 'a|e' /data/fruits.txt
compare_native "$R" grep -o -w 'jump[a-z]*' /data/words.txt
compare_native "$R" grep -r -l line /data
compare_native "$R" grep -x fig /data/fruits.txt

compare_native "$R" awk '{ s += $1 } END { print s, NR }' /data/numbers.txt
compare_native "$R" awk -F, 'NR > 1 { print $2 " lives in " $3 }' /data/table.csv
compare_native "$R" awk 'length($0) > 30 { print NR ": " $1 }' /data/words.txt
compare_native "$R" awk 'BEGIN { printf "%.6f %d %s\n", atan2(0, -1), 2^20, toupper("x") }'
compare_native "$R" awk -F, 'NR > 1 { n[$3]++ } END { print n["paris"], n["berlin"], n["rome"] }' /data/table.csv

compare_native "$R" md5sum /data/fruits.txt /data/words.txt /data/empty
compare_native "$R" sha256sum /data/table.csv /data/nonl.txt
compare_native "$R" sha1sum /data/tree/x/y/numbers.dat
compare_native "$R" sha512sum /data/numbers.txt
compare_native -i "$in_md5" "$R" md5sum -c -

compare_native "$R" find /data
compare_native "$R" find /data -name '*.txt'
compare_native "$R" find /data/tree -type d
compare_native "$R" find /data -maxdepth 1 -type f -size +0
compare_native "$R" find /data -type l
compare_native "$R" find /data -empty
compare_native "$R" find / -path /bin -prune -o -name '*.csv' -print

compare_native "$R" stat -c '%n %s %a %A %F %h %U %G %Y' /data/fruits.txt /data/link /data/tree /tmp
compare_native "$R" stat -L -c '%n %s %F' /data/link /data/dirlink
compare_native "$R" stat -c '%n|%s|%b|%B|%f|%u|%g|%h|%F' /data/empty /data/tree/top.txt

compare_native "$R" date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S %a %b %j %s'
compare_native "$R" date -u -d '2024-02-29 12:34:56' +%s
compare_native "$R" date -u -R -d @0
compare_native -e TZ=EST5 "$R" date -d @86400 '+%F %T %Z'

compare_native "$R" seq 5
compare_native "$R" seq 2 3 20
compare_native "$R" seq -w 8 11
compare_native "$R" seq -s , 1 10

compare_native "$R" printf '%s-%d\n' a 1 b 2
compare_native "$R" printf '%05.2f|%x|%o|%c\n' 3.14159 255 8 zebra
compare_native "$R" printf '%b' 'a\tb\n'

compare_native "$R" env
compare_native -e FOO=bar -e EMPTY= -e 'SPACES=a b  c' -P sort "$R" env
compare_native -e PATH=/bin -P sort "$R" env

compare_native "$R" id
compare_native "$R" id -u
compare_native "$R" id -gn
compare_native "$R" id nobody

compare_native "$R" uname
compare_native "$R" uname -s
compare_native "$R" uname -m
compare_native "$R" uname -o
compare_native "$R" uname -smo
# The kernel a guest sees is airlock's own, whatever the host runs.
is "$("$AIRLOCK" run --rootfs "$R" -- /bin/uname -nrv)" "airlock 6.1.0-airlock #1 SMP PREEMPT_DYNAMIC airlock" \
    "uname -nrv: airlock's stable identity"
is "$("$AIRLOCK" run --rootfs "$R" -- /bin/uname -a)" \
    "Linux airlock 6.1.0-airlock #1 SMP PREEMPT_DYNAMIC airlock x86_64 GNU/Linux" "uname -a"

compare_native "$R" readlink /data/link
compare_native "$R" readlink -f /data/dirlink
compare_native "$R" readlink /bin/sh
compare_native "$R" basename /a/b/c.txt .txt
compare_native "$R" basename /usr/
compare_native "$R" dirname /a/b/c
compare_native "$R" dirname relative

compare_native "$R" du -s /data
compare_native "$R" du -a /data/tree
compare_native "$R" du -k -d 1 /data

compare_native "$R" expr 1 + 2
compare_native "$R" expr 6 '*' 7
compare_native "$R" expr length hello
compare_native "$R" expr substr hello 2 3
compare_native "$R" expr abc : 'a\(.\)'

compare_native "$R" true
compare_native "$R" false
compare_native "$R" /bin/busybox echo called as busybox
compare_native "$R" sh -c 'for i in 1 2 3; do echo "n=$i"; done; x=6; echo $((x * 7)); exit 3'
compare_native "$R" sh -c 'cd /data/tree && pwd && read -r first <top.txt && echo "$first"'

# Working directory (-w).
compare_native -w /data "$R" pwd
compare_native -w /data "$R" cat fruits.txt
compare_native -w /data/tree "$R" ls -la
compare_native -w /data "$R" find tree -name '*.txt'

# The pipe is on the host: the guest's writes hit a closed pipe.
compare_native -p 'head -n 3' "$R" yes
compare_native -p 'head -c 100' "$R" yes airlock
compare_native -p 'head -n 2' "$R" seq 1 1000000
# ... and then it must die by SIGPIPE (141, silently), as it does natively.
compare_native -P 'head -n 3' "$R" yes
compare_native -P 'head -n 2' "$R" seq 1 1000000

# --- error cases -----------------------------------------------------------
compare_native "$R" cat /data/missing
compare_native "$R" cat /data/fruits.txt /data/missing /data/nonl.txt
compare_native "$R" cat /data/tree
compare_native "$R" grep nomatch /data/fruits.txt
compare_native "$R" grep apple /data/missing
compare_native "$R" expr 3 '<' 2
compare_native "$R" expr 0
compare_native "$R" expr 1 / 0
compare_native "$R" ls /missing
compare_native "$R" ls -l /data/fruits.txt /missing
compare_native "$R" head -n 2 /root/nothing
compare_native "$R" readlink /data/fruits.txt
compare_native "$R" sort -n /data/missing
compare_native "$R" stat /missing
compare_native "$R" id nosuchuser
compare_native "$R" date -d 'not a date'
compare_native "$R" seq
compare_native "$R" busybox no-such-applet
compare_native -i "$in_bad_md5" "$R" md5sum -c -
compare_native "$R" sh -c 'exit 42'

# --- commands that write (scratch copies, trees compared) -------------------
compare_native_rw "$R" mkdir /tmp/newdir
compare_native_rw "$R" mkdir -p /tmp/a/b/c /tmp/x
compare_native_rw "$R" mkdir -m 700 /tmp/private
compare_native_rw "$R" mkdir /data
compare_native_rw "$R" mkdir /missing/child

compare_native_rw "$R" rm /data/words.txt
compare_native_rw "$R" rm -r /data/tree
compare_native_rw "$R" rm -f /data/missing /data/link
compare_native_rw "$R" rm /data/missing
compare_native_rw "$R" rm /data/tree

compare_native_rw "$R" cp /data/fruits.txt /tmp/
compare_native_rw "$R" cp -r /data/tree /tmp/tree-copy
compare_native_rw "$R" cp -p /data/table.csv /tmp/kept-times.csv
compare_native_rw "$R" cp -a /data/link /data/dirlink /tmp/
compare_native_rw "$R" cp /data/missing /tmp/

compare_native_rw "$R" mv /data/fruits.txt /tmp/moved.txt
compare_native_rw "$R" mv /data/tree /tmp/
compare_native_rw "$R" mv /data/missing /tmp/

compare_native_rw "$R" touch -d '2001-02-03 04:05:06' /tmp/new-file
compare_native_rw "$R" touch -d '1999-12-31 23:59:59' /data/fruits.txt /data/tree
compare_native_rw "$R" touch -c -d '2010-10-10 10:10:10' /tmp/not-created

compare_native_rw "$R" ln -s /data/fruits.txt /tmp/symlink
compare_native_rw "$R" ln /data/fruits.txt /tmp/hardlink
compare_native_rw "$R" ln -sf numbers.txt /data/link
compare_native_rw "$R" ln /data/fruits.txt /data/words.txt

compare_native_rw "$R" chmod 600 /data/fruits.txt
compare_native_rw "$R" chmod -R go-rx /data/tree
compare_native_rw "$R" sed -i 's/apple/APPLE/' /data/fruits.txt
compare_native_rw "$R" sort -o /tmp/sorted /data/numbers.txt
compare_native_rw -i "$in_words" "$R" tee /tmp/tee-out
compare_native_rw "$R" rmdir /data/tree/empty-dir
compare_native_rw "$R" rmdir /data/tree
compare_native_rw -w /tmp "$R" mkdir relative-dir
# Builtins only: ash would exec (not fork) a final external command, and
# execve is not what this case is about.
compare_native_rw "$R" sh -c 'echo redirected >/tmp/out && echo more >>/tmp/out &&
    while read -r l; do echo "got $l"; done </tmp/out'

done_testing
