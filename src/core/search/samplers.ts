// Sampler by name, with the two things every strategy shares: a warm start (configs from an earlier
// experiment, proposed first) and each model's defaults proposed next — the defaults are meant to be good
// models on their own, so a short sweep should always have tried them. Both are skipped when already in
// the history (a resumed sweep) or already proposed by this sampler. The grid has its own defaults-first
// order, so only the warm start is added in front of it.
import { createGeneticSampler, type GeneticOptions } from './genetic.js';
import { createGridSampler, type GridSamplerOptions } from './grid.js';
import { createRandomSampler } from './random.js';
import { completeConfig, configKey, defaultConfig } from './space.js';
import { createTpeSampler, type TpeOptions } from './tpe.js';
import type { Sampler, SamplerName, SearchSpace, TrialConfig } from './types.js';

export const SAMPLER_NAMES: readonly SamplerName[] = ['tpe', 'random', 'grid', 'genetic'];

export interface SamplerOptions {
  /** Configs proposed before anything else (e.g. an earlier experiment's best). Models outside the space are dropped. */
  initial?: readonly TrialConfig[];
  /** Propose each model's default config right after `initial` (default true). */
  defaultsFirst?: boolean;
  tpe?: TpeOptions;
  grid?: GridSamplerOptions;
  genetic?: GeneticOptions;
}

export function createSampler(name: SamplerName, space: SearchSpace, options: SamplerOptions = {}): Sampler {
  const strategy = createStrategy(name, space, options);
  const kinds = new Set(space.models.map((m) => m.kind));
  const queue: TrialConfig[] = (options.initial ?? []).filter((c) => kinds.has(c.model)).map((c) => completeConfig(space, c));
  if (name !== 'grid' && options.defaultsFirst !== false) queue.push(...space.models.map((m) => defaultConfig(space, m.kind)));
  const proposed = new Set<string>();

  return {
    name,
    propose(history, random) {
      if (queue.length > 0) {
        const seen = new Set(history.map((t) => configKey(t.config)));
        for (let config = queue.shift(); config; config = queue.shift()) {
          const key = configKey(config);
          if (seen.has(key) || proposed.has(key)) continue;
          proposed.add(key);
          return config;
        }
      }
      return strategy.propose(history, random);
    },
  };
}

function createStrategy(name: SamplerName, space: SearchSpace, options: SamplerOptions): Sampler {
  switch (name) {
    case 'tpe':
      return createTpeSampler(space, options.tpe);
    case 'random':
      return createRandomSampler(space);
    case 'grid':
      return createGridSampler(space, options.grid);
    case 'genetic':
      return createGeneticSampler(space, options.genetic);
  }
}
