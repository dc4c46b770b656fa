// `mllab` end to end: the built dist/cli.js on small fixtures whose numbers are worked out by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtFile, fixtures, repoRoot } from './builtFiles.js';

let cli: string;
let out: string;

before(() => {
  cli = builtFile('cli.js');
  out = mkdtempSync(join(tmpdir(), 'mllab-cli-'));
});
after(() => rmSync(out, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mllab(...args: string[]): Run {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: fixtures, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonColumn {
  name: string;
  type: string;
  missing: number;
  distinct: number;
  distinctApprox: boolean;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  std: number | null;
  quantiles: { p25: number; p50: number; p75: number } | null;
  top: { value: string; count: number }[];
}

interface JsonProfile {
  rows: number;
  duplicateRows: number;
  columnCount: number;
  columns: JsonColumn[];
  warnings: { kind: string; column: string | null; message: string }[];
}

function column(p: JsonProfile, name: string): JsonColumn {
  const c = p.columns.find((x) => x.name === name);
  assert.ok(c, `column ${name}`);
  return c;
}

/** One line on stderr, prefixed, and no stack trace. */
function assertOneLineError(r: Run, pattern: RegExp): void {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0] ?? '', /^mllab: /);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

test('--json prints exactly one JSON document with the documented shape and hand-computed values', () => {
  const r = mllab('profile', 'small.csv', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'quiet on a non-TTY stderr');
  const p = JSON.parse(r.stdout) as JsonProfile;
  assert.equal(r.stdout.trim().split('\n').length, 1, 'a single JSON line');
  assert.equal(p.rows, 5);
  assert.equal(p.columnCount, 4);
  assert.equal(p.duplicateRows, 1);

  // id: 1 2 3 4 4 -> mean 2.8, sample variance 6.8 / 4 = 1.7
  const id = column(p, 'id');
  assert.equal(id.type, 'numeric');
  assert.deepEqual([id.missing, id.distinct, id.distinctApprox, id.min, id.max], [0, 4, false, 1, 4]);
  assert.ok(Math.abs((id.mean ?? NaN) - 2.8) < 1e-12);
  assert.ok(Math.abs((id.std ?? NaN) - Math.sqrt(1.7)) < 1e-9);
  assert.equal(id.quantiles?.p50, 3);

  // amount: 10 20 _ 40 40 -> mean 27.5, variance (17.5² + 7.5² + 12.5² + 12.5²) / 3 = 225
  const amount = column(p, 'amount');
  assert.deepEqual([amount.missing, amount.distinct, amount.min, amount.max, amount.mean, amount.std], [1, 3, 10, 40, 27.5, 15]);
  // Linear interpolation (pandas' default) over 10 20 40 40: positions 0.75, 1.5, 2.25.
  assert.deepEqual(amount.quantiles && [amount.quantiles.p25, amount.quantiles.p50, amount.quantiles.p75], [17.5, 30, 40]);

  const grade = column(p, 'grade');
  assert.notEqual(grade.type, 'numeric');
  assert.deepEqual(grade.top.slice(0, 2), [
    { value: 'A', count: 4 },
    { value: 'B', count: 1 },
  ]);
  assert.equal(grade.mean, null);

  const joined = column(p, 'joined');
  assert.equal(joined.type, 'datetime');
  assert.match(String(joined.min), /^2024-01-01/);
  assert.match(String(joined.max), /^2024-01-04/);

  for (const w of p.warnings) {
    assert.equal(typeof w.kind, 'string');
    assert.ok(w.column === null || typeof w.column === 'string');
    assert.ok(w.message.length > 0);
  }
  assert.ok(p.warnings.some((w) => w.kind === 'duplicates' && w.column === null), 'a dataset-level duplicates warning');
  assert.ok(p.warnings.some((w) => w.kind === 'highMissing' && w.column === 'amount'), '20% missing in amount');
});

test('the readable summary names the counts, every column and the warnings', () => {
  const r = mllab('profile', 'small.csv');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^small\.csv\b/);
  assert.match(r.stdout, /5 rows · 4 columns · 1 duplicate row/);
  for (const name of ['id', 'amount', 'grade', 'joined']) assert.match(r.stdout, new RegExp(`^\\d+\\s+${name}\\s`, 'm'));
  assert.match(r.stdout, /^Warnings \(\d+\)$/m);
});

test('--missing-tokens replaces the default list', () => {
  // y is NA ? 5 6: by default both tokens are missing; with only NA, "?" is a value and y stops being numeric.
  const byDefault = JSON.parse(mllab('profile', 'tokens.csv', '--json').stdout) as JsonProfile;
  assert.deepEqual([column(byDefault, 'y').missing, column(byDefault, 'y').type], [2, 'numeric']);
  const onlyNa = JSON.parse(mllab('profile', 'tokens.csv', '--json', '--missing-tokens', 'NA').stdout) as JsonProfile;
  assert.equal(column(onlyNa, 'y').missing, 1);
  assert.equal(column(onlyNa, 'y').distinct, 3);
  assert.notEqual(column(onlyNa, 'y').type, 'numeric');
});

test('--delimiter overrides sniffing', () => {
  const sniffed = JSON.parse(mllab('profile', 'semicolon.csv', '--json').stdout) as JsonProfile;
  assert.deepEqual(sniffed.columns.map((c) => c.name), ['a', 'b', 'c']);
  const forced = JSON.parse(mllab('profile', 'semicolon.csv', '--json', '--delimiter=,').stdout) as JsonProfile;
  assert.equal(forced.columnCount, 1);
  const threads = JSON.parse(mllab('profile', 'semicolon.csv', '--json', '--threads', '2', '--delimiter', ';').stdout) as JsonProfile;
  assert.equal(threads.rows, 3);
});

test('--out writes a self-contained HTML or Markdown report', () => {
  const html = join(out, 'report.html');
  const r = mllab('profile', 'small.csv', '--out', html);
  assert.equal(r.code, 0, r.stderr);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /^<!doctype html>/i);
  for (const name of ['amount', 'grade', 'joined']) assert.ok(page.includes(name), `the report names ${name}`);
  assert.doesNotMatch(page, /<script\b[^>]*\bsrc=/i, 'no external scripts');

  const md = join(out, 'report.md');
  const j = mllab('profile', 'small.csv', '--json', '--out', md);
  assert.equal(j.code, 0, j.stderr);
  assert.equal((JSON.parse(j.stdout) as JsonProfile).rows, 5, '--json still prints the profile');
  const text = readFileSync(md, 'utf8');
  assert.match(text, /^# /m);
  assert.ok(text.includes('amount'));
  assert.deepEqual(readdirSync(out).filter((n) => n.endsWith('.tmp')), [], 'no temp files left');
});

test('bad input: exit 1, one line on stderr, no report written', () => {
  const report = join(out, 'never.html');
  const cases: [string, RegExp][] = [
    ['missing.csv', /not found|does not exist/i],
    ['empty.csv', /empty/i],
    ['unbalanced.csv', /quote/i],
    [repoRoot, /not a file/i],
  ];
  for (const [file, pattern] of cases) {
    const r = mllab('profile', file, '--out', report);
    assert.equal(r.code, 1, `${file}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assertOneLineError(r, pattern);
    assert.equal(existsSync(report), false, `${file}: nothing half-written`);
  }
  const binary = join(out, 'binary.csv');
  writeFileSync(binary, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
  assertOneLineError(mllab('profile', binary), /binary/i);
});

test('--out into a folder that does not exist fails before profiling', () => {
  const r = mllab('profile', 'small.csv', '--out', join(out, 'no', 'such', 'report.html'));
  assert.equal(r.code, 1);
  assertOneLineError(r, /does not exist/);
});

test('usage errors: exit 2 with a hint', () => {
  const cases: string[][] = [
    ['profile'],
    ['profile', 'a.csv', 'b.csv'],
    ['profile', 'small.csv', '--threads', 'many'],
    ['profile', 'small.csv', '--threads', '-1'],
    ['profile', 'small.csv', '--out', 'report.pdf'],
    ['profile', 'small.csv', '--delimiter', ';;'],
    ['profile', 'small.csv', '--bogus'],
    ['profile', 'small.csv', '--out'],
    ['profile', 'small.csv', '--json=yes'],
    ['frobnicate'],
    ['--bogus'],
  ];
  for (const args of cases) {
    const r = mllab(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 2, `${args.join(' ')}: message and hint`);
    assert.match(lines[0] ?? '', /^mllab: /);
    assert.match(lines[1] ?? '', /^Try 'mllab (profile )?--help'\.$/);
  }
});

test('--help and --version', () => {
  const help = mllab('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: mllab <command>/m);
  assert.match(help.stdout, /^\s+profile\s/m);
  assert.equal(mllab().stdout, help.stdout, 'no arguments shows the help');

  const profileHelp = mllab('profile', '--help');
  assert.equal(profileHelp.code, 0);
  assert.match(profileHelp.stdout, /^Usage: mllab profile FILE/);
  for (const flag of ['--json', '--out', '--threads', '--missing-tokens', '--delimiter']) assert.ok(profileHelp.stdout.includes(flag), flag);

  const version = mllab('--version');
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${pkg.version}\n`);
});

test('Ctrl-C (SIGINT) stops a long pass: exit 130, one line, nothing written', async () => {
  const big = join(out, 'big.csv');
  const rows: string[] = ['id,amount,grade'];
  for (let i = 0; i < 1_500_000; i++) rows.push(`${i},${(i * 0.37).toFixed(2)},g${i % 7}`);
  writeFileSync(big, rows.join('\n') + '\n');
  const report = join(out, 'interrupted.html');
  const child = spawn(process.execPath, [cli, 'profile', big, '--out', report], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  // Interrupt once the pass has the file open (not after a fixed delay: on a loaded machine Node may not
  // have started the CLI, and its handler, by then).
  const opened = (): boolean => {
    try {
      return readdirSync(`/proc/${child.pid}/fd`).some((fd) => {
        try {
          return readlinkSync(`/proc/${child.pid}/fd/${fd}`) === big;
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  const poll = setInterval(() => {
    if (opened()) {
      clearInterval(poll);
      child.kill('SIGINT');
    }
  }, 20);
  child.once('exit', () => clearInterval(poll));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 130, stderr);
  assert.equal(stderr, 'mllab: cancelled\n');
  assert.equal(stdout, '');
  assert.equal(existsSync(report), false);
});
