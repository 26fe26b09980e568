#!/bin/bash
# tests/server/coverage.sh KENSA - coverage changes through a real server.
#
# A resource's first inventory makes it scanned, an inventory of an OS
# release kensa has no data for makes it not scanned (with the reason), a
# removed resource's findings close and it leaves coverage as
# RESOURCE_REMOVED, and a new inventory brings it back. Each change is a
# coverage.changed event delivered to the account's webhook (a receiver on
# 127.0.0.1), signed; an unchanged coverage sends nothing, and an account
# without a webhook keeps no events.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
. "$(dirname "$0")/store.sh"
use_store coverage
SERVER_PID= RECV_PID=
cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    [ -n "$RECV_PID" ] && kill "$RECV_PID" 2>/dev/null
    wait 2>/dev/null; rm -rf "$TMP"
}
trap cleanup EXIT
export KENSA_CONFIG=/dev/null KENSA_WATCH_MS=200
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || { echo "import failed"; exit 1; }
ADMIN=$("$KENSA" server init --store "$STORE" | tail -1)
"$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln.db" -v >"$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")

call() { # METHOD PATH TOKEN [BODY] -> status; body in $TMP/body
    curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
        ${4:+--data-binary "$4"} "$URL$2"
}
member() { # NAME -> token
    call POST /api/v1/accounts "$ADMIN" "{\"name\":\"$1\"}" >/dev/null
    local id; id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body")
    call POST "/api/v1/accounts/$id/tokens" "$ADMIN" >/dev/null
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/body"
}
A=$(member team-a)
B=$(member team-b)

cat > "$TMP/recv.py" <<'PY'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"sig": self.headers.get("X-Kensa-Signature"),
                                "event": self.headers.get("X-Kensa-Event"),
                                "body": body.decode()}) + "\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
: >"$TMP/events.jsonl"
python3 "$TMP/recv.py" "$TMP/recv.port" "$TMP/events.jsonl" &
RECV_PID=$!
for _ in $(seq 50); do [ -s "$TMP/recv.port" ] && break; sleep 0.1; done
[ "$(call POST /api/v1/webhooks "$A" "{\"url\":\"http://127.0.0.1:$(cat "$TMP/recv.port")/hook\",\"secret\":\"coverage-secret-0123\"}")" = 201 ] \
    || no "webhook: $(cat "$TMP/body")"

LODASH='{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}]}'
PLAN9='{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"rc","version":"1.0","purl":"pkg:deb/plan9/rc@1.0?distro=plan9-4"}]}'
coverage() { # TOKEN RID -> "statusCode reason"
    call GET /api/v1/coverage "$1" >/dev/null
    python3 -c 'import json,sys; [print(r["scanStatus"]["statusCode"], r["scanStatus"]["reason"]) for r in json.load(open(sys.argv[1]))["coveredResources"] if r["resourceId"] == sys.argv[2]]' "$TMP/body" "$2"
}

[ "$(call PUT /api/v1/resources/web-1/inventory "$A" "$LODASH")" = 200 ] || no "inventory: $(cat "$TMP/body")"
[ "$(coverage "$A" web-1)" = "ACTIVE SUCCESSFUL" ] || no "web-1 coverage: $(coverage "$A" web-1)"
call PUT /api/v1/resources/web-1/inventory "$A" "$LODASH" >/dev/null   # unchanged: no event
[ "$(call PUT /api/v1/resources/p9/inventory "$A" "$PLAN9")" = 200 ] || no "plan9 inventory: $(cat "$TMP/body")"
[ "$(coverage "$A" p9)" = "INACTIVE UNSUPPORTED_OS" ] || no "p9 coverage: $(coverage "$A" p9)"
grep -q '"detail":"none of its 1 packages can be matched' "$TMP/body" || no "no detail: $(cat "$TMP/body")"
# Removal: findings close with their cause; another account cannot remove it.
[ "$(call DELETE /api/v1/resources/web-1 "$B")" = 404 ] || no "B removed A's resource"
[ "$(call DELETE /api/v1/resources/web-1 "$A")" = 200 ] || no "remove: $(cat "$TMP/body")"
grep -q '"closed":1' "$TMP/body" || no "removal closed: $(cat "$TMP/body")"
[ "$(coverage "$A" web-1)" = "INACTIVE RESOURCE_REMOVED" ] || no "removed coverage: $(coverage "$A" web-1)"
call POST /api/v1/findings/list "$A" '{"filterCriteria":{"resourceId":[{"comparison":"EQUALS","value":"web-1"}]}}' >/dev/null
fid=$(sed -n 's/.*"findingId":"\([0-9a-f]*\)".*/\1/p' "$TMP/body")
grep -q '"status":"CLOSED"' "$TMP/body" || no "finding of a removed resource: $(cat "$TMP/body")"
call GET "/api/v1/findings/$fid" "$A" >/dev/null
grep -q '"from":"ACTIVE","to":"CLOSED","cause":"resource removed"' "$TMP/body" || no "history: $(cat "$TMP/body")"
[ "$(call DELETE /api/v1/resources/nope "$A")" = 404 ] || no "removing an unknown resource"
# A database change to an advisory of its package re-evaluates the fleet,
# but not the removed resource.
mkdir "$TMP/changed"
cp "$DATA"/advisories/* "$TMP/changed/"
python3 - "$TMP/changed/GHSA-35jh-r3h4-6jhm.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["modified"] = "2030-01-01T00:00:00Z"
d["summary"] = d.get("summary", "") + " (revised)"
json.dump(d, open(sys.argv[1], "w"))
PY
"$KENSA" db import --db "$TMP/vuln.db" "$TMP/changed" >/dev/null || no "re-import"
for _ in $(seq 100); do grep -Eq "inventor(y|ies) re-evaluated" "$TMP/err" && break; sleep 0.1; done
grep -Eq "inventor(y|ies) re-evaluated" "$TMP/err" || no "no re-evaluation after the import: $(cat "$TMP/err")"
call GET "/api/v1/findings/$fid" "$A" >/dev/null
grep -q '"status":"CLOSED"' "$TMP/body" || no "re-evaluation reopened a removed resource's finding: $(cat "$TMP/body")"
# Back again; B's changes go nowhere (no webhook).
call PUT /api/v1/resources/web-1/inventory "$A" "$LODASH" >/dev/null
[ "$(coverage "$A" web-1)" = "ACTIVE SUCCESSFUL" ] || no "web-1 back: $(coverage "$A" web-1)"
call PUT /api/v1/resources/b-1/inventory "$B" "$PLAN9" >/dev/null
[ "$(coverage "$B" b-1)" = "INACTIVE UNSUPPORTED_OS" ] || no "b-1 coverage: $(coverage "$B" b-1)"

check() {
    python3 - "$TMP/events.jsonl" "$1" <<'PY'
import hashlib, hmac, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
cov = []
for e in ev:
    t, v1 = dict(x.split("=", 1) for x in e["sig"].split(",")).values()
    want = hmac.new(b"coverage-secret-0123", (t + "." + e["body"]).encode(), hashlib.sha256).hexdigest()
    assert v1 == want, ("bad signature", e)
    b = json.loads(e["body"])
    if b["type"] == "coverage.changed":
        assert e["event"] == "coverage.changed"
        cov.append((b["id"], b["subject"], b["detail"]["scanStatus"]["statusCode"],
                    b["detail"]["scanStatus"]["reason"],
                    b["detail"]["previous"] and b["detail"]["previous"]["reason"]))
got = [c[1:] for c in sorted(cov)]
want = [("web-1", "ACTIVE", "SUCCESSFUL", None),
        ("p9", "INACTIVE", "UNSUPPORTED_OS", None),
        ("web-1", "INACTIVE", "RESOURCE_REMOVED", "SUCCESSFUL"),
        ("web-1", "ACTIVE", "SUCCESSFUL", "RESOURCE_REMOVED")]
if got != want:
    if sys.argv[2] == "final":
        print("FAIL coverage events:", got)
    sys.exit(1)
PY
}
for _ in $(seq 100); do check wait && break; sleep 0.1; done
check final || fail=1
sleep 0.5   # nothing more may arrive (B's change, the unchanged resubmission)
check final || fail=1
exit $fail
