// The Workers view's rows: one per `mllab worker` of the fleet (from its heartbeat), or one row saying why
// there is no list (Redis unreachable, no worker connected, a bad URL). No `vscode` import: tested in
// plain Node; views/workersTree.ts turns rows into tree items.
import { DISTRIBUTED_PROTOCOL_VERSION } from '../protocol/distributed.js';
import type { WorkerInfo } from '../protocol/distributed.js';

/**
 * A heartbeat older than this marks the worker stale (warning icon): workers beat every 5 s and their key
 * expires after 15 s (core/distributed/fleet.ts, not imported: it loads the Redis client), so a stale row
 * has missed a beat and will vanish unless the worker comes back.
 */
export const STALE_HEARTBEAT_MS = 10_000;

export interface WorkerRow {
  /** Stable across polls (the tree keeps selection and scroll). */
  id: string;
  label: string;
  description: string;
  tooltip: string;
  /** A codicon name. */
  icon: 'vm-running' | 'vm' | 'warning' | 'error' | 'info';
  /** Draw the icon in the warning colour. */
  warn: boolean;
}

/** "4 s", "3 min", "2 h"; under a second reads "now". Negative ages (clock skew between machines) read "now". */
export function ageText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 1000) return 'now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

function runningText(running: WorkerInfo['running']): string {
  if (running.length === 0) return 'idle';
  const indexes = running.map((r) => `#${r.index}`).join(', ');
  return `running ${running.length === 1 ? 'trial' : 'trials'} ${indexes}`;
}

/** "4 s ago"; under a second "just now" (not "now ago"). */
function agoText(ms: number): string {
  const age = ageText(ms);
  return age === 'now' ? 'just now' : `${age} ago`;
}

/** One row per worker, ordered by name then host; `now` is epoch ms. */
export function workerRows(workers: readonly WorkerInfo[], now: number): WorkerRow[] {
  const sorted = [...workers].sort((a, b) => a.name.localeCompare(b.name) || a.host.localeCompare(b.host) || a.pid - b.pid);
  return sorted.map((w) => {
    const seen = Date.parse(w.lastSeen);
    const age = Number.isFinite(seen) ? now - seen : Number.POSITIVE_INFINITY;
    const stale = age > STALE_HEARTBEAT_MS;
    const incompatible = w.protocol !== DISTRIBUTED_PROTOCOL_VERSION;
    const heartbeat = Number.isFinite(age) ? `heartbeat ${agoText(age)}` : 'no readable heartbeat';
    const description = [w.host, runningText(w.running), `${w.trialsDone} done`, heartbeat].join(' · ');
    const lines = [
      `${w.name} on ${w.host} (pid ${w.pid})`,
      `ML Lab ${w.version}, protocol ${w.protocol}; up to ${w.concurrency} trial${w.concurrency === 1 ? '' : 's'} at once`,
      ...(w.running.length === 0 ? ['Idle'] : w.running.map((r) => `Running trial #${r.index} of experiment ${r.experimentId}`)),
      `Trials done: ${w.trialsDone}`,
      `Started ${w.startedAt}; last heartbeat ${w.lastSeen}${Number.isFinite(age) ? ` (${agoText(age)})` : ''}`,
    ];
    if (stale) lines.push(`No heartbeat for over ${STALE_HEARTBEAT_MS / 1000} s: the worker may be stuck, overloaded or gone (its trials are re-queued if it is).`);
    if (incompatible) lines.push(`Runs distributed protocol ${w.protocol}; this editor speaks ${DISTRIBUTED_PROTOCOL_VERSION}, so it refuses this editor's trials.`);
    return {
      id: `worker:${w.host}:${w.pid}:${w.name}`,
      label: w.name,
      description,
      tooltip: lines.join('\n'),
      icon: stale || incompatible ? 'warning' : w.running.length > 0 ? 'vm-running' : 'vm',
      warn: stale || incompatible,
    };
  });
}

/** The single row shown when the fleet cannot be listed, or is empty. */
export function messageRow(kind: 'unreachable' | 'empty' | 'problem' | 'untrusted', detail: string, url: string | null): WorkerRow {
  switch (kind) {
    case 'unreachable':
      return { id: 'message:unreachable', label: 'Redis unreachable', description: url ?? '', tooltip: `Could not list workers on ${url ?? 'the server'}: ${detail}\nChecked again every few seconds while this view is open.`, icon: 'error', warn: true };
    case 'empty':
      return { id: 'message:empty', label: 'No workers connected', description: url ?? '', tooltip: `No mllab worker has a heartbeat on ${url ?? 'the server'}. Start one on any machine: mllab worker --redis ${url ?? 'URL'}`, icon: 'info', warn: false };
    case 'problem':
      return { id: 'message:problem', label: 'Distributed sweep settings not usable', description: '', tooltip: detail, icon: 'error', warn: true };
    case 'untrusted':
      return { id: 'message:untrusted', label: 'Needs a trusted workspace', description: '', tooltip: detail, icon: 'warning', warn: true };
  }
}
