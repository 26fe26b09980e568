#!/bin/bash
# tests/server/reeval.sh KENSA - re-evaluation gives the findings a fresh
# evaluation gives, over HTTP only.
#
# A generated OSV corpus (PyPI-style packages, ranges and version lists,
# aliases, CVSS vectors) and 150 inventories of 20 of its packages each;
# then a change set: advisories withdrawn, version lists shortened with a
# corrected summary, severities changed, advisories added. Three servers
# (--reevaluation-threads 2, so the re-evaluation pipeline runs with two producers,
# several batches and more resources than its window):
#   S1  inventories submitted, then the change imported: re-evaluation by
#       change set;
#   S2  a fresh store, inventories submitted against the changed database;
#   S3  as S1, but the file is replaced by a database built afresh (another
#       lineage): full re-evaluation, from the submitted documents (its
#       packed inventories are deleted or damaged first).
# S1 and S3 must hold the same findings (statuses, contents) with the same
# history (transitions and causes); S2 the same findings as S1 but its
# CLOSED ones. A suppression rule is in place on every server.
set -u
KENSA=$(realpath "$1")
TMP=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export KENSA_CONFIG=/dev/null KENSA_WATCH_MS=100
fail=0
no() { echo "FAIL: $*"; fail=1; }

python3 - "$TMP" <<'PY' || { echo "generation failed"; exit 1; }
import json, os, random, sys
tmp = sys.argv[1]
rng = random.Random(10)
pkgs = [f"kensa-reeval-{i}" for i in range(30)]
vers = [f"1.{m}.{p}" for m in range(6) for p in range(3)]
vectors = ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",   # critical
           "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",   # high
           "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",   # medium
           "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"]   # low
def advisory(n):
    doc = {"schema_version": "1.4.0", "id": f"PYSEC-2099-{n}", "aliases": [f"CVE-2099-{1000 + n}"],
           "modified": "2026-01-01T00:00:00Z", "published": "2026-01-01T00:00:00Z",
           "summary": f"test advisory {n}", "severity": [{"type": "CVSS_V3", "score": rng.choice(vectors)}],
           "affected": []}
    for name in rng.sample(pkgs, rng.choice((1, 1, 2))):
        lo = rng.randrange(len(vers) - 6)
        hi = lo + rng.randrange(2, 6)
        a = {"package": {"ecosystem": "PyPI", "name": name}}
        if rng.random() < 0.5:
            a["ranges"] = [{"type": "ECOSYSTEM", "events": [{"introduced": vers[lo]}, {"fixed": vers[hi]}]}]
        else:
            a["versions"] = vers[lo:hi]
        doc["affected"].append(a)
    return doc
def write(d, docs):
    os.makedirs(d, exist_ok=True)
    for doc in docs:
        json.dump(doc, open(os.path.join(d, doc["id"] + ".json"), "w"))
base = [advisory(n) for n in range(80)]
write(f"{tmp}/base", base)
changed = []
for k, doc in enumerate(rng.sample(base, 45)):
    doc = json.loads(json.dumps(doc))
    doc["modified"] = "2026-02-01T00:00:00Z"
    if k < 15:
        doc["withdrawn"] = "2026-02-01T00:00:00Z"
    elif k < 30:  # corrected: the newest listed version is not affected, new wording
        for a in doc["affected"]:
            if len(a.get("versions", [])) > 1:
                a["versions"] = a["versions"][:-1]
        doc["summary"] += " (corrected)"
    else:         # rescored
        doc["severity"] = [{"type": "CVSS_V3", "score": rng.choice(vectors)}]
    changed.append(doc)
for n in range(80, 90):
    doc = advisory(n)
    doc["modified"] = "2026-02-01T00:00:00Z"
    changed.append(doc)
write(f"{tmp}/change", changed)
os.makedirs(f"{tmp}/inv")
for i in range(150):
    comps = [{"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n}@{v}"}
             for n in rng.sample(pkgs, 20) for v in [rng.choice(vers)]]
    json.dump({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps},
              open(f"{tmp}/inv/host-{i}.json", "w"))
PY

imp() { "$KENSA" db import -q --db "$1" "${@:2}" >/dev/null || { echo "import into $1 failed"; exit 1; }; }
imp "$TMP/vuln1.db" "$TMP/base"
cp "$TMP/vuln1.db" "$TMP/vuln3.db"
imp "$TMP/vuln2.db" "$TMP/base"
imp "$TMP/vuln2.db" "$TMP/change"

. "$(dirname "$0")/store.sh"
start() { # NAME -> URL_NAME and TOKEN_NAME set, server running on store NAME.store
    local admin out
    use_store "reeval_$1" "$TMP/$1.store"
    admin=$("$KENSA" server init --store "$STORE" | tail -1)
    "$KENSA" server --listen 127.0.0.1:0 --store "$STORE" --db "$TMP/vuln${1#s}.db" \
        --threads 2 --reevaluation-threads 2 -v >"$TMP/$1.out" 2>"$TMP/$1.err" &
    PIDS+=($!)
    for _ in $(seq 100); do grep -qs listening "$TMP/$1.out" && break; sleep 0.05; done
    out=http://127.0.0.1:$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$TMP/$1.out")
    eval "URL_$1=$out TOKEN_$1=$admin"
}
call() { # SERVER METHOD PATH [BODY-FILE]
    local url token
    eval "url=\$URL_$1 token=\$TOKEN_$1"
    curl -s -o "$TMP/body" -w '%{http_code}' -X "$2" -H "Authorization: Bearer $token" \
        ${4:+--data-binary @"$4"} "$url$3"
}
metric() { local url; eval "url=\$URL_$1"; curl -s "$url/metrics" | awk -v k="$2" '$1 == k { print $2 }'; }
echo '{"name":"low","action":"SUPPRESS","reason":"accepted","filterCriteria":{"severity":[{"comparison":"EQUALS","value":"LOW"}]}}' > "$TMP/filter.json"
# A small HTTP client with a kept-alive connection (curl per request would
# make the suite slow): "submit DIR" PUTs every inventory, "dump FILE" writes
# every finding with its history as JSON lines.
cat > "$TMP/client.py" <<'PY'
import http.client, json, os, sys, urllib.parse
url, token, what, arg = sys.argv[1:5]
u = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
def call(method, path, body=None, want=200):
    c.request(method, path, body=body, headers={"Authorization": "Bearer " + token})
    r = c.getresponse()
    out = r.read()
    if r.status != want:
        sys.exit(f"{method} {path}: {r.status} {out[:300]!r}")
    return json.loads(out)
if what == "submit":
    for f in sorted(os.listdir(arg)):
        call("PUT", f"/api/v1/resources/{f[:-5]}/inventory?type=host", open(os.path.join(arg, f), "rb").read())
else:
    ids, token_ = [], None
    while True:
        page = call("POST", "/api/v1/findings/list", json.dumps({"maxResults": 100, "nextToken": token_}))
        ids += [f["findingId"] for f in page["findings"]]
        token_ = page.get("nextToken")
        if not token_:
            break
    with open(arg, "w") as out:
        for i in ids:
            f = call("GET", f"/api/v1/findings/{i}")
            f["findingId"] = i
            out.write(json.dumps(f) + "\n")
PY
client() { local url token; eval "url=\$URL_$1 token=\$TOKEN_$1"; python3 "$TMP/client.py" "$url" "$token" "$2" "$3" || no "$1: $2 failed"; }
wait_metric() { # SERVER KEY VALUE
    for _ in $(seq 300); do [ "$(metric "$1" "$2")" = "$3" ] && return 0; sleep 0.1; done
    no "$1: $2 is $(metric "$1" "$2"), want $3: $(tail -3 "$TMP/$1.err")"
}

for s in s1 s2 s3; do start $s; done
[ "$(call s2 POST /api/v1/filters "$TMP/filter.json")" = 201 ] || no "s2 filter: $(cat "$TMP/body")"
for s in s1 s2 s3; do client $s submit "$TMP/inv"; done
for s in s1 s3; do
    [ "$(call $s POST /api/v1/filters "$TMP/filter.json")" = 201 ] || no "$s filter: $(cat "$TMP/body")"
done

# S3's inventories lose their packed form, half of them deleted (as in a
# store from before it) and half damaged (as another layout would read):
# its full re-evaluation parses the submitted documents while S1's change
# set reads the packed forms, and the two must agree.
use_store reeval_s1 "$TMP/s1.store"
n1=$(store_sql "SELECT COUNT(*) FROM inventory_packed")
use_store reeval_s3 "$TMP/s3.store"
store_sql $'UPDATE inventory_packed SET packed = \'kensa-inventory 9\n\'
    WHERE rid IN (SELECT rid FROM inventory_packed ORDER BY rid LIMIT 75);
    DELETE FROM inventory_packed WHERE packed NOT LIKE \'kensa-inventory 9%\';' >/dev/null ||
    no "cannot damage s3's packed inventories"
bad=$(store_sql "SELECT COUNT(*) FROM inventory_packed WHERE packed LIKE 'kensa-inventory 9%'")
all=$(store_sql "SELECT COUNT(*) FROM inventory_packed")
[ "$n1 $bad $all" = "150 75 75" ] || no "packed inventories: s1 $n1, s3 damaged $bad of $all left"

imp "$TMP/vuln1.db" "$TMP/change"
wait_metric s1 'kensa_reevaluations_total{mode="changes"}' 1
[ "$(metric s1 'kensa_reevaluations_total{mode="full"}')" = 0 ] || no "s1: a full re-evaluation ran"
mkdir "$TMP/merged"
cp "$TMP"/base/*.json "$TMP"/merged/ && cp "$TMP"/change/*.json "$TMP"/merged/
imp "$TMP/other.db" "$TMP/merged"
mv "$TMP/other.db" "$TMP/vuln3.db"
wait_metric s3 kensa_reevaluation_fallbacks_total 1
[ "$(grep -c 'reading its document instead' "$TMP/s3.err")" = 75 ] ||
    no "s3: $(grep -c 'reading its document instead' "$TMP/s3.err") warnings for damaged packed inventories, want 75"

for s in s1 s2 s3; do client $s dump "$TMP/$s.hist"; done

python3 - "$TMP" <<'PY' || fail=1
import json, sys
tmp = sys.argv[1]
TIMES = {"firstObservedAt", "lastObservedAt", "updatedAt"}
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in TIMES and k != "at"}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
def load(s):
    found = {}
    for l in open(f"{tmp}/{s}.hist"):
        f = json.loads(l)
        f = strip(f)
        body = f.pop("finding")
        body.pop("status", None)  # as it was when written: the store's status is the one
        body.update(f)
        found[body.pop("findingId")] = body
    return found
s1, s2, s3 = load("s1"), load("s2"), load("s3")
status = lambda fs: {k: sum(1 for f in fs.values() if f["status"] == k) for k in ("ACTIVE", "SUPPRESSED", "CLOSED")}
print("s1", status(s1), "s2", status(s2), "s3", status(s3))
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg)
        ok = False
check(status(s1)["CLOSED"] > 0 and status(s1)["SUPPRESSED"] > 0 and status(s1)["ACTIVE"] > 100,
      "the change set should close, and the rule suppress, findings")
hist = lambda f: [(h.get("from"), h.get("to"), h.get("cause")) for h in f.get("history", [])]
causes = {c for f in s1.values() for (_, _, c) in hist(f)}
check({"inventory", "vulndb", "filter"} <= causes, f"history causes {causes}")
updated = sum(1 for f in s1.values() if any(c == "vulndb" and a == b for a, b, c in hist(f)))
check(updated > 0, "no finding was updated in place by the change set")
# S1 (change set) and S3 (everything re-matched): the same findings and history.
check(set(s1) == set(s3), f"ids differ: {len(set(s1) ^ set(s3))}")
for k in set(s1) & set(s3):
    a, b = dict(s1[k]), dict(s3[k])
    check(hist(a) == hist(b), f"{k}: history {hist(a)} vs {hist(b)}")
    a.pop("history", None), b.pop("history", None)
    check(a == b, f"{k}: {json.dumps(a)[:300]} vs {json.dumps(b)[:300]}")
# S2 (fresh): S1's findings but the CLOSED ones.
live = {k: f for k, f in s1.items() if f["status"] != "CLOSED"}
check(set(live) == set(s2), f"fresh submit differs in {len(set(live) ^ set(s2))} ids")
for k in set(live) & set(s2):
    a, b = dict(live[k]), dict(s2[k])
    a.pop("history", None), b.pop("history", None)
    check(a == b, f"{k} fresh: {json.dumps(a)[:300]} vs {json.dumps(b)[:300]}")
sys.exit(0 if ok else 1)
PY
exit $fail
