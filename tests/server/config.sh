#!/bin/bash
# tests/server/config.sh KENSA - `kensa server --config FILE`: the [server]
# section sets listen, store, db, reports, rate limit and burst, request
# size limit, threads and the database poll interval; command-line options
# override the file; unknown keys and bad values are one-line errors naming
# the file and line (exit 2).
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
unset KENSA_CONFIG KENSA_DB KENSA_HOME KENSA_WATCH_MS
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" db import --db "$TMP/vuln.db" "$DATA/advisories" >/dev/null || { echo "import failed"; exit 1; }
ADMIN=$("$KENSA" server init --store "$TMP/store.db" | tail -1)
cat > "$TMP/kensa.conf" <<CONF
# the service
[limits]
max_json_depth = 64

[server]
listen = 127.0.0.1:0
store = $TMP/store.db
db = $TMP/vuln.db
reports = $TMP/out-reports
rate_limit = 500
burst = 500
max_body = 2K
threads = 2
db_poll_ms = 250
CONF

start() { # ARGS... -> starts the server, sets URL
    : >"$TMP/out"
    "$KENSA" server "$@" >"$TMP/out" 2>"$TMP/err" &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q listening "$TMP/out" && break; sleep 0.05; done
    URL=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/out")
}
stop() { kill "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=; }
call() { # METHOD PATH [BODY] -> status
    curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $ADMIN" \
        ${3:+--data-binary "$3"} "$URL$2"
}

start --config "$TMP/kensa.conf"
grep -q "listening on 127.0.0.1:" "$TMP/out" || { no "server from the file did not start: $(cat "$TMP/err")"; exit 1; }
# The store of the file: the administrator made there is known.
[ "$(call GET /api/v1/accounts)" = 200 ] || no "store from the file: $(cat "$TMP/body")"
# The request size limit of the file.
big=$(head -c 3000 /dev/zero | tr '\0' x)
[ "$(call POST /api/v1/accounts "{\"name\":\"$big\"}")" = 413 ] || no "max_body from the file"
# The database of the file: an inventory matches against it.
call PUT /api/v1/resources/web-1/inventory '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"lodash","version":"4.17.20","purl":"pkg:npm/lodash@4.17.20"}]}' >/dev/null
grep -q '"opened":1' "$TMP/body" || no "db from the file: $(cat "$TMP/body")"
report() { # FORMAT -> the finished report's status in $TMP/body
    call POST /api/v1/reports "{\"reportFormat\":\"$1\"}" >/dev/null
    local id; id=$(sed -n 's/.*"reportId":\([0-9]*\).*/\1/p' "$TMP/body")
    for _ in $(seq 100); do
        call GET "/api/v1/reports/$id" >/dev/null
        grep -q '"status":"IN_PROGRESS"' "$TMP/body" || break
        sleep 0.05
    done
}
# The reports directory of the file.
report CSV
grep -q "\"location\":\"$TMP/out-reports/" "$TMP/body" || no "reports dir from the file: $(cat "$TMP/body")"
stop

# The rate limit and burst of the file: 2 at once, then 429 (1 more a second).
sed -e 's/^rate_limit = .*/rate_limit = 1/' -e 's/^burst = .*/burst = 2/' "$TMP/kensa.conf" >"$TMP/slow.conf"
start --config "$TMP/slow.conf"
codes=$(for i in 1 2 3 4 5 6; do call GET /api/v1/usage; echo; done)
ok=$(grep -c 200 <<<"$codes"); limited=$(grep -c 429 <<<"$codes")
[ "$ok" -ge 2 ] && [ "$ok" -le 3 ] && [ "$limited" -ge 3 ] || no "rate limit from the file: $ok OK, $limited limited"
stop

# Options on the command line win over the file.
start --config "$TMP/slow.conf" --rate-limit 1000 --burst 1000 --max-body 1M --reports "$TMP/cli-reports"
for i in 1 2 3 4 5 6; do [ "$(call GET /api/v1/usage)" = 200 ] || no "--rate-limit did not override the file"; done
[ "$(call POST /api/v1/accounts "{\"name\":\"$big\"}")" = 400 ] || no "--max-body did not override the file: $(cat "$TMP/body")"
report JSON
grep -q "\"location\":\"$TMP/cli-reports/" "$TMP/body" || no "--reports did not override: $(cat "$TMP/body")"
stop
sed "s|^store = .*|store = $TMP/nowhere/x/store.db|" "$TMP/kensa.conf" >"$TMP/other.conf"
start --config "$TMP/other.conf" --store "$TMP/store.db"
[ "$(call GET /api/v1/accounts)" = 200 ] || no "--store did not override the file: $(cat "$TMP/err")"
stop

# Errors: one line naming the file and line, exit 2, nothing started.
bad() { # WHAT LINE-TEXT LINE-NUMBER MESSAGE
    { printf '[server]\nthreads = 2\n'; echo "$2"; } >"$TMP/bad.conf"
    timeout 10 "$KENSA" server --config "$TMP/bad.conf" >"$TMP/o" 2>"$TMP/e"; rc=$?
    [ $rc = 2 ] || no "$1: rc $rc"
    [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "'$TMP/bad.conf' line $3: $4" "$TMP/e" || no "$1: $(cat "$TMP/e")"
    grep -q listening "$TMP/o" && no "$1: the server started"
}
bad "unknown key" "colour = blue" 3 "unknown key 'colour' in \[server\]"
bad "bad number" "rate_limit = fast" 3 "bad value 'fast' for 'rate_limit'"
bad "bad size" "max_body = 12Q" 3 "bad value '12Q' for 'max_body'"
bad "bad listen" "listen = localhost:http" 3 "bad value 'localhost:http' for 'listen'"
bad "too many threads" "threads = 1000" 3 "bad value '1000' for 'threads'"
bad "poll too fast" "db_poll_ms = 5" 3 "bad value '5' for 'db_poll_ms'"
bad "no re-evaluation threads" "reevaluation_threads = 0" 3 "bad value '0' for 'reevaluation_threads'"
"$KENSA" server --config "$TMP/missing.conf" >/dev/null 2>"$TMP/e" && no "a missing config file was accepted"
grep -q "missing.conf" "$TMP/e" || no "missing file: $(cat "$TMP/e")"
# Other sections are other commands' business.
printf '[scan]\nwhatever = 1\n[server]\nlisten = 127.0.0.1:0\nstore = %s\n' "$TMP/store.db" >"$TMP/mixed.conf"
start --config "$TMP/mixed.conf"
grep -q listening "$TMP/out" || no "other sections refused: $(cat "$TMP/err")"
stop
exit $fail
