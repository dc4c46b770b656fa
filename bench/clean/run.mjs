// Cleaning benchmark: one Recipe applied to one large CSV by ML Lab's streaming CLI and by the pandas script
// ML Lab exports for that Recipe, one after the other, from the page cache. Reports wall time, MB/s and peak
// RSS of both and their ratio, checks the targets (ML Lab >= 2x pandas throughput, <= 256 MiB peak RSS) and
// that both outputs hold the same data (byte-identical, or equal cell by cell with numbers within 1e-9).
// Usage: node bench/clean/run.mjs [--rows N | --file F.csv] [--fit F.csv] [--keep] [--limit SECONDS]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_ROWS, defaultPath, ensureFile } from '../profile/generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PYTHON = '/usr/bin/python3';
const TARGET_SPEEDUP = 2;
const TARGET_RSS_MIB = 256;
/** The Recipe is fitted on this many rows of the same generator (the small development file). */
const FIT_ROWS = 200_000;

const { values } = parseArgs({ options: { rows: { type: 'string' }, file: { type: 'string' }, fit: { type: 'string' }, keep: { type: 'boolean' }, limit: { type: 'string' } } });
/** Seconds after which a tool is stopped (its time is then a lower bound); default none. */
const limit = values.limit ? Number(values.limit) : Infinity;
/** A tool is stopped when the machine's available memory falls below this (pandas holds the whole file as Python objects). */
const MIN_AVAILABLE_MIB = 1536;
const rows = values.rows ? Number(values.rows) : DEFAULT_ROWS;
if (!Number.isInteger(rows) || rows < 1) fail(`--rows must be a positive integer, got ${values.rows}`);

function fail(message) {
  console.error(`bench/clean: ${message}`);
  process.exit(2);
}

const cli = join(root, 'dist', 'cli.js');
if (!existsSync(cli)) fail('dist/cli.js is missing: run `npm run build` first');
if (spawnSync(PYTHON, ['-c', 'import pandas, numpy'], { encoding: 'utf8' }).status !== 0) fail(`${PYTHON} with pandas and numpy is needed (apt-get install python3-pandas)`);
if (!existsSync('/usr/bin/time')) fail('GNU time is needed for peak RSS (apt-get install time)');

const file = values.file ?? ensureFile(defaultPath(rows), rows).path;
const fitFile = values.fit ?? ensureFile(defaultPath(FIT_ROWS), FIT_ROWS).path;
const bytes = statSync(file).size;
const results = join(here, 'results');
mkdirSync(results, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const recipePath = join(results, `recipe-${stamp}.json`);
const scriptPath = join(results, `clean-${stamp}.py`);
const outMllab = join(results, `out-mllab-${stamp}.csv`);
const outPandas = join(results, `out-pandas-${stamp}.csv`);

// 1. The Recipe: --auto's choices plus impute, clip, scale and one-hot, fitted on the small file.
const fit = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'fitRecipe.ts'), fitFile, recipePath, scriptPath], { cwd: root, encoding: 'utf8' });
if (fit.status !== 0) fail(`fitting the Recipe failed:\n${fit.stderr}`);
console.log(`Recipe (fitted on ${fitFile}):\n${fit.stdout}`);

// 2. Both tools read from the page cache: read the file once first.
{
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 24);
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

function availableMiB() {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 : Infinity;
}

/** Resident MiB of a process and its descendants, from /proc (0 once gone). */
function treeRssMiB(pid) {
  let kib = 0;
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
      for (const c of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/)) if (c) stack.push(Number(c));
    } catch {
      // The process ended between two reads.
    }
  }
  return kib / 1024;
}

/**
 * Wall time (spawn to exit) and peak RSS (GNU time %M, KiB) of one command. A watchdog stops it (its own
 * process group only) past --limit seconds or when the machine runs short of memory; the result then says
 * so, with the time so far and the largest RSS polled from /proc.
 */
function measure(cmd, args) {
  return new Promise((resolve, reject) => {
    const timeFile = join(results, `time-${process.pid}-${Date.now()}.txt`);
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, cmd, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let polledMiB = 0;
    let stopped = null;
    const watch = setInterval(() => {
      polledMiB = Math.max(polledMiB, treeRssMiB(child.pid));
      const elapsed = (performance.now() - t0) / 1000;
      const why = elapsed > limit ? `stopped after --limit ${limit} s` : availableMiB() < MIN_AVAILABLE_MIB ? `stopped: the machine had under ${MIN_AVAILABLE_MIB} MiB available` : null;
      if (why && !stopped) {
        stopped = why;
        process.kill(-child.pid, 'SIGKILL');
      }
    }, 250);
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 20000) stderr = stderr.slice(-10000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(watch);
      const seconds = (performance.now() - t0) / 1000;
      const kib = existsSync(timeFile) ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : NaN;
      rmSync(timeFile, { force: true });
      const peakRssMiB = Number.isFinite(kib) ? Math.max(kib / 1024, polledMiB) : polledMiB;
      if (stopped) resolve({ seconds, peakRssMiB, stderr, stopped });
      else if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${stderr}`));
      else resolve({ seconds, peakRssMiB, stderr, stopped: null });
    });
  });
}

console.log(`File: ${file} (${(bytes / 1e6).toFixed(0)} MB)\n`);
console.log('ML Lab: node dist/cli.js clean FILE --recipe R --out OUT ...');
const mllab = await measure(process.execPath, [cli, 'clean', file, '--recipe', recipePath, '--out', outMllab, '--force']);
console.log(`  ${mllab.seconds.toFixed(1)} s, peak RSS ${mllab.peakRssMiB.toFixed(0)} MiB${mllab.stopped ? ` (${mllab.stopped})` : ''}`);
console.log('pandas: python3 clean.py FILE OUT ...');
const pandas = await measure(PYTHON, [scriptPath, file, outPandas]);
console.log(`  ${pandas.seconds.toFixed(1)} s, peak RSS ${pandas.peakRssMiB.toFixed(0)} MiB${pandas.stopped ? ` (${pandas.stopped})` : ''}\n`);

// 3. Same data? A hash first; when the bytes differ, a streaming cell-by-cell compare with float tolerance.
function sha256(path) {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 24);
  for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  closeSync(fd);
  return h.digest('hex');
}

/** Lines of a file, a quoted field's line breaks kept inside its record. */
function* records(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 24);
  let rest = '';
  let pending = '';
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) {
      const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
      rest = lines.pop();
      for (const l of lines) {
        pending = pending === '' ? l : `${pending}\n${l}`;
        if ((pending.split('"').length - 1) % 2 === 0) {
          yield pending;
          pending = '';
        }
      }
    }
    if (rest !== '' || pending !== '') yield pending === '' ? rest : `${pending}\n${rest}`;
  } finally {
    closeSync(fd);
  }
}

function fields(line) {
  const out = [];
  let i = 0;
  for (;;) {
    let f = '';
    if (line[i] === '"') {
      for (i++; i < line.length; i++) {
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            f += '"';
            i++;
          } else {
            i++;
            break;
          }
        } else f += line[i];
      }
    } else {
      const j = line.indexOf(',', i);
      f = line.slice(i, j < 0 ? line.length : j);
      i = j < 0 ? line.length : j;
    }
    out.push(f);
    if (line[i] !== ',') return out;
    i++;
  }
}

function compareOutputs(a, b) {
  if (statSync(a).size === statSync(b).size && sha256(a) === sha256(b)) return { identical: true, rows: null, differences: [] };
  const differences = [];
  const ia = records(a);
  const ib = records(b);
  let line = 0;
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    line++;
    if (x.done || y.done) {
      if (!x.done || !y.done) differences.push(`line ${line}: one file ends first`);
      break;
    }
    if (x.value === y.value) continue;
    const fx = fields(x.value);
    const fy = fields(y.value);
    if (fx.length !== fy.length) differences.push(`line ${line}: ${fx.length} vs ${fy.length} fields`);
    else
      fx.forEach((u, j) => {
        const v = fy[j];
        if (u === v) return;
        const nu = Number(u);
        const nv = Number(v);
        const close = u !== '' && v !== '' && Number.isFinite(nu) && Number.isFinite(nv) && Math.abs(nu - nv) <= 1e-9 * Math.max(Math.abs(nu), Math.abs(nv));
        if (!close) differences.push(`line ${line}, field ${j + 1}: ${JSON.stringify(u)} vs ${JSON.stringify(v)}`);
      });
    if (differences.length >= 10) break;
  }
  return { identical: false, rows: line - 2, differences };
}

const same = mllab.stopped || pandas.stopped ? { identical: false, rows: null, differences: [], skipped: 'a tool was stopped' } : compareOutputs(outMllab, outPandas);
const mbps = (s) => bytes / 1e6 / s;
const speedup = pandas.seconds / mllab.seconds;
const table = [
  ['', 'wall s', 'MB/s', 'peak RSS MiB'],
  ['ML Lab', mllab.seconds.toFixed(1), mbps(mllab.seconds).toFixed(0), mllab.peakRssMiB.toFixed(0)],
  ['pandas', (pandas.stopped ? '>' : '') + pandas.seconds.toFixed(1), mbps(pandas.seconds).toFixed(0), pandas.peakRssMiB.toFixed(0)],
  ['ratio', `${speedup.toFixed(2)}x faster`, '', `${(pandas.peakRssMiB / mllab.peakRssMiB).toFixed(1)}x less`],
];
for (const r of table) console.log(r.map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(14))).join(''));
console.log('');
console.log(`${speedup >= TARGET_SPEEDUP ? 'PASS' : 'MISS'}  ML Lab throughput >= ${TARGET_SPEEDUP}x pandas (${speedup.toFixed(2)}x)`);
console.log(`${mllab.peakRssMiB <= TARGET_RSS_MIB ? 'PASS' : 'MISS'}  ML Lab peak RSS <= ${TARGET_RSS_MIB} MiB (${mllab.peakRssMiB.toFixed(0)} MiB)`);
if (same.skipped) console.log(`----  outputs not compared: ${same.skipped}; times of a stopped tool are lower bounds`);
else if (same.identical) console.log('SAME  outputs byte-identical (sha256)');
else if (same.differences.length === 0) console.log(`SAME  outputs equal cell by cell (numbers within 1e-9 relative), ${same.rows} rows`);
else console.log(`DIFFER outputs:\n  ${same.differences.join('\n  ')}`);

const summary = {
  file,
  bytes,
  fitFile,
  recipe: JSON.parse(readFileSync(recipePath, 'utf8')),
  mllab: { seconds: mllab.seconds, mbPerSecond: mbps(mllab.seconds), peakRssMiB: mllab.peakRssMiB, stopped: mllab.stopped },
  pandas: { seconds: pandas.seconds, mbPerSecond: mbps(pandas.seconds), peakRssMiB: pandas.peakRssMiB, stopped: pandas.stopped },
  speedup,
  same,
  at: new Date().toISOString(),
  node: process.version,
};
writeFileSync(join(results, `${stamp}.json`), JSON.stringify(summary, null, 2) + '\n');
console.log(`\nresults/${stamp}.json`);
if (!values.keep) for (const p of [outMllab, outPandas]) rmSync(p, { force: true });
// A stopped tool leaves its temporary output behind.
for (const name of readdirSync(results)) if (name.endsWith('.tmp') && (name.startsWith(basename(outMllab)) || name.startsWith(basename(outPandas)))) rmSync(join(results, name), { force: true });
if (!same.identical && same.differences.length > 0) process.exit(1);
