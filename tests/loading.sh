#!/bin/bash
# tests/loading.sh BUILD_DIR SRC_DIR - the libraries kensa loads on first use
# (core/dl.h, docs/internals/loading.md), checked on the real executables.
#
# 1. No executable links them: `readelf -d` shows none of them as NEEDED (a
#    new direct call that bypasses a wrapper's table would bring it back, and
#    with it ~6 MiB of resident memory in `kensa sbom`).
# 2. A target that needs none of them loads none of them (sbom of an empty
#    directory), and each target that needs one really loads it (glibc's
#    LD_DEBUG=files reports every dlopen) and gives its normal answer, so a
#    soname or symbol that stops resolving at run time fails here.
set -u
build=$(realpath "$1")
src=$(realpath "$2")
k=$build/kensa
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export NO_COLOR=1 KENSA_CONFIG=/dev/null
fail=0
n=0

command -v readelf >/dev/null || { echo "not ok - readelf (binutils) is missing"; exit 1; }

lazy='libarchive|libxml2|libsqlite3|libtree-sitter|libyaml|libz\.|libcrypto|libicu|libstdc'
for exe in kensa kensa-scan kensa-net kensa-server; do
    n=$((n + 1))
    bad=$(readelf -d "$build/$exe" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | grep -E "^($lazy)")
    if [ -n "$bad" ]; then
        echo "not ok $n - $exe links $(echo $bad) (must be loaded on first use)"; fail=1
    else
        echo "ok $n - $exe links none of the lazily loaded libraries"
    fi
done

# loaded LIB DESCRIPTION COMMAND...: COMMAND succeeds and dlopens LIB (and
# its output is kept in $tmp/out for the caller's own check). libm may also
# be linked outright: unoptimised (sanitizer) builds call libm's floor/ceil,
# which optimised builds inline, and then dlopen finds it already there.
loaded() {
    local lib=$1 what=$2 how="dynamically loaded by"
    shift 2
    [ "$lib" = libm.so.6 ] && how="\(dynamically loaded\|needed\) by"
    n=$((n + 1))
    if ! LD_DEBUG=files "$@" >"$tmp/out" 2>"$tmp/err"; then
        echo "not ok $n - $what: failed: $(grep -v '^ *[0-9]*:' "$tmp/err" | head -3)"; fail=1; return 1
    fi
    if ! grep -q "file=$lib .*$how" "$tmp/err"; then
        echo "not ok $n - $what: $lib was not loaded"; fail=1; return 1
    fi
    echo "ok $n - $what loads $lib"
}

# expect PATTERN DESCRIPTION: the last command's output matches PATTERN.
expect() {
    n=$((n + 1))
    if grep -q -- "$1" "$tmp/out"; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2: no '$1' in the output"; fail=1
    fi
}

mkdir "$tmp/empty"
n=$((n + 1))
LD_DEBUG=files "$k" sbom rootfs "$tmp/empty" -f json >"$tmp/out" 2>"$tmp/err"
if grep -q "dynamically loaded by" "$tmp/err"; then
    echo "not ok $n - sbom of an empty tree loads: $(sed -n 's/.*file=\([^ ]*\).*dynamically.*/\1/p' "$tmp/err" | tr '\n' ' ')"
    fail=1
else
    echo "ok $n - sbom of an empty tree loads no library"
fi

loaded libarchive.so.13 "sbom of a docker-archive image" \
    "$k" sbom image "$src/tests/data/images/alpine-310.docker.tar.gz" -f json
expect '"musl"' "the image's apk packages are listed"

loaded libyaml-0.so.2 "sbom of a pnpm-lock.yaml" "$k" sbom rootfs "$src/tests/data/pkg/pnpm" -f json
expect '"pnpm"\|"npm"' "pnpm packages are listed"

loaded libxml2.so.2 "sbom of a .NET packages.config" \
    "$k" sbom rootfs "$src/tests/data/pkg/dotnet" -f json
expect '"nuget"' "NuGet packages are listed"

mkdir "$tmp/rust"
cp "$src/tests/data/pkg/elf/cargo-auditable.o" "$tmp/rust/app"
chmod +x "$tmp/rust/app"
loaded libz.so.1 "sbom of a cargo-auditable binary" "$k" sbom rootfs "$tmp/rust" -f json
expect '"cargo"' "its crates are listed"

loaded libsqlite3.so.0 "db import" "$k" db import --db "$tmp/v.db" "$src/tests/data/vulndb/tracker"
loaded libsqlite3.so.0 "db lookup" "$k" db lookup --db "$tmp/v.db" --ecosystem Debian:9 \
    --package prototypejs --version 1.6.0-1
expect 'CVE-' "the lookup finds the advisories"

loaded libtree-sitter.so.0 "code analysis" "$k" code "$src/tests/data/code/python" --format json
expect '"rule"\|"findings"' "code findings are reported"

cat > "$tmp/empty/settings.py" <<'PY'
api_token = "q8Zr2vXk9LmT4wYb7NcJ"
PY
loaded libm.so.6 "the secrets entropy rule" "$k" code "$tmp/empty/settings.py" --format json
expect 'entropy' "the high-entropy credential is reported"

loaded libm.so.6 "CVSS v3 scoring with a changed scope" \
    "$k" cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H
expect '10.0' "its base score is 10.0"

echo "1..$n"
exit $fail
