// Loading a training table: a hand-made CSV with quoted fields, missing tokens, booleans, dates, an ID
// column, a text identifier and a constant column; the target's missing rows dropped; each bad input's
// error; and new rows read onto the trained schema.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '../../../src/core/errors.js';
import { loadFeatures, loadTrainingTable } from '../../../src/core/ml/table.js';
import type { FeatureColumn } from '../../../src/core/ml/types.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-table-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const COLOURS = ['red', 'green', 'blue'];

/** 24 rows; row 4's target is missing. */
function mainCsv(): string {
  const lines = ['id,name,colour,size,active,joined,country,score'];
  for (let i = 0; i < 24; i++) {
    const colour = i === 5 ? 'NA' : i === 7 ? '"red"' : COLOURS[i % 3];
    const size = i === 2 ? '?' : i === 3 ? '' : String(i * 1.5);
    const active = i % 2 === 1 ? 'yes' : 'no';
    const joined = `2020-01-${String(i + 1).padStart(2, '0')}`;
    const score = i === 4 ? 'N/A' : i % 4 === 0 ? 'good' : 'bad';
    lines.push([i + 1, `"Smith, ${i}"`, colour, size, active, joined, 'NZ', score].join(','));
  }
  return lines.join('\n') + '\n';
}

function feature(features: FeatureColumn[], name: string): FeatureColumn {
  const f = features.find((x) => x.name === name);
  assert.ok(f, `feature ${name}`);
  return f;
}

test('types, dropped columns and rows of the hand-made table', async () => {
  const loaded = await loadTrainingTable(file('main.csv', mainCsv()), { target: 'score' });
  assert.equal(loaded.sourceRows, 24);
  assert.equal(loaded.droppedRows, 1);
  assert.equal(loaded.table.rows, 23);
  assert.deepEqual(loaded.columns, ['id', 'name', 'colour', 'size', 'active', 'joined', 'country', 'score']);
  assert.deepEqual(loaded.dropped.map((d) => d.name), ['id', 'name', 'country']);
  assert.match(loaded.dropped[0]!.reason, /identifier/);
  assert.match(loaded.dropped[1]!.reason, /identifier: every one of its 24 values is different/);
  assert.match(loaded.dropped[2]!.reason, /constant: every row is "NZ"/);
  assert.deepEqual(loaded.schema, [
    { name: 'colour', kind: 'categorical', categories: ['blue', 'green', 'red'] },
    { name: 'size', kind: 'numeric' },
    { name: 'active', kind: 'categorical', categories: ['no', 'yes'] },
    { name: 'joined', kind: 'numeric', datetime: true },
  ]);
  const f = loaded.table.features;
  // Table row r is file row r for r < 4 and file row r + 1 after the dropped row 4.
  const colour = feature(f, 'colour');
  assert.equal(colour.kind, 'categorical');
  if (colour.kind === 'categorical') {
    // file rows 0..3: red green blue red → 2 1 0 2; file row 5 (NA) → -1; row 6 red → 2; file row 7 ("red" quoted) → 2.
    assert.deepEqual([...colour.codes.subarray(0, 7)], [2, 1, 0, 2, -1, 2, 2]);
  }
  const size = feature(f, 'size');
  assert.equal(size.kind, 'numeric');
  if (size.kind === 'numeric') {
    assert.equal(size.values[0], 0);
    assert.equal(size.values[1], 1.5);
    assert.ok(Number.isNaN(size.values[2]!)); // '?'
    assert.ok(Number.isNaN(size.values[3]!)); // empty
    assert.equal(size.values[4], 7.5); // file row 5
    assert.equal(size.values.length, 23);
  }
  const active = feature(f, 'active');
  if (active.kind === 'categorical') assert.deepEqual([...active.codes.subarray(0, 5)], [0, 1, 0, 1, 1]);
  const joined = feature(f, 'joined');
  if (joined.kind === 'numeric') {
    assert.equal(joined.values[0], Date.UTC(2020, 0, 1));
    assert.equal(joined.values[4], Date.UTC(2020, 0, 6));
  }
  const target = loaded.table.target;
  assert.ok(target.task === 'binary', target.task);
  {
    assert.deepEqual(target.classes, ['bad', 'good']);
    // file rows 0..3 → good bad bad bad; file row 8 → good (table row 7).
    assert.deepEqual([...target.codes.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 1]);
  }
  assert.equal(loaded.dialect.delimiter, ',');
});

test('regression target: numbers kept as values, stray text read as missing and its row dropped', async () => {
  const lines = ['x,y'];
  for (let i = 0; i < 60; i++) lines.push(`${i % 7},${i === 10 ? 'unknown' : (i * 0.25).toFixed(2)}`);
  const loaded = await loadTrainingTable(file('reg.csv', lines.join('\n')), { target: 'y' });
  assert.equal(loaded.table.target.task, 'regression');
  assert.equal(loaded.droppedRows, 1);
  if (loaded.table.target.task === 'regression') {
    assert.equal(loaded.table.target.values[9], 2.25);
    assert.equal(loaded.table.target.values[10], 2.75); // file row 11
  }
});

test('numeric class labels: numeric order, canonical names, task forced multiclass', async () => {
  const lines = ['x,grade'];
  const grades = ['10', '9', '2', '9.0', '2', '10'];
  grades.forEach((g, i) => lines.push(`${i},${g}`));
  const loaded = await loadTrainingTable(file('grades.csv', lines.join('\n')), { target: 'grade', task: 'multiclass' });
  const t = loaded.table.target;
  assert.ok(t.task === 'multiclass', t.task);
  {
    assert.deepEqual(t.classes, ['2', '9', '10']);
    assert.deepEqual([...t.codes], [2, 1, 0, 1, 0, 2]);
  }
});

test('custom missing tokens, semicolons and quoted delimiters', async () => {
  const text = 'a;b;label\n"1;5";x;p\n-;y;q\n3;x;p\n4;y;q\n';
  const loaded = await loadTrainingTable(file('semi.csv', text), { target: 'label', missingTokens: ['-'], delimiter: ';' });
  // "1;5" is not a number: column a has 2 numbers of 3 values → not numeric; 3 distinct texts of 3 → identifier.
  assert.deepEqual(loaded.dropped.map((d) => d.name), ['a']);
  const b = feature(loaded.table.features, 'b');
  if (b.kind === 'categorical') assert.deepEqual([...b.codes], [0, 1, 0, 1]);
});

async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e) => {
    assert.ok(isUserError(e), String(e));
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

test('errors: unknown target names close columns or lists them', async () => {
  const p = file('e1.csv', mainCsv());
  await rejects(loadTrainingTable(p, { target: 'scroe' }), 'BAD_TARGET', /no column "scroe".*did you mean "score"\?/);
  await rejects(loadTrainingTable(p, { target: 'SCORE' }), 'BAD_TARGET', /did you mean "score"/);
  await rejects(loadTrainingTable(p, { target: 'zzz' }), 'BAD_TARGET', /the columns are "id", "name", "colour"/);
});

test('errors: one class, empty file, header only, all targets missing, regression on text, binary with 3 classes, no features', async () => {
  await rejects(loadTrainingTable(file('one.csv', 'x,y\n1,a\n2,a\n3,\n'), { target: 'y' }), 'BAD_TARGET', /one class \("a"\)/);
  await rejects(loadTrainingTable(file('empty.csv', ''), { target: 'y' }), 'EMPTY_FILE', /empty/);
  await rejects(loadTrainingTable(file('header.csv', 'x,y\n'), { target: 'y' }), 'NO_DATA_ROWS', /no data rows/);
  await rejects(loadTrainingTable(file('nomiss.csv', 'x,y\n1,NA\n2,\n'), { target: 'y' }), 'BAD_TARGET', /every row is missing it/);
  await rejects(loadTrainingTable(file('text.csv', 'x,y\n1,a\n2,b\n3,c\n'), { target: 'y', task: 'regression' }), 'BAD_TARGET', /not numeric \(values like "a"\)/);
  await rejects(loadTrainingTable(file('three.csv', 'x,y\n1,a\n2,b\n3,c\n'), { target: 'y', task: 'binary' }), 'BAD_TARGET', /3 classes; binary/);
  const names = ['x,name', ...Array.from({ length: 30 }, (_, i) => `${i % 3},person ${i % 25}`)].join('\n');
  await rejects(loadTrainingTable(file('names.csv', names), { target: 'name' }), 'BAD_TARGET', /25 distinct values in 30 rows: too few rows per class/);
  const floats = ['x,v', ...Array.from({ length: 30 }, (_, i) => `${i % 3},${i / 7}`)].join('\n');
  await rejects(loadTrainingTable(file('floats.csv', floats), { target: 'v', task: 'multiclass' }), 'BAD_TARGET', /use task regression/);
  await rejects(loadTrainingTable(file('only.csv', 'y\na\nb\n'), { target: 'y' }), 'NO_FEATURES', /the file has no other column/);
  await rejects(loadTrainingTable(file('nofeat.csv', 'k,y\nz,a\nz,b\n'), { target: 'y' }), 'NO_FEATURES', /k: constant/);
});

test('cancel stops the load with CANCELLED', async () => {
  const controller = new AbortController();
  controller.abort();
  await rejects(loadTrainingTable(file('c.csv', 'x,y\n1,a\n2,b\n'), { target: 'y', signal: controller.signal }), 'CANCELLED', /Cancelled/);
});

test('loadFeatures: by name, in schema order, target and extra columns ignored, unknown category → missing', async () => {
  const { schema } = await loadTrainingTable(file('train.csv', mainCsv()), { target: 'score' });
  const testCsv = ['score,joined,extra,active,size,colour', 'good,2021-03-04,1,yes,2.5,purple', ',2020-01-01T12:00:00Z,2,no,?,"blue"', 'bad,,3,maybe,x,red'].join('\n');
  const got = await loadFeatures(file('test.csv', testCsv), schema);
  assert.equal(got.rows, 3);
  assert.deepEqual(got.features.map((f) => f.name), ['colour', 'size', 'active', 'joined']);
  const [colour, size, active, joined] = got.features;
  assert.ok(colour?.kind === 'categorical' && size?.kind === 'numeric' && active?.kind === 'categorical' && joined?.kind === 'numeric');
  assert.deepEqual([...colour.codes], [-1, 0, 2]);
  assert.deepEqual(colour.categories, ['blue', 'green', 'red']);
  assert.deepEqual([...size.values].map((v) => (Number.isNaN(v) ? null : v)), [2.5, null, null]);
  assert.deepEqual([...active.codes], [1, 0, -1]);
  assert.deepEqual([...joined.values].map((v) => (Number.isNaN(v) ? null : v)), [Date.UTC(2021, 2, 4), Date.UTC(2020, 0, 1, 12), null]);
  assert.deepEqual(got.unknownCategories, [
    { name: 'colour', cells: 1, examples: ['purple'] },
    { name: 'active', cells: 1, examples: ['maybe'] },
  ]);
});

test('loadFeatures: a missing column is a clear error', async () => {
  const schema = [
    { name: 'colour', kind: 'categorical' as const, categories: ['a'] },
    { name: 'size', kind: 'numeric' as const },
  ];
  await rejects(loadFeatures(file('lack.csv', 'colour,sise\na,1\n'), schema), 'MISSING_COLUMN', /lacks the column "size".*did you mean "sise"/);
});

test('column rules: serials vs spread integers, stray text, cardinality limits, free text, gaps, booleans, ragged rows', async () => {
  const lines = ['serial,income,mostly,code30,code60,free,empty,maybe,flag,when,y'];
  for (let i = 0; i < 100; i++) {
    const mostly = i === 10 || i === 20 ? 'n/a-ish' : String(i / 4);
    const free = `${'a long description of the row that goes on and on, '.repeat(1)}${i % 3}`;
    const when = i === 50 ? 'soon' : `2021-02-${String((i % 28) + 1).padStart(2, '0')}T10:00:00`;
    const cells = [101 + i, i * 1000 + 7, mostly, `k${i % 30}`, `k${i % 60}`, `"${free}"`, '', i % 2 === 0 ? 'x' : '', i % 3 === 0 ? 'T' : 'f', when, i % 2 === 0 ? 'a' : 'b'];
    lines.push(i === 99 ? cells.slice(0, 4).join(',') : cells.join(','));
  }
  const loaded = await loadTrainingTable(file('rules.csv', lines.join('\n')), { target: 'code30' });
  const reasons = Object.fromEntries(loaded.dropped.map((d) => [d.name, d.reason]));
  assert.deepEqual(Object.keys(reasons).sort(), ['code60', 'empty', 'free', 'serial']);
  assert.match(reasons.serial!, /identifier: 100 distinct whole numbers in 100 rows, filling 101\.\.200/);
  assert.match(reasons.code60!, /identifier or text: 60 distinct values in 99 rows/); // row 99 is short: 99 values
  assert.match(reasons.free!, /free text/);
  assert.match(reasons.empty!, /every value is missing/);
  assert.deepEqual(loaded.schema.map((s) => `${s.name}:${s.kind}`), ['income:numeric', 'mostly:numeric', 'maybe:categorical', 'flag:categorical', 'when:numeric', 'y:categorical']);
  const f = loaded.table.features;
  const mostly = feature(f, 'mostly');
  assert.ok(mostly.kind === 'numeric');
  assert.equal(mostly.values[9], 2.25);
  assert.ok(Number.isNaN(mostly.values[10]!)); // stray text in a numeric column reads as missing
  const maybe = feature(f, 'maybe');
  assert.ok(maybe.kind === 'categorical');
  assert.deepEqual(maybe.categories, ['x']); // one value with gaps: the gaps carry information, kept
  assert.deepEqual([...maybe.codes.subarray(0, 3)], [0, -1, 0]);
  const flag = feature(f, 'flag');
  assert.ok(flag.kind === 'categorical');
  assert.deepEqual(flag.categories, ['T', 'f']);
  assert.equal(flag.codes[98], 1);
  assert.equal(flag.codes[99], -1); // row 99 is short: its absent cells are missing
  const when = feature(f, 'when');
  assert.ok(when.kind === 'numeric');
  assert.equal(when.values[0], Date.UTC(2021, 1, 1, 10));
  assert.ok(Number.isNaN(when.values[50]!));
  const target = loaded.table.target;
  assert.ok(target.task === 'multiclass');
  assert.equal(target.classes.length, 30);
  assert.deepEqual(target.classes.slice(0, 4), ['k0', 'k1', 'k10', 'k11']); // code-unit order
});

test('more than 1000 distinct texts: dropped; progress reported', async () => {
  const lines = ['v,x,y'];
  for (let i = 0; i < 1500; i++) lines.push(`v${i % 1200},${i % 7},${i % 2}`);
  const progress: number[] = [];
  const loaded = await loadTrainingTable(file('many.csv', lines.join('\n')), { target: 'y', onProgress: (rows) => progress.push(rows) });
  assert.deepEqual(loaded.dropped, [{ name: 'v', reason: 'text or an identifier: more than 1,000 distinct values' }]);
  assert.equal(progress.at(-1), 1500);
  assert.equal(loaded.table.target.task, 'binary');
});

test('a real file: seattle-weather.csv from vega-datasets', async () => {
  const path = join(__dirname, '..', '..', '..', 'node_modules', 'vega-datasets', 'data', 'seattle-weather.csv');
  const loaded = await loadTrainingTable(path, { target: 'weather' });
  // 1461 days of 2012-2015; first row: 2012-01-01,0.0,12.8,5.0,4.7,drizzle
  assert.equal(loaded.table.rows, 1461);
  assert.deepEqual(loaded.schema.map((s) => s.name), ['date', 'precipitation', 'temp_max', 'temp_min', 'wind']);
  const t = loaded.table.target;
  assert.ok(t.task === 'multiclass');
  assert.deepEqual(t.classes, ['drizzle', 'fog', 'rain', 'snow', 'sun']);
  assert.equal(t.codes[0], 0);
  const f = loaded.table.features;
  const date = feature(f, 'date');
  const tmax = feature(f, 'temp_max');
  assert.ok(date.kind === 'numeric' && tmax.kind === 'numeric');
  assert.equal(date.values[0], Date.UTC(2012, 0, 1));
  assert.equal(tmax.values[0], 12.8);
});
