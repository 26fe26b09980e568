// tests/score/oracle-ae.js NODE_MODULES VECTORS - scores each vector with
// the npm package ae-cvss-calculator and prints "vector<TAB>base<TAB>score":
// for v2/v3 both are the base score; for v4.0 base is the score of the base
// metrics alone ("baseMetricsOnly") and score that of the whole vector.
const path = require("path");
const fs = require("fs");
const ae = require(path.join(process.argv[2], "ae-cvss-calculator"));
const lines = fs.readFileSync(process.argv[3], "utf8").split("\n");
const out = [];
for (const v of lines) {
  if (!v || v.startsWith("#")) continue;
  let cls;
  if (v.startsWith("CVSS:4.0/")) cls = ae.Cvss4P0;
  else if (v.startsWith("CVSS:3.1/")) cls = ae.Cvss3P1;
  else if (v.startsWith("CVSS:3.0/")) cls = ae.Cvss3P0;
  else cls = ae.Cvss2;
  const s = new cls(v).calculateScores();
  const base = v.startsWith("CVSS:4.0/") ? s.baseMetricsOnly : s.base;
  const score = v.startsWith("CVSS:4.0/") ? s.overall : s.base;
  out.push(`${v}\t${base.toFixed(1)}\t${score.toFixed(1)}`);
}
process.stdout.write(out.join("\n") + "\n");
