#!/bin/bash
# bench/startup.sh [BUILD_DIR] - whole-process start-up cost of `kensa`.
#
# Measures `kensa --version` against an empty C program (the floor: exec +
# dynamic loader + libc) in the same run with hyperfine, and reports medians,
# their ratio, peak RSS and the shared libraries the binary loads. Goal (issue
# 2): kensa --version <= 5 ms median; commands must not pay for libraries they
# do not use (libcurl, libpq, libmicrohttpd live in helper executables).
set -euo pipefail
build=${1:-build}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'int main(void){return 0;}\n' > "$tmp/empty.c"
cc -O2 -o "$tmp/empty" "$tmp/empty.c"
hyperfine -N --warmup 50 --min-runs 500 --export-json "$tmp/h.json" \
    "$tmp/empty" "$build/kensa --version" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base, k = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"empty C program : {base:.2f} ms median")
print(f"kensa --version : {k:.2f} ms median  ({k / base:.1f}x the empty program)")
PY
for b in "$build"/kensa "$build"/kensa-*; do
    [ -f "$b" ] && [ -x "$b" ] || continue
    # Helpers refuse to run alone (exit 2), which still measures loading.
    rss=$( { /usr/bin/time -f %M "$b" --version 2>&1 >/dev/null || true; } | tail -1)
    printf '%-20s peak RSS %s KiB, %s shared libraries: %s\n' "$(basename "$b")" "$rss" \
        "$(ldd "$b" | wc -l)" "$(ldd "$b" | awk '{print $1}' | sed 's/\.so.*//' | tr '\n' ' ')"
done
