#!/bin/bash
# tests/code/sarif_validate.sh KENSA CORPUS - `kensa code --format sarif` on
# the corpus must pass the official SARIF validator (@microsoft/sarif-multitool
# from npm, cached under $KENSA_FIXTURES/npm-tools). Fails, never skips, when
# the tool cannot be installed.
set -euo pipefail
kensa=$1 corpus=$2
tools=${KENSA_FIXTURES:-$(pwd)/.fixtures}/npm-tools
mt=$tools/node_modules/.bin/sarif-multitool
if [ ! -x "$mt" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool@5.7.0 >/dev/null 2>&1) ||
    { echo "cannot install @microsoft/sarif-multitool from npm (needed to validate SARIF)"; exit 1; }
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$kensa" code "$corpus" --format sarif -o "$tmp/out.sarif" -q
"$mt" validate "$tmp/out.sarif" -o "$tmp/report.sarif" >"$tmp/log" 2>&1 || true
python3 - "$tmp/report.sarif" "$tmp/log" <<'PY'
import json, sys
try:
    rep = json.load(open(sys.argv[1]))
except Exception as e:
    print("validator produced no report:", e); print(open(sys.argv[2]).read()); sys.exit(1)
errs = [r for run in rep.get("runs", []) for r in run.get("results", []) if r.get("level") == "error"]
for r in errs:
    print("SARIF error:", r.get("ruleId"), r.get("message", {}).get("text") or r.get("message"))
print(f"sarif-multitool validate: {len(errs)} errors")
sys.exit(1 if errs else 0)
PY
