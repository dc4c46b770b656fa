// "ML Lab: Profile Dataset": pick the file, open the Data Quality panel at once, then fill it from the
// cache (instant) or from a cancellable profiling run in the worker (preview first, then the full pass).
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors.js';
import { progressPercent } from '../../protocol/profileFormat.js';
import type { ProfileProgress } from '../../protocol/profile.js';
import { progressMessage } from '../../cli/terminalText.js';
import { readProfileSettings } from '../settings.js';
import { DataQualityPanel } from '../views/dataQualityPanel.js';
import type { WorkerClient } from '../workerClient.js';
import { WorkerStoppedError } from '../workerClient.js';
import type { DatasetProfile, ProfileOptions } from '../../protocol/profile.js';

/** What else happens to a panel this command fills: cleaning (suggestions, lineage) hooks in here. */
export interface PanelListener {
  attach(panel: DataQualityPanel): void;
  /** A full profile is on screen (fresh or from the cache). */
  profiled(panel: DataQualityPanel, profile: DatasetProfile, options: ProfileOptions): Promise<void>;
}

const DATA_EXTENSIONS = ['csv', 'tsv', 'txt'];
const FROM_CACHE_NOTICE = 'Loaded from the cache in .mllab/: the file has not changed since it was profiled. Re-profile to run again.';
const WRITTEN_NOTICE = 'Profiled as ML Lab wrote this file.';

export class ProfileDatasetCommand implements vscode.Disposable {
  /** The run filling each panel; a new run (re-profile) cancels the one before. */
  private readonly runs = new Map<DataQualityPanel, AbortController>();
  private readonly attached = new WeakSet<DataQualityPanel>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly worker: WorkerClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly listener: PanelListener | null = null,
  ) {}

  /** Files ML Lab just wrote and profiled on the way: their first report is not "from the cache". */
  private readonly justWritten = new Set<string>();

  /** Opens the report of a file ML Lab has just written (its profile was cached as it was written). */
  async openWritten(file: vscode.Uri): Promise<void> {
    this.justWritten.add(file.fsPath);
    await this.run(file);
  }

  /** The command handler: `arg` is the file Uri when run from the explorer or the editor title. */
  async run(arg?: unknown): Promise<void> {
    const file = await pickFile(arg);
    if (!file) return;
    if (file.scheme !== 'file') {
      void vscode.window.showErrorMessage(`ML Lab: only files on disk can be profiled (this one is ${file.scheme}:).`);
      return;
    }
    const panel = DataQualityPanel.show(this.extensionUri, file);
    this.attach(panel);
    await this.fill(panel, { useCache: true });
  }

  /** A panel restored after a window reload: refill it, from the cache when the file is unchanged. */
  async revived(panel: DataQualityPanel): Promise<void> {
    this.attach(panel);
    await this.fill(panel, { useCache: true });
  }

  private attach(panel: DataQualityPanel): void {
    if (this.attached.has(panel)) return;
    this.attached.add(panel);
    this.listener?.attach(panel);
    this.disposables.push(
      panel.onDidRequestReprofile(() => void this.fill(panel, { useCache: false })),
      panel.onDidDispose(() => {
        this.runs.get(panel)?.abort();
        this.runs.delete(panel);
      }),
    );
  }

  dispose(): void {
    for (const run of this.runs.values()) run.abort();
    this.runs.clear();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async fill(panel: DataQualityPanel, { useCache }: { useCache: boolean }): Promise<void> {
    this.runs.get(panel)?.abort();
    const run = new AbortController();
    this.runs.set(panel, run);
    // Only the latest run of a live panel may touch it.
    const current = (): boolean => this.runs.get(panel) === run && !run.signal.aborted;

    const file = panel.file;
    const path = file.fsPath;
    const name = basename(path);
    const settings = readProfileSettings(file);
    const folder = vscode.workspace.getWorkspaceFolder(file);
    // The cache is read and written in Restricted Mode too: it holds only what profiling this file yields.
    const cacheDir = settings.cache && folder?.uri.scheme === 'file' ? join(folder.uri.fsPath, '.mllab') : null;

    try {
      if (!useCache) panel.setLoading();
      if (useCache && cacheDir) {
        const hit = await this.worker.lookupCache({ path, options: settings.options, cacheDir });
        if (hit) {
          if (current()) {
            panel.setProfile(hit, this.justWritten.delete(path) ? WRITTEN_NOTICE : FROM_CACHE_NOTICE);
            void this.listener?.profiled(panel, hit, settings.options);
          }
          this.log.info(`${name}: from the cache.`);
          return;
        }
      }
      if (!current()) return;
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Profiling ${name}`, cancellable: true },
        async (progress, token) => {
          const cancel = token.onCancellationRequested(() => run.abort());
          let reported = 0;
          try {
            return await this.worker.profile(
              { path, options: settings.options, cacheDir, useCache: false },
              {
                signal: run.signal,
                onPreview: (p) => current() && panel.setPreview(p),
                onProgress: (p: ProfileProgress) => {
                  const pct = progressPercent(p.bytesDone, p.bytesTotal);
                  progress.report({ increment: Math.max(0, pct - reported), message: progressMessage(p) });
                  reported = Math.max(reported, pct);
                  if (current()) panel.setProgress(p);
                },
              },
            );
          } finally {
            cancel.dispose();
          }
        },
      );
      // A pass that finished as the user pressed Cancel is still a full profile: show it, unless the
      // panel was closed or a newer run took over.
      if (this.runs.get(panel) !== run) return;
      panel.setProfile(result.profile, result.cacheNotice ?? undefined);
      void this.listener?.profiled(panel, result.profile, settings.options);
      if (result.cacheNotice) this.log.warn(`${name}: ${result.cacheNotice}`);
      this.log.info(`${name}: ${result.profile.rows} rows, ${result.profile.columnCount} columns in ${result.profile.run.elapsedMs} ms (cache: ${result.cache}).`);
    } catch (e) {
      this.report(e, panel, name, current, run);
    } finally {
      if (this.runs.get(panel) === run) this.runs.delete(panel);
    }
  }

  private report(e: unknown, panel: DataQualityPanel, name: string, current: () => boolean, run: AbortController): void {
    if (isUserError(e) && e.code === 'CANCELLED') {
      // Cancelled from the notification: say so in the panel. Superseded by a re-profile or a closed panel: nothing to say.
      if (this.runs.get(panel) === run) panel.setCancelled();
      this.log.info(`${name}: cancelled.`);
      return;
    }
    let message: string;
    if (isUserError(e)) message = e.message;
    else if (e instanceof WorkerStoppedError) message = e.message;
    else {
      message = `ML Lab: profiling failed: ${e instanceof Error ? e.message : String(e)}`;
      this.log.error(`${name}: profiling failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    if (isUserError(e)) this.log.warn(`${name}: ${message}`);
    if (current()) panel.setError(message);
    void vscode.window.showErrorMessage(message);
  }
}

async function pickFile(arg: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const document = vscode.window.activeTextEditor?.document;
  if (document && (['csv', 'tsv'].includes(document.languageId) || /\.(csv|tsv)$/i.test(document.uri.path))) return document.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Profile',
    title: 'Profile Dataset',
    filters: { 'Data files': DATA_EXTENSIONS },
  });
  return picked?.[0];
}
