// The Compare view's host side: one panel, replaced content on each compare. Entries are read from the
// stores of the workspace folders; ids that are gone are listed in a notice rather than failing.
import * as vscode from 'vscode';
import { loadCompareEntry } from '../../core/ml/report/load.js';
import { REPORT_PROTOCOL_VERSION, isCompareWebviewMessage, parseCompareState } from '../../protocol/experimentReport.js';
import type { CompareEntry, CompareHostMessage, CompareSnapshot } from '../../protocol/experimentReport.js';
import { CommandIds } from '../commandIds.js';
import { webviewHtml, webviewOptions } from './experimentReport.js';

async function loadEntries(ids: string[]): Promise<CompareSnapshot> {
  const entries: CompareEntry[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    let entry: CompareEntry | null = null;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      entry = await loadCompareEntry(folder.uri.fsPath, id).catch(() => null);
      if (entry) break;
    }
    if (entry) entries.push(entry);
    else missing.push(id);
  }
  return { entries, notice: missing.length ? `Not found: ${missing.join(', ')}` : null };
}

export class CompareView implements vscode.Disposable {
  static readonly viewType = 'mllab.compareExperiments';
  private static current: CompareView | undefined;

  static async show(extensionUri: vscode.Uri, ids: string[]): Promise<void> {
    const snapshot = await loadEntries(ids);
    if (snapshot.entries.length < 2) {
      void vscode.window.showWarningMessage(`Compare needs two experiments that exist${snapshot.notice ? ` (${snapshot.notice})` : ''}.`);
      return;
    }
    if (CompareView.current) {
      CompareView.current.setSnapshot(snapshot);
      CompareView.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(CompareView.viewType, 'Compare Experiments', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    CompareView.current = new CompareView(panel, extensionUri, snapshot);
  }

  /**
   * For the WebviewPanelSerializer after a window reload: `state` is what the webview saved (the compared
   * ids). Undefined (the caller disposes the panel) when the state is unusable, fewer than two of the
   * experiments still exist, or a Compare view is already open.
   */
  static async revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, state: unknown): Promise<CompareView | undefined> {
    const saved = parseCompareState(state);
    if (!saved || CompareView.current) return undefined;
    const snapshot = await loadEntries(saved.experimentIds);
    if (snapshot.entries.length < 2 || CompareView.current) return undefined;
    panel.webview.options = webviewOptions(extensionUri);
    panel.title = `Compare (${snapshot.entries.length})`;
    CompareView.current = new CompareView(panel, extensionUri, snapshot);
    return CompareView.current;
  }

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private snapshot: CompareSnapshot,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = webviewHtml(panel.webview, extensionUri, 'compare.js', 'Compare Experiments');
  }

  setSnapshot(snapshot: CompareSnapshot): void {
    this.snapshot = snapshot;
    this.panel.title = `Compare (${snapshot.entries.length})`;
    if (this.ready) this.post({ type: 'snapshot', snapshot });
  }

  dispose(): void {
    if (CompareView.current === this) CompareView.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private post(message: CompareHostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(raw: unknown): void {
    if (!isCompareWebviewMessage(raw)) return;
    if (raw.type === 'ready') {
      this.ready = true;
      if (raw.protocolVersion === REPORT_PROTOCOL_VERSION) this.post({ type: 'snapshot', snapshot: this.snapshot });
      return;
    }
    void vscode.commands.executeCommand(CommandIds.openExperimentReport, raw.experimentId);
  }
}
