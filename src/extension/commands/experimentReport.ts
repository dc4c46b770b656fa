// mllab.openExperimentReport (id, tree item, or nothing: pick one) and mllab.compareExperiments (ids,
// the tree's multi-selection, or nothing: pick several).
import * as vscode from 'vscode';
import { CommandIds } from '../commandIds.js';
import type { SweepActivityHub } from '../sweepActivity.js';
import { CompareView } from '../views/compareView.js';
import { ExperimentReportPanel, experimentIdsOf, pickExperiments } from '../views/experimentReport.js';

export function registerReportCommands(extensionUri: vscode.Uri, hub?: SweepActivityHub): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandIds.openExperimentReport, async (...args: unknown[]) => {
      const ids = experimentIdsOf(...args.slice(0, 1));
      const id = ids[0] ?? (await pickExperiments('Open Experiment Report', false))[0];
      if (id) await ExperimentReportPanel.show(extensionUri, id, hub);
    }),
    vscode.commands.registerCommand(CommandIds.compareExperiments, async (...args: unknown[]) => {
      let ids = experimentIdsOf(...args);
      if (ids.length < 2) ids = [...new Set([...ids, ...(await pickExperiments('Compare experiments (pick two or more)', true))])];
      if (ids.length >= 2) await CompareView.show(extensionUri, ids);
      else if (ids.length === 1) void vscode.window.showInformationMessage('Pick at least two experiments to compare.');
    }),
  ];
}
