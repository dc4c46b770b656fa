// The status bar item's text for the sweeps of this window (vscode-free, tested): the sweep in front (the
// oldest one running, paused or stopping; else the oldest queued) with its trials, time or trials left and
// best score, and how many more wait.
import { METRICS } from '../core/ml/metrics.js';
import type { QueuedSweep } from './sweepQueue.js';

export interface SweepStatus {
  text: string;
  tooltip: string;
  /** The experiment a click opens in the Sweep panel; null while the front sweep has none yet. */
  experimentId: string | null;
}

/** A score short enough for the status bar: four significant digits, no exponent for ordinary values. */
export function shortScore(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(4)));
}

/** m:ss, or h:mm:ss from an hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function sweepStatus(sweeps: readonly QueuedSweep[]): SweepStatus | null {
  const front = sweeps.find((s) => s.state === 'running' || s.state === 'paused' || s.state === 'stopping') ?? sweeps[0];
  if (!front) return null;
  const waiting = sweeps.filter((s) => s !== front && s.state === 'queued').length;
  const more = waiting > 0 ? ` (+${waiting} queued)` : '';
  const p = front.progress;
  const name = front.dataset;
  if (front.state === 'queued' || !p) {
    return { text: `$(clock) Sweep queued${more}`, tooltip: `AutoML sweep on ${name}: waiting for the worker`, experimentId: front.experimentId };
  }
  const parts: string[] = [`${p.finishedTrials} trial${p.finishedTrials === 1 ? '' : 's'}`];
  if (p.phase !== 'searching') parts.push(p.phase);
  else if (p.budgetSeconds !== null) parts.push(`${clock(p.budgetSeconds - p.elapsedSeconds)} left`);
  else if (p.maxTrials !== null) parts.push(`of ${p.maxTrials}`);
  if (p.bestScore !== null) parts.push(`best ${shortScore(p.bestScore)}`);
  const icon = front.state === 'paused' ? '$(debug-pause)' : front.state === 'stopping' ? '$(debug-stop)' : '$(sync~spin)';
  const verb = front.state === 'paused' ? 'Sweep paused' : front.state === 'stopping' ? 'Sweep stopping' : 'Sweep';
  const best = p.bestScore === null ? 'no trial finished yet' : `best ${METRICS[p.metric].label} ${shortScore(p.bestScore)} (trial ${p.bestTrial ?? '?'})`;
  return {
    text: `${icon} ${verb}: ${parts.join(' · ')}${more}`,
    tooltip: `AutoML sweep on ${name} (${p.experimentId}): ${p.finishedTrials} trials finished, ${p.runningTrials} running; ${best}. Click to open the Sweep panel.`,
    experimentId: front.experimentId,
  };
}
