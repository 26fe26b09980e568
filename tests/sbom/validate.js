// tests/sbom/validate.js cyclonedx|spdx FILE... - validates SBOMs against
// the official JSON schemas (CycloneDX 1.6 from @cyclonedx/cyclonedx-library,
// SPDX 2.3 from tests/data/schemas). Run with NODE_PATH=$KENSA_FIXTURES/npm/node_modules.
'use strict';
const fs = require('fs');
const path = require('path');
const addFormats = require('ajv-formats');

// ajv-formats lacks the IRI/IDN formats the CycloneDX schema uses: accept
// any string without whitespace (resp. with an '@') for them.
function formats(ajv) {
  addFormats(ajv);
  ajv.addFormat('iri-reference', /^\S*$/);
  ajv.addFormat('idn-email', /^\S+@\S+$/);
}

const [kind, ...files] = process.argv.slice(2);
let validate;
if (kind === 'cyclonedx') {
  const Ajv = require('ajv');
  const dir = path.join(path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
    'res', 'schema');
  const ajv = new Ajv({ strict: false, allErrors: true });
  formats(ajv);
  // The package ships the schemas as NAME.SNAPSHOT.schema.json and the bom
  // schema refers to its neighbours by those names, relative to its $id.
  for (const f of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    const s = JSON.parse(fs.readFileSync(path.join(dir, f)));
    s.$id = 'http://cyclonedx.org/schema/' + f;
    ajv.addSchema(s);
  }
  validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(dir, 'bom-1.6.SNAPSHOT.schema.json'))));
} else if (kind === 'spdx') {
  const Ajv2019 = require('ajv/dist/2019');
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  formats(ajv);
  const schema = path.join(__dirname, '..', 'data', 'schemas', 'spdx-2.3-schema.json');
  validate = ajv.compile(JSON.parse(fs.readFileSync(schema)));
} else {
  console.error('usage: validate.js cyclonedx|spdx FILE...');
  process.exit(2);
}
let bad = 0;
for (const f of files) {
  const doc = JSON.parse(fs.readFileSync(f));
  if (!validate(doc)) {
    bad++;
    console.error(`${f}: INVALID ${kind}`);
    for (const e of validate.errors.slice(0, 10))
      console.error(`  ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  } else {
    console.log(`${f}: valid ${kind}`);
  }
}
process.exit(bad ? 1 : 0);
