// A synthetic experiment store shaped like the ones `mllab sweep` writes (same record and journal layout,
// written with the store's own writer), for the tree's unit tests and the scale bench. Deterministic per seed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPERIMENT_SCHEMA_VERSION } from '../../src/protocol/experiment.js';
import type { ExperimentRecord, ExperimentStatus, TrialRecord } from '../../src/protocol/experiment.js';
import { stableStringify } from '../../src/core/store/atomicFile.js';

export interface SyntheticOptions {
  experiments: number;
  trials: number;
  /** Source datasets the experiments are spread over (round robin). */
  datasets?: number;
  seed?: number;
  /** Status of experiment i (default: all done). */
  status?: (i: number) => ExperimentStatus;
}

const MODELS = ['gbdt', 'randomForest', 'extraTrees', 'knn', 'linear'] as const;

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function syntheticRecord(id: string, i: number, over: Partial<ExperimentRecord> = {}, datasetPath = '/ws/data/d0.csv', sha = 'a'.repeat(64)): ExperimentRecord {
  const created = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString();
  return {
    schemaVersion: EXPERIMENT_SCHEMA_VERSION,
    id,
    status: 'done',
    config: {
      dataset: datasetPath,
      target: 'label',
      task: 'binary',
      metric: 'roc_auc',
      budgetSeconds: 60,
      maxTrials: null,
      search: 'tpe',
      seed: 0,
      models: [...MODELS],
      validation: { kind: 'kfold', folds: 5, stratified: true },
      parallel: 2,
      pruner: 'median',
      trialTimeoutSeconds: 20,
      ensemble: true,
      warmStart: null,
    },
    dataset: { path: datasetPath, sha256: sha, rows: 1000, features: 12 },
    task: 'binary',
    metric: 'roc_auc',
    greaterIsBetter: true,
    bestTrial: null,
    bestScore: null,
    bestKind: null,
    backend: null,
    times: { created, updated: created, finished: created, searchSeconds: 60 },
    owner: null,
    trials: 0,
    error: null,
    tags: [],
    note: '',
    ...over,
  };
}

export function syntheticTrial(index: number, score: number | null, status: TrialRecord['status'] = 'done', model: string = MODELS[index % MODELS.length]!): TrialRecord {
  return {
    index,
    config: { model: model as TrialRecord['config']['model'], params: { learningRate: 0.05 + (index % 7) * 0.01, maxDepth: 3 + (index % 5), minSamplesLeaf: 1 + (index % 11) } },
    status,
    source: 'sampler',
    score,
    objective: score,
    foldScores: score === null ? [] : [score - 0.01, score, score + 0.01, score - 0.005, score + 0.005],
    foldStd: score === null ? null : 0.0079,
    reports: score === null ? [] : [0, 1, 2, 3, 4].map((step) => ({ step, objective: score })),
    // Every binary metric, as a real journal line has them (~800 bytes a line, like `mllab sweep` writes).
    metrics:
      score === null
        ? {}
        : {
            roc_auc: score,
            pr_auc: score - 0.02,
            accuracy: score - 0.05,
            balanced_accuracy: score - 0.051,
            log_loss: 1 - score,
            f1_macro: score - 0.07,
            f1_weighted: score - 0.061,
            precision_macro: score - 0.062,
            precision_weighted: score - 0.063,
            recall_macro: score - 0.064,
            recall_weighted: score - 0.065,
          },
    seconds: 1.5 + (index % 13) * 0.25,
    error: status === 'failed' ? 'Trial timed out after 20 s' : null,
    finishedAt: new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString(),
  };
}

/** Writes `experiments` experiments of `trials` trials each into `<workspace>/.mllab/experiments`; returns their ids, oldest first. */
export function writeSyntheticStore(workspace: string, options: SyntheticOptions): string[] {
  const random = lcg(options.seed ?? 1);
  const datasets = options.datasets ?? 5;
  const dir = join(workspace, '.mllab', 'experiments');
  mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (let i = 0; i < options.experiments; i++) {
    const d = i % datasets;
    const created = new Date(Date.UTC(2026, 10, 1) + i * 60_000);
    const stamp = created.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `${stamp}-d${d}-${(0x100 + i).toString(16)}`;
    const trials: TrialRecord[] = [];
    for (let t = 0; t < options.trials; t++) {
      const r = random();
      const status: TrialRecord['status'] = r < 0.05 ? 'failed' : r < 0.2 ? 'pruned' : 'done';
      trials.push(syntheticTrial(t, status === 'done' ? Math.round((0.6 + random() * 0.35) * 1e6) / 1e6 : null, status));
    }
    const best = trials.filter((t) => t.score !== null).sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || a.index - b.index)[0];
    const path = join(workspace, 'data', `d${d}.csv`);
    const record = syntheticRecord(id, i, { status: options.status?.(i) ?? 'done', trials: trials.length, bestTrial: best?.index ?? null, bestScore: best?.score ?? null, bestKind: best ? 'trial' : null }, path, d.toString(16).repeat(64));
    mkdirSync(join(dir, id, 'models'), { recursive: true });
    writeFileSync(join(dir, id, 'experiment.json'), stableStringify(record));
    writeFileSync(join(dir, id, 'trials.jsonl'), trials.map((t) => stableStringify(t, 0)).join(''));
    writeFileSync(join(dir, id, 'models', 'best.json'), stableStringify({ kind: 'model', trial: best?.index ?? null }));
    ids.push(id);
  }
  return ids;
}
