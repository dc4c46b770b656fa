// The Experiment Report panel's host side (one panel per experiment) and the commands that open reports
// and comparisons. Snapshots are read from the workspace's .mllab on open, on Refresh, and when the
// SweepActivityHub says this experiment changed state (a running sweep's report appears when it ends).
import * as vscode from 'vscode';
import { webviewPageHtml, webviewPanelOptions } from './webviewPage.js';
import { randomBytes } from 'node:crypto';
import { loadReportSnapshot } from '../../core/ml/report/load.js';
import { renderExperimentHtml, renderExperimentMarkdown } from '../../core/ml/report/index.js';
import { REPORT_PROTOCOL_VERSION, isReportWebviewMessage, parseReportState } from '../../protocol/experimentReport.js';
import type { ExportFormat, ReportHostMessage, ReportSnapshot } from '../../protocol/experimentReport.js';
import { CommandIds } from '../commandIds.js';
import type { SweepActivityHub } from '../sweepActivity.js';
import { experimentIdFromArg as experimentIdOf } from '../../core/store/experimentIndex.js';
import { ExperimentStore } from '../../core/store/experiments.js';

/** The page shell of both report panels (the experiment report and the compare view). */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, title: string): string {
  return webviewPageHtml(webview, extensionUri, { script, stylesheet: 'experimentReport.css', title });
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return webviewPanelOptions(extensionUri, { findWidget: true });
}

/** The workspace folder whose .mllab holds this experiment, with its snapshot. */
export async function findExperiment(id: string): Promise<{ workspace: string; snapshot: ReportSnapshot } | null> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    const snapshot = await loadReportSnapshot(folder.uri.fsPath, id).catch(() => null);
    if (snapshot) return { workspace: folder.uri.fsPath, snapshot };
  }
  return null;
}

/** Every experiment of every folder, newest first, for a quick pick. */
export async function pickExperiments(title: string, many: boolean): Promise<string[]> {
  const items: (vscode.QuickPickItem & { id: string })[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    for (const s of await new ExperimentStore(folder.uri.fsPath).list().catch(() => [])) {
      const file = s.dataset.split(/[\\/]/).pop() ?? s.dataset;
      items.push({ id: s.id, label: s.id, description: `${file} → ${s.target}`, detail: `${s.status} · ${s.trials} trials · best ${s.metric} ${s.bestScore === null ? '—' : s.bestScore.toFixed(4)}` });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No experiments yet: run an AutoML sweep first.');
    return [];
  }
  if (many) {
    const picked = await vscode.window.showQuickPick(items, { title, canPickMany: true, matchOnDescription: true });
    return picked?.map((p) => p.id) ?? [];
  }
  const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true });
  return picked ? [picked.id] : [];
}

export class ExperimentReportPanel implements vscode.Disposable {
  static readonly viewType = 'mllab.experimentReport';
  private static readonly open = new Map<string, ExperimentReportPanel>();

  static async show(extensionUri: vscode.Uri, id: string, hub?: SweepActivityHub): Promise<ExperimentReportPanel | undefined> {
    const existing = ExperimentReportPanel.open.get(id);
    if (existing) {
      existing.panel.reveal();
      await existing.refresh();
      return existing;
    }
    const found = await findExperiment(id);
    if (!found) {
      void vscode.window.showErrorMessage(`No experiment ${id} in this workspace.`);
      return undefined;
    }
    const panel = vscode.window.createWebviewPanel(ExperimentReportPanel.viewType, `Report: ${found.snapshot.experiment.name ?? id}`, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    return new ExperimentReportPanel(panel, extensionUri, found.workspace, found.snapshot, hub);
  }

  /**
   * For the WebviewPanelSerializer after a window reload: `state` is what the webview saved (its experiment
   * id). Undefined (the caller disposes the panel) when the state is unusable, the experiment is gone from
   * the workspace, or a report of it is already open.
   */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, hub?: SweepActivityHub): Promise<ExperimentReportPanel | undefined> {
    const saved = parseReportState(state);
    if (!saved || ExperimentReportPanel.open.has(saved.experimentId)) return undefined;
    const found = await findExperiment(saved.experimentId);
    if (!found || ExperimentReportPanel.open.has(saved.experimentId)) return undefined;
    panel.webview.options = webviewOptions(extensionUri);
    panel.title = `Report: ${found.snapshot.experiment.name ?? saved.experimentId}`;
    return new ExperimentReportPanel(panel, extensionUri, found.workspace, found.snapshot, hub);
  }

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly workspace: string,
    private snapshot: ReportSnapshot,
    hub: SweepActivityHub | undefined,
  ) {
    const id = snapshot.experiment.id;
    ExperimentReportPanel.open.set(id, this);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    if (hub) {
      let last = hub.get(id)?.state;
      this.disposables.push(
        hub.onDidChange(() => {
          const state = hub.get(id)?.state;
          if (state !== last) {
            last = state;
            void this.refresh();
          }
        }),
      );
    }
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'experimentReport.js', `Report: ${id}`);
  }

  async refresh(): Promise<void> {
    const next = await loadReportSnapshot(this.workspace, this.snapshot.experiment.id).catch(() => null);
    if (this.disposed) return;
    if (!next) {
      this.post({ type: 'error', message: 'The experiment is gone or unreadable.' });
      return;
    }
    this.snapshot = next;
    this.panel.title = `Report: ${next.experiment.name ?? next.experiment.id}`;
    if (this.ready) this.post({ type: 'snapshot', snapshot: next });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (ExperimentReportPanel.open.get(this.snapshot.experiment.id) === this) ExperimentReportPanel.open.delete(this.snapshot.experiment.id);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(message: ReportHostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isReportWebviewMessage(raw)) return;
    const id = this.snapshot.experiment.id;
    switch (raw.type) {
      case 'ready':
        this.ready = true;
        if (raw.protocolVersion !== REPORT_PROTOCOL_VERSION) return;
        this.post({ type: 'snapshot', snapshot: this.snapshot });
        return;
      case 'refresh':
        await this.refresh();
        return;
      case 'export':
        await this.export(raw.format);
        return;
      case 'compareWith': {
        const others = (await pickExperiments('Compare with…', true)).filter((o) => o !== id);
        if (others.length) await vscode.commands.executeCommand(CommandIds.compareExperiments, [id, ...others]);
        return;
      }
      case 'openModel':
        await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(`${new ExperimentStore(this.workspace).path(id)}/models/best.json`));
        return;
    }
  }

  private async export(format: ExportFormat): Promise<void> {
    const id = this.snapshot.experiment.id;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(`${this.workspace}/${id}.report.${format}`),
      filters: format === 'html' ? { 'HTML report': ['html'] } : { 'Markdown report': ['md'] },
      saveLabel: 'Export',
      title: `Export experiment report (${format === 'html' ? 'HTML' : 'Markdown'})`,
    });
    if (!target) return;
    const text = format === 'html' ? renderExperimentHtml(this.snapshot) : renderExperimentMarkdown(this.snapshot);
    // Written beside the target and renamed over it: a failed write never leaves half a report.
    const temp = target.with({ path: `${target.path}.${randomBytes(4).toString('hex')}.tmp` });
    try {
      await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(text));
      await vscode.workspace.fs.rename(temp, target, { overwrite: true });
    } catch (e) {
      await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
      const message = `Could not export the report: ${e instanceof Error ? e.message : String(e)}`;
      this.post({ type: 'exported', format, ok: false, message });
      void vscode.window.showErrorMessage(message);
      return;
    }
    this.post({ type: 'exported', format, ok: true, message: `Saved ${target.path.split('/').pop() ?? ''}` });
  }
}

/** Command arguments: an id, a tree item, or (for compare) the tree's selection array. */
export function experimentIdsOf(...args: unknown[]): string[] {
  const ids: string[] = [];
  const add = (a: unknown): void => {
    if (Array.isArray(a)) a.forEach(add);
    else {
      const id = experimentIdOf(a);
      if (id && !ids.includes(id)) ids.push(id);
    }
  };
  // VS Code passes (clicked item, all selected items) for a multi-selection; the selection wins.
  const selection = args.find((a) => Array.isArray(a) && a.length > 1);
  add(selection ?? args);
  return ids;
}
