// The `mllab.profile.*` settings, read per file (a folder can override them) and checked: settings.json
// is hand-edited, so a wrong type falls back to the default instead of reaching the worker.
import * as vscode from 'vscode';
import { DEFAULT_MISSING_TOKENS } from '../protocol/profile.js';
import type { ProfileOptions } from '../protocol/profile.js';
import { DEFAULT_CLEAN_OUTPUT } from './cleanOutput.js';
import type { DriftThresholds } from '../protocol/deploy.js';
import { parseSweepBackend } from './sweepBackend.js';
import type { SweepBackendSettings } from './sweepBackend.js';

export interface ProfileSettings {
  options: ProfileOptions;
  cache: boolean;
}

export function readProfileSettings(file: vscode.Uri): ProfileSettings {
  const config = vscode.workspace.getConfiguration('mllab.profile', file);
  const tokens = config.get<unknown>('missingTokens');
  const threads = config.get<unknown>('threads');
  const cache = config.get<unknown>('cache');
  return {
    options: {
      missingTokens: Array.isArray(tokens) ? tokens.filter((t): t is string => typeof t === 'string') : [...DEFAULT_MISSING_TOKENS],
      threads: typeof threads === 'number' && Number.isInteger(threads) && threads >= 0 ? Math.min(threads, 256) : 0,
    },
    cache: typeof cache === 'boolean' ? cache : true,
  };
}

/** `mllab.clean.output`: the path template of Apply's output (see cleanOutput.ts). */
export function readCleanOutputTemplate(file: vscode.Uri): string {
  const output = vscode.workspace.getConfiguration('mllab.clean', file).get<unknown>('output');
  return typeof output === 'string' && output.trim() !== '' ? output : DEFAULT_CLEAN_OUTPUT;
}

/** `mllab.drift.*` defaults, as package.json declares them (and as DriftThresholds documents). */
const DRIFT_DEFAULTS: DriftThresholds = { psi: 0.2, pValue: 0.01, effect: 0.1 };

/** `mllab.drift.psiThreshold` / `pValue` / `effect`; a value out of range falls back to its default. */
export function readDriftThresholds(scope?: vscode.Uri): DriftThresholds {
  const config = vscode.workspace.getConfiguration('mllab.drift', scope);
  const read = (key: string, fallback: number, ok: (v: number) => boolean): number => {
    const v = config.get<unknown>(key);
    return typeof v === 'number' && Number.isFinite(v) && ok(v) ? v : fallback;
  };
  return {
    psi: read('psiThreshold', DRIFT_DEFAULTS.psi, (v) => v > 0),
    pValue: read('pValue', DRIFT_DEFAULTS.pValue, (v) => v > 0 && v < 1),
    effect: read('effect', DRIFT_DEFAULTS.effect, (v) => v >= 0 && v <= 1),
  };
}

/** `mllab.drift.autoRetrain` (retrain without asking when a check says drifted) and `mllab.drift.retrainData`. */
export function readRetrainSettings(scope?: vscode.Uri): { auto: boolean; mode: 'new' | 'combined' } {
  const config = vscode.workspace.getConfiguration('mllab.drift', scope);
  const auto = config.get<unknown>('autoRetrain');
  const mode = config.get<unknown>('retrainData');
  return { auto: auto === true, mode: mode === 'combined' ? 'combined' : 'new' };
}

/** `mllab.sweep.backend`, `mllab.sweep.redisUrl` and `mllab.sweep.offerHost`, checked (see sweepBackend.ts). */
export function readSweepBackendSettings(): SweepBackendSettings {
  const config = vscode.workspace.getConfiguration('mllab.sweep');
  return parseSweepBackend(config.get<unknown>('backend'), config.get<unknown>('redisUrl'), config.get<unknown>('offerHost'));
}
