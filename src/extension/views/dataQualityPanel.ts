// The Data Quality panel's host side: one webview panel per profiled file. It keeps the latest snapshot
// and sends it whole whenever the webview (re)loads, then progress deltas; it exports the report.
import * as vscode from 'vscode';
import { webviewPageHtml, webviewPanelOptions } from './webviewPage.js';
import { randomBytes } from 'node:crypto';
import type { DatasetProfile, ProfileProgress } from '../../protocol/profile.js';
import type { DatasetVersion } from '../../protocol/datasetVersion.js';
import type { Recipe, RecipePreview, StepChoice, Suggestion } from '../../protocol/recipe.js';
import { PROTOCOL_VERSION, emptyCleanState, isWebviewMessage, parseWebviewState } from '../../protocol/dataQualityPanel.js';
import type { CleanState, CodeLanguage, ExportFormat, HostMessage, PanelSnapshot, VersionAction, WebviewMessage } from '../../protocol/dataQualityPanel.js';
import { renderProfileHtml, renderProfileMarkdown } from '../../core/profile/report/index.js';
import { CommandIds } from '../commandIds.js';

/** Progress arrives as fast as the worker reads; the panel needs no more than a few updates a second. */
const PROGRESS_INTERVAL_MS = 150;

function baseName(uri: vscode.Uri): string {
  const parts = uri.path.split('/');
  return parts[parts.length - 1] || uri.path;
}

function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

export class DataQualityPanel implements vscode.Disposable {
  static readonly viewType = 'mllab.dataQuality';

  private static readonly open = new Map<string, DataQualityPanel>();

  /** Opens (or reveals) the panel for this file beside the active editor, in a loading state. */
  static show(extensionUri: vscode.Uri, file: vscode.Uri): DataQualityPanel {
    const existing = DataQualityPanel.open.get(file.toString());
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside);
      existing.setLoading();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      DataQualityPanel.viewType,
      `Data Quality: ${baseName(file)}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      DataQualityPanel.webviewOptions(extensionUri),
    );
    return new DataQualityPanel(panel, extensionUri, file);
  }

  /** For the WebviewPanelSerializer after a window reload; state is what the webview saved. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown): DataQualityPanel | undefined {
    const saved = parseWebviewState(state);
    if (!saved) return undefined;
    let file: vscode.Uri;
    try {
      file = vscode.Uri.parse(saved.fileUri, true);
    } catch {
      return undefined;
    }
    const existing = DataQualityPanel.open.get(file.toString());
    if (existing) {
      // Two restored panels for one file: keep the first, the serializer's caller disposes this one.
      return undefined;
    }
    panel.webview.options = DataQualityPanel.webviewOptions(extensionUri);
    return new DataQualityPanel(panel, extensionUri, file);
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return webviewPanelOptions(extensionUri, { findWidget: true });
  }

  readonly file: vscode.Uri;
  private readonly reprofileEmitter = new vscode.EventEmitter<void>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private readonly cleanPreviewEmitter = new vscode.EventEmitter<StepChoice[]>();
  private readonly cleanApplyEmitter = new vscode.EventEmitter<StepChoice[]>();
  private readonly codeExportEmitter = new vscode.EventEmitter<{ language: CodeLanguage; choices: StepChoice[] }>();
  private readonly versionActionEmitter = new vscode.EventEmitter<{ action: VersionAction }>();
  readonly onDidRequestReprofile: vscode.Event<void> = this.reprofileEmitter.event;
  readonly onDidDispose: vscode.Event<void> = this.disposeEmitter.event;
  /** The user pressed Preview with these steps checked (in the order shown; the core orders them). */
  readonly onDidRequestCleanPreview: vscode.Event<StepChoice[]> = this.cleanPreviewEmitter.event;
  /** The user pressed Apply. */
  readonly onDidRequestCleanApply: vscode.Event<StepChoice[]> = this.cleanApplyEmitter.event;
  readonly onDidRequestCodeExport: vscode.Event<{ language: CodeLanguage; choices: StepChoice[] }> = this.codeExportEmitter.event;
  readonly onDidRequestVersionAction: vscode.Event<{ action: VersionAction }> = this.versionActionEmitter.event;

  private readonly disposables: vscode.Disposable[] = [];
  private snapshot: PanelSnapshot;
  /** False until the page says `ready`, and again whenever it is torn down (hidden, reloaded). */
  private ready = false;
  private progressTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private reloadedStalePage = false;
  private comparisons = 0;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    file: vscode.Uri,
  ) {
    this.file = file;
    const name = baseName(file);
    this.snapshot = { fileUri: file.toString(), fileName: name, phase: 'loading', profile: null, progress: null, notice: null, error: null, clean: emptyCleanState() };
    DataQualityPanel.open.set(file.toString(), this);

    panel.title = `Data Quality: ${name}`;
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'data-quality-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'data-quality-dark.svg'),
    };
    this.disposables.push(
      this.reprofileEmitter,
      this.cleanPreviewEmitter,
      this.cleanApplyEmitter,
      this.codeExportEmitter,
      this.versionActionEmitter,
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState((e) => {
        // Without retainContextWhenHidden a hidden webview is destroyed; it says `ready` again when shown.
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = this.html();
  }

  setLoading(): void {
    // The last profile stays on screen (dimmed by the webview) until the new one arrives.
    this.update({ phase: 'loading', progress: null, notice: null, error: null });
  }

  setProgress(p: ProfileProgress): void {
    this.snapshot = { ...this.snapshot, progress: p };
    if (!this.ready || this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      const latest = this.snapshot.progress;
      if (latest && this.ready) this.post({ type: 'progress', progress: latest });
    }, PROGRESS_INTERVAL_MS);
  }

  setPreview(profile: DatasetProfile): void {
    this.update({ phase: 'preview', profile, error: null });
  }

  setProfile(profile: DatasetProfile, notice?: string): void {
    this.update({ phase: 'ready', profile, progress: null, notice: notice ?? null, error: null });
  }

  setError(message: string): void {
    this.update({ phase: 'error', error: message, progress: null });
  }

  setCancelled(): void {
    this.update({ phase: 'cancelled', progress: null, error: null });
  }

  /** After each full profile (not previews). A Preview made from the previous profile is dropped. */
  setSuggestions(suggestions: Suggestion[]): void {
    this.updateClean({ suggestions, preview: null });
  }

  setCleanPreview(result: { preview: RecipePreview; recipe: Recipe } | { error: string }): void {
    this.updateClean({ preview: result });
  }

  /** e.g. "Applying 4 steps… 35%"; null when done. Sent alone, as often as it changes. */
  setCleanBusy(message: string | null): void {
    if (this.disposed || this.snapshot.clean.busy === message) return;
    this.snapshot = { ...this.snapshot, clean: { ...this.snapshot.clean, busy: message } };
    if (this.ready) this.post({ type: 'cleanBusy', busy: message });
  }

  /** The lineage of the file this panel shows; null when it is not a version ML Lab wrote. */
  setVersion(version: DatasetVersion | null): void {
    this.updateClean({ version });
  }

  /** Shows this file's profile side by side with its parent's (the webview switches to that view). */
  setComparison(parent: DatasetProfile, parentName: string): void {
    this.comparisons++;
    this.updateClean({ comparison: { parent, parentName, requested: this.comparisons } });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (DataQualityPanel.open.get(this.file.toString()) === this) DataQualityPanel.open.delete(this.file.toString());
    this.panel.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private update(change: Partial<PanelSnapshot>): void {
    if (this.disposed) return;
    this.snapshot = { ...this.snapshot, ...change };
    if (this.ready) this.post({ type: 'snapshot', snapshot: this.snapshot });
  }

  private updateClean(change: Partial<CleanState>): void {
    if (this.disposed) return;
    const clean = { ...this.snapshot.clean, ...change };
    this.snapshot = { ...this.snapshot, clean };
    if (this.ready) this.post({ type: 'clean', clean });
  }

  private post(message: HostMessage): void {
    // A post to a webview being torn down resolves false; the next `ready` brings it up to date.
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(raw: unknown): void {
    if (!isWebviewMessage(raw)) return;
    const m: WebviewMessage = raw;
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== PROTOCOL_VERSION && !this.reloadedStalePage) {
          // Only a stale page cached across an update can get here; reloading it (once) fixes it.
          this.reloadedStalePage = true;
          this.panel.webview.html = this.html();
          return;
        }
        this.ready = true;
        this.post({ type: 'snapshot', snapshot: this.snapshot });
        return;
      case 'reprofile':
        this.reprofileEmitter.fire();
        return;
      case 'startSweep':
        // The command checks workspace trust and asks for the target; the dataset is this file.
        void vscode.commands.executeCommand(CommandIds.startSweep, this.file);
        return;
      case 'export':
        void this.exportReport(m.format);
        return;
      case 'cleanPreview':
        this.cleanPreviewEmitter.fire(m.choices);
        return;
      case 'cleanApply':
        this.cleanApplyEmitter.fire(m.choices);
        return;
      case 'exportCode':
        this.codeExportEmitter.fire({ language: m.language, choices: m.choices });
        return;
      case 'versionAction':
        this.versionActionEmitter.fire({ action: m.action });
        return;
    }
  }

  private async exportReport(format: ExportFormat): Promise<void> {
    const profile = this.snapshot.profile;
    if (!profile) {
      void vscode.window.showWarningMessage('There is no profile to export yet.');
      return;
    }
    const name = `${stem(baseName(this.file))}.profile.${format}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.file, '..', name),
      filters: format === 'html' ? { 'HTML report': ['html'] } : { 'Markdown report': ['md'] },
      saveLabel: 'Export',
      title: `Export Data Quality report (${format === 'html' ? 'HTML' : 'Markdown'})`,
    });
    if (!target) return;
    const text = format === 'html' ? renderProfileHtml(profile) : renderProfileMarkdown(profile);
    // Write beside the target then rename over it, so a failed write never leaves half a report.
    const temp = target.with({ path: `${target.path}.${randomBytes(4).toString('hex')}.tmp` });
    try {
      await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(text));
      await vscode.workspace.fs.rename(temp, target, { overwrite: true });
    } catch (e) {
      await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
      const message = `Could not export the report: ${e instanceof Error ? e.message : String(e)}`;
      if (this.ready) this.post({ type: 'exported', format, ok: false, message });
      void vscode.window.showErrorMessage(message);
      return;
    }
    const saved = `Report saved to ${baseName(target)}.`;
    if (this.ready) this.post({ type: 'exported', format, ok: true, message: saved });
    const open = 'Open';
    const choice = await vscode.window.showInformationMessage(saved, open);
    if (choice === open) {
      if (format === 'html') await vscode.env.openExternal(target);
      else await vscode.commands.executeCommand('vscode.open', target);
    }
  }

  private html(): string {
    return webviewPageHtml(this.panel.webview, this.extensionUri, { script: 'dataQuality.js', stylesheet: 'dataQuality.css', title: `Data Quality: ${baseName(this.file)}` });
  }
}
