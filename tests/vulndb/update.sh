#!/bin/bash
# tests/vulndb/update.sh KENSA SRC - `kensa db update` against a local feed
# server: first import, 304 re-import of nothing, and failures (HTTP 5xx,
# truncated .gz, over-size body, checksum mismatch, kill -9 during import)
# that must each leave the previous DB and its digest unchanged.
set -u
KENSA=$(realpath "$1")
SRC=$(realpath "$2")
TMP=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
command -v python3 >/dev/null || fail "python3 is needed (Debian package python3)"

D=$SRC/tests/data/vulndb
mkdir -p "$TMP/www"
cp "$D/osv/GHSA-jfh8-c2jp-5v3q.json" "$TMP/www/ghsa.json"
cp "$D/kev/kev-log4j.json" "$TMP/www/kev.json"
cp "$D/updateinfo/al2023-updateinfo.xml.gz" "$TMP/www/al2023.xml.gz"
python3 "$SRC/tests/vulndb/feed_server.py" "$TMP/www" "$TMP/port" &
SERVER=$!
for _ in $(seq 100); do [ -f "$TMP/port" ] && break; sleep 0.05; done
[ -f "$TMP/port" ] || fail "feed server did not start"
U=http://127.0.0.1:$(cat "$TMP/port")
DB=$TMP/v.db
sum() { sha256sum "$DB" | cut -d' ' -f1; }
digest() { "$KENSA" db status --db "$DB" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["digest"])'; }

GHSA_SUM=$(sha256sum "$TMP/www/ghsa.json" | cut -d' ' -f1)
cat > "$TMP/feeds" <<EOT
# name url [sha256]
ghsa $U/f/ghsa.json sha256:$GHSA_SUM
kev $U/f/kev.json
al2023 $U/f/al2023.xml.gz
EOT

# 1. first update imports everything
"$KENSA" db update --db "$DB" --feeds "$TMP/feeds" > "$TMP/out1" || { cat "$TMP/out1"; fail "first update"; }
grep -q "3 added" "$TMP/out1" || { cat "$TMP/out1"; fail "first update did not import"; }
"$KENSA" db search --db "$DB" CVE-2021-44228 --format json | grep -q '"date_added": "2021-12-10"' || fail "KEV not imported"
S1=$(sum); G1=$(digest)

# 2. unchanged feeds: 304 everywhere, nothing imported, file untouched
"$KENSA" db update --db "$DB" --feeds "$TMP/feeds" > "$TMP/out2" || fail "second update"
grep -q "up to date, nothing imported" "$TMP/out2" || { cat "$TMP/out2"; fail "no 304 path"; }
[ "$(grep -c 'not modified' "$TMP/out2")" = 3 ] || fail "expected 3 not-modified feeds"
[ "$(sum)" = "$S1" ] || fail "DB changed on 304"

# 3..6: failures leave DB and digest as they were (HTTP errors, truncation,
# size, checksum, 404, an error page instead of the feed)
expect_fail() { # NAME FEEDLINE [extra args]
    local name=$1 line=$2; shift 2
    printf '%s\n' "$line" > "$TMP/feeds.bad"
    if "$KENSA" db update --db "$DB" --feeds "$TMP/feeds.bad" "$@" > "$TMP/out.$name" 2>&1; then
        cat "$TMP/out.$name"; fail "$name: update succeeded"
    fi
    [ "$(sum)" = "$S1" ] || fail "$name: DB changed"
    [ "$(digest)" = "$G1" ] || fail "$name: digest changed"
    ls "$DB.feeds" | grep -q part && fail "$name: partial download left behind"
    return 0
}
expect_fail http500 "x $U/500/ghsa.json"
grep -q "HTTP status 500" "$TMP/out.http500" || fail "no 500 message"
expect_fail truncated "t $U/trunc/al2023.xml.gz"
grep -q "feed 't'" "$TMP/out.truncated" || { cat "$TMP/out.truncated"; fail "no truncation message"; }
expect_fail oversize "o $U/f/ghsa.json" --max-size 1K
grep -q "larger than 1024 bytes" "$TMP/out.oversize" || fail "no size message"
expect_fail checksum "c $U/f/kev.json sha256:$GHSA_SUM"
grep -q "SHA-256" "$TMP/out.checksum" || fail "no checksum message"
expect_fail notfound "n $U/f/missing.json"
# an error page served with 200 in place of a feed must not remove that feed's records
echo '<html><body>Please log in to the network</body></html>' > "$TMP/www/portal.json"
# newer than the kev feed's Last-Modified, or the server may answer 304 (same second)
touch -d "@$(( $(date +%s) + 3600 ))" "$TMP/www/portal.json"
expect_fail portal "kev $U/f/portal.json"
grep -q "no valid record" "$TMP/out.portal" || { cat "$TMP/out.portal"; fail "no message for an error page"; }

# 7. kill -9 during the import of a large feed
python3 - "$TMP/www/big.zip" "$D/osv/GHSA-jfh8-c2jp-5v3q.json" <<'PY'
import json, sys, zipfile
rec = json.load(open(sys.argv[2]))
with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:
    for i in range(20000):
        rec['id'] = 'GHSA-big-%05d' % i
        rec['aliases'] = ['CVE-2099-%05d' % i]
        z.writestr(rec['id'] + '.json', json.dumps(rec))
PY
printf 'big %s/f/big.zip\n' "$U" > "$TMP/feeds.big"
"$KENSA" db update --db "$DB" --feeds "$TMP/feeds.big" > /dev/null 2>&1 &
UPD=$!
for _ in $(seq 400); do ls "$TMP" | grep -q 'v.db.tmp-' && break; sleep 0.01; done
sleep 0.2
kill -9 "$UPD" 2>/dev/null
wait "$UPD" 2>/dev/null
[ "$(sum)" = "$S1" ] || fail "kill -9: DB changed"
[ "$(digest)" = "$G1" ] || fail "kill -9: digest changed"
"$KENSA" db search --db "$DB" GHSA-big-00001 > /dev/null 2>&1 && fail "kill -9: partial import visible"

# 8. a changed feed is downloaded and imported again
sed -i 's/2022-03-25T20:56:18Z/2022-03-26T00:00:00Z/' "$TMP/www/ghsa.json"
printf 'ghsa %s/f/ghsa.json\nkev %s/f/kev.json\n' "$U" "$U" > "$TMP/feeds2"
"$KENSA" db update --db "$DB" --feeds "$TMP/feeds2" > "$TMP/out8" || fail "update after change"
grep -q "1 changed" "$TMP/out8" || { cat "$TMP/out8"; fail "changed feed not re-imported"; }
grep -q "kev: not modified" "$TMP/out8" || fail "unchanged feed re-downloaded"
[ "$(digest)" != "$G1" ] || fail "digest did not change"
echo "ok: db update (first, 304, 500, truncated, over-size, checksum, 404, kill -9, changed)"
