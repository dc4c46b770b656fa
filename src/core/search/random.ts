// Random search: a model chosen uniformly, then each of its params drawn uniformly (log-uniformly on log
// scales). The baseline every other sampler must beat, and the startup phase of TPE and the genetic sampler.
import { sampleParams } from './space.js';
import type { Random, Sampler, SearchSpace, TrialConfig } from './types.js';

export function randomConfig(space: SearchSpace, random: Random): TrialConfig {
  const n = space.models.length;
  const model = space.models[Math.min(n - 1, Math.floor(random() * n))];
  if (!model) throw new Error('The search space has no model to try.');
  return { model: model.kind, params: sampleParams(model.params, random) };
}

export function createRandomSampler(space: SearchSpace): Sampler {
  return { name: 'random', propose: (_history, random) => randomConfig(space, random) };
}

/**
 * A small seeded generator (mulberry32) for tests and benchmarks; the sweep derives its own per-trial
 * streams. Same seed, same sequence, values in [0, 1).
 */
export function seededRandom(seed: number): Random {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
