// AutoML benchmark: ML Lab's sweep against scikit-learn + Optuna (peer.py) on the same real datasets, the same
// fixed train/test splits (prepare.mjs), the same wall budget and the same number of cores, one dataset after
// the other (ML Lab, then the peer, so both see the same machine load). Both sides only write predictions for
// the test file; one scorer (score.py, scikit-learn's metrics) scores both files. Prints a table with the
// test metric of each side, the difference and the verdict against issue 4's target: ML Lab >= the peer on
// most datasets, never worse by more than 2 points of AUC / accuracy or 10% of RMSE.
// Usage: node bench/automl/run.mjs [--budget SECONDS] [--datasets a,b] [--seed S] [--threads N]
//          [--peer-only] [--json OUT.json] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DATA_DIR, DATASET_NAMES, prepare } from './prepare.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PYTHON = '/usr/bin/python3';
const builtCli = join(root, 'dist', 'cli.js');
/** Issue 4's tolerances: points of AUC / accuracy, and relative RMSE. */
const MAX_POINTS_BEHIND = 2;
const MAX_RMSE_BEHIND = 0.1;

const { values } = parseArgs({
  options: {
    budget: { type: 'string', default: '60' },
    datasets: { type: 'string' },
    seed: { type: 'string', default: '1' },
    threads: { type: 'string' },
    'peer-only': { type: 'boolean' },
    json: { type: 'string' },
    keep: { type: 'boolean' },
  },
});

function fail(message) {
  console.error(`bench/automl: ${message}`);
  process.exit(2);
}

const budget = Number(values.budget);
if (!(budget > 0)) fail(`--budget must be a positive number of seconds, got ${values.budget}`);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed must be an integer, got ${values.seed}`);
// ML Lab runs one trial per core by default; the peer gets as many fold workers.
const threads = values.threads ? Number(values.threads) : availableParallelism();
if (!Number.isInteger(threads) || threads < 1) fail(`--threads must be a positive integer, got ${values.threads}`);
const peerOnly = values['peer-only'] ?? false;
const names = values.datasets ? values.datasets.split(',').map((s) => s.trim()).filter(Boolean) : DATASET_NAMES;
const unknown = names.filter((n) => !DATASET_NAMES.includes(n));
if (unknown.length) fail(`unknown dataset(s): ${unknown.join(', ')} (known: ${DATASET_NAMES.join(', ')})`);
if (!peerOnly && !existsSync(builtCli)) fail('dist/cli.js is missing: run `npm run build` first (or pass --peer-only)');
if (spawnSync(PYTHON, ['-c', 'import sklearn, optuna, pandas'], { encoding: 'utf8' }).status !== 0) {
  fail(`${PYTHON} with scikit-learn, Optuna and pandas is needed (apt-get install python3-sklearn python3-optuna python3-pandas)`);
}

// The splits are regenerated when missing (data/ is not committed); prepare.mjs is deterministic.
const manifestPath = join(DATA_DIR, 'manifest.json');
let manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : { datasets: [] };
if (names.some((n) => !manifest.datasets.some((d) => d.name === n && existsSync(join(DATA_DIR, d.train)) && existsSync(join(DATA_DIR, d.test))))) {
  manifest = prepare({ names: DATASET_NAMES });
}
const datasets = names.map((n) => manifest.datasets.find((d) => d.name === n));

function gitCommit() {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' }).stdout.trim() !== '';
  return dirty ? `${head}+dirty` : head;
}

// dist/ is shared with everyone building in this checkout: the run uses a private copy of the built CLI, its
// thread entries and wasm files, so a rebuild mid-run cannot mix two versions of ML Lab into one table. The
// copy lives under data/ (inside the repository, so the bundle's external requires still find node_modules).
const commitAtStart = gitCommit();
let cli = builtCli;
let buildHash = null;
let builtAt = null;
const snapshot = join(DATA_DIR, `.dist-${process.pid}`);
if (!peerOnly) {
  mkdirSync(snapshot, { recursive: true });
  const hash = createHash('sha256');
  for (const f of readdirSync(join(root, 'dist')).sort()) {
    const from = join(root, 'dist', f);
    if (!statSync(from).isFile() || f.endsWith('.map')) continue;
    copyFileSync(from, join(snapshot, f));
    if (f.endsWith('.js') || f.endsWith('.mjs')) hash.update(f).update(readFileSync(from));
  }
  buildHash = hash.digest('hex').slice(0, 16);
  builtAt = statSync(builtCli).mtime.toISOString();
  cli = join(snapshot, 'cli.js');
}

/** Runs a command, returns { code, stdout, stderr, seconds }; stops it after `limit` seconds. */
function run(command, args, { limit, cwd = root } = {}) {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = limit
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid, 'SIGKILL'); // its whole process group: worker threads / joblib workers too
          } catch {
            // Already gone.
          }
        }, limit * 1000)
      : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, timedOut, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

function lastJsonLine(text) {
  const lines = text.trim().split('\n').filter((l) => l.trim().startsWith('{'));
  if (!lines.length) return null;
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return null;
  }
}

const tail = (text, n = 5) => text.trim().split('\n').slice(-n).join('\n');
/** Generous stop for a side that ignores its budget: the benchmark must end. */
const hardLimit = budget * 3 + 120;

async function runMllab(d, work) {
  const ws = join(work, 'mllab');
  mkdirSync(ws, { recursive: true });
  const train = join(DATA_DIR, d.train);
  // --test-fraction 0: the benchmark has its own test split, so ML Lab trains on every train row, like the
  // peer (its default would set a fifth aside and make the results incomparable with earlier runs).
  const args = [cli, 'sweep', train, '--target', d.target, '--task', d.task, '--metric', d.metric, '--budget', String(budget), '--seed', String(seed), '--parallel', String(threads), '--test-fraction', '0', '--workspace', ws];
  const sweep = await run(process.execPath, args, { limit: hardLimit });
  writeFileSync(join(work, 'mllab-sweep.log'), `${sweep.stdout}\n--- stderr ---\n${sweep.stderr}`);
  const summary = lastJsonLine(sweep.stdout);
  if (sweep.code !== 0 || !summary?.model) {
    return { error: sweep.timedOut ? `sweep stopped after ${hardLimit} s` : `sweep exit ${sweep.code}: ${tail(sweep.stderr || sweep.stdout, 3)}`, sweepSeconds: sweep.seconds };
  }
  const model = isAbsolute(summary.model) ? summary.model : [resolve(ws, summary.model), resolve(root, summary.model)].find(existsSync) ?? summary.model;
  const out = join(work, 'mllab-pred.csv');
  const predict = await run(process.execPath, [cli, 'predict', model, join(DATA_DIR, d.test), '--out', out], { limit: hardLimit });
  if (predict.code !== 0) return { error: `predict exit ${predict.code}: ${tail(predict.stderr, 3)}`, sweepSeconds: sweep.seconds };
  const journal = readJournal(ws, summary.experimentId);
  const best = journal.find((t) => t.index === summary.bestTrial);
  const bestModel = summary.bestKind === 'ensemble' ? `ensemble${best ? ` (best single: ${best.config.model})` : ''}` : (best?.config.model ?? null);
  const trialsByModel = {};
  const trialsByStatus = {};
  const secondsByModel = {};
  for (const t of journal) {
    trialsByStatus[t.status] = (trialsByStatus[t.status] ?? 0) + 1;
    if (t.status === 'done') {
      trialsByModel[t.config.model] = (trialsByModel[t.config.model] ?? 0) + 1;
      secondsByModel[t.config.model] = (secondsByModel[t.config.model] ?? 0) + t.seconds;
    }
  }
  const meanTrialSecondsByModel = Object.fromEntries(Object.entries(trialsByModel).map(([m, n]) => [m, Math.round((secondsByModel[m] / n) * 1000) / 1000]));
  // Where the budget went: trials cut at its end or failed on their time box, and the end of the sweep
  // (ensemble, refit, importance, saved files) after the last trial.
  const stoppedAtBudget = journal.filter((t) => t.error === 'stopped at the end of the budget').length;
  const timeBoxed = journal.filter((t) => /time box/.test(t.error ?? '')).length;
  const dir = join(ws, '.mllab', 'experiments', String(summary.experimentId));
  const record = readJsonOr(join(dir, 'experiment.json'));
  const report = readJsonOr(join(dir, 'report.json'));
  const lastTrialAt = Math.max(...journal.map((t) => Date.parse(t.finishedAt)).filter(Number.isFinite));
  const finishedAt = Date.parse(record?.times?.finished ?? '');
  const endSeconds = Number.isFinite(lastTrialAt) && Number.isFinite(finishedAt) ? Math.round((finishedAt - lastTrialAt) / 10) / 100 : null;
  return {
    predictions: out,
    sweepSeconds: sweep.seconds,
    predictSeconds: predict.seconds,
    summary: {
      ...summary,
      trialsByModel,
      trialsByStatus,
      meanTrialSecondsByModel,
      bestConfig: best?.config ?? null,
      stoppedAtBudget,
      timeBoxed,
      endSeconds,
      searchSeconds: record?.times?.searchSeconds ?? null,
      importanceNote: report?.importanceNote ?? null,
    },
    bestModel,
    trials: trialsByStatus.done ?? summary.trials ?? null,
    cvScore: summary.bestScore ?? null,
  };
}

function readJsonOr(path, fallback = null) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return fallback;
  }
}

/** The sweep's trial journal (one JSON record per line), for the best trial's family and per-family counts. */
function readJournal(ws, id) {
  const path = join(ws, '.mllab', 'experiments', String(id), 'trials.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    })
    .filter((t) => t && typeof t.index === 'number' && t.config);
}

async function runPeer(d, work) {
  const out = join(work, 'peer-pred.csv');
  const args = [join(here, 'peer.py'), '--train', join(DATA_DIR, d.train), '--test', join(DATA_DIR, d.test), '--target', d.target, '--task', d.task, '--metric', d.metric, '--budget', String(budget), '--seed', String(seed), '--threads', String(threads), '--out', out];
  const r = await run(PYTHON, args, { limit: hardLimit });
  writeFileSync(join(work, 'peer.log'), `${r.stdout}\n--- stderr ---\n${r.stderr}`);
  const summary = lastJsonLine(r.stdout);
  if (r.code !== 0 || !summary) return { error: r.timedOut ? `peer stopped after ${hardLimit} s` : `peer exit ${r.code}: ${tail(r.stderr, 3)}`, sweepSeconds: r.seconds };
  return { predictions: out, sweepSeconds: r.seconds, summary, bestModel: summary.bestModel, trials: summary.trials, cvScore: summary.bestCvScore };
}

async function score(d, files) {
  const args = [join(here, 'score.py'), '--test', join(DATA_DIR, d.test), '--target', d.target, '--task', d.task, '--metric', d.metric, ...(d.positive ? ['--positive', d.positive] : []), ...files];
  const r = await run(PYTHON, args);
  const parsed = lastJsonLine(r.stdout);
  if (r.code !== 0 || !parsed) throw new Error(`score.py failed: ${tail(r.stderr, 3)}`);
  return parsed.scores;
}

/** Compares two test scores against the target: 'win', 'tie', 'behind' (within tolerance) or 'FAIL'. */
function verdict(metric, mllab, peer) {
  if (metric === 'rmse') {
    const rel = (mllab - peer) / peer;
    const status = Math.abs(mllab - peer) <= 1e-12 * Math.max(1, Math.abs(peer)) ? 'tie' : mllab < peer ? 'win' : rel <= MAX_RMSE_BEHIND ? 'behind' : 'FAIL';
    return { difference: rel * 100, unit: '%', status };
  }
  const points = (mllab - peer) * 100;
  const status = Math.abs(points) <= 1e-9 ? 'tie' : points > 0 ? 'win' : -points <= MAX_POINTS_BEHIND ? 'behind' : 'FAIL';
  return { difference: points, unit: 'pt', status };
}

const fmt = (v, metric) => (v === null || v === undefined ? '—' : metric === 'rmse' ? v.toPrecision(4) : v.toFixed(4));

const work = mkdtempSync(join(tmpdir(), 'mllab-bench-automl-'));
const startedAt = new Date();
console.log(`bench/automl: ${datasets.length} datasets, budget ${budget} s each side, seed ${seed}, ${threads} thread(s) each side${peerOnly ? ', peer only' : ''}; work dir ${work}`);
const rows = [];
for (const d of datasets) {
  const dir = join(work, d.name);
  mkdirSync(dir, { recursive: true });
  const loadBefore = loadavg()[0];
  const mllab = peerOnly ? null : await runMllab(d, dir);
  const peer = await runPeer(d, dir);
  const files = [mllab?.predictions, peer.predictions].filter(Boolean);
  const scores = files.length ? await score(d, files) : [];
  const scoreOf = (side) => {
    if (!side || side.error) return side ? { error: side.error } : null;
    const s = scores.find((x) => x.file === side.predictions);
    return s?.error ? { error: `scoring: ${s.error}` } : { score: s.score, secondary: s.secondary };
  };
  const m = scoreOf(mllab);
  const p = scoreOf(peer);
  const v = m?.score !== undefined && p?.score !== undefined ? verdict(d.metric, m.score, p.score) : null;
  const row = {
    dataset: d.name,
    task: d.task,
    metric: d.metric,
    trainRows: d.trainRows,
    testRows: d.testRows,
    mllab: mllab ? { ...m, wallSeconds: mllab.sweepSeconds, predictSeconds: mllab.predictSeconds, bestModel: mllab.bestModel, trials: mllab.trials, cvScore: mllab.cvScore, summary: mllab.summary } : null,
    peer: { ...p, wallSeconds: peer.sweepSeconds, bestModel: peer.bestModel, trials: peer.trials, cvScore: peer.cvScore, summary: peer.summary },
    verdict: v ?? (peerOnly ? null : { status: 'ERROR' }),
    loadAverage: loadBefore,
  };
  rows.push(row);
  const ms = m?.score !== undefined ? fmt(m.score, d.metric) : m?.error ? 'error' : '—';
  const ps = p?.score !== undefined ? fmt(p.score, d.metric) : 'error';
  console.log(`  ${d.name}: ML Lab ${ms}${mllab?.error ? ` (${mllab.error.split('\n')[0]})` : ''}, peer ${ps}${peer.error ? ` (${peer.error.split('\n')[0]})` : ''}${v ? ` → ${v.status}` : ''}`);
}

// The table.
const header = ['dataset', 'task', 'metric', 'ML Lab', 'peer', 'diff', 'verdict', 'ML Lab s', 'peer s', 'ML Lab end s', 'cut / time-boxed', 'ML Lab best (trials)', 'peer best (trials)'];
const table = rows.map((r) => [
  r.dataset,
  r.task,
  r.metric,
  r.mllab ? (r.mllab.score !== undefined ? fmt(r.mllab.score, r.metric) : 'error') : '—',
  r.peer.score !== undefined ? fmt(r.peer.score, r.metric) : 'error',
  r.verdict?.difference !== undefined ? `${r.verdict.difference >= 0 ? '+' : ''}${r.verdict.difference.toFixed(2)} ${r.verdict.unit}` : '—',
  r.verdict?.status ?? '—',
  r.mllab ? r.mllab.wallSeconds.toFixed(1) : '—',
  r.peer.wallSeconds.toFixed(1),
  r.mllab?.summary?.endSeconds ?? '—',
  r.mllab?.summary ? `${r.mllab.summary.stoppedAtBudget} / ${r.mllab.summary.timeBoxed}` : '—',
  r.mllab ? `${r.mllab.bestModel ?? '?'} (${r.mllab.trials ?? '?'})` : '—',
  `${r.peer.bestModel ?? '?'} (${r.peer.trials ?? '?'})`,
]);
const widths = header.map((h, j) => Math.max(h.length, ...table.map((t) => String(t[j]).length)));
const line = (cells) => `| ${cells.map((c, j) => String(c).padEnd(widths[j])).join(' | ')} |`;
console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.map(line).join('\n')}`);

const compared = rows.filter((r) => r.verdict && r.verdict.difference !== undefined);
const count = (s) => rows.filter((r) => r.verdict?.status === s).length;
const summary = peerOnly
  ? null
  : {
      datasets: rows.length,
      wins: count('win'),
      ties: count('tie'),
      behind: count('behind'),
      fails: count('FAIL'),
      errors: count('ERROR'),
      // The target: at least as good on most datasets, and no dataset past the tolerance (an error counts as a miss).
      targetMet: count('win') + count('tie') > rows.length / 2 && count('FAIL') === 0 && count('ERROR') === 0,
    };
if (summary) {
  console.log(`\nML Lab >= peer on ${summary.wins + summary.ties} of ${rows.length} (wins ${summary.wins}, ties ${summary.ties}), behind within tolerance ${summary.behind}, beyond tolerance ${summary.fails}, errors ${summary.errors}: target ${summary.targetMet ? 'MET' : 'MISSED'}`);
  if (compared.length) console.log(`(target: >= peer on most datasets, never more than ${MAX_POINTS_BEHIND} points of AUC/accuracy or ${MAX_RMSE_BEHIND * 100}% of RMSE behind)`);
}

const result = {
  schemaVersion: 1,
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  // The checkout's HEAD when the run started (+dirty: uncommitted changes to tracked files), and when it ended.
  commit: commitAtStart,
  commitAtEnd: gitCommit(),
  // sha256 of the dist/*.js files the run used (its private copy), to tell builds apart.
  build: buildHash,
  builtAt,
  budgetSeconds: budget,
  seed,
  threads,
  peerOnly,
  machine: { cpus: availableParallelism(), node: process.version },
  splitSeed: manifest.splitSeed,
  summary,
  results: rows,
};
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
const outPath = values.json ?? join(resultsDir, `${stamp}.json`);
writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nresults: ${outPath}`);
if (values.keep) console.log(`work dir kept: ${work}`);
else rmSync(work, { recursive: true, force: true });
rmSync(snapshot, { recursive: true, force: true });
