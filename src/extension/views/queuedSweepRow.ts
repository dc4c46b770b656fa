// What the Experiments tree shows for a sweep waiting in this window's queue (vscode-free, unit-tested):
// the dataset and target, its place in the queue and budget, and a tooltip that says what happens next.
import { escapeMarkdown } from '../../core/store/experimentIndex.js';
import type { QueuedSweep } from '../sweepQueue.js';

export interface QueuedSweepRow {
  label: string;
  description: string;
  /** Markdown. */
  tooltip: string;
  /** A codicon id. */
  icon: string;
}

/** `position` is 1-based among the `waiting` sweeps (the worker starts them in that order). */
export function queuedSweepRow(sweep: QueuedSweep, position: number, waiting: number): QueuedSweepRow {
  const stopping = sweep.state === 'stopping';
  const state = stopping ? 'cancelling…' : sweep.state === 'paused' ? `queued #${position}, paused` : `queued #${position}`;
  const description = [state, sweep.budget].filter(Boolean).join(' · ');
  const tooltip = [
    `**Queued AutoML sweep** — ${position} of ${waiting} waiting`,
    '',
    `Dataset: ${escapeMarkdown(sweep.dataset)} · target ${escapeMarkdown(sweep.target)}${sweep.budget ? ` · budget ${escapeMarkdown(sweep.budget)}` : ''}`,
    stopping ? 'Being cancelled.' : 'It starts when a running sweep ends (setting mllab.sweep.concurrency); its experiment then appears in this tree. Right-click to cancel it.',
  ];
  return { label: `${sweep.dataset} → ${sweep.target}`, description, tooltip: tooltip.join('  \n'), icon: stopping ? 'debug-stop' : 'clock' };
}
