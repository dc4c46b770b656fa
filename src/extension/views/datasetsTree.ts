// The Datasets tree of the ML Lab view container: profiled files (`.mllab/profiles/index.json`) and the
// cleaned versions ML Lab wrote from them (`.mllab/datasets`), nested by lineage. Elements are the files'
// Uris, so the context-menu commands (Profile Dataset, Start AutoML Sweep) receive a Uri as from the explorer.
import * as fsp from 'node:fs/promises';
import * as vscode from 'vscode';
import { isAbsolute, join } from 'node:path';
import { buildDatasetsTree, readDatasetsIndex } from '../../core/store/experimentIndex.js';
import type { DatasetFileNode } from '../../core/store/experimentIndex.js';
import { VisiblePoll, type PolledView } from './visiblePoll.js';

const REFRESH_DEBOUNCE_MS = 300;
/** While the view is visible, how often the records are checked for what a watcher missed. */
export const DATASETS_POLL_MS = 3000;

export class DatasetsTreeProvider implements vscode.TreeDataProvider<vscode.Uri>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Nodes by Uri string, filled as levels are listed. */
  private nodes = new Map<string, DatasetFileNode>();
  /** Workspace folder of each listed node, by Uri string. */
  private workspaces = new Map<string, string>();
  private roots: vscode.Uri[] | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private poll: VisiblePoll | undefined;
  private polledSignature: string | null = null;

  constructor() {
    for (const pattern of ['**/.mllab/profiles/index.json', '**/.mllab/datasets/*.json']) {
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      this.disposables.push(watcher, watcher.onDidCreate(() => this.refreshSoon()), watcher.onDidChange(() => this.refreshSoon()), watcher.onDidDelete(() => this.refreshSoon()));
    }
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
  }

  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.roots = null;
    this.changed.fire(undefined);
  }

  /** As the Experiments tree: a watcher can miss events, so a visible view also polls two mtimes per folder. */
  attach(view: PolledView): vscode.Disposable {
    this.poll = new VisiblePoll(view, DATASETS_POLL_MS, () => void this.checkRecords(), () => (this.polledSignature = null));
    return this.poll;
  }

  /** One poll: refreshes when the profile index or the versions folder changed since the previous one. */
  async checkRecords(): Promise<void> {
    const parts: string[] = [];
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      if (wf.uri.scheme !== 'file') continue;
      for (const path of [join(wf.uri.fsPath, '.mllab', 'profiles', 'index.json'), join(wf.uri.fsPath, '.mllab', 'datasets')]) {
        parts.push(String((await fsp.stat(path).catch(() => null))?.mtimeMs ?? '-'));
      }
    }
    const signature = parts.join('|');
    const before = this.polledSignature;
    this.polledSignature = signature;
    if (before !== null && before !== signature) this.refresh();
  }

  private refreshSoon(): void {
    if (!this.timer) this.timer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  getTreeItem(uri: vscode.Uri): vscode.TreeItem {
    const node = this.nodes.get(uri.toString());
    const item = new vscode.TreeItem(node?.label ?? uri.path, node && node.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.resourceUri = uri;
    item.id = uri.toString();
    if (!node) return item;
    item.description = node.description;
    item.tooltip = new vscode.MarkdownString(node.tooltip);
    item.iconPath = new vscode.ThemeIcon(node.kind === 'cleaned' ? 'git-commit' : node.profiled ? 'graph' : 'file');
    item.contextValue = node.kind === 'cleaned' ? 'datasetFile.cleaned' : 'datasetFile.source';
    item.command = { command: 'vscode.open', title: 'Open File', arguments: [uri.with({ fragment: '' })] };
    return item;
  }

  async getChildren(uri?: vscode.Uri): Promise<vscode.Uri[]> {
    if (uri) return (this.nodes.get(uri.toString())?.children ?? []).map((c) => this.uriOf(c, uri));
    if (this.roots) return this.roots;
    this.nodes = new Map();
    this.workspaces = new Map();
    const roots: vscode.Uri[] = [];
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      if (wf.uri.scheme !== 'file') continue;
      const { profiled, versions } = await readDatasetsIndex(wf.uri.fsPath);
      for (const node of buildDatasetsTree(profiled, versions)) roots.push(this.register(node, wf.uri.fsPath));
    }
    this.roots = roots;
    return roots;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.poll?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /**
   * Paths in the records are workspace-relative ('/'-separated). A cleaned version's Uri carries its hash as
   * the fragment: two versions written to the same path over time stay two rows (fsPath ignores it).
   */
  private register(node: DatasetFileNode, workspace: string): vscode.Uri {
    const file = vscode.Uri.file(isAbsolute(node.path) ? node.path : join(workspace, ...node.path.split('/')));
    const uri = node.kind === 'cleaned' && node.sha256 ? file.with({ fragment: node.sha256 }) : file;
    this.nodes.set(uri.toString(), node);
    this.workspaces.set(uri.toString(), workspace);
    return uri;
  }

  private uriOf(child: DatasetFileNode, parent: vscode.Uri): vscode.Uri {
    return this.register(child, this.workspaces.get(parent.toString()) ?? '');
  }
}
