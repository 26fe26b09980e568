#!/usr/bin/env python3
"""bench/server.py BUILD [N] [OSV_DIR] - the service at fleet scale (issue 10).

Builds a vulnerability database from OSV_DIR (default ../shared/data/osv/pypi:
real PyPI advisories), starts `kensa server` on 127.0.0.1 with a temporary
SQLite store, and measures over HTTP only:

  1. inventory submit throughput: N resources (default 10,000), each a
     CycloneDX document of 150 PyPI packages drawn from the versions the
     advisories list (so findings are real matches), PUT by 4 clients with
     keep-alive connections; whole requests per second;
  2. findings/list latency, p50/p99 of 300 filtered first pages (severity
     HIGH or CRITICAL, ACTIVE, 50 per page) and 300 pages of one resource;
  3. re-evaluation: the database file is rebuilt (`kensa db import`), and the
     time until the server logs that every resource was re-evaluated.

The baseline for (1) is the same request against /healthz-sized work: the
ratio reported is submit time per inventory over an empty GET round trip.
"""
import glob, http.client, json, os, random, re, shutil, statistics, subprocess, sys, tempfile
import threading, time

build = os.path.abspath(sys.argv[1])
n_res = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
osv = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../shared/data/osv/pypi")
kensa = os.path.join(build, "kensa")
tmp = tempfile.mkdtemp(prefix="kensa-bench-")
env = dict(os.environ, KENSA_CONFIG="/dev/null")

# Vulnerable (name, version) pairs straight from the advisories.
pairs = set()
for f in glob.glob(os.path.join(osv, "**", "*.yaml"), recursive=True) + glob.glob(os.path.join(osv, "**", "*.json"), recursive=True):
    text = open(f, encoding="utf-8", errors="replace").read()
    m = re.search(r"name:\s*(\S+)\s*\n\s*ecosystem:\s*PyPI", text) or re.search(r'"name":\s*"([^"]+)",\s*"ecosystem":\s*"PyPI"', text)
    if not m:
        continue
    vs = re.findall(r'^\s*-\s*"?([0-9][^"\s]*)"?\s*$', text.split("versions:")[-1], re.M) if "versions:" in text else []
    for v in vs[:3]:
        pairs.add((m.group(1), v))
pairs = sorted(pairs)
if len(pairs) < 200:
    sys.exit(f"only {len(pairs)} vulnerable versions found under {osv}")
random.seed(7)

def inventory(i):
    comps = [{"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n}@{v}"}
             for n, v in dict(random.sample(pairs, 150)).items()]
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": comps}).encode()

docs = [inventory(i) for i in range(200)]  # 200 distinct inventories, reused

db = os.path.join(tmp, "vuln.db")
subprocess.run([kensa, "db", "import", "-q", "--db", db, osv], check=True, env=env)
store = os.path.join(tmp, "store.db")
admin = subprocess.run([kensa, "server", "init", "--store", store], check=True, env=env,
                       capture_output=True, text=True).stdout.strip().splitlines()[-1]
err = open(os.path.join(tmp, "err"), "w")
srv = subprocess.Popen([kensa, "server", "--listen", "127.0.0.1:0", "--store", store, "--db", db,
                        "--threads", "2", "-v"], stdout=subprocess.PIPE, stderr=err, text=True, env=env)
port = int(srv.stdout.readline().strip().rsplit(":", 1)[1])
hdr = {"Authorization": "Bearer " + admin, "Content-Type": "application/json"}

def call(conn, method, path, body=None):
    conn.request(method, path, body=body, headers=hdr)
    r = conn.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data[:200]!r}")
    return data

try:
    # 1. submit throughput
    nxt = iter(range(n_res))
    lock = threading.Lock()
    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while True:
            with lock:
                i = next(nxt, None)
            if i is None:
                return
            call(c, "PUT", f"/api/v1/resources/host-{i}/inventory?type=host", docs[i % len(docs)])
    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    submit_s = time.perf_counter() - t0
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    for _ in range(200):
        call(c, "GET", "/healthz")
    rtt = (time.perf_counter() - t0) / 200
    aggs = json.loads(call(c, "POST", "/api/v1/findings/aggregations",
                           json.dumps({"aggregationType": "SEVERITY"})))
    total = sum(r["severityCounts"]["all"] for r in aggs["responses"])

    # 2. findings/list latency
    def lat(body):
        ms = []
        for _ in range(300):
            t = time.perf_counter()
            call(c, "POST", "/api/v1/findings/list", json.dumps(body))
            ms.append((time.perf_counter() - t) * 1000)
        ms.sort()
        return ms[len(ms) // 2], ms[int(len(ms) * 0.99) - 1]
    sev = lat({"maxResults": 50, "filterCriteria": {
        "severity": [{"comparison": "EQUALS", "value": "HIGH"}, {"comparison": "EQUALS", "value": "CRITICAL"}],
        "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]}})
    one = lat({"maxResults": 50, "filterCriteria": {
        "resourceId": [{"comparison": "EQUALS", "value": f"host-{n_res // 2}"}]}})

    # 3. re-evaluation after a database rebuild
    before = open(os.path.join(tmp, "err")).read().count("re-evaluated")
    t0 = time.perf_counter()
    subprocess.run([kensa, "db", "import", "-q", "--db", db, osv], check=True, env=env)
    while open(os.path.join(tmp, "err")).read().count("re-evaluated") == before:
        if time.perf_counter() - t0 > 1200:
            raise SystemExit("no re-evaluation within 20 minutes")
        time.sleep(0.05)
    reeval = time.perf_counter() - t0

    print(f"resources: {n_res}, inventories of 150 PyPI packages, ACTIVE findings: {total}")
    print(f"submit: {n_res / submit_s:.0f} inventories/s (4 clients), "
          f"{submit_s / n_res * 1000:.2f} ms each vs {rtt * 1000:.3f} ms empty round trip "
          f"({submit_s / n_res / rtt:.0f}x)")
    print(f"findings/list severity filter: p50 {sev[0]:.1f} ms, p99 {sev[1]:.1f} ms")
    print(f"findings/list one resource:    p50 {one[0]:.1f} ms, p99 {one[1]:.1f} ms")
    print(f"re-evaluation of every resource after the DB file changed: {reeval:.1f} s "
          f"(includes the import and the file-change poll, KENSA_WATCH_MS)")
finally:
    srv.terminate()
    srv.wait()
    shutil.rmtree(tmp)
