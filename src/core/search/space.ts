// The search space: which model families may be tried, and each one's own hyperparameters. Every sampler
// works through the helpers here, so log scales, integer rounding and the unit-cube encoding used by TPE
// and the genetic sampler mean the same thing everywhere.
import type { ModelKind, ParamSpec, ParamValue, Params } from '../ml/types.js';
import type { Random, SearchSpace, TrialConfig } from './types.js';

/** What the space needs from a model family (a ModelFamily fits). */
export interface ModelSpaceEntry {
  readonly kind: ModelKind;
  readonly space: readonly ParamSpec[];
}

/**
 * The space over the requested model kinds, in the order requested (all given families when `kinds` is
 * absent). Throws when a requested kind has no family, when nothing is left, or when a spec is unusable
 * (low > high, a log range not above 0, a default outside its range, no choices).
 */
export function buildSearchSpace(families: readonly ModelSpaceEntry[], kinds?: readonly ModelKind[]): SearchSpace {
  const wanted = kinds ?? families.map((f) => f.kind);
  const models: SearchSpace['models'] = [];
  for (const kind of wanted) {
    if (models.some((m) => m.kind === kind)) continue;
    const family = families.find((f) => f.kind === kind);
    if (!family) throw new Error(`No model family for '${kind}'.`);
    for (const spec of family.space) checkSpec(kind, spec);
    models.push({ kind, params: family.space });
  }
  if (models.length === 0) throw new Error('The search space has no model to try.');
  return { models };
}

function checkSpec(kind: ModelKind, spec: ParamSpec): void {
  const where = `${kind}.${spec.name}`;
  if (spec.type === 'categorical') {
    if (spec.choices.length === 0) throw new Error(`${where}: no choices.`);
    if (!spec.choices.includes(spec.default)) throw new Error(`${where}: default ${String(spec.default)} is not a choice.`);
    return;
  }
  if (!(spec.low <= spec.high)) throw new Error(`${where}: low ${spec.low} > high ${spec.high}.`);
  if (spec.log && !(spec.low > 0)) throw new Error(`${where}: a log range needs low > 0.`);
  if (spec.type === 'int' && (!Number.isInteger(spec.low) || !Number.isInteger(spec.high))) throw new Error(`${where}: int bounds must be integers.`);
  if (!(spec.default >= spec.low && spec.default <= spec.high)) throw new Error(`${where}: default ${spec.default} outside [${spec.low}, ${spec.high}].`);
}

export function modelParams(space: SearchSpace, kind: ModelKind): readonly ParamSpec[] {
  const model = space.models.find((m) => m.kind === kind);
  if (!model) throw new Error(`'${kind}' is not in the search space.`);
  return model.params;
}

// Unit encoding. Numbers map linearly (or in log) onto [0, 1]; an int range is widened by half a step on
// each side so that equal slices of the unit interval round to each integer (uniform u → uniform ints).
// A categorical's choice i sits at the middle of slice i of n.

function numericBounds(spec: ParamSpec & { type: 'int' | 'float' }): [number, number] {
  let lo = spec.low;
  let hi = spec.high;
  if (spec.type === 'int') {
    lo -= 0.5;
    hi += 0.5;
    // A log int range starting at 1 would widen to 0.5; keep it positive whatever the low bound.
    if (spec.log) lo = Math.max(lo, spec.low / 2);
  }
  return spec.log ? [Math.log(lo), Math.log(hi)] : [lo, hi];
}

/** A param value → [0, 1]. A value of the wrong type, or a missing one, encodes the default. */
export function toUnit(spec: ParamSpec, value: ParamValue | undefined): number {
  if (spec.type === 'categorical') {
    let i = value === undefined ? -1 : spec.choices.indexOf(value);
    if (i < 0) i = spec.choices.indexOf(spec.default);
    return (i + 0.5) / spec.choices.length;
  }
  const v = typeof value === 'number' && Number.isFinite(value) ? value : spec.default;
  const [lo, hi] = numericBounds(spec);
  if (hi === lo) return 0.5;
  const x = spec.log ? Math.log(Math.max(v, Number.MIN_VALUE)) : v;
  return clampUnit((x - lo) / (hi - lo));
}

/** [0, 1] → a param value (ints rounded, everything inside its range). */
export function fromUnit(spec: ParamSpec, u: number): ParamValue {
  const w = clampUnit(u);
  if (spec.type === 'categorical') {
    const n = spec.choices.length;
    return spec.choices[Math.min(n - 1, Math.floor(w * n))] as ParamValue;
  }
  if (spec.type === 'float' && (w === 0 || w === 1)) return w === 0 ? spec.low : spec.high; // exact ends, not exp(log(x))
  const [lo, hi] = numericBounds(spec);
  const x = lo + w * (hi - lo);
  return clampParam(spec, spec.log ? Math.exp(x) : x);
}

function clampUnit(u: number): number {
  return Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0.5;
}

/** A value forced into its spec: numbers clamped to the range (ints rounded), an unknown choice → the default. */
export function clampParam(spec: ParamSpec, value: ParamValue): ParamValue {
  if (spec.type === 'categorical') return spec.choices.includes(value) ? value : spec.default;
  if (typeof value !== 'number' || Number.isNaN(value)) return spec.default;
  const v = Math.min(spec.high, Math.max(spec.low, value));
  return spec.type === 'int' ? Math.min(spec.high, Math.max(spec.low, Math.round(v))) : v;
}

/** One value drawn uniformly (log-uniformly when `log`). */
export function sampleParam(spec: ParamSpec, random: Random): ParamValue {
  return fromUnit(spec, random());
}

export function sampleParams(params: readonly ParamSpec[], random: Random): Params {
  const out: Params = {};
  for (const spec of params) out[spec.name] = sampleParam(spec, random);
  return out;
}

/** A config's params in the model's spec order, each in [0, 1] (missing params encode their default). */
export function encodeConfig(space: SearchSpace, config: TrialConfig): number[] {
  return modelParams(space, config.model).map((spec) => toUnit(spec, config.params[spec.name]));
}

export function decodeConfig(space: SearchSpace, kind: ModelKind, unit: readonly number[]): TrialConfig {
  const params: Params = {};
  modelParams(space, kind).forEach((spec, i) => (params[spec.name] = fromUnit(spec, unit[i] ?? 0.5)));
  return { model: kind, params };
}

/** A config with every param of its model present and inside its spec; params the model lacks dropped. */
export function completeConfig(space: SearchSpace, config: TrialConfig): TrialConfig {
  const params: Params = {};
  for (const spec of modelParams(space, config.model)) {
    const v = config.params[spec.name];
    params[spec.name] = v === undefined ? spec.default : clampParam(spec, v);
  }
  return { model: config.model, params };
}

export function defaultConfig(space: SearchSpace, kind: ModelKind): TrialConfig {
  const params: Params = {};
  for (const spec of modelParams(space, kind)) params[spec.name] = spec.default;
  return { model: kind, params };
}

/** A stable text key for a config (its model and params in spec order), for spotting repeats. */
export function configKey(config: TrialConfig): string {
  const names = Object.keys(config.params).sort();
  return JSON.stringify([config.model, names.map((n) => [n, config.params[n]])]);
}

export interface GridOptions {
  /** Points per int/float param (ends included; log-spaced when `log`). Default 3. */
  points?: number;
  /** Points for particular params, by name, overriding `points`. */
  pointsFor?: Record<string, number>;
}

/** The grid values of one param: every choice; for numbers `points` evenly spaced values (distinct ints). */
export function gridPoints(spec: ParamSpec, options: GridOptions = {}): ParamValue[] {
  if (spec.type === 'categorical') return [...spec.choices];
  const n = Math.max(1, Math.floor(options.pointsFor?.[spec.name] ?? options.points ?? 3));
  if (n === 1 || spec.low === spec.high) return [spec.type === 'int' ? clampParam(spec, spec.default) : spec.default];
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / (n - 1);
    let v = spec.log ? Math.exp(Math.log(spec.low) + t * (Math.log(spec.high) - Math.log(spec.low))) : spec.low + t * (spec.high - spec.low);
    if (i === 0) v = spec.low; // exact ends, not exp(log(x)) with its rounding
    if (i === n - 1) v = spec.high;
    v = spec.type === 'int' ? Math.round(v) : v;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
