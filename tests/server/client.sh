#!/bin/bash
# tests/server/client.sh KENSA - the client commands against a real server:
# `kensa push` (a root filesystem inventoried here, and an SBOM file),
# `kensa findings list` (filters, --json, --max) and `kensa report`.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || { echo "import failed"; exit 1; }
ADMIN=$("$KENSA" server init --store "$TMP/store.db" | tail -1)
"$KENSA" server --listen 127.0.0.1:0 --store "$TMP/store.db" --db "$TMP/vuln.db" >"$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
export KENSA_URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
export KENSA_TOKEN=$ADMIN

KENSA_TOKEN= "$KENSA" findings list >/dev/null 2>"$TMP/e"; rc=$?
[ $rc = 2 ] && grep -q KENSA_TOKEN "$TMP/e" || no "no token: rc $rc, $(cat "$TMP/e")"
KENSA_TOKEN=ks_bad "$KENSA" findings list >/dev/null 2>"$TMP/e" && no "bad token accepted"
[ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "HTTP 401" "$TMP/e" || no "bad token error: $(cat "$TMP/e")"

"$KENSA" push "$DATA/rootfs" --resource web-1 --tag env=prod >"$TMP/push" || no "push rootfs: $(cat "$TMP/push")"
"$KENSA" sbom rootfs "$DATA/rootfs" -f spdx -o "$TMP/inv.spdx.json"
"$KENSA" push "$TMP/inv.spdx.json" --resource web-2 --type image >/dev/null || no "push SBOM file"
"$KENSA" push "$TMP/nope" 2>"$TMP/e" && no "push of a missing target succeeded"

# The API's own count is the reference.
api_count() { # filterCriteria -> number of findings (one page is enough here)
    curl -s -H "Authorization: Bearer $ADMIN" -d "{\"maxResults\":100,\"filterCriteria\":$1}" \
        "$KENSA_URL/api/v1/findings/list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["findings"]))'
}
all=$(api_count '{}')
[ "$all" -gt 2 ] || no "only $all findings after push"
n=$("$KENSA" findings list --json | wc -l)
[ "$n" = "$all" ] || no "findings list --json: $n lines, API has $all"
n=$("$KENSA" findings list | tail -n +2 | wc -l)
[ "$n" = "$all" ] || no "findings list: $n rows, API has $all"
want=$(api_count '{"resourceId":[{"comparison":"EQUALS","value":"web-2"}]}')
n=$("$KENSA" findings list --resource web-2 --json | wc -l)
[ "$n" = "$want" ] && [ "$n" -gt 0 ] || no "--resource web-2: $n, want $want"
want=$(api_count '{"severity":[{"comparison":"EQUALS","value":"HIGH"},{"comparison":"EQUALS","value":"CRITICAL"}]}')
n=$("$KENSA" findings list --severity HIGH --severity CRITICAL --json | wc -l)
[ "$n" = "$want" ] || no "--severity HIGH,CRITICAL: $n, want $want"
[ "$("$KENSA" findings list --max 2 --json | wc -l)" = 2 ] || no "--max 2"
"$KENSA" findings list --filter '{"colour":[]}' >/dev/null 2>"$TMP/e" && no "bad --filter accepted"
grep -q "HTTP 400" "$TMP/e" || no "bad filter error: $(cat "$TMP/e")"

"$KENSA" report --format JSON >"$TMP/rep" || no "report: $(cat "$TMP/rep")"
loc=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["location"] if d["status"]=="SUCCEEDED" else "")' "$TMP/rep")
[ -f "$loc" ] && [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$loc")" = "$all" ] \
    || no "report file $loc"
exit $fail
