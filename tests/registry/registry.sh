#!/bin/bash
# tests/registry/registry.sh KENSA SRCDIR - registry pulls against Debian's
# real docker-registry (distribution 2.8) on 127.0.0.1, filled with skopeo:
#  1. an OCI image (umoci, 2 layers) pulled by tag: its SBOMs (CycloneDX,
#     SPDX, inventory JSON) equal those of the same OCI layout read locally,
#     apart from the target name and what is derived from it (the serial
#     number, and the image's pkg:oci purl, which only a reference gives);
#     they validate against the official schemas;
#  1b. kensa scan registry: the scan sample tree as an image finds what the
#     tree itself gives (tests/data/scan), as an IMAGE resource named by digest;
#  2. a second pull downloads no blob (registry access log and kensa's count);
#     a digest reference whose blobs are cached needs no request at all;
#  3. a docker-save archive pushed as Docker v2 schema 2: same components as
#     the archive read locally;
#  4. a multi-platform OCI index: --platform picks, the host's is the
#     default, an absent platform lists the choices;
#  5. a corrupted blob in the registry's storage: digest error, nothing cached;
#  6. htpasswd (Basic): works with KENSA_REGISTRY_AUTH or a Docker config,
#     fails clearly without credentials or with wrong ones;
#  7. token auth (Bearer): docker-registry with `auth: token` trusting a
#     certificate made here, and a token issuer written in Python that signs
#     RS256 JWTs with its key: anonymous pull of a public repository, pull of
#     a private one with credentials, refusal without;
#  8. a schema 1 manifest (pushed with skopeo --format v2s1) is refused.
set -euo pipefail
KENSA=$(realpath "$1")
SRC=$(realpath "$2")
for t in docker-registry skopeo umoci htpasswd openssl python3 curl node; do
    command -v $t >/dev/null || { echo "$t is missing (.ci/packages)"; exit 1; }
done
# The token issuer needs Debian's python3-jwt: use Debian's python3 (a
# python3 earlier on PATH, e.g. pyenv, does not see it).
SYSPY=/usr/bin/python3
$SYSPY -c 'import jwt, cryptography' 2>/dev/null ||
    { echo "python3-jwt and python3-cryptography are missing (.ci/packages)"; exit 1; }
npmdir=$("$SRC/tests/fixtures/npm-tools.sh")   # the schema validator (ajv)
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT; [ -n "${KEEP:-}" ] && trap - EXIT
cd "$tmp"
fail() { echo "FAIL: $*"; exit 1; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_registry NAME [AUTH-YAML]: a registry with storage in NAME.store and
# its log in NAME.log; sets PORT.
start_registry() {
    local name=$1 auth=${2:-}
    PORT=$(free_port)
    cat >"$name.yml" <<EOF
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: $tmp/$name.store
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
$auth
EOF
    docker-registry serve "$name.yml" >"$name.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/v2/" && return 0
        sleep 0.05
    done
    cat "$name.log"
    fail "registry $name did not start"
}

# The test image: 2 layers (os-release + dpkg status; then one more package).
para() { printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n\n' "$1" "$2"; }
umoci init --layout img >/dev/null
umoci new --image img:t
umoci unpack --image img:t bundle >/dev/null
r=bundle/rootfs
mkdir -p $r/etc $r/var/lib/dpkg
printf 'ID=debian\nVERSION_ID="12"\n' >$r/etc/os-release
{ para base-files 12.4; para pkg-b 1.0; } >$r/var/lib/dpkg/status
umoci repack --image img:t bundle
rm -rf bundle
umoci unpack --image img:t bundle >/dev/null
{ para base-files 12.4; para pkg-a 2.0; para pkg-b 1.0; } >$r/var/lib/dpkg/status
umoci repack --image img:t bundle
rm -rf bundle

# A multi-platform index of it: the same layers under an arm64 config.
cp -r img mimg
python3 - <<'PY'
import hashlib, json, os
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    open("mimg/blobs/sha256/" + d, "wb").write(data)
    return "sha256:" + d, len(data)
idx = json.load(open("mimg/index.json"))
amd = idx["manifests"][0]
man = json.load(open("mimg/blobs/sha256/" + amd["digest"][7:]))
cfg = json.load(open("mimg/blobs/sha256/" + man["config"]["digest"][7:]))
cfg["architecture"] = "arm64"
cd, cs = blob(json.dumps(cfg).encode())
man2 = dict(man, config=dict(man["config"], digest=cd, size=cs))
md, ms = blob(json.dumps(man2).encode())
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
         "manifests": [
             {"mediaType": amd["mediaType"], "digest": amd["digest"], "size": amd["size"],
              "platform": {"os": "linux", "architecture": "amd64"}},
             {"mediaType": amd["mediaType"], "digest": md, "size": ms,
              "platform": {"os": "linux", "architecture": "arm64"}}]}
xd, xs = blob(json.dumps(index).encode())
idx["manifests"].append({"mediaType": index["mediaType"], "digest": xd, "size": xs,
                         "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(idx, open("mimg/index.json", "w"))
PY

start_registry main
MAIN=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false oci:img:t docker://$MAIN/test/layers:t
skopeo copy -q --all --dest-tls-verify=false oci:mimg:multi docker://$MAIN/test/multi:t
# The scan sample tree as an image.
umoci init --layout simg >/dev/null
umoci new --image simg:scan
umoci unpack --image simg:scan sbundle >/dev/null
cp -a "$SRC/tests/data/scan/rootfs/." sbundle/rootfs/
umoci repack --image simg:scan sbundle
rm -rf sbundle
skopeo copy -q --dest-tls-verify=false oci:simg:scan docker://$MAIN/test/scan:1
gunzip -c "$SRC/tests/data/images/alpine-310.docker.tar.gz" >alpine.tar
skopeo copy -q --dest-tls-verify=false docker-archive:alpine.tar docker://$MAIN/test/alpine:3.10

# 1. pull + sbom equals the local layout's sbom, apart from the target name.
same_but_name() { # FORMAT
    python3 - "$1" reg.out local.out <<'PY'
import json, sys
fmt, a, b = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
def norm(d):
    if fmt == "cyclonedx":
        d["serialNumber"] = None            # a hash of the content, name included
        d["metadata"]["component"]["name"] = None
        d["metadata"]["component"].pop("purl", None)
    elif fmt == "spdx":
        d["name"] = d["documentNamespace"] = None
        for p in d["packages"]:
            if p["SPDXID"] == "SPDXRef-Target":
                p["name"] = None
                p.pop("externalRefs", None)
    else:
        d["target"]["name"] = None
        d["target"].pop("purl", None)
    return d
assert norm(a) == norm(b), "registry and local SBOMs differ (%s)" % fmt
PY
}
for f in cyclonedx spdx json; do
    "$KENSA" sbom registry $MAIN/test/layers:t --cache cache -f $f -o reg.out
    "$KENSA" sbom image img -f $f -o local.out
    same_but_name $f
    [ $f = json ] || cp reg.out "reg.$f.json"
done
# The inventory JSON: byte-identical once the name is put back and the purl
# line dropped.
sed "s#\"$MAIN/test/layers:t\"#\"img\"#" reg.out | grep -v '^    "purl": "pkg:oci/' |
    cmp -s - local.out || fail "inventory JSON not byte-identical apart from the name"
digest=$(python3 -c 'import json; print(json.load(open("reg.out"))["target"]["digest"])')
arch=$(python3 -c 'import json; print(json.load(open("reg.out"))["target"]["platform"].split("/")[1])')
want="pkg:oci/layers@$digest?arch=$arch&repository_url=$MAIN/test/layers&tag=t"
got=$(python3 -c 'import json; print(json.load(open("reg.out"))["target"]["purl"])')
[ "$got" = "$want" ] || fail "image purl '$got', expected '$want'"
export NODE_PATH=$npmdir/node_modules
node "$SRC/tests/sbom/validate.js" cyclonedx reg.cyclonedx.json
node "$SRC/tests/sbom/validate.js" spdx reg.spdx.json
echo "ok: registry SBOMs equal the local layout's (cyclonedx, spdx, json)"

# 1b. scan registry.
export SOURCE_DATE_EPOCH=$(date -u -d 2026-11-26 +%s)
"$KENSA" db import --db v.db "$SRC/tests/data/scan/advisories" >/dev/null
"$KENSA" scan registry $MAIN/test/scan:1 --cache cache --db v.db -f json -o scan-reg.json
"$KENSA" scan rootfs "$SRC/tests/data/scan/rootfs" --db v.db -f json -o scan-tree.json
python3 - <<'PY'
import json
a, b = json.load(open("scan-reg.json")), json.load(open("scan-tree.json"))
key = lambda f: (f["vulnerability"]["id"] if isinstance(f["vulnerability"], dict) else f["vulnerability"],
                 json.dumps(f["package"].get("name")), json.dumps(f["package"].get("version")))
ka, kb = sorted(map(key, a["findings"])), sorted(map(key, b["findings"]))
assert ka and ka == kb, (ka, kb)
for f in a["findings"]:
    assert f["resource"]["type"] == "IMAGE" and f["resource"]["id"].startswith("sha256:"), f["resource"]
print("scan registry: %d findings, as for the tree" % len(ka))
PY
echo "ok: scan registry finds what the tree gives"

# 2. a second pull downloads no blob; a cached digest reference needs nothing.
blob_gets() { grep -c "GET /v2/$1/blobs/" main.log || true; }
before=$(blob_gets test/layers)
[ "$before" = 3 ] || fail "first pulls fetched $before blobs, expected 3 (config, 2 layers)"
"$KENSA" pull -v $MAIN/test/layers:t --cache cache >pull.out 2>pull.err
grep -q "0 blobs downloaded" pull.err || { cat pull.err; fail "second pull downloaded"; }
[ "$(blob_gets test/layers)" = "$before" ] || fail "second pull fetched blobs from the registry"
digest=$(awk -F'\t' '$1=="digest"{print $2}' pull.out)
layout=$(awk -F'\t' '$1=="layout"{print $2}' pull.out)
[ -f "$layout/index.json" ] && [ -f "$layout/oci-layout" ] || fail "no layout at '$layout'"
lines=$(wc -l <main.log)
"$KENSA" sbom registry -v "$MAIN/test/layers@$digest" --cache cache -f json -o dig.json 2>dig.err
[ "$(wc -l <main.log)" = "$lines" ] || fail "a cached digest reference went to the registry"
grep -q '"pkg-a"' dig.json || fail "digest pull lost components"
echo "ok: second pull downloads no blob; cached digest pull makes no request"

# 3. docker-save archive pushed as Docker v2 schema 2.
curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$MAIN/v2/test/alpine/manifests/3.10" | grep -q 'manifest.v2+json' ||
    fail "alpine was not stored as Docker v2 schema 2"
"$KENSA" sbom registry $MAIN/test/alpine:3.10 --cache cache -f json -o a-reg.json
"$KENSA" sbom image alpine.tar -f json -o a-loc.json
python3 - <<'PY'
import json
a, b = json.load(open("a-reg.json")), json.load(open("a-loc.json"))
assert len(a["components"]) >= 10, len(a["components"])
assert a["components"] == b["components"], "components differ"
assert a["distro"] == b["distro"]
PY
echo "ok: Docker v2 schema 2 image: same components as the local archive"

# 4. multi-platform index.
"$KENSA" sbom registry $MAIN/test/multi:t --cache cache --platform linux/arm64 -f json -o m.json
python3 -c 'import json,sys; d=json.load(open("m.json")); assert d["target"]["platform"]=="linux/arm64", d["target"]'
if [ "$(uname -m)" = x86_64 ]; then
    "$KENSA" sbom registry $MAIN/test/multi:t --cache cache -f json -o m.json
    python3 -c 'import json; d=json.load(open("m.json")); assert d["target"]["platform"]=="linux/amd64", d["target"]'
fi
set +e
"$KENSA" sbom registry $MAIN/test/multi:t --cache cache --platform linux/s390x >/dev/null 2>m.err
rc=$?
set -e
[ $rc = 3 ] || fail "absent platform: exit $rc"
grep -q "linux/amd64, linux/arm64" m.err || { cat m.err; fail "choices not listed"; }
echo "ok: multi-platform index (--platform, host default, choices listed)"

# 5. a corrupted blob: digest error, nothing cached.
start_registry bad
BAD=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false oci:img:t docker://$BAD/test/layers:t
layer=$(python3 -c '
import json; i=json.load(open("img/index.json")); m=json.load(open("img/blobs/sha256/"+i["manifests"][0]["digest"][7:]))
print(m["layers"][-1]["digest"][7:])')
data=bad.store/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data
[ -f "$data" ] || fail "no blob file $data"
python3 - "$data" <<'PY'
import sys
p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[len(b) // 2] ^= 0xff
open(p, "wb").write(bytes(b))
PY
set +e
"$KENSA" sbom registry $BAD/test/layers:t --cache badcache -f json >/dev/null 2>bad.err
rc=$?
set -e
[ $rc = 3 ] || fail "corrupted blob: exit $rc"
grep -q "digest mismatch for blob 'sha256:$layer'" bad.err || { cat bad.err; fail "no digest error"; }
[ ! -e badcache/blobs/sha256/$layer ] || fail "corrupted blob was cached"
[ -z "$(ls badcache/tmp)" ] || fail "temporary files left in the cache"
[ -z "$(ls badcache/images)" ] || fail "a layout was written for a failed pull"
echo "ok: corrupted blob refused, nothing cached"

# 6. htpasswd (Basic).
htpasswd -Bbn alice s3cret >htpasswd
start_registry basic "auth:
  htpasswd:
    realm: kensa-test
    path: $tmp/htpasswd"
BASIC=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false --dest-creds alice:s3cret oci:img:t docker://$BASIC/test/layers:t
set +e
HOME=$tmp/nohome "$KENSA" sbom registry $BASIC/test/layers:t --cache c6 >/dev/null 2>b.err
rc=$?
set -e
[ $rc = 3 ] && grep -q "needs a login (Basic authentication)" b.err || { cat b.err; fail "no-credential error"; }
set +e
KENSA_REGISTRY_AUTH=alice:wrong "$KENSA" sbom registry $BASIC/test/layers:t --cache c6 >/dev/null 2>b.err
rc=$?
set -e
[ $rc = 3 ] && grep -q "refused the credentials" b.err || { cat b.err; fail "wrong-password error"; }
KENSA_REGISTRY_AUTH=alice:s3cret "$KENSA" sbom registry $BASIC/test/layers:t --cache c6 -f json -o b.json
grep -q '"pkg-a"' b.json || fail "Basic pull lost components"
mkdir -p dcfg
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$BASIC" "$(printf alice:s3cret | base64)" >dcfg/config.json
DOCKER_CONFIG=$tmp/dcfg "$KENSA" sbom registry $BASIC/test/layers:t --cache c6b -f json -o b2.json
cmp -s b.json b2.json || fail "Docker config credentials gave another result"
echo "ok: Basic auth (env and Docker config; clear errors without or with wrong credentials)"

# 7. token auth (Bearer) against a token issuer written here.
openssl req -x509 -newkey rsa:2048 -nodes -keyout tok.key -out tok.crt -days 2 \
    -subj /CN=kensa-test-issuer 2>/dev/null
TPORT=$(free_port)
cat >issuer.py <<'PY'
import base64, http.server, json, sys, time, urllib.parse
import jwt
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
port, key, crt, log = int(sys.argv[1]), open(sys.argv[2]).read(), sys.argv[3], sys.argv[4]
der = x509.load_pem_x509_certificate(open(crt, "rb").read()).public_bytes(Encoding.DER)
x5c = [base64.b64encode(der).decode()]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(u.query)
        auth = self.headers.get("Authorization", "")
        user = None
        if auth.startswith("Basic "):
            u_, _, p_ = base64.b64decode(auth[6:]).decode().partition(":")
            if (u_, p_) != ("alice", "s3cret"):
                self.send_response(401); self.end_headers(); return
            user = u_
        access = []
        for s in q.get("scope", []):
            kind, name, actions = s.split(":")
            if user or name == "test/public":
                access.append({"type": kind, "name": name,
                               "actions": actions.split(",") if user else ["pull"]})
        if not user and not access:
            self.send_response(401); self.end_headers(); return
        now = int(time.time())
        claims = {"iss": "kensa-test-issuer", "sub": user or "", "aud": q["service"][0],
                  "exp": now + 300, "nbf": now - 10, "iat": now, "jti": str(now),
                  "access": access}
        tok = jwt.encode(claims, key, algorithm="RS256", headers={"x5c": x5c})
        open(log, "a").write("%s %s\n" % (user or "-", ",".join(q.get("scope", []))))
        body = json.dumps({"token": tok}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
$SYSPY issuer.py "$TPORT" tok.key tok.crt tokens.log &
pids+=($!)
start_registry token "auth:
  token:
    realm: http://127.0.0.1:$TPORT/token
    service: kensa-test
    issuer: kensa-test-issuer
    rootcertbundle: $tmp/tok.crt"
TOK=127.0.0.1:$PORT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$TPORT/" && break; sleep 0.05; done
skopeo copy -q --dest-tls-verify=false --dest-creds alice:s3cret oci:img:t docker://$TOK/test/public:t
skopeo copy -q --dest-tls-verify=false --dest-creds alice:s3cret oci:img:t docker://$TOK/test/private:t
HOME=$tmp/nohome "$KENSA" sbom registry $TOK/test/public:t --cache c7 -f json -o t1.json
grep -q '"pkg-a"' t1.json || fail "anonymous token pull lost components"
grep -q '^- repository:test/public:pull$' tokens.log || { cat tokens.log; fail "no anonymous token issued"; }
set +e
HOME=$tmp/nohome "$KENSA" sbom registry $TOK/test/private:t --cache c7 >/dev/null 2>t.err
rc=$?
set -e
[ $rc = 3 ] && grep -q "token service .* answered HTTP 401 (it needs a login" t.err ||
    { cat t.err; fail "private repository without credentials"; }
KENSA_REGISTRY_AUTH=alice:s3cret "$KENSA" sbom registry $TOK/test/private:t --cache c7 -f json -o t2.json
grep -q '"pkg-a"' t2.json || fail "token pull with credentials lost components"
grep -q '^alice repository:test/private:pull$' tokens.log || { cat tokens.log; fail "no token for alice"; }
echo "ok: token auth (anonymous public pull, private pull with credentials, refusal without)"

# 8. schema 1 is refused.
start_registry s1 "compatibility:
  schema1:
    enabled: true"
S1=127.0.0.1:$PORT
if skopeo copy -q --dest-tls-verify=false --format v2s1 docker-archive:alpine.tar \
    docker://$S1/test/old:1 2>s1push.err; then
    set +e
    "$KENSA" sbom registry $S1/test/old:1 --cache c8 >/dev/null 2>s1.err
    rc=$?
    set -e
    # We never ask for schema 1 (Accept), but a registry that only has it
    # sends it anyway.
    [ $rc = 3 ] || fail "schema 1: exit $rc"
    grep -q "schema 1 is not supported" s1.err || { cat s1.err; fail "schema 1"; }
    echo "ok: schema 1 manifest refused ($(head -c 120 s1.err))"
else
    echo "note: this registry refuses schema 1 pushes ($(tail -1 s1push.err)); parser tests cover it"
fi
