// The coordinator's own cost per trial as the history grows, without any queue: the sweep engine
// (runSweep: sampler, journal append, experiment.json rewrite, best-trial ranking, out-of-fold files) with
// instant trials in this process, and the TPE sampler's proposal time alone on histories of n trials.
// What the coordinator spends per trial here, it spends on top of the queue's round trip with a fleet.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelFamily, ParamSpec, TrainingTable } from '../../src/core/ml/types.js';
import { MODEL_FAMILIES } from '../../src/core/ml/models/index.js';
import { seededRandom } from '../../src/core/search/random.js';
import { randomConfig } from '../../src/core/search/random.js';
import { createSampler } from '../../src/core/search/samplers.js';
import { buildSearchSpace } from '../../src/core/search/space.js';
import { ranked, runSweep } from '../../src/core/search/sweep.js';
import type { TrialKit } from '../../src/core/search/trial.js';
import type { FinishedTrial } from '../../src/core/search/types.js';
import type { TrialRecord } from '../../src/protocol/experiment.js';
import { doubleTable, thresholdPredictor, trialKit } from '../../test/unit/search/sweepDoubles.js';

const round = (x: number, digits = 3): number => Math.round(x * 10 ** digits) / 10 ** digits;

// Six params like a real family (the sampler's cost grows with them); the fit returns at once.
const instantSpace: ParamSpec[] = [
  { name: 't', type: 'float', low: -1, high: 2, default: 0 },
  { name: 'a', type: 'float', low: 1e-4, high: 1, log: true, default: 0.1 },
  { name: 'b', type: 'int', low: 1, high: 256, log: true, default: 16 },
  { name: 'c', type: 'float', low: 0, high: 1, default: 0.5 },
  { name: 'd', type: 'int', low: 2, high: 32, default: 8 },
  { name: 'e', type: 'categorical', choices: ['x', 'y', 'z'], default: 'x' },
];
const instantFamily: ModelFamily = {
  kind: 'gbdt',
  input: 'columns',
  tasks: ['binary'],
  space: instantSpace,
  fit: (_input, _labels, params) => Promise.resolve(thresholdPredictor(Number(params.t))),
  load: (saved) => thresholdPredictor(Number(saved.t)),
};
const instantKit: TrialKit = { ...trialKit, family: () => instantFamily };

export interface CoordinatorResult {
  search: string;
  trials: number;
  parallel: number;
  wallSeconds: number;
  /** Mean ms per finished trial over consecutive slices of the run (the history grows along them). */
  msPerTrialBySlice: { fromTrial: number; toTrial: number; ms: number }[];
}

/** runSweep with instant trials: everything the coordinator does per trial, nothing else. */
export async function coordinatorPerTrial(trials: number, parallel: number, search: 'tpe' | 'random'): Promise<CoordinatorResult> {
  const dir = await mkdtemp(join(tmpdir(), 'mllab-bench-coord-'));
  try {
    const table: TrainingTable = doubleTable(200, 3);
    const csv = join(dir, 'data.csv');
    await writeFile(csv, 'x,y\n1,yes\n');
    const stamps: number[] = [];
    const t0 = performance.now();
    await runSweep(
      { dataset: csv, target: 'y', maxTrials: trials, search, seed: 1, parallel, pruner: 'none', ensemble: false, folds: 2, testFraction: 0, workspace: dir, trialTimeoutSeconds: 60 },
      { onTrial: () => stamps.push(performance.now()) },
      {
        loadTable: () => Promise.resolve({ table, schema: [{ name: 'x', kind: 'numeric' }] }),
        families: [instantFamily],
        kit: instantKit,
        kitModule: null,
        finish: () => Promise.resolve({ modelPath: join(dir, 'm.json'), reportPath: join(dir, 'r.json') }),
      },
    );
    const wall = (performance.now() - t0) / 1000;
    const slice = Math.max(1, Math.floor(trials / 5));
    const bySlice: CoordinatorResult['msPerTrialBySlice'] = [];
    for (let from = 0; from + slice <= stamps.length; from += slice) {
      const start = from === 0 ? t0 : stamps[from - 1]!;
      bySlice.push({ fromTrial: from, toTrial: from + slice, ms: round((stamps[from + slice - 1]! - start) / slice) });
    }
    return { search, trials: stamps.length, parallel, wallSeconds: round(wall, 1), msPerTrialBySlice: bySlice };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** TPE proposal time on a history of n finished trials over the shipped multiclass space (every family). */
export function tpeProposalMs(sizes: readonly number[]): { space: string; byHistory: { n: number; ms: number }[] } {
  const families = MODEL_FAMILIES.filter((f) => f.tasks.includes('multiclass'));
  const space = buildSearchSpace(families);
  const random = seededRandom(11);
  const maxN = Math.max(...sizes);
  const history: FinishedTrial[] = [];
  for (let i = 0; i < maxN; i++) history.push({ index: i, config: randomConfig(space, random), objective: random() });
  const out: { n: number; ms: number }[] = [];
  for (const n of sizes) {
    const sampler = createSampler('tpe', space);
    const slice = history.slice(0, n);
    const reps = n <= 1000 ? 20 : n <= 10_000 ? 5 : 2;
    sampler.propose(slice, seededRandom(1)); // warm-up
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) sampler.propose(slice, seededRandom(100 + r));
    out.push({ n, ms: round((performance.now() - t0) / reps, 2) });
  }
  return { space: space.models.map((m) => `${m.kind}(${m.params.length})`).join(' '), byHistory: out };
}

/**
 * The sweep ranks every finished trial after each one finishes (best trial, out-of-fold pool, end reserve):
 * one `ranked` call on n trials, timed.
 */
export function rankingMs(sizes: readonly number[]): { n: number; ms: number }[] {
  const random = seededRandom(5);
  const maxN = Math.max(...sizes);
  const all: TrialRecord[] = [];
  for (let i = 0; i < maxN; i++) {
    const score = random();
    all.push({ index: i, config: { model: 'gbdt', params: {} }, status: 'done', source: 'sampler', score, objective: score, foldScores: [score], foldStd: 0, reports: [], metrics: { accuracy: score, log_loss: 1 - score }, seconds: 1, error: null, finishedAt: '' });
  }
  return sizes.map((n) => {
    const slice = all.slice(0, n);
    ranked(slice);
    const reps = n <= 10_000 ? 10 : 3;
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) ranked(slice);
    return { n, ms: round((performance.now() - t0) / reps, 2) };
  });
}
