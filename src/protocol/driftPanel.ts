// Host <-> webview messages of the Drift Report panel, plus the checks both sides run on what they receive.
// Free of vscode and the DOM: the host, the webview and the unit tests import it.
import { DRIFT_REPORT_FORMAT } from './deploy.js';
import type { DriftReport, FeatureDrift } from './deploy.js';

export const DRIFT_PANEL_PROTOCOL_VERSION = 1;

/** What the panel shows: the report, where it is stored, and whether Retrain can be offered. */
export interface DriftPanelSnapshot {
  report: DriftReport;
  /** The stored report file (.mllab/drift/*.json); the serializer reopens it after a window reload. */
  reportPath: string;
  /** The report is drifted and its model came from an experiment of this workspace, in a trusted workspace. */
  canRetrain: boolean;
}

export type DriftHostMessage =
  | { type: 'snapshot'; snapshot: DriftPanelSnapshot }
  | { type: 'exported'; ok: boolean; message: string }
  | { type: 'retrainState'; running: boolean; message: string | null };

export type DriftWebviewMessage =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'exportJson' }
  | { type: 'retrain' }
  | { type: 'openModel' };

/** Kept by VS Code across a window reload (setState): the report file and the feature the user had open. */
export interface DriftWebviewState {
  reportPath: string;
  selected: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number';

export function isDriftWebviewMessage(m: unknown): m is DriftWebviewMessage {
  if (!isObject(m)) return false;
  if (m.type === 'ready') return isNumber(m.protocolVersion);
  return m.type === 'exportJson' || m.type === 'retrain' || m.type === 'openModel';
}

export function isDriftHostMessage(m: unknown): m is DriftHostMessage {
  if (!isObject(m)) return false;
  if (m.type === 'snapshot') return isObject(m.snapshot) && parseDriftReport(m.snapshot.report) !== null && typeof m.snapshot.reportPath === 'string';
  if (m.type === 'exported') return typeof m.ok === 'boolean' && typeof m.message === 'string';
  if (m.type === 'retrainState') return typeof m.running === 'boolean';
  return false;
}

export function parseDriftState(x: unknown): DriftWebviewState | undefined {
  if (!isObject(x) || typeof x.reportPath !== 'string' || x.reportPath === '' || x.reportPath.length > 4096) return undefined;
  return { reportPath: x.reportPath, selected: typeof x.selected === 'string' ? x.selected : null };
}

function isFeatureDrift(f: unknown): f is FeatureDrift {
  if (!isObject(f)) return false;
  if (typeof f.name !== 'string' || (f.kind !== 'numeric' && f.kind !== 'categorical') || typeof f.drifted !== 'boolean') return false;
  if (!Array.isArray(f.reasons) || !isNumber(f.psi) || !isObject(f.missingRate) || !Array.isArray(f.bins)) return false;
  return f.bins.every((b) => isObject(b) && typeof b.label === 'string' && isNumber(b.reference) && isNumber(b.current));
}

/**
 * The report if `value` has DriftReport's shape (down to the fields the panel reads), else null. A report
 * file is read back after a reload and may have been edited by hand, so it is checked, not trusted.
 */
export function parseDriftReport(value: unknown): DriftReport | null {
  if (!isObject(value) || value.format !== DRIFT_REPORT_FORMAT || !isNumber(value.schemaVersion) || value.schemaVersion > 1) return null;
  if (typeof value.drifted !== 'boolean' || typeof value.verdict !== 'string') return null;
  if (!isObject(value.reference) || !isObject(value.current) || !isObject(value.thresholds)) return null;
  if (!Array.isArray(value.features) || !value.features.every(isFeatureDrift)) return null;
  if (value.prediction !== null && value.prediction !== undefined && !isFeatureDrift(value.prediction)) return null;
  return value as unknown as DriftReport;
}

/** Table order: drifted features first, then by PSI (largest first), then by name. */
export function orderFeatures(features: readonly FeatureDrift[]): FeatureDrift[] {
  return [...features].sort((a, b) => Number(b.drifted) - Number(a.drifted) || b.psi - a.psi || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The feature's test as the table shows it: "KS 0.412" / "χ² 31.2 (df 3)", with its p-value. */
export function testText(f: FeatureDrift): { test: string; pValue: number | null } {
  if (f.ks) return { test: `KS ${formatStat(f.ks.statistic)}`, pValue: f.ks.pValue };
  if (f.chi2) return { test: `χ² ${formatStat(f.chi2.statistic)} (df ${f.chi2.dof})`, pValue: f.chi2.pValue };
  return { test: '—', pValue: null };
}

/** Three significant digits, no exponent for ordinary sizes. */
export function formatStat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a < 0.001) return v.toExponential(1);
  return String(Number(v.toPrecision(3)));
}

/** p-values: "< 1e-16" at the floor of double precision, else two significant digits. */
export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '—';
  if (p < 1e-16) return '< 1e-16';
  if (p < 0.001) return p.toExponential(1);
  return String(Number(p.toPrecision(2)));
}

/** "2.0% → 15.5%"; the same rate twice prints once. */
export function missingText(rate: { reference: number; current: number }): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  return rate.reference === rate.current ? pct(rate.reference) : `${pct(rate.reference)} → ${pct(rate.current)}`;
}
