#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Builds container images for the tests, as registries and `docker save`
lay them out, from layer tarballs (tests/lib/image-tool.py --help).

  layer OUT.tar DIR                    a layer of everything in DIR
  layer OUT.tar --spec SPEC.json       a layer of the entries SPEC lists
                                       ([{"name", "type": file|dir|symlink|hardlink,
                                         "data", "target", "mode"}])
  docker-archive OUT.tar NAME:TAG CONFIG.json LAYER.tar...
  oci OUT CONFIG.json LAYER.tar... [--name NAME:TAG] [--gzip] [--multiarch]
                                       [--archive] [--corrupt]

CONFIG.json holds the image config's "config" object (Entrypoint, Cmd,
Env, WorkingDir, User).
"""
import gzip
import hashlib
import io
import json
import os
import sys
import tarfile


def layer_from_dir(out, src):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(os.listdir(src)):
            t.add(os.path.join(src, name), arcname=name)


def layer_from_spec(out, spec):
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        for e in spec:
            info = tarfile.TarInfo(e["name"])
            info.mode = int(e.get("mode", "644"), 8)
            info.mtime = 1700000000
            data = None
            kind = e.get("type", "file")
            if kind == "dir":
                info.type = tarfile.DIRTYPE
                info.mode = int(e.get("mode", "755"), 8)
            elif kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = e["target"]
            elif kind == "hardlink":
                info.type = tarfile.LNKTYPE
                info.linkname = e["target"]
            else:
                data = e.get("data", "").encode()
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if data is not None else None)


def blob(root, data):
    digest = hashlib.sha256(data).hexdigest()
    os.makedirs(os.path.join(root, "blobs", "sha256"), exist_ok=True)
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def image_config(config_path, layers, arch="amd64"):
    """The config; diff_ids are the digests of the uncompressed layers."""
    with open(config_path) as f:
        config = json.load(f)
    diff_ids = []
    for path in layers:
        with open(path, "rb") as f:
            diff_ids.append("sha256:" + hashlib.sha256(f.read()).hexdigest())
    return json.dumps({"architecture": arch, "os": "linux", "created": "2026-01-01T00:00:00Z",
                       "config": config, "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()


def docker_archive(out, name, config_path, layers):
    entries = {}
    config = image_config(config_path, layers)
    entries["config.json"] = config
    names = []
    for i, path in enumerate(layers):
        with open(path, "rb") as f:
            entries["layer%d/layer.tar" % i] = f.read()
        names.append("layer%d/layer.tar" % i)
    entries["manifest.json"] = json.dumps([{"Config": "config.json", "RepoTags": [name],
                                            "Layers": names}]).encode()
    with tarfile.open(out, "w") as t:
        for n, data in entries.items():
            info = tarfile.TarInfo(n)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))


def oci(out, config_path, layers, name=None, compress=False, multiarch=False, archive=False, corrupt=False):
    root = out + ".d" if archive else out
    os.makedirs(root, exist_ok=True)
    descs = []
    for path in layers:
        with open(path, "rb") as f:
            data = f.read()
        if compress:
            data = gzip.compress(data, mtime=0)
        d = blob(root, data)
        d["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + ("+gzip" if compress else "")
        descs.append(d)
    config = blob(root, image_config(config_path, layers))
    config["mediaType"] = "application/vnd.oci.image.config.v1+json"
    manifest = blob(root, json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                                      "config": config, "layers": descs}).encode())
    manifest["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
    top = dict(manifest)
    if multiarch:
        # An arm64 image first (config only, no layers): the loader must pick amd64.
        other_config = blob(root, image_config(config_path, [], "arm64"))
        other_config["mediaType"] = "application/vnd.oci.image.config.v1+json"
        other = blob(root, json.dumps({"schemaVersion": 2, "config": other_config, "layers": []}).encode())
        other["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
        other["platform"] = {"os": "linux", "architecture": "arm64"}
        manifest["platform"] = {"os": "linux", "architecture": "amd64"}
        top = blob(root, json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                                     "manifests": [other, manifest]}).encode())
        top["mediaType"] = "application/vnd.oci.image.index.v1+json"
    if name:
        top["annotations"] = {"org.opencontainers.image.ref.name": name}
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [top]}, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    if corrupt:
        # The first layer's bytes change; its name (the digest) does not.
        path = os.path.join(root, "blobs", "sha256", descs[0]["digest"][7:])
        with open(path, "r+b") as f:
            f.seek(0)
            f.write(b"X")
    if archive:
        with tarfile.open(out, "w") as t:
            for n in sorted(os.listdir(root)):
                t.add(os.path.join(root, n), arcname=n)


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__)
        return 0
    cmd, args = argv[1], argv[2:]
    if cmd == "layer":
        if args[1] == "--spec":
            with open(args[2]) as f:
                layer_from_spec(args[0], json.load(f))
        else:
            layer_from_dir(args[0], args[1])
    elif cmd == "docker-archive":
        docker_archive(args[0], args[1], args[2], args[3:])
    elif cmd == "oci":
        flags = [a for a in args if a.startswith("--")]
        plain = [a for a in args if not a.startswith("--") and a not in flags]
        name = None
        if "--name" in args:
            name = args[args.index("--name") + 1]
            plain.remove(name)
        oci(plain[0], plain[1], plain[2:], name=name, compress="--gzip" in flags,
            multiarch="--multiarch" in flags, archive="--archive" in flags, corrupt="--corrupt" in flags)
    else:
        print("unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
