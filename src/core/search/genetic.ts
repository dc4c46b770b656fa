// Genetic search, steady state so it suits trials that finish out of order: until `population` trials
// have finished, configs are random (the sampler list puts the defaults first); after that each proposal is
// one child. Parents are picked by tournament among the pool: the best `population` finished trials so far
// plus each model's best. That makes the scheme elitist ((μ+λ): a good config is never lost) while one
// family filling the top ranks early cannot erase the others. Crossover is uniform per param when both
// parents are the same model, otherwise the child takes one parent's model and params whole (params of
// different models don't mix). Mutation works in the unit encoding of space.ts: a gaussian step per numeric
// param, a fresh draw for a categorical now and then, and occasionally a switch to another model (its
// defaults or random params). Failed trials (objective null) never become parents.
import type { Params } from '../ml/types.js';
import { randomConfig } from './random.js';
import { clampParam, configKey, defaultConfig, fromUnit, modelParams, sampleParams, toUnit } from './space.js';
import type { FinishedTrial, Random, Sampler, SearchSpace, TrialConfig } from './types.js';

export interface GeneticOptions {
  /** Population size, and the number of random configs before evolution starts. Default 12. */
  population?: number;
  /** Tournament size for picking a parent. Default 3. */
  tournament?: number;
  /** Chance a child is a crossover of two parents rather than a copy of one. Default 0.9. */
  crossover?: number;
  /** Chance each param mutates. Default 1 / (params of the model), at least 0.2. */
  mutation?: number;
  /** Gaussian step (standard deviation) in the unit encoding. Default 0.15. */
  step?: number;
  /** Chance a child switches to another model. Default 0.1 (0 with a single model). */
  modelSwitch?: number;
}

export function createGeneticSampler(space: SearchSpace, options: GeneticOptions = {}): Sampler {
  const population = Math.max(2, options.population ?? 12);
  const tournament = Math.max(1, options.tournament ?? 3);
  const crossover = options.crossover ?? 0.9;
  const step = options.step ?? 0.15;
  const modelSwitch = space.models.length > 1 ? (options.modelSwitch ?? 0.1) : 0;
  const kinds = space.models.map((m) => m.kind);

  function pick(pool: readonly FinishedTrial[], random: Random): FinishedTrial {
    let best: FinishedTrial | null = null;
    for (let i = 0; i < tournament; i++) {
      const t = pool[Math.floor(random() * pool.length)] as FinishedTrial;
      if (!best || (t.objective as number) > (best.objective as number)) best = t;
    }
    return best as FinishedTrial;
  }

  function child(pool: readonly FinishedTrial[], random: Random): TrialConfig {
    const a = pick(pool, random).config;
    let config: TrialConfig;
    if (random() < crossover) {
      const b = pick(pool, random).config;
      if (a.model === b.model) {
        const params: Params = {};
        for (const spec of modelParams(space, a.model)) {
          const from = random() < 0.5 ? a : b;
          params[spec.name] = from.params[spec.name] ?? spec.default;
        }
        config = { model: a.model, params };
      } else {
        config = random() < 0.5 ? a : b;
      }
    } else {
      config = a;
    }
    return mutate(config, random);
  }

  function mutate(config: TrialConfig, random: Random): TrialConfig {
    if (modelSwitch > 0 && random() < modelSwitch) {
      const others = kinds.filter((k) => k !== config.model);
      const kind = others[Math.floor(random() * others.length)] ?? config.model;
      return random() < 0.5 ? defaultConfig(space, kind) : { model: kind, params: sampleParams(modelParams(space, kind), random) };
    }
    const specs = modelParams(space, config.model);
    const rate = options.mutation ?? Math.max(0.2, 1 / Math.max(1, specs.length));
    const params: Params = {};
    for (const spec of specs) {
      const value = config.params[spec.name];
      if (random() >= rate) {
        params[spec.name] = value === undefined ? spec.default : clampParam(spec, value);
      } else if (spec.type === 'categorical') {
        params[spec.name] = spec.choices[Math.floor(random() * spec.choices.length)] ?? spec.default;
      } else {
        params[spec.name] = fromUnit(spec, reflect(toUnit(spec, value) + step * gaussian(random)));
      }
    }
    return { model: config.model, params };
  }

  return {
    name: 'genetic',
    propose(history, random) {
      const scored = history.filter((t) => t.objective !== null && Number.isFinite(t.objective) && kinds.includes(t.config.model));
      if (history.length < population || scored.length < 2) return randomConfig(space, random);
      scored.sort((a, b) => (b.objective as number) - (a.objective as number) || a.index - b.index);
      const pool = scored.slice(0, population);
      for (const kind of kinds) {
        const best = scored.find((t) => t.config.model === kind);
        if (best && !pool.includes(best)) pool.push(best);
      }
      const seen = new Set(history.map((t) => configKey(t.config)));
      let config = child(pool, random);
      // A copy of a finished trial teaches nothing: breed again a few times, then mutate harder.
      for (let i = 0; i < 8 && seen.has(configKey(config)); i++) config = child(pool, random);
      for (let i = 0; i < 8 && seen.has(configKey(config)); i++) config = mutate(mutate(config, random), random);
      return config;
    },
  };
}

function gaussian(random: Random): number {
  const u1 = 1 - random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
}

/** Keeps a mutated unit value inside [0, 1] by bouncing off the ends (clamping would pile values there). */
function reflect(u: number): number {
  let x = u;
  for (let i = 0; i < 4 && (x < 0 || x > 1); i++) x = x < 0 ? -x : 2 - x;
  return Math.min(1, Math.max(0, x));
}
