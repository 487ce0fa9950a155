#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# airlock pull: from Debian's docker-registry on loopback (populated with
# skopeo from images tests/lib/image-tool.py builds: several layers with
# whiteouts, a multi-arch index), with and without basic authentication;
# from tests/lib/fake-registry.py for Bearer tokens, a corrupted blob and a
# transfer cut half-way (resumed). Each pulled image is run and compared with
# the same image loaded from its files.

# shellcheck source=../lib/tap.sh
source "$(dirname "$0")/../lib/tap.sh"

FIXTURE=$(fixture_rootfs)
check_airlock
TOOL=(python3 "$REPO_ROOT/tests/lib/image-tool.py")

disk_tmpdir W
export AIRLOCK_STORE=$W/store
A=("$AIRLOCK")
servers=()
trap 'kill "${servers[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "${_tap_cleanup[@]}"' EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # URL: until something answers (10 s)
    python3 - "$1" <<'EOF'
import sys, time, urllib.error, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
EOF
}
# docker_registry NAME [HTPASSWD]: a registry on a free port; sets PORT.
docker_registry() {
    PORT=$(free_port)
    {
        printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: 127.0.0.1:%s\n' "$W/$1" "$PORT"
        [[ -z ${2:-} ]] || printf 'auth:\n  htpasswd:\n    realm: test\n    path: %s\n' "$2"
    } >"$W/$1.yml"
    docker-registry serve "$W/$1.yml" >"$W/$1.log" 2>&1 &
    servers+=($!)
    wait_http "http://127.0.0.1:$PORT/v2/"
}
# fake NAME FLAGS...: tests/lib/fake-registry.py serving $W/layout as test/app; sets PORT.
fake() {
    local name=$1
    shift
    python3 "$REPO_ROOT/tests/lib/fake-registry.py" "$W/layout" test/app "$W/$name.port" "$W/$name.log" "$@" &
    servers+=($!)
    for _ in $(seq 100); do [[ -s $W/$name.port ]] && break; sleep 0.1; done
    PORT=$(cat "$W/$name.port")
}

# The image: the busybox fixture, a layer with a whiteout and an opaque directory, one with the program.
"${TOOL[@]}" layer "$W/base.tar" "$FIXTURE"
printf '%s\n' '[{"name": "etc/.wh.group"}, {"name": "etc/more/a", "data": "a\n"}]' >"$W/l2.json"
"${TOOL[@]}" layer "$W/l2.tar" --spec "$W/l2.json"
printf '%s\n' '[{"name": "etc/more/.wh..wh..opq"}, {"name": "etc/more/b", "data": "b\n"},
 {"name": "app/run.sh", "mode": "755", "data": "#!/bin/sh\necho \"$GREETING: $(ls /etc | tr \"\\n\" \" \")$(ls /etc/more)\"\n"}]' >"$W/l3.json"
"${TOOL[@]}" layer "$W/l3.tar" --spec "$W/l3.json"
printf '%s\n' '{"Entrypoint": ["/app/run.sh"], "Env": ["GREETING=pulled"]}' >"$W/config.json"
"${TOOL[@]}" oci "$W/layout" "$W/config.json" "$W/base.tar" "$W/l2.tar" "$W/l3.tar" --gzip --multiarch --name local/app:1
"${A[@]}" load -i "$W/layout" >/dev/null
want=$("${A[@]}" run local/app:1 2>&1)

# --- docker-registry, populated with skopeo ----------------------------------
docker_registry plain
skopeo copy --quiet --all --dest-tls-verify=false "oci:$W/layout" "docker://127.0.0.1:$PORT/test/app:1"
out=$("${A[@]}" pull -q "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
is "$st:$out" "0:" "pull from docker-registry: a multi-arch index, gzip layers"
is "$("${A[@]}" run "127.0.0.1:$PORT/test/app:1" 2>&1)" "$want" \
    "the pulled image runs as the same image loaded from its files (whiteouts, an opaque directory)"
is "$("${A[@]}" images | awk -v r="127.0.0.1:$PORT/test/app" '$1 == r { print $2 }')" "1" "images lists it by its reference"
out=$("${A[@]}" pull "127.0.0.1:$PORT/test/app:1" 2>&1)
is "$(grep -c '^blob' <<<"$out" || true):$(tail -1 <<<"$out" | cut -c1-8)" "0:Digest: " "a second pull finds every blob there already"
"${A[@]}" rmi "127.0.0.1:$PORT/test/app:1" >/dev/null
is "$("${A[@]}" images | grep -c "$PORT" || true)" 0 "rmi: round trip done"
out=$("${A[@]}" pull "127.0.0.1:$PORT/test/none:1" 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: pull: 127.0.0.1:$PORT/test/none:1: the registry answered 404" "pull of an image the registry lacks"
out=$("${A[@]}" pull 'Not A Reference' 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: pull: \"Not A Reference\" is not an image reference" "pull of something that is no reference"

# --- basic authentication (htpasswd) -----------------------------------------
python3 -c 'import crypt; print("user:" + crypt.crypt("secret", crypt.mksalt(crypt.METHOD_BLOWFISH)))' >"$W/htpasswd" 2>/dev/null
docker_registry basic "$W/htpasswd"
skopeo copy --quiet --all --dest-tls-verify=false --dest-creds user:secret "oci:$W/layout" "docker://127.0.0.1:$PORT/test/app:1"
out=$("${A[@]}" pull -q "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
is "$st:$out" "125:airlock: pull: 127.0.0.1:$PORT asks for a user and password (--creds USER:PASSWORD)" "basic auth: no credentials"
out=$("${A[@]}" pull -q --creds user:secret "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
is "$st:$out:$("${A[@]}" run "127.0.0.1:$PORT/test/app:1" 2>&1)" "0::$want" "basic auth: pulled with --creds, and it runs"

# --- Bearer tokens, a corrupted blob, a cut transfer (the double) ------------
fake token --token user:secret
out=$("${A[@]}" pull -q --creds user:secret "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
is "$st:$out:$("${A[@]}" run "127.0.0.1:$PORT/test/app:1" 2>&1)" "0::$want" "token auth: a Bearer token from the realm, with the credentials"
grep -q '^GET /token' "$W/token.log" && grep -q ' Bearer$' "$W/token.log" && ok "the token was asked for and used" ||
    { not_ok "the token was asked for and used"; diag_file "$W/token.log" 10; }
"${A[@]}" rmi "127.0.0.1:$PORT/test/app:1" >/dev/null
out=$("${A[@]}" pull -q --creds user:wrong "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
[[ $st == 125 && $out == *"no token from"* ]] && ok "token auth: wrong credentials are refused" ||
    { not_ok "token auth: wrong credentials are refused"; diag "$out"; }

export AIRLOCK_STORE=$W/fresh-corrupt # a store without the blobs: they are fetched, not found
fake corrupt --corrupt
out=$("${A[@]}" pull -q "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
[[ $st == 125 && $out == *"the content's digest is"* ]] && ok "a blob with the wrong bytes is refused by its digest" ||
    { not_ok "a blob with the wrong bytes is refused by its digest"; diag "$out"; }
is "$("${A[@]}" images | grep -c "$PORT" || true):$(ls "$AIRLOCK_STORE/tmp")" "0:" "nothing of it is kept or named"

export AIRLOCK_STORE=$W/fresh-cut
fake cut --cut
out=$("${A[@]}" pull -q "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
[[ $st == 125 ]] && ok "a transfer cut half-way fails the pull" || { not_ok "a transfer cut half-way fails the pull"; diag "$out"; }
out=$("${A[@]}" pull -q "127.0.0.1:$PORT/test/app:1" 2>&1) && st=0 || st=$?
is "$st:$out:$("${A[@]}" run "127.0.0.1:$PORT/test/app:1" 2>&1)" "0::$want" "pulled again, it completes and runs"
grep -Eq '^GET /v2/test/app/blobs/sha256:[0-9a-f]+ bytes=[1-9][0-9]*- ' "$W/cut.log" && ok "the second pull resumed the blob (Range)" ||
    { not_ok "the second pull resumed the blob (Range)"; diag_file "$W/cut.log" 20; }
is "$(ls "$AIRLOCK_STORE/tmp")" "" "no partial blob is left"

done_testing
