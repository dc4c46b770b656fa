// Messages between the Data Quality panel controller (extension host) and its webview app.
// The host sends one full snapshot first (and again whenever the webview reloads), then progress deltas.
// Both sides validate what they receive: a webview is a separate page and old state can outlive a build.
import type { DatasetVersion } from './datasetVersion.js';
import type { DatasetProfile, ProfileProgress } from './profile.js';
import type { Recipe, RecipePreview, StepChoice, Suggestion } from './recipe.js';
import { isRecord } from './jsonShape.js';

/** Bump when a message changes shape; the webview sends it in `ready` and the host checks it. */
export const PROTOCOL_VERSION = 2;

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
  /** Everything the Clean tab, the lineage block and the comparison show. */
  clean: CleanState;
}

export interface Comparison {
  parent: DatasetProfile;
  parentName: string;
  /** Counts the host's setComparison calls: a new number is a comparison the user just asked for. */
  requested: number;
}

export type CleanPreviewResult = { preview: RecipePreview; recipe: Recipe } | { error: string };

export type VersionAction = 'rename' | 'delete' | 'compareWithParent' | 'openParent';

export type CodeLanguage = 'python' | 'typescript';

export interface CleanState {
  /** From the last full profile; null until the host has them. */
  suggestions: Suggestion[] | null;
  /** The last Preview's result (cleared when new suggestions arrive: it was fitted on the old profile). */
  preview: CleanPreviewResult | null;
  /** e.g. "Applying 4 steps… 35%"; null when idle. */
  busy: string | null;
  /** The lineage of this file when ML Lab wrote it; null for a source file. */
  version: DatasetVersion | null;
  /** The parent's profile to show beside this file's, once the user asked for it. */
  comparison: Comparison | null;
}

export type HostMessage =
  | { type: 'snapshot'; snapshot: PanelSnapshot }
  | { type: 'progress'; progress: ProfileProgress }
  | { type: 'exported'; format: ExportFormat; ok: boolean; message: string }
  /** The clean part of the snapshot alone, so a Preview or a version does not resend the profile. */
  | { type: 'clean'; clean: CleanState }
  | { type: 'cleanBusy'; busy: string | null };

export type WebviewMessage =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'reprofile' }
  /** Start AutoML Sweep on this panel's file (the host runs the command with the file). */
  | { type: 'startSweep' }
  | { type: 'export'; format: ExportFormat }
  | { type: 'cleanPreview'; choices: StepChoice[] }
  | { type: 'cleanApply'; choices: StepChoice[] }
  | { type: 'exportCode'; language: CodeLanguage; choices: StepChoice[] }
  | { type: 'versionAction'; action: VersionAction };

export type SortKey = 'index' | 'name' | 'type' | 'missingPct' | 'distinct' | 'warnings';

export type PanelTab = 'columns' | 'warnings' | 'correlations' | 'missing' | 'clean' | 'compare';

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
  /** The Clean tab's changes to the suggested steps, by suggestion id (rows not here are as suggested). */
  cleanEdits: Record<string, CleanEdit>;
  /** The choices (as JSON) the preview on screen was made from: tells when it is out of date. */
  previewKey: string | null;
  /** The Clean tab's filter text. */
  cleanFilter: string;
}

export interface CleanEdit {
  checked: boolean;
  /** Index into the row's options: 0 is the suggested step, then its alternatives. */
  option: number;
  /** Parameter fields as typed (validated when used). */
  params: Record<string, string>;
}

const PHASES: readonly string[] = ['loading', 'preview', 'ready', 'error', 'cancelled'];
const FORMATS: readonly string[] = ['html', 'md'];
const SORT_KEYS: readonly string[] = ['index', 'name', 'type', 'missingPct', 'distinct', 'warnings'];
const TABS: readonly string[] = ['columns', 'warnings', 'correlations', 'missing', 'clean', 'compare'];
const VERSION_ACTIONS: readonly string[] = ['rename', 'delete', 'compareWithParent', 'openParent'];
const LANGUAGES: readonly string[] = ['python', 'typescript'];


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
    isNullableString(x.error) &&
    isCleanState(x.clean)
  );
}

export function emptyCleanState(): CleanState {
  return { suggestions: null, preview: null, busy: null, version: null, comparison: null };
}

/** Shallow on the way in: an op added to the core later must not make the whole snapshot unreadable. */
function looksLikeChoice(x: unknown): x is StepChoice {
  return isRecord(x) && typeof x.op === 'string';
}

function looksLikeSuggestion(x: unknown): x is Suggestion {
  return (
    isRecord(x) &&
    typeof x.id === 'string' &&
    isNullableString(x.column) &&
    typeof x.evidence === 'string' &&
    looksLikeChoice(x.choice) &&
    Array.isArray(x.alternatives) &&
    x.alternatives.every((a) => isRecord(a) && typeof a.label === 'string' && (a.choice === null || looksLikeChoice(a.choice))) &&
    isFiniteNumber(x.impact) &&
    typeof x.selected === 'boolean'
  );
}

function looksLikeStats(x: unknown): boolean {
  return x === null || (isRecord(x) && typeof x.name === 'string' && isFiniteNumber(x.count) && isFiniteNumber(x.missing) && Array.isArray(x.top));
}

function looksLikePreview(x: unknown): x is RecipePreview {
  return (
    isRecord(x) &&
    isFiniteNumber(x.sampleRows) &&
    typeof x.complete === 'boolean' &&
    Array.isArray(x.affected) &&
    x.affected.every((a) => isRecord(a) && typeof a.name === 'string' && looksLikeStats(a.before) && looksLikeStats(a.after)) &&
    isStringArray(x.columns) &&
    Array.isArray(x.rows) &&
    x.rows.every(isStringArray) &&
    looksLikeApplyReport(x.report)
  );
}

function looksLikeApplyReport(x: unknown): boolean {
  return isRecord(x) && isFiniteNumber(x.rowsIn) && isFiniteNumber(x.rowsOut) && Array.isArray(x.unknown) && isRecord(x.columnChanges);
}

function looksLikeRecipe(x: unknown): x is Recipe {
  return isRecord(x) && isFiniteNumber(x.schemaVersion) && isRecord(x.source) && Array.isArray(x.steps) && x.steps.every((s) => isRecord(s) && typeof s.op === 'string');
}

function looksLikeVersion(x: unknown): x is DatasetVersion {
  return (
    isRecord(x) &&
    typeof x.hash === 'string' &&
    typeof x.path === 'string' &&
    typeof x.name === 'string' &&
    (x.parent === null || (isRecord(x.parent) && typeof x.parent.hash === 'string' && typeof x.parent.path === 'string')) &&
    (x.recipe === null || looksLikeRecipe(x.recipe)) &&
    (x.report === null || looksLikeApplyReport(x.report)) &&
    isFiniteNumber(x.rows) &&
    typeof x.createdAt === 'string'
  );
}

function isCleanPreviewResult(x: unknown): x is CleanPreviewResult {
  if (!isRecord(x)) return false;
  if (typeof x.error === 'string') return true;
  return looksLikePreview(x.preview) && looksLikeRecipe(x.recipe);
}

export function isCleanState(x: unknown): x is CleanState {
  return (
    isRecord(x) &&
    (x.suggestions === null || (Array.isArray(x.suggestions) && x.suggestions.every(looksLikeSuggestion))) &&
    (x.preview === null || isCleanPreviewResult(x.preview)) &&
    isNullableString(x.busy) &&
    (x.version === null || looksLikeVersion(x.version)) &&
    (x.comparison === null || (isRecord(x.comparison) && looksLikeProfile(x.comparison.parent) && typeof x.comparison.parentName === 'string' && isFiniteNumber(x.comparison.requested)))
  );
}

function isStringArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}

function optional(x: unknown, check: (v: unknown) => boolean): boolean {
  return x === undefined || check(x);
}

function isColumnName(x: unknown): x is string {
  return typeof x === 'string' && x !== '';
}

/**
 * Full check of a StepChoice: these come from the webview and go straight into fitting, so every field an
 * op reads must have its type and range (the fitting code trusts them).
 */
export function isStepChoice(x: unknown): x is StepChoice {
  if (!isRecord(x) || typeof x.op !== 'string') return false;
  const column = isColumnName(x.column);
  switch (x.op) {
    case 'dropDuplicateRows':
      return true;
    case 'dropColumns':
      return isStringArray(x.columns) && x.columns.length > 0 && typeof x.reason === 'string';
    case 'dropColumnsAboveMissing':
      return isFiniteNumber(x.percent) && x.percent >= 0 && x.percent <= 100;
    case 'dropRowsMissing':
    case 'trimWhitespace':
      return isStringArray(x.columns) && x.columns.length > 0;
    case 'impute':
      return (
        column &&
        typeof x.strategy === 'string' &&
        ['mean', 'median', 'mode', 'constant'].includes(x.strategy) &&
        typeof x.indicator === 'boolean' &&
        optional(x.constant, (v) => typeof v === 'string' || isFiniteNumber(v)) &&
        (x.strategy !== 'constant' || x.constant !== undefined)
      );
    case 'parseNumbers':
      return column && optional(x.thousands, (v) => typeof v === 'string') && optional(x.percentAsFraction, (v) => typeof v === 'boolean');
    case 'dateFeatures':
      return (
        column &&
        optional(x.features, (v) => isStringArray(v) && v.every((f) => ['year', 'month', 'day', 'dayOfWeek'].includes(f))) &&
        optional(x.dropColumn, (v) => typeof v === 'boolean')
      );
    case 'groupRare':
      return column && isFiniteNumber(x.minShare) && x.minShare > 0 && x.minShare < 1;
    case 'clip':
      return column && (x.method === 'iqr' || x.method === 'percentile') && optional(x.percentile, (v) => v === 1 || v === 5);
    case 'scale':
      return column && (x.method === 'standard' || x.method === 'minMax' || x.method === 'robust');
    case 'oneHot':
      return column && optional(x.maxCategories, (v) => isFiniteNumber(v) && Number.isInteger(v) && v >= 1);
    case 'oversample':
      return column && optional(x.ratio, (v) => isFiniteNumber(v) && v > 0 && v <= 1) && optional(x.seed, (v) => isFiniteNumber(v) && Number.isInteger(v));
    case 'smote':
      return (
        column &&
        optional(x.ratio, (v) => isFiniteNumber(v) && v > 0 && v <= 1) &&
        optional(x.k, (v) => isFiniteNumber(v) && Number.isInteger(v) && v >= 1) &&
        optional(x.seed, (v) => isFiniteNumber(v) && Number.isInteger(v)) &&
        optional(x.features, (v) => isStringArray(v) && v.length > 0)
      );
    case 'parseBooleans':
    case 'unifyCase':
    case 'flagOutliers':
    case 'log1p':
    case 'yeoJohnson':
    case 'ordinal':
    case 'frequency':
      return column;
    default:
      return false;
  }
}

function isChoiceList(x: unknown): x is StepChoice[] {
  return Array.isArray(x) && x.every(isStepChoice);
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
    case 'clean':
      return isCleanState(x.clean);
    case 'cleanBusy':
      return isNullableString(x.busy);
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
    case 'startSweep':
      return true;
    case 'export':
      return typeof x.format === 'string' && FORMATS.includes(x.format);
    case 'cleanPreview':
    case 'cleanApply':
      return isChoiceList(x.choices);
    case 'exportCode':
      return typeof x.language === 'string' && LANGUAGES.includes(x.language) && isChoiceList(x.choices);
    case 'versionAction':
      return typeof x.action === 'string' && VERSION_ACTIONS.includes(x.action);
    default:
      return false;
  }
}

export function defaultWebviewState(fileUri: string): WebviewState {
  return { fileUri, filter: '', typeFilter: '', sortKey: 'index', sortDescending: false, selectedColumn: null, scrollTop: 0, tab: 'columns', cleanEdits: {}, previewKey: null, cleanFilter: '' };
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
  if (isRecord(x.cleanEdits)) {
    for (const [id, e] of Object.entries(x.cleanEdits)) {
      if (id === '__proto__' || !isRecord(e) || typeof e.checked !== 'boolean' || !isFiniteNumber(e.option) || !isRecord(e.params)) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(e.params)) if (typeof v === 'string') params[k] = v;
      s.cleanEdits[id] = { checked: e.checked, option: e.option, params };
    }
  }
  if (typeof x.previewKey === 'string') s.previewKey = x.previewKey;
  if (typeof x.cleanFilter === 'string') s.cleanFilter = x.cleanFilter;
  return s;
}
