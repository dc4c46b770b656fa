// What the Sweep panel controller computes without VS Code: which workspace holds an experiment, the
// snapshot (stored record and trials plus this window's live state), and which experiment "Open Sweep
// Panel" means when it is given none. Unit-tested in plain Node (test/unit/extension/sweepPanel*.test.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { experimentIdFromArg } from '../../core/store/experimentIndex.js';
import type { ExperimentRecord, ExperimentSummary, TrialRecord } from '../../protocol/experiment.js';
import { mergeTrials } from '../../protocol/sweepPanel.js';
import type { LiveSweep, SweepSnapshot } from '../../protocol/sweepPanel.js';
import type { SweepActivity } from '../sweepActivity.js';
import { isWaiting } from '../sweepQueue.js';
import type { QueuedSweep } from '../sweepQueue.js';

/** The store reads the panel needs (ExperimentStore has them). */
export interface ExperimentReader {
  read(id: string): Promise<ExperimentRecord | null>;
  readTrials(id: string): Promise<TrialRecord[]>;
}

const ACTIVE: readonly string[] = ['queued', 'running', 'paused', 'stopping'];

export function isActive(activity: SweepActivity): boolean {
  return ACTIVE.includes(activity.state);
}

/** The workspace folder whose `.mllab/experiments/<id>` exists: the live sweep's own first, else the first that has it. */
export function locateExperiment(id: string, workspaces: readonly string[], activity: SweepActivity | undefined): string | null {
  const candidates = activity ? [activity.workspace, ...workspaces.filter((w) => w !== activity.workspace)] : workspaces;
  for (const w of candidates) if (existsSync(join(w, '.mllab', 'experiments', id, 'experiment.json'))) return w;
  // A sweep that was just queued has no folder yet; its workspace is still the right one to watch.
  return activity?.workspace ?? null;
}

export function liveFrom(activity: SweepActivity, receivedAt: number): LiveSweep {
  return {
    state: activity.state,
    progress: activity.progress,
    running: activity.running.map((r) => ({ index: r.index, model: r.model, startedAt: r.startedAt })),
    error: activity.error,
    receivedAt,
  };
}

export async function buildSweepSnapshot(id: string, store: ExperimentReader | null, activity: SweepActivity | undefined, now: number): Promise<SweepSnapshot> {
  let record: ExperimentRecord | null = null;
  let trials: TrialRecord[] = [];
  let notice: string | null = null;
  if (store) {
    try {
      [record, trials] = await Promise.all([store.read(id), store.readTrials(id)]);
    } catch (e) {
      notice = `The experiment's files could not be read: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  // The hub's latest event may hold trials the journal read above missed (written between the two).
  if (activity) trials = mergeTrials(trials, activity.finished);
  if (!record && !notice) {
    notice = activity && isActive(activity) ? 'The sweep is starting…' : `No experiment ${id} in this workspace (it may have been deleted).`;
  }
  const live = activity ? liveFrom(activity, now) : null;
  if (live) {
    const done = new Set(trials.map((t) => t.index));
    live.running = live.running.filter((r) => !done.has(r.index));
  }
  return { experimentId: id, record, trials, live, notice };
}

/**
 * The experiment "Open Sweep Panel" opens: the argument's id (an id string, or an Experiments tree item),
 * else a sweep running in this window (the newest), else
 * the most recent stored experiment. Null when there is none.
 */
export function chooseExperiment(arg: unknown, activities: readonly SweepActivity[], recent: readonly ExperimentSummary[]): string | null {
  const given = experimentIdFromArg(arg);
  if (given) return given;
  const active = activities.filter(isActive);
  const newestActive = active.at(-1);
  if (newestActive) return newestActive.experimentId;
  // Experiment ids start with a sortable UTC stamp.
  const newest = [...recent].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : b.id.localeCompare(a.id)))[0];
  return newest?.id ?? activities.at(-1)?.experimentId ?? null;
}

/**
 * The snapshot of a panel opened on a queued sweep's key (`queued-N`): the sweep as it waits (its place in
 * the queue, dataset, target, budget), or a notice when it no longer waits under that key (cancelled,
 * failed before it started, or the window reloaded: the queue does not outlive it).
 */
export function queuedSnapshot(key: string, sweep: QueuedSweep | undefined, waiting: readonly QueuedSweep[], now: number): SweepSnapshot {
  const at = sweep && isWaiting(sweep) ? waiting.indexOf(sweep) : -1;
  if (!sweep || at < 0) {
    return { experimentId: key, record: null, trials: [], live: null, notice: 'This sweep is no longer queued: it was cancelled, or VS Code reloaded (queued sweeps do not outlive the window).', queued: null };
  }
  return {
    experimentId: key,
    record: null,
    trials: [],
    live: { state: sweep.state, progress: null, running: [], error: null, receivedAt: now },
    notice: null,
    queued: { position: at + 1, waiting: waiting.length, dataset: sweep.dataset, target: sweep.target, budget: sweep.budget },
  };
}

/** A cheap fingerprint of what a re-read would change on screen, to skip posting identical snapshots. */
export function snapshotKey(s: SweepSnapshot): string {
  return `${s.record?.status}|${s.record?.times.updated}|${s.record?.bestTrial}|${s.trials.length}|${s.trials.at(-1)?.index}|${s.notice}|${s.queued ? `${s.queued.position}/${s.queued.waiting}:${s.live?.state}` : ''}`;
}
