#!/bin/bash
# tests/server/authz.sh KENSA - the authorisation matrix of the HTTP API.
#
# Starts a real `kensa server` on 127.0.0.1 with a temporary store, creates the
# administrator and two member accounts over the API, and calls every endpoint
# as {no token, bad token, member A, member B, administrator}, checking the
# status. The list of endpoints comes from the server's own OpenAPI
# description: an endpoint without a row here fails the test.
set -u
KENSA=$(realpath "$1")
TMP=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail=0
export KENSA_CONFIG=/dev/null
. "$(dirname "$0")/store.sh"
use_store authz

ADMIN=$("$KENSA" server init --store "$STORE" --name org | tail -1)
"$KENSA" server init --store "$STORE" >/dev/null 2>&1 && { echo "second init must fail"; fail=1; }
"$KENSA" db import --db "$TMP/vuln.db" "$(dirname "$0")/../data/scan/advisories" >/dev/null || exit 1
"$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln.db" --threads 2 --max-body 64K > "$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
[ -n "$PORT" ] || { echo "server did not start"; cat "$TMP/err"; exit 1; }
URL=http://127.0.0.1:$PORT

# call METHOD PATH TOKEN [BODY] -> prints the status; body in $TMP/body
call() {
    local auth=()
    [ -n "$3" ] && auth=(-H "Authorization: Bearer $3")
    curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" "${auth[@]}" \
        ${4:+-H 'Content-Type: application/json' --data "$4"} "$URL$2"
}

expect() { # WHAT WANT GOT
    if [ "$2" != "$3" ]; then echo "FAIL $1: want $2, got $3 ($(cat "$TMP/body"))"; fail=1; fi
}

[ "$(call POST /api/v1/accounts "$ADMIN" '{"name":"team-a"}')" = 201 ] || { echo "cannot create team-a"; exit 1; }
A_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body")
call POST /api/v1/accounts "$ADMIN" '{"name":"team-b"}' >/dev/null
B_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body")
call POST "/api/v1/accounts/$A_ID/tokens" "$ADMIN" '{"label":"ci"}' >/dev/null
A_TOK=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/body")
call POST "/api/v1/accounts/$B_ID/tokens" "$ADMIN" >/dev/null
B_TOK=$(sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/body")
BAD=ks_$(printf '0%.0s' $(seq 64))

# A finding of account A, stored as the engine would (no submit endpoint yet).
store_sql "INSERT INTO resources(account,rid,type,created_at,updated_at) VALUES($A_ID,'host-a','host',1,1);
  INSERT INTO finding_history(account,finding,at,from_status,to_status,cause)
  VALUES($A_ID,'fa1',1,NULL,'ACTIVE','inventory');
  INSERT INTO findings(account,id,rid,type,vuln_id,severity,score,title,package,body,status,
  first_observed,last_observed,updated_at,history_head) VALUES($A_ID,'fa1','host-a',
  'PACKAGE_VULNERABILITY','CVE-2024-0727','MEDIUM',5.5,'CVE-2024-0727 - openssl','openssl',
  '{\"id\":\"fa1\"}','ACTIVE',1,1,1,(SELECT MAX(id) FROM finding_history));" || { echo "cannot seed the store"; exit 1; }

# A fresh token to delete on each call that is expected to succeed.
fresh_token_id() {
    call POST "/api/v1/accounts/$B_ID/tokens" "$ADMIN" >/dev/null
    sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body"
}

# A fresh filter of account A (for update/delete rows).
fresh_filter_id() {
    call POST /api/v1/filters "$A_TOK" "{\"name\":\"tmp-$RANDOM$RANDOM\",\"action\":\"NONE\",\"filterCriteria\":{}}" >/dev/null
    sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body"
}
A_FILTER=$(fresh_filter_id)
# A fresh webhook of account A (for delete rows).
fresh_hook_id() {
    call POST /api/v1/webhooks "$A_TOK" '{"url":"http://127.0.0.1:9/hook"}' >/dev/null
    sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body"
}
# A findings report of account A (for the GET rows), once it is written.
call POST /api/v1/reports "$A_TOK" '{"reportFormat":"CSV"}' >/dev/null
A_REPORT=$(sed -n 's/.*"reportId":\([0-9]*\).*/\1/p' "$TMP/body")
for _ in $(seq 100); do
    call GET "/api/v1/reports/$A_REPORT" "$A_TOK" >/dev/null
    grep -q '"status":"IN_PROGRESS"' "$TMP/body" || break
    sleep 0.05
done
# A fresh resource of account A (for the DELETE rows).
fresh_resource() {
    local r=res-$RANDOM$RANDOM
    call PUT "/api/v1/resources/$r/inventory" "$A_TOK" '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}' >/dev/null
    echo "$r"
}

# METHOD PATTERN PATH BODY   none bad memberA memberB admin
matrix=(
"GET /healthz /healthz -                                  200 200 200 200 200"
"GET /metrics /metrics -                                  200 200 200 200 200"
"GET /api/v1/openapi.json /api/v1/openapi.json -          200 200 200 200 200"
"POST /api/v1/accounts /api/v1/accounts NEWACCOUNT        401 401 403 403 201"
"GET /api/v1/accounts /api/v1/accounts -                  401 401 403 403 200"
"POST /api/v1/accounts/{id}/tokens /api/v1/accounts/$A_ID/tokens - 401 401 403 403 201"
"DELETE /api/v1/tokens/{id} /api/v1/tokens/TOKENID -      401 401 403 403 204"
"GET /api/v1/findings/{id} /api/v1/findings/fa1 -         401 401 200 404 200"
"PUT /api/v1/resources/{id}/inventory /api/v1/resources/r-1/inventory SBOM 401 401 200 200 200"
"POST /api/v1/findings/list /api/v1/findings/list {}       401 401 200 200 200"
"POST /api/v1/findings/aggregations /api/v1/findings/aggregations {\"aggregationType\":\"SEVERITY\"} 401 401 200 200 200"
"GET /api/v1/coverage /api/v1/coverage -                  401 401 200 200 200"
"GET /api/v1/usage /api/v1/usage -                        401 401 200 200 200"
"GET /api/v1/vulnerabilities/{id} /api/v1/vulnerabilities/CVE-2021-23337 - 401 401 200 200 200"
"POST /api/v1/webhooks /api/v1/webhooks {\"url\":\"http://127.0.0.1:9/x\"} 401 401 201 201 201"
"GET /api/v1/webhooks /api/v1/webhooks -                  401 401 200 200 200"
"DELETE /api/v1/webhooks/{id} /api/v1/webhooks/HOOKID -   401 401 204 404 204"
"DELETE /api/v1/resources/{id} /api/v1/resources/RESID?accountId=$A_ID - 401 401 200 404 200"
"POST /api/v1/reports /api/v1/reports {\"reportFormat\":\"JSON\"} 401 401 202 202 202"
"GET /api/v1/reports/{id} /api/v1/reports/$A_REPORT -    401 401 200 404 200"
"GET /api/v1/reports/{id}/content /api/v1/reports/$A_REPORT/content - 401 401 200 404 200"
"POST /api/v1/sbom-exports /api/v1/sbom-exports {\"format\":\"SPDX\"} 401 401 200 200 200"
"POST /api/v1/filters /api/v1/filters NEWFILTER           401 401 201 201 201"
"GET /api/v1/filters /api/v1/filters -                    401 401 200 200 200"
"PUT /api/v1/filters/{id} /api/v1/filters/$A_FILTER {\"description\":\"x\"} 401 401 204 404 204"
"DELETE /api/v1/filters/{id} /api/v1/filters/FILTERID -   401 401 204 404 204"
)
who=(none bad memberA memberB admin)
tok=("" "$BAD" "$A_TOK" "$B_TOK" "$ADMIN")
n=0
for row in "${matrix[@]}"; do
    read -r method pattern path body s0 s1 s2 s3 s4 <<<"$row"
    want=("$s0" "$s1" "$s2" "$s3" "$s4")
    for i in 0 1 2 3 4; do
        p=$path; b=
        [ "$body" = NEWACCOUNT ] && b="{\"name\":\"acct-$n-$i\"}"
        [ "$body" = NEWFILTER ] && b="{\"name\":\"view-$n-$i\",\"action\":\"NONE\",\"filterCriteria\":{}}"
        [ "$body" = SBOM ] && b='{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}'
        [ "$body" != - ] && [ "$body" != NEWACCOUNT ] && [ "$body" != NEWFILTER ] && [ "$body" != SBOM ] && b=$body
        [[ "$p" == *FILTERID* ]] && p=${p/FILTERID/$(fresh_filter_id)}
        [[ "$p" == *HOOKID* ]] && p=${p/HOOKID/$(fresh_hook_id)}
        [[ "$p" == *TOKENID* ]] && p=${p/TOKENID/$(fresh_token_id)}
        [[ "$p" == *RESID* ]] && p=${p/RESID/$(fresh_resource)}
        got=$(call "$method" "$p" "${tok[$i]}" "$b")
        expect "$method $pattern as ${who[$i]}" "${want[$i]}" "$got"
        n=$((n + 1))
    done
done

# Every route the server describes has a row above.
call GET /api/v1/openapi.json "" >/dev/null
python3 - "$TMP/body" "${matrix[@]}" <<'PY' || fail=1
import json, sys
spec = json.load(open(sys.argv[1]))
have = {(r.split()[0], r.split()[1]) for r in sys.argv[2:]}
missing = [(m.upper(), p) for p, ops in spec["paths"].items() for m in ops if (m.upper(), p) not in have]
for m, p in missing:
    print(f"FAIL endpoint {m} {p} has no row in the authorisation matrix")
sys.exit(1 if missing else 0)
PY

# Errors are JSON with a code and a message; unknown paths 404, wrong methods 405.
expect "unknown path" 404 "$(call GET /api/v1/nope "$ADMIN")"
grep -q '"code":"NotFound"' "$TMP/body" || { echo "FAIL error body: $(cat "$TMP/body")"; fail=1; }
expect "wrong method" 405 "$(call PUT /api/v1/accounts "$ADMIN")"
expect "bad json" 400 "$(call POST /api/v1/accounts "$ADMIN" '{"name":')"
expect "duplicate account" 409 "$(call POST /api/v1/accounts "$ADMIN" '{"name":"team-a"}')"
expect "non-numeric id" 404 "$(call POST /api/v1/accounts/abc/tokens "$ADMIN")"
head -c 70000 /dev/zero | tr '\0' 'a' > "$TMP/big"
got=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
      --data-binary @"$TMP/big" "$URL/api/v1/accounts")
expect "body over --max-body" 413 "$got"
# The finding answer carries its history.
call GET /api/v1/findings/fa1 "$A_TOK" >/dev/null
grep -q '"history":\[{"at":1,"from":null,"to":"ACTIVE","cause":"inventory"}\]' "$TMP/body" \
    || { echo "FAIL finding history: $(cat "$TMP/body")"; fail=1; }
# Listing is scoped: A sees its finding, B sees none, the administrator all.
call POST /api/v1/findings/list "$A_TOK" '{}' >/dev/null
grep -q '"findingId":"fa1"' "$TMP/body" || { echo "FAIL A list: $(cat "$TMP/body")"; fail=1; }
call POST /api/v1/findings/list "$B_TOK" '{}' >/dev/null
grep -q '"findings":\[\]' "$TMP/body" || { echo "FAIL B list: $(cat "$TMP/body")"; fail=1; }
expect "bad criteria" 400 "$(call POST /api/v1/findings/list "$A_TOK" '{"filterCriteria":{"colour":[]}}')"
expect "bad sort" 400 "$(call POST /api/v1/findings/list "$A_TOK" '{"sortCriteria":{"field":"COLOUR"}}')"
expect "bad token" 400 "$(call POST /api/v1/findings/list "$A_TOK" '{"nextToken":"zz"}')"
# A suppression rule suppresses A's finding, and deleting it restores it.
call POST /api/v1/filters "$A_TOK" '{"name":"mute-openssl","action":"SUPPRESS","reason":"accepted","filterCriteria":{"vulnerablePackages":[{"name":{"comparison":"EQUALS","value":"openssl"}}]}}' >/dev/null
RULE=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body")
call GET /api/v1/findings/fa1 "$A_TOK" >/dev/null
grep -q '"status":"SUPPRESSED"' "$TMP/body" || { echo "FAIL not suppressed: $(cat "$TMP/body")"; fail=1; }
expect "delete rule" 204 "$(call DELETE "/api/v1/filters/$RULE" "$A_TOK")"
call GET /api/v1/findings/fa1 "$A_TOK" >/dev/null
grep -q '"status":"ACTIVE"' "$TMP/body" || { echo "FAIL not restored: $(cat "$TMP/body")"; fail=1; }
grep -q '"from":"SUPPRESSED","to":"ACTIVE","cause":"filter"' "$TMP/body" || { echo "FAIL history: $(cat "$TMP/body")"; fail=1; }

# Aggregations and coverage are scoped like listing.
call POST /api/v1/findings/aggregations "$A_TOK" '{"aggregationType":"RESOURCE"}' >/dev/null
grep -q '"key":"host-a","severityCounts":{"all":1,"critical":0,"high":0,"medium":1' "$TMP/body" \
    || { echo "FAIL A aggregation: $(cat "$TMP/body")"; fail=1; }
call POST /api/v1/findings/aggregations "$B_TOK" '{"aggregationType":"RESOURCE"}' >/dev/null
grep -q '"responses":\[\]' "$TMP/body" || { echo "FAIL B aggregation: $(cat "$TMP/body")"; fail=1; }
expect "bad aggregation" 400 "$(call POST /api/v1/findings/aggregations "$A_TOK" '{"aggregationType":"AMI"}')"
call GET /api/v1/coverage "$A_TOK" >/dev/null
grep -q '"resourceId":"host-a","resourceType":"host","scanStatus":{"statusCode":"INACTIVE","reason":"PENDING_INITIAL_SCAN"}' "$TMP/body" \
    || { echo "FAIL coverage: $(cat "$TMP/body")"; fail=1; }

# The vulnerability search answers with every alias; unknown ids are 404.
call GET /api/v1/vulnerabilities/GHSA-35jh-r3h4-6jhm "$A_TOK" >/dev/null
grep -q 'CVE-2021-23337' "$TMP/body" || { echo "FAIL vulnerability search: $(cat "$TMP/body")"; fail=1; }
expect "unknown vulnerability" 404 "$(call GET /api/v1/vulnerabilities/CVE-1999-0000 "$A_TOK")"

# Reports: written under the reports directory beside the store, scoped to
# the caller's account; bad formats and criteria are refused.
report() { # TOKEN BODY -> the report's file once it succeeded (it is written in the background)
    [ "$(call POST /api/v1/reports "$1" "$2")" = 202 ] || { echo "FAIL POST report $2: $(cat "$TMP/body")" >&2; fail=1; }
    grep -q '"status":"IN_PROGRESS"' "$TMP/body" || { echo "FAIL report not IN_PROGRESS at first: $(cat "$TMP/body")" >&2; fail=1; }
    local id; id=$(sed -n 's/.*"reportId":\([0-9]*\).*/\1/p' "$TMP/body")
    for _ in $(seq 100); do
        call GET "/api/v1/reports/$id" "$1" >/dev/null
        grep -q '"status":"IN_PROGRESS"' "$TMP/body" || break
        sleep 0.05
    done
    grep -q '"status":"SUCCEEDED"' "$TMP/body" || { echo "FAIL report $2: $(cat "$TMP/body")" >&2; fail=1; }
    sed -n 's/.*"location":"\([^"]*\)".*/\1/p' "$TMP/body"
}
f=$(report "$A_TOK" '{"reportFormat":"CSV"}')
[ "$(head -1 "$f" | tr -d '\r' | cut -d, -f1-3)" = findingId,accountId,status ] || { echo "FAIL CSV header: $(head -1 "$f")"; fail=1; }
grep -q "^fa1,$A_ID,ACTIVE," "$f" || { echo "FAIL CSV row: $(cat "$f")"; fail=1; }
[ "$(dirname "$f")" = "$TMP/reports/$A_ID" ] || { echo "FAIL report location $f"; fail=1; }
# Its content over the API: the same bytes, typed; scoped like the report.
[ "$(call GET "/api/v1/reports/$A_REPORT/content" "$B_TOK")" = 404 ] || { echo "FAIL B reads A's report content"; fail=1; }
f2=$(report "$A_TOK" '{"reportFormat":"CSV"}')
id=$(basename "$f2" .csv); id=${id#report-}
ct=$(curl -s -o "$TMP/content" -w '%{content_type}' -H "Authorization: Bearer $A_TOK" "$URL/api/v1/reports/$id/content")
[ "$ct" = "text/csv; charset=utf-8" ] && cmp -s "$TMP/content" "$f2" || { echo "FAIL CSV content ($ct) differs from $f2"; fail=1; }
call GET "/api/v1/reports/$id" "$A_TOK" >/dev/null
python3 - "$TMP/body" "$f2" <<'PY' || { echo "FAIL report size/rowCount: $(cat "$TMP/body")"; fail=1; }
import json, os, sys
r = json.load(open(sys.argv[1]))
rows = sum(1 for _ in open(sys.argv[2])) - 1
sys.exit(not (r["size"] == os.path.getsize(sys.argv[2]) and r["rowCount"] == rows == 1))
PY
f=$(report "$B_TOK" '{"reportFormat":"JSON"}')
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(len(d["findings"]) != 0)' "$f" \
    || { echo "FAIL B sees A's findings in a report: $(cat "$f")"; fail=1; }
f=$(report "$A_TOK" '{"reportFormat":"JSON","filterCriteria":{"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]}}')
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["findings"][0]["findingId"] != "fa1")' "$f" \
    || { echo "FAIL A JSON report: $(cat "$f")"; fail=1; }
id=$(basename "$f" .json); id=${id#report-}
ct=$(curl -s -o "$TMP/content" -w '%{content_type}' -H "Authorization: Bearer $ADMIN" "$URL/api/v1/reports/$id/content")
[ "$ct" = application/json ] && cmp -s "$TMP/content" "$f" || { echo "FAIL JSON content ($ct)"; fail=1; }
expect "bad report format" 400 "$(call POST /api/v1/reports "$A_TOK" '{"reportFormat":"XLS"}')"
expect "bad report criteria" 400 "$(call POST /api/v1/reports "$A_TOK" '{"reportFormat":"CSV","filterCriteria":{"colour":[]}}')"
expect "bad sbom format" 400 "$(call POST /api/v1/sbom-exports "$A_TOK" '{"format":"SWID"}')"
expect "bad resourceIds" 400 "$(call POST /api/v1/sbom-exports "$A_TOK" '{"format":"SPDX","resourceIds":"r-1"}')"
# SBOM exports: one document per resource, in the format asked for.
call PUT /api/v1/resources/web-1/inventory "$A_TOK" '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}]}' >/dev/null
call POST /api/v1/sbom-exports "$A_TOK" '{"format":"CYCLONEDX","resourceIds":["web-1"]}' >/dev/null
id=$(sed -n 's/.*"reportId":\([0-9]*\).*/\1/p' "$TMP/body")
call GET "/api/v1/reports/$id" "$A_TOK" >/dev/null
d=$(sed -n 's/.*"location":"\([^"]*\)".*/\1/p' "$TMP/body")
[ "$(ls "$d" | wc -l)" = 1 ] || { echo "FAIL sbom export files: $(ls "$d")"; fail=1; }
python3 -c 'import json,sys,glob; d=json.load(open(glob.glob(sys.argv[1]+"/*web-1.cdx.json")[0])); sys.exit(not (d["bomFormat"]=="CycloneDX" and any(c.get("purl")=="pkg:npm/lodash@4.17.20" for c in d["components"])))' "$d" \
    || { echo "FAIL CycloneDX export: $(cat "$d"/*)"; fail=1; }
expect "content of an SBOM export" 409 "$(call GET "/api/v1/reports/$id/content" "$A_TOK")"
call POST /api/v1/sbom-exports "$B_TOK" '{"format":"SPDX"}' >/dev/null
id=$(sed -n 's/.*"reportId":\([0-9]*\).*/\1/p' "$TMP/body")
call GET "/api/v1/reports/$id" "$B_TOK" >/dev/null
d=$(sed -n 's/.*"location":"\([^"]*\)".*/\1/p' "$TMP/body")
ls "$d"/*web-1* >/dev/null 2>&1 && { echo "FAIL B exported A's resource"; fail=1; }

# Metrics count what was served.
call GET /metrics "" >/dev/null
grep -q '^kensa_http_requests_total{code="4xx"} [1-9]' "$TMP/body" || { echo "FAIL metrics"; fail=1; }

kill "$SERVER_PID"; wait "$SERVER_PID"; rc=$?
SERVER_PID=
[ $rc = 0 ] || { echo "FAIL server exit code $rc after SIGTERM"; cat "$TMP/err"; fail=1; }
echo "$n authorisation checks"
exit $fail
