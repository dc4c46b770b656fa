// What `mllab sweep` prints on stderr while it runs: the experiment id and its limits once, one terse line per
// finished trial, a note when the winner is refitted. Shared by every command that runs a sweep (sweep,
// retrain), so they read the same.
import type { SweepHooks } from '../core/search/sweep.js';
import type { TrialRecord } from '../protocol/experiment.js';
import type { CliIo } from './profileCommand.js';
import { safeText } from './terminalText.js';

/** A score for a progress line: 4 significant digits, one decimal from 1000 up, "—" when there is none. */
export function score(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 1000 ? value.toFixed(1) : value.toPrecision(4);
}

export function trialLine(t: TrialRecord, metric: string, best: { score: number | null; trial: number | null }): string {
  const head = `trial ${String(t.index).padStart(3)}  ${t.config.model.padEnd(13)}`;
  const time = `${t.seconds.toFixed(1)}s${t.worker ? ` on ${safeText(t.worker, 40)}` : ''}`;
  if (t.status === 'failed') return `${head}failed: ${safeText(t.error ?? 'unknown error', 120)}  ${time}`;
  if (t.status === 'pruned') return `${head}pruned after ${t.reports.length} step${t.reports.length === 1 ? '' : 's'}  ${time}`;
  const spread = t.foldStd === null ? '' : ` ±${t.foldStd.toPrecision(2)}`;
  return `${head}${metric} ${score(t.score)}${spread}  ${time}  best ${score(best.score)} (#${best.trial ?? '—'})`;
}

export interface SweepProgressPrinter {
  hooks: Required<Pick<SweepHooks, 'onProgress' | 'onTrial'>>;
  /** The running experiment's id, once the sweep said it (null before). */
  experimentId(): string | null;
}

/** Progress hooks writing to stderr; `metricLabel` is the metric as the user typed it, when they did. */
export function sweepProgressPrinter(io: CliIo, metricLabel?: string): SweepProgressPrinter {
  let experimentId: string | null = null;
  let best: { score: number | null; trial: number | null } = { score: null, trial: null };
  let announced = false;
  let metricName: string | null = null;
  return {
    experimentId: () => experimentId,
    hooks: {
      onProgress: (p) => {
        experimentId = p.experimentId;
        metricName = p.metric;
        best = { score: p.bestScore, trial: p.bestTrial };
        if (!announced) {
          announced = true;
          const limits = [p.budgetSeconds === null ? null : `budget ${Math.round(p.budgetSeconds)} s`, p.maxTrials === null ? null : `${p.maxTrials} trials`].filter((x) => x !== null).join(', ');
          io.stderr.write(`experiment ${p.experimentId}${limits ? ` (${limits})` : ''}${p.finishedTrials > 0 ? `, resuming after ${p.finishedTrials} finished trials` : ''}\n`);
        }
        if (p.phase === 'refitting') io.stderr.write('refitting the best model on all rows…\n');
      },
      onTrial: (t) => io.stderr.write(trialLine(t, metricLabel ?? metricName ?? 'score', best) + '\n'),
    },
  };
}
