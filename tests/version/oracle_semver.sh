#!/bin/bash
# tests/version/oracle_semver.sh - runs oracle_semver.js with the npm
# `semver` package installed (once) by tests/fixtures/npm-semver.sh.
set -euo pipefail
here=$(dirname "$0")
command -v node >/dev/null || { echo "oracle_semver.sh: node is not installed (.ci/packages: nodejs)" >&2; exit 1; }
dir=$("$here/../fixtures/npm-semver.sh")
exec node "$here/oracle_semver.js" "$dir"
