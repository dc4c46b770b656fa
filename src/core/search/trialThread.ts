// A trial thread (bundled as dist/trialThread.js): gets the training table and the folds once, as
// SharedArrayBuffer-backed arrays in workerData (shared, not copied, however many trials it runs), then runs
// one trial or refit at a time for the sweep. After each fold it asks the sweep whether to go on (the
// pruner lives in the main thread) and waits for the verdict. A trial that hangs or crashes costs only
// this thread: the sweep terminates it and starts a fresh one.
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { Fold } from '../ml/folds.js';
import type { TrainingTable } from '../ml/types.js';
import { heldOutImportance, refit, runTrial } from './trial.js';
import { trialKit as shippedKit } from './trialKit.js';
import type { HeldOutImportance, RefitResult, TrialJob, TrialKit, TrialOutcome } from './trial.js';
import type { MetricName } from '../ml/types.js';
import type { TrialConfig } from './types.js';

export interface TrialThreadInput {
  table: TrainingTable;
  folds: Fold[];
  /** The held-out test rows (only the final refits predict them; no trial sees them); null = none. */
  test: TrainingTable | null;
  /** A module exporting `trialKit` (tests' doubles); null = the shipped families and preprocessing. */
  kitModule: string | null;
}

export type ToTrialThread =
  | { type: 'trial'; job: TrialJob; rungs: number[] | null }
  | { type: 'verdict'; stop: boolean }
  | { type: 'refit'; config: TrialConfig; trial: number; seed: number }
  | { type: 'importance'; config: TrialConfig; trial: number; seed: number; metric: MetricName; maxFolds: number; repeats: number };

export type FromTrialThread =
  | { type: 'fold'; fold: number; objective: number }
  | { type: 'outcome'; outcome: TrialOutcome }
  | { type: 'refitted'; result: RefitResult }
  | { type: 'importance'; result: HeldOutImportance }
  | { type: 'jobFailed'; error: string };

function loadKit(input: TrialThreadInput): TrialKit {
  if (!input.kitModule) return shippedKit;
  return (createRequire(__filename)(input.kitModule) as { trialKit: TrialKit }).trialKit;
}

if (parentPort && (workerData as { mllabTrialThread?: unknown } | null)?.mllabTrialThread === true) {
  const port = parentPort;
  const input = (workerData as { input: TrialThreadInput }).input;
  const kit = loadKit(input);
  let verdict: ((stop: boolean) => void) | null = null;
  const post = (message: FromTrialThread, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

  port.on('message', (message: ToTrialThread) => {
    if (message.type === 'verdict') {
      const resolve = verdict;
      verdict = null;
      resolve?.(message.stop);
    } else if (message.type === 'trial') {
      void runTrial(message.job, input.table, input.folds, kit, (fold, objective) => {
        post({ type: 'fold', fold, objective });
        return new Promise<boolean>((resolve) => (verdict = resolve));
      }, undefined, message.rungs).then((outcome) => post({ type: 'outcome', outcome }, outcome.oof ? [outcome.oof.buffer as ArrayBuffer] : []));
    } else if (message.type === 'refit') {
      refit(message.config, message.trial, message.seed, input.folds.length, input.table, kit, input.test).then(
        (result) => post({ type: 'refitted', result }),
        (e: unknown) => post({ type: 'jobFailed', error: e instanceof Error ? e.message : String(e) }),
      );
    } else {
      heldOutImportance(message.config, message.trial, message.seed, message.metric, input.table, input.folds, kit, message.maxFolds, message.repeats).then(
        (result) => post({ type: 'importance', result }),
        (e: unknown) => post({ type: 'jobFailed', error: e instanceof Error ? e.message : String(e) }),
      );
    }
  });
}
