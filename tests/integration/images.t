#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Images: docker-archive, OCI layouts and oci-archives (tests/lib/image-tool.py
# builds them from the busybox fixture) loaded into a private store; layers
# with whiteouts and opaque directories; run with the image's entrypoint,
# command, environment, working directory and user, compared with the same
# program run natively (chroot) in the unpacked root; hostile layers; a
# corrupted blob; tag, rmi and what they leave; the demo image.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
TOOL=(python3 "$REPO_ROOT/tests/lib/image-tool.py")

disk_tmpdir W # overlay upper layers live in the store: not on /dev/shm, as a user's would not be
export AIRLOCK_STORE=$W/store
A=("$AIRLOCK" --root "$W/state") # containers of this test's own, in ps and list

# spec NAME JSON: a layer of the entries JSON lists.
layer() {
    printf '%s\n' "$2" >"$W/$1.json"
    "${TOOL[@]}" layer "$W/$1.tar" --spec "$W/$1.json"
}

"${TOOL[@]}" layer "$W/base.tar" "$FIXTURE"
echo "fixture host name" >"$W/hostname"
layer hostname '[{"name": "etc/hostname", "data": "from the base\n"}, {"name": "etc/keep/a", "data": "a\n"}, {"name": "etc/keep/b", "data": "b\n"}]'
layer app '[{"name": "etc/.wh.hostname"},
 {"name": "etc/keep/.wh..wh..opq"}, {"name": "etc/keep/c", "data": "c, of the top layer\n"},
 {"name": "etc/motd", "data": "hello from the top layer\n"},
 {"name": "app", "type": "dir"},
 {"name": "app/run.sh", "mode": "755", "data": "#!/bin/sh\necho \"$GREETING from $(pwd) as $(id -u):$(id -g): $*\"\n"}]'
printf '%s\n' '{"Entrypoint": ["/app/run.sh"], "Cmd": ["default", "args"], "Env": ["GREETING=hi", "PATH=/bin"], "WorkingDir": "/app", "User": "nobody"}' >"$W/config.json"
"${TOOL[@]}" docker-archive "$W/app.img" test/app:1 "$W/config.json" "$W/base.tar" "$W/hostname.tar" "$W/app.tar"

# --- load, images, inspect ------------------------------------------------
out=$("${A[@]}" load -i "$W/app.img" 2>&1) && st=0 || st=$?
is "$st:$out" "0:Loaded image: test/app:1" "load -i of a docker-archive"
out=$("${A[@]}" images 2>&1)
grep -qE '^test/app +1 +[0-9a-f]{12} ' <<<"$out" && ok "images lists it" || { not_ok "images lists it"; diag "$out"; }
out=$("${A[@]}" inspect test/app:1 | python3 -c 'import json, sys; i = json.load(sys.stdin)[0]; print(i["RepoTags"], i["Config"]["Entrypoint"], i["Config"]["User"], len(i["Layers"]))')
is "$out" "['test/app:1'] ['/app/run.sh'] nobody 3" "inspect: names, config and layers"

# --- run, against the same program natively in the unpacked root -----------
id=$("${A[@]}" images -q)
native() { # USER:GROUP DIR ENV... -- CMD...
    local user=$1 dir=$2
    shift 2
    local env=()
    while [[ $1 != -- ]]; do env+=("$1"); shift; done
    shift
    "$CHROOT" --userspec="$user" "$R" /bin/env -i "${env[@]}" /bin/sh -c 'cd "$0" && exec "$@"' "$dir" "$@" 2>&1
}
out=$("${A[@]}" run test/app:1 2>&1) && st=0 || st=$?
R=$(ls -d "$AIRLOCK_STORE"/rootfs/*) # unpacked by the first run
is "$st:$out" "0:$(native 65534:65534 /app GREETING=hi PATH=/bin -- /app/run.sh default args)" \
    "run: the image's entrypoint, command, environment, working directory and user, as natively"
is "$("${A[@]}" run -e GREETING=yo -u 0:0 -w / test/app:1 x y 2>&1)" \
    "$(native 0:0 / GREETING=yo PATH=/bin -- /app/run.sh x y)" "-e, -u, -w and a command override the image's"
is "$("${A[@]}" run --entrypoint cat "$id" /etc/motd 2>&1)" "hello from the top layer" \
    "--entrypoint, and an image named by its id"
is "$("${A[@]}" run --entrypoint sh test/app:1 -c 'ls /etc/hostname; ls /etc/keep' 2>&1)" \
    "ls: /etc/hostname: No such file or directory
c" "a whiteout removes a file of a lower layer; an opaque directory hides its lower entries, not its own"
is "$(echo typed | "${A[@]}" run --entrypoint cat test/app:1 2>&1):$(echo typed | "${A[@]}" run -i --entrypoint cat test/app:1 2>&1)" \
    ":typed" "stdin reaches an image's program only with -i, as with docker"
out=$("${A[@]}" run -t --entrypoint true test/app:1 </dev/null 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: run: the input device is not a TTY (-t)" "-t without a terminal"
printf 'GREETING=from a file\n# a comment\n\n' >"$W/env"
is "$("${A[@]}" run --env-file "$W/env" test/app:1 2>&1)" "from a file from /app as 65534:65534: default args" "--env-file"
"${A[@]}" run -u 0 --entrypoint sh test/app:1 -c 'echo changed >/etc/motd' >/dev/null 2>&1 || true
is "$("${A[@]}" run --entrypoint cat test/app:1 /etc/motd 2>&1):$(cat "$R/etc/motd")" \
    "hello from the top layer:hello from the top layer" "a container's writes stay in its own layer: the image is unchanged"
is "$(ls "$AIRLOCK_STORE/tmp")" "" "nothing is left of the containers"
out=$(AIRLOCK_TEST_NO_OVERLAY=1 "${A[@]}" run -u 0 --entrypoint sh test/app:1 -c 'echo copied >/etc/motd; cat /etc/motd; ls /app' 2>&1)
is "$out:$(cat "$R/etc/motd"):$(ls "$AIRLOCK_STORE/tmp")" "copied
run.sh:hello from the top layer:" "without overlayfs, a copy of the image: the same root, the image unchanged, the copy removed"

# --- OCI layouts: a directory (gzip layers, a multi-arch index), an oci-archive
"${TOOL[@]}" oci "$W/layout" "$W/config.json" "$W/base.tar" "$W/app.tar" --gzip --multiarch --name oci/app:2
out=$("${A[@]}" load -i "$W/layout" 2>&1) && st=0 || st=$?
is "$st:$out" "0:Loaded image: oci/app:2" "load of an OCI layout with a multi-arch index"
is "$("${A[@]}" inspect oci/app:2 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["Architecture"])')" amd64 \
    "the linux/amd64 image of the index is the one loaded"
is "$("${A[@]}" run -u 0 oci/app:2 2>&1)" "hi from /app as 0:0: default args" "it runs, from gzip-compressed layers"
"${TOOL[@]}" oci "$W/app.oci.tar" "$W/config.json" "$W/base.tar" --archive --name oci/archive:3
is "$("${A[@]}" run -u 0 --entrypoint echo "oci-archive:$W/app.oci.tar" straight from the file 2>&1)" \
    "straight from the file" "run oci-archive:FILE loads and runs it"

# --- refused: a corrupted blob, hostile layers, bad references ---------------
"${TOOL[@]}" oci "$W/corrupt" "$W/config.json" "$W/base.tar" --name bad/corrupt:1 --corrupt
out=$("${A[@]}" load -i "$W/corrupt" 2>&1) && st=0 || st=$?
[[ $st == 125 && $out == *"does not match its digest"* ]] && ok "a blob whose content does not match its digest is refused" ||
    { not_ok "a blob whose content does not match its digest is refused"; diag "$st: $out"; }
is "$("${A[@]}" images | grep -c bad/corrupt || true)" 0 "and no name is given to it"

hostile() { # NAME LAYER-JSON: a run of an image whose top layer is hostile; its output
    layer "$1" "$2"
    "${TOOL[@]}" docker-archive "$W/$1.img" "hostile/$1:1" "$W/config.json" "$W/base.tar" "$W/$1.tar"
    "${A[@]}" load -i "$W/$1.img" >/dev/null 2>&1
    "${A[@]}" run -u 0 --entrypoint sh "hostile/$1:1" -c "$3" 2>&1 || true
}
mkdir -p "$W/outside"
out=$(hostile dotdot "[{\"name\": \"../../../../../../../..$W/outside/dotdot\", \"data\": \"x\"}]" true)
[[ $out == *"leads out of the layer"* && ! -e $W/outside/dotdot ]] && ok "an entry with .. is refused, and nothing is written" ||
    { not_ok "an entry with .. is refused, and nothing is written"; diag "$out"; }
out=$(hostile abslink '[{"name": "abs", "type": "symlink", "target": "/etc"}, {"name": "abs/airlock-through", "data": "inside\n"}]' \
    "cat /etc/airlock-through")
is "$out:$(ls /etc/airlock-through 2>&1 | grep -c 'No such' || true)" "inside:1" "a file through an absolute symlink to /etc lands in the image's /etc, not the host's"
out=$(hostile rellink '[{"name": "rel", "type": "symlink", "target": "../../../../../../../../.."}, {"name": "rel/tmp/through-rel", "data": "inside\n"}]' \
    "cat /tmp/through-rel")
is "$out:$(ls /tmp/through-rel 2>&1 | grep -c 'No such' || true)" "inside:1" "a file through a symlink climbing out lands inside the root"
before=$(stat -c %h /etc/passwd)
out=$(hostile hardlink '[{"name": "etc-link", "type": "symlink", "target": "/etc"}, {"name": "pw", "type": "hardlink", "target": "etc-link/passwd"}]' \
    "head -1 /pw")
is "$out:$(stat -c %h /etc/passwd)" "root:x:0:0:root:/root:/bin/sh:$before" \
    "a hard link through a symlink to /etc links the image's file, never the host's"
out=$(hostile hardlink-up '[{"name": "pw", "type": "hardlink", "target": "../../../../../../etc/shadow"}]' true)
[[ $out == *"out of the layer"* ]] && ok "a hard link to a path with .. is refused" || { not_ok "a hard link to a path with .. is refused"; diag "$out"; }

out=$("${A[@]}" run no/such:image true 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: run: no such image: no/such:image (see 'airlock images', 'airlock load')" "run of an unknown image"
out=$("${A[@]}" load -i "$W/missing.tar" 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: load: $W/missing.tar: no such file or directory" "load of a missing file"
tar -C "$FIXTURE" -cf "$W/notimage.tar" etc
out=$("${A[@]}" load -i "$W/notimage.tar" 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: load: $W/notimage.tar: not an OCI layout, oci-archive or docker-archive" "load of a tarball that is no image"
is "$(ls "$AIRLOCK_STORE/tmp")" "" "nothing is left in the store's tmp"

# --- docker's isolation flags (an OCI bundle under the hood) -------------------
mkdir -p "$W/vol" && echo "from the host" >"$W/vol/f"
out=$("${A[@]}" run -u 0 --hostname box -v "$W/vol:/data:ro" --tmpfs /scratch --network none --entrypoint sh test/app:1 \
    -c 'hostname; cat /data/f; touch /data/x 2>&1 | sed "s/.*: //"; echo hi >/scratch/y && cat /scratch/y; ls /sys/class/net; echo $$' 2>&1)
is "$out" "box
from the host
Read-only file system
hi
lo
1" "--hostname, -v :ro, --tmpfs, --network none (loopback only), pid 1"
out=$("${A[@]}" run --read-only --rootfs "$FIXTURE" sh -c 'touch /x 2>&1 | sed "s/.*: //"; exit 4' 2>&1) && st=0 || st=$?
is "$st:$out" "4:Read-only file system" "--read-only with --rootfs, and the exit status"
is "$("${A[@]}" run --cpus 0.5 --rootfs "$FIXTURE" cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>&1)" 50000 \
    "--cpus: the CPU quota the container's cgroup shows"
out=$("${A[@]}" run -m 64m --rootfs "$FIXTURE" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived' 2>&1) && st=0 || st=$?
is "$st:$out" "137:67108864" "--memory: the limit the container sees; past it the container is killed (137)"
out=$("${A[@]}" run --pids-limit 10 --rootfs "$FIXTURE" sh -c 'for i in $(seq 20); do sleep 2 & echo $i; done 2>&1' | tail -2 | tr '\n' ' ' || true)
is "$out" "9 sh: can't fork: Resource temporarily unavailable " "--pids-limit 10: the shell and nine children, as under runc (oci.t)"
out=$("${A[@]}" run --memory 1x demo true 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: run: --memory 1x: not a size (like 64m)" "a bad flag value: one line, status 125"
out=$("${A[@]}" run -v relative:/x --rootfs "$FIXTURE" true 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: run: -v relative:/x: expected /HOST/PATH:/CONTAINER/PATH[:ro]" "a bad -v"
is "$(ls "$AIRLOCK_STORE/tmp"; "${A[@]}" list | tail -n +2)" "" "nothing is left: no container, no layer, no bundle"

# --- detached containers: run -d, ps, logs, exec, stop, rm ------------------
id=$("${A[@]}" run -d test/app:1 2>&1)
[[ $id =~ ^[0-9a-f]{12}$ ]] && ok "run -d prints the new container's id" || not_ok "run -d prints the new container's id"
"${A[@]}" run -d --name looper -u 0 --entrypoint sh test/app:1 -c 'echo started; trap "echo got TERM; exit 3" TERM; while :; do sleep 1; done' >/dev/null
for _ in $(seq 100); do [[ $("${A[@]}" logs looper 2>/dev/null) == started ]] && break; sleep 0.1; done
is "$("${A[@]}" ps | awk 'NR > 1 { print $1, $2, $NF }')" "looper test/app:1 running" "ps lists the running one (the other has ended)"
is "$("${A[@]}" ps -a | awk 'NR > 1 { print $2, $NF }' | sort | tr '\n' ' ')" "test/app:1 running test/app:1 stopped " "ps -a lists both"
is "$("${A[@]}" logs "$id")" "hi from /app as 65534:65534: default args" "logs: a detached container's output"
is "$("${A[@]}" exec looper sh -c 'echo in $(hostname)' 2>&1)" "in airlock" "exec into a detached container"
"${A[@]}" run -d --name ticker -u 0 --entrypoint sh test/app:1 -c 'echo one; sleep 1; echo two' >/dev/null
is "$(timeout 20 "${A[@]}" logs -f ticker 2>&1 | tr '\n' ' ')" "one two " "logs -f follows the output until the container ends"
"${A[@]}" rm ticker >/dev/null
is "$("${A[@]}" stop looper):$("${A[@]}" logs looper | tr '\n' ' ')" "looper:started got TERM " "stop: SIGTERM, which the program handles"
out=$("${A[@]}" run -d --name looper test/app:1 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: run: a bundle at $AIRLOCK_STORE/containers/looper: the name is taken" "a name in use is refused"
is "$("${A[@]}" rm looper "$id" | tr '\n' ' ')" "looper $id " "rm removes stopped containers"
is "$("${A[@]}" ps -a | tail -n +2):$(ls "$AIRLOCK_STORE/containers" "$AIRLOCK_STORE/tmp" | grep -v ':$' || true)" ":" \
    "nothing is left: no state, no bundle, no log, no layer"
"${A[@]}" run -d --name still --rootfs "$FIXTURE" sleep 100 >/dev/null
out=$("${A[@]}" rm still 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: cannot delete container "still": it is running (stop it first, or use --force)' "rm of a running one needs -f"
is "$("${A[@]}" rm -f still):$("${A[@]}" ps -a | tail -n +2)" "still:" "rm -f removes it"

# --- tag and rmi --------------------------------------------------------------
"${A[@]}" tag test/app:1 other:2
is "$("${A[@]}" images | awk 'NR > 1 && $1 !~ /^hostile/ { print $1 ":" $2 }' | sort | tr '\n' ' ')" \
    "oci/app:2 oci/archive:3 other:2 test/app:1 " "tag adds a name"
is "$("${A[@]}" rmi test/app:1 2>&1)" "Untagged: test/app:1" "rmi removes one name"
is "$("${A[@]}" run --entrypoint cat other:2 /etc/motd 2>&1)" "hello from the top layer" "the image stays while a name leads to it"
"${A[@]}" rmi other:2 oci/app:2 oci/archive:3 $("${A[@]}" images | awk '/^hostile/ { print $1 ":" $2 }') >/dev/null
is "$("${A[@]}" images -q):$(ls "$AIRLOCK_STORE/blobs/sha256" "$AIRLOCK_STORE/rootfs")" ":$AIRLOCK_STORE/blobs/sha256:

$AIRLOCK_STORE/rootfs:" "rmi of the last names removes the blobs and the unpacked roots"
out=$("${A[@]}" rmi no/such:1 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: rmi: no such image: no/such:1" "rmi of an unknown name"

# --- the demo image (make demo) -------------------------------------------------
bash "$REPO_ROOT/scripts/demo-image.sh" "$W/demo.tar"
"${A[@]}" load -i "$W/demo.tar" >/dev/null
is "$("${A[@]}" run demo echo hello 2>&1)" "hello" "airlock run demo echo hello"

done_testing
