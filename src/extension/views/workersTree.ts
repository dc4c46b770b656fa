// The Workers view (fourth view of the ML Lab container): the distributed fleet's `mllab worker`s from
// their Redis heartbeats, polled only while the view is visible. The list is read by the worker process
// (WorkerClient.listWorkers), so the host never loads a Redis client. Empty (the welcome text shows) when
// the backend is local or no Redis URL is set.
import * as vscode from 'vscode';
import type { WorkerInfo } from '../../protocol/distributed.js';
import type { SweepBackendSettings } from '../sweepBackend.js';
import { messageRow, workerRows } from '../workerRows.js';
import type { WorkerRow } from '../workerRows.js';
import { VisiblePoll, type PolledView } from './visiblePoll.js';

/** How often a visible Workers view asks for the fleet (a worker beats every few seconds). */
export const WORKERS_POLL_MS = 5000;

export interface FleetSource {
  settings(): SweepBackendSettings;
  password(): Promise<string | null>;
  trusted(): boolean;
  list(url: string, password: string | null): Promise<WorkerInfo[]>;
}

export class WorkersTreeProvider implements vscode.TreeDataProvider<WorkerRow>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkerRow | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private poll: VisiblePoll | undefined;

  constructor(private readonly source: FleetSource) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  attach(view: PolledView): vscode.Disposable {
    this.poll = new VisiblePoll(view, WORKERS_POLL_MS, () => this.refresh());
    return this.poll;
  }

  getTreeItem(row: WorkerRow): vscode.TreeItem {
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.id.startsWith('worker:') ? 'worker' : 'workersMessage';
    item.iconPath = new vscode.ThemeIcon(row.icon, row.warn ? new vscode.ThemeColor(row.icon === 'error' ? 'list.errorForeground' : 'list.warningForeground') : undefined);
    return item;
  }

  async getChildren(row?: WorkerRow): Promise<WorkerRow[]> {
    // Hidden views are not asked, but a refresh queued before hiding may still land: no Redis round trip then.
    if (row || !this.poll?.visible) return [];
    const settings = this.source.settings();
    if (settings.backend !== 'redis' || settings.redisUrl === null) return [];
    if (!this.source.trusted()) return [messageRow('untrusted', 'Listing workers connects to the Redis server in the settings; trust this workspace first.', null)];
    if (settings.problem !== null) return [messageRow('problem', settings.problem, null)];
    try {
      const workers = await this.source.list(settings.redisUrl, await this.source.password());
      return workers.length === 0 ? [messageRow('empty', '', settings.redisUrl)] : workerRows(workers, Date.now());
    } catch (e) {
      return [messageRow('unreachable', e instanceof Error ? e.message : String(e), settings.redisUrl)];
    }
  }

  dispose(): void {
    this.poll?.dispose();
    this.changed.dispose();
  }
}
