#!/bin/bash
# tests/score/cvss-diff.sh KENSA - differential test of kensa's CVSS
# calculators against two independent implementations:
#   - ae-cvss-calculator (npm; v2.0, v3.0, v3.1, v4.0): base and full-vector score
#   - ruby-cvss-suite (Debian; v2.0, v3.0, v3.1): base score
# on every vector of the advisory samples (tests/data/score/vectors.txt, made
# by extract-vectors.sh) plus 3,000 random valid vectors per version
# (random-vectors.py, fixed seed). Any difference fails the test, except one
# documented defect of ruby-cvss-suite 3.1.0: it caps the v2 *base* Impact at
# 10 (a rule of the v2 environmental equation only), which changes exactly the
# vectors with C:C/I:C/A:C (NVD publishes 7.2 for AV:L/AC:L/Au:N/C:C/I:C/A:C,
# ruby-cvss-suite says 7.1); those are compared with ae-cvss-calculator only.
set -euo pipefail
KENSA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

command -v ruby >/dev/null || { echo "FAIL: ruby is not installed (.ci/packages: ruby-cvss-suite)"; exit 1; }
ruby -e 'require "cvss_suite"' 2>/dev/null || { echo "FAIL: ruby-cvss-suite is not installed (.ci/packages)"; exit 1; }
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed"; exit 1; }
npm_dir=$("$src/tests/fixtures/npm-tools.sh") || { echo "FAIL: cannot install the npm oracles"; exit 1; }

grep -v '^#' "$src/tests/data/score/vectors.txt" > "$tmp/vectors"
real=$(wc -l < "$tmp/vectors")
python3 "$here/random-vectors.py" 20261126 3000 >> "$tmp/vectors"
total=$(wc -l < "$tmp/vectors")

"$KENSA" cvss --file "$tmp/vectors" > "$tmp/kensa" || { echo "FAIL: kensa rejected a vector"; exit 1; }
node "$here/oracle-ae.js" "$npm_dir/node_modules" "$tmp/vectors" > "$tmp/ae"
ruby "$here/oracle-ruby.rb" "$tmp/vectors" | sed 's/\t-0\.0$/\t0.0/' > "$tmp/ruby"

# kensa: vector version base score severity
cut -f1,3,4 "$tmp/kensa" > "$tmp/kensa.ae"
awk -F'\t' '$2 != "4.0" {print $1 "\t" $3}' "$tmp/kensa" > "$tmp/kensa.ruby"

fail=0
if ! diff "$tmp/ae" "$tmp/kensa.ae" > "$tmp/d1"; then
    echo "FAIL: kensa differs from ae-cvss-calculator ($(grep -c '^>' "$tmp/d1") vectors):"
    head -20 "$tmp/d1"; fail=1
fi
known='^AV:[LAN]/AC:[HML]/Au:[MSN]/C:C/I:C/A:C'
grep -vE "$known" "$tmp/ruby" > "$tmp/ruby.cmp"
grep -vE "$known" "$tmp/kensa.ruby" > "$tmp/kensa.ruby.cmp"
skipped=$(( $(wc -l < "$tmp/ruby") - $(wc -l < "$tmp/ruby.cmp") ))
if ! diff "$tmp/ruby.cmp" "$tmp/kensa.ruby.cmp" > "$tmp/d2"; then
    echo "FAIL: kensa differs from ruby-cvss-suite ($(grep -c '^>' "$tmp/d2") vectors):"
    head -20 "$tmp/d2"; fail=1
fi
for v in 2.0 3.0 3.1 4.0; do
    printf 'v%s: %d vectors\n' "$v" "$(awk -F'\t' -v v="$v" '$2 == v' "$tmp/kensa" | wc -l)"
done
echo "$total vectors ($real from the advisory samples): ae-cvss-calculator $(wc -l < "$tmp/ae") compared," \
     "ruby-cvss-suite $(wc -l < "$tmp/ruby.cmp") compared ($skipped v2 C:C/I:C/A:C left to ae only)"
[ $fail = 0 ] && echo "PASS"
exit $fail
