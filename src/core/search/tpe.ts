// Tree-structured Parzen Estimator (Bergstra et al., "Algorithms for Hyper-Parameter Optimization", 2011),
// with Optuna 3.1's defaults as the guide: random startup trials, then the finished trials are split by
// objective into the good top γ(n) = min(ceil(0.1 n), 25) and the rest; l(x) is a Parzen estimator of the
// good ones, g(x) of the bad ones, and of ~24 candidates drawn from l the one with the largest l(x)/g(x) is
// proposed. The space is a tree: the model choice is a categorical node, and each param of a model is
// modelled only from the trials of that model (the conditional space), so a gbdt's learning rate never
// learns from a kNN trial. Numbers are modelled in the unit encoding of space.ts (log scale already
// applied), as mixtures of Gaussians truncated to [0, 1] with bandwidths from the distance to the
// neighbouring observations (clipped like Optuna's "magic clip") and a wide prior kernel.
//
// A candidate is scored jointly: log l/g of its model plus log l/g of each of its params. Failed trials
// (objective null) count as bad. Every random draw comes from `random`, so the same history and stream give
// the same proposal.
import type { ModelKind, ParamSpec } from '../ml/types.js';
import { randomConfig } from './random.js';
import { configKey, fromUnit, modelParams, toUnit } from './space.js';
import type { FinishedTrial, Random, Sampler, SearchSpace, TrialConfig } from './types.js';

export interface TpeOptions {
  /** Random trials before the model takes over. Default min(10, max(3, 2·dims)), dims = params of the largest model (+1 for the model choice). */
  startupTrials?: number;
  /** Candidates drawn from l(x) per proposal. Default 24. */
  candidates?: number;
  /** How many of n finished trials are good. Default min(ceil(0.1 n), 25). */
  gamma?: (n: number) => number;
  /** Weight of the prior kernel in each estimator. Default 1. */
  priorWeight?: number;
}

export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export function defaultStartupTrials(space: SearchSpace): number {
  const dims = Math.max(0, ...space.models.map((m) => m.params.length)) + (space.models.length > 1 ? 1 : 0);
  return Math.min(10, Math.max(3, 2 * dims));
}

/**
 * Optuna's default trial weights: equal for up to 25 trials; beyond that the 25 most recent weigh 1 and
 * older ones ramp up linearly from 1/n, so the estimators follow a search that has moved on.
 */
export function trialWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

interface Observation {
  index: number;
  /** Unit-encoded value (numbers) or choice index (categoricals / the model). */
  value: number;
}

/** A Parzen estimator over one dimension: log density and a sampler. */
interface Parzen {
  logPdf(x: number): number;
  sample(random: Random): number;
}

function weightsInIndexOrder(obs: readonly Observation[]): number[] {
  const order = obs.map((o, i) => [o.index, i] as const).sort((a, b) => a[0] - b[0]);
  const w = trialWeights(obs.length);
  const out = new Array<number>(obs.length);
  order.forEach(([, i], rank) => (out[i] = w[rank] as number));
  return out;
}

/** Categorical estimator: each observation's kernel is its choice smoothed by the prior; plus a uniform prior kernel. */
export function categoricalParzen(values: readonly number[], weights: readonly number[], choices: number, priorWeight: number): number[] {
  const kernels = values.length + 1;
  const smooth = priorWeight / kernels;
  const total = weights.reduce((a, b) => a + b, 0) + priorWeight;
  const p = new Array<number>(choices).fill(priorWeight / choices / total);
  values.forEach((c, i) => {
    const w = (weights[i] as number) / total;
    const norm = smooth * choices + 1;
    for (let k = 0; k < choices; k++) p[k] = (p[k] as number) + (w * (smooth + (k === c ? 1 : 0))) / norm;
  });
  return p;
}

function categoricalEstimator(values: readonly number[], weights: readonly number[], choices: number, priorWeight: number): Parzen {
  const p = categoricalParzen(values, weights, choices, priorWeight);
  return {
    logPdf: (x) => Math.log(p[x] ?? 0),
    sample: (random) => pickWeighted(p, random),
  };
}

function pickWeighted(p: readonly number[], random: Random): number {
  const total = p.reduce((a, b) => a + b, 0);
  let u = random() * total;
  for (let k = 0; k < p.length; k++) {
    u -= p[k] as number;
    if (u < 0) return k;
  }
  return p.length - 1;
}

/** Means, bandwidths and weights of the truncated-Gaussian mixture over [0, 1] (prior kernel last). */
export function numericKernels(values: readonly number[], weights: readonly number[], priorWeight: number): { mus: number[]; sigmas: number[]; weights: number[] } {
  const n = values.length;
  const mus = [...values, 0.5];
  const order = mus.map((_, i) => i).sort((a, b) => (mus[a] as number) - (mus[b] as number));
  const sorted = order.map((i) => mus[i] as number);
  const withEnds = [0, ...sorted, 1];
  const sortedSigmas = sorted.map((_, j) => Math.max((withEnds[j + 1] as number) - (withEnds[j] as number), (withEnds[j + 2] as number) - (withEnds[j + 1] as number)));
  // Like Optuna (consider_endpoints=False): the outermost kernels look only inwards, not at the range ends.
  if (sorted.length >= 2) {
    sortedSigmas[0] = (sorted[1] as number) - (sorted[0] as number);
    sortedSigmas[sorted.length - 1] = (sorted[sorted.length - 1] as number) - (sorted[sorted.length - 2] as number);
  }
  const sigmas = new Array<number>(mus.length);
  order.forEach((i, j) => (sigmas[i] = sortedSigmas[j] as number));
  sigmas[n] = 1; // the prior spans the whole range
  const minSigma = 1 / Math.min(100, 1 + mus.length);
  for (let i = 0; i < sigmas.length; i++) sigmas[i] = Math.min(1, Math.max(minSigma, sigmas[i] as number));
  const total = weights.reduce((a, b) => a + b, 0) + priorWeight;
  const w = [...weights, priorWeight].map((x) => x / total);
  return { mus, sigmas, weights: w };
}

function numericEstimator(values: readonly number[], weights: readonly number[], priorWeight: number): Parzen {
  const k = numericKernels(values, weights, priorWeight);
  // Each kernel is renormalised by its mass inside [0, 1].
  const logNorm = k.mus.map((mu, i) => {
    const s = k.sigmas[i] as number;
    const mass = normalCdf((1 - mu) / s) - normalCdf((0 - mu) / s);
    return Math.log(k.weights[i] as number) - Math.log(s * Math.sqrt(2 * Math.PI)) - Math.log(Math.max(mass, 1e-300));
  });
  return {
    logPdf(x) {
      let max = -Infinity;
      const terms = k.mus.map((mu, i) => {
        const z = (x - mu) / (k.sigmas[i] as number);
        const t = (logNorm[i] as number) - 0.5 * z * z;
        if (t > max) max = t;
        return t;
      });
      if (max === -Infinity) return -Infinity;
      let sum = 0;
      for (const t of terms) sum += Math.exp(t - max);
      return max + Math.log(sum);
    },
    sample(random) {
      const i = pickWeighted(k.weights, random);
      return truncatedNormal(k.mus[i] as number, k.sigmas[i] as number, random);
    },
  };
}

/** A normal draw kept inside [0, 1] by rejection (acceptance ≥ ~38% for the kernels above). */
function truncatedNormal(mu: number, sigma: number, random: Random): number {
  for (let tries = 0; tries < 100; tries++) {
    const u1 = 1 - random(); // (0, 1]: log(0) never happens
    const u2 = random();
    const x = mu + sigma * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mu));
}

/** Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: ample for kernel masses). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** One param's pair of estimators. Int params snap to the middle of their integer's slice. */
interface ParamModel {
  spec: ParamSpec;
  good: Parzen;
  bad: Parzen;
}

function fitParam(spec: ParamSpec, good: readonly FinishedTrial[], bad: readonly FinishedTrial[], priorWeight: number): ParamModel {
  const observe = (trials: readonly FinishedTrial[]): Observation[] =>
    trials.map((t) => {
      const u = toUnit(spec, t.config.params[spec.name]);
      return { index: t.index, value: spec.type === 'categorical' ? Math.min(spec.choices.length - 1, Math.floor(u * spec.choices.length)) : u };
    });
  const make = (obs: Observation[]): Parzen => {
    const values = obs.map((o) => o.value);
    const weights = weightsInIndexOrder(obs);
    return spec.type === 'categorical' ? categoricalEstimator(values, weights, spec.choices.length, priorWeight) : numericEstimator(values, weights, priorWeight);
  };
  return { spec, good: make(observe(good)), bad: make(observe(bad)) };
}

export function createTpeSampler(space: SearchSpace, options: TpeOptions = {}): Sampler {
  const startup = options.startupTrials ?? defaultStartupTrials(space);
  const candidates = Math.max(1, options.candidates ?? 24);
  const gamma = options.gamma ?? defaultGamma;
  const priorWeight = options.priorWeight ?? 1;
  const kinds = space.models.map((m) => m.kind);

  return {
    name: 'tpe',
    propose(history, random) {
      // Trials of models outside this space (e.g. warm-started from another experiment) teach nothing here.
      const known = history.filter((t) => kinds.includes(t.config.model));
      if (known.length < startup) return randomConfig(space, random);
      const scored = known.filter((t) => t.objective !== null && Number.isFinite(t.objective));
      if (scored.length === 0) return randomConfig(space, random);
      scored.sort((a, b) => (b.objective as number) - (a.objective as number) || a.index - b.index);
      const nGood = Math.max(1, Math.min(gamma(scored.length), scored.length));
      const goodSet = new Set(scored.slice(0, nGood));
      const good = known.filter((t) => goodSet.has(t));
      const bad = known.filter((t) => !goodSet.has(t));

      const modelOf = (ts: readonly FinishedTrial[]): Observation[] => ts.map((t) => ({ index: t.index, value: kinds.indexOf(t.config.model) }));
      const goodModels = modelOf(good);
      const badModels = modelOf(bad);
      const lModel = categoricalEstimator(goodModels.map((o) => o.value), weightsInIndexOrder(goodModels), kinds.length, priorWeight);
      const gModel = categoricalEstimator(badModels.map((o) => o.value), weightsInIndexOrder(badModels), kinds.length, priorWeight);

      const perModel = new Map<ModelKind, ParamModel[]>();
      const paramModels = (kind: ModelKind): ParamModel[] => {
        let pm = perModel.get(kind);
        if (!pm) {
          const g = good.filter((t) => t.config.model === kind);
          const b = bad.filter((t) => t.config.model === kind);
          pm = modelParams(space, kind).map((spec) => fitParam(spec, g, b, priorWeight));
          perModel.set(kind, pm);
        }
        return pm;
      };

      const seen = new Set(history.map((t) => configKey(t.config)));
      let best: { config: TrialConfig; score: number } | null = null;
      let bestFresh: { config: TrialConfig; score: number } | null = null;
      for (let c = 0; c < candidates; c++) {
        const m = lModel.sample(random);
        const kind = kinds[m] as ModelKind;
        let score = lModel.logPdf(m) - gModel.logPdf(m);
        const params: TrialConfig['params'] = {};
        for (const pm of paramModels(kind)) {
          let x = pm.good.sample(random);
          let value;
          if (pm.spec.type === 'categorical') {
            value = pm.spec.choices[x] as TrialConfig['params'][string];
          } else {
            value = fromUnit(pm.spec, x);
            if (pm.spec.type === 'int') x = toUnit(pm.spec, value);
          }
          params[pm.spec.name] = value;
          score += pm.good.logPdf(x) - pm.bad.logPdf(x);
        }
        const config = { model: kind, params };
        if (!best || score > best.score) best = { config, score };
        if (!seen.has(configKey(config)) && (!bestFresh || score > bestFresh.score)) bestFresh = { config, score };
      }
      // A repeat of a finished trial teaches nothing new: prefer the best unseen candidate.
      return (bestFresh ?? best ?? { config: randomConfig(space, random) }).config;
    },
  };
}
