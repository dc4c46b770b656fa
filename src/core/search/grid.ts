// Grid search: every model's full cross product of grid points (space.ts gridPoints), the models taken in
// turn (round-robin) so a sweep stopped by its budget has tried every model early, each model's defaults
// first. The cross products are walked lazily (a mixed-radix counter), so a large grid costs no memory.
// Points already in the history (a resumed sweep) are skipped; null once everything has been proposed.
import type { ModelKind, ParamSpec, ParamValue, Params } from '../ml/types.js';
import { configKey, defaultConfig, gridPoints, type GridOptions } from './space.js';
import type { Sampler, SearchSpace, TrialConfig } from './types.js';

export interface GridSamplerOptions extends GridOptions {
  /** Propose each model's default config before its grid (default true). */
  defaultsFirst?: boolean;
}

interface ModelGrid {
  kind: ModelKind;
  specs: readonly ParamSpec[];
  axes: ParamValue[][];
  size: number;
  next: number;
}

function modelGrids(space: SearchSpace, options: GridOptions): ModelGrid[] {
  return space.models.map((m) => {
    const axes = m.params.map((spec) => gridPoints(spec, options));
    return { kind: m.kind, specs: m.params, axes, size: axes.reduce((n, a) => n * a.length, 1), next: 0 };
  });
}

function gridConfig(grid: ModelGrid, at: number): TrialConfig {
  const params: Params = {};
  let rest = at;
  // The last param varies fastest.
  for (let i = grid.axes.length - 1; i >= 0; i--) {
    const axis = grid.axes[i] as ParamValue[];
    params[(grid.specs[i] as ParamSpec).name] = axis[rest % axis.length] as ParamValue;
    rest = Math.floor(rest / axis.length);
  }
  // Spec order for the key and for readers of the journal.
  const ordered: Params = {};
  for (const spec of grid.specs) ordered[spec.name] = params[spec.name] as ParamValue;
  return { model: grid.kind, params: ordered };
}

/** The number of configs the grid sampler proposes at most (defaults that fall on the grid counted once). */
export function gridSize(space: SearchSpace, options: GridSamplerOptions = {}): number {
  const grids = modelGrids(space, options);
  let n = 0;
  for (const g of grids) {
    n += g.size;
    if (options.defaultsFirst !== false && !onGrid(g, defaultConfig(space, g.kind))) n += 1;
  }
  return n;
}

function onGrid(grid: ModelGrid, config: TrialConfig): boolean {
  return grid.specs.every((spec, i) => (grid.axes[i] as ParamValue[]).includes(config.params[spec.name] as ParamValue));
}

export function createGridSampler(space: SearchSpace, options: GridSamplerOptions = {}): Sampler {
  const grids = modelGrids(space, options);
  const pendingDefaults = options.defaultsFirst === false ? [] : space.models.map((m) => defaultConfig(space, m.kind));
  const proposed = new Set<string>();
  let turn = 0;

  /** The next fresh point of the next model in turn that has one left (a model skips its own repeats, not its turn). */
  function nextFromGrids(fresh: (c: TrialConfig) => boolean): TrialConfig | null {
    for (let tried = 0; tried < grids.length; tried++) {
      const grid = grids[turn % grids.length] as ModelGrid;
      turn++;
      while (grid.next < grid.size) {
        const config = gridConfig(grid, grid.next++);
        if (fresh(config)) return config;
      }
    }
    return null;
  }

  return {
    name: 'grid',
    propose(history) {
      const seen = new Set(history.map((t) => configKey(t.config)));
      const fresh = (c: TrialConfig): boolean => !seen.has(configKey(c)) && !proposed.has(configKey(c));
      let config: TrialConfig | null | undefined;
      do config = pendingDefaults.shift();
      while (config && !fresh(config));
      config ??= nextFromGrids(fresh);
      if (config) proposed.add(configKey(config));
      return config;
    },
  };
}
