// `mllab drift`: argument errors, the table and the JSON document, exit codes (0 either way, 3 with
// --fail-on-drift when drifted, 1 with one line for bad input).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { DRIFTED_EXIT_CODE, parseDriftArgs } from '../../../src/cli/driftCommand.js';
import { runCli } from '../../../src/cli/main.js';
import { UsageError } from '../../../src/cli/args.js';
import type { DriftReport } from '../../../src/protocol/deploy.js';
import { trainedModel } from '../deploy/trainedModel.js';

let dir: string;
let model: string;
let same: string;
let shifted: string;

/** 400 rows; `shift` moves a (numeric) and turns most of b into "z". */
function csv(path: string, shift: boolean): string {
  const lines = ['a,b,y'];
  for (let i = 0; i < 400; i++) {
    const a = ((i * 37) % 100) / 10 + (shift ? 4 : 0);
    const b = shift && i % 5 !== 0 ? 'z' : ['p', 'q', 'r'][i % 3]!;
    lines.push(`${a},${b},${a + (b === 'p' ? 2 : 0) > 5 ? 'hi' : 'lo'}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-drift-cli-'));
  const train = csv(join(dir, 'train.csv'), false);
  same = csv(join(dir, 'same.csv'), false);
  shifted = csv(join(dir, 'shifted.csv'), true);
  mkdirSync(join(dir, 'm'));
  model = (await trainedModel(join(dir, 'm'), train, 'y')).path;
});
after(() => rmSync(dir, { recursive: true, force: true }));

function io(): { io: Parameters<typeof runCli>[1]; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        add(String(chunk));
        done();
      },
    });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: {} }, out: () => out, err: () => err };
}

test('arguments: two positionals, thresholds in range', () => {
  assert.equal(parseDriftArgs(['--help']), null);
  assert.deepEqual(parseDriftArgs(['m.json', 'new.csv', '--psi', '0.3', '--p-value=0.05', '--effect', '0']), {
    model: 'm.json',
    current: 'new.csv',
    reference: null,
    thresholds: { psi: 0.3, pValue: 0.05, effect: 0 },
    json: false,
    failOnDrift: false,
  });
  assert.throws(() => parseDriftArgs(['m.json']), (e: unknown) => e instanceof UsageError && /drift needs MODEL and NEW, got 1 argument$/.test(e.message));
  assert.throws(() => parseDriftArgs(['m', 'n', '--p-value', '1']), /--p-value must be a number between 0 and 1, got "1"/);
  assert.throws(() => parseDriftArgs(['m', 'n', '--psi', '-1']), /--psi must be a number above 0/);
  assert.throws(() => parseDriftArgs(['m', 'n', '--effect', 'big']), /--effect must be a number from 0 to 1/);
});

test('the table names the drifted columns; exit 0, or 3 with --fail-on-drift', async () => {
  const a = io();
  assert.equal(await runCli(['drift', model, shifted], a.io), 0);
  const text = a.out();
  assert.match(text, /^a\s+numeric\s.*DRIFTED$/m);
  assert.match(text, /^b\s+category\s.*DRIFTED$/m);
  assert.match(text, /^DRIFTED: 2 of 2 features drifted: a, b; the predictions drifted\.$/m);
  assert.match(text, /^b: .*Cramér's V/m);
  const b = io();
  assert.equal(await runCli(['drift', model, shifted, '--fail-on-drift'], b.io), DRIFTED_EXIT_CODE);
  const c = io();
  assert.equal(await runCli(['drift', model, same, '--fail-on-drift'], c.io), 0);
  assert.match(c.out(), /^OK: No feature drifted \(2 compared\); the predictions did not\.$/m);
});

test('--json prints one DriftReport with drifted, features[] (name, drifted, psi, ks or chi2 with pValue)', async () => {
  const a = io();
  assert.equal(await runCli(['drift', model, shifted, '--json'], a.io), 0);
  const report = JSON.parse(a.out()) as DriftReport;
  assert.equal(report.format, 'mllab-drift');
  assert.equal(report.drifted, true);
  const [fa, fb] = report.features;
  assert.equal(fa?.name, 'a');
  assert.equal(typeof fa?.ks?.pValue, 'number');
  assert.equal(fb?.name, 'b');
  assert.equal(typeof fb?.chi2?.pValue, 'number');
  assert.ok(fa.psi > 0.2 && fb.psi > 0.2);
});

test('bad input: one line on stderr, exit 1; usage: exit 2', async () => {
  const a = io();
  assert.equal(await runCli(['drift', join(dir, 'missing.json'), same], a.io), 1);
  assert.equal(a.err().trim().split('\n').length, 1);
  assert.match(a.err(), /^mllab: .*missing\.json/);
  const b = io();
  const noB = join(dir, 'nob.csv');
  writeFileSync(noB, 'a,y\n1,hi\n');
  assert.equal(await runCli(['drift', model, noB], b.io), 1);
  assert.match(b.err(), /lacks the column "b" the model reads/);
  const c = io();
  assert.equal(await runCli(['drift', model], c.io), 2);
});
