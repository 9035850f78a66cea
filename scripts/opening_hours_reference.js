#!/usr/bin/env node
/*
 * Reference answers for opening hours, from opening_hours.js (the evaluator OpenStreetMap's own tools use).
 *
 *   node scripts/opening_hours_reference.js --extract path/to/opening_hours.js/test/test.js [COMMIT]
 *       Collects every opening_hours value used in that test suite (addTest, addShouldFail, addShouldWarn, ...)
 *       into tests/fixtures/opening_hours_values.json. Run once per upstream version; the list is committed.
 *
 *   node scripts/opening_hours_reference.js
 *       Evaluates every value of tests/fixtures/opening_hours_values.json at the MOMENTS below, in
 *       Europe/Amsterdam, for a place in Utrecht (country nl), and writes tests/fixtures/opening_hours_reference.json:
 *       for each value either "rejected" (with the reason) or the state per moment: open / closed / unknown.
 *
 * tests/places/test_hours_reference.py compares webapp/places/hours.py with that fixture, so `make test`
 * needs no node. Install the reference with `npm ci` (package.json / package-lock.json at the repo root).
 */
'use strict';

// The library works in the process's local time zone: set it before anything creates a Date.
process.env.TZ = 'Europe/Amsterdam';

const fs = require('fs');
const path = require('path');
const vm = require('vm');

const ROOT = path.resolve(__dirname, '..');
const VALUES = path.join(ROOT, 'tests/fixtures/opening_hours_values.json');
const OUTPUT = path.join(ROOT, 'tests/fixtures/opening_hours_reference.json');

// A place in Utrecht: sunrise/sunset are computed for these coordinates, public holidays for the Netherlands.
const PLACE = { lat: 52.09, lon: 5.12, country_code: 'nl', state: 'Utrecht' };

// 21 moments, local time in Europe/Amsterdam ("YYYY-MM-DDTHH:MM"), each with the reason it was picked.
const MOMENTS = [
    ['2026-11-23T10:00', 'Monday morning'],
    ['2027-01-13T13:30', 'Wednesday afternoon in January'],
    ['2026-11-27T18:30', 'Friday evening'],
    ['2026-11-28T23:30', 'Saturday late evening'],
    ['2026-11-29T03:00', 'Sunday night (after midnight)'],
    ['2026-11-29T12:00', 'Sunday noon'],
    ['2026-11-24T07:30', 'Tuesday early morning'],
    ['2026-07-15T14:00', 'Wednesday afternoon in summer'],
    ['2027-01-01T11:00', 'Nieuwjaarsdag (Friday)'],
    ['2026-04-03T11:00', 'Goede Vrijdag'],
    ['2026-04-06T11:00', 'Tweede Paasdag (Easter Monday)'],
    ['2026-04-27T11:00', 'Koningsdag (Monday)'],
    ['2026-05-05T11:00', 'Bevrijdingsdag (Tuesday)'],
    ['2026-12-25T11:00', 'Eerste Kerstdag (Friday)'],
    ['2026-12-26T15:00', 'Tweede Kerstdag (Saturday)'],
    ['2026-03-29T10:00', 'DST starts that night (Sunday)'],
    ['2026-10-25T01:30', 'DST ends later that night (Sunday, before the repeated hour)'],
    ['2026-06-21T06:00', 'midsummer: after sunrise in Utrecht (05:18), before a 07:00 fallback'],
    ['2026-06-21T21:00', 'midsummer: before sunset in Utrecht (22:05), after a 19:00 fallback'],
    ['2026-12-21T08:00', 'midwinter: before sunrise in Utrecht (08:45)'],
    ['2026-12-21T17:30', 'midwinter: after sunset in Utrecht (16:29)'],
];

function extract(testFile, commit) {
    // Run the upstream test definitions with a recorder instead of its test framework: every value
    // passed to one of the add* functions is collected (values wrapped in ignored() too).
    const source = fs.readFileSync(testFile, 'utf8');
    const start = source.indexOf('const nominatim_sunrise_below');
    const end = source.indexOf('process.exit(test.run()');
    if (start < 0 || end < 0) throw new Error('unexpected layout of ' + testFile);
    const seen = new Set();
    const values = [];
    const add = (value) => {
        if (Array.isArray(value)) value = value[0];  // ignored(value, reason)
        if (typeof value !== 'string' || seen.has(value)) return;
        seen.add(value);
        values.push(value);
    };
    const addAll = (vals) => (typeof vals === 'string' ? add(vals) : (vals || []).forEach(add));
    const recorder = new Proxy({}, {
        get: (_target, name) => {
            if (name === 'addStructuredWarnings' || name === 'addNextChangeTest') return (_n, value) => add(value);
            if (name === 'addEqualTo') return (_n, first, second) => { addAll(first); add(second); };
            return (_n, vals) => addAll(vals);
        },
    });
    const anyPlace = new Proxy({}, { get: () => ({ lat: '49.5', lon: '9.5', address: { country_code: 'de', state: 'x' } }) });
    const context = {
        test: recorder, nominatim_by_loc: anyPlace, nominatim_default: {}, argv: { locale: 'en' },
        EXPECTED_OPEN_END_MESSAGE: '', timekeeper: { travel() {}, freeze() {}, reset() {} }, timekeeperTime: null,
        opening_hours: function () {}, ignored: (value, reason) => [value, reason], console,
        Date, Math, JSON, Object, Array, String, Number,
    };
    vm.runInNewContext(source.slice(start, end), context, { filename: testFile });
    const upstream = require('opening_hours/package.json').version;
    fs.writeFileSync(VALUES, JSON.stringify({
        source: 'opening_hours.js test/test.js (https://github.com/opening-hours/opening_hours.js), LGPL-3.0-only',
        test_suite_commit: commit || null,
        opening_hours_version: upstream,
        count: values.length,
        values,
    }, null, 1) + '\n');
    console.log(`${values.length} distinct values written to ${path.relative(ROOT, VALUES)}`);
}

function stateAt(oh, date) {
    // The state as the library's iterator sees it, walking from midnight of the day before: that is what
    // its own test suite checks (getOpenIntervals). A point query (getState(date)) alone misses the state
    // of an open end that started earlier ("13:00-17:00+" reads closed at 18:30 that way, unknown when
    // iterated), so it is not used.
    const start = new Date(date.getFullYear(), date.getMonth(), date.getDate() - 1);
    const it = oh.getIterator(start);
    const limit = new Date(date.getTime() + 1);
    while (it.advance(limit)) { /* walk to the last change at or before date */ }
    return it.getState() ? 'open' : (it.getUnknown() ? 'unknown' : 'closed');
}

function evaluate() {
    const OpeningHours = require('opening_hours');
    const { values } = JSON.parse(fs.readFileSync(VALUES, 'utf8'));
    const nominatim = { lat: String(PLACE.lat), lon: String(PLACE.lon),
        address: { country_code: PLACE.country_code, state: PLACE.state } };
    const results = [];
    for (const value of values) {
        let oh;
        try {
            oh = new OpeningHours(value, nominatim, { mode: 0, tag_key: 'opening_hours', locale: 'en' });
        } catch (err) {
            results.push({ value, rejected: String(err).split('\n')[0].slice(0, 300) });
            continue;
        }
        const states = MOMENTS.map(([local]) => {
            const date = new Date(local);  // local time, TZ=Europe/Amsterdam
            try {
                return stateAt(oh, date);
            } catch (err) {
                return 'error';
            }
        });
        results.push({ value, states });
    }
    const upstream = require('opening_hours/package.json').version;
    fs.writeFileSync(OUTPUT, JSON.stringify({
        generator: 'scripts/opening_hours_reference.js',
        opening_hours_version: upstream,
        timezone: process.env.TZ,
        place: PLACE,
        moments: MOMENTS.map(([local, why]) => ({ local, why })),
        results,
    }, null, 1) + '\n');
    const rejected = results.filter((r) => r.rejected).length;
    console.log(`${results.length} values (${rejected} rejected) x ${MOMENTS.length} moments -> ${path.relative(ROOT, OUTPUT)}`);
}

const args = process.argv.slice(2);
if (args[0] === '--extract') extract(args[1], args[2]);
else evaluate();
