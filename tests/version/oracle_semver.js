// tests/version/oracle_semver.js MODULE_DIR - the npm `semver` package as a
// differential-test oracle: reads "A<TAB>B" lines on stdin, prints -1, 0, 1
// or "error" (semver rejects a version, strict mode) per line.
'use strict'
const path = require('path')
const semver = require(path.resolve(process.argv[2], 'node_modules', 'semver'))
const lines = require('fs').readFileSync(0, 'utf8').split('\n')
if (lines.length && lines[lines.length - 1] === '') lines.pop()
const out = []
for (const line of lines) {
  const i = line.indexOf('\t')
  try {
    if (i < 0) throw new Error('no tab')
    out.push(String(semver.compare(line.slice(0, i), line.slice(i + 1))))
  } catch (e) {
    out.push('error')
  }
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''))
