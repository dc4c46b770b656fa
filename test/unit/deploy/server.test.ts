// The prediction server end to end on loopback: predictions equal `mllab predict` (predictFile) on the same
// rows for classification (with probabilities), regression and a model trained on a cleaned version;
// status codes; /metrics parsed back against the requests this test made; graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../../src/core/deploy/server.js';
import type { RunningServer } from '../../../src/core/deploy/server.js';
import { inputSchemaFor } from '../../../src/core/deploy/inputSchema.js';
import { applyRecipeToFile } from '../../../src/core/clean/applyFile.js';
import { predictFile } from '../../../src/core/ml/modelPackage.js';
import type { ModelPackage } from '../../../src/core/ml/modelPackage.js';
import type { PredictionLogLine } from '../../../src/protocol/deploy.js';
import type { Recipe } from '../../../src/protocol/recipe.js';
import { trainedModel } from './trainedModel.js';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'mllab-serve-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function call(url: string, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Data rows of a CSV as the JSON objects a client would send (every value as its text). */
function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\n');
  const names = header!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i]!, v])));
}

// 80 rows: x, z and amount numeric, colour categorical; the label follows x + colour, the amount x and z.
// The classifier reads amount too (every column but the target is a feature).
function trainingCsv(): string {
  const colours = ['red', 'green', 'blue'];
  const lines = ['x,z,colour,label,amount'];
  for (let i = 0; i < 80; i++) {
    const x = ((i * 37) % 80) / 4;
    const z = ((i * 11) % 13) - 6;
    const colour = colours[i % 3]!;
    const label = x + (colour === 'red' ? 5 : 0) > 12 ? 'high' : i % 7 === 0 ? 'mid' : 'low';
    lines.push(`${x},${z},${colour},${label},${(2.5 * x - z + (i % 5)).toFixed(2)}`);
  }
  return lines.join('\n') + '\n';
}

async function expectSameAsPredict(server: RunningServer, modelPath: string, testCsv: string, rows: Record<string, unknown>[], classification: boolean): Promise<void> {
  const reference = await predictFile(modelPath, testCsv);
  const reply = await call(server.url, 'POST', '/predict', JSON.stringify({ rows }));
  assert.equal(reply.status, 200, reply.text);
  const body = JSON.parse(reply.text) as { predictions: (string | number)[]; probabilities?: Record<string, number>[] };
  assert.deepEqual(body.predictions, reference.rows.map((r) => r[0]));
  if (!classification) {
    assert.equal(body.probabilities, undefined);
    return;
  }
  const classes = reference.header.slice(1).map((h) => h.slice('proba_'.length));
  assert.deepEqual(
    body.probabilities,
    reference.rows.map((r) => Object.fromEntries(classes.map((c, i) => [c, r[i + 1]]))),
  );
}

let train: string;
let classifier: { path: string; pkg: ModelPackage };

test('classification: /predict equals mllab predict (classes and probabilities), one row or a batch', async () => {
  train = join(dir, 'train.csv');
  writeFileSync(train, trainingCsv());
  const sub = mkdtempSync(join(dir, 'cls-'));
  classifier = await trainedModel(sub, train, 'label');
  const server = await startServer({ model: classifier.path, logDir: join(sub, 'logs'), log: { flushMs: 10 } });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const test = join(sub, 'test.csv');
    const text = 'x,z,colour,amount\n3,1,red,1\n15.5,-2,blue,1\n9,0,green,1\n19.75,6,red,1\n0,-6,blue,1\n';
    writeFileSync(test, text);
    const rows = csvRows(text);
    await expectSameAsPredict(server, classifier.path, test, rows, true);
    // JSON numbers instead of texts: the same answer.
    const numeric = rows.map((r) => ({ ...r, x: Number(r.x), z: Number(r.z), amount: Number(r.amount) }));
    await expectSameAsPredict(server, classifier.path, test, numeric, true);
    const one = join(sub, 'one.csv');
    writeFileSync(one, 'x,z,colour,amount\n12,3,green,27\n');
    await expectSameAsPredict(server, classifier.path, one, [{ x: 12, z: 3, colour: 'green', amount: 27 }], true);
  } finally {
    await server.close();
  }
  const lines = readFileSync(join(sub, 'logs', 'predictions.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PredictionLogLine);
  assert.equal(lines.length, 3);
  assert.deepEqual(lines.map((l) => l.rows?.length), [5, 5, 1]);
  assert.ok(lines.every((l) => l.status === 200 && typeof l.ms === 'number' && !Number.isNaN(Date.parse(l.t)) && l.predictions?.length === l.rows?.length));
});

test('a large batch split across two threads answers as mllab predict does', async () => {
  const sub = mkdtempSync(join(dir, 'split-'));
  const server = await startServer({ model: classifier.path, splitRows: 8 });
  try {
    const test = join(sub, 'test.csv');
    const lines = ['x,z,colour,amount'];
    for (let i = 0; i < 41; i++) lines.push(`${(i * 7) % 20},${(i % 13) - 6},${['red', 'green', 'blue'][i % 3]},${(i * 3) % 50}`);
    const text = lines.join('\n') + '\n';
    writeFileSync(test, text);
    await expectSameAsPredict(server, classifier.path, test, csvRows(text), true);
  } finally {
    await server.close();
  }
});

test('regression: /predict equals mllab predict, no probabilities', async () => {
  const sub = mkdtempSync(join(dir, 'reg-'));
  const { path } = await trainedModel(sub, train, 'amount', { task: 'regression' });
  const server = await startServer({ model: path });
  try {
    const test = join(sub, 'test.csv');
    const text = 'x,z,colour,label\n3,1,red,low\n15.5,-2,blue,high\n9,0,green,mid\n';
    writeFileSync(test, text);
    await expectSameAsPredict(server, path, test, csvRows(text), false);
  } finally {
    await server.close();
  }
});

test('a model trained on a cleaned version: raw rows go through the Recipe, as mllab predict does', async () => {
  const sub = mkdtempSync(join(dir, 'lineage-'));
  const raw = join(sub, 'raw.csv');
  const lines = ['price,colour,label'];
  for (let i = 0; i < 60; i++) {
    const price = i % 9 === 0 ? '?' : `$${(i * 53) % 2000}`;
    const colour = ['Red', 'RED', 'blue', 'red'][i % 4]!;
    lines.push(`"${price.replace(/(\d)(\d{3})$/, '$1,$2')}",${colour},${(i * 53) % 2000 > 900 ? 'yes' : 'no'}`);
  }
  writeFileSync(raw, lines.join('\n') + '\n');
  const recipe: Recipe = {
    schemaVersion: 1,
    source: { file: 'raw.csv', rows: 60, columns: [] },
    missingTokens: ['?'],
    steps: [
      { op: 'parseNumbers', column: 'price', thousands: ',', percentAsFraction: true, onUnknown: 'missing' },
      { op: 'impute', column: 'price', strategy: 'median', value: 800, indicator: true, onUnknown: 'missing' },
      { op: 'unifyCase', column: 'colour', mapping: { RED: 'red', Red: 'red' } },
      { op: 'dropDuplicateRows' },
    ],
  };
  const cleaned = join(sub, 'cleaned.csv');
  await applyRecipeToFile(raw, recipe, cleaned);
  const { path } = await trainedModel(sub, cleaned, 'label', { lineage: { parent: raw, recipe } });
  const server = await startServer({ model: path });
  try {
    const test = join(sub, 'test.csv');
    const text = 'price,colour\n"$1,200",Red\n?,blue\n$40,RED\n"$1,999",red\n';
    writeFileSync(test, text);
    await expectSameAsPredict(server, path, test, [
      { price: '$1,200', colour: 'Red' },
      { price: '?', colour: 'blue' },
      { price: '$40', colour: 'RED' },
      { price: '$1,999', colour: 'red' },
    ], true);
  } finally {
    await server.close();
  }
});

test('status codes, /health, /schema and /metrics parsed back', async () => {
  const server = await startServer({ model: classifier.path, bodyLimitBytes: 2048, deploymentId: 'dep-1' });
  try {
    const good = JSON.stringify({ rows: [{ x: 1, z: 2, colour: 'red', amount: 3 }] });
    assert.equal((await call(server.url, 'POST', '/predict', good)).status, 200);
    assert.equal((await call(server.url, 'POST', '/predict', good)).status, 200);
    const bad = await call(server.url, 'POST', '/predict', JSON.stringify({ rows: [{ x: 'a lot', z: 2, colour: 'purple', amount: 1 }, { x: 1, colour: 'red', amount: 1 }] }));
    assert.equal(bad.status, 400);
    const badBody = JSON.parse(bad.text) as { error: string; fields: { row: number; column: string; message: string }[] };
    assert.deepEqual(badBody.fields.map((f) => [f.row, f.column]), [[0, 'x'], [0, 'colour'], [1, 'z']]);
    assert.equal(badBody.fields[0]!.message, 'expected a number, got "a lot"');
    const malformed = await call(server.url, 'POST', '/predict', '{"rows": [');
    assert.equal(malformed.status, 400);
    assert.match((JSON.parse(malformed.text) as { error: string }).error, /not JSON/);
    assert.equal((await call(server.url, 'POST', '/predict', JSON.stringify({ row: {} }))).status, 400);
    // Over the limit by Content-Length, and by a chunked body with no length.
    const big = JSON.stringify({ rows: Array.from({ length: 100 }, () => ({ x: 1, z: 2, colour: 'red', amount: 3 })) });
    assert.ok(big.length > 2048);
    assert.equal((await call(server.url, 'POST', '/predict', big)).status, 413);
    assert.equal((await call(server.url, 'POST', '/predict', big, { 'Transfer-Encoding': 'chunked' })).status, 413);
    assert.equal((await call(server.url, 'GET', '/nowhere')).status, 404);
    const wrong = await call(server.url, 'GET', '/predict');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'POST');
    const health = JSON.parse((await call(server.url, 'GET', '/health')).text) as { status: string; deploymentId: string; experimentId: string };
    assert.deepEqual([health.status, health.deploymentId, health.experimentId], ['ok', 'dep-1', classifier.pkg.experimentId]);
    const schema = JSON.parse((await call(server.url, 'GET', '/schema')).text) as unknown;
    assert.deepEqual(schema, await inputSchemaFor(classifier.pkg));

    const metrics = await call(server.url, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(metrics.text);
    const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === Object.keys(labels).length)?.value;
    assert.equal(value('mllab_http_requests_total', { path: '/predict', status: '200' }), 2);
    assert.equal(value('mllab_http_requests_total', { path: '/predict', status: '400' }), 3);
    assert.equal(value('mllab_http_requests_total', { path: '/predict', status: '413' }), 2);
    assert.equal(value('mllab_http_requests_total', { path: '/predict', status: '405' }), 1);
    assert.equal(value('mllab_http_requests_total', { path: 'other', status: '404' }), 1);
    assert.equal(value('mllab_http_requests_total', { path: '/health', status: '200' }), 1);
    assert.equal(value('mllab_errors_total', { reason: 'invalid_rows' }), 2);
    assert.equal(value('mllab_errors_total', { reason: 'bad_json' }), 1);
    assert.equal(value('mllab_errors_total', { reason: 'too_large' }), 2);
    assert.equal(value('mllab_predicted_rows_total'), 2);
    // Both good rows are the same, so one class has 2 and the others 0.
    const classCounts = samples.filter((s) => s.name === 'mllab_predictions_total').map((s) => s.value).sort();
    assert.deepEqual(classCounts, [0, 0, 2]);
    // The latency histogram: cumulative buckets ending at +Inf = count = every /predict answered (not 405).
    const buckets = samples.filter((s) => s.name === 'mllab_predict_duration_seconds_bucket');
    assert.ok(buckets.every((b, i) => i === 0 || b.value >= buckets[i - 1]!.value));
    assert.equal(buckets.at(-1)!.labels.le, '+Inf');
    assert.equal(buckets.at(-1)!.value, 8);
    assert.equal(value('mllab_predict_duration_seconds_count'), 8);
    assert.equal(value('mllab_model_info', { experiment: classifier.pkg.experimentId, task: 'multiclass', deployment: 'dep-1' }), 1);
  } finally {
    await server.close();
  }
});

test('graceful shutdown: a request in flight is answered and logged, then new connections are refused', async () => {
  const logDir = join(dir, 'shutdown-logs');
  const server = await startServer({ model: classifier.path, logDir, log: { flushMs: 60_000 } });
  const body = JSON.stringify({ rows: [{ x: 4, z: 0, colour: 'blue', amount: 9 }] });
  let closed = false;
  const answered = new Promise<Reply>((resolve, reject) => {
    const req = request(`${server.url}/predict`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    // Half the body now, the rest once close() has begun.
    req.write(body.slice(0, 10));
    setTimeout(() => {
      const closing = server.close().then(() => (closed = true));
      setTimeout(() => {
        assert.equal(closed, false, 'close() waited for the request in flight');
        req.end(body.slice(10));
        void closing;
      }, 100);
    }, 100);
  });
  const reply = await answered;
  assert.equal(reply.status, 200);
  assert.equal(reply.headers.connection, 'close');
  await server.close();
  assert.equal(closed, true);
  // The log's 60 s timer never fired: close() flushed the line.
  const lines = readFileSync(join(logDir, 'predictions.jsonl'), 'utf8').split('\n');
  assert.equal(lines.length, 2);
  assert.equal(lines[1], '');
  assert.equal((JSON.parse(lines[0]!) as PredictionLogLine).status, 200);
  await assert.rejects(call(server.url, 'GET', '/health'), /ECONNREFUSED/);
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The text format read back: comments must be HELP/TYPE, samples `name{k="v",...} value`. */
function parseMetrics(text: string): Sample[] {
  assert.ok(text.endsWith('\n'));
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
      assert.ok(m, `bad comment line: ${line}`);
      if (m[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram'].includes(m[3]!), line);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]!) || types.get(family) === 'histogram', `sample without TYPE: ${line}`);
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), line);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}
