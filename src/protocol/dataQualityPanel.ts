// Messages between the Data Quality panel controller (extension host) and its webview app.
// The host sends one full snapshot first (and again whenever the webview reloads), then progress deltas.
// Both sides validate what they receive: a webview is a separate page and old state can outlive a build.
import type { DatasetProfile, ProfileProgress } from './profile.js';

/** Bump when a message changes shape; the webview sends it in `ready` and the host checks it. */
export const PROTOCOL_VERSION = 1;

export type PanelPhase = 'loading' | 'preview' | 'ready' | 'error' | 'cancelled';

export type ExportFormat = 'html' | 'md';

export interface PanelSnapshot {
  /** The profiled file as a URI string; the webview saves it so the panel can be revived after a reload. */
  fileUri: string;
  /** Base name shown in the header, e.g. "loans.csv". */
  fileName: string;
  phase: PanelPhase;
  /** The preview (phase 'preview') or the full profile (phase 'ready'); may linger under error/cancelled. */
  profile: DatasetProfile | null;
  progress: ProfileProgress | null;
  /** e.g. "Loaded from cache (profiled 2 min ago)". */
  notice: string | null;
  error: string | null;
}

export type HostMessage =
  | { type: 'snapshot'; snapshot: PanelSnapshot }
  | { type: 'progress'; progress: ProfileProgress }
  | { type: 'exported'; format: ExportFormat; ok: boolean; message: string };

export type WebviewMessage =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'reprofile' }
  | { type: 'export'; format: ExportFormat };

export type SortKey = 'index' | 'name' | 'type' | 'missingPct' | 'distinct' | 'warnings';

export type PanelTab = 'columns' | 'warnings' | 'correlations' | 'missing';

/** UI state the webview keeps with vscode.setState; the host reads `fileUri` from it to revive the panel. */
export interface WebviewState {
  fileUri: string;
  filter: string;
  typeFilter: string;
  sortKey: SortKey;
  sortDescending: boolean;
  selectedColumn: string | null;
  scrollTop: number;
  tab: PanelTab;
}

const PHASES: readonly string[] = ['loading', 'preview', 'ready', 'error', 'cancelled'];
const FORMATS: readonly string[] = ['html', 'md'];
const SORT_KEYS: readonly string[] = ['index', 'name', 'type', 'missingPct', 'distinct', 'warnings'];
const TABS: readonly string[] = ['columns', 'warnings', 'correlations', 'missing'];

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function isProfileProgress(x: unknown): x is ProfileProgress {
  return (
    isRecord(x) &&
    isFiniteNumber(x.bytesDone) &&
    isFiniteNumber(x.bytesTotal) &&
    isFiniteNumber(x.rowsDone) &&
    (x.etaMs === null || isFiniteNumber(x.etaMs))
  );
}

/** Shallow check of a profile: enough that the renderers cannot trip over a missing array. */
export function looksLikeProfile(x: unknown): x is DatasetProfile {
  return (
    isRecord(x) &&
    typeof x.preview === 'boolean' &&
    isFiniteNumber(x.rows) &&
    isFiniteNumber(x.columnCount) &&
    Array.isArray(x.columns) &&
    Array.isArray(x.warnings) &&
    isRecord(x.correlations) &&
    isRecord(x.missingCooccurrence) &&
    isRecord(x.file)
  );
}

function isNullableString(x: unknown): x is string | null {
  return x === null || typeof x === 'string';
}

export function isPanelSnapshot(x: unknown): x is PanelSnapshot {
  return (
    isRecord(x) &&
    typeof x.fileUri === 'string' &&
    typeof x.fileName === 'string' &&
    typeof x.phase === 'string' &&
    PHASES.includes(x.phase) &&
    (x.profile === null || looksLikeProfile(x.profile)) &&
    (x.progress === null || isProfileProgress(x.progress)) &&
    isNullableString(x.notice) &&
    isNullableString(x.error)
  );
}

export function isHostMessage(x: unknown): x is HostMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'snapshot':
      return isPanelSnapshot(x.snapshot);
    case 'progress':
      return isProfileProgress(x.progress);
    case 'exported':
      return typeof x.format === 'string' && FORMATS.includes(x.format) && typeof x.ok === 'boolean' && typeof x.message === 'string';
    default:
      return false;
  }
}

export function isWebviewMessage(x: unknown): x is WebviewMessage {
  if (!isRecord(x)) return false;
  switch (x.type) {
    case 'ready':
      return isFiniteNumber(x.protocolVersion);
    case 'reprofile':
      return true;
    case 'export':
      return typeof x.format === 'string' && FORMATS.includes(x.format);
    default:
      return false;
  }
}

export function defaultWebviewState(fileUri: string): WebviewState {
  return { fileUri, filter: '', typeFilter: '', sortKey: 'index', sortDescending: false, selectedColumn: null, scrollTop: 0, tab: 'columns' };
}

/**
 * Reads saved state field by field, keeping what is valid: state written by an older build should
 * restore as much as it can rather than be thrown away. Undefined when there is no file to revive.
 */
export function parseWebviewState(x: unknown): WebviewState | undefined {
  if (!isRecord(x) || typeof x.fileUri !== 'string' || x.fileUri === '') return undefined;
  const s = defaultWebviewState(x.fileUri);
  if (typeof x.filter === 'string') s.filter = x.filter;
  if (typeof x.typeFilter === 'string') s.typeFilter = x.typeFilter;
  if (typeof x.sortKey === 'string' && SORT_KEYS.includes(x.sortKey)) s.sortKey = x.sortKey as SortKey;
  if (typeof x.sortDescending === 'boolean') s.sortDescending = x.sortDescending;
  if (typeof x.selectedColumn === 'string') s.selectedColumn = x.selectedColumn;
  if (isFiniteNumber(x.scrollTop) && x.scrollTop >= 0) s.scrollTop = x.scrollTop;
  if (typeof x.tab === 'string' && TABS.includes(x.tab)) s.tab = x.tab as PanelTab;
  return s;
}
