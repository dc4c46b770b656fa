// The Drift Report panel's host side: one panel per stored report (.mllab/drift/*.json). It sends the
// report after the webview's ready handshake, saves an export as JSON, and hands Retrain to the deploy
// commands. After a window reload the serializer reopens the report file the webview saved in its state.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { DRIFT_PANEL_PROTOCOL_VERSION, isDriftWebviewMessage, parseDriftReport, parseDriftState } from '../../protocol/driftPanel.js';
import type { DriftHostMessage, DriftPanelSnapshot } from '../../protocol/driftPanel.js';
import type { DriftReport } from '../../protocol/deploy.js';
import { webviewPageHtml, webviewPanelOptions } from './webviewPage.js';

/** What the panel asks of the deploy commands. */
export interface DriftPanelActions {
  /** Whether Retrain can be offered for this report (drifted, from an experiment of this workspace, trusted). */
  canRetrain(report: DriftReport): boolean;
  /** Runs the retrain; resolves with one line for the panel's status. */
  retrain(report: DriftReport): Promise<string | null>;
}

/** Reads and checks a stored report; null when it is gone or not a drift report. */
export async function readDriftReport(path: string): Promise<DriftReport | null> {
  try {
    return parseDriftReport(JSON.parse(await readFile(path, 'utf8')) as unknown);
  } catch {
    return null;
  }
}

export class DriftReportPanel implements vscode.Disposable {
  static readonly viewType = 'mllab.driftReport';
  private static readonly open = new Map<string, DriftReportPanel>();

  static show(extensionUri: vscode.Uri, report: DriftReport, reportPath: string, actions: DriftPanelActions): DriftReportPanel {
    const snapshot: DriftPanelSnapshot = { report, reportPath, canRetrain: actions.canRetrain(report) };
    const existing = DriftReportPanel.open.get(reportPath);
    if (existing) {
      existing.setSnapshot(snapshot);
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(DriftReportPanel.viewType, titleOf(report), vscode.ViewColumn.Active, webviewPanelOptions(extensionUri, { findWidget: true }));
    return new DriftReportPanel(panel, extensionUri, snapshot, actions);
  }

  /** For the WebviewPanelSerializer: undefined (the caller disposes the panel) when the saved report is unusable or already open. */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown, actions: DriftPanelActions): Promise<DriftReportPanel | undefined> {
    const saved = parseDriftState(state);
    if (!saved || DriftReportPanel.open.has(saved.reportPath)) return undefined;
    const report = await readDriftReport(saved.reportPath);
    if (!report || DriftReportPanel.open.has(saved.reportPath)) return undefined;
    panel.webview.options = webviewPanelOptions(extensionUri, { findWidget: true });
    panel.title = titleOf(report);
    return new DriftReportPanel(panel, extensionUri, { report, reportPath: saved.reportPath, canRetrain: actions.canRetrain(report) }, actions);
  }

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private retraining = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private snapshot: DriftPanelSnapshot,
    private readonly actions: DriftPanelActions,
  ) {
    DriftReportPanel.open.set(snapshot.reportPath, this);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = webviewPageHtml(panel.webview, extensionUri, { script: 'driftReport.js', stylesheet: 'driftReport.css', title: titleOf(snapshot.report) });
  }

  setSnapshot(snapshot: DriftPanelSnapshot): void {
    this.snapshot = snapshot;
    this.panel.title = titleOf(snapshot.report);
    if (this.ready) this.post({ type: 'snapshot', snapshot });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (DriftReportPanel.open.get(this.snapshot.reportPath) === this) DriftReportPanel.open.delete(this.snapshot.reportPath);
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(message: DriftHostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private async receive(raw: unknown): Promise<void> {
    if (!isDriftWebviewMessage(raw)) return;
    switch (raw.type) {
      case 'ready':
        this.ready = true;
        if (raw.protocolVersion !== DRIFT_PANEL_PROTOCOL_VERSION) return;
        this.post({ type: 'snapshot', snapshot: this.snapshot });
        if (this.retraining) this.post({ type: 'retrainState', running: true, message: 'Retraining…' });
        return;
      case 'exportJson':
        await this.exportJson();
        return;
      case 'openModel':
        if (this.snapshot.report.model) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(this.snapshot.report.model.path));
        return;
      case 'retrain': {
        if (this.retraining || !this.snapshot.canRetrain) return;
        this.retraining = true;
        this.post({ type: 'retrainState', running: true, message: 'Retraining…' });
        let message: string | null = null;
        try {
          message = await this.actions.retrain(this.snapshot.report);
        } finally {
          this.retraining = false;
          this.post({ type: 'retrainState', running: false, message });
        }
        return;
      }
    }
  }

  private async exportJson(): Promise<void> {
    const current = this.snapshot.report.current.path;
    const base = current.replace(/\.[^./\\]+$/, '');
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(`${base}.drift.json`),
      filters: { 'Drift report (JSON)': ['json'] },
      saveLabel: 'Export',
      title: 'Export drift report (JSON)',
    });
    if (!target) return;
    // Written beside the target and renamed over it: a failed write never leaves half a file.
    const temp = target.with({ path: `${target.path}.${randomBytes(4).toString('hex')}.tmp` });
    try {
      await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(JSON.stringify(this.snapshot.report, null, 2) + '\n'));
      await vscode.workspace.fs.rename(temp, target, { overwrite: true });
    } catch (e) {
      await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
      const message = `Could not export the drift report: ${e instanceof Error ? e.message : String(e)}`;
      this.post({ type: 'exported', ok: false, message });
      void vscode.window.showErrorMessage(message);
      return;
    }
    this.post({ type: 'exported', ok: true, message: `Saved ${target.path.split('/').pop() ?? ''}` });
  }
}

function titleOf(report: DriftReport): string {
  const file = report.current.path.split(/[\\/]/).pop() ?? report.current.path;
  return `Drift: ${file}${report.drifted ? ' (drifted)' : ''}`;
}
