#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A registry double for what Debian's docker-registry cannot be made to do
in a test: Bearer token authentication, a blob whose bytes are wrong, a
transfer cut half-way. Serves one OCI image layout (tests/lib/image-tool.py
oci) under one repository name on 127.0.0.1.

  fake-registry.py LAYOUT REPO PORT_FILE LOG [--token USER:PASS] [--corrupt] [--cut]

--token   every /v2/ request needs "Bearer good-token", which GET /token
          gives for Basic USER:PASS (the challenge names it as the realm)
--corrupt the first layer is served with one byte changed
--cut     the first request for the first layer gets half of it, then the
          connection is closed; later ones are served (with Range honoured)
LOG gets one line per request: METHOD PATH RANGE AUTHORIZATION-SCHEME.
"""
import base64
import http.server
import json
import os
import sys


def main(argv):
    layout, repo, port_file, log_path = argv[1:5]
    flags = argv[5:]
    token_creds = flags[flags.index("--token") + 1] if "--token" in flags else None
    corrupt, cut = "--corrupt" in flags, "--cut" in flags
    with open(os.path.join(layout, "index.json")) as f:
        top = json.load(f)["manifests"][0]

    def blob_path(digest):
        return os.path.join(layout, "blobs", "sha256", digest.split(":", 1)[1])

    def media_of(digest):
        with open(blob_path(digest)) as f:
            return json.load(f).get("mediaType", "application/vnd.oci.image.manifest.v1+json")

    def first_layer():
        manifest = json.load(open(blob_path(top["digest"])))
        if "manifests" in manifest:  # an index: its amd64 image
            chosen = [m for m in manifest["manifests"] if m.get("platform", {}).get("architecture") == "amd64"][0]
            manifest = json.load(open(blob_path(chosen["digest"])))
        return manifest["layers"][0]["digest"]

    state = {"cut_done": False}
    log = open(log_path, "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, code, body=b"", headers=()):
            self.send_response(code)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            auth = self.headers.get("Authorization", "")
            log.write("%s %s %s %s\n" % ("GET", self.path, self.headers.get("Range", "-"), auth.split(" ")[0] or "-"))
            if self.path.startswith("/token"):
                want = "Basic " + base64.b64encode(token_creds.encode()).decode()
                if auth != want:
                    return self.send(401, b"{}")
                return self.send(200, json.dumps({"token": "good-token"}).encode())
            if token_creds and auth != "Bearer good-token":
                realm = "http://127.0.0.1:%d/token" % self.server.server_port
                return self.send(401, b"{}", [("WWW-Authenticate", 'Bearer realm="%s",service="fake"' % realm)])
            prefix = "/v2/%s/" % repo
            if self.path == "/v2/":
                return self.send(200, b"{}")
            if not self.path.startswith(prefix):
                return self.send(404)
            kind, _, ref = self.path[len(prefix):].partition("/")
            if kind == "manifests":
                digest = top["digest"] if not ref.startswith("sha256:") else ref
                if not os.path.exists(blob_path(digest)):
                    return self.send(404)
                data = open(blob_path(digest), "rb").read()
                return self.send(200, data, [("Content-Type", media_of(digest))])
            if kind == "blobs" and os.path.exists(blob_path(ref)):
                data = open(blob_path(ref), "rb").read()
                if corrupt and ref == first_layer():
                    data = b"X" + data[1:]
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes=") and rng.endswith("-"):
                    start = int(rng[6:-1])
                if cut and ref == first_layer() and not state["cut_done"]:
                    state["cut_done"] = True
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[:len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if start:
                    return self.send(206, data[start:],
                                     [("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))])
                return self.send(200, data)
            return self.send(404)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
