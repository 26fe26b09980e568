#!/bin/bash
# tests/server/ratelimit.sh KENSA - per-account request rate limits.
#
# A server with --rate-limit 1 --burst 10: one account making 25 quick
# requests gets about its burst answered and the rest 429 with a Retry-After;
# another account is unaffected, and so are unauthenticated endpoints.
set -u
KENSA=$(realpath "$1")
TMP=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" server --rate-limit 0 >/dev/null 2>&1 && no "--rate-limit 0 accepted"
ADMIN=$("$KENSA" server init --store "$TMP/store.db" | tail -1)
"$KENSA" server --listen 127.0.0.1:0 --store "$TMP/store.db" --db "$TMP/none.db" \
    --rate-limit 1 --burst 10 >"$TMP/out" 2>"$TMP/err" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
call() { # METHOD PATH TOKEN [BODY] -> status; headers in $TMP/h, body in $TMP/body
    curl -s -D "$TMP/h" -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" \
        ${4:+--data "$4"} "$URL$2"
}
token() { # NAME -> a member token
    call POST /api/v1/accounts "$ADMIN" "{\"name\":\"$1\"}" >/dev/null
    local id; id=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/body")
    call POST "/api/v1/accounts/$id/tokens" "$ADMIN" >/dev/null
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p' "$TMP/body"
}
A=$(token team-a)
B=$(token team-b)

ok=0 limited=0
for _ in $(seq 25); do
    case $(call GET /api/v1/coverage "$A") in
    200) ok=$((ok + 1)) ;;
    429) limited=$((limited + 1)); cp "$TMP/h" "$TMP/h429"; cp "$TMP/body" "$TMP/b429" ;;
    *) no "unexpected status: $(cat "$TMP/body")" ;;
    esac
done
# The burst, plus one per second the loop took (it takes well under 5 s).
[ "$ok" -ge 10 ] && [ "$ok" -le 15 ] || no "$ok requests answered, want 10 to 15"
[ "$limited" -ge 10 ] || no "only $limited requests limited"
grep -qi '^retry-after: [1-9]' "$TMP/h429" || no "no Retry-After: $(cat "$TMP/h429")"
grep -q '"code":"TooManyRequestsException"' "$TMP/b429" || no "429 body: $(cat "$TMP/b429")"
[ "$(call GET /api/v1/coverage "$B")" = 200 ] || no "account B limited by A's requests"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200 ] || no "healthz limited"
sleep 2.1
[ "$(call GET /api/v1/coverage "$A")" = 200 ] || no "A not served again after waiting"
echo "$ok answered, $limited limited"
exit $fail
