// The deployments registry the Models view lists: `.mllab/deployments/<id>.json`, one DeploymentRecord per
// served or exported model, written whole (atomic rename). A served deployment's prediction log lives in
// `.mllab/deployments/<id>/` unless `mllab serve --log-dir` put it elsewhere; deploymentStats reads its tail.
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { isRecord } from '../../protocol/jsonShape.js';
import type { DeploymentRecord, DeploymentStats } from '../../protocol/deploy.js';
import { nodeStoreFs, writeFileAtomic } from './atomicFile.js';
import { lineHead, linesBackward, predictionLogFiles } from '../deploy/predictionLog.js';

export const DEPLOYMENT_SCHEMA_VERSION = 1;

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** A fresh id: `serve-20261128-093015-3fa` (the kind, the local time, 3 random hex digits). */
export function newDeploymentId(kind: DeploymentRecord['kind'], now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${kind === 'served' ? 'serve' : 'export'}-${stamp}-${randomBytes(2).toString('hex').slice(0, 3)}`;
}

export function checkDeploymentId(id: string): string {
  if (!ID.test(id)) throw new UserError('BAD_ARGUMENT', `"${id}" is not a usable deployment id: letters, digits, ".", "_" and "-", up to 100, starting with a letter or digit.`);
  return id;
}

function isDeploymentRecord(v: unknown): v is DeploymentRecord {
  return isRecord(v) && typeof v.id === 'string' && (v.kind === 'served' || v.kind === 'exported') && typeof v.model === 'string' && typeof v.location === 'string' && typeof v.created === 'string';
}

export class DeploymentStore {
  readonly dir: string;

  /** `workspace` is the folder holding `.mllab`. */
  constructor(workspace: string) {
    this.dir = join(workspace, '.mllab', 'deployments');
  }

  path(id: string): string {
    return join(this.dir, `${checkDeploymentId(id)}.json`);
  }

  /** Where a served deployment's log goes by default. */
  logDir(id: string): string {
    return join(this.dir, checkDeploymentId(id));
  }

  async get(id: string): Promise<DeploymentRecord | null> {
    let text: string;
    try {
      text = await fsp.readFile(this.path(id), 'utf8');
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return null;
      throw e;
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      return isDeploymentRecord(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }

  /** Every readable record, newest first (damaged files are skipped: the view must still list the rest). */
  async list(): Promise<DeploymentRecord[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return [];
    }
    const ids = names.filter((n) => n.endsWith('.json') && ID.test(n.slice(0, -5))).map((n) => n.slice(0, -5));
    const records = await Promise.all(ids.map((id) => this.get(id).catch(() => null)));
    return records.filter((r): r is DeploymentRecord => r !== null).sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : a.id < b.id ? -1 : 1));
  }

  async write(record: DeploymentRecord): Promise<void> {
    const path = this.path(record.id);
    await fsp.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(nodeStoreFs, path, JSON.stringify(record, null, 2) + '\n');
  }
}

/** Most of the log read for stats: enough for minutes of steady traffic, bounded for a huge log. */
const STATS_READ_BYTES = 16 * 1024 * 1024;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * Request rate, error rate (answers with status ≥ 400) and latency percentiles over the last `windowSeconds`
 * of the deployment's log, read backwards from its newest line, at most STATS_READ_BYTES. The rate divides by the
 * window, or by the time since the deployment started when that is shorter.
 */
export async function deploymentStats(record: DeploymentRecord, windowSeconds: number, now = Date.now()): Promise<DeploymentStats> {
  const empty: DeploymentStats = { windowSeconds, requests: 0, requestsPerSecond: 0, errorRate: 0, p50Ms: null, p99Ms: null, lastRequest: null };
  if (!record.logDir) return empty;
  const since = now - windowSeconds * 1000;
  const files = (await predictionLogFiles(record.logDir)).reverse();
  const inWindow: { status: number; ms: number }[] = [];
  let lastRequest: string | null = null;
  let budget = STATS_READ_BYTES;
  // Newest line first; lines are appended in answer order, so the first one older than the window ends it.
  // Only each line's head is read (the view refreshes every few seconds on the editor's thread).
  scan: for (const file of files) {
    for (const line of linesBackward(file, budget)) {
      budget -= line.length + 1;
      if (budget < 0) break scan;
      const head = lineHead(line);
      if (!head) continue;
      lastRequest ??= head.t;
      const t = Date.parse(head.t);
      if (t < since) break scan;
      if (t <= now) inWindow.push(head);
    }
  }
  const requests = inWindow.length;
  const errors = inWindow.filter((l) => l.status >= 400).length;
  const latencies = inWindow.map((l) => l.ms).filter((ms) => Number.isFinite(ms)).sort((a, b) => a - b);
  const created = Date.parse(record.created);
  const span = Number.isFinite(created) ? Math.min(windowSeconds, Math.max(1, (now - created) / 1000)) : windowSeconds;
  return {
    windowSeconds,
    requests,
    requestsPerSecond: span > 0 ? requests / span : 0,
    errorRate: requests === 0 ? 0 : errors / requests,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    lastRequest,
  };
}
