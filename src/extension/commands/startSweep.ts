// "ML Lab: Start AutoML Sweep" (a multi-step quick pick: dataset, target, metric, budget, search, and
// advanced models / folds / seed; the last choices remembered per dataset), the commands that steer sweeps
// (pause, resume, stop, resume an interrupted experiment), the status bar item, and the notification when a
// sweep ends. The sweeps themselves run in the worker through SweepQueue.
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors.js';
import { METRICS } from '../../core/ml/metrics.js';
import type { ModelKind, Task } from '../../core/ml/types.js';
import type { SweepConfig } from '../../core/search/sweep.js';
import type { SamplerName } from '../../core/search/types.js';
import { ExperimentStore } from '../../core/store/experiments.js';
import type { ExperimentSummary } from '../../protocol/experiment.js';
import { isRecord } from '../../protocol/jsonShape.js';
import type { ColumnProfile } from '../../protocol/profile.js';
import { CommandIds } from '../commandIds.js';
import { readProfileSettings, readSweepBackendSettings } from '../settings.js';
import { distributedFields } from '../sweepBackend.js';
import type { DistributedFields } from '../sweepBackend.js';
import { readRedisPassword } from './redisPassword.js';
import {
  BUDGET_PRESETS,
  budgetLabel,
  choicesFromConfig,
  DEFAULT_FOLDS,
  DEFAULT_SEED,
  metricChoices,
  MODELS,
  parseMinutes,
  parseTestFraction,
  parseWhole,
  recalled,
  remember,
  REMEMBERED_KEY,
  SEARCHES,
  sweepConfig,
  targetOptions,
  testFractionLabel,
} from '../sweepChoices.js';
import type { Budget, SweepChoices } from '../sweepChoices.js';
import type { SweepFinished, SweepQueue } from '../sweepQueue.js';
import { sweepStatus } from '../sweepStatus.js';
import type { WorkerClient } from '../workerClient.js';

const TITLE = 'Start AutoML Sweep';
const TRUST_MESSAGE = 'ML Lab: AutoML sweeps need a trusted workspace (they read and write files in it). Trust this workspace first.';
const DATA_GLOB = '**/*.{csv,tsv}';
const DATA_EXCLUDE = '**/{node_modules,.git,.mllab}/**';
const MAX_DATA_FILES = 500;

/** The experiment id a command was given: an id string, or an object with `experimentId` (a tree node). */
function experimentIdArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg !== '') return arg;
  if (isRecord(arg) && typeof arg.experimentId === 'string') return arg.experimentId;
  return undefined;
}

/** The workspace folder a tree node names, when it does. */
function workspaceArg(arg: unknown): string | undefined {
  return isRecord(arg) && typeof arg.workspace === 'string' ? arg.workspace : undefined;
}

export function readSweepConcurrency(): number {
  const n = vscode.workspace.getConfiguration('mllab.sweep').get<unknown>('concurrency');
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
}

// ---- quick pick steps ----------------------------------------------------------------------------------

type Step<T> = { kind: 'value'; value: T } | { kind: 'back' } | { kind: 'cancel' };
type Item<T> = vscode.QuickPickItem & { value?: T };

interface StepOptions {
  step: number;
  total: number;
  placeholder: string;
  canGoBack: boolean;
}

function pickOne<T>(o: StepOptions & { items: Item<T>[]; active?: T; busy?: boolean }): Promise<Step<T>> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<Item<T>>();
    qp.title = TITLE;
    qp.step = o.step;
    qp.totalSteps = o.total;
    qp.placeholder = o.placeholder;
    qp.items = o.items;
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.ignoreFocusOut = true;
    if (o.canGoBack) qp.buttons = [vscode.QuickInputButtons.Back];
    const active = o.active === undefined ? undefined : o.items.find((i) => i.value === o.active);
    if (active) qp.activeItems = [active];
    let done = false;
    const finish = (r: Step<T>): void => {
      if (done) return;
      done = true;
      resolve(r);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      if (chosen?.value !== undefined) finish({ kind: 'value', value: chosen.value });
    });
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back' }));
    qp.onDidHide(() => finish({ kind: 'cancel' }));
    qp.show();
  });
}

function pickMany<T>(o: StepOptions & { items: Item<T>[]; selected: (v: T) => boolean }): Promise<Step<T[]>> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<Item<T>>();
    qp.title = TITLE;
    qp.step = o.step;
    qp.totalSteps = o.total;
    qp.placeholder = o.placeholder;
    qp.canSelectMany = true;
    qp.ignoreFocusOut = true;
    qp.items = o.items;
    qp.selectedItems = o.items.filter((i) => i.value !== undefined && o.selected(i.value));
    if (o.canGoBack) qp.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (r: Step<T[]>): void => {
      if (done) return;
      done = true;
      resolve(r);
      qp.dispose();
    };
    qp.onDidAccept(() => {
      const values = qp.selectedItems.flatMap((i) => (i.value === undefined ? [] : [i.value]));
      if (values.length > 0) finish({ kind: 'value', value: values });
    });
    qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back' }));
    qp.onDidHide(() => finish({ kind: 'cancel' }));
    qp.show();
  });
}

function inputValue<T>(o: StepOptions & { prompt: string; value: string; parse(text: string): T | string }): Promise<Step<T>> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = TITLE;
    box.step = o.step;
    box.totalSteps = o.total;
    box.placeholder = o.placeholder;
    box.prompt = o.prompt;
    box.value = o.value;
    box.ignoreFocusOut = true;
    if (o.canGoBack) box.buttons = [vscode.QuickInputButtons.Back];
    let done = false;
    const finish = (r: Step<T>): void => {
      if (done) return;
      done = true;
      resolve(r);
      box.dispose();
    };
    const check = (text: string): T | undefined => {
      const parsed = o.parse(text);
      box.validationMessage = typeof parsed === 'string' ? parsed : undefined;
      return typeof parsed === 'string' ? undefined : parsed;
    };
    box.onDidChangeValue((text) => void check(text));
    box.onDidAccept(() => {
      const parsed = check(box.value);
      if (parsed !== undefined) finish({ kind: 'value', value: parsed });
    });
    box.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && finish({ kind: 'back' }));
    box.onDidHide(() => finish({ kind: 'cancel' }));
    box.show();
  });
}

// ---- the commands -------------------------------------------------------------------------------------

interface Dataset {
  uri: vscode.Uri;
  workspace: string;
  /** "cleaned from data/raw.csv" for a dataset version ML Lab wrote. */
  cleanedFrom: string | null;
}

export class SweepCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusItem: vscode.StatusBarItem;
  /** The experiment the status item opens; its command is rebuilt only when this changes. */
  private statusTarget: string | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly worker: WorkerClient,
    private readonly queue: SweepQueue,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.statusItem = vscode.window.createStatusBarItem('mllab.sweep', vscode.StatusBarAlignment.Left, 50);
    this.statusItem.name = 'ML Lab Sweep';
    this.disposables.push(
      this.statusItem,
      queue.onDidChange(() => this.updateStatus()),
      queue.onDidFinish((f) => void this.finished(f)),
      vscode.commands.registerCommand(CommandIds.startSweep, (arg?: unknown) => this.start(arg)),
      vscode.commands.registerCommand(CommandIds.pauseSweep, (arg?: unknown) => this.control('pause', arg)),
      vscode.commands.registerCommand(CommandIds.resumeSweep, (arg?: unknown) => this.control('resume', arg)),
      vscode.commands.registerCommand(CommandIds.stopSweep, (arg?: unknown) => this.control('stop', arg)),
      vscode.commands.registerCommand(CommandIds.resumeExperiment, (arg?: unknown) => this.resumeExperiment(arg)),
    );
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private updateStatus(): void {
    const status = sweepStatus(this.queue.active());
    if (!status) {
      this.statusItem.hide();
      return;
    }
    this.statusItem.text = status.text;
    this.statusItem.tooltip = status.tooltip;
    // Reassigned only when the experiment changes: a new command object with arguments makes VS Code swap
    // the item's internal command id, and a click landing during that swap finds no command.
    const target = status.experimentId ?? null;
    if (target !== this.statusTarget) {
      this.statusTarget = target;
      this.statusItem.command = target ? { title: 'Open Sweep Panel', command: CommandIds.openSweepPanel, arguments: [target] } : undefined;
    }
    this.statusItem.show();
  }

  private async finished(f: SweepFinished): Promise<void> {
    const where = f.experimentId ? `${f.dataset} (${f.experimentId})` : f.dataset;
    if (f.status === 'done') {
      const best = f.bestScore !== null && f.metric ? `: best ${METRICS[f.metric].label} ${Number(f.bestScore.toPrecision(4))}` : '';
      const choice = await vscode.window.showInformationMessage(`AutoML sweep on ${where} finished${best}.`, 'Open Report');
      if (choice === 'Open Report' && f.experimentId) await vscode.commands.executeCommand(CommandIds.openExperimentReport, f.experimentId);
    } else if (f.status === 'interrupted') {
      if (!f.experimentId) return; // stopped before it started: nothing to resume
      const message = f.error ? `AutoML sweep on ${where} was interrupted: ${f.error}` : `AutoML sweep on ${where} stopped. Its trials are kept; resume it any time.`;
      const show = f.error ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      const choice = await show(message, 'Resume');
      if (choice === 'Resume') await vscode.commands.executeCommand(CommandIds.resumeExperiment, { experimentId: f.experimentId, workspace: f.workspace });
    } else {
      // A failed experiment keeps its journal (a full disk, a damaged file): once the cause is fixed it resumes.
      const message = `AutoML sweep on ${f.dataset} failed: ${f.error ?? 'unknown error'}`;
      if (!f.experimentId) {
        void vscode.window.showErrorMessage(message);
        return;
      }
      const choice = await vscode.window.showErrorMessage(message, 'Resume');
      if (choice === 'Resume') await vscode.commands.executeCommand(CommandIds.resumeExperiment, { experimentId: f.experimentId, workspace: f.workspace });
    }
  }

  /** Pause, resume or stop a sweep of this window: by id, tree node, or the one running (asks if several). */
  private async control(action: 'pause' | 'resume' | 'stop', arg: unknown): Promise<void> {
    let id = experimentIdArg(arg);
    if (!id) {
      // Stop also reaches sweeps still waiting their turn (they have no experiment yet).
      const candidates = this.queue
        .active()
        .filter((s) => (action === 'resume' ? s.state === 'paused' && s.experimentId !== null : action === 'pause' ? s.state === 'running' && s.experimentId !== null : s.state !== 'stopping'));
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage(`ML Lab: no sweep to ${action} in this window.`);
        return;
      }
      let chosen = candidates[0]!;
      if (candidates.length > 1) {
        const picked = await vscode.window.showQuickPick(
          candidates.map((s) => ({ label: s.dataset, description: `${s.experimentId ?? 'not started yet'} · ${s.state}`, sweep: s })),
          { title: `${action[0]!.toUpperCase()}${action.slice(1)} Sweep`, placeHolder: 'Which sweep?' },
        );
        if (!picked) return;
        chosen = picked.sweep;
      }
      if (!chosen.experimentId) {
        await this.queue.cancel(chosen);
        return;
      }
      id = chosen.experimentId;
    }
    const ok = await (action === 'pause' ? this.queue.pause(id) : action === 'resume' ? this.queue.resume(id) : this.queue.stop(id));
    if (!ok) {
      // Resume on an interrupted experiment (not running here) means: continue it.
      if (action === 'resume' && !this.queue.find(id)) {
        await this.resumeExperiment(arg ?? id);
        return;
      }
      void vscode.window.showInformationMessage(`ML Lab: sweep ${id} is not running in this window${action === 'stop' ? ' (or is already stopping)' : ''}.`);
    }
  }

  /** Continues an interrupted (or failed) experiment from its journal. */
  async resumeExperiment(arg: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(TRUST_MESSAGE);
      return;
    }
    let id = experimentIdArg(arg);
    let workspace = workspaceArg(arg);
    if (!id) {
      const resumable: (ExperimentSummary & { workspace: string })[] = [];
      for (const w of this.workspaceFolders()) {
        for (const e of await new ExperimentStore(w).list()) if (e.status === 'interrupted' || e.status === 'failed') resumable.push({ ...e, workspace: w });
      }
      if (resumable.length === 0) {
        void vscode.window.showInformationMessage('ML Lab: no interrupted experiment in this workspace.');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        resumable.map((e) => ({ label: e.id, description: `${basename(e.dataset)} → ${e.target} · ${e.status} · ${e.trials} trials`, e })),
        { title: 'Resume Experiment', placeHolder: 'Which experiment?' },
      );
      if (!picked) return;
      id = picked.e.id;
      workspace = picked.e.workspace;
    }
    workspace ??= (await this.locate(id)) ?? undefined;
    if (!workspace) {
      void vscode.window.showErrorMessage(`ML Lab: no experiment ${id} in this workspace's .mllab/experiments.`);
      return;
    }
    const record = await new ExperimentStore(workspace).read(id);
    if (!record) {
      void vscode.window.showErrorMessage(`ML Lab: experiment ${id} cannot be read (missing or written by a newer ML Lab).`);
      return;
    }
    if (record.status === 'running' || this.queue.find(id)) {
      void vscode.window.showInformationMessage(`ML Lab: experiment ${id} is already running.`);
      return;
    }
    if (record.status === 'done') {
      void vscode.window.showInformationMessage(`ML Lab: experiment ${id} has finished; Re-run it to search again.`);
      return;
    }
    const distributed = await this.distributed();
    if (!distributed) return;
    this.queue.start({ dataset: record.config.dataset, target: record.config.target, workspace, resume: id, ...distributed });
    this.log.info(`Resuming experiment ${id} (${record.trials} trials journaled).`);
    void vscode.commands.executeCommand(CommandIds.openSweepPanel, id);
  }

  private workspaceFolders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  private async locate(id: string): Promise<string | null> {
    for (const w of this.workspaceFolders()) if (await new ExperimentStore(w).read(id)) return w;
    return null;
  }

  // ---- Start AutoML Sweep -------------------------------------------------------------------------------

  /** `arg`: a file Uri (explorer, Data Quality panel), a prefilled config (Re-run), or nothing. */
  async start(arg?: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(TRUST_MESSAGE);
      return;
    }
    const prefilled = arg instanceof vscode.Uri ? null : choicesFromConfig(arg);
    let given: Dataset | null = null;
    if (arg instanceof vscode.Uri) given = this.datasetOf(arg);
    else if (prefilled) given = this.datasetOf(vscode.Uri.file(prefilled.dataset));
    if ((arg instanceof vscode.Uri || prefilled) && !given) return;

    if (prefilled && given) {
      const base = arg as SweepConfig;
      const how = await vscode.window.showQuickPick(
        [
          { label: '$(play) Start with the same settings', detail: this.summary(prefilled.choices), edit: false },
          { label: '$(edit) Edit the settings…', edit: true },
        ],
        { title: `Re-run ${prefilled.parent ?? ''} on ${basename(prefilled.dataset)}`.replace('  ', ' '), placeHolder: 'A new experiment with the same settings, or edit them first' },
      );
      if (!how) return;
      const choices = how.edit ? await this.wizard(given, prefilled.choices, false) : prefilled.choices;
      if (!choices) return;
      // The stored settings the quick pick does not show (pruner, parallel, ensemble, holdout…) carry over.
      const rest: SweepConfig = { ...base };
      delete rest.budgetSeconds;
      delete rest.maxTrials;
      delete rest.models;
      delete rest.resume;
      // Another target may be another task: let the loader infer it again.
      if (choices.target !== base.target) delete rest.task;
      await this.launch(given, choices, { ...rest, ...sweepConfig(given.uri.fsPath, given.workspace, choices, prefilled.parent ?? undefined) });
      return;
    }

    const chosen = given ? await this.wizard(given, null, false).then((choices) => (choices ? { dataset: given, choices } : null)) : await this.wizardWithDataset();
    if (!chosen) return;
    await this.launch(chosen.dataset, chosen.choices, sweepConfig(chosen.dataset.uri.fsPath, chosen.dataset.workspace, chosen.choices));
  }

  /**
   * The backend fields for a sweep from the settings and SecretStorage: {} for local; null (after telling the
   * user why) when a redis sweep cannot start.
   */
  private async distributed(): Promise<DistributedFields | null> {
    const settings = readSweepBackendSettings();
    const password = settings.backend === 'redis' ? await readRedisPassword(this.context.secrets) : null;
    const outcome = distributedFields(settings, password, vscode.workspace.isTrusted);
    if ('error' in outcome) {
      void vscode.window.showErrorMessage(outcome.error);
      return null;
    }
    return outcome.fields;
  }

  private async launch(dataset: Dataset, choices: SweepChoices, config: SweepConfig & { workspace: string }): Promise<void> {
    const distributed = await this.distributed();
    if (!distributed) return;
    const stored = this.context.workspaceState.get<unknown>(REMEMBERED_KEY);
    void this.context.workspaceState.update(REMEMBERED_KEY, remember(stored, dataset.uri.fsPath, choices));
    // A re-run's stored config may name another backend: the settings of now decide where this one runs.
    const sweep = this.queue.start({ ...config, backend: undefined, redisUrl: undefined, redisPassword: undefined, redisOfferHost: undefined, ...distributed });
    const where = distributed.backend === 'redis' ? ` on the Redis fleet at ${distributed.redisUrl ?? ''}` : '';
    this.log.info(`Sweep queued on ${dataset.uri.fsPath}${where}: ${this.summary(choices)}.`);
    // The Sweep panel opens as soon as the worker has created the experiment (it may wait behind another sweep).
    const listener = this.queue.onDidChange(() => {
      if (sweep.experimentId) {
        listener.dispose();
        void vscode.commands.executeCommand(CommandIds.openSweepPanel, sweep.experimentId);
      } else if (sweep.state !== 'queued') listener.dispose();
    });
    this.disposables.push(listener);
  }

  private summary(c: SweepChoices): string {
    const models = c.models ? c.models.join(', ') : 'all models';
    return `target ${c.target} · ${METRICS[c.metric].label} · ${budgetLabel(c.budget)} · ${c.search} · ${models} · ${c.folds} folds · seed ${c.seed} · ${testFractionLabel(c.testFraction)}`;
  }

  private datasetOf(uri: vscode.Uri): Dataset | null {
    if (uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`ML Lab: sweeps run on files on disk (this one is ${uri.scheme}:).`);
      return null;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder || folder.uri.scheme !== 'file') {
      void vscode.window.showErrorMessage(`ML Lab: ${basename(uri.fsPath)} is outside the workspace folders; experiments are kept in a workspace folder's .mllab/. Open its folder first.`);
      return null;
    }
    return { uri, workspace: folder.uri.fsPath, cleanedFrom: null };
  }

  /** Workspace CSV/TSV files and the cleaned versions ML Lab wrote (from `.mllab/datasets`). */
  private async datasets(): Promise<Dataset[]> {
    const files = await vscode.workspace.findFiles(DATA_GLOB, DATA_EXCLUDE, MAX_DATA_FILES);
    const cleaned = new Map<string, string>();
    for (const w of this.workspaceFolders()) {
      const dir = join(w, '.mllab', 'datasets');
      let names: string[];
      try {
        names = (await readdir(dir)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
      } catch {
        continue; // no versions in this folder
      }
      for (const n of names.slice(0, MAX_DATA_FILES)) {
        try {
          const v: unknown = JSON.parse(await readFile(join(dir, n), 'utf8'));
          if (isRecord(v) && typeof v.path === 'string' && isRecord(v.parent) && typeof v.parent.path === 'string') cleaned.set(join(w, v.path), v.parent.path);
        } catch {
          // an unreadable record only loses its label
        }
      }
    }
    const out: Dataset[] = [];
    for (const uri of files) {
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (folder?.uri.scheme === 'file') out.push({ uri, workspace: folder.uri.fsPath, cleanedFrom: cleaned.get(uri.fsPath) ?? null });
    }
    return out;
  }

  private async wizardWithDataset(): Promise<{ dataset: Dataset; choices: SweepChoices } | null> {
    for (;;) {
      const all = await this.datasets();
      if (all.length === 0) {
        void vscode.window.showInformationMessage('ML Lab: no CSV or TSV file in this workspace to train on.');
        return null;
      }
      const stored = this.context.workspaceState.get<unknown>(REMEMBERED_KEY);
      const order = isRecord(stored) ? Object.keys(stored) : [];
      // The file open in the editor first, then datasets used before (the most recent on top), then the rest by path.
      const open = vscode.window.activeTextEditor?.document.uri.fsPath;
      const rank = (d: Dataset): number => (d.uri.fsPath === open ? order.length : order.indexOf(d.uri.fsPath));
      all.sort((a, b) => rank(b) - rank(a) || a.uri.fsPath.localeCompare(b.uri.fsPath));
      const step = await pickOne<Dataset>({
        step: 1,
        total: 6,
        placeholder: 'Which dataset? (workspace CSV/TSV files and their cleaned versions)',
        canGoBack: false,
        items: all.map((d) => ({
          label: `${d.cleanedFrom ? '$(sparkle)' : '$(table)'} ${basename(d.uri.fsPath)}`,
          description: vscode.workspace.asRelativePath(dirname(d.uri.fsPath)),
          ...(d.cleanedFrom || order.includes(d.uri.fsPath) ? { detail: [d.cleanedFrom ? `cleaned from ${d.cleanedFrom}` : '', order.includes(d.uri.fsPath) ? 'used before: your last choices are remembered' : ''].filter(Boolean).join(' · ') } : {}),
          value: d,
        })),
      });
      if (step.kind !== 'value') return null;
      const choices = await this.wizard(step.value, null, true);
      if (choices === 'back') continue;
      return choices ? { dataset: step.value, choices } : null;
    }
  }

  /** Reads the dataset's columns from its profile (the cache, or a profiling run with progress). */
  private async columns(dataset: Dataset): Promise<ColumnProfile[] | null> {
    const settings = readProfileSettings(dataset.uri);
    const cacheDir = settings.cache ? join(dataset.workspace, '.mllab') : null;
    const path = dataset.uri.fsPath;
    try {
      const hit = cacheDir ? await this.worker.lookupCache({ path, options: settings.options, cacheDir }) : null;
      if (hit) return hit.columns;
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Reading the columns of ${basename(path)}`, cancellable: true },
        async (_progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            const result = await this.worker.profile({ path, options: settings.options, cacheDir, useCache: false }, { signal: abort.signal });
            return result.profile.columns;
          } finally {
            sub.dispose();
          }
        },
      );
    } catch (e) {
      if (isUserError(e) && e.code === 'CANCELLED') return null;
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
      return null;
    }
  }

  /**
   * The steps after the dataset. `start` prefills (remembered or a Re-run's); `canGoBack` lets step 2 go
   * back to the dataset ('back'). Null: cancelled.
   */
  private async wizard(dataset: Dataset, start: SweepChoices | null, canGoBack: true): Promise<SweepChoices | null | 'back'>;
  private async wizard(dataset: Dataset, start: SweepChoices | null, canGoBack: false): Promise<SweepChoices | null>;
  private async wizard(dataset: Dataset, start: SweepChoices | null, canGoBack: boolean): Promise<SweepChoices | null | 'back'> {
    const columns = await this.columns(dataset);
    if (!columns) return null;
    const options = targetOptions(columns);
    const usable = options.filter((o) => o.task !== null);
    if (usable.length === 0) {
      void vscode.window.showErrorMessage(`ML Lab: no column of ${basename(dataset.uri.fsPath)} can be a target (each has a single value).`);
      return null;
    }
    const last = start ?? recalled(this.context.workspaceState.get<unknown>(REMEMBERED_KEY), dataset.uri.fsPath);
    const c = {
      target: last && usable.some((o) => o.column === last.target) ? last.target : usable[usable.length - 1]!.column,
      metric: last?.metric,
      budget: last?.budget ?? BUDGET_PRESETS[0]!,
      search: last?.search ?? ('tpe' as SamplerName),
      models: last?.models ?? null,
      folds: last?.folds ?? DEFAULT_FOLDS,
      seed: last?.seed ?? DEFAULT_SEED,
      testFraction: last?.testFraction ?? null,
    };
    const chosen = (): SweepChoices => ({ target: c.target, metric: c.metric ?? metricChoices(taskOf(c.target))[0]!.metric, budget: c.budget, search: c.search, models: c.models, folds: c.folds, seed: c.seed, testFraction: c.testFraction });
    const first = canGoBack ? 2 : 1;
    const total = first + 4;
    const taskOf = (target: string): Task => usable.find((o) => o.column === target)!.task!;
    type StepName = 'target' | 'metric' | 'budget' | 'search' | 'confirm' | 'models' | 'folds' | 'testFraction' | 'seed';
    const flow: StepName[] = ['target', 'metric', 'budget', 'search', 'confirm'];
    let at = 0;
    for (;;) {
      const name = flow[at];
      if (!name) break;
      const o: StepOptions = { step: Math.min(first + at, total), total, placeholder: '', canGoBack: at > 0 || canGoBack };
      const back = (): boolean => {
        if (at === 0) return true;
        at--;
        return false;
      };
      if (name === 'target') {
        const r = await pickOne<string>({
          ...o,
          placeholder: `Which column should the model predict? (${basename(dataset.uri.fsPath)})`,
          items: options.map((t) => (t.task === null ? { label: `$(circle-slash) ${t.column}`, description: t.detail } : { label: t.column, description: t.detail, value: t.column })),
          active: c.target,
        });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') return 'back';
        if (r.value !== c.target) c.metric = undefined; // another task may not have the metric
        c.target = r.value;
        at++;
      } else if (name === 'metric') {
        const task = taskOf(c.target);
        const metrics = metricChoices(task);
        const r = await pickOne({
          ...o,
          placeholder: `Metric to optimise (${task} target)`,
          items: metrics.map((m) => ({ label: m.label, description: m.isDefault ? `${m.metric} · default for ${task}` : m.metric, value: m.metric })),
          active: c.metric && metrics.some((m) => m.metric === c.metric) ? c.metric : metrics[0]!.metric,
        });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          if (back()) return 'back';
          continue;
        }
        c.metric = r.value;
        at++;
      } else if (name === 'budget') {
        type BudgetPick = Budget | 'minutes' | 'trials';
        const presets = BUDGET_PRESETS.map((b) => ({ label: budgetLabel(b), description: 'time budget', value: b as BudgetPick }));
        const custom = [
          { label: 'Custom time…', description: c.budget.kind === 'seconds' && !BUDGET_PRESETS.some((b) => b.value === c.budget.value) ? `last: ${budgetLabel(c.budget)}` : 'minutes', value: 'minutes' as BudgetPick },
          { label: 'Trial count…', description: c.budget.kind === 'trials' ? `last: ${budgetLabel(c.budget)}` : 'stop after this many trials', value: 'trials' as BudgetPick },
        ];
        const activePreset = presets.find((p) => typeof p.value !== 'string' && p.value.kind === c.budget.kind && p.value.value === c.budget.value);
        const r = await pickOne<BudgetPick>({
          ...o,
          placeholder: 'Budget: how long to search (the end — refit, report — takes a little more)',
          items: [...presets, ...custom],
          active: activePreset ? activePreset.value : c.budget.kind === 'trials' ? 'trials' : 'minutes',
        });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          if (back()) return 'back';
          continue;
        }
        if (r.value === 'minutes' || r.value === 'trials') {
          const trials = r.value === 'trials';
          const typed = await inputValue<Budget>({
            ...o,
            placeholder: trials ? 'e.g. 50' : 'e.g. 2 or 0.5',
            prompt: trials ? 'Number of trials' : 'Minutes of search',
            value: c.budget.kind === (trials ? 'trials' : 'seconds') ? String(trials ? c.budget.value : c.budget.value / 60) : '',
            parse: (text) => {
              if (trials) {
                const n = parseWhole(text, 'The trial count', 1, 100000);
                return typeof n === 'string' ? n : { kind: 'trials', value: n };
              }
              const s = parseMinutes(text);
              return typeof s === 'string' ? s : { kind: 'seconds', value: s };
            },
          });
          if (typed.kind === 'cancel') return null;
          if (typed.kind === 'back') continue; // back to the budget list
          c.budget = typed.value;
        } else c.budget = r.value;
        at++;
      } else if (name === 'search') {
        const r = await pickOne<SamplerName>({ ...o, placeholder: 'Search strategy', items: SEARCHES.map((s) => ({ label: s.label, description: s.detail, value: s.search })), active: c.search });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          if (back()) return 'back';
          continue;
        }
        c.search = r.value;
        at++;
      } else if (name === 'confirm') {
        const current = chosen();
        const r = await pickOne<'start' | 'advanced'>({
          ...o,
          placeholder: 'Start the sweep, or change models, folds, the held-out test share and seed first',
          items: [
            { label: '$(play) Start Sweep', detail: this.summary(current), value: 'start' },
            { label: '$(settings) Advanced: models, folds, test share, seed…', value: 'advanced' },
          ],
        });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          if (back()) return 'back';
          continue;
        }
        if (r.value === 'start') return current;
        flow.push('models', 'folds', 'testFraction', 'seed');
        at++;
      } else if (name === 'models') {
        const task = taskOf(c.target);
        const fits = MODELS.filter((m) => m.tasks.includes(task));
        const r = await pickMany<ModelKind>({
          ...o,
          placeholder: 'Models to include',
          items: fits.map((m) => ({ label: m.label, description: m.kind, value: m.kind })),
          selected: (k) => c.models === null || c.models.includes(k),
        });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          flow.splice(flow.indexOf('models'));
          at--;
          continue;
        }
        c.models = r.value.length === fits.length ? null : r.value;
        at++;
      } else if (name === 'folds') {
        const r = await inputValue<number>({ ...o, placeholder: String(DEFAULT_FOLDS), prompt: 'Cross-validation folds', value: String(c.folds), parse: (t) => parseWhole(t, 'Folds', 2, 20) });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          at--;
          continue;
        }
        c.folds = r.value;
        at++;
      } else if (name === 'testFraction') {
        const r = await inputValue<number | null>({
          ...o,
          placeholder: 'empty: 0.2 with at least 100 rows, else none',
          prompt: 'Held-out test share: rows set aside before the search, to score the final model on (0 = none)',
          value: c.testFraction === null ? '' : String(c.testFraction),
          parse: parseTestFraction,
        });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          at--;
          continue;
        }
        c.testFraction = r.value;
        at++;
      } else {
        const r = await inputValue<number>({ ...o, placeholder: String(DEFAULT_SEED), prompt: 'Random seed (the same seed proposes the same trials)', value: String(c.seed), parse: (t) => parseWhole(t, 'The seed', 0, 2 ** 31 - 1) });
        if (r.kind === 'cancel') return null;
        if (r.kind === 'back') {
          at--;
          continue;
        }
        c.seed = r.value;
        return chosen();
      }
    }
    return null;
  }
}
