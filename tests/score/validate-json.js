// tests/score/validate-json.js NODE_MODULES SCHEMA DOCUMENT - validates a
// JSON document against a JSON Schema (draft-07 or 2020-12, from its
// "$schema") with ajv and the standard formats; prints the errors and exits
// 1 on failure.
const path = require("path");
const fs = require("fs");
const nm = process.argv[2];
const schema = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const doc = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const draft2020 = String(schema.$schema || "").includes("2020-12");
const Ajv = require(path.join(nm, draft2020 ? "ajv/dist/2020" : "ajv"));
const addFormats = require(path.join(nm, "ajv-formats"));
// strict mode for our own schema; the SARIF schema uses annotations ajv's
// strict mode rejects, so it is compiled in the default lenient mode
const ajv = new Ajv({ allErrors: true, strict: !draft2020 });
addFormats(ajv);
const validate = ajv.compile(schema);
if (!validate(doc)) {
  console.log(JSON.stringify(validate.errors, null, 2));
  process.exit(1);
}
console.log(`${process.argv[4]}: valid against ${process.argv[3]}`);
