#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# airlock as an OCI runtime, driven the way runc's callers drive it: spec,
# create (with --pid-file), state, start, kill, delete, list, global --root
# and --log; what the container sees of its config.json (args, env, cwd,
# hostname, user and groups, umask, rlimits, read-only root); and bad
# bundles, each refused with one line and nothing left behind.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock

STATE=$TAP_TMP/state
A=("$AIRLOCK" --root "$STATE")

# new_bundle NAME [PYTHON]: a bundle with a copy of the busybox rootfs and
# `airlock spec`'s config.json, edited by PYTHON (c is the parsed config).
new_bundle() {
    local dir=$TAP_TMP/$1
    mkdir -p "$dir"
    cp -a "$FIXTURE" "$dir/rootfs"
    (cd "$dir" && "$AIRLOCK" spec)
    python3 - "$dir/config.json" "${2:-}" <<'EOF'
import json, sys
path, edit = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(edit)
json.dump(c, open(path, "w"), indent=1)
EOF
    printf '%s\n' "$dir"
}

# state_field ID FIELD: one field of `airlock state`.
state_field() {
    "${A[@]}" state "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)['$2'])"
}

# wait_status ID STATUS: polls state until it says STATUS (10 s at most).
# wait_status ID STATUS [TENTHS]: at most TENTHS tenths of a second (10 s).
wait_status() {
    local _
    for _ in $(seq "${3:-100}"); do
        [[ $(state_field "$1" status 2>/dev/null) == "$2" ]] && return 0
        sleep 0.1
    done
    return 1
}

# --- spec --------------------------------------------------------------------
B=$(new_bundle plain 'c["process"]["args"] = ["sh", "-c", "echo out; echo err >&2; exit 3"]')
is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["root"]["path"])' "$B/config.json")" \
    rootfs "spec writes a config.json whose root is ./rootfs"
out=$(cd "$B" && "$AIRLOCK" spec 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: spec: ./config.json: already exists (remove it first)" \
    "spec refuses to overwrite a config.json"

# --- the lifecycle -----------------------------------------------------------
"${A[@]}" create --bundle "$B" --pid-file "$TAP_TMP/plain.pid" plain >"$TAP_TMP/plain.out" 2>"$TAP_TMP/plain.err"
is "$?" 0 "create succeeds"
is "$(state_field plain status)" created "state says created"
pid=$(cat "$TAP_TMP/plain.pid")
is "$(state_field plain pid)" "$pid" "the pid file names the process state reports"
is "$(state_field plain bundle)" "$B" "state reports the bundle"
is "$(cat "$TAP_TMP/plain.out")" "" "a created container has not run its program"
"${A[@]}" list | grep -q "^plain  *$pid  *created " && ok "list shows it as created" || not_ok "list shows it as created"
"${A[@]}" start plain
is "$?" 0 "start succeeds"
wait_status plain stopped && ok "the container stops when its program ends" || not_ok "the container stops when its program ends"
is "$(cat "$TAP_TMP/plain.out"):$(cat "$TAP_TMP/plain.err")" "out:err" \
    "the program ran with the create caller's stdout and stderr"
is "$(state_field plain pid)" 0 "a stopped container's pid is 0"
out=$("${A[@]}" start plain 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: cannot start container \"plain\": it is stopped, not created" "start of a stopped container"
"${A[@]}" delete plain
is "$?:$(ls "$STATE")" "0:" "delete removes the container's state"

# The exit status reaches whoever waits for the pid: a subreaper, as
# containerd's shim is, gets the orphaned process and its status.
B2=$(new_bundle status 'c["process"]["args"] = ["sh", "-c", "exit 7"]')
status=$(python3 - "$B2" "${A[@]}" <<'EOF'
import ctypes, os, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
bundle, airlock = sys.argv[1], sys.argv[2:]
subprocess.run(airlock + ["create", "--bundle", bundle, "status"], check=True)
subprocess.run(airlock + ["start", "status"], check=True)
pid, st = os.wait()
print(os.waitstatus_to_exitcode(st))
EOF
)
is "$status" 7 "the recorded process exits with the program's status"
is "$(state_field status status)" stopped "and the container is then stopped"
"${A[@]}" delete status

# kill, and delete of running containers.
B3=$(new_bundle sleeper 'c["process"]["args"] = ["sleep", "100"]')
"${A[@]}" create --bundle "$B3" sleeper && "${A[@]}" start sleeper
is "$(state_field sleeper status)" running "a started long-running container is running"
out=$("${A[@]}" delete sleeper 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: cannot delete container \"sleeper\": it is running (stop it first, or use --force)" \
    "delete refuses a running container"
"${A[@]}" kill sleeper KILL
wait_status sleeper stopped && ok "kill KILL stops it" || not_ok "kill KILL stops it"
out=$("${A[@]}" kill sleeper TERM 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: container \"sleeper\" is not running" "kill of a stopped container"
"${A[@]}" delete sleeper
no_leftovers "$B3" "nothing of it is left running"
"${A[@]}" create --bundle "$B3" sleeper2 && "${A[@]}" start sleeper2
"${A[@]}" delete --force sleeper2
is "$?:$(ls "$STATE")" "0:" "delete --force of a running container removes it"
no_leftovers "$B3" "and its processes"
"${A[@]}" create --bundle "$B3" never-started
"${A[@]}" delete never-started
is "$?:$(ls "$STATE")" "0:" "delete of a created container that never started"
no_leftovers "$B3" "leaves no process waiting"

# --- exec: more processes in a running container -----------------------------
new_bundle execs '
c["process"]["args"] = ["sleep", "100"]
c["hostname"] = "exec-host"
c["root"]["readonly"] = False
' >/dev/null
"${A[@]}" create --bundle "$TAP_TMP/execs" execs && "${A[@]}" start execs
out=$("${A[@]}" exec execs sh -c 'echo $(hostname) $(test $$ -gt 1 && echo inside) $(cat /proc/1/comm); exit 4') && st=0 || st=$?
is "$st:$out" "4:exec-host inside sleep" "exec runs in the container's namespaces (hostname, pids, /proc) and returns the status"
out=$("${A[@]}" exec -e GREETING=hi --cwd /tmp -u 1000:100 execs sh -c 'echo $GREETING $(pwd) $(id -u):$(id -g)')
is "$out" "hi /tmp 1000:100" "exec -e, --cwd and -u"
cat >"$TAP_TMP/process.json" <<'EOF'
{"args": ["sh", "-c", "echo from process.json in $(pwd) as $(id -u)"], "cwd": "/etc", "env": ["PATH=/bin"], "user": {"uid": 7, "gid": 7}}
EOF
out=$("${A[@]}" exec -p "$TAP_TMP/process.json" execs)
is "$out" "from process.json in /etc as 7" "exec -p process.json"
"${A[@]}" exec -d --pid-file "$TAP_TMP/exec.pid" execs sh -c 'echo detached >/tmp/detached; sleep 100'
epid=$(cat "$TAP_TMP/exec.pid")
for _ in $(seq 100); do [[ -s $TAP_TMP/execs/rootfs/tmp/detached ]] && break; sleep 0.05; done
is "$(cat "$TAP_TMP/execs/rootfs/tmp/detached" 2>/dev/null)" detached "exec -d runs on after returning"
[[ -d /proc/$epid ]] && ok "the pid file names the detached process" || not_ok "the pid file names the detached process"
epids=$("${A[@]}" ps --format json execs)
python3 -c 'import json, sys; pids = json.loads(sys.argv[1]); sys.exit(0 if int(sys.argv[2]) in pids and int(sys.argv[3]) in pids else 1)' \
    "$epids" "$(state_field execs pid)" "$epid" && ok "ps --format json lists the container's processes, exec'd ones too" ||
    { not_ok "ps --format json lists the container's processes, exec'd ones too"; diag "$epids"; }
is "$("${A[@]}" ps execs | head -1 | awk '{ print $2 }'):$("${A[@]}" ps execs | tail -n +2 | wc -l)" \
    "PID:$(python3 -c 'import json, sys; print(len(json.loads(sys.argv[1])))' "$epids")" "ps prints the host's ps -ef lines for them"
out=$("${A[@]}" exec execs /no/such/program 2>&1) && st=0 || st=$?
is "$st:$out" "127:airlock: /no/such/program: No such file or directory" "exec of a missing program"
"${A[@]}" delete --force execs
no_leftovers "$TAP_TMP/execs" "delete --force takes exec'd processes with it"
out=$("${A[@]}" exec execs true 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: container "execs" does not exist' "exec in a deleted container"
"${A[@]}" create --bundle "$TAP_TMP/execs" created-only
out=$("${A[@]}" exec created-only true 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: cannot exec in container "created-only": it is created, not running' "exec before start"
"${A[@]}" delete created-only

# --- hooks: each kind, in order, with the state on stdin, in the right namespaces
# hook.sh KIND LOG: logs its kind, the state's status and its network
# namespace (the number only; "none" where no /proc is mounted).
cat >"$TAP_TMP/hook.sh" <<'EOF'
#!/bin/sh
status=$(grep -o '"status": *"[a-z]*"' | sed 's/.*"\([a-z]*\)"$/\1/')
ns=$([ -e /proc/self/ns/net ] && readlink /proc/self/ns/net | tr -dc 0-9)
echo "$1 $status ${ns:-none}" >>"$2"
EOF
chmod 755 "$TAP_TMP/hook.sh"
LOG=$TAP_TMP/hooks.log
hook() {
    printf '{"path": "%s", "args": ["hook.sh", "%s", "%s"]}' "$1" "$2" "$3"
}
new_bundle hooked "
c['process']['args'] = ['sh', '-c', 'echo program ran']
c['root']['readonly'] = False
c['hooks'] = {
  'prestart': [$(hook "$TAP_TMP/hook.sh" prestart "$LOG")], 'createRuntime': [$(hook "$TAP_TMP/hook.sh" createRuntime "$LOG")],
  'createContainer': [$(hook "$TAP_TMP/hook.sh" createContainer "$LOG")],
  'startContainer': [$(hook /hook.sh startContainer /hooks.log)],
  'poststart': [$(hook "$TAP_TMP/hook.sh" poststart "$LOG")], 'poststop': [$(hook "$TAP_TMP/hook.sh" poststop "$LOG")]}
" >/dev/null
cp "$TAP_TMP/hook.sh" "$TAP_TMP/hooked/rootfs/hook.sh" # startContainer's path is the container's
"${A[@]}" create --bundle "$TAP_TMP/hooked" hooked >"$TAP_TMP/hooked.out" 2>&1
container_net=$(readlink "/proc/$(state_field hooked pid)/ns/net" | tr -dc 0-9)
"${A[@]}" start hooked
wait_status hooked stopped || true
"${A[@]}" delete hooked
host_net=$(readlink /proc/self/ns/net | tr -dc 0-9)
is "$(sed "s/ $container_net\$/ CONTAINER/; s/ $host_net\$/ HOST/" "$LOG")" "prestart creating HOST
createRuntime creating HOST
createContainer creating CONTAINER
poststart running HOST
poststop stopped HOST" "hooks run in order, with the state, in the runtime's or the container's namespaces"
is "$(cat "$TAP_TMP/hooked/rootfs/hooks.log")" "startContainer created none" \
    "startContainer runs in the container's root, before the program"
is "$(cat "$TAP_TMP/hooked.out")" "program ran" "and the program runs after them"
new_bundle badhook '
c["process"]["args"] = ["sleep", "100"]
c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}
' >/dev/null
out=$("${A[@]}" create --bundle "$TAP_TMP/badhook" badhook 2>&1) && st=0 || st=$?
is "$st:$out:$(ls "$STATE")" "125:airlock: createRuntime hook /bin/sh: exit status 3:" "a failing createRuntime hook fails create and leaves nothing"
no_leftovers "$TAP_TMP/badhook" "nor any process"
new_bundle slowhook '
c["process"]["args"] = ["true"]
c["hooks"] = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}
' >/dev/null
out=$("${A[@]}" create --bundle "$TAP_TMP/slowhook" slowhook 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: prestart hook /bin/sleep: timed out after 1 s" "a hook past its timeout is killed and fails create"

# --- oomScoreAdj and linux.devices ---------------------------------------------
new_bundle devices '
c["process"]["args"] = ["sh", "-c", "ls -l /dev/mynull | cut -c1-10; echo hi >/dev/mynull && echo written; sleep 100"]
c["process"]["oomScoreAdj"] = 500
c["root"]["readonly"] = False
c["linux"]["devices"] = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 0o600}]
' >/dev/null
"${A[@]}" create --bundle "$TAP_TMP/devices" devices >"$TAP_TMP/devices.out" 2>&1
is "$(cat "/proc/$(state_field devices pid)/oom_score_adj")" 500 "process.oomScoreAdj"
"${A[@]}" start devices
for _ in $(seq 100); do grep -q written "$TAP_TMP/devices.out" && break; sleep 0.05; done
is "$(cat "$TAP_TMP/devices.out")" "crw-------
written" "linux.devices: the node is made with its mode, and works"
"${A[@]}" delete --force devices

# --- namespaces: made, or joined by path ------------------------------------
touch "$TAP_TMP/uts-ns" "$TAP_TMP/net-ns"
"$UNSHARE" --uts="$TAP_TMP/uts-ns" --net="$TAP_TMP/net-ns" true
new_bundle nsjoin '
c["process"]["args"] = ["sleep", "100"]
c["linux"]["namespaces"] = [{"type": "pid"}, {"type": "mount"}, {"type": "ipc"}, {"type": "uts", "path": "UTS"}, {"type": "network", "path": "NET"}]
' >/dev/null
sed -i "s|\"UTS\"|\"$TAP_TMP/uts-ns\"|; s|\"NET\"|\"$TAP_TMP/net-ns\"|" "$TAP_TMP/nsjoin/config.json"
"${A[@]}" create --bundle "$TAP_TMP/nsjoin" nsjoin
pid=$(state_field nsjoin pid)
ns_of() { stat -L -c %i "$1"; }
is "$(ns_of "/proc/$pid/ns/uts"):$(ns_of "/proc/$pid/ns/net")" "$(ns_of "$TAP_TMP/uts-ns"):$(ns_of "$TAP_TMP/net-ns")" \
    "namespaces with a path are joined, by the process state reports"
[[ $(ns_of "/proc/$pid/ns/ipc") != "$(ns_of /proc/self/ns/ipc)" && $(ns_of "/proc/$pid/ns/mnt") != "$(ns_of /proc/self/ns/mnt)" ]] &&
    ok "the others are new ones" || not_ok "the others are new ones"
"${A[@]}" delete nsjoin
umount "$TAP_TMP/uts-ns" "$TAP_TMP/net-ns"

# --- run: create, start, wait and delete in one ------------------------------
out=$("${A[@]}" run --bundle "$B" runone 2>&1) && st=0 || st=$?
is "$st:$out" "3:out
err" "run --bundle: the program's output and exit status"
is "$(ls "$STATE")" "" "run deletes the container when it ends"
"${A[@]}" run -d -b "$B" rundetached >"$TAP_TMP/rundetached.out" 2>&1 && st=0 || st=$?
wait_status rundetached stopped || true
is "$st:$(state_field rundetached status)" "0:stopped" "run --detach returns at once and keeps the container"
"${A[@]}" delete rundetached

# --- what the container sees: the same bundle under runc and airlock --------
# run_both NAME: runs bundle NAME with runc (run, in the foreground) and with
# airlock (create, start); sets RUNC_OUT and AIRLOCK_OUT (stdout and stderr).
run_both() {
    local b=$TAP_TMP/$1
    RUNC_OUT=$(runc --root "$TAP_TMP/runc" run --bundle "$b" "runc-$1" 2>&1) || true
    rm -rf "$b/rootfs/tmp/x"
    "${A[@]}" create --bundle "$b" "$1" >"$TAP_TMP/$1.out" 2>&1 && "${A[@]}" start "$1"
    wait_status "$1" stopped || true
    AIRLOCK_OUT=$(cat "$TAP_TMP/$1.out")
    "${A[@]}" delete "$1" 2>/dev/null || true # not there if create failed (and said why)
}

new_bundle config '
c["process"]["args"] = ["sh", "-c", "id; hostname; pwd; echo $GREETING; umask; ulimit -n; ulimit -s; grep -E \"^(Cap|NoNewPrivs)\" /proc/self/status; touch /x 2>&1; touch /tmp/x && echo tmp writable"]
c["process"]["env"] = ["PATH=/bin:/usr/bin", "GREETING=hello there"]
c["process"]["cwd"] = "/tmp"
c["process"]["user"] = {"uid": 1000, "gid": 100, "additionalGids": [10, 20], "umask": 0o27}
c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 4096}, {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608}]
c["process"]["capabilities"] = {"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"], "effective": ["CAP_CHOWN", "CAP_KILL"], "permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"], "inheritable": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}
c["hostname"] = "oci-probe"
c["root"]["readonly"] = False
' >/dev/null
chmod 1777 "$TAP_TMP/config/rootfs/tmp"
run_both config
is "$AIRLOCK_OUT" "$RUNC_OUT" "user, groups, hostname, cwd, env, umask, rlimits, capabilities as runc gives them"
grep -q '^uid=1000 gid=100 groups=10,20$' <<<"$RUNC_OUT" && grep -q '^CapAmb:.*400$' <<<"$RUNC_OUT" &&
    ok "runc itself shows the config (so both cannot be wrong the same way)" ||
    not_ok "runc itself shows the config (so both cannot be wrong the same way)"

mkdir -p "$TAP_TMP/shared" && echo "from the host" >"$TAP_TMP/shared/f" && echo "a bound file" >"$TAP_TMP/greeting"
new_bundle rootcaps '
c["process"]["args"] = ["sh", "-c", "exec 2>&1; id; grep -E \"^Cap\" /proc/self/status; touch /x; echo $?; mkdir /tmp/d; echo $?; cat /data/f /etc/greeting; touch /data/g; echo $?; ls -ld /scratch | cut -c1-10; echo hi >/scratch/x && cat /scratch/x; ls /data"]
c["process"]["capabilities"] = {k: ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_SETUID", "CAP_SETGID"] for k in ("bounding", "effective", "permitted")}
c["mounts"] += [
    {"destination": "/data", "type": "bind", "source": "SHARED", "options": ["rbind", "ro", "nosuid"]},
    {"destination": "/etc/greeting", "type": "bind", "source": "GREETING", "options": ["bind"]},
    {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=1m"]},
]
' >/dev/null
sed -i "s|SHARED|$TAP_TMP/shared|; s|GREETING|$TAP_TMP/greeting|" "$TAP_TMP/rootcaps/config.json"
run_both rootcaps
is "$AIRLOCK_OUT" "$RUNC_OUT" "root with fewer capabilities, bind and tmpfs mounts and a read-only root, as under runc"
grep -q 'Read-only file system' <<<"$RUNC_OUT" && grep -q '^from the host$' <<<"$RUNC_OUT" &&
    grep -q '^drwxrwxrwt$' <<<"$RUNC_OUT" && ok "runc itself shows the read-only root and the mounts" ||
    not_ok "runc itself shows the read-only root and the mounts"
is "$(ls "$TAP_TMP/shared")" f "the read-only bind kept the host directory unchanged"
is "$(findmnt -rn -o TARGET | grep -c "$TAP_TMP/rootcaps" || true)" 0 \
    "the read-only bind never shows in the host's mount table"

# sysfs and mqueue mounts are real ones, in the container's namespaces; its
# loopback is up, as runc leaves it.
new_bundle sysfs '
c["process"]["args"] = ["sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/operstate; ls -d /dev/mqueue; grep -E \" (/sys|/dev/mqueue) \" /proc/self/mounts"]
c["mounts"] += [{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]}]
' >/dev/null
run_both sysfs
is "$AIRLOCK_OUT" "$RUNC_OUT" "sysfs and mqueue mounts, and the loopback's state, as under runc"
grep -q '^sysfs /sys sysfs ro' <<<"$RUNC_OUT" && ok "runc itself shows the sysfs mount" || not_ok "runc itself shows the sysfs mount"

# The guest's /proc/self/mounts lists the container's mounts.
new_bundle mountlist '
c["process"]["args"] = ["sh", "/mounts.sh"]
c["mounts"] += [{"destination": "/data", "type": "bind", "source": "SHARED", "options": ["rbind", "ro"]},
                {"destination": "/scratch", "type": "tmpfs", "source": "tmpfs"}]
' >/dev/null
cat >"$TAP_TMP/mountlist/rootfs/mounts.sh" <<'EOF'
awk '$2 == "/data" { split($4, o, ","); print $2, o[1] } $2 == "/scratch" { print $2, $3 }' /proc/self/mounts
EOF
sed -i "s|SHARED|$TAP_TMP/shared|" "$TAP_TMP/mountlist/config.json"
"${A[@]}" create --bundle "$TAP_TMP/mountlist" mountlist >"$TAP_TMP/mountlist.out" 2>&1 && "${A[@]}" start mountlist
wait_status mountlist stopped || true
"${A[@]}" delete mountlist
is "$(cat "$TAP_TMP/mountlist.out")" "/data ro
/scratch tmpfs" "/proc/self/mounts in the container lists its mounts"

# /proc/self/ns in the container: the namespaces the config asked for (the
# container process's, as the host sees them), and the host's for the rest.
new_bundle nslinks '
c["process"]["args"] = ["sh", "-c", "for n in net uts ipc pid mnt cgroup user; do readlink /proc/self/ns/$n; done; exec sleep 100"]
' >/dev/null
"${A[@]}" create --bundle "$TAP_TMP/nslinks" nslinks >"$TAP_TMP/nslinks.out" 2>&1 && "${A[@]}" start nslinks
for _ in $(seq 100); do [[ $(wc -l <"$TAP_TMP/nslinks.out") -ge 7 ]] && break; sleep 0.1; done
pid=$(state_field nslinks pid)
want=$(for n in net uts ipc pid_for_children mnt; do readlink "/proc/$pid/ns/$n"; done; readlink /proc/self/ns/cgroup /proc/self/ns/user)
is "$(cat "$TAP_TMP/nslinks.out")" "$want" "/proc/self/ns: new net, uts, ipc, pid and mount namespaces, the host's cgroup and user ones"
[[ $(readlink "/proc/$pid/ns/net") != "$(readlink /proc/self/ns/net)" ]] && ok "the container's network namespace is not the host's" ||
    not_ok "the container's network namespace is not the host's"
"${A[@]}" delete --force nslinks

# A user namespace: root in the container is 100000 on the host (the rootfs
# is chowned to it, as engines do), for the first process and for exec.
new_bundle userns '
c["process"]["args"] = ["sh", "-c", "id; rm -f /made; touch /made; ls -ln /made /etc/passwd | cut -c1-30; cat /proc/self/uid_map /proc/self/gid_map; ls -ln /dev/null /dev/zero | cut -c1-45; echo x >/dev/null && echo /dev/null works"]
c["mounts"] += [{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
                {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]}]
c["linux"]["namespaces"].append({"type": "user"})
c["linux"]["uidMappings"] = c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
c["root"]["readonly"] = False
' >/dev/null
chown -R 100000:100000 "$TAP_TMP/userns/rootfs"
chmod 755 "$TAP_TMP" # the bundle's path must be walkable by the container's root (runc's rule too)
run_both userns
is "$AIRLOCK_OUT" "$RUNC_OUT" "a user namespace: ids, file ownership, id maps and /dev as under runc"
grep -q '^uid=0(root) gid=0(root)$' <<<"$RUNC_OUT" && grep -q '100000' <<<"$RUNC_OUT" &&
    ok "runc itself shows the mapping" || not_ok "runc itself shows the mapping"
is "$(stat -c %u:%g "$TAP_TMP/userns/rootfs/made")" "100000:100000" "a file the container's root makes is the mapped id's on the host"
python3 - "$TAP_TMP/userns/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["sleep", "100"]; json.dump(c, open(sys.argv[1], "w"))
EOF
"${A[@]}" create --bundle "$TAP_TMP/userns" userns >"$TAP_TMP/userns.create" 2>&1 && "${A[@]}" start userns || diag_file "$TAP_TMP/userns.create" 5
out=$("${A[@]}" exec userns sh -c 'id; cat /proc/1/comm; touch /by-exec' 2>&1) && st=0 || st=$?
is "$st:$out:$(stat -c %u "$TAP_TMP/userns/rootfs/by-exec" 2>&1)" "0:uid=0(root) gid=0(root)
sleep:100000" "exec joins the user namespace first, and sees the container's processes"
is "$(readlink "/proc/$(state_field userns pid)/ns/user")" "$("${A[@]}" exec userns readlink /proc/self/ns/user 2>&1)" \
    "/proc/self/ns/user in the container is its user namespace"
"${A[@]}" delete --force userns

# A mount destination through a symlink the image planted stays inside the rootfs.
mkdir -p "$TAP_TMP/outside"
new_bundle escape '
c["process"]["args"] = ["sh", "-c", "ls -d /target/made && echo inside"]
c["mounts"].append({"destination": "/evil/made", "type": "tmpfs", "source": "tmpfs"})
c["root"]["readonly"] = False
' >/dev/null
# Inside the rootfs, the link's target resolves to this directory (.. stops at its root).
mkdir -p "$TAP_TMP/escape/rootfs/$TAP_TMP/outside"
ln -s "../../../../../../../../$TAP_TMP/outside" "$TAP_TMP/escape/rootfs/evil"
ln -s "/evil" "$TAP_TMP/escape/rootfs/target"
"${A[@]}" create --bundle "$TAP_TMP/escape" escape >"$TAP_TMP/escape.out" 2>&1 && "${A[@]}" start escape
wait_status escape stopped || true
"${A[@]}" delete escape
is "$(cat "$TAP_TMP/escape.out"):$(ls "$TAP_TMP/outside")" "/target/made
inside:" "a mount through a symlink pointing out of the rootfs lands inside it"

# --- cgroups: limits on the host's cgroup tree, the OOM path, cleanup -------
new_bundle limits '
c["process"]["args"] = ["sh", "-c", "x=$(head -c 200000000 /dev/zero | tr \"\\\\0\" a); echo survived ${#x}"]
c["linux"]["resources"] = {"memory": {"limit": 67108864}, "pids": {"limit": 64}, "cpu": {"shares": 512, "quota": 50000, "period": 100000}, "devices": [{"allow": False, "access": "rwm"}, {"allow": True, "type": "c", "major": 10, "minor": 200, "access": "rw"}]}
c["linux"]["cgroupsPath"] = "/airlock-test/CGID"
' >/dev/null
sed -i "s|CGID|limits-$$|" "$TAP_TMP/limits/config.json"
"${A[@]}" create --bundle "$TAP_TMP/limits" limits >"$TAP_TMP/limits.out" 2>&1
cg=limits-$$
if [[ -d /sys/fs/cgroup/memory ]]; then # v1 (this project's CI machines: hybrid)
    got=$(cat /sys/fs/cgroup/memory/airlock-test/$cg/memory.limit_in_bytes /sys/fs/cgroup/pids/airlock-test/$cg/pids.max \
        /sys/fs/cgroup/cpu/airlock-test/$cg/cpu.shares /sys/fs/cgroup/cpu/airlock-test/$cg/cpu.cfs_quota_us \
        | tr '\n' ' ')
    want="67108864 260 512 50000 " # pids: the host's bound for 64 guest tasks (jail/cgroup.c)
    devices=$(cat /sys/fs/cgroup/devices/airlock-test/$cg/devices.list)
    grep -qx 'c 10:200 rw' <<<"$devices" && grep -qx 'c 1:3 rwm' <<<"$devices" && ! grep -q '^a' <<<"$devices" &&
        ok "devices: the config's rules, then the devices every container has" ||
        { not_ok "devices: the config's rules, then the devices every container has"; diag "$devices"; }
    pid=$(state_field limits pid)
    grep -q "^[0-9]*:memory:/airlock-test/$cg\$" "/proc/$pid/cgroup" && ok "the container's process is in its cgroup" ||
        not_ok "the container's process is in its cgroup"
else
    got=$(cat /sys/fs/cgroup/airlock-test/$cg/memory.max /sys/fs/cgroup/airlock-test/$cg/pids.max \
        /sys/fs/cgroup/airlock-test/$cg/cpu.max | tr '\n' ' ')
    want="67108864 260 50000 100000 "
    ok "cgroup v2 host"
fi
is "$got" "$want" "create writes the limits into the container's cgroup"
"${A[@]}" start limits
wait_status limits stopped 600 || true # filling 64 MiB through a pipe takes a while on a busy machine
is "$(cat "$TAP_TMP/limits.out")" "" "past its memory limit the container is killed, not the host"
"${A[@]}" delete limits
is "$(find /sys/fs/cgroup -maxdepth 3 -name "$cg" | wc -l)" 0 "delete removes the cgroup"

# A cgroup mount shows the container's own cgroup, read-only, as under runc.
new_bundle cgmount '
c["process"]["args"] = ["sh", "-c", "ls /sys/fs/cgroup; cat /sys/fs/cgroup/memory/memory.limit_in_bytes; touch /sys/fs/cgroup/memory/x; grep -c \"^cgroup /sys/fs/cgroup/.* cgroup ro,\" /proc/self/mounts"]
c["mounts"] += [{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
                {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}]
c["linux"]["resources"] = {"memory": {"limit": 67108864}}
c["linux"]["cgroupsPath"] = "/airlock-test/cgmount-CGID"
' >/dev/null
sed -i "s|CGID|$$|" "$TAP_TMP/cgmount/config.json"
run_both cgmount
is "$AIRLOCK_OUT" "$RUNC_OUT" "a cgroup mount: the container's cgroup, read-only, as under runc"
grep -q '^67108864$' <<<"$RUNC_OUT" && ok "runc itself shows the memory limit there" || not_ok "runc itself shows the memory limit there"

# pids.limit counts the guest's tasks as Linux does, whatever each costs the
# host: forks (busybox sh) and threads (python3, on the Debian fixture as a
# read-only root) stop at the same place as under runc.
new_bundle pids '
c["process"]["args"] = ["sh", "-c", "for i in $(seq 20); do sleep 2 & echo $i; done 2>&1"]
c["linux"]["resources"] = {"pids": {"limit": 10}}
c["linux"]["cgroupsPath"] = "/airlock-test/pids-CGID"
' >/dev/null
sed -i "s|CGID|$$|" "$TAP_TMP/pids/config.json"
run_both pids
is "$AIRLOCK_OUT" "$RUNC_OUT" "pids.limit: the fork that would pass the limit fails with EAGAIN, as under runc"
grep -q "can't fork" <<<"$RUNC_OUT" && ok "runc itself stops the forks" || not_ok "runc itself stops the forks"
if D=$(debian_rootfs); then
    new_bundle threads '
c["root"] = {"path": "DEBIAN", "readonly": True}
c["mounts"].append({"destination": "/dev", "type": "tmpfs", "source": "tmpfs"}) # runc writes its nodes there, not into the shared fixture
c["process"]["args"] = ["python3", "-c", "import threading\nstop, n = threading.Event(), 0\ntry:\n    for _ in range(40):\n        threading.Thread(target=stop.wait).start()\n        n += 1\nexcept RuntimeError as e:\n    print(e)\nprint(n, \"threads\")\nstop.set()"]
c["linux"]["resources"] = {"pids": {"limit": 8}}
c["linux"]["cgroupsPath"] = "/airlock-test/threads-CGID"
' >/dev/null
    sed -i "s|DEBIAN|$D|; s|CGID|$$|" "$TAP_TMP/threads/config.json"
    run_both threads
    is "$AIRLOCK_OUT" "$RUNC_OUT" "pids.limit: threads count too, as under runc"
    grep -q "^7 threads" <<<"$RUNC_OUT" && ok "runc itself stops the threads" || not_ok "runc itself stops the threads"
else
    not_ok "the Debian fixture builds"
fi
rmdir /sys/fs/cgroup/*/airlock-test /sys/fs/cgroup/airlock-test 2>/dev/null || true

# --- bad bundles: one line, status 125, nothing left -------------------------
bad_bundle() {
    local desc=$1 want=$2 dir=$3 status=${4:-125} out st
    out=$("${A[@]}" create --bundle "$dir" bad 2>&1) && st=0 || st=$?
    is "$st:$out" "$status:airlock: $want" "bad bundle: $desc"
    is "$(ls "$STATE" 2>/dev/null)" "" "bad bundle: $desc: no state left"
}
BAD=$(new_bundle bad)
cp "$BAD/config.json" "$TAP_TMP/good.json"
edit_bad() { cp "$TAP_TMP/good.json" "$BAD/config.json"; python3 - "$BAD/config.json" "$1" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(c, open(sys.argv[1], "w"))
EOF
}
printf '{"ociVersion": "1.0.2", "process": ' >"$BAD/config.json"
bad_bundle "truncated JSON" "config.json: not valid JSON at line 1, column 36: unexpected end of data" "$BAD"
printf '{"ociVersion": "1.0.2",\n "process": {,}}' >"$BAD/config.json"
bad_bundle "a syntax error" "config.json: not valid JSON at line 2, column 14: quoted object property name expected" "$BAD"
edit_bad 'c["process"]["args"] = "sh"'
bad_bundle "args of the wrong type" "config.json: process.args: must be an array, not a string" "$BAD"
edit_bad 'del c["root"]'
bad_bundle "no root" "config.json: root.path: missing" "$BAD"
edit_bad 'c["linux"]["namespaces"].append({"type": "bogus"})'
bad_bundle "an unknown namespace" 'config.json: linux.namespaces[5].type: unknown namespace "bogus"' "$BAD"
edit_bad 'c["root"]["path"] = "../../.."'
bad_bundle "a root leading out of the bundle" "config.json: root.path: ../../.. leads out of the bundle" "$BAD"
edit_bad 'c["hooks"] = {"prestart": [{"path": "true"}]}'
bad_bundle "a hook with a relative path" "config.json: hooks.prestart[0].path: must be an absolute path" "$BAD"
edit_bad 'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 1000, "size": 1}]'
bad_bundle "user id mappings without a user namespace" \
    "config.json: linux.uidMappings: needs a new user namespace in linux.namespaces" "$BAD"
edit_bad 'c["linux"]["namespaces"].append({"type": "user"})'
bad_bundle "a user namespace without mappings" \
    "config.json: linux.uidMappings: a new user namespace needs 1 to 340 mappings" "$BAD"
edit_bad 'c["linux"]["namespaces"].append({"type": "user"}); c["linux"]["uidMappings"] = c["linux"]["gidMappings"] = [{"containerID": 1, "hostID": 100000, "size": 10}]'
bad_bundle "a user namespace whose root is not mapped" \
    "config.json: linux.uidMappings: must map id 0, the namespace's root" "$BAD"
edit_bad 'c["mounts"].append({"destination": "/data", "type": "bind", "source": "etc", "options": ["rbind"]})'
bad_bundle "a bind mount of a relative source" "config.json: mounts[1].type: a bind mount needs an absolute source (bind at /data)" "$BAD"
edit_bad 'c["mounts"].append({"destination": "/data", "type": "nfs", "source": "host:/x"})'
bad_bundle "an nfs mount (not served)" "config.json: mounts[1].type: mounts of this type are not supported yet (nfs at /data)" "$BAD"
edit_bad 'c["ociVersion"] = "2.0.0"'
bad_bundle "a runtime-spec 2.x config" 'config.json: ociVersion: "2.0.0" is not a 1.x runtime-spec version' "$BAD"
edit_bad 'c["process"]["args"] = ["/no/such/program"]'
bad_bundle "a missing program (127, as docker gives)" "/no/such/program: No such file or directory" "$BAD" 127
rm "$BAD/config.json"
bad_bundle "no config.json" "config.json: No such file or directory" "$BAD"
bad_bundle "a bundle that is not there" "bundle $TAP_TMP/nowhere: No such file or directory" "$TAP_TMP/nowhere"

out=$("${A[@]}" create --bundle "$B" 'bad/id' 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: invalid container id "bad/id"' "an id with a slash"
"${A[@]}" create --bundle "$B" twice
out=$("${A[@]}" create --bundle "$B" twice 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: container "twice" already exists' "an id already in use"
"${A[@]}" delete twice
out=$("${A[@]}" state nosuch 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: container "nosuch" does not exist' "state of an unknown container"
out=$("${A[@]}" kill nosuch 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: container "nosuch" does not exist' "kill of an unknown container"

# --log in JSON: what callers (containerd, podman) read after a failure.
"$AIRLOCK" --root "$STATE" --log "$TAP_TMP/log.json" --log-format json state nosuch 2>/dev/null || true
python3 -c 'import json, sys
line = json.loads(open(sys.argv[1]).readline())
print(line["level"], line["msg"])' "$TAP_TMP/log.json" >"$TAP_TMP/log.txt" 2>&1 || true
is "$(cat "$TAP_TMP/log.txt")" 'error container "nosuch" does not exist' "--log-format json writes JSON lines"
out=$("$AIRLOCK" --log-format yaml list 2>&1) && st=0 || st=$?
is "$st:$out" '125:airlock: --log-format must be text or json, not "yaml"' "a bad --log-format"

done_testing
