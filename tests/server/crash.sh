#!/bin/bash
# tests/server/crash.sh KENSA - kill -9 during inventory processing.
#
# Four clients submit inventories as fast as the server takes them; the server
# is killed with SIGKILL in the middle. After a restart on the same store,
# every inventory the server acknowledged (HTTP 200) must be there with its
# complete set of findings (the same count as a reference resource), and a
# SQLite store must pass SQLite's integrity check. (Under
# tests/store/with-postgres.sh the store is in PostgreSQL: the server,
# its client, is killed.)
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
. "$(dirname "$0")/store.sh"
use_store crash
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || { echo "import failed"; exit 1; }
"$KENSA" sbom rootfs "$DATA/rootfs" -f cyclonedx -o "$TMP/inv.json" || { echo "sbom failed"; exit 1; }
ADMIN=$("$KENSA" server init --store "$STORE" | tail -1)

start() {
    : >"$TMP/out"
    "$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln.db" \
        >"$TMP/out" 2>>"$TMP/err" &
    SERVER_PID=$!
    for _ in $(seq 200); do grep -q listening "$TMP/out" && break; sleep 0.05; done
    URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
}
put() { # RID -> status
    curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $ADMIN" \
        --data-binary @"$TMP/inv.json" "$URL/api/v1/resources/$1/inventory?type=host"
}
per_resource() { # -> "rid count" lines of ACTIVE findings
    curl -s -H "Authorization: Bearer $ADMIN" -d '{"aggregationType":"RESOURCE","maxResults":1000}' \
        "$URL/api/v1/findings/aggregations" |
        python3 -c 'import json,sys; [print(r["key"], r["severityCounts"]["all"]) for r in json.load(sys.stdin)["responses"]]'
}

start
[ "$(put ref)" = 200 ] || { echo "reference submit failed"; cat "$TMP/err"; exit 1; }
REF=$(per_resource | awk '$1 == "ref" {print $2}')
[ -n "$REF" ] && [ "$REF" -gt 0 ] || { echo "reference resource has no findings"; exit 1; }

for w in 1 2 3 4; do
    (for i in $(seq 1000); do
        [ "$(put "h-$w-$i")" = 200 ] && echo "h-$w-$i" >>"$TMP/acked-$w" || break
    done) &
done
sleep 1.5
# A report asked for just before the kill may be left unfinished.
curl -s -o /dev/null -H "Authorization: Bearer $ADMIN" -d '{"reportFormat":"JSON"}' "$URL/api/v1/reports"
kill -9 "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
SERVER_PID=
wait
acked=$(cat "$TMP"/acked-* 2>/dev/null | wc -l)
[ "$acked" -gt 0 ] || no "no inventory was acknowledged before the kill"

[ -n "${KS_TEST_PG_HOST:-}" ] || [ "$(store_sql 'PRAGMA integrity_check')" = ok ] ||
    no "integrity check failed"
# And one certainly is: a report the killed server had accepted but not written.
store_sql "INSERT INTO reports(account, kind, format, status, created_at) VALUES (1, 'findings', 'CSV', 'IN_PROGRESS', 1)" \
    || no "cannot seed an unfinished report"
start
grep -q listening "$TMP/out" || { no "server does not restart: $(cat "$TMP/err")"; exit 1; }
per_resource >"$TMP/counts"
lost=0
for rid in $(cat "$TMP"/acked-*); do
    c=$(awk -v r="$rid" '$1 == r {print $2}' "$TMP/counts")
    [ "$c" = "$REF" ] || { no "acknowledged $rid has ${c:-no} findings, want $REF"; lost=$((lost + 1)); }
done
# Nothing half-applied either: every resource with findings has all of them.
while read -r line; do no "partial resource: $line"; done < <(awk -v ref="$REF" '$2 != ref' "$TMP/counts")
# No report stays IN_PROGRESS across the restart: unfinished ones are FAILED.
[ "$(store_sql "SELECT count(*) FROM reports WHERE status = 'IN_PROGRESS'")" = 0 ] \
    || no "reports left IN_PROGRESS after the restart"
id=$(store_sql "SELECT max(id) FROM reports WHERE created_at = 1")
curl -s -H "Authorization: Bearer $ADMIN" "$URL/api/v1/reports/$id" | grep -q '"status":"FAILED".*"errorMessage":"the server stopped' \
    || no "unfinished report $id: $(curl -s -H "Authorization: Bearer $ADMIN" "$URL/api/v1/reports/$id")"
# And the restarted server still accepts work.
[ "$(put after)" = 200 ] || no "submit after restart failed"
echo "$acked inventories acknowledged before kill -9; $lost lost"
exit $fail
