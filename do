#!/bin/bash
# ./do COMMAND - the project's set-up, build and test entry point.
#
#   ./do run       install dependencies, build, and run the main job on the
#                  sample data kept in this repository
#   ./do test      install dependencies, build with -Werror and run every test;
#                  then build with ASan+UBSan (LeakSanitizer on) and run them
#                  all again; prints "N passed, N failed" and fails on any failure
#   ./do deps      only install the Debian packages listed in .ci/packages
#   ./do build     only build (build/)
#   ./do fuzz T S  build the libFuzzer targets with clang and fuzz target T
#                  for S seconds (see fuzz/README.md)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

deps() {
    local missing=()
    while read -r p; do
        case "$p" in ''|'#'*) continue ;; esac
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done < .ci/packages
    [ ${#missing[@]} = 0 ] && return 0
    log "installing ${missing[*]}"
    local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Expensive fixtures (debootstrap trees, images) are built once and shared by
# the normal and the sanitizer build: tests find them under $KENSA_FIXTURES.
export KENSA_FIXTURES=${KENSA_FIXTURES:-$ROOT/.fixtures}

setup_build() { # DIR [meson options...]
    local dir=$1; shift
    if [ -f "$dir/build.ninja" ]; then
        meson configure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@" >/dev/null
    fi
    ninja -C "$dir"
}

# Runs the suite in DIR and appends meson's per-test JSON results to $RESULTS.
run_tests() { # DIR
    local dir=$1 rc=0
    meson test -C "$dir" --print-errorlogs --num-processes "$(nproc)" || rc=$?
    cat "$dir/meson-logs/testlog.json" >> "$RESULTS"
    return $rc
}

summary() {
    python3 - "$RESULTS" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

case "${1:-}" in
deps)
    deps ;;
build)
    deps
    setup_build build ;;
run)
    deps
    setup_build build
    log "main job: a vulnerability database from the sample advisories, then a scan of the sample root filesystem"
    build/kensa db import --db build/sample-vuln.db tests/data/scan/advisories
    exec build/kensa scan rootfs tests/data/scan/rootfs --db build/sample-vuln.db ;;
test)
    deps
    RESULTS=$(mktemp); trap 'rm -f "$RESULTS"' EXIT
    rc=0
    log "build (gcc, -Werror)"
    setup_build build -Dwerror=true
    log "tests"
    run_tests build || rc=1
    log "build with ASan+UBSan"
    setup_build build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug
    log "tests under ASan+UBSan+LeakSanitizer"
    ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        run_tests build-asan || rc=1
    summary
    exit $rc ;;
fuzz)
    deps
    t=${2:?usage: ./do fuzz TARGET SECONDS}; secs=${3:-60}
    CC=clang setup_build build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
    mkdir -p "fuzz/out/$t"
    exec "build-fuzz/fuzz/fuzz_$t" -max_total_time="$secs" -rss_limit_mb=2048 \
        "fuzz/out/$t" "fuzz/corpus/$t" ;;
*)
    sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 2 ;;
esac
