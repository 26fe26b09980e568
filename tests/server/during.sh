#!/bin/bash
# tests/server/during.sh KENSA - submissions and database changes at the
# same time, over HTTP only.
#
# 1. The re-evaluation's producers read and match inventories ahead of its
#    single writer; a resource whose inventory changes in between must be
#    written from its new inventory, not from what was matched before. The
#    writer is held back (KENSA_REEVAL_WRITE_DELAY_MS) so that the new
#    inventory lands in between: the lodash advisories arrive in the
#    database, the producers match web-1's inventory (with lodash), then
#    web-1 is submitted without lodash; once the re-evaluation is done,
#    web-1 has no open lodash finding, and the other resource has one.
# 2. A submission matched against the previous database but stored after
#    the re-evaluation passed (KENSA_APPLY_DELAY_MS holds it between
#    matching and storing, while the lodash advisories arrive) must end
#    with the new database's findings: its lodash finding opens.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
. "$(dirname "$0")/store.sh"
use_store during
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null KENSA_WATCH_MS=100 KENSA_REEVAL_WRITE_DELAY_MS=3000
fail=0
no() { echo "FAIL: $*"; fail=1; }

mkdir "$TMP/adv"
for f in "$DATA"/advisories/*.json; do
    case "$(basename "$f")" in GHSA-35jh-*|GHSA-p6mc-*) ;; *) cp "$f" "$TMP/adv/" ;; esac
done
"$KENSA" db import --db "$TMP/vuln.db" "$TMP/adv" >/dev/null || { echo "import failed"; exit 1; }
"$KENSA" sbom rootfs "$DATA/rootfs" -f cyclonedx -o "$TMP/inv.json" || { echo "sbom failed"; exit 1; }
python3 - "$TMP/inv.json" "$TMP/inv-nolodash.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["components"] = [c for c in d["components"] if c.get("name") not in ("lodash", "lodash-es")]
json.dump(d, open(sys.argv[2], "w"))
PY

ADMIN=$("$KENSA" server init --store "$STORE" | tail -1)
"$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln.db" -v -v \
    >"$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
call() { # METHOD PATH [BODY-FILE]
    curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $ADMIN" \
        ${3:+--data-binary @"$3"} "$URL$2"
}
lodash() { # RESOURCE -> open lodash findings of it
    printf '{"filterCriteria":{"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-2021-23337"}],"resourceId":[{"comparison":"EQUALS","value":"%s"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]}}' "$1" > "$TMP/q.json"
    call POST /api/v1/findings/list "$TMP/q.json" >/dev/null
    grep -o '"findingId"' "$TMP/body" | wc -l
}
metric() { curl -s "$URL/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }

for r in web-1 web-2; do
    [ "$(call PUT "/api/v1/resources/$r/inventory" "$TMP/inv.json")" = 200 ] || no "$r: $(cat "$TMP/body")"
done
"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || no "re-import"
# The run starts at the next poll (100 ms) and its producers match both
# inventories at once; its writer waits 3 s.
for _ in $(seq 100); do grep -q "resources to re-match" "$TMP/err" && break; sleep 0.05; done
sleep 0.3
[ "$(call PUT /api/v1/resources/web-1/inventory "$TMP/inv-nolodash.json")" = 200 ] || no "web-1 again: $(cat "$TMP/body")"
[ "$(lodash web-1)" = 0 ] || no "the submission without lodash left a lodash finding"
for _ in $(seq 100); do [ "$(metric 'kensa_reevaluations_total{mode="changes"}')" = 1 ] && break; sleep 0.1; done
[ "$(metric 'kensa_reevaluations_total{mode="changes"}')" = 1 ] || no "no re-evaluation: $(tail -3 "$TMP/err")"
grep -q "prepared 1 again (changed meanwhile)" "$TMP/err" ||
    no "the writer did not prepare web-1 again: $(grep 'passed the writer' "$TMP/err")"
[ "$(lodash web-1)" = 0 ] || no "the re-evaluation wrote web-1 from its previous inventory (a lodash finding)"
[ "$(lodash web-2)" = 1 ] || no "web-2 has no lodash finding after the re-evaluation"
kill "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null

"$KENSA" db import --db "$TMP/vuln2.db" "$TMP/adv" >/dev/null || no "import 2"
export KENSA_REEVAL_WRITE_DELAY_MS=0 KENSA_APPLY_DELAY_MS=1500
"$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln2.db" -v \
    >"$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
# (The server starts by re-evaluating against vuln2.db, a database the
# store's findings did not come from: wait for that first.)
for _ in $(seq 100); do [ "$(metric 'kensa_reevaluations_total{mode="full"}')" = 1 ] && break; sleep 0.1; done
( call PUT /api/v1/resources/web-3/inventory "$TMP/inv.json" > "$TMP/put3" ) &
PUT_PID=$!
sleep 0.5
"$KENSA" db import --db "$TMP/vuln2.db" "$DATA/advisories" >/dev/null || no "re-import 2"
wait "$PUT_PID"
[ "$(cat "$TMP/put3")" = 200 ] || no "web-3: $(cat "$TMP/put3")"
for _ in $(seq 100); do [ "$(metric 'kensa_reevaluations_total{mode="changes"}')" = 1 ] && break; sleep 0.1; done
[ "$(lodash web-3)" = 1 ] || no "web-3 kept the previous database's findings (no lodash finding)"
exit $fail
