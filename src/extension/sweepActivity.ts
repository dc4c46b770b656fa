// The live state of sweeps running in this window, shared by the Sweep panel, the status bar item and the
// Experiments tree. The sweep runner's host side (sweep queue) is the only writer; views only listen.
// What is stored (trials, records) is read from `.mllab/experiments/` through ExperimentStore; this carries
// only what the store does not hold: which trials are running right now, pause state, time left.
import * as vscode from 'vscode';
import type { SweepProgress, TrialRecord } from '../protocol/experiment.js';

export type SweepState = 'queued' | 'running' | 'paused' | 'stopping' | 'done' | 'failed' | 'interrupted';

export interface SweepActivity {
  experimentId: string;
  /** Absolute path of the workspace folder whose `.mllab/` holds the experiment. */
  workspace: string;
  state: SweepState;
  progress: SweepProgress | null;
  /** Trials in flight: index, model, start (epoch ms). */
  running: { index: number; model: string; startedAt: number }[];
  /** Trials finished since the last event (the store has them all). */
  finished: TrialRecord[];
  error: string | null;
}

export class SweepActivityHub implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SweepActivity>();
  private readonly latest = new Map<string, SweepActivity>();
  readonly onDidChange = this.emitter.event;

  publish(activity: SweepActivity): void {
    this.latest.set(activity.experimentId, activity);
    this.emitter.fire(activity);
  }

  /** The last published state of an experiment, if it ran in this window. */
  get(experimentId: string): SweepActivity | undefined {
    return this.latest.get(experimentId);
  }

  all(): SweepActivity[] {
    return [...this.latest.values()];
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
