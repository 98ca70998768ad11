// validate.js FILE...: validate each FHIR R4 Bundle (and so every resource in
// it) with FHIR.js (npm fhir, base R4 structure definitions). Prints one line
// per file, "ok FILE" or "FAIL FILE: location: message" for each error, and
// exits 1 when any file has an error. Offline: the definitions ship in the package.
'use strict';
const { Fhir } = require('fhir');
const fs = require('fs');
const fhir = new Fhir(); // R4
let bad = 0;
for (const f of process.argv.slice(2)) {
  let doc;
  try {
    doc = JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    console.log(`FAIL ${f}: not JSON: ${e.message}`);
    bad++;
    continue;
  }
  const r = fhir.validate(doc, { errorOnUnexpected: true });
  const errs = (r.messages || []).filter((m) => m.severity === 'error');
  if (r.valid && errs.length === 0) {
    console.log(`ok ${f}`);
  } else {
    bad++;
    for (const m of errs) console.log(`FAIL ${f}: ${m.location}: ${m.message}`);
    if (!errs.length) console.log(`FAIL ${f}: invalid`);
  }
}
process.exit(bad ? 1 : 0);
