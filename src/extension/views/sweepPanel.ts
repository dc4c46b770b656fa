// The Sweep panel's host side: one webview panel per experiment. It sends a snapshot read from the store
// (so a panel opened mid-sweep shows every finished trial) whenever the webview (re)loads, then live deltas
// from the SweepActivityHub, at most a few a second. A sweep running elsewhere (a terminal, another window)
// is followed by re-reading the store every couple of seconds.
import * as vscode from 'vscode';
import { webviewPageHtml, webviewPanelOptions } from './webviewPage.js';
import { ExperimentStore } from '../../core/store/experiments.js';
import type { ExperimentRecord, TrialRecord } from '../../protocol/experiment.js';
import { SWEEP_PROTOCOL_VERSION, applyActivity, isSweepWebviewMessage, parseSweepState } from '../../protocol/sweepPanel.js';
import type { SweepControl, SweepHostMessage, SweepSnapshot, SweepWebviewMessage } from '../../protocol/sweepPanel.js';
import { isRecord } from '../../protocol/jsonShape.js';
import { CommandIds } from '../commandIds.js';
import type { SweepActivity, SweepActivityHub } from '../sweepActivity.js';
import { isQueuedKey } from '../sweepQueue.js';
import type { SweepQueue } from '../sweepQueue.js';
import { buildSweepSnapshot, chooseExperiment, isActive, liveFrom, locateExperiment, queuedSnapshot, snapshotKey } from './sweepSnapshot.js';
import type { ExperimentReader } from './sweepSnapshot.js';

/** Live deltas are coalesced to this interval: at least one update a second, never a flood. */
const DELTA_INTERVAL_MS = 250;
/** How often a sweep this window does not run is re-read from the store. */
const POLL_INTERVAL_MS = 2000;

export interface SweepPanelDeps {
  hub: Pick<SweepActivityHub, 'get' | 'all' | 'onDidChange'>;
  /** Absolute paths of the workspace folders to look for `.mllab/experiments/<id>` in. */
  workspaces(): string[];
  /** The store of a workspace folder; tests pass their own. */
  store?(workspace: string): ExperimentReader;
  /** This window's sweep queue: a panel opened on a queued sweep's key follows it until it starts. */
  queue?: Pick<SweepQueue, 'find' | 'waiting' | 'onDidChange'>;
}

const CONTROL_COMMANDS: Record<SweepControl, string> = {
  pause: CommandIds.pauseSweep,
  resume: CommandIds.resumeSweep,
  stop: CommandIds.stopSweep,
};

export class SweepPanel implements vscode.Disposable {
  static readonly viewType = 'mllab.sweep';

  private static readonly open = new Map<string, SweepPanel>();

  /** Opens (or reveals) the panel for this experiment, or for a queued sweep's key (`queued-N`). */
  static show(extensionUri: vscode.Uri, deps: SweepPanelDeps, id: string): SweepPanel {
    // A queued sweep that has started is shown by its experiment; a panel opened while it waited moves along.
    const started = isQueuedKey(id) ? deps.queue?.find(id)?.experimentId : undefined;
    const experimentId = started ?? id;
    SweepPanel.moveStarted(deps);
    const existing = SweepPanel.open.get(experimentId);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(SweepPanel.viewType, `Sweep: ${experimentId}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, SweepPanel.webviewOptions(extensionUri));
    return new SweepPanel(panel, extensionUri, deps, experimentId);
  }

  /** The command `mllab.openSweepPanel`: an id, a tree item, or nothing (the running or most recent sweep). */
  static async openFromCommand(extensionUri: vscode.Uri, deps: SweepPanelDeps, arg: unknown): Promise<SweepPanel | undefined> {
    // A queued sweep's key (the tree's Queued row, the status bar while the sweep waits).
    const key = typeof arg === 'string' ? arg : isRecord(arg) && typeof arg.key === 'string' ? arg.key : undefined;
    if (key !== undefined && isQueuedKey(key)) return SweepPanel.show(extensionUri, deps, key);
    if ((arg === undefined || arg === null) && !deps.hub.all().some(isActive)) {
      // Nothing runs yet but a sweep waits: that is the sweep the user just started.
      const waiting = deps.queue?.waiting().find((w) => w.experimentId === null);
      if (waiting) return SweepPanel.show(extensionUri, deps, waiting.key);
    }
    let recent: Awaited<ReturnType<ExperimentStore['list']>> = [];
    if (arg === undefined || arg === null) {
      // Listing reads every experiment.json: only when no id was given.
      for (const w of deps.workspaces()) recent = recent.concat(await new ExperimentStore(w).list());
    }
    const id = chooseExperiment(arg, deps.hub.all(), recent);
    if (!id) {
      void vscode.window.showInformationMessage('There is no AutoML sweep in this workspace yet. Run "ML Lab: Start AutoML Sweep" first.');
      return undefined;
    }
    return SweepPanel.show(extensionUri, deps, id);
  }

  /** Panels still on a queued key whose sweep now has its experiment: switch them to it. */
  private static moveStarted(deps: SweepPanelDeps): void {
    for (const [id, panel] of [...SweepPanel.open]) {
      const started = isQueuedKey(id) ? deps.queue?.find(id)?.experimentId : undefined;
      if (started) panel.rebind(started);
    }
  }

  /** For the WebviewPanelSerializer after a window reload; state is what the webview saved. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, deps: SweepPanelDeps, state: unknown): SweepPanel | undefined {
    const saved = parseSweepState(state);
    if (!saved || SweepPanel.open.has(saved.experimentId)) return undefined;
    panel.webview.options = SweepPanel.webviewOptions(extensionUri);
    return new SweepPanel(panel, extensionUri, deps, saved.experimentId);
  }

  private static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return webviewPanelOptions(extensionUri, { findWidget: false });
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose: vscode.Event<void> = this.disposeEmitter.event;
  private snapshot: SweepSnapshot;
  private ready = false;
  private disposed = false;
  private reloadedStalePage = false;
  /** Trials finished since the last delta was posted, and the newest activity. */
  private pendingFinished: TrialRecord[] = [];
  private pendingActivity: SweepActivity | null = null;
  private pendingRecord: ExperimentRecord | null = null;
  /** When the newest activity arrived: the webview extrapolates elapsed time from it. */
  private pendingAt = 0;
  private deltaTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private loading: Promise<void> | null = null;
  private lastState: string | null = null;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly deps: SweepPanelDeps,
    private id: string,
  ) {
    const experimentId = id;
    SweepPanel.open.set(experimentId, this);
    this.snapshot = { experimentId, record: null, trials: [], live: null, notice: null };
    panel.title = `Sweep: ${experimentId}`;
    panel.iconPath = {
      light: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'sweep-light.svg'),
      dark: vscode.Uri.joinPath(extensionUri, 'media', 'icons', 'sweep-dark.svg'),
    };
    this.disposables.push(
      this.disposeEmitter,
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState((e) => {
        // Without retainContextWhenHidden a hidden webview is destroyed; it says `ready` again when shown.
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
      deps.hub.onDidChange((a) => {
        if (a.experimentId === this.experimentId) this.onActivity(a);
      }),
    );
    if (deps.queue) this.disposables.push(deps.queue.onDidChange(() => this.onQueueChange()));
    panel.webview.html = this.html();
    this.loading = this.reload();
    this.pollTimer = setInterval(() => void this.poll(), POLL_INTERVAL_MS);
  }

  /** The experiment shown; a queued sweep's key (`queued-N`) until that sweep starts. */
  get experimentId(): string {
    return this.id;
  }

  /** Resolves once the first store read has finished (tests wait on it). */
  whenLoaded(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.deltaTimer) clearTimeout(this.deltaTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (SweepPanel.open.get(this.experimentId) === this) SweepPanel.open.delete(this.experimentId);
    this.panel.dispose();
    this.disposeEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private store(): ExperimentReader | null {
    const workspace = locateExperiment(this.experimentId, this.deps.workspaces(), this.deps.hub.get(this.experimentId));
    if (!workspace) return null;
    return this.deps.store ? this.deps.store(workspace) : new ExperimentStore(workspace);
  }

  /** The queue moved: a queued sweep's panel shows its new place, or follows it to its experiment once it starts. */
  private onQueueChange(): void {
    if (this.disposed || !isQueuedKey(this.id)) return;
    const started = this.deps.queue?.find(this.id)?.experimentId;
    if (started) this.rebind(started);
    else void this.reload(false);
  }

  /** From a queued key to the experiment the worker created for it: same panel, now live. */
  private rebind(experimentId: string): void {
    if (this.disposed || this.id === experimentId) return;
    const other = SweepPanel.open.get(experimentId);
    if (other && other !== this) {
      // Someone opened the experiment meanwhile: one panel per experiment, keep that one.
      other.panel.reveal(undefined, true);
      this.dispose();
      return;
    }
    if (SweepPanel.open.get(this.id) === this) SweepPanel.open.delete(this.id);
    this.id = experimentId;
    SweepPanel.open.set(experimentId, this);
    this.lastState = null;
    this.loading = this.reload();
  }

  /** Reads the store afresh; posts the snapshot when the page is up and something changed. */
  private async reload(force = true): Promise<void> {
    const before = snapshotKey(this.snapshot);
    const id = this.id;
    const next = isQueuedKey(id)
      ? queuedSnapshot(id, this.deps.queue?.find(id), this.deps.queue?.waiting() ?? [], Date.now())
      : await buildSweepSnapshot(id, this.store(), this.deps.hub.get(id), Date.now());
    // A rebind while the store was read: the newer reload posts its own snapshot.
    if (this.disposed || id !== this.id) return;
    this.snapshot = next;
    this.lastState = next.live?.state ?? next.record?.status ?? null;
    this.updateTitle();
    if (this.ready && (force || snapshotKey(next) !== before)) this.post({ type: 'snapshot', snapshot: next });
  }

  /** A sweep not driven by this window, still running per its record: follow its journal. */
  private async poll(): Promise<void> {
    // A queued sweep's panel follows the queue's events, not the store.
    if (isQueuedKey(this.id)) return;
    const activity = this.deps.hub.get(this.experimentId);
    if (activity && isActive(activity)) return;
    const status = this.snapshot.record?.status;
    if (status !== 'running' && this.snapshot.record !== null) return;
    await this.reload(false);
  }

  private onActivity(a: SweepActivity): void {
    if (this.disposed) return;
    this.pendingActivity = a;
    this.pendingAt = Date.now();
    this.pendingFinished.push(...a.finished);
    const state = a.state;
    // The record changes when trials finish (counts, best) and when the sweep ends: re-read it then.
    const reread = a.finished.length > 0 || state !== this.lastState;
    this.lastState = state;
    if (reread) {
      void this.readRecord().then((record) => {
        if (record) this.pendingRecord = record;
        this.scheduleDelta();
      });
    }
    this.scheduleDelta();
  }

  private async readRecord(): Promise<ExperimentRecord | null> {
    try {
      return (await this.store()?.read(this.experimentId)) ?? null;
    } catch {
      return null;
    }
  }

  private scheduleDelta(): void {
    if (this.deltaTimer || this.disposed) return;
    this.deltaTimer = setTimeout(() => {
      this.deltaTimer = undefined;
      this.flushDelta();
    }, DELTA_INTERVAL_MS);
  }

  private flushDelta(): void {
    const a = this.pendingActivity;
    if (!a || this.disposed) return;
    const finished = this.pendingFinished;
    const record = this.pendingRecord;
    this.pendingFinished = [];
    this.pendingRecord = null;
    const live = liveFrom(a, this.pendingAt);
    this.snapshot = applyActivity(this.snapshot, live, finished, record);
    this.updateTitle();
    // The page rebuilds from the next snapshot when it says `ready`; nothing is lost while it is down.
    if (this.ready) this.post({ type: 'activity', live: this.snapshot.live ?? live, finished, record });
  }

  private updateTitle(): void {
    const r = this.snapshot.record;
    const q = this.snapshot.queued;
    if (!r && q) {
      const queuedTitle = `Sweep: ${q.dataset} → ${q.target} (queued)`;
      if (this.panel.title !== queuedTitle) this.panel.title = queuedTitle;
      return;
    }
    const name = r ? r.dataset.path.split(/[\\/]/).pop() ?? r.id : this.experimentId;
    const title = `Sweep: ${name}${r ? ` → ${r.config.target}` : ''}`;
    if (this.panel.title !== title) this.panel.title = title;
  }

  private post(message: SweepHostMessage): void {
    void this.panel.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(raw: unknown): void {
    if (!isSweepWebviewMessage(raw)) return;
    const m: SweepWebviewMessage = raw;
    switch (m.type) {
      case 'ready':
        if (m.protocolVersion !== SWEEP_PROTOCOL_VERSION && !this.reloadedStalePage) {
          // Only a page cached across an update can get here; reloading it (once) fixes it.
          this.reloadedStalePage = true;
          this.panel.webview.html = this.html();
          return;
        }
        this.ready = true;
        // The snapshot already holds every delta applied so far.
        this.post({ type: 'snapshot', snapshot: this.snapshot });
        return;
      case 'control': {
        // Resume means "unpause" for a sweep running here, "continue from the journal" for an interrupted or failed one.
        const state = this.snapshot.live?.state ?? this.snapshot.record?.status;
        const command = m.action === 'resume' && (state === 'interrupted' || state === 'failed') ? CommandIds.resumeExperiment : CONTROL_COMMANDS[m.action];
        void vscode.commands.executeCommand(command, this.experimentId);
        return;
      }
      case 'openReport':
        void vscode.commands.executeCommand(CommandIds.openExperimentReport, this.experimentId);
        return;
    }
  }

  private html(): string {
    return webviewPageHtml(this.panel.webview, this.extensionUri, { script: 'sweep.js', stylesheet: 'sweep.css', title: `Sweep: ${this.experimentId}` });
  }
}
