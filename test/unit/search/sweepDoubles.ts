// TEST DOUBLES for the sweep runner's tests (never shipped): two tiny model families whose behaviour is
// known exactly, an identity preprocessing, and a seeded table. Loaded in-process and, by path, in trial
// threads (SweepParts.kitModule), so failures that only a thread can survive (a fit that never returns)
// can be tested too.
import { seededRandom } from '../../../src/core/ml/random.js';
import type { ColumnMatrix, FeatureSchema, ModelFamily, ModelInput, ModelKind, Predictor, TrainingTable } from '../../../src/core/ml/types.js';
import type { TrialKit } from '../../../src/core/search/trial.js';

/** Binary target; feature x = target + noise, so thresholding x near 0.5 separates the classes. */
export function doubleTable(rows = 120, seed = 7): TrainingTable {
  const next = seededRandom(seed);
  const x = new Float64Array(rows);
  const codes = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    codes[i] = i % 2;
    x[i] = codes[i]! + (next() - 0.5) * 1.2;
  }
  return { rows, features: [{ name: 'x', kind: 'numeric', values: x }], target: { name: 'y', task: 'binary', codes, classes: ['no', 'yes'] } };
}

export const doubleSchema: FeatureSchema[] = [{ name: 'x', kind: 'numeric' }];

function columns(input: ModelInput): ColumnMatrix {
  if (input.layout !== 'columns') throw new Error('double: columns only');
  return input;
}

/** P(yes) = sigmoid(8 (x - t)) on the one column; `kind` is the family it stands for. */
export function thresholdPredictor(t: number, kind: Predictor['kind'] = 'gbdt'): Predictor {
  return {
    kind,
    predict(input) {
      const x = columns(input).columns[0]!;
      const out = new Float64Array(x.length * 2);
      for (let i = 0; i < x.length; i++) {
        const p = 1 / (1 + Math.exp(-8 * (x[i]! - t)));
        out[2 * i] = 1 - p;
        out[2 * i + 1] = p;
      }
      return out;
    },
    toJSON: () => ({ kind, version: 1, t }),
  };
}

/** 'gbdt' double: P(yes) = sigmoid(8 (x - t)); accuracy is best near t = 0.5. */
export const thresholdFamily: ModelFamily = {
  kind: 'gbdt',
  input: 'columns',
  tasks: ['binary'],
  space: [{ name: 't', type: 'float', low: -1, high: 2, default: 0 }],
  async fit(_input, _labels, params) {
    // A wait that depends on t, so trials finish out of index order (and differently in threads).
    await new Promise((resolve) => setTimeout(resolve, Math.round(Math.abs(Number(params.t) * 37) % 12)));
    return thresholdPredictor(Number(params.t));
  },
  load: (saved) => thresholdPredictor(Number(saved.t)),
};

/** 'linear' double: mode ok = the t = 0.5 threshold; throw; nan predictions; hang = a fit that never returns. */
export const faultyFamily: ModelFamily = {
  kind: 'linear',
  input: 'columns',
  tasks: ['binary'],
  space: [{ name: 'mode', type: 'categorical', choices: ['ok', 'throw', 'nan', 'hang'], default: 'ok' }],
  async fit(_input, _labels, params) {
    if (params.mode === 'throw') throw new Error('double: this configuration always throws');
    if (params.mode === 'hang') for (;;); // synchronous: only terminating the thread ends it
    if (params.mode === 'nan') return { kind: 'linear', predict: (input) => new Float64Array(input.rows * 2).fill(NaN), toJSON: () => ({ kind: 'linear', version: 1 }) };
    const p = thresholdPredictor(0.5);
    return { ...p, kind: 'linear', toJSON: () => ({ kind: 'linear', version: 1, t: 0.5 }) };
  },
  load: () => thresholdPredictor(0.5),
};

export const doubleFamilies: readonly ModelFamily[] = [thresholdFamily, faultyFamily];

export const trialKit: TrialKit = {
  family(kind: ModelKind) {
    const f = doubleFamilies.find((x) => x.kind === kind);
    if (!f) throw new Error(`double: no family ${kind}`);
    return f;
  },
  preprocess(_table, _rows, layout) {
    if (layout !== 'columns') throw new Error('double: columns only');
    return {
      transform(table, rows) {
        const x = table.features[0];
        if (x?.kind !== 'numeric') throw new Error('double: one numeric feature');
        return { layout: 'columns', rows: rows.length, names: ['x'], columns: [Float64Array.from(rows, (r) => x.values[r]!)], categoryCounts: [0] };
      },
      toJSON: () => ({ version: 1, layout: 'columns', features: [{ name: 'x', kind: 'numeric', categoryCount: 0 }] }),
      sources: [0],
    };
  },
  backend: () => null,
};
