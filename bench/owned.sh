#!/bin/bash
# bench/owned.sh [BUILD] - cost of the installed-file lists (pkg/owned.h):
# `kensa sbom rootfs` wall time (hyperfine median, warm) and peak RSS (GNU
# time) with and without dpkg's info/*.list files, on (1) a copy of the
# debootstrap minbase tree and (2) a synthetic dpkg database of 2,000
# packages whose lists name 300,000 files (150 each; the files themselves do
# not exist, so the walk is tiny and the lists dominate).
set -euo pipefail
build=$(realpath "${1:-build}")
tree=$(tests/fixtures/debian12-minbase.sh)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -a "$tree" "$tmp/min-lists"
cp -a "$tree" "$tmp/min-nolists"
rm "$tmp/min-nolists"/var/lib/dpkg/info/*.list
python3 - "$tmp/big-lists" <<'PY'
import os, sys
root = sys.argv[1]
info = os.path.join(root, "var/lib/dpkg/info")
os.makedirs(info)
os.makedirs(os.path.join(root, "etc"))
open(os.path.join(root, "etc/os-release"), "w").write('ID=debian\nVERSION_ID="12"\n')
with open(os.path.join(root, "var/lib/dpkg/status"), "w") as st:
    for p in range(2000):
        name = "pkg%04d" % p
        st.write("Package: %s\nStatus: install ok installed\nArchitecture: amd64\n"
                 "Version: 1.%d-1\n\n" % (name, p))
        with open(os.path.join(info, name + ".list"), "w") as l:
            l.write("/.\n/usr\n/usr/share\n/usr/share/%s\n" % name)
            for f in range(150):
                l.write("/usr/share/%s/lib/python3/dist-packages/module_%03d/file_%03d.py\n"
                        % (name, f % 7, f))
PY
cp -a "$tmp/big-lists" "$tmp/big-nolists"
echo "| tree | list lines | wall ms (median) | CPU ms (user+sys, mean) | peak RSS MiB |"
echo "| --- | ---: | ---: | ---: | ---: |"
rm "$tmp/big-nolists"/var/lib/dpkg/info/*.list
for t in min-lists min-nolists big-lists big-nolists; do
    files=$( (cat "$tmp/$t"/var/lib/dpkg/info/*.list 2>/dev/null || true) | wc -l)
    hyperfine -N --warmup 2 --runs 15 --export-json "$tmp/$t.json" \
        "$build/kensa sbom rootfs $tmp/$t -f json -o /dev/null" >/dev/null 2>&1
    rss=$( { /usr/bin/time -f %M "$build/kensa" sbom rootfs "$tmp/$t" -f json -o /dev/null; } 2>&1 | tail -1)
    python3 - "$tmp/$t.json" "$t" "$files" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("| %s | %s | %.1f | %.1f | %.1f |" % (sys.argv[2], sys.argv[3], r["median"] * 1000,
                                          (r["user"] + r["system"]) * 1000,
                                          int(sys.argv[4]) / 1024))
PY
done
