#!/usr/bin/env python3
"""bench/registry.py KENSA [TREE] - registry pull time, cold vs warm cache.

Starts Debian's docker-registry on 127.0.0.1 (filesystem storage in a temp
dir), pushes with skopeo the alpine docker-save image of the test data and,
when TREE is given (e.g. the debian12-minbase fixture), a one-layer OCI image
of it made with umoci, then times for each:
  - kensa pull, cold (a fresh --cache each run): every blob downloaded
  - kensa pull, warm (same cache, tag reference): manifest only
  - kensa pull, warm, digest reference: no request at all
  - kensa sbom registry, warm; kensa sbom image on the pulled layout
  - skopeo copy docker:// -> oci: (a fresh dir each run), for reference
Median wall time of --runs runs. Not part of the test suite.
"""
import argparse, json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def timed(cmd, runs, before=None):
    ts = []
    for _ in range(runs):
        if before:
            before()
        t = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ts.append(time.monotonic() - t)
    return statistics.median(ts)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kensa")
    ap.add_argument("tree", nargs="?")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    tmp = tempfile.mkdtemp()
    port = free_port()
    cfg = os.path.join(tmp, "r.yml")
    open(cfg, "w").write("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n"
                         "    rootdirectory: %s/store\nhttp:\n  addr: 127.0.0.1:%d\n" % (tmp, port))
    reg = subprocess.Popen(["docker-registry", "serve", cfg], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        host = "127.0.0.1:%d" % port
        images = []
        alpine = os.path.join(tmp, "alpine.tar")
        with open(alpine, "wb") as f:
            subprocess.run(["gunzip", "-c", os.path.join(src, "tests/data/images/alpine-310.docker.tar.gz")],
                           stdout=f, check=True)
        subprocess.run(["skopeo", "copy", "-q", "--dest-tls-verify=false", "docker-archive:" + alpine,
                        "docker://%s/bench/alpine:3.10" % host], check=True)
        images.append(("alpine 3.10 (docker-save, 1 layer)", "%s/bench/alpine:3.10" % host))
        if a.tree:
            lay, bundle = os.path.join(tmp, "lay"), os.path.join(tmp, "bundle")
            subprocess.run(["umoci", "init", "--layout", lay], check=True)
            subprocess.run(["umoci", "new", "--image", lay + ":t"], check=True)
            subprocess.run(["umoci", "unpack", "--image", lay + ":t", bundle], check=True,
                           stdout=subprocess.DEVNULL)
            # cp -a, not copytree: the tree has device nodes (/dev/zero...).
            subprocess.run(["cp", "-a", a.tree + "/.", os.path.join(bundle, "rootfs")], check=True)
            subprocess.run(["umoci", "repack", "--image", lay + ":t", bundle], check=True)
            subprocess.run(["skopeo", "copy", "-q", "--dest-tls-verify=false", "oci:%s:t" % lay,
                            "docker://%s/bench/tree:t" % host], check=True)
            images.append(("%s (umoci, 1 layer)" % os.path.basename(a.tree.rstrip("/")),
                           "%s/bench/tree:t" % host))
        rows = []
        for name, ref in images:
            cache = os.path.join(tmp, "cache")
            def fresh():
                shutil.rmtree(cache, ignore_errors=True)
            cold = timed([a.kensa, "pull", ref, "--cache", cache], a.runs, fresh)
            out = subprocess.run([a.kensa, "pull", ref, "--cache", cache], check=True,
                                 capture_output=True, text=True).stdout
            info = dict(l.split("\t", 1) for l in out.splitlines())
            size = sum(os.path.getsize(os.path.join(info["layout"], "blobs/sha256", b))
                       for b in os.listdir(os.path.join(info["layout"], "blobs/sha256")))
            warm = timed([a.kensa, "pull", ref, "--cache", cache], a.runs)
            dref = ref.rsplit(":", 1)[0] + "@" + info["digest"]
            warm_d = timed([a.kensa, "pull", dref, "--cache", cache], a.runs)
            sbom_reg = timed([a.kensa, "sbom", "registry", ref, "--cache", cache, "-o", "/dev/null"], a.runs)
            sbom_img = timed([a.kensa, "sbom", "image", info["layout"], "-o", "/dev/null"], a.runs)
            oci = os.path.join(tmp, "skopeo-oci")
            sk = timed(["skopeo", "copy", "-q", "--src-tls-verify=false", "docker://" + ref, "oci:" + oci + ":t"],
                       a.runs, lambda: shutil.rmtree(oci, ignore_errors=True))
            rows.append((name, size, cold, warm, warm_d, sbom_reg, sbom_img, sk))
        print("| image | blobs (MB) | pull cold | pull warm (tag) | pull warm (digest) |"
              " sbom registry warm | sbom image (layout) | skopeo copy cold |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in rows:
            print("| %s | %.1f | %s |" % (r[0], r[1] / 1e6, " | ".join("%.3f s" % x for x in r[2:])))
    finally:
        reg.terminate()
        reg.wait()
        shutil.rmtree(tmp, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
