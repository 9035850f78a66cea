#!/usr/bin/env node
/*
 * Validates A11yJSON PlaceInfo records against the official schema of @sozialhelden/a11yjson
 * (getPlaceInfoSchemaDefinition(), checked with simpl-schema), independent of our Python code.
 *
 *   node scripts/validate_a11yjson.js [FILE]        (no FILE, or "-": read standard input)
 *
 * Input: one PlaceInfo object, or a JSON array of them (what /api/v1/places?format=a11yjson serves).
 * Output: one line per error ("record 3 (properties.name): ... [invalidLanguageTag]"), then a summary line
 * "N records, N valid, N invalid". Exit code: 0 all valid, 1 some invalid, 2 unreadable input.
 * Records are validated as they are (not cleaned first), so nothing is silently converted or dropped.
 * Install with `npm ci` (package.json / package-lock.json at the repository root).
 */
'use strict';

const fs = require('fs');

function readInput(arg) {
  if (!arg || arg === '-') return fs.readFileSync(0, 'utf8');
  return fs.readFileSync(arg, 'utf8');
}

async function main() {
  // Both packages are ES modules (simpl-schema 3.4.7's CommonJS build is not loadable): import them.
  const { getPlaceInfoSchemaDefinition } = await import('@sozialhelden/a11yjson');
  const { default: SimpleSchema } = await import('simpl-schema');
  let records;
  try {
    records = JSON.parse(readInput(process.argv[2]));
  } catch (err) {
    console.error(`cannot read the records: ${err.message}`);
    return 2;
  }
  if (!Array.isArray(records)) records = [records];
  // Unknown keys are errors (simpl-schema's default): every key must be one the standard defines.
  const schema = new SimpleSchema(getPlaceInfoSchemaDefinition(), { humanizeAutoLabels: false });
  // simpl-schema 3.4.7 rebuilds the map of child keys of the whole schema (1,800 keys) on every
  // objectKeys(prefix) call, several times per record. The schema never changes here, so remember each
  // answer: the same result, about 20 times faster.
  const objectKeys = schema.objectKeys.bind(schema);
  const childKeys = new Map();
  schema.objectKeys = (prefix) => {
    if (!childKeys.has(prefix)) childKeys.set(prefix, objectKeys(prefix));
    return childKeys.get(prefix);
  };
  let invalid = 0;
  records.forEach((record, index) => {
    const context = schema.newContext();
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      console.log(`record ${index}: not an object`);
      invalid += 1;
      return;
    }
    context.validate(record);
    if (!context.isValid()) {
      invalid += 1;
      for (const error of context.validationErrors()) {
        const value = error.value === undefined ? '' : ` value=${JSON.stringify(error.value)}`;
        console.log(`record ${index} (${error.name}): ${context.keyErrorMessage(error.name) || error.type}`
          + ` [${error.type}]${value}`);
      }
    }
  });
  console.log(`${records.length} records, ${records.length - invalid} valid, ${invalid} invalid`);
  return invalid === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exitCode = 2;
});
