// The Experiments tree's context-menu commands: Rename / Tag / Note (experiment.json rewritten under the
// experiment's lock), Delete (confirmed; refused while running), Export Model, Re-run (Start AutoML Sweep
// prefilled, the record as parent), Compare (two or more selected) and Refresh. Each takes an experiment id,
// a tree node, or nothing (then asks with a quick pick).
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors.js';
import { deleteExperiment, editExperiment, exportModel, parseTags, rerunConfig } from '../../core/store/experimentIndex.js';
import type { ExperimentStore } from '../../core/store/experiments.js';
import type { ExperimentRecord } from '../../protocol/experiment.js';
import { CommandIds } from '../commandIds.js';
import { experimentIdOf, locateExperiment } from '../views/experimentTree.js';
import type { DatasetsTreeProvider } from '../views/datasetsTree.js';
import type { ExperimentTreeProvider } from '../views/experimentTree.js';

export class ExperimentCommands {
  constructor(
    private readonly tree: ExperimentTreeProvider,
    private readonly datasets: DatasetsTreeProvider | null,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The registrations, for context.subscriptions. */
  register(): vscode.Disposable[] {
    const c = (id: string, run: (arg: unknown, selected: unknown) => Promise<void>): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (arg?: unknown, selected?: unknown) => {
        try {
          await run(arg, selected);
        } catch (e) {
          this.fail(e);
        }
      });
    return [
      c(CommandIds.renameExperiment, (arg) => this.rename(arg)),
      c(CommandIds.tagExperiment, (arg) => this.tag(arg)),
      c(CommandIds.noteExperiment, (arg) => this.note(arg)),
      c(CommandIds.deleteExperiment, (arg) => this.delete(arg)),
      c(CommandIds.exportModel, (arg) => this.exportModel(arg)),
      c(CommandIds.rerunExperiment, (arg) => this.rerun(arg)),
      c(CommandIds.compareSelectedExperiments, (arg, selected) => this.compare(arg, selected)),
      c(CommandIds.refreshExperiments, () => {
        this.tree.refresh();
        this.datasets?.refresh();
        return Promise.resolve();
      }),
    ];
  }

  async rename(arg: unknown): Promise<void> {
    const found = await this.resolve(arg, 'Rename experiment');
    if (!found) return;
    const name = await vscode.window.showInputBox({
      title: `Rename ${found.record.id}`,
      prompt: 'Shown in the Experiments tree instead of the start time (empty: show the start time)',
      value: found.record.name ?? '',
    });
    if (name === undefined) return;
    await this.edit(found.store, found.record.id, (r) => {
      const next: ExperimentRecord = { ...r, name: name.trim() };
      if (next.name === '') delete next.name;
      return next;
    });
  }

  async tag(arg: unknown): Promise<void> {
    const found = await this.resolve(arg, 'Tag experiment');
    if (!found) return;
    const text = await vscode.window.showInputBox({ title: `Tags of ${label(found.record)}`, prompt: 'Separated by commas or spaces', value: found.record.tags.join(', ') });
    if (text === undefined) return;
    await this.edit(found.store, found.record.id, (r) => ({ ...r, tags: parseTags(text) }));
  }

  async note(arg: unknown): Promise<void> {
    const found = await this.resolve(arg, 'Note on experiment');
    if (!found) return;
    const note = await vscode.window.showInputBox({ title: `Note on ${label(found.record)}`, prompt: 'Shown in the tooltip', value: found.record.note });
    if (note === undefined) return;
    await this.edit(found.store, found.record.id, (r) => ({ ...r, note: note.trim() }));
  }

  async delete(arg: unknown): Promise<void> {
    const found = await this.resolve(arg, 'Delete experiment');
    if (!found) return;
    if (found.record.status === 'running') {
      void vscode.window.showWarningMessage(`ML Lab: ${label(found.record)} is running. Stop it before deleting it.`);
      return;
    }
    const choice = await vscode.window.showWarningMessage(
      `Delete experiment ${label(found.record)}?`,
      { modal: true, detail: `Its ${found.record.trials} trials, saved model and report in .mllab/experiments/${found.record.id} are removed. This cannot be undone.` },
      'Delete',
    );
    if (choice !== 'Delete') return;
    await deleteExperiment(found.store, found.record.id);
    this.log.info(`Deleted experiment ${found.record.id}.`);
    this.tree.refresh();
  }

  async exportModel(arg: unknown): Promise<void> {
    const found = await this.resolve(arg, 'Export model of experiment');
    if (!found) return;
    const folder = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Export Here', title: `Export the model of ${label(found.record)}` });
    const target = folder?.[0];
    if (!target) return;
    // A package folder named after the experiment inside the chosen folder (mllab export, in a child process).
    const files = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ML Lab: exporting the model of ${label(found.record)}…` }, () => exportModel(found.store, found.record.id, target.fsPath));
    // mllab export records it as an exported deployment, so the Models view lists it.
    const reveal = await vscode.window.showInformationMessage(`ML Lab: exported the model package to ${files[0] ? dirname(files[0]) : target.fsPath} (run it with node predict.mjs input.csv).`, 'Reveal');
    if (reveal === 'Reveal' && files[0]) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(files[0]));
  }

  async rerun(arg: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('ML Lab: running a sweep needs a trusted workspace.');
      return;
    }
    const found = await this.resolve(arg, 'Re-run experiment');
    if (!found) return;
    // Start AutoML Sweep owns the editing and queueing; it gets the old settings as its defaults.
    await vscode.commands.executeCommand(CommandIds.startSweep, rerunConfig(found.record, workspaceOfStore(found.store)));
  }

  /** From the tree's menu VS Code passes (clicked node, all selected nodes). */
  async compare(arg: unknown, selected: unknown): Promise<void> {
    let ids = (Array.isArray(selected) ? selected : [arg]).map(experimentIdOf).filter((id): id is string => id !== undefined);
    ids = [...new Set(ids)];
    if (ids.length < 2) {
      const all = await this.tree.allExperiments();
      const picked = await vscode.window.showQuickPick(
        all.map((e) => ({ label: label(e.record), description: e.record.id, id: e.record.id, picked: ids.includes(e.record.id) })),
        { canPickMany: true, title: 'Compare experiments (pick two or more)' },
      );
      if (!picked) return;
      ids = picked.map((p) => p.id);
      if (ids.length < 2) {
        void vscode.window.showInformationMessage('ML Lab: pick at least two experiments to compare.');
        return;
      }
    }
    await vscode.commands.executeCommand(CommandIds.compareExperiments, ids);
  }

  private async edit(store: ExperimentStore, id: string, change: (r: ExperimentRecord) => ExperimentRecord): Promise<void> {
    await editExperiment(store, id, change);
    this.tree.refresh();
  }

  /** The experiment the command is about: from its argument, else picked from every listed experiment. */
  private async resolve(arg: unknown, title: string): Promise<{ store: ExperimentStore; record: ExperimentRecord } | undefined> {
    let id = experimentIdOf(arg);
    if (!id) {
      const all = await this.tree.allExperiments();
      if (all.length === 0) {
        void vscode.window.showInformationMessage('ML Lab: no experiments in this workspace yet.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        all.map((e) => ({ label: label(e.record), description: `${e.record.status} · ${e.record.id}`, id: e.record.id })),
        { title },
      );
      id = picked?.id;
      if (!id) return undefined;
    }
    const found = await locateExperiment(this.tree, id);
    if (!found) void vscode.window.showErrorMessage(`ML Lab: experiment ${id} is not in this workspace (deleted?).`);
    return found;
  }

  private fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    if (!isUserError(e)) this.log.error(e instanceof Error ? (e.stack ?? message) : message);
    void vscode.window.showErrorMessage(`ML Lab: ${message}`);
  }
}

function label(record: ExperimentRecord): string {
  return record.name?.trim() ? `"${record.name.trim()}"` : record.id;
}

function workspaceOfStore(store: ExperimentStore): string {
  return dirname(dirname(store.dir)); // store.dir is <workspace>/.mllab/experiments
}
