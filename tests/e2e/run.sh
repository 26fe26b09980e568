#!/bin/bash
# tests/e2e/run.sh KENSA CASE_DIR
#
# Runs one end-to-end case through the real kensa binary and compares it with
# the case's golden files:
#   cmd            shell snippet, run with bash in the case directory; $KENSA is
#                  the binary, $SRC the source tree, $TMP a fresh scratch dir
#   expected.out   stdout (exact)
#   expected.rc    exit code (default 0)
#   expected.err   stderr (exact; optional - without it stderr is not checked)
# KENSA_UPDATE_GOLDEN=1 rewrites the golden files from the actual output.
set -u
KENSA=$(realpath "$1")
CASE=$(realpath "$2")
SRC=$(realpath "$(dirname "$0")/../..")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export KENSA SRC TMP NO_COLOR=1 KENSA_CONFIG=/dev/null
export TZ=UTC LC_ALL=C.UTF-8

cd "$CASE" || exit 1
bash ./cmd >"$TMP/out" 2>"$TMP/err" </dev/null
rc=$?

if [ "${KENSA_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$TMP/out" expected.out
    [ "$rc" = 0 ] && rm -f expected.rc || echo "$rc" > expected.rc
    [ -f expected.err ] && cp "$TMP/err" expected.err
    echo "updated $(basename "$CASE")"
    exit 0
fi

fail=0
want_rc=$(cat expected.rc 2>/dev/null || echo 0)
if [ "$rc" != "$want_rc" ]; then
    echo "exit code $rc, expected $want_rc"; fail=1
fi
if ! diff -u expected.out "$TMP/out"; then
    echo "stdout differs from expected.out"; fail=1
fi
if [ -f expected.err ] && ! diff -u expected.err "$TMP/err"; then
    echo "stderr differs from expected.err"; fail=1
fi
if [ $fail = 1 ]; then
    echo "--- stderr was:"; cat "$TMP/err"
fi
exit $fail
