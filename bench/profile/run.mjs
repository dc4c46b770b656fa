// Profile one CSV with ML Lab (`node dist/cli.js profile FILE --json`) and with DuckDB
// (`SUMMARIZE SELECT * FROM read_csv(FILE)`), each in its own process, one after the other, on a warm
// file cache. Reports wall time, throughput and peak RSS, checks the targets, writes results JSON.
// Usage: node bench/profile/run.mjs [--file F | --rows N] [--runs R] [--mllab-cli dist/cli.js]
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_ROWS, defaultPath, ensureFile } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const TARGET_WALL_RATIO = 0.5;
const TARGET_RSS_MIB = 256;

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    rows: { type: 'string' },
    runs: { type: 'string', default: '3' },
    'mllab-cli': { type: 'string', default: join(root, 'dist', 'cli.js') },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got ${values.runs}`);
const cli = resolve(values['mllab-cli']);
if (!existsSync(cli)) fail(`${cli} not found: run \`npm run build\` first`);

function fail(message) {
  console.error(message);
  process.exit(2);
}

// Keep the missing tokens in step with the engine's defaults without importing TypeScript.
function defaultMissingTokens() {
  const src = readFileSync(join(root, 'src', 'protocol', 'profile.ts'), 'utf8');
  const m = /DEFAULT_MISSING_TOKENS[^=]*=\s*\[([^\]]*)\]/.exec(src);
  if (!m) fail('DEFAULT_MISSING_TOKENS not found in src/protocol/profile.ts');
  return [...m[1].matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((t) => t[1]);
}

let file;
if (values.file) {
  file = resolve(values.file);
  if (!existsSync(file)) fail(`${file} not found`);
} else {
  const rows = values.rows ? Number(values.rows) : DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 1) fail(`--rows must be a positive integer, got ${values.rows}`);
  file = ensureFile(defaultPath(rows), rows).path;
}
const bytes = statSync(file).size;
const missingTokens = defaultMissingTokens();

// Read the whole file once so both tools start from the page cache, not the disk.
async function warmCache(path) {
  const t0 = performance.now();
  for await (const _ of createReadStream(path, { highWaterMark: 4 << 20 })) { /* discard */ }
  return (performance.now() - t0) / 1000;
}

/** The process ids below `pid` (children of every thread, recursively). */
function descendants(pid) {
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    let tids;
    try { tids = readdirSync(`/proc/${p}/task`); } catch { continue; }
    for (const tid of tids) {
      let kids;
      try { kids = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8'); } catch { continue; }
      for (const k of kids.split(' ').filter(Boolean)) { out.push(Number(k)); stack.push(Number(k)); }
    }
  }
  return out;
}

function statusKiB(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

/**
 * Run a command under GNU time for its peak RSS (the maximum resident set of the process, threads
 * included). GNU time sees one process; if the tool forks helpers, the summed RSS of the process tree,
 * polled from /proc every 50 ms, is larger and is reported instead. Without /usr/bin/time: VmHWM polling.
 */
function measure(cmd, args, stdoutPath) {
  return new Promise((resolveRun, reject) => {
    const out = openSync(stdoutPath, 'w');
    const timeFile = join(tmpdir(), `bench-time-${process.pid}-${Date.now()}.txt`);
    const useTime = existsSync('/usr/bin/time');
    const argv = useTime ? ['/usr/bin/time', '-f', '%e %M', '-o', timeFile, cmd, ...args] : [cmd, ...args];
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', out, 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    let polledKiB = 0;
    let treeKiB = 0;
    const poll = setInterval(() => {
      if (!useTime) polledKiB = Math.max(polledKiB, statusKiB(child.pid, 'VmHWM'));
      // Under time the tool is the child's child; the time process itself is left out.
      const pids = useTime ? descendants(child.pid) : [child.pid, ...descendants(child.pid)];
      treeKiB = Math.max(treeKiB, pids.reduce((sum, p) => sum + statusKiB(p, 'VmRSS'), 0));
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = (performance.now() - t0) / 1000;
      clearInterval(poll);
      closeSync(out);
      let peakKiB = polledKiB;
      if (useTime && existsSync(timeFile)) {
        const parts = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ');
        peakKiB = Number(parts[1]);
        rmSync(timeFile, { force: true });
      }
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${stderr.slice(-2000)}`));
      resolveRun({ wallS: wall, peakRssMiB: Math.max(peakKiB, treeKiB) / 1024, processPeakMiB: peakKiB / 1024, treePolledMiB: treeKiB / 1024 });
    });
  });
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const mllabOut = join(resultsDir, `${stamp}-mllab.json`);
const duckOut = join(resultsDir, `${stamp}-duckdb.json`);

console.log(`file: ${file} (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}`);
const warmS = await warmCache(file);
console.log(`warm-up read: ${warmS.toFixed(2)} s`);

const tools = {
  'ML Lab': { cmd: process.execPath, args: [cli, 'profile', file, '--json'], out: mllabOut, samples: [] },
  DuckDB: { cmd: process.execPath, args: [join(here, 'duckdbSummarize.mjs'), file, ...missingTokens], out: duckOut, samples: [] },
};
for (let r = 1; r <= runs; r++) {
  for (const [name, t] of Object.entries(tools)) {
    const s = await measure(t.cmd, t.args, t.out);
    t.samples.push(s);
    console.log(`run ${r}/${runs} ${name}: ${s.wallS.toFixed(2)} s, ${s.peakRssMiB.toFixed(0)} MiB`);
  }
}

const summary = {};
for (const [name, t] of Object.entries(tools)) {
  const wallS = median(t.samples.map((s) => s.wallS));
  const peakRssMiB = Math.max(...t.samples.map((s) => s.peakRssMiB));
  summary[name] = { wallS, mbPerS: bytes / 1e6 / wallS, peakRssMiB, samples: t.samples };
}
const ml = summary['ML Lab'];
const dk = summary.DuckDB;
const wallRatio = ml.wallS / dk.wallS;
const rssRatio = ml.peakRssMiB / dk.peakRssMiB;

const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);
console.log('');
console.log(`${pad('tool', 14)}${padL('wall s', 10)}${padL('MB/s', 10)}${padL('peak RSS MiB', 14)}`);
for (const [name, s] of Object.entries(summary)) {
  console.log(`${pad(name, 14)}${padL(s.wallS.toFixed(2), 10)}${padL(s.mbPerS.toFixed(1), 10)}${padL(s.peakRssMiB.toFixed(0), 14)}`);
}
console.log(`${pad('ML Lab/DuckDB', 14)}${padL(wallRatio.toFixed(2) + '×', 10)}${padL('', 10)}${padL(rssRatio.toFixed(2) + '×', 14)}`);
console.log(`(wall: median of ${runs} run(s) after a warm-up read of the whole file; RSS: the highest of the runs)`);
console.log('');
const targets = [
  { name: `ML Lab wall ≤ ${TARGET_WALL_RATIO}× DuckDB`, value: `${wallRatio.toFixed(2)}×`, pass: wallRatio <= TARGET_WALL_RATIO },
  { name: `ML Lab peak RSS ≤ ${TARGET_RSS_MIB} MiB`, value: `${ml.peakRssMiB.toFixed(0)} MiB`, pass: ml.peakRssMiB <= TARGET_RSS_MIB },
];
for (const t of targets) console.log(`${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.value}`);

// Sanity: the two tools should agree on what is in the file.
const sanity = compare(JSON.parse(readFileSync(mllabOut, 'utf8')), JSON.parse(readFileSync(duckOut, 'utf8')));
console.log('');
console.log(`sanity: rows ML Lab ${sanity.rows.mllab}, DuckDB ${sanity.rows.duckdb} ${sanity.rows.agree ? 'agree' : 'DISAGREE'}`);
if (sanity.duplicates) {
  const d = sanity.duplicates;
  console.log(`sanity: duplicate rows ML Lab ${d.mllab}${d.mllabApprox ? ' (approx)' : ''}, generator wrote ${d.generated} ${d.agree ? 'agree' : 'DISAGREE'}`);
}
console.log(`${pad('column', 14)}${pad('ML Lab type', 13)}${pad('DuckDB type', 13)}${padL('null% ML', 9)}${padL('null% DD', 9)}  min/max; mean/std (1e-9 relative)`);
for (const c of sanity.columns) {
  const mm = c.minMax === null ? '-' : `${c.minMax.agree ? 'agree' : 'DISAGREE'} (${c.minMax.mllab.join(' .. ')} | ${c.minMax.duckdb.join(' .. ')})`;
  const mo = c.moments === null ? '' : `; mean/std ${c.moments.agree ? 'agree' : `DISAGREE (${c.moments.mllab.join(' / ')} | ${c.moments.duckdb.join(' / ')})`}`;
  console.log(`${pad(c.name, 14)}${pad(c.mllabType, 13)}${pad(c.duckdbType, 13)}${padL(c.nullPct.mllab.toFixed(2), 9)}${padL(c.nullPct.duckdb.toFixed(2), 9)}${c.nullPct.agree ? '' : ' DISAGREE'}  ${mm}${mo}`);
}
const disagreements = sanity.columns.filter((c) => !c.nullPct.agree || (c.minMax && !c.minMax.agree) || (c.moments && !c.moments.agree)).length + (sanity.rows.agree ? 0 : 1) + (sanity.duplicates && !sanity.duplicates.agree ? 1 : 0);
console.log(`sanity: ${disagreements === 0 ? 'all agree' : `${disagreements} disagreement(s)`}`);

const resultPath = join(resultsDir, `${stamp}.json`);
writeFileSync(resultPath, JSON.stringify({
  date: new Date().toISOString(),
  file, bytes, runs, warmUpReadS: warmS,
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, memGiB: totalmem() / 2 ** 30, node: process.version },
  tools: summary,
  ratios: { wall: wallRatio, peakRss: rssRatio },
  targets,
  sanity,
}, null, 2) + '\n');
console.log(`results: ${resultPath}`);

function compare(profile, summarize) {
  const byName = new Map(summarize.map((r) => [r.column_name, r]));
  const duckRows = summarize.length ? Number(summarize[0].count) : 0;
  const columns = [];
  for (const col of profile.columns) {
    const d = byName.get(col.name);
    if (!d) continue;
    // SUMMARIZE prints null % with two decimals.
    const nullPct = { mllab: col.missingPct, duckdb: Number(d.null_percentage), agree: Math.abs(col.missingPct - Number(d.null_percentage)) <= 0.005 + 1e-9 };
    let minMax = null;
    if (col.type === 'numeric' && d.min !== null) {
      const agree = Number(col.min) === Number(d.min) && Number(col.max) === Number(d.max);
      minMax = { mllab: [col.min, col.max], duckdb: [Number(d.min), Number(d.max)], agree };
    } else if (col.type === 'datetime' && d.min !== null) {
      const ms = (s) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + (s.length > 10 ? 'Z' : ''));
      const agree = ms(String(col.min)) === ms(String(d.min)) && ms(String(col.max)) === ms(String(d.max));
      minMax = { mllab: [col.min, col.max], duckdb: [d.min, d.max], agree };
    }
    // Mean and std: both exact in principle; 1e-9 relative allows for summation order.
    let moments = null;
    if (col.type === 'numeric' && d.avg !== null && d.std !== null && col.mean !== null && col.std !== null) {
      const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
      const agree = rel(col.mean, Number(d.avg)) <= 1e-9 && rel(col.std, Number(d.std)) <= 1e-9;
      moments = { mllab: [col.mean, col.std], duckdb: [Number(d.avg), Number(d.std)], agree };
    }
    columns.push({ name: col.name, mllabType: col.type, duckdbType: d.column_type, nullPct, minMax, moments });
  }
  // The generator counts the duplicate rows it wrote; SUMMARIZE has no duplicate count.
  let duplicates = null;
  if (existsSync(file + '.meta.json')) {
    const meta = JSON.parse(readFileSync(file + '.meta.json', 'utf8'));
    if (typeof meta.duplicates === 'number' && meta.bytes === bytes) {
      duplicates = { mllab: profile.duplicateRows, mllabApprox: profile.duplicateRowsApprox, generated: meta.duplicates, agree: profile.duplicateRows === meta.duplicates };
    }
  }
  return { rows: { mllab: profile.rows, duckdb: duckRows, agree: profile.rows === duckRows }, duplicates, columns };
}
