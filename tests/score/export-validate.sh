#!/bin/bash
# tests/score/export-validate.sh EXPORT_SAMPLE - validates the findings
# exports of the sample findings (tests/unit/sample_findings.h) with
# independent tools:
#   json   ajv (npm) against docs/findings-schema.json (strict draft-07)
#   sarif  the official SARIF validator, `Sarif.Multitool validate` of the npm
#          package @microsoft/sarif-multitool, with its SARIF 2.1.0 schema:
#          no error-level result allowed; and ajv against the same schema
#          (the multitool silently skips files it cannot deserialize)
#   csv    Python's csv module (RFC 4180 reader): shape and round trip
#   asff   the AwsSecurityFinding fields Security Hub requires, and its limits
set -euo pipefail
SAMPLE=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null || { echo "FAIL: python3 is not installed"; exit 1; }
npm_dir=$("$src/tests/fixtures/npm-tools.sh") || { echo "FAIL: cannot install the npm tools"; exit 1; }
nm=$npm_dir/node_modules
mt=$nm/@microsoft/sarif-multitool-linux

for f in json sarif asff csv; do "$SAMPLE" "$f" > "$tmp/out.$f"; done

echo "== json"
node "$here/validate-json.js" "$nm" "$src/docs/findings-schema.json" "$tmp/out.json"

echo "== sarif"
"$mt/Sarif.Multitool" validate "$tmp/out.sarif" -j "$mt/sarif-2.1.0.json" -o "$tmp/log.sarif" > "$tmp/mt.log" 2>&1 ||
    { cat "$tmp/mt.log"; echo "FAIL: Sarif.Multitool validate failed"; exit 1; }
node -e '
const fs = require("fs");
const log = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const run = log.runs[0];
if (!run.invocations || !run.invocations[0].executionSuccessful) { console.log("FAIL: validator did not run"); process.exit(1); }
const errs = (run.results || []).filter(r => (r.level || "warning") === "error");
for (const r of errs) console.log(`${r.ruleId}: ${JSON.stringify(r.message)}`);
const other = (run.results || []).filter(r => (r.level || "warning") !== "error");
console.log(`Sarif.Multitool: ${errs.length} errors, ${other.length} warnings/notes (` +
  [...new Set(other.map(r => r.ruleId))].join(", ") + ")");
process.exit(errs.length ? 1 : 0);' "$tmp/log.sarif"
node "$here/validate-json.js" "$nm" "$mt/sarif-2.1.0.json" "$tmp/out.sarif"

echo "== csv and asff"
python3 - "$tmp/out.csv" "$tmp/out.asff" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8"), strict=True))
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n") and raw.count(b"\r\n") >= len(rows), "rows must end with CRLF"
head = rows[0]
assert all(len(r) == len(head) for r in rows), "every row has the header's field count"
assert len(rows) == 8, f"7 findings expected, got {len(rows) - 1}"
by = {r[head.index("vulnerability_id")]: dict(zip(head, r)) for r in rows[1:]}
sudo = by["CVE-2021-3156"]
assert '"sudoedit -s"' in sudo["description"], sudo["description"]
assert sudo["kensa_score"] == "7.8" and sudo["package_epoch"] == "0"
assert "\n" in by["GHSA-8xww-x3g3-6jcv"]["description"]
assert "\u2019" in by["GHSA-8xww-x3g3-6jcv"]["description"]
assert by["GHSA-4374-p667-p6c8"]["cvss_vector"] == "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
assert by["CVE-2022-0456"]["severity"] == "UNTRIAGED" and by["CVE-2022-0456"]["kensa_score"] == ""
order = [r[head.index("severity")] for r in rows[1:]]
rank = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"]
assert order == sorted(order, key=rank.index), order
print(f"csv: {len(rows) - 1} rows x {len(head)} fields, RFC 4180 round trip ok")

doc = json.load(open(sys.argv[2], encoding="utf-8"))
required = ["SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "Types",
            "CreatedAt", "UpdatedAt", "Severity", "Title", "Description", "Resources"]
for f in doc["Findings"]:
    missing = [k for k in required if k not in f]
    assert not missing, f"{f.get('Id')}: missing {missing}"
    assert f["SchemaVersion"] == "2018-10-08"
    assert len(f["Title"]) <= 256 and len(f["Description"]) <= 1024
    assert f["Severity"]["Label"] in ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"]
    assert f["Resources"] and all("Type" in r and "Id" in r for r in f["Resources"])
    assert all(isinstance(v, str) for v in f.get("ProductFields", {}).values())
    for v in f.get("Vulnerabilities", []):
        assert "Id" in v and "Name" in v["Vendor"]
        assert v["FixAvailable"] in ["YES", "NO", "PARTIAL"]
        for p in v["VulnerablePackages"]:
            assert "Epoch" not in p or isinstance(p["Epoch"], str)
print(f"asff: {len(doc['Findings'])} findings with the required AwsSecurityFinding fields")
PY
echo PASS
