#!/bin/bash
# tests/version/oracle_go.sh - builds oracle_go.go once (GOPATH mode, with
# Debian's golang-go and golang-golang-x-mod-dev) into
# "$KENSA_FIXTURES/go-oracle", then runs it on stdin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(realpath -m "${KENSA_FIXTURES:-.fixtures}/go-oracle")
command -v go >/dev/null || { echo "oracle_go.sh: go is not installed (.ci/packages: golang-go)" >&2; exit 1; }
[ -f /usr/share/gocode/src/golang.org/x/mod/semver/semver.go ] ||
    { echo "oracle_go.sh: golang-golang-x-mod-dev is not installed (.ci/packages)" >&2; exit 1; }
mkdir -p "$dir"
exec 9>"$dir/lock"
flock 9
stamp=$(sha256sum "$here/oracle_go.go" | cut -c1-16)
if [ "$(cat "$dir/stamp" 2>/dev/null)" != "$stamp" ]; then
    GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE="$dir/cache" GOFLAGS= \
        go build -o "$dir/oracle_go" "$here/oracle_go.go" >&2
    echo "$stamp" > "$dir/stamp"
fi
flock -u 9
exec "$dir/oracle_go"
