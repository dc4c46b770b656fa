// The `mllab.profile.*` settings, read per file (a folder can override them) and checked: settings.json
// is hand-edited, so a wrong type falls back to the default instead of reaching the worker.
import * as vscode from 'vscode';
import { DEFAULT_MISSING_TOKENS } from '../protocol/profile.js';
import type { ProfileOptions } from '../protocol/profile.js';
import { DEFAULT_CLEAN_OUTPUT } from './cleanOutput.js';

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
