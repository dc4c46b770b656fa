// Cleaning from the Data Quality panel: suggestions after each full profile, Preview, Apply (a new file and
// its version record, then its report), code export, and the version actions (rename, delete, compare with
// the parent, open the parent). The work runs in the worker; this file asks the user and routes results.
import { existsSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import { isUserError, UserError } from '../../core/errors.js';
import { nodeStoreFs, writeFileAtomic } from '../../core/store/atomicFile.js';
import { DatasetVersions } from '../../core/store/datasetVersions.js';
import type { DatasetVersion } from '../../protocol/datasetVersion.js';
import type { DatasetProfile, ProfileOptions } from '../../protocol/profile.js';
import type { Recipe, StepChoice } from '../../protocol/recipe.js';
import { formatCount } from '../../protocol/profileFormat.js';
import type { CleanProgress } from '../../protocol/worker.js';
import { cleanOutputPath, codeExportPath } from '../cleanOutput.js';
import { readCleanOutputTemplate, readProfileSettings } from '../settings.js';
import type { DataQualityPanel } from '../views/dataQualityPanel.js';
import type { WorkerClient } from '../workerClient.js';
import { WorkerStoppedError } from '../workerClient.js';

interface PanelState {
  /** The last full profile the panel showed; suggestions, previews and Apply are fitted on it. */
  profile: DatasetProfile | null;
  options: ProfileOptions;
  version: DatasetVersion | null;
  /** The Recipe of the last preview and the choices it was fitted for: Apply and export reuse it. */
  preview: { key: string; recipe: Recipe } | null;
  applying: boolean;
}

export class CleanDatasetController implements vscode.Disposable {
  private readonly states = new Map<DataQualityPanel, PanelState>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly worker: WorkerClient,
    private readonly log: vscode.LogOutputChannel,
    /** Opens (or refreshes) a file's Data Quality panel: the Profile Dataset command. */
    private readonly openReport: (file: vscode.Uri) => Promise<void>,
  ) {}

  /** Called once per panel, when the Profile Dataset command takes it on. */
  attach(panel: DataQualityPanel): void {
    if (this.states.has(panel)) return;
    this.states.set(panel, { profile: null, options: readProfileSettings(panel.file).options, version: null, preview: null, applying: false });
    this.disposables.push(
      panel.onDidRequestCleanPreview((choices) => void this.preview(panel, choices)),
      panel.onDidRequestCleanApply((choices) => void this.apply(panel, choices)),
      panel.onDidRequestCodeExport((request) => void this.exportCode(panel, request.language, request.choices)),
      panel.onDidRequestVersionAction(({ action }) => void this.versionAction(panel, action)),
      panel.onDidDispose(() => this.states.delete(panel)),
    );
  }

  /** After a full profile (fresh or from the cache): suggestions, and the file's lineage if it is a version. */
  async profiled(panel: DataQualityPanel, profile: DatasetProfile, options: ProfileOptions): Promise<void> {
    const state = this.states.get(panel);
    if (!state) return;
    Object.assign(state, { profile, options, preview: null });
    const current = (): boolean => this.states.get(panel) === state && state.profile === profile;
    const name = basename(profile.file.path);
    await Promise.all([
      this.worker.suggestCleaning(profile).then(
        (suggestions) => current() && panel.setSuggestions(suggestions),
        (e: unknown) => this.log.warn(`${name}: no cleaning suggestions: ${errorText(e)}`),
      ),
      this.worker.lookupVersion({ path: panel.file.fsPath, mllabDir: mllabDirOf(panel.file), rows: profile.rows, columns: profile.columnCount }).then(
        (version) => {
          if (!current()) return;
          state.version = version;
          panel.setVersion(version);
        },
        (e: unknown) => this.log.warn(`${name}: version lookup failed: ${errorText(e)}`),
      ),
    ]);
  }

  dispose(): void {
    this.states.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async preview(panel: DataQualityPanel, choices: StepChoice[]): Promise<void> {
    const state = this.states.get(panel);
    if (!state?.profile) return panel.setCleanPreview({ error: 'The full profile is not ready yet.' });
    const profile = state.profile;
    panel.setCleanBusy(`Previewing ${steps(choices.length)}…`);
    try {
      const result = await this.worker.previewClean({ path: panel.file.fsPath, profile, choices, missingTokens: state.options.missingTokens });
      if (state.profile !== profile) return;
      state.preview = { key: choiceKey(choices), recipe: result.recipe };
      panel.setCleanPreview(result);
    } catch (e) {
      if (state.profile === profile) panel.setCleanPreview({ error: this.messageOf(e, 'preview') });
    } finally {
      panel.setCleanBusy(null);
    }
  }

  private async apply(panel: DataQualityPanel, choices: StepChoice[]): Promise<void> {
    const state = this.states.get(panel);
    if (!state || state.applying) return;
    if (!state.profile) {
      void vscode.window.showInformationMessage('ML Lab: Apply is possible once the full profile is ready.');
      return;
    }
    if (choices.length === 0) {
      void vscode.window.showInformationMessage('ML Lab: select at least one step to apply.');
      return;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('ML Lab: Apply writes a new dataset; trust this workspace first (Workspaces: Manage Workspace Trust).');
      return;
    }
    const profile = state.profile;
    const source = panel.file.fsPath;
    const name = basename(source);
    const folder = workspaceFolderOf(panel.file);
    state.applying = true;
    try {
      const out = cleanOutputPath(readCleanOutputTemplate(panel.file), source, folder);
      // Before the overwrite question: the source is never a candidate for replacing.
      if (out === resolve(source)) throw new UserError('BAD_ARGUMENT', `The setting mllab.clean.output names the source file itself (${name}); the source is never overwritten.`);
      let force = false;
      if (existsSync(out)) {
        const replace = 'Replace';
        const pick = await vscode.window.showWarningMessage(`${basename(out)} already exists. Replace it?`, { modal: true, detail: out }, replace);
        if (pick !== replace) return;
        force = true;
      }
      await mkdir(dirname(out), { recursive: true }).catch((e: unknown) => {
        throw new UserError('BAD_ARGUMENT', `Cannot create the folder of ${out} (${errorText(e)}).`);
      });
      const key = choiceKey(choices);
      const recipe = state.preview?.key === key ? state.preview.recipe : null;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Cleaning ${name}`, cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const cancel = token.onCancellationRequested(() => abort.abort());
          let reported = 0;
          try {
            return await this.worker.applyClean(
              { path: source, profile, choices, recipe, out, force, options: state.options, mllabDir: mllabDirOf(panel.file), cacheProfile: readProfileSettings(panel.file).cache },
              {
                signal: abort.signal,
                onProgress: (p) => {
                  const pct = p.phase === 'applying' && p.rowsTotal > 0 ? Math.min(99, Math.floor((100 * p.rowsDone) / p.rowsTotal)) : null;
                  const message = progressText(p, choices.length, pct);
                  if (pct !== null && pct > reported) {
                    progress.report({ increment: pct - reported, message });
                    reported = pct;
                  } else progress.report({ message });
                  panel.setCleanBusy(message);
                },
              },
            );
          } finally {
            cancel.dispose();
          }
        },
      );
      const report = result.version.report;
      const unknown = report ? report.unknown.reduce((n, u) => n + u.count, 0) : 0;
      this.log.info(`${name}: cleaned into ${out} (${report?.rowsIn ?? '?'} -> ${result.version.rows} rows, version ${result.version.hash.slice(0, 12)}).`);
      if (result.cacheNotice) this.log.warn(`${basename(out)}: ${result.cacheNotice}`);
      panel.setCleanBusy(null);
      void vscode.window.showInformationMessage(
        `ML Lab: wrote ${basename(out)}: ${report ? formatCount(report.rowsIn) : '?'} rows in, ${formatCount(result.version.rows)} out` +
          (unknown ? `, ${formatCount(unknown)} unknown value${unknown === 1 ? '' : 's'} made missing (see the report's lineage).` : '.'),
      );
      // The apply is over once the file is written: the source's panel is free again while the new report opens.
      state.applying = false;
      await this.openReport(vscode.Uri.file(out));
    } catch (e) {
      if (isUserError(e) && e.code === 'CANCELLED') {
        this.log.info(`${name}: cleaning cancelled; nothing was written.`);
        return;
      }
      void vscode.window.showErrorMessage(this.messageOf(e, 'cleaning'));
    } finally {
      state.applying = false;
      panel.setCleanBusy(null);
    }
  }

  private async exportCode(panel: DataQualityPanel, language: 'python' | 'typescript', choices: StepChoice[]): Promise<void> {
    const state = this.states.get(panel);
    if (!state?.profile) return;
    const profile = state.profile;
    const source = panel.file.fsPath;
    try {
      const key = choiceKey(choices);
      const recipe = state.preview?.key === key ? state.preview.recipe : (await this.worker.previewClean({ path: source, profile, choices, missingTokens: state.options.missingTokens })).recipe;
      const code = await this.worker.exportCode({ recipe, language, dialect: profile.dialect });
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(codeExportPath(source, language)),
        filters: language === 'python' ? { Python: ['py'] } : { TypeScript: ['ts'] },
        saveLabel: 'Export',
        title: `Export the cleaning steps as ${language === 'python' ? 'Python (pandas)' : 'TypeScript (arquero)'}`,
      });
      if (!target) return;
      await writeFileAtomic(nodeStoreFs, target.fsPath, code).catch((e: unknown) => {
        throw new UserError('BAD_ARGUMENT', `Cannot write ${target.fsPath} (${errorText(e)}).`);
      });
      const open = 'Open';
      if ((await vscode.window.showInformationMessage(`ML Lab: exported the cleaning code to ${basename(target.fsPath)}.`, open)) === open) {
        await vscode.window.showTextDocument(target);
      }
    } catch (e) {
      void vscode.window.showErrorMessage(this.messageOf(e, 'code export'));
    }
  }

  private async versionAction(panel: DataQualityPanel, action: 'rename' | 'delete' | 'compareWithParent' | 'openParent'): Promise<void> {
    const state = this.states.get(panel);
    const version = state?.version;
    if (!state || !version) return;
    const mllabDir = mllabDirOf(panel.file);
    const versions = new DatasetVersions(mllabDir);
    try {
      if (action === 'rename') {
        const name = await vscode.window.showInputBox({
          title: 'Rename dataset version',
          value: version.name,
          validateInput: (v) => (v.trim() === '' ? 'A name cannot be empty.' : null),
        });
        if (name === undefined) return;
        state.version = await versions.rename(version.hash, name);
        panel.setVersion(state.version);
        return;
      }
      if (action === 'delete') {
        const remove = 'Delete';
        const pick = await vscode.window.showWarningMessage(`Delete version ${version.name}? The file and its record are removed.`, { modal: true, detail: panel.file.fsPath }, remove);
        if (pick !== remove) return;
        await unlink(panel.file.fsPath).catch((e: unknown) => {
          if ((e as { code?: string }).code !== 'ENOENT') throw new UserError('BAD_ARGUMENT', `Cannot delete ${panel.file.fsPath} (${errorText(e)}).`);
        });
        await versions.delete(version.hash);
        this.log.info(`Deleted version ${version.name} (${version.hash.slice(0, 12)}).`);
        panel.dispose();
        return;
      }
      const parent = version.parent;
      if (!parent) return;
      const parentPath = isAbsolute(parent.path) ? parent.path : resolve(dirname(mllabDir), parent.path);
      if (!existsSync(parentPath)) throw new UserError('NOT_FOUND', `The parent file ${parent.path} is not there any more (moved or deleted).`);
      const parentUri = vscode.Uri.file(parentPath);
      if (action === 'openParent') return await this.openReport(parentUri);

      const settings = readProfileSettings(parentUri);
      const cacheDir = settings.cache ? mllabDir : null;
      let parentProfile = cacheDir ? await this.worker.lookupCache({ path: parentPath, options: settings.options, cacheDir }) : null;
      if (!parentProfile) {
        parentProfile = (
          await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Profiling ${basename(parentPath)} for the comparison`, cancellable: true },
            async (_progress, token) => {
              const abort = new AbortController();
              const cancel = token.onCancellationRequested(() => abort.abort());
              try {
                return await this.worker.profile({ path: parentPath, options: settings.options, cacheDir, useCache: false }, { signal: abort.signal });
              } finally {
                cancel.dispose();
              }
            },
          )
        ).profile;
      }
      if (this.states.get(panel) === state) panel.setComparison(parentProfile, basename(parentPath));
    } catch (e) {
      if (isUserError(e) && e.code === 'CANCELLED') return;
      void vscode.window.showErrorMessage(this.messageOf(e, 'the version action'));
    }
  }

  /** One line for the user; a bug also goes to the log with its stack. */
  private messageOf(e: unknown, what: string): string {
    if (isUserError(e) || e instanceof WorkerStoppedError) return e.message;
    this.log.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return `ML Lab: ${what} failed: ${errorText(e)}`;
  }
}

function workspaceFolderOf(file: vscode.Uri): string | null {
  const folder = vscode.workspace.getWorkspaceFolder(file);
  return folder && folder.uri.scheme === 'file' ? folder.uri.fsPath : null;
}

/** `.mllab` of the workspace folder holding the file; a file outside any folder keeps its own beside it. */
function mllabDirOf(file: vscode.Uri): string {
  return join(workspaceFolderOf(file) ?? dirname(file.fsPath), '.mllab');
}

function choiceKey(choices: readonly StepChoice[]): string {
  return JSON.stringify(choices);
}

function steps(n: number): string {
  return `${n} step${n === 1 ? '' : 's'}`;
}

function progressText(p: CleanProgress, stepCount: number, pct: number | null): string {
  switch (p.phase) {
    case 'fitting':
      return `Fitting ${steps(stepCount)}…`;
    case 'applying':
      return `Applying ${steps(stepCount)}… ${pct ?? 0}%`;
    case 'hashing':
      return 'Recording the new version…';
    case 'profiling':
      return 'Profiling the cleaned file…';
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
