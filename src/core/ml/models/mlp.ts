// Multi-layer perceptron on TensorFlow.js (dense layout: imputed, standardised, one-hot). 1–3 hidden dense
// layers (relu or tanh) with dropout, softmax output for classification (binary too: 2 outputs), a linear
// output for regression (trained on the standardised target). Adam on mini-batches with an L2 penalty on
// the kernels, early stopping on an inner validation split carved (seeded) from the rows fit() is given,
// best weights restored.
//
// tfjs-layers builds the Dense layers and their variables with seeded Glorot initialisers. Training is our
// own loop rather than model.fit(): fit() shuffles with Math.random and tfjs-layers' Dropout reuses one seed
// (one mask) on every step, so neither would give "same seed, same model". Here the shuffles and every
// dropout mask come from the fit seed; the forward pass runs the layers' variables through tfjs' fused
// matMul + bias + activation, tf.variableGrads gives the gradients and Adam (on plain arrays) applies them. On the cpu and wasm backends the same
// seed gives the same weights (tfjs-node: not verified, it cannot install here).
//
// The fitted predictor keeps no tensors: it holds the weights as plain arrays and runs them with tfjs ops
// inside tf.tidy() on each predict() (the Predictor contract has no dispose(), and a sweep keeps many
// predictors). load() rebuilds the same from the saved JSON.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { DenseMatrix, FitOptions, Labels, ModelFamily, ModelInput, ParamSpec, Params, Predictor, SavedModel, Task } from '../types.js';
import { mixSeed, seededRandom, shuffleInPlace } from '../random.js';
import { initTensorflow, tensorflowStatus, useTensorflowNow } from '../tensorflow.js';

type Activation = 'relu' | 'tanh';

const SPACE: readonly ParamSpec[] = [
  { name: 'layers', type: 'int', low: 1, high: 3, default: 1 },
  { name: 'units', type: 'int', low: 16, high: 256, log: true, default: 64 },
  { name: 'activation', type: 'categorical', choices: ['relu', 'tanh'], default: 'relu' },
  { name: 'dropout', type: 'float', low: 0, high: 0.5, default: 0 },
  { name: 'learningRate', type: 'float', low: 1e-4, high: 3e-2, log: true, default: 3e-3 },
  { name: 'batchSize', type: 'categorical', choices: [32, 64, 128, 256], default: 128 },
  { name: 'epochs', type: 'int', low: 10, high: 300, log: true, default: 100 },
  { name: 'l2', type: 'float', low: 1e-7, high: 1e-2, log: true, default: 1e-5 },
];

/** Epochs without a better validation loss before training stops (scikit-learn's n_iter_no_change). */
export const PATIENCE = 10;
/** Adam's moment decays and epsilon, as tf.train.adam's defaults (and Keras'). */
const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;
/** Share of the training rows held out for early stopping; below MIN_VALIDATION_ROWS rows none is. */
const VALIDATION_FRACTION = 0.1;
const MIN_VALIDATION_ROWS = 10;
/** Rows per predict() chunk, bounding the float32 copy of the input. */
const PREDICT_CHUNK = 8192;

interface Settings {
  layers: number;
  units: number;
  activation: Activation;
  dropout: number;
  learningRate: number;
  batchSize: number;
  epochs: number;
  l2: number;
}

function num(params: Params, name: string, fallback: number, ok: (v: number) => boolean, what: string): number {
  const v = params[name] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new Error(`mlp: ${name} must be ${what}, got ${String(v)}`);
  return v;
}

function settings(params: Params): Settings {
  const activation = params.activation ?? 'relu';
  if (activation !== 'relu' && activation !== 'tanh') throw new Error(`mlp: activation must be relu or tanh, got ${String(activation)}`);
  return {
    layers: Math.round(num(params, 'layers', 1, (v) => v >= 1 && v <= 3, 'an integer in 1..3')),
    units: Math.round(num(params, 'units', 64, (v) => v >= 1, 'a number ≥ 1')),
    activation,
    dropout: num(params, 'dropout', 0, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    learningRate: num(params, 'learningRate', 3e-3, (v) => v > 0, 'a number > 0'),
    batchSize: Math.round(num(params, 'batchSize', 128, (v) => v >= 1, 'a number ≥ 1')),
    epochs: Math.round(num(params, 'epochs', 100, (v) => v >= 1, 'a number ≥ 1')),
    l2: num(params, 'l2', 1e-5, (v) => v >= 0, 'a number ≥ 0'),
  };
}

function dense(input: ModelInput): DenseMatrix {
  if (input.layout !== 'dense') throw new Error('mlp needs the dense input layout');
  return input;
}

/** One dense layer's parameters: kernel is inputs × outputs, row-major. */
interface LayerWeights {
  inputs: number;
  outputs: number;
  kernel: Float32Array;
  bias: Float32Array;
}

interface MlpState {
  task: Task;
  classes: number;
  cols: number;
  activation: Activation;
  layers: LayerWeights[];
  /** Regression trains on (y − mean)/std; predictions are mapped back. */
  targetMean: number;
  targetStd: number;
  epochs: number;
  bestEpoch: number;
  backend: string;
}

function rowsOf(x: DenseMatrix, rows: Int32Array): Float32Array {
  const d = x.cols;
  const out = new Float32Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) out.set(x.data.subarray(rows[r]! * d, rows[r]! * d + d), r * d);
  return out;
}

async function fit(input: ModelInput, labels: Labels, params: Params, options: FitOptions): Promise<Predictor> {
  const x = dense(input);
  const s = settings(params);
  const n = x.rows;
  if (n === 0) throw new Error('mlp: no training rows');
  if (labels.y.length !== n) throw new Error(`mlp: ${labels.y.length} labels for ${n} rows`);
  for (let i = 0; i < x.data.length; i++) if (!Number.isFinite(x.data[i]!)) throw new Error('mlp: the dense input has a missing or infinite value');
  const status = await initTensorflow();
  const budget = Math.min(1, Math.max(options.budget ?? 1, 0));
  const epochs = Math.max(1, Math.round(s.epochs * budget));
  const random = seededRandom(mixSeed(options.seed, 0x6d6c70)); // 'mlp'
  const nextSeed = (): number => Math.floor(random() * 2147483647);

  // Inner validation split for early stopping, from the rows we were given.
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), random);
  const validationRows = n * VALIDATION_FRACTION >= MIN_VALIDATION_ROWS ? Math.round(n * VALIDATION_FRACTION) : 0;
  const validation = order.slice(0, validationRows);
  const training = order.slice(validationRows);

  const classification = labels.task !== 'regression';
  const outputs = classification ? labels.classes : 1;
  let targetMean = 0;
  let targetStd = 1;
  if (!classification) {
    for (const i of training) targetMean += labels.y[i]!;
    targetMean /= training.length;
    let ss = 0;
    for (const i of training) ss += (labels.y[i]! - targetMean) ** 2;
    targetStd = Math.sqrt(ss / training.length) || 1;
  }
  const targets = (rows: Int32Array): tf.Tensor2D => {
    if (labels.task === 'regression') return tf.tensor2d(Float32Array.from(rows, (i) => (labels.y[i]! - targetMean) / targetStd), [rows.length, 1]);
    return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(rows, (i) => labels.y[i]!), 'int32'), outputs), 'float32') as tf.Tensor2D);
  };

  const model = tfl.sequential();
  for (let l = 0; l <= s.layers; l++) {
    const last = l === s.layers;
    model.add(
      tfl.layers.dense({
        units: last ? outputs : s.units,
        activation: last ? 'linear' : s.activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
        biasInitializer: 'zeros',
        ...(l === 0 ? { inputShape: [x.cols] } : {}),
      }),
    );
  }
  const xTrain = tf.tensor2d(rowsOf(x, training), [training.length, x.cols]);
  const yTrain = targets(training);
  const xValidation = validationRows ? tf.tensor2d(rowsOf(x, validation), [validationRows, x.cols]) : undefined;
  const yValidation = validationRows ? targets(validation) : undefined;
  // Per layer: kernel then bias.
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const kernels = variables.filter((_, i) => i % 2 === 0);

  // The layers' own variables, run through tfjs' fused matMul + bias + activation kernel: one op per layer
  // instead of Layer.apply()'s bookkeeping, which dominated the step time on these small networks.
  const biases = variables.filter((_, i) => i % 2 === 1);
  const forward = (input: tf.Tensor, dropSeed: number | undefined): tf.Tensor => {
    let h = input as tf.Tensor2D;
    kernels.forEach((kernel, l) => {
      const last = l === kernels.length - 1;
      h = tf.fused.matMul({ a: h, b: kernel as tf.Tensor2D, bias: biases[l]!, activation: last ? 'linear' : s.activation === 'relu' ? 'relu' : 'linear' }) as tf.Tensor2D;
      // The fused kernel has no tanh.
      if (!last && s.activation === 'tanh') h = tf.tanh(h) as tf.Tensor2D;
      if (!last && dropSeed !== undefined && s.dropout > 0) h = tf.dropout(h, s.dropout, undefined, dropSeed + l) as tf.Tensor2D;
    });
    return h;
  };
  // Cross-entropy as logsumexp(logits) − logit of the true class: fewer ops than tf.losses' version.
  const lossOf = (out: tf.Tensor, y: tf.Tensor): tf.Scalar =>
    classification ? tf.mean(tf.sub(tf.logSumExp(out, 1), tf.sum(tf.mul(y, out), 1))) : tf.mean(tf.square(tf.sub(out, y)));
  // Adam runs on plain copies of the weights: tfjs' optimizer costs ~13 kernels per variable per step (plus
  // the L2 term's two), over half of a step's ~110 kernels, and on these small networks a step's time is
  // per-kernel overhead, not arithmetic. Here a step reads the gradients once and writes each variable once.
  const values = variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const shapes = variables.map((v) => v.shape);
  const decay = variables.map((_, i) => (i % 2 === 0 ? s.l2 : 0));
  const moment1 = values.map((w) => new Float64Array(w.length));
  const moment2 = values.map((w) => new Float64Array(w.length));
  let steps = 0;
  const adamStep = (grads: readonly Float32Array[]): void => {
    steps++;
    const c1 = 1 - BETA1 ** steps;
    const c2 = 1 - BETA2 ** steps;
    for (let i = 0; i < values.length; i++) {
      const w = values[i]!;
      const g = grads[i]!;
      const m = moment1[i]!;
      const v = moment2[i]!;
      const l2 = decay[i]!;
      for (let j = 0; j < w.length; j++) {
        // The L2 penalty (l2/2)·Σ|kernel|² enters as its gradient, l2·kernel.
        const gj = g[j]! + l2 * w[j]!;
        const mj = (m[j] = BETA1 * m[j]! + (1 - BETA1) * gj);
        const vj = (v[j] = BETA2 * v[j]! + (1 - BETA2) * gj * gj);
        w[j] = w[j]! - (s.learningRate * (mj / c1)) / (Math.sqrt(vj / c2) + EPSILON);
      }
      variables[i]!.assign(tf.tensor(w, shapes[i]));
    }
  };

  const batch = Math.min(s.batchSize, training.length);
  let best = Infinity;
  let bestEpoch = 0;
  let bestWeights: Float32Array[] | undefined;
  let epoch: number;
  try {
    for (epoch = 1; epoch <= epochs; epoch++) {
      // Let the event loop run between epochs, so a cancel (or a time box) set from outside can land.
      if (epoch > 1) await new Promise((resolve) => setImmediate(resolve));
      options.signal?.throwIfAborted();
      const perm = shuffleInPlace(Int32Array.from({ length: training.length }, (_, i) => i), random);
      for (let start = 0; start < perm.length; start += batch) {
        const dropSeed = nextSeed();
        tf.tidy(() => {
          const idx = tf.tensor1d(perm.subarray(start, Math.min(start + batch, perm.length)), 'int32');
          const xb = tf.gather(xTrain, idx);
          const yb = tf.gather(yTrain, idx);
          const { grads } = tf.variableGrads(() => lossOf(forward(xb, dropSeed), yb), variables);
          adamStep(variables.map((v) => grads[v.name]!.dataSync() as Float32Array));
        });
      }
      if (!xValidation || !yValidation) continue;
      const loss = tf.tidy(() => lossOf(forward(xValidation, undefined), yValidation).dataSync()[0]!);
      if (!Number.isFinite(loss)) break;
      if (loss < best - 1e-7) {
        best = loss;
        bestEpoch = epoch;
        bestWeights = values.map((w) => Float32Array.from(w));
      } else if (epoch - bestEpoch >= PATIENCE) {
        break;
      }
    }
    const final = bestWeights ?? values.map((w) => Float32Array.from(w));
    const layers: LayerWeights[] = kernels.map((kernel, l) => ({
      inputs: kernel.shape[0]!,
      outputs: kernel.shape[1]!,
      kernel: final[2 * l]!,
      bias: final[2 * l + 1]!,
    }));
    return predictor({
      task: labels.task,
      classes: classification ? labels.classes : 0,
      cols: x.cols,
      activation: s.activation,
      layers,
      targetMean,
      targetStd,
      epochs: Math.min(epoch, epochs),
      bestEpoch: bestWeights ? bestEpoch : Math.min(epoch, epochs),
      backend: status.backend,
    });
  } finally {
    model.dispose();
    tf.dispose([xTrain, yTrain]);
    if (xValidation) tf.dispose([xValidation]);
    if (yValidation) tf.dispose([yValidation]);
  }
}

function predictor(state: MlpState): Predictor {
  return {
    kind: 'mlp',
    predict(input: ModelInput): Float64Array {
      const x = dense(input);
      if (x.cols !== state.cols) throw new Error(`mlp: model has ${state.cols} input columns, input has ${x.cols}`);
      if (!tensorflowStatus()) useTensorflowNow();
      const k = state.task === 'regression' ? 1 : state.classes;
      const out = new Float64Array(x.rows * k);
      for (let start = 0; start < x.rows; start += PREDICT_CHUNK) {
        const rows = Math.min(PREDICT_CHUNK, x.rows - start);
        const values = tf.tidy(() => {
          let h: tf.Tensor2D = tf.tensor2d(Float32Array.from(x.data.subarray(start * x.cols, (start + rows) * x.cols)), [rows, x.cols]);
          state.layers.forEach((layer, l) => {
            h = tf.add(tf.matMul(h, tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs])), tf.tensor1d(layer.bias));
            if (l < state.layers.length - 1) h = state.activation === 'relu' ? tf.relu(h) : tf.tanh(h);
          });
          return (state.task === 'regression' ? h : tf.softmax(h)).dataSync();
        });
        const o = start * k;
        if (state.task === 'regression') {
          for (let i = 0; i < rows; i++) out[o + i] = values[i]! * state.targetStd + state.targetMean;
        } else {
          // Renormalised in float64 so each row sums to 1 to double precision.
          for (let i = 0; i < rows; i++) {
            let sum = 0;
            for (let c = 0; c < k; c++) sum += values[i * k + c]!;
            for (let c = 0; c < k; c++) out[o + i * k + c] = values[i * k + c]! / sum;
          }
        }
      }
      return out;
    },
    toJSON(): SavedModel {
      // 9 significant digits round-trip a float32 exactly, and keep the JSON about half the size.
      const plain = (a: Float32Array): number[] => Array.from(a, (v) => Number(v.toPrecision(9)));
      return {
        kind: 'mlp',
        version: 1,
        task: state.task,
        classes: state.classes,
        cols: state.cols,
        activation: state.activation,
        architecture: state.layers.map((l) => l.outputs),
        layers: state.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, kernel: plain(l.kernel), bias: plain(l.bias) })),
        targetMean: state.targetMean,
        targetStd: state.targetStd,
        epochs: state.epochs,
        bestEpoch: state.bestEpoch,
        backend: state.backend,
      };
    },
  };
}

function load(saved: SavedModel): Predictor {
  if (saved.kind !== 'mlp' || saved.version !== 1) throw new Error(`mlp: cannot load a saved ${String(saved.kind)} model version ${String(saved.version)}`);
  const task = saved.task;
  if (task !== 'binary' && task !== 'multiclass' && task !== 'regression') throw new Error('mlp: saved model has no valid task');
  const activation = saved.activation;
  if (activation !== 'relu' && activation !== 'tanh') throw new Error('mlp: saved model has no valid activation');
  if (!Array.isArray(saved.layers)) throw new Error('mlp: saved layers are malformed');
  const layers = (saved.layers as unknown[]).map((raw): LayerWeights => {
    const l = raw as { inputs?: unknown; outputs?: unknown; kernel?: unknown; bias?: unknown };
    const inputs = Number(l.inputs);
    const outputs = Number(l.outputs);
    if (!Array.isArray(l.kernel) || !Array.isArray(l.bias) || l.kernel.length !== inputs * outputs || l.bias.length !== outputs) {
      throw new Error('mlp: saved layer weights are malformed');
    }
    return { inputs, outputs, kernel: Float32Array.from(l.kernel as number[]), bias: Float32Array.from(l.bias as number[]) };
  });
  return predictor({
    task,
    classes: Number(saved.classes),
    cols: Number(saved.cols),
    activation,
    layers,
    targetMean: Number(saved.targetMean),
    targetStd: Number(saved.targetStd),
    epochs: Number(saved.epochs),
    bestEpoch: Number(saved.bestEpoch),
    backend: String(saved.backend),
  });
}

export const mlp: ModelFamily = {
  kind: 'mlp',
  input: 'dense',
  tasks: ['binary', 'multiclass', 'regression'],
  space: SPACE,
  fit,
  load,
};
