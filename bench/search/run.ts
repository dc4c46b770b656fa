// Search benchmark: TPE vs random (and the genetic sampler) vs Optuna's TPE, on the surrogate tuning problem
// of problem.ts, over many seeds: how many trials each needs to reach a target validation loss.
// Usage: node --import tsx bench/search/run.ts [--seeds 20] [--trials 200] [--target 0.303] [--no-optuna] [--multivariate] [--save]
// --save writes bench/search/results.json (kept for the README's table).
// Each seed is one independent search; trial i of ML Lab's samplers draws from the stream (seed, i), as in
// the sweep. Optuna runs in the same invocation through /usr/bin/python3 (Debian python3-optuna).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { randomConfig, seededRandom } from '../../src/core/search/random.js';
import { createSampler } from '../../src/core/search/samplers.js';
import type { FinishedTrial, SamplerName } from '../../src/core/search/types.js';
import { problemLoss, problemSpace } from './problem.js';

// Run as CommonJS by tsx (the package has no "type": "module"), so __dirname is there.
const here = __dirname;
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '20' },
    trials: { type: 'string', default: '200' },
    target: { type: 'string', default: '0.303' },
    'no-optuna': { type: 'boolean', default: false },
    multivariate: { type: 'boolean', default: false },
    save: { type: 'boolean', default: false },
  },
});
const seeds = Number(values.seeds);
const trials = Number(values.trials);
const target = Number(values.target);
const checkpoints = [25, 50, 100, 200].filter((n) => n <= trials);

function streamSeed(seed: number, i: number): number {
  return (seed * 100_003 + i) >>> 0;
}

/** The loss of each trial of one search. */
function runOurs(name: SamplerName, seed: number): { losses: number[]; ms: number } {
  const sampler = createSampler(name, problemSpace, { defaultsFirst: false });
  const history: FinishedTrial[] = [];
  const losses: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < trials; i++) {
    const config = sampler.propose(history, seededRandom(streamSeed(seed, i)));
    if (!config) break;
    const loss = problemLoss(config);
    losses.push(loss);
    history.push({ index: i, config, objective: -loss });
  }
  return { losses, ms: performance.now() - t0 };
}

interface Summary {
  sampler: string;
  medianTrialsToTarget: number;
  reached: Record<number, number>;
  meanBest: Record<number, number>;
  msPerSearch: number;
}

function summarise(sampler: string, runs: number[][], ms: number): Summary {
  const hits = runs.map((l) => {
    const i = l.findIndex((x) => x <= target);
    return i < 0 ? Infinity : i + 1;
  });
  const sorted = [...hits].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianTrialsToTarget = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const reached: Record<number, number> = {};
  const meanBest: Record<number, number> = {};
  for (const n of checkpoints) {
    reached[n] = hits.filter((h) => h <= n).length / runs.length;
    meanBest[n] = runs.reduce((s, l) => s + Math.min(...l.slice(0, n)), 0) / runs.length;
  }
  return { sampler, medianTrialsToTarget, reached, meanBest, msPerSearch: ms / runs.length };
}

function python(args: string[], input?: string): string {
  const r = spawnSync('/usr/bin/python3', [join(here, 'optuna_peer.py'), ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`optuna_peer.py ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

const summaries: Summary[] = [];
for (const name of ['tpe', 'random', 'genetic'] as const) {
  const runs: number[][] = [];
  let ms = 0;
  for (let s = 1; s <= seeds; s++) {
    const r = runOurs(name, s);
    runs.push(r.losses);
    ms += r.ms;
  }
  summaries.push(summarise(`ML Lab ${name}`, runs, ms));
}

let optunaVersion: string | null = null;
let formulaCheck: number | null = null;
if (!values['no-optuna']) {
  // Same function on both sides: evaluate 500 random configs in Python and compare.
  const rnd = seededRandom(12345);
  const configs = Array.from({ length: 500 }, () => randomConfig(problemSpace, rnd));
  const theirs = JSON.parse(python(['eval'], JSON.stringify(configs))) as number[];
  formulaCheck = Math.max(...configs.map((c, i) => Math.abs(problemLoss(c) - (theirs[i] as number))));
  if (!(formulaCheck < 1e-12)) throw new Error(`problem.ts and optuna_peer.py disagree by ${formulaCheck}`);
  const variants = values.multivariate ? [false, true] : [false];
  for (const mv of variants) {
    const t0 = performance.now();
    const out = JSON.parse(python(['run', '--seeds', String(seeds), '--trials', String(trials), ...(mv ? ['--multivariate'] : [])])) as { optuna: string; losses: number[][] };
    optunaVersion = out.optuna;
    summaries.push(summarise(`Optuna ${out.optuna} TPE${mv ? ' (multivariate, group)' : ''}`, out.losses, performance.now() - t0));
  }
}

const fmt = (x: number): string => (Number.isFinite(x) ? String(x) : `>${trials}`);
console.log(`Surrogate validation log loss (best known 0.3007), target ≤ ${target}; ${seeds} seeds × ${trials} trials${formulaCheck !== null ? `; JS/Python formula max |diff| ${formulaCheck.toExponential(1)}` : ''}`);
console.log(['sampler', 'median trials to target', ...checkpoints.map((n) => `reached ≤${n}`), ...checkpoints.map((n) => `mean best @${n}`), 'ms / search'].join(' | '));
for (const s of summaries) {
  console.log(
    [s.sampler, fmt(s.medianTrialsToTarget), ...checkpoints.map((n) => `${Math.round((s.reached[n] as number) * 100)}%`), ...checkpoints.map((n) => (s.meanBest[n] as number).toFixed(4)), s.msPerSearch.toFixed(0)].join(' | '),
  );
}
if (values.save) writeFileSync(join(here, 'results.json'), JSON.stringify({ date: new Date().toISOString(), seeds, trials, target, optuna: optunaVersion, formulaCheck, summaries }, null, 2) + '\n');
