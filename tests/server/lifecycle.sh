#!/bin/bash
# tests/server/lifecycle.sh KENSA - findings through a real server, over HTTP only.
#
# A vulnerability database without the lodash advisories; an inventory
# (CycloneDX of tests/data/scan/rootfs) submitted; then the database is
# re-imported with those advisories while the server runs: the lodash finding
# must open without any resubmission. Then a package disappears from the
# inventory (its finding closes) and comes back (it reopens), and a second
# account's identical inventory gets its own findings.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
. "$(dirname "$0")/store.sh"
use_store lifecycle
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null KENSA_WATCH_MS=200
fail=0
no() { echo "FAIL: $*"; fail=1; }

mkdir "$TMP/adv"
for f in "$DATA"/advisories/*.json; do
    case "$(basename "$f")" in GHSA-35jh-*|GHSA-p6mc-*) ;; *) cp "$f" "$TMP/adv/" ;; esac
done
"$KENSA" db import --db "$TMP/vuln.db" "$TMP/adv" >/dev/null || { echo "import failed"; exit 1; }
"$KENSA" sbom rootfs "$DATA/rootfs" -f cyclonedx -o "$TMP/inv.json" || { echo "sbom failed"; exit 1; }

ADMIN=$("$KENSA" server init --store "$STORE" | tail -1)
"$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln.db" -v \
    >"$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")

call() { # METHOD PATH TOKEN [BODY-FILE]
    curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
        ${4:+--data-binary @"$4"} "$URL$2"
}
count() { # TOKEN VULN STATUS -> number of findings
    printf '{"filterCriteria":{"vulnerabilityId":[{"comparison":"EQUALS","value":"%s"}],"findingStatus":[{"comparison":"EQUALS","value":"%s"}]}}' "$2" "$3" > "$TMP/q.json"
    call POST /api/v1/findings/list "$1" "$TMP/q.json" >/dev/null
    grep -o '"findingId"' "$TMP/body" | wc -l
}

call POST /api/v1/accounts "$ADMIN" <(echo '{"name":"team-a"}') >/dev/null
A_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body")
call POST "/api/v1/accounts/$A_ID/tokens" "$ADMIN" >/dev/null
A=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/body")

# A webhook receiver on 127.0.0.1: records each delivery; answers 500 to the
# very first one (the event must be retried) and 200 afterwards.
cat > "$TMP/recv.py" <<'PY'
import http.server, json, sys
class H(http.server.BaseHTTPRequestHandler):
    n = 0
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        H.n += 1
        with open(sys.argv[2], "a") as f:
            f.write(json.dumps({"n": H.n, "sig": self.headers.get("X-Kensa-Signature"),
                                "event": self.headers.get("X-Kensa-Event"),
                                "delivery": self.headers.get("X-Kensa-Delivery"),
                                "body": body.decode()}) + "\n")
        self.send_response(500 if H.n == 1 else 200)
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1]))
s.serve_forever()
PY
python3 "$TMP/recv.py" "$TMP/recv.port" "$TMP/events.jsonl" &
RECV_PID=$!
for _ in $(seq 50); do [ -s "$TMP/recv.port" ] && break; sleep 0.1; done
printf '{"url":"http://127.0.0.1:%s/hook","secret":"s3cr3t-for-the-test-only"}' "$(cat "$TMP/recv.port")" > "$TMP/hook.json"
[ "$(call POST /api/v1/webhooks "$A" "$TMP/hook.json")" = 201 ] || no "webhook: $(cat "$TMP/body")"

[ "$(call PUT '/api/v1/resources/web-1/inventory?type=host&tag.env=prod' "$A" "$TMP/inv.json")" = 200 ] || no "inventory: $(cat "$TMP/body")"
grep -q '"opened":8' "$TMP/body" || no "first inventory should open 8 findings (7 language, 1 kernel): $(cat "$TMP/body")"
[ "$(count "$A" CVE-2021-23337 ACTIVE)" = 0 ] || no "lodash finding before its advisory exists"
# A resource without the packages of the advisories about to arrive: the
# database change must not re-match it.
python3 - "$TMP/inv.json" "$TMP/inv-other.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["components"] = [c for c in d["components"] if c.get("name") not in ("lodash", "lodash-es")]
json.dump(d, open(sys.argv[2], "w"))
PY
[ "$(call PUT /api/v1/resources/other-1/inventory "$A" "$TMP/inv-other.json")" = 200 ] || no "other inventory: $(cat "$TMP/body")"
metric() { curl -s "$URL/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }

# The database changes under the running server: re-evaluation, no resubmission.
"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || no "re-import"
for _ in $(seq 100); do [ "$(count "$A" CVE-2021-23337 ACTIVE)" = 1 ] && break; sleep 0.1; done
[ "$(count "$A" CVE-2021-23337 ACTIVE)" = 1 ] || no "new advisory did not open a finding: $(cat "$TMP/err")"
grep -q '"cause":"vulndb"' <(curl -s -H "Authorization: Bearer $A" "$URL/api/v1/findings/$(sed -n 's/.*"findingId":"\([0-9a-f]*\)".*/\1/p' "$TMP/body")") \
    || no "history does not name the database change"
for _ in $(seq 50); do [ "$(metric 'kensa_reevaluations_total{mode="changes"}')" = 1 ] && break; sleep 0.1; done
[ "$(metric 'kensa_reevaluations_total{mode="changes"}')" = 1 ] || no "re-evaluation did not use the change set: $(cat "$TMP/err")"
[ "$(metric 'kensa_reevaluations_total{mode="full"}')" = 0 ] || no "a full re-evaluation ran: $(cat "$TMP/err")"
[ "$(metric kensa_reevaluation_last_inventories)" = 1 ] || no "re-matched $(metric kensa_reevaluation_last_inventories) inventories, want 1 (web-1, not other-1)"
[ "$(metric kensa_reevaluated_inventories_total)" = 1 ] || no "re-matched inventories in total: $(metric kensa_reevaluated_inventories_total)"

# minimist leaves the inventory: its finding closes; back again: it reopens.
python3 - "$TMP/inv.json" "$TMP/inv2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["components"] = [c for c in d["components"] if c.get("name") != "minimist"]
json.dump(d, open(sys.argv[2], "w"))
PY
call PUT /api/v1/resources/web-1/inventory "$A" "$TMP/inv2.json" >/dev/null
grep -q '"closed":1' "$TMP/body" || no "removed package did not close: $(cat "$TMP/body")"
[ "$(count "$A" CVE-2021-44906 CLOSED)" = 1 ] || no "minimist finding not CLOSED"
call PUT /api/v1/resources/web-1/inventory "$A" "$TMP/inv.json" >/dev/null
grep -q '"reopened":1' "$TMP/body" || no "package back: finding not reopened: $(cat "$TMP/body")"

# Another account: its own findings; neither sees the other's.
call PUT /api/v1/resources/web-1/inventory "$ADMIN" "$TMP/inv.json" >/dev/null
grep -q '"opened":9' "$TMP/body" || no "admin's own resource: $(cat "$TMP/body")"
[ "$(count "$A" CVE-2021-23337 ACTIVE)" = 1 ] || no "member sees another account's finding"

# Events: every finding opened and the inventory processed, each delivered
# (the first after a retry) with a valid HMAC-SHA256 signature.
delivered() { # all expected events arrived, and the failed first one again
    python3 - "$TMP/events.jsonl" <<'PY' 2>/dev/null
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in ev]
again = sum(1 for e in ev if e["delivery"] == ev[0]["delivery"]) >= 2
sys.exit(0 if again and "inventory.processed" in kinds and kinds.count("finding.created") >= 9 else 1)
PY
}
for _ in $(seq 150); do delivered && break; sleep 0.1; done
kill "$RECV_PID" 2>/dev/null
python3 - "$TMP/events.jsonl" <<'PY' || fail=1
import hashlib, hmac, json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
ok = 0
for e in ev:
    t, v1 = dict(x.split("=", 1) for x in e["sig"].split(",")).values()
    want = hmac.new(b"s3cr3t-for-the-test-only", (t + "." + e["body"]).encode(), hashlib.sha256).hexdigest()
    assert v1 == want, ("bad signature", e)
    body = json.loads(e["body"])
    assert str(body["id"]) == e["delivery"] and body["type"] == e["event"], e
first = ev[0]["delivery"]
assert sum(1 for e in ev if e["delivery"] == first) >= 2, "the failed first delivery was not retried"
kinds = [json.loads(e["body"])["type"] for e in ev if e["n"] > 1]
assert kinds.count("inventory.processed") >= 1, kinds
assert kinds.count("finding.created") >= 8, kinds
PY

# Bad bodies are refused before anything is stored.
echo '{"bomFormat": "CycloneDX", "components": 5' > "$TMP/bad.json"
[ "$(call PUT /api/v1/resources/web-2/inventory "$A" "$TMP/bad.json")" = 400 ] || no "malformed inventory accepted"
echo '{"hello": "world"}' > "$TMP/bad2.json"
[ "$(call PUT /api/v1/resources/web-2/inventory "$A" "$TMP/bad2.json")" = 400 ] || no "non-SBOM accepted"
[ "$(call PUT '/api/v1/resources/web-2/inventory?type=toaster' "$A" "$TMP/inv.json")" = 400 ] || no "bad type accepted"
call GET /api/v1/coverage "$A" >/dev/null
grep -q 'web-2' "$TMP/body" && no "refused inventory left a resource behind"

# A database of another lineage (built afresh, without the lodash advisories)
# replaces the file: its change sets do not start from the database the
# findings were evaluated against, so everything is re-evaluated (and
# counted as a fallback); the lodash finding closes.
"$KENSA" db import --db "$TMP/other.db" "$TMP/adv" >/dev/null || no "other database"
mv "$TMP/other.db" "$TMP/vuln.db"
for _ in $(seq 100); do [ "$(metric kensa_reevaluation_fallbacks_total)" = 1 ] && break; sleep 0.1; done
[ "$(metric kensa_reevaluation_fallbacks_total)" = 1 ] || no "no fallback to a full re-evaluation: $(cat "$TMP/err")"
[ "$(metric 'kensa_reevaluations_total{mode="full"}')" = 1 ] || no "full re-evaluations: $(metric 'kensa_reevaluations_total{mode="full"}')"
[ "$(metric kensa_reevaluation_last_inventories)" = 3 ] || no "full re-evaluation re-matched $(metric kensa_reevaluation_last_inventories) inventories, want 3"
[ "$(count "$A" CVE-2021-23337 CLOSED)" = 1 ] || no "advisory gone: lodash finding not CLOSED"
exit $fail
