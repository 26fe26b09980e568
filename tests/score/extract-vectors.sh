#!/bin/bash
# tests/score/extract-vectors.sh [DATA_DIR] - the generator of
# tests/data/score/vectors.txt: every CVSS vector string in the real advisory
# samples (OSV, GHSA, NVD, Ubuntu, Amazon, ... under DATA_DIR, default
# /work/shared/data), sorted and unique, one per line. v3/v4 vectors are found
# by their "CVSS:" prefix, v2 vectors by their "AV:x/AC:x/Au:" shape.
# Re-run and commit when the samples change:
#   tests/score/extract-vectors.sh > tests/data/score/vectors.txt
set -euo pipefail
data=${1:-/work/shared/data}
[ -d "$data" ] || { echo "extract-vectors: no data directory '$data'" >&2; exit 1; }
{
    echo "# CVSS vectors found in the advisory samples (tests/score/extract-vectors.sh)"
    {
        grep -rhoE 'CVSS:[0-9]\.[0-9](/[A-Za-z]+:[A-Za-z]+)+' "$data"
        grep -rhoP '(?<![A-Za-z:/.0-9])AV:[A-Z]/AC:[A-Z]/Au:[A-Z](/[A-Za-z]+:[A-Za-z]+)+' "$data"
    } | LC_ALL=C sort -u
}
