#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds the demo image, a docker-archive named demo:latest holding Debian's
# busybox-static and its applets, so that `airlock run demo ...` works on a
# machine with no registry. Usage: scripts/demo-image.sh OUT.tar
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUT.tar" >&2
    exit 2
fi
out=$1
busybox=/bin/busybox # busybox-static: one static x86-64 ELF
if [[ ! -x $busybox ]]; then
    echo "$0: $busybox missing; run scripts/install-deps.sh (busybox-static)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mkdir -p "$root"/{bin,etc,root,tmp} "$work/image/layer"
chmod 1777 "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# Reproducible: the same busybox gives the same layer and so the same image id.
tar -C "$root" --sort=name --mtime='2024-01-01 00:00:00 UTC' --owner=0 --group=0 --numeric-owner \
    -cf "$work/image/layer/layer.tar" .
diff_id=sha256:$(sha256sum <"$work/image/layer/layer.tar" | cut -d' ' -f1)
cat >"$work/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"2024-01-01T00:00:00Z","config":{"Cmd":["sh"],"Env":["PATH=/bin"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
cat >"$work/image/manifest.json" <<'JSON'
[{"Config":"config.json","RepoTags":["demo:latest"],"Layers":["layer/layer.tar"]}]
JSON
tar -C "$work/image" --sort=name --mtime='2024-01-01 00:00:00 UTC' --owner=0 --group=0 --numeric-owner \
    -cf "$out.tmp" .
mv "$out.tmp" "$out"
