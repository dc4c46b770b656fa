// "Cancel Queued Sweep": the Experiments tree's context menu on a queued sweep (or the palette, which asks
// which). The worker drops a sweep it has not started; nothing was written for it, so nothing is left.
import * as vscode from 'vscode';
import { isRecord } from '../../protocol/jsonShape.js';
import { CommandIds } from '../commandIds.js';
import { isWaiting } from '../sweepQueue.js';
import type { QueuedSweep, SweepQueue } from '../sweepQueue.js';

/** The queued key a command was given: the key itself, or a tree node carrying it. */
function queuedKeyArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (isRecord(arg) && typeof arg.key === 'string') return arg.key;
  return undefined;
}

export function registerCancelQueuedSweep(queue: Pick<SweepQueue, 'find' | 'waiting' | 'cancel'>): vscode.Disposable {
  return vscode.commands.registerCommand(CommandIds.cancelQueuedSweep, async (arg?: unknown) => {
    const key = queuedKeyArg(arg);
    let sweep: QueuedSweep | undefined = key ? queue.find(key) : undefined;
    if (!key) {
      const waiting = queue.waiting().filter((s) => s.state !== 'stopping');
      if (waiting.length === 0) {
        void vscode.window.showInformationMessage('ML Lab: no sweep is waiting in the queue.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        waiting.map((s, i) => ({ label: `${s.dataset} → ${s.target}`, description: [`queued #${i + 1}`, s.budget].filter(Boolean).join(' · '), sweep: s })),
        { title: 'Cancel Queued Sweep', placeHolder: 'Which queued sweep?' },
      );
      if (!picked) return;
      sweep = picked.sweep;
    }
    if (!sweep || !isWaiting(sweep)) {
      void vscode.window.showInformationMessage('ML Lab: that sweep is no longer queued (it has started or ended). Stop it from the Sweep panel or the status bar.');
      return;
    }
    await queue.cancel(sweep);
  });
}
