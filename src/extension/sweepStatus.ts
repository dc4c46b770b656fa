// The status bar item's text for the sweeps of this window (vscode-free, tested): the sweep in front (the
// oldest one the worker has started; else the oldest queued) with its trials, time or trials left and
// best score, and with several sweeps how many run and how many wait ("1 running, 2 queued").
import { METRICS } from '../core/ml/metrics.js';
import { isWaiting } from './sweepQueue.js';
import type { QueuedSweep } from './sweepQueue.js';

export interface SweepStatus {
  text: string;
  tooltip: string;
  /**
   * What a click opens in the Sweep panel: the front sweep's queued key (`queued-N`), which opens it while it
   * waits and its experiment once it runs. One value for the sweep's whole life, so the item's command is not
   * swapped when the sweep starts (a click during VS Code's swap finds no command: e2e flow 12 hit it).
   */
  experimentId: string;
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
  const waiting = sweeps.filter(isWaiting);
  const started = sweeps.filter((s) => !isWaiting(s));
  const front = started[0] ?? waiting[0];
  if (!front) return null;
  const name = front.dataset;
  // With more than one sweep the counts say what the front line leaves out ("1 running, 2 queued").
  const counts = sweeps.length > 1 ? `${started.length} running, ${waiting.length} queued` : '';
  const list = sweeps.length > 1 ? `\n${sweeps.map((s) => sweepLine(s, waiting)).join('\n')}` : '';
  const target = front.key;
  const p = front.progress;
  if (!p || isWaiting(front)) {
    const text = waiting.length > 1 ? `$(clock) ${waiting.length} sweeps queued` : '$(clock) Sweep queued';
    return { text, tooltip: `AutoML sweep on ${name}: waiting for the worker${list}`, experimentId: target };
  }
  const parts: string[] = [`${p.finishedTrials} trial${p.finishedTrials === 1 ? '' : 's'}`];
  if (p.phase !== 'searching') parts.push(p.phase);
  else if (p.budgetSeconds !== null) parts.push(`${clock(p.budgetSeconds - p.elapsedSeconds)} left`);
  else if (p.maxTrials !== null) parts.push(`of ${p.maxTrials}`);
  if (p.bestScore !== null) parts.push(`best ${shortScore(p.bestScore)}`);
  if (counts) parts.push(counts);
  const icon = front.state === 'paused' ? '$(debug-pause)' : front.state === 'stopping' ? '$(debug-stop)' : '$(sync~spin)';
  const verb = front.state === 'paused' ? 'Sweep paused' : front.state === 'stopping' ? 'Sweep stopping' : 'Sweep';
  const best = p.bestScore === null ? 'no trial finished yet' : `best ${METRICS[p.metric].label} ${shortScore(p.bestScore)} (trial ${p.bestTrial ?? '?'})`;
  return {
    text: `${icon} ${verb}: ${parts.join(' · ')}`,
    tooltip: `AutoML sweep on ${name} (${p.experimentId}): ${p.finishedTrials} trials finished, ${p.runningTrials} running; ${best}. Click to open the Sweep panel.${list}`,
    experimentId: target,
  };
}

/** One line per sweep in the tooltip: "penguins.csv → Species: queued (#2)". */
function sweepLine(s: QueuedSweep, waiting: readonly QueuedSweep[]): string {
  const at = waiting.indexOf(s);
  const state = at >= 0 ? `queued (#${at + 1})` : `${s.state}${s.progress ? `, ${s.progress.finishedTrials} trials` : ''}`;
  return `${s.dataset} → ${s.target}: ${state}`;
}
