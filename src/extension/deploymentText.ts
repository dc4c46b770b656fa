// What the editor says about deployments, kept free of `vscode` so it is unit-tested in plain Node: the
// line `mllab serve` prints when it listens, new deployment ids, and the Models view's rows (label,
// description, tooltip, menu context) from a DeploymentRecord and its DeploymentStats.
import { basename, dirname } from 'node:path';
import type { DeploymentRecord, DeploymentStats, RetrainOutcome } from '../protocol/deploy.js';

/** `mllab serve` prints exactly one `listening on http://HOST:PORT` line on stdout once it accepts requests. */
export function parseListeningLine(line: string): { url: string; host: string; port: number } | null {
  const m = /^listening on (https?:\/\/(\[[0-9a-fA-F:.]+\]|[^\s/:]+):(\d{1,5}))\/?\s*$/.exec(line.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return null;
  return { url: m[1]!, host: m[2]!, port };
}

/**
 * A deployment id: the experiment id (or the model's folder name) with the UTC time, so ids sort by age and
 * say what they serve; only letters, digits, '.', '_' and '-' (it names a folder and a JSON file).
 */
export function newDeploymentId(name: string, now: Date, suffix: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 60) || 'model';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${safe}-${stamp}-${suffix.replace(/[^a-z0-9]/gi, '').slice(0, 6)}`;
}

/**
 * What a deployment is called in the view and the status bar: its experiment, else the model's folder. An
 * experiment id's start time (20261128-093723-) is left out: the sidebar is narrow and the tooltip has it.
 */
export function deploymentName(record: Pick<DeploymentRecord, 'experimentId' | 'model'>): string {
  if (record.experimentId) return shortExperimentName(record.experimentId);
  const file = basename(record.model);
  // models/best.json → the experiment folder; an exported model.json → its package folder.
  const folder = basename(dirname(record.model));
  return folder === 'models' ? basename(dirname(dirname(record.model))) : folder || file;
}

/** "20261128-093723-penguins-cd7" → "penguins-cd7"; anything else unchanged. */
export function shortExperimentName(id: string): string {
  const short = id.replace(/^\d{8}-\d{6}-/, '');
  return short === '' ? id : short;
}

/** ":8123" from a served deployment's URL, or null. */
export function portOf(url: string): string | null {
  const m = /:(\d{1,5})\/?$/.exec(url);
  return m ? `:${m[1]}` : null;
}

export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms >= 100 ? `${Math.round(ms)} ms` : `${Number(ms.toPrecision(2))} ms`;
}

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  return `${Number(perSecond.toPrecision(2))}/s`;
}

export function formatErrorRate(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 2 : 1)}% errors`;
}

/** "12 req · 0.2/s · p99 3.1 ms · 0.0% errors" over the stats' window. */
export function statsText(stats: DeploymentStats): string {
  return `${stats.requests} req · ${formatRate(stats.requestsPerSecond)} · p99 ${formatMs(stats.p99Ms)} · ${formatErrorRate(stats.errorRate)}`;
}

export type DeploymentState = 'serving' | 'stopped' | 'exported';

/** Served and not stopped counts as serving only while its process lives (a crash leaves `stopped` null). */
export function deploymentState(record: Pick<DeploymentRecord, 'kind' | 'stopped' | 'pid'>, alive: (pid: number) => boolean): DeploymentState {
  if (record.kind === 'exported') return 'exported';
  if (record.stopped !== null || record.pid === null) return 'stopped';
  return alive(record.pid) ? 'serving' : 'stopped';
}

export interface DeploymentRow {
  label: string;
  description: string;
  /** Markdown-free plain lines. */
  tooltip: string;
  /** `deployment.serving`, `deployment.stopped` or `deployment.exported` (menus match on it). */
  contextValue: string;
  icon: 'radio-tower' | 'debug-stop' | 'package';
  /** The last drift check said drifted (the row is coloured as a warning). */
  drifted: boolean;
}

function driftText(lastDrift: DeploymentRecord['lastDrift']): string | null {
  if (!lastDrift) return null;
  return lastDrift.drifted ? 'drifted' : 'no drift';
}

export function deploymentRow(record: DeploymentRecord, state: DeploymentState, stats: DeploymentStats | null): DeploymentRow {
  const parts: string[] = [];
  const tooltip: string[] = [record.experimentId ? `Experiment ${record.experimentId}` : deploymentName(record)];
  if (state === 'exported') {
    parts.push(`exported · ${basename(record.location)}`);
    tooltip.push(`Exported to ${record.location}`);
  } else {
    if (state === 'serving') parts.push(portOf(record.location) ?? record.location);
    else parts.push('stopped');
    if (stats) parts.push(statsText(stats));
    tooltip.push(state === 'serving' ? `Serving at ${record.location}` : `Stopped${record.stopped ? ` ${record.stopped}` : ''} (was ${record.location})`);
    if (stats) {
      tooltip.push(`Last ${stats.windowSeconds} s: ${stats.requests} requests, ${formatRate(stats.requestsPerSecond)}, p50 ${formatMs(stats.p50Ms)}, p99 ${formatMs(stats.p99Ms)}, ${formatErrorRate(stats.errorRate)}`);
      if (stats.lastRequest) tooltip.push(`Last request ${stats.lastRequest}`);
    }
  }
  const drift = driftText(record.lastDrift);
  if (drift) parts.push(drift);
  if (record.lastDrift) tooltip.push(`Drift check ${record.lastDrift.checked}: ${drift} (${record.lastDrift.report})`);
  tooltip.push(`Model ${record.model}`, `Created ${record.created}`);
  return {
    label: deploymentName(record),
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    contextValue: `deployment.${state}`,
    icon: state === 'serving' ? 'radio-tower' : state === 'stopped' ? 'debug-stop' : 'package',
    drifted: record.lastDrift?.drifted ?? false,
  };
}

/** Served first (serving before stopped), then exported; newest first within each. */
export function orderDeployments<T extends { record: DeploymentRecord; state: DeploymentState }>(rows: T[]): T[] {
  const rank: Record<DeploymentState, number> = { serving: 0, stopped: 1, exported: 2 };
  return [...rows].sort((a, b) => rank[a.state] - rank[b.state] || (a.record.created < b.record.created ? 1 : a.record.created > b.record.created ? -1 : 0));
}

/** The Experiments tree's row, under a parent experiment, for a child that retrained it. */
export function retrainedRow(outcome: RetrainOutcome, childLabel: string): { label: string; description: string; tooltip: string } {
  const score = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));
  return {
    label: `Retrained → ${childLabel}`,
    description: `${outcome.promoted ? 'promoted' : 'not promoted'} · ${outcome.metric} ${score(outcome.childScore)} vs ${score(outcome.parentScore)}`,
    tooltip: `${outcome.childExperiment}, trained on ${outcome.mode === 'combined' ? 'the training data plus ' : ''}${basename(outcome.newData.path)}\n${outcome.reason}`,
  };
}
