// The Experiments tree of the ML Lab view container: dataset -> version -> experiment -> model and trials
// (top N by score, the rest under "N more trials"). What it shows is built by core/store/experimentIndex.ts;
// this file turns it into TreeItems and keeps it fresh from a file watcher on `.mllab/experiments/**` (a
// sweep started with `mllab sweep` in a terminal shows up) and from the SweepActivityHub (live state).
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  TrialCache,
  buildExperimentTree,
  experimentChildren,
  experimentIdFromArg,
  modelPath,
  readExperimentIndex,
  startedLabel,
  statusIcon,
  trialIcon,
} from '../../core/store/experimentIndex.js';
import type { DatasetGroup, ExperimentEntry, LiveExperiment, TrialRow, VersionGroup } from '../../core/store/experimentIndex.js';
import { ExperimentStore } from '../../core/store/experiments.js';
import type { ExperimentRecord } from '../../protocol/experiment.js';
import { CommandIds } from '../commandIds.js';
import type { SweepActivityHub } from '../sweepActivity.js';
import type { QueuedSweep } from '../sweepQueue.js';
import { queuedSweepRow } from './queuedSweepRow.js';
import { retrainedRow } from '../deploymentText.js';
import type { QueuedSweepRow } from './queuedSweepRow.js';
import { VisiblePoll, type PolledView } from './visiblePoll.js';

/** Trials shown under an experiment before the "more" row. */
export const TOP_TRIALS = 10;
/** Watcher events come in bursts (a sweep appends a trial and rewrites its record): one refresh per burst. */
const REFRESH_DEBOUNCE_MS = 300;
/** While the view is visible, how often the store is checked for what a watcher missed. */
export const POLL_MS = 2000;

export type ExperimentNode =
  | { kind: 'folder'; workspace: string; name: string }
  | { kind: 'dataset'; workspace: string; group: DatasetGroup }
  | { kind: 'version'; workspace: string; group: VersionGroup }
  | { kind: 'experiment'; workspace: string; experimentId: string; entry: ExperimentEntry }
  | { kind: 'model'; workspace: string; experimentId: string; path: string; label: string; description: string }
  | { kind: 'trial'; workspace: string; experimentId: string; row: TrialRow }
  | { kind: 'moreTrials'; workspace: string; experimentId: string; hidden: number }
  | { kind: 'queued'; workspace: string; key: string; row: QueuedSweepRow }
  /** A child experiment that retrained this one (#6): shown under the parent, opens the child's report. */
  | { kind: 'retrained'; workspace: string; experimentId: string; parentId: string; child: ExperimentRecord }
  | { kind: 'message'; text: string };

/** The part of SweepQueue the tree reads: sweeps waiting for the worker, and when that changes. */
export interface WaitingSweeps {
  waiting(): QueuedSweep[];
  onDidChange(listener: () => void): { dispose(): void };
}

/**
 * The experiment id a command was given: an id string, a node of this tree (or anything with an
 * `experimentId`), or undefined (the command then asks with a quick pick).
 */
export function experimentIdOf(arg: unknown): string | undefined {
  return experimentIdFromArg(arg);
}

interface FolderState {
  workspace: string;
  name: string;
  store: ExperimentStore;
  trials: TrialCache;
  groups: DatasetGroup[] | null;
  records: Map<string, ExperimentRecord>;
}

export class ExperimentTreeProvider implements vscode.TreeDataProvider<ExperimentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExperimentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private folders = new Map<string, FolderState>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private poll: VisiblePoll | undefined;
  private polledSignature: string | null = null;

  private queuedSignature = '';

  /** Root reads so far: the first is logged at info (bench/store's workbench mode reads it), later ones at debug. */
  private loads = 0;

  constructor(
    private readonly hub: SweepActivityHub | null,
    private readonly queue: WaitingSweeps | null = null,
    private readonly log: Pick<vscode.LogOutputChannel, 'info' | 'debug'> | null = null,
  ) {
    this.resetFolders();
    // The watcher is cheap to create: nothing is read until the view is shown and asks for children.
    const watcher = vscode.workspace.createFileSystemWatcher('**/.mllab/experiments/**');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.refreshSoon()),
      watcher.onDidChange(() => this.refreshSoon()),
      watcher.onDidDelete(() => this.refreshSoon()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.resetFolders();
        this.refresh();
      }),
    );
    if (hub) this.disposables.push(hub.onDidChange(() => this.refreshSoon()));
    // The queue changes on every progress event: redraw only when the waiting sweeps change (no store read).
    if (queue) {
      this.disposables.push(
        queue.onDidChange(() => {
          const signature = queue
            .waiting()
            .map((s) => `${s.key}:${s.state}:${s.experimentId ?? ''}`)
            .join('|');
          if (signature === this.queuedSignature) return;
          this.queuedSignature = signature;
          this.changed.fire(undefined);
        }),
      );
    }
  }

  /** Re-read the records now (the Refresh button, after an edit). */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const f of this.folders.values()) f.groups = null;
    this.changed.fire(undefined);
  }

  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  /**
   * File watchers can miss events (inotify limits, network drives; seen in code-server under load), and a
   * sweep in a terminal must still show up: while the view is visible, every POLL_MS the store folder's
   * mtime (an experiment added or removed) and the running experiments' record mtimes are compared with
   * the last check. A few stat calls, no reads.
   */
  attach(view: PolledView): vscode.Disposable {
    const shown = (): void => {
      if (this.firstOpen === undefined) this.shownAt ??= performance.now();
      this.polledSignature = null;
    };
    this.poll = new VisiblePoll(view, POLL_MS, () => void this.checkStore(), shown);
    return this.poll;
  }

  /** One poll: refreshes when the store changed since the previous one (the first only takes a baseline). */
  async checkStore(): Promise<void> {
    const parts: string[] = [];
    for (const f of this.folders.values()) {
      parts.push(`${f.workspace}:${(await fsp.stat(f.store.dir).catch(() => null))?.mtimeMs ?? '-'}`);
      for (const record of f.records.values()) {
        if (record.status !== 'running') continue;
        const stat = await fsp.stat(join(f.store.dir, record.id, 'experiment.json')).catch(() => null);
        parts.push(`${record.id}:${stat?.mtimeMs ?? '-'}`);
      }
    }
    const signature = parts.join('|');
    const before = this.polledSignature;
    this.polledSignature = signature;
    if (before !== null && before !== signature) this.refresh();
  }

  /** The record of an experiment the tree has listed, with its workspace folder. */
  listed(id: string): { record: ExperimentRecord; workspace: string } | undefined {
    for (const f of this.folders.values()) {
      const record = f.records.get(id);
      if (record) return { record, workspace: f.workspace };
    }
    return undefined;
  }

  /** Every listed experiment (for quick picks), newest first. */
  async allExperiments(): Promise<{ record: ExperimentRecord; workspace: string }[]> {
    const out: { record: ExperimentRecord; workspace: string }[] = [];
    for (const f of this.folders.values()) {
      await this.load(f);
      for (const record of f.records.values()) out.push({ record, workspace: f.workspace });
    }
    return out.sort((a, b) => (a.record.times.created < b.record.times.created ? 1 : -1));
  }

  getTreeItem(node: ExperimentNode): vscode.TreeItem {
    switch (node.kind) {
      case 'folder': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.iconPath = new vscode.ThemeIcon('root-folder');
        item.id = `folder:${node.workspace}`;
        return item;
      }
      case 'dataset': {
        const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
        item.description = node.group.description;
        item.tooltip = node.group.key;
        item.iconPath = new vscode.ThemeIcon('database');
        item.id = `dataset:${node.workspace}:${node.group.key}`;
        item.contextValue = 'dataset';
        return item;
      }
      case 'version': {
        const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
        item.description = node.group.description;
        item.tooltip = `${node.group.path}\nsha256 ${node.group.sha256}`;
        item.iconPath = new vscode.ThemeIcon(node.group.version ? 'git-commit' : 'file');
        item.id = `version:${node.workspace}:${node.group.sha256}`;
        item.resourceUri = vscode.Uri.file(node.group.path);
        item.contextValue = 'datasetVersion';
        return item;
      }
      case 'experiment': {
        const e = node.entry;
        const item = new vscode.TreeItem(e.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.description = e.description;
        item.tooltip = new vscode.MarkdownString(e.tooltip);
        const icon = statusIcon(e.status);
        item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
        item.id = `experiment:${node.workspace}:${node.experimentId}`;
        // Menus match on the status: `viewItem =~ /^experiment\.(done|failed|interrupted)$/` etc.
        item.contextValue = `experiment.${e.status}`;
        const live = e.status === 'running' || e.status === 'paused' || e.status === 'queued' || e.status === 'stopping';
        item.command = live
          ? { command: CommandIds.openSweepPanel, title: 'Open Sweep Panel', arguments: [node.experimentId] }
          : { command: CommandIds.openExperimentReport, title: 'Open Report', arguments: [node.experimentId] };
        return item;
      }
      case 'model': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.tooltip = node.path;
        item.iconPath = new vscode.ThemeIcon('package');
        item.id = `model:${node.workspace}:${node.experimentId}`;
        item.contextValue = 'experimentModel';
        item.command = { command: 'vscode.open', title: 'Open Model', arguments: [vscode.Uri.file(node.path)] };
        return item;
      }
      case 'trial': {
        const item = new vscode.TreeItem(node.row.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.row.description;
        item.tooltip = new vscode.MarkdownString(node.row.tooltip);
        item.iconPath = new vscode.ThemeIcon(trialIcon(node.row), node.row.best ? new vscode.ThemeColor('charts.yellow') : undefined);
        item.id = `trial:${node.workspace}:${node.experimentId}:${node.row.trial.index}`;
        item.contextValue = 'trial';
        return item;
      }
      case 'moreTrials': {
        const item = new vscode.TreeItem(`${node.hidden} more trial${node.hidden === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.tooltip = 'Expand to show every trial, best first';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.id = `more:${node.workspace}:${node.experimentId}`;
        return item;
      }
      case 'queued': {
        const row = node.row;
        const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
        item.description = row.description;
        item.tooltip = new vscode.MarkdownString(row.tooltip);
        item.iconPath = new vscode.ThemeIcon(row.icon);
        item.id = `queued:${node.key}`;
        item.contextValue = 'queuedSweep';
        item.command = { command: CommandIds.openSweepPanel, title: 'Open Sweep Panel', arguments: [node.key] };
        return item;
      }
      case 'retrained': {
        const row = retrainedRow(node.child.retrain!, node.child.name ?? startedLabel(node.child));
        const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
        item.description = row.description;
        item.tooltip = row.tooltip;
        item.iconPath = new vscode.ThemeIcon('git-branch', node.child.retrain!.promoted ? new vscode.ThemeColor('testing.iconPassed') : undefined);
        item.id = `retrained:${node.workspace}:${node.parentId}:${node.experimentId}`;
        item.contextValue = 'retrainedExperiment';
        item.command = { command: CommandIds.openExperimentReport, title: 'Open Report', arguments: [node.experimentId] };
        return item;
      }
      case 'message':
        return new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
    }
  }

  async getChildren(node?: ExperimentNode): Promise<ExperimentNode[]> {
    if (node) this.traceFirstOpen(node);
    else this.rootAskedAt ??= performance.now();
    const children = await this.childrenOf(node);
    if (!node) this.traceFirstOpen(undefined);
    return children;
  }

  /**
   * The first open's timeline, logged once: when VS Code asked for each level down to the experiments, from
   * the moment the root's children were returned. Each level is a round trip to the workbench.
   */
  private firstOpen: { root: number; dataset?: number; version?: number } | null | undefined;
  /** When the view first became visible (VS Code tells the extension host before it asks for the root). */
  private shownAt: number | undefined;
  private rootAskedAt: number | undefined;

  private traceFirstOpen(node: ExperimentNode | undefined): void {
    if (this.firstOpen === null || !this.log) return;
    const now = performance.now();
    if (!node) {
      this.firstOpen ??= { root: now };
      return;
    }
    const t = this.firstOpen;
    if (!t) return;
    if (node.kind === 'dataset') t.dataset ??= now;
    else if (node.kind === 'version' && t.dataset !== undefined) {
      const shown = this.shownAt !== undefined && this.rootAskedAt !== undefined ? `root asked ${(this.rootAskedAt - this.shownAt).toFixed(1)} ms after the view was shown; ` : '';
      this.log.info(`Experiments tree: first open: ${shown}after the root's children were returned, the dataset level was asked at +${(t.dataset - t.root).toFixed(1)} ms and the version level (the experiments) at +${(now - t.root).toFixed(1)} ms`);
      this.firstOpen = null;
    }
  }

  private async childrenOf(node?: ExperimentNode): Promise<ExperimentNode[]> {
    if (!node) {
      const folders = [...this.folders.values()];
      if (folders.length === 0) return [];
      if (folders.length > 1) return folders.map((f) => ({ kind: 'folder', workspace: f.workspace, name: f.name }));
      return this.datasetNodes(folders[0]!);
    }
    switch (node.kind) {
      case 'folder': {
        const f = this.folders.get(node.workspace);
        return f ? this.datasetNodes(f) : [];
      }
      case 'dataset':
        return node.group.versions.map((group) => ({ kind: 'version', workspace: node.workspace, group }));
      case 'version':
        return node.group.experiments.map((entry) => ({ kind: 'experiment', workspace: node.workspace, experimentId: entry.record.id, entry }));
      case 'experiment':
        return this.experimentNodes(node.workspace, node.entry.record, false);
      case 'moreTrials': {
        const record = this.folders.get(node.workspace)?.records.get(node.experimentId);
        return record ? (await this.experimentNodes(node.workspace, record, true)).slice(TOP_TRIALS) : [];
      }
      default:
        return [];
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.poll?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private resetFolders(): void {
    const next = new Map<string, FolderState>();
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      if (wf.uri.scheme !== 'file') continue;
      const workspace = wf.uri.fsPath;
      const store = new ExperimentStore(workspace);
      next.set(workspace, this.folders.get(workspace) ?? { workspace, name: wf.name, store, trials: new TrialCache(store), groups: null, records: new Map() });
    }
    this.folders = next;
  }

  private async load(f: FolderState): Promise<DatasetGroup[]> {
    if (f.groups) return f.groups;
    const t0 = performance.now();
    const data = await readExperimentIndex(f.workspace);
    f.records = new Map(data.records.map((r) => [r.id, r]));
    f.groups = buildExperimentTree(data, this.liveState(f.workspace));
    const line = `Experiments tree: ${data.records.length} experiments read and grouped in ${(performance.now() - t0).toFixed(1)} ms (${f.name})`;
    if (this.loads++ === 0) this.log?.info(line);
    else this.log?.debug(line);
    return f.groups;
  }

  private async datasetNodes(f: FolderState): Promise<ExperimentNode[]> {
    const groups = await this.load(f);
    // Queued sweeps on top: they have no experiment (nor dataset version) to hang under yet.
    const queued = this.queuedNodes(f.workspace);
    // None: the view's welcome content (package.json viewsWelcome) offers Start AutoML Sweep.
    if (groups.length === 0) return queued;
    return [...queued, ...groups.map((group): ExperimentNode => ({ kind: 'dataset', workspace: f.workspace, group }))];
  }

  /**
   * A row per sweep of this folder waiting for the worker. A resumed experiment waiting its turn is not
   * repeated here: its own row already says queued.
   */
  private queuedNodes(workspace: string): ExperimentNode[] {
    const waiting = this.queue?.waiting() ?? [];
    const out: ExperimentNode[] = [];
    waiting.forEach((sweep, i) => {
      if (sweep.workspace !== workspace || sweep.experimentId !== null) return;
      out.push({ kind: 'queued', workspace, key: sweep.key, row: queuedSweepRow(sweep, i + 1, waiting.length) });
    });
    return out;
  }

  private async experimentNodes(workspace: string, record: ExperimentRecord, showAll: boolean): Promise<ExperimentNode[]> {
    const f = this.folders.get(workspace);
    if (!f) return [];
    const [trials, model] = await Promise.all([f.trials.trials(record.id), modelPath(f.store, record.id)]);
    const children = experimentChildren(record, trials, { topN: TOP_TRIALS, showAll, modelPath: model });
    const out: ExperimentNode[] = [];
    if (!showAll && children.model) out.push({ kind: 'model', workspace, experimentId: record.id, ...children.model });
    if (!showAll) {
      for (const child of f.records.values()) {
        if (child.parent === record.id && child.retrain) out.push({ kind: 'retrained', workspace, experimentId: child.id, parentId: record.id, child });
      }
    }
    for (const row of children.trials) out.push({ kind: 'trial', workspace, experimentId: record.id, row });
    if (children.hidden > 0) out.push({ kind: 'moreTrials', workspace, experimentId: record.id, hidden: children.hidden });
    if (out.length === 0) out.push({ kind: 'message', text: 'No finished trials yet' });
    return out;
  }

  private liveState(workspace: string): Map<string, LiveExperiment> {
    const live = new Map<string, LiveExperiment>();
    for (const a of this.hub?.all() ?? []) {
      if (a.workspace !== workspace) continue;
      live.set(a.experimentId, { state: a.state, finishedTrials: a.progress?.finishedTrials ?? 0, bestScore: a.progress?.bestScore ?? null });
    }
    return live;
  }
}

/** Where an experiment lives: the listed folder, else the first workspace folder whose store has it. */
export async function locateExperiment(tree: ExperimentTreeProvider, id: string): Promise<{ store: ExperimentStore; record: ExperimentRecord } | undefined> {
  const listed = tree.listed(id);
  if (listed) {
    const store = new ExperimentStore(listed.workspace);
    const record = await store.read(id);
    if (record) return { store, record };
  }
  for (const wf of vscode.workspace.workspaceFolders ?? []) {
    if (wf.uri.scheme !== 'file') continue;
    const store = new ExperimentStore(wf.uri.fsPath);
    const record = await store.read(id);
    if (record) return { store, record };
  }
  return undefined;
}
