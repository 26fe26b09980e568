#!/bin/bash
# tests/server/client.sh KENSA - the client commands against a real server:
# `kensa push` (a root filesystem inventoried here, and an SBOM file),
# `kensa findings list` (filters, --json, --max) and `kensa report`.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
. "$(dirname "$0")/store.sh"
use_store client
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || { echo "import failed"; exit 1; }
ADMIN=$("$KENSA" server init --store "$STORE" | tail -1)
"$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln.db" >"$TMP/out" 2>"$TMP/err" &
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

# No table header before a connection error; the error names the server.
KENSA_URL=http://127.0.0.1:1 "$KENSA" findings list >"$TMP/o" 2>"$TMP/e" && no "findings list without a server succeeded"
[ -s "$TMP/o" ] && no "findings list printed '$(cat "$TMP/o")' before failing"
grep -q "127.0.0.1:1" "$TMP/e" || no "connection error: $(cat "$TMP/e")"

# A malformed document is reported with the local file's name, and not sent.
printf '{"bomFormat": "CycloneDX", "components": [' >"$TMP/bad.json"
"$KENSA" push "$TMP/bad.json" --resource bad-1 >/dev/null 2>"$TMP/e"; rc=$?
[ $rc = 3 ] && grep -q "'$TMP/bad.json' line 1" "$TMP/e" || no "push bad.json: rc $rc, $(cat "$TMP/e")"
echo '{"hello": "world"}' >"$TMP/notsbom.json"
"$KENSA" push "$TMP/notsbom.json" --resource bad-2 >/dev/null 2>"$TMP/e" && no "push of a non-SBOM succeeded"
grep -q "'$TMP/notsbom.json' is neither" "$TMP/e" || no "push non-SBOM: $(cat "$TMP/e")"
curl -s -H "Authorization: Bearer $ADMIN" "$KENSA_URL/api/v1/coverage" | grep -q '"bad-' && no "a refused document reached the server"

# kensa filters: a suppression rule makes the finding SUPPRESSED; deleting it
# makes it ACTIVE again (statuses read from the API, not from the client).
status_of() { # VULN RESOURCE -> the statuses of its findings
    curl -s -H "Authorization: Bearer $ADMIN" -d "{\"maxResults\":100,\"filterCriteria\":{\"vulnerabilityId\":[{\"comparison\":\"EQUALS\",\"value\":\"$1\"}],\"resourceId\":[{\"comparison\":\"EQUALS\",\"value\":\"$2\"}]}}" \
        "$KENSA_URL/api/v1/findings/list" | python3 -c 'import json,sys; print(" ".join(sorted(f["status"] for f in json.load(sys.stdin)["findings"])))'
}
[ "$(status_of CVE-2021-23337 web-1)" = ACTIVE ] || no "lodash finding on web-1: '$(status_of CVE-2021-23337 web-1)'"
fid=$("$KENSA" filters create accept-lodash --action SUPPRESS --reason "not reachable" \
      --filter '{"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-2021-23337"}],"resourceId":[{"comparison":"EQUALS","value":"web-1"}]}') \
    || no "filters create: $fid"
[ "$(status_of CVE-2021-23337 web-1)" = SUPPRESSED ] || no "not suppressed: '$(status_of CVE-2021-23337 web-1)'"
[ "$(status_of CVE-2021-23337 web-2)" = ACTIVE ] || no "web-2 suppressed too: '$(status_of CVE-2021-23337 web-2)'"
"$KENSA" filters list >"$TMP/fl" || no "filters list"
grep -Eq "^$fid +SUPPRESS +accept-lodash +not reachable$" "$TMP/fl" || no "filters list: $(cat "$TMP/fl")"
"$KENSA" findings list --status SUPPRESSED --json | grep -q CVE-2021-23337 || no "findings list --status SUPPRESSED"
# update: the rule becomes a saved view (NONE): the finding is ACTIVE again;
# and back to SUPPRESS.
"$KENSA" filters update "$fid" --action NONE --reason "a view now" || no "filters update"
[ "$(status_of CVE-2021-23337 web-1)" = ACTIVE ] || no "NONE still suppresses"
"$KENSA" filters list --json | python3 -c 'import json,sys; f=json.load(sys.stdin)["filters"]; sys.exit(not any(x["reason"]=="a view now" and x["action"]=="NONE" for x in f))' \
    || no "filters list --json after update"
"$KENSA" filters update "$fid" --action SUPPRESS || no "filters update back"
[ "$(status_of CVE-2021-23337 web-1)" = SUPPRESSED ] || no "SUPPRESS again: '$(status_of CVE-2021-23337 web-1)'"
"$KENSA" filters delete "$fid" || no "filters delete"
[ "$(status_of CVE-2021-23337 web-1)" = ACTIVE ] || no "ACTIVE after delete: '$(status_of CVE-2021-23337 web-1)'"
"$KENSA" filters list | grep -q accept-lodash && no "deleted filter still listed"
"$KENSA" filters delete "$fid" 2>"$TMP/e" && no "deleting twice succeeded"
grep -q "HTTP 404" "$TMP/e" || no "second delete: $(cat "$TMP/e")"
# The shortcut options build the criteria as findings list does.
fid=$("$KENSA" filters create mute-web-2 --action SUPPRESS --resource web-2) || no "create --resource"
[ "$(status_of CVE-2021-23337 web-2)" = SUPPRESSED ] || no "--resource rule: '$(status_of CVE-2021-23337 web-2)'"
"$KENSA" filters delete "$fid" || no "delete mute-web-2"
"$KENSA" filters create x --action HIDE >/dev/null 2>&1; [ $? = 2 ] || no "bad --action accepted"
"$KENSA" filters delete abc >/dev/null 2>&1; [ $? = 2 ] || no "non-numeric id accepted"
"$KENSA" filters create bad --filter '{"colour":[]}' 2>"$TMP/e" && no "bad --filter accepted"
grep -q "HTTP 400" "$TMP/e" || no "bad filter criteria: $(cat "$TMP/e")"
"$KENSA" filters --help | grep -q "kensa filters create NAME" || no "filters --help"

# kensa report waits for the report and downloads it with -o.
"$KENSA" report --format JSON -o "$TMP/rep.json" >"$TMP/rep" || no "report: $(cat "$TMP/rep")"
python3 - "$TMP/rep" "$TMP/rep.json" "$all" <<'PY' || no "report: $(cat "$TMP/rep")"
import json, os, sys
st = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
assert st["status"] == "SUCCEEDED", st
assert len(doc["findings"]) == int(sys.argv[3]) == st["rowCount"], (len(doc["findings"]), st)
assert os.path.getsize(sys.argv[2]) == st["size"], st
assert open(sys.argv[2], "rb").read() == open(st["location"], "rb").read()
PY
"$KENSA" report --filter '{"resourceId":[{"comparison":"EQUALS","value":"web-2"}]}' -o "$TMP/rep.csv" >/dev/null || no "CSV report"
want=$(api_count '{"resourceId":[{"comparison":"EQUALS","value":"web-2"}]}')
[ "$(($(wc -l <"$TMP/rep.csv") - 1))" = "$want" ] || no "CSV report rows: $(wc -l <"$TMP/rep.csv"), want $want + header"
exit $fail
