#!/usr/bin/env python3
"""bench/server.py BUILD [N] [DATA_DIR] - the service at fleet scale (issue 10).

Builds a vulnerability database from the real OSV corpora under DATA_DIR
(default ../shared/data/osv: PyPI, Go and RustSec advisories, 6,363 records),
starts `kensa server --threads 2` on 127.0.0.1 with a temporary SQLite store,
and measures over HTTP only:

  1. inventory submit throughput: N resources (default 10,000), each its own
     CycloneDX document of 150 real PyPI packages (names and versions from
     the advisories: VULN_PER_INV of them at versions the advisories list as
     affected, the rest at their newest fixed version), PUT by 4 clients with
     keep-alive connections; whole requests per second;
  2. findings/list latency, p50/p99 of 300 filtered first pages (severity
     HIGH or CRITICAL, ACTIVE, 50 per page, sorted by severity), 300 filtered
     pages further down (nextToken), and 300 pages of one resource;
  3. re-evaluation after a database update that changes 1,000 advisories:
     a copy of 1,000 records drawn at random from the corpus, half withdrawn
     and half with a corrected (shorter) affected-versions list, imported
     into the server's database as one more source (`kensa db import`); the
     time from the new file being in place until the server logs that it
     re-evaluated, and the server's own account (changed packages,
     inventories re-matched, seconds);
  3b. the same with 1,000 advisories of ecosystems the fleet does not use
     (Go, RustSec) withdrawn: what a change elsewhere in the database costs;
  4. for comparison, a full re-evaluation: the file is replaced by a database
     built afresh (another lineage: its change sets do not apply, so the
     server re-matches every inventory).

Environment: KENSA_BENCH_KEEP=1 keeps the temporary directory (store,
databases, server log); KENSA_BENCH_FLEET=DIR keeps a copy of the fleet
after step 1 in DIR (store, database, token) and, when DIR already holds
one, starts from a copy of it instead of submitting (step 1 is then not
measured; N must be the same); KENSA_BENCH_QUICK=1 measures step 3 only;
KENSA_BENCH_PERF=FILE records `perf record -g` of the server during step 3;
KENSA_BENCH_LOG=debug has the server say where the writer's time went; VULN_PER_INV (default 30) sets the findings per resource
(about 100 at 30), KENSA_WATCH_MS the server's poll period (default 200).
"""
import glob, http.client, json, os, random, re, shutil, sqlite3, subprocess, sys, tempfile
import threading, time
import yaml

build = os.path.abspath(sys.argv[1])
n_res = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(__file__), "../../shared/data/osv")
corpora = [os.path.join(data, d) for d in ("pypi", "go", "rustsec") if os.path.isdir(os.path.join(data, d))]
vuln_per_inv = int(os.environ.get("VULN_PER_INV", "30"))
kensa = os.path.join(build, "kensa")
tmp = tempfile.mkdtemp(prefix="kensa-bench-")
env = dict(os.environ, KENSA_CONFIG="/dev/null")
env.setdefault("KENSA_WATCH_MS", "200")

def load(f):
    with open(f, encoding="utf-8", errors="replace") as fh:
        # BaseLoader: every scalar a string, as OSV means them ("1.10" stays "1.10")
        return yaml.load(fh, Loader=yaml.BaseLoader) if f.endswith(".yaml") else json.load(fh)

files = sorted(f for c in corpora for f in glob.glob(os.path.join(c, "**", "*.*"), recursive=True)
               if f.endswith((".yaml", ".json")))
# Real PyPI packages with versions the advisories list as affected, and a
# version they do not (the first fixed one).
vulnerable, fixed = {}, {}
for f in files:
    if "/pypi/" not in f:
        continue
    doc = load(f)
    for a in doc.get("affected", []):
        p = a.get("package", {})
        if p.get("ecosystem") != "PyPI":
            continue
        name = p["name"]
        vulnerable.setdefault(name, set()).update(a.get("versions", [])[:3])
        for r in a.get("ranges", []):
            if r.get("type") == "ECOSYSTEM":
                for e in r.get("events", []):
                    if "fixed" in e:
                        fixed.setdefault(name, set()).add(e["fixed"])
def vkey(v):
    return [(0, int(x), "") if x.isdigit() else (1, 0, x) for x in re.split(r"[.\-+]", v)]
# the newest fixed version: affected by none of the advisories, usually
fixed = {n: max(vs, key=vkey) for n, vs in fixed.items()}
names = sorted(n for n in fixed if n in vulnerable and vulnerable[n])
random.seed(7)

def inventory(i):
    rng = random.Random(i)
    chosen = rng.sample(names, 150)
    comps = []
    for k, n in enumerate(chosen):
        v = rng.choice(sorted(vulnerable[n])) if k < vuln_per_inv else fixed[n]
        comps.append({"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n}@{v}"})
    return json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
                       "components": comps}).encode()

def import_db(path, *srcs):
    subprocess.run([kensa, "db", "import", "-q", "--db", path, *srcs], check=True, env=env)

db = os.path.join(tmp, "vuln.db")
store = os.path.join(tmp, "store.db")
fleet = os.environ.get("KENSA_BENCH_FLEET")
reuse = fleet and os.path.exists(os.path.join(fleet, "store.db"))
quick = bool(os.environ.get("KENSA_BENCH_QUICK"))
if reuse:
    shutil.copy(os.path.join(fleet, "store.db"), store)
    shutil.copy(os.path.join(fleet, "vuln.db"), db)
    admin = open(os.path.join(fleet, "admin")).read().strip()
else:
    import_db(db, *corpora)
    admin = subprocess.run([kensa, "server", "init", "--store", store], check=True, env=env,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
errlog = os.path.join(tmp, "err")
err = open(errlog, "w")
srv = subprocess.Popen([kensa, "server", "--listen", "127.0.0.1:0", "--store", store, "--db", db,
                        "--threads", "2", "--log-level", os.environ.get("KENSA_BENCH_LOG", "info")], stdout=subprocess.PIPE, stderr=err, text=True, env=env)
port = int(srv.stdout.readline().strip().rsplit(":", 1)[1])
hdr = {"Authorization": "Bearer " + admin, "Content-Type": "application/json"}

def call(conn, method, path, body=None):
    conn.request(method, path, body=body, headers=hdr)
    r = conn.getresponse()
    out = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {out[:200]!r}")
    return out

def metrics(_conn=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", "/metrics")
    r = conn.getresponse()
    return dict(l.rsplit(" ", 1) for l in r.read().decode().splitlines() if l and l[0] != "#")

def cpu_seconds(task=None):
    """The server's CPU time so far (user + system; all threads, or only
    thread `task`): less sensitive than wall time to a machine shared with
    other work."""
    path = f"/proc/{srv.pid}/task/{task}/stat" if task else f"/proc/{srv.pid}/stat"
    f = open(path).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")

def io_bytes():
    """Bytes the server has read and written through system calls (its
    store and database I/O: the WAL frames of each commit, checkpoints)."""
    f = dict(l.split(": ") for l in open(f"/proc/{srv.pid}/io").read().splitlines())
    return int(f["rchar"]), int(f["wchar"])

def wait_reeval(before, t0):
    """Waits for the next 're-evaluated' line of the server log."""
    while True:
        lines = [l for l in open(errlog).read().splitlines() if "re-evaluated" in l]
        if len(lines) > before:
            return lines[-1], time.perf_counter() - t0
        if time.perf_counter() - t0 > 3600:
            raise SystemExit("no re-evaluation within an hour")
        time.sleep(0.02)

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
            doc = inventory(i)
            call(c, "PUT", f"/api/v1/resources/host-{i}/inventory?type=host", doc)
    gen0 = time.perf_counter()
    for i in range(200):
        inventory(i)
    gen_each = (time.perf_counter() - gen0) / 200  # client-side cost, subtracted below
    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(0 if reuse else 4)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    submit_s = time.perf_counter() - t0
    if fleet and not reuse:  # a consistent copy, taken while the server is idle
        os.makedirs(fleet, exist_ok=True)
        with sqlite3.connect(store) as src, sqlite3.connect(os.path.join(fleet, "store.db")) as dst:
            src.backup(dst)
        shutil.copy(db, os.path.join(fleet, "vuln.db"))
        open(os.path.join(fleet, "admin"), "w").write(admin + "\n")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.perf_counter()
    for _ in range(200):
        call(c, "GET", "/healthz")
    rtt = (time.perf_counter() - t0) / 200
    aggs = json.loads(call(c, "POST", "/api/v1/findings/aggregations",
                           json.dumps({"aggregationType": "SEVERITY"})))
    total = sum(r["severityCounts"]["all"] for r in aggs["responses"])

    # 2. findings/list latency
    sev_filter = {"severity": [{"comparison": "EQUALS", "value": "HIGH"},
                               {"comparison": "EQUALS", "value": "CRITICAL"}],
                  "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]}
    def lat(body, pages=1):
        ms = []
        for _ in range(0 if quick else 300):
            b = dict(body)
            for _ in range(pages - 1):  # walk to the page measured
                b["nextToken"] = json.loads(call(c, "POST", "/api/v1/findings/list", json.dumps(b)))["nextToken"]
            t = time.perf_counter()
            page = call(c, "POST", "/api/v1/findings/list", json.dumps(b))
            ms.append((time.perf_counter() - t) * 1000)
            if len(json.loads(page)["findings"]) != body["maxResults"]:
                raise SystemExit(f"findings/list: a short page for {body}")
        ms.sort()
        return (ms[len(ms) // 2], ms[int(len(ms) * 0.99) - 1]) if ms else (float("nan"),) * 2
    sev = lat({"maxResults": 50, "filterCriteria": sev_filter,
               "sortCriteria": {"field": "SEVERITY", "sortOrder": "DESC"}})
    sev_default = lat({"maxResults": 50, "filterCriteria": sev_filter})
    sev_p5 = lat({"maxResults": 50, "filterCriteria": sev_filter,
                  "sortCriteria": {"field": "SEVERITY", "sortOrder": "DESC"}}, pages=5)
    one = lat({"maxResults": 50, "filterCriteria": {
        "resourceId": [{"comparison": "EQUALS", "value": f"host-{n_res // 2}"}]}})

    # 3. a database update changing 1,000 advisories
    rng = random.Random(11)
    changed_dir = os.path.join(tmp, "changed")
    for k, f in enumerate(rng.sample(files, 1000)):
        doc = load(f)
        doc["modified"] = "2026-11-26T00:00:00Z"
        if k % 2:
            doc["withdrawn"] = "2026-11-26T00:00:00Z"
        else:  # corrected: the newest listed version is not affected after all
            for a in doc.get("affected", []):
                if len(a.get("versions", [])) > 1:
                    a["versions"] = a["versions"][:-1]
            doc["summary"] = (doc.get("summary") or doc["id"]) + " (corrected)"
        out = os.path.join(changed_dir, os.path.relpath(f, data)).rsplit(".", 1)[0] + ".json"
        os.makedirs(os.path.dirname(out), exist_ok=True)
        json.dump(doc, open(out, "w"), default=str)
    before = sum("re-evaluated" in l for l in open(errlog))
    m0 = metrics(c)
    perf = None
    if os.environ.get("KENSA_BENCH_PERF"):
        perf = subprocess.Popen(["perf", "record", "-F", os.environ.get("KENSA_BENCH_PERF_FREQ", "999"),
                                 "--call-graph", os.environ.get("KENSA_BENCH_PERF_CG", "fp"), "-o", os.environ["KENSA_BENCH_PERF"],
                                 "-p", str(srv.pid)], stderr=subprocess.DEVNULL)
    cpu0, main0 = cpu_seconds(), cpu_seconds(srv.pid)  # the main thread re-evaluates (writes)
    io0 = io_bytes()
    t_imp = time.perf_counter()
    import_db(db, changed_dir)
    imp_s = time.perf_counter() - t_imp
    with sqlite3.connect(db) as q:
        added, chg, wd, rem = q.execute("SELECT added, changed, withdrawn, removed FROM imports "
                                        "ORDER BY id DESC LIMIT 1").fetchone()
    line, delta_wall = wait_reeval(before, time.perf_counter())
    delta_cpu, delta_main = cpu_seconds() - cpu0, cpu_seconds(srv.pid) - main0
    delta_io = [b - a for a, b in zip(io0, io_bytes())]
    if perf:
        perf.send_signal(2)
        perf.wait()
    m1 = metrics(c)
    # (a server from before these metrics: wall time only)
    delta_s = float(m1.get("kensa_reevaluation_last_seconds", "nan"))
    delta_inv = int(m1.get("kensa_reevaluation_last_inventories", "-1"))
    delta_pkgs = int(m1.get("kensa_reevaluation_last_packages", "-1"))
    key = 'kensa_reevaluations_total{mode="changes"}'
    mode = "changes" if int(m1.get(key, "0")) > int(m0.get(key, "0")) else "full"

    if quick:
        print(f"resources: {n_res}, ACTIVE findings: {total}")
        print(f"DB update: {added} added, {chg} changed, {wd} withdrawn, {rem} removed (import {imp_s:.1f} s)")
        print(f"re-evaluation ({mode}): {delta_pkgs} changed packages, {delta_inv} of {n_res} inventories "
              f"re-matched in {delta_s:.2f} s (server); {delta_wall:.2f} s wall; "
              f"server CPU {delta_cpu:.2f} s (main thread {delta_main:.2f} s); "
              f"read {delta_io[0] / 2**20:.0f} MiB, wrote {delta_io[1] / 2**20:.0f} MiB; load {os.getloadavg()[0]:.1f}")
        raise SystemExit(0)
    # 3b. 1,000 advisories of ecosystems this fleet does not use (Go, crates.io)
    others = [f for f in files if "/pypi/" not in f]
    other_dir = os.path.join(tmp, "changed-other")
    for f in random.Random(13).sample(others, min(1000, len(others))):
        doc = load(f)
        doc["modified"] = "2026-11-27T00:00:00Z"
        doc["withdrawn"] = "2026-11-27T00:00:00Z"
        out = os.path.join(other_dir, os.path.relpath(f, data)).rsplit(".", 1)[0] + ".json"
        os.makedirs(os.path.dirname(out), exist_ok=True)
        json.dump(doc, open(out, "w"), default=str)
    before = sum("re-evaluated" in l for l in open(errlog))
    import_db(db, other_dir)
    line_o, other_wall = wait_reeval(before, time.perf_counter())
    m_o = metrics()
    other_s = float(m_o.get("kensa_reevaluation_last_seconds", "nan"))
    other_inv = int(m_o.get("kensa_reevaluation_last_inventories", "-1"))
    other_pkgs = int(m_o.get("kensa_reevaluation_last_packages", "-1"))

    # 4. the same fleet, everything re-matched (a database of another lineage)
    other = os.path.join(tmp, "other.db")
    import_db(other, *corpora)
    before = sum("re-evaluated" in l for l in open(errlog))
    os.rename(other, db)
    line_full, full_wall = wait_reeval(before, time.perf_counter())
    m2 = metrics(c)
    full_s = float(m2.get("kensa_reevaluation_last_seconds", "nan"))
    full_inv = int(m2.get("kensa_reevaluation_last_inventories", "-1"))

    print(f"resources: {n_res}, inventories of 150 PyPI packages ({vuln_per_inv} at affected versions), "
          f"ACTIVE findings: {total} ({total / n_res:.0f} per resource)")
    if reuse:
        print("submit: not measured (the fleet came from KENSA_BENCH_FLEET)")
    else:
        print(f"submit: {n_res / submit_s:.1f} inventories/s (4 clients), "
              f"{submit_s / n_res * 1000:.2f} ms each vs {rtt * 1000:.3f} ms empty round trip "
              f"({submit_s / n_res / rtt:.0f}x; client-side generation {gen_each * 1000:.2f} ms each)")
    print(f"findings/list severity filter, sort SEVERITY, page 1: p50 {sev[0]:.1f} ms, p99 {sev[1]:.1f} ms")
    print(f"findings/list severity filter, sort SEVERITY, page 5: p50 {sev_p5[0]:.1f} ms, p99 {sev_p5[1]:.1f} ms")
    print(f"findings/list severity filter, default sort:     p50 {sev_default[0]:.1f} ms, p99 {sev_default[1]:.1f} ms")
    print(f"findings/list one resource:                      p50 {one[0]:.1f} ms, p99 {one[1]:.1f} ms")
    print(f"DB update: {added} added, {chg} changed, {wd} withdrawn, {rem} removed (import {imp_s:.1f} s)")
    print(f"re-evaluation ({mode}): {delta_pkgs} changed packages, {delta_inv} of {n_res} inventories "
          f"re-matched in {delta_s:.2f} s (server, CPU {delta_cpu:.2f} s, main thread {delta_main:.2f} s); {delta_wall:.2f} s from the new file to done "
          f"(includes the poll, KENSA_WATCH_MS={env['KENSA_WATCH_MS']})")
    print(f"re-evaluation after 1,000 Go/crates.io advisories withdrawn: {other_pkgs} changed packages, "
          f"{other_inv} inventories re-matched in {other_s:.2f} s (server); {other_wall:.2f} s wall")
    print(f"full re-evaluation (another database): {full_inv} inventories in {full_s:.2f} s (server); "
          f"{full_wall:.2f} s wall")
finally:
    srv.terminate()
    srv.wait()
    if os.environ.get("KENSA_BENCH_KEEP"):
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp)
