// GBDT benchmark: ML Lab's gradient boosting vs scikit-learn's HistGradientBoostingClassifier on the same
// seeded data, same settings (rounds = trees, leaves, learning rate, min samples per leaf, max bins, no
// early stopping, no subsampling), measured in the same run, repeats interleaved (ML Lab, sklearn 1 thread,
// sklearn 2 threads, ...). Reports fit time (median of repeats), test accuracy and ROC AUC, and the ratio
// against the target: ML Lab fit time <= 2x sklearn's at equal accuracy.
// Usage: node --import tsx bench/gbdt/run.mjs [--train N] [--test N] [--features D] [--rounds R]
//        [--leaves L] [--lr X] [--min-leaf M] [--bins B] [--repeats K] [--seed S] [--json]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
const TARGET_RATIO = 2;

const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '50000' },
    test: { type: 'string', default: '20000' },
    features: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '100' },
    leaves: { type: 'string', default: '31' },
    lr: { type: 'string', default: '0.1' },
    'min-leaf': { type: 'string', default: '20' },
    bins: { type: 'string', default: '255' },
    repeats: { type: 'string', default: '3' },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean', default: false },
  },
});
const int = (name) => {
  const v = Number(values[name]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got ${values[name]}`);
  return v;
};
const cfg = {
  train: int('train'),
  test: int('test'),
  features: int('features'),
  rounds: int('rounds'),
  leaves: int('leaves'),
  lr: int('lr'),
  minLeaf: int('min-leaf'),
  bins: int('bins'),
  repeats: int('repeats'),
  seed: int('seed'),
};
if (cfg.features < 10) throw new Error('--features must be >= 10 (the signal uses the first 10)');

const { gbdt } = await import('../../src/core/ml/models/gbdt.ts');

// ---- data: a nonlinear signal in the first 10 features, the rest noise; 5% missing in two columns ----
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function generate(rows, d, seed) {
  const next = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const columns = Array.from({ length: d }, () => new Float64Array(rows));
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const x = new Float64Array(d);
    for (let j = 0; j < d; j++) x[j] = normal();
    const f =
      Math.sin(2 * x[0]) * x[1] + x[2] * x[2] - 1 + 0.8 * x[3] * x[4] + Math.abs(x[5]) - 0.8 + (x[6] > 0.5 ? 0.7 : 0) + 0.4 * x[7] - 0.5 * x[8] * x[9];
    y[i] = f + 0.6 * normal() > 0 ? 1 : 0;
    if (next() < 0.05) x[7] = NaN;
    if (next() < 0.05) x[12 % d] = NaN;
    for (let j = 0; j < d; j++) columns[j][i] = x[j];
  }
  return { columns, y };
}

function aucOf(score, y) {
  const order = Array.from(score.keys()).sort((a, b) => score[a] - score[b]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && score[order[j + 1]] === score[order[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (y[order[k]] === 1) {
      rankSumPos += rank;
      pos++;
    }
    i = j + 1;
  }
  const neg = y.length - pos;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

const d = cfg.features;
const train = generate(cfg.train, d, cfg.seed);
const test = generate(cfg.test, d, cfg.seed + 1);
const dir = mkdtempSync(join(tmpdir(), 'mllab-gbdt-bench-'));
const writeColumns = (name, columns) => {
  const all = new Float64Array(columns.length * columns[0].length);
  columns.forEach((c, j) => all.set(c, j * c.length));
  writeFileSync(join(dir, name), Buffer.from(all.buffer));
};
writeColumns('train.f64', train.columns);
writeColumns('test.f64', test.columns);
writeFileSync(join(dir, 'train.y'), Buffer.from(train.y.buffer));
writeFileSync(join(dir, 'test.y'), Buffer.from(test.y.buffer));
writeFileSync(join(dir, 'meta.json'), JSON.stringify({ train: cfg.train, test: cfg.test, features: d }));

const matrix = (columns) => ({ layout: 'columns', rows: columns[0].length, names: columns.map((_, j) => `x${j}`), columns, categoryCounts: columns.map(() => 0) });
const Xtrain = matrix(train.columns);
const Xtest = matrix(test.columns);

async function runMlLab() {
  const params = { rounds: cfg.rounds, maxLeafNodes: cfg.leaves, learningRate: cfg.lr, minSamplesLeaf: cfg.minLeaf, maxBins: cfg.bins, l2: 0, earlyStopping: false };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = await gbdt.fit(Xtrain, { task: 'binary', y: train.y, classes: 2 }, params, { seed: 1 });
  const fit = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(c0);
  const cpu = (used.user + used.system) / 1e6;
  const p = model.predict(Xtest);
  const positive = new Float64Array(cfg.test);
  let right = 0;
  for (let i = 0; i < cfg.test; i++) {
    positive[i] = p[2 * i + 1];
    if ((positive[i] > 0.5 ? 1 : 0) === test.y[i]) right++;
  }
  return { fit, cpu, accuracy: right / cfg.test, auc: aucOf(positive, test.y), trees: model.toJSON().trees.roots.length };
}

function runSklearn(threads) {
  const r = spawnSync(PYTHON, [join(here, 'peer.py'), dir, cfg.rounds, cfg.leaves, cfg.lr, cfg.minLeaf, cfg.bins, 1].map(String), {
    // Passive waiting: on a shared machine, OpenMP's default spin-waiting makes 2 threads many times slower
    // than 1 whenever a core is busy elsewhere; this is the fairest setting we found for sklearn.
    env: { ...process.env, OMP_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`sklearn peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// One untimed fit on a slice first, so V8 has compiled the hot loops (sklearn's are compiled ahead of time).
await gbdt.fit(matrix(train.columns.map((c) => c.subarray(0, 5000))), { task: 'binary', y: train.y.subarray(0, 5000), classes: 2 }, { rounds: 10, earlyStopping: false }, { seed: 1 });

const runs = { mllab: [], sklearn1: [], sklearn2: [] };
try {
  for (let k = 0; k < cfg.repeats; k++) {
    runs.mllab.push(await runMlLab());
    runs.sklearn1.push(runSklearn(1));
    runs.sklearn2.push(runSklearn(2));
    if (!values.json) {
      const last = (x) => x[x.length - 1].fit.toFixed(2);
      console.error(`repeat ${k + 1}: ML Lab ${last(runs.mllab)} s, sklearn 1 thread ${last(runs.sklearn1)} s, 2 threads ${last(runs.sklearn2)} s`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const summary = (rs) => ({
  fitMedian: median(rs.map((r) => r.fit)),
  fits: rs.map((r) => r.fit),
  cpuMedian: median(rs.map((r) => r.cpu)),
  accuracy: rs[0].accuracy,
  auc: rs[0].auc,
  trees: rs[0].trees,
});
const result = {
  when: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  config: cfg,
  mllab: { ...summary(runs.mllab), threads: 1 },
  sklearn1: { ...summary(runs.sklearn1), threads: 1, version: runs.sklearn1[0].sklearn },
  sklearn2: { ...summary(runs.sklearn2), threads: 2 },
};
result.ratio1 = result.mllab.fitMedian / result.sklearn1.fitMedian;
result.ratio2 = result.mllab.fitMedian / result.sklearn2.fitMedian;
// Judged against sklearn's faster setting: on a loaded 2-core machine OpenMP's 2 threads can be the slower.
result.ratio = Math.max(result.ratio1, result.ratio2);
const accuracyGap = result.mllab.accuracy - Math.max(result.sklearn1.accuracy, result.sklearn2.accuracy);
result.pass = result.ratio <= TARGET_RATIO && accuracyGap >= -0.005;
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', `${result.when.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const row = (name, s) => `${name.padEnd(26)} ${s.fitMedian.toFixed(2).padStart(6)} s (CPU ${s.cpuMedian.toFixed(2)} s)   acc ${s.accuracy.toFixed(4)}   AUC ${s.auc.toFixed(4)}   trees ${s.trees}   fits ${s.fits.map((f) => f.toFixed(2)).join(' ')}`;
  console.log(`${cfg.train} train / ${cfg.test} test rows x ${d} features, ${cfg.rounds} rounds, ${cfg.leaves} leaves, lr ${cfg.lr}, min leaf ${cfg.minLeaf}, ${cfg.bins} bins; ${cpus().length} CPUs`);
  console.log(row('ML Lab (1 thread)', result.mllab));
  console.log(row(`sklearn ${result.sklearn1.version} OMP 1 thread`, result.sklearn1));
  console.log(row('sklearn OMP 2 threads', result.sklearn2));
  console.log(`fit time ratio ML Lab / sklearn: ${result.ratio1.toFixed(2)}x (1 thread), ${result.ratio2.toFixed(2)}x (2 threads); target <= ${TARGET_RATIO}x sklearn's faster setting at equal accuracy (within 0.5 point): ${result.ratio.toFixed(2)}x, accuracy ${(100 * accuracyGap).toFixed(2)} points: ${result.pass ? 'PASS' : 'MISS'}`);
}
