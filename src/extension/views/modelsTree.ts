// The Models view (third view of the ML Lab container): served and exported deployments of every workspace
// folder (.mllab/deployments/<id>.json), each with request rate, p99 latency and error rate from its
// prediction log and the last drift check's verdict. While the view is visible it re-reads every few
// seconds (the numbers move with traffic); servers started or stopped in this window refresh it at once.
import * as vscode from 'vscode';
import type { DeploymentRecord, DeploymentStats } from '../../protocol/deploy.js';
import { deploymentRow, deploymentState, orderDeployments } from '../deploymentText.js';
import type { DeploymentState } from '../deploymentText.js';
import type { ServedModels } from '../serveStatus.js';
import { VisiblePoll, type PolledView } from './visiblePoll.js';

/** How often a visible Models view re-reads records and log stats. */
export const MODELS_POLL_MS = 3000;
/** The window the stats cover. */
export const STATS_WINDOW_SECONDS = 60;

/** Where the view reads deployments: DeploymentStore and deploymentStats in the extension, stand-ins in tests. */
export interface DeploymentSource {
  list(workspace: string): Promise<DeploymentRecord[]>;
  stats(record: DeploymentRecord, windowSeconds: number): Promise<DeploymentStats | null>;
}

export interface DeploymentNode {
  kind: 'deployment';
  workspace: string;
  record: DeploymentRecord;
  state: DeploymentState;
  stats: DeploymentStats | null;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ModelsTreeProvider implements vscode.TreeDataProvider<DeploymentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DeploymentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private poll: VisiblePoll | undefined;
  private nodes: DeploymentNode[] = [];

  constructor(
    private readonly source: DeploymentSource,
    private readonly served: ServedModels | null,
    private readonly alive: (pid: number) => boolean = pidAlive,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.mllab/deployments/*.json');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.refresh()),
      watcher.onDidChange(() => this.refresh()),
      watcher.onDidDelete(() => this.refresh()),
    );
    if (served) this.disposables.push(served.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Polls while the view is visible: request counts and latency move without any file event we could watch cheaply. */
  attach(view: PolledView): vscode.Disposable {
    this.poll = new VisiblePoll(view, MODELS_POLL_MS, () => this.refresh());
    return this.poll;
  }

  /** The deployments as last listed (commands resolve ids against it). */
  listed(): readonly DeploymentNode[] {
    return this.nodes;
  }

  getTreeItem(node: DeploymentNode): vscode.TreeItem {
    const row = deploymentRow(node.record, node.state, node.stats);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = `deployment:${node.workspace}:${node.record.id}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    const colour = row.drifted ? 'list.warningForeground' : node.state === 'serving' ? 'testing.iconPassed' : undefined;
    item.iconPath = new vscode.ThemeIcon(row.icon, colour ? new vscode.ThemeColor(colour) : undefined);
    if (node.state === 'exported') item.resourceUri = vscode.Uri.file(node.record.location);
    return item;
  }

  async getChildren(node?: DeploymentNode): Promise<DeploymentNode[]> {
    if (node) return [];
    const out: DeploymentNode[] = [];
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      if (wf.uri.scheme !== 'file') continue;
      const workspace = wf.uri.fsPath;
      const records = await this.source.list(workspace).catch(() => [] as DeploymentRecord[]);
      // A server of this window whose record the server has not written yet still shows.
      const ids = new Set(records.map((r) => r.id));
      for (const s of this.served?.all() ?? []) {
        if (s.workspace === workspace && !ids.has(s.id)) records.push(this.served!.recordOf(s));
      }
      for (const record of records) {
        const state = this.served?.get(record.id) ? 'serving' : deploymentState(record, this.alive);
        const stats = record.kind === 'served' && record.logDir ? await this.source.stats(record, STATS_WINDOW_SECONDS).catch(() => null) : null;
        out.push({ kind: 'deployment', workspace, record, state, stats });
      }
    }
    this.nodes = orderDeployments(out);
    return this.nodes;
  }

  dispose(): void {
    this.poll?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
