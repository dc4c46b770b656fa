// The deploy-and-monitor commands: Serve Model (Experiments tree and palette), the serving status bar item's
// actions, Stop, Compare with Training Data… (explorer CSV, or a served model's prediction log from the
// Models view), Reveal (exported folder), and Retrain (offered when a drift check says drifted; automatic
// with mllab.drift.autoRetrain). Serving runs in a host child process (ServedModels); drift checks and
// retraining run in the worker, under cancellable progress.
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { isUserError } from '../../core/errors.js';
import { experimentIdFromArg, modelPath, readDatasetsIndex } from '../../core/store/experimentIndex.js';
import { ExperimentStore } from '../../core/store/experiments.js';
import type { DeploymentRecord, DriftReport, RetrainOutcome } from '../../protocol/deploy.js';
import { CommandIds } from '../commandIds.js';
import { deploymentName, shortExperimentName } from '../deploymentText.js';
import type { ServedModels } from '../serveStatus.js';
import { readDriftThresholds, readRetrainSettings } from '../settings.js';
import { DriftReportPanel } from '../views/driftReport.js';
import type { DriftPanelActions } from '../views/driftReport.js';
import type { DeploymentNode, ModelsTreeProvider } from '../views/modelsTree.js';
import type { WorkerClient } from '../workerClient.js';

/** What the commands need from the deployments registry (DeploymentStore in the extension). */
export interface DeploymentWriter {
  write(workspace: string, record: DeploymentRecord): Promise<void>;
}

export interface DeployDeps {
  extensionUri: vscode.Uri;
  worker: WorkerClient;
  served: ServedModels;
  models: ModelsTreeProvider;
  deployments: DeploymentWriter;
  log: vscode.LogOutputChannel;
}

/** A model the user can serve or compare against: an experiment's saved best model. */
interface ExperimentModel {
  workspace: string;
  experimentId: string;
  model: string;
  dataset: string;
  target: string;
}

const UNTRUSTED = 'needs a trusted workspace: it runs the model in a local process. Trust this folder (Manage Workspace Trust) to use it.';

function fileFolders(): vscode.WorkspaceFolder[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
}

function workspaceOf(path: string): string | null {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
  return folder && folder.uri.scheme === 'file' ? folder.uri.fsPath : (fileFolders()[0]?.uri.fsPath ?? null);
}

function isDeploymentNode(arg: unknown): arg is DeploymentNode {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'deployment' && typeof (arg as { record?: unknown }).record === 'object';
}

/** "2026-11-28T09:41:05.123Z" → "20261128-094105" (report file names sort by time). */
function stamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

export class DeployCommands {
  /** What the Drift Report panel asks of these commands (also given to its serializer). */
  readonly panelActions: DriftPanelActions = {
    // A prediction log has no target column: only a CSV can be retrained on.
    canRetrain: (report) => vscode.workspace.isTrusted && report.drifted && report.model?.experimentId != null && /\.(csv|tsv)$/i.test(report.current.path),
    retrain: (report) => this.retrainFromReport(report),
  };

  constructor(private readonly deps: DeployDeps) {}

  register(): vscode.Disposable[] {
    const c = (id: string, run: (arg: unknown, more: unknown) => Promise<void>): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (arg?: unknown, more?: unknown) => {
        try {
          await run(arg, more);
        } catch (e) {
          this.fail(e);
        }
      });
    return [
      c(CommandIds.serveModel, (arg) => this.serveModel(arg)),
      c(CommandIds.serverActions, (arg) => this.serverActions(arg)),
      c(CommandIds.stopServer, (arg) => this.stopServer(arg)),
      c(CommandIds.compareWithTrainingData, (arg) => this.compareWithTrainingData(arg)),
      c(CommandIds.checkDeploymentDrift, (arg) => this.checkDeploymentDrift(arg)),
      c(CommandIds.revealDeployment, (arg) => this.revealDeployment(arg)),
      c(CommandIds.retrainModel, (arg, more) => this.retrainCommand(arg, more)),
      c(CommandIds.refreshModels, () => Promise.resolve(this.deps.models.refresh())),
    ];
  }

  // ---- Serve --------------------------------------------------------------------------------------------

  async serveModel(arg: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(`Serve Model ${UNTRUSTED}`);
      return;
    }
    const found = await this.experimentModel(arg, 'Serve Model: pick an experiment');
    if (!found) return;
    const name = shortExperimentName(found.experimentId);
    const served = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Starting a model server for ${name}…`, cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return this.deps.served.serve({ model: found.model, name, experimentId: found.experimentId, workspace: found.workspace, signal: abort.signal });
      },
    );
    this.deps.models.refresh();
    const choice = await vscode.window.showInformationMessage(`Serving ${found.experimentId} at ${served.url} (POST /predict).`, 'Open /health', 'Copy URL');
    if (choice === 'Open /health') await vscode.env.openExternal(vscode.Uri.parse(`${served.url}/health`));
    else if (choice === 'Copy URL') await vscode.env.clipboard.writeText(served.url);
  }

  async serverActions(arg: unknown): Promise<void> {
    const id = typeof arg === 'string' ? arg : isDeploymentNode(arg) ? arg.record.id : undefined;
    const served = id ? this.deps.served.get(id) : this.deps.served.all()[0];
    if (!served) {
      void vscode.window.showInformationMessage('No model is being served from this window.');
      return;
    }
    const items: (vscode.QuickPickItem & { action: 'health' | 'copy' | 'stop' })[] = [
      { label: '$(globe) Open /health', description: `${served.url}/health`, action: 'health' },
      { label: '$(copy) Copy URL', description: served.url, action: 'copy' },
      { label: '$(debug-stop) Stop', description: `stop serving ${served.name}`, action: 'stop' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Serving ${served.name} at ${served.url}` });
    if (!picked) return;
    if (picked.action === 'health') await vscode.env.openExternal(vscode.Uri.parse(`${served.url}/health`));
    else if (picked.action === 'copy') {
      await vscode.env.clipboard.writeText(served.url);
      void vscode.window.setStatusBarMessage(`Copied ${served.url}`, 3000);
    } else await this.stopServer(served.id);
  }

  async stopServer(arg: unknown): Promise<void> {
    const record = isDeploymentNode(arg) ? arg.record : null;
    const id = typeof arg === 'string' ? arg : record?.id;
    if (!id) {
      const all = this.deps.served.all();
      if (all.length === 0) {
        void vscode.window.showInformationMessage('No model is being served from this window.');
        return;
      }
      const picked = all.length === 1 ? all[0] : (await vscode.window.showQuickPick(all.map((s) => ({ label: s.name, description: s.url, id: s.id })), { title: 'Stop serving' }))?.id;
      const target = typeof picked === 'string' ? picked : picked?.id;
      if (target) await this.stopServer(target);
      return;
    }
    if (await this.deps.served.stop(id)) {
      this.deps.models.refresh();
      return;
    }
    // A server another window or a terminal started: it has a pid in its record.
    if (record?.pid) {
      try {
        process.kill(record.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      setTimeout(() => this.deps.models.refresh(), 1000);
      return;
    }
    void vscode.window.showInformationMessage('That server is not running.');
  }

  async revealDeployment(arg: unknown): Promise<void> {
    if (!isDeploymentNode(arg)) return;
    const r = arg.record;
    const target = vscode.Uri.file(r.kind === 'exported' ? r.location : (r.logDir ?? dirname(r.model)));
    if (vscode.workspace.getWorkspaceFolder(target)) await vscode.commands.executeCommand('revealInExplorer', target);
    else await vscode.commands.executeCommand('revealFileInOS', target);
  }

  // ---- Drift --------------------------------------------------------------------------------------------

  /** Explorer context on a CSV (or the palette): pick a model or dataset version, check, show the report. */
  async compareWithTrainingData(arg: unknown): Promise<void> {
    const file = await this.csvArg(arg);
    if (!file) return;
    const reference = await this.pickReference(file);
    if (!reference) return;
    await this.checkAndShow({ current: file, ...reference, deployment: null, fromLog: false });
  }

  /** Models view: a served model against its prediction log; an exported one against a CSV the user picks. */
  async checkDeploymentDrift(arg: unknown): Promise<void> {
    if (!isDeploymentNode(arg)) {
      void vscode.window.showInformationMessage('Pick a model in the Models view to check its drift.');
      return;
    }
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(`Check Drift ${UNTRUSTED}`);
      return;
    }
    const r = arg.record;
    let current: string;
    // The log folder: checkDrift reads predictions.jsonl and its rotations.
    if (r.kind === 'served' && r.logDir) current = r.logDir;
    else {
      const picked = await vscode.window.showOpenDialog({ title: `Check drift of ${deploymentName(r)} on…`, canSelectMany: false, filters: { 'CSV files': ['csv', 'tsv'] }, defaultUri: vscode.Uri.file(arg.workspace) });
      if (!picked?.[0]) return;
      current = picked[0].fsPath;
    }
    await this.checkAndShow({ current, model: r.model, reference: null, experimentId: r.experimentId, workspace: arg.workspace, deployment: { workspace: arg.workspace, record: r }, fromLog: current === r.logDir });
  }

  private async checkAndShow(options: {
    current: string;
    model: string | null;
    reference: string | null;
    experimentId: string | null;
    workspace: string;
    deployment: { workspace: string; record: DeploymentRecord } | null;
    /** `current` is a prediction log: its rows have no target, so it cannot be retrained on. */
    fromLog: boolean;
  }): Promise<void> {
    const name = options.fromLog && options.deployment ? options.deployment.record.id : basename(options.current);
    const out = join(options.workspace, '.mllab', 'drift', `${stamp()}-${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.json`);
    const thresholds = readDriftThresholds(vscode.Uri.file(options.current));
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Comparing ${basename(options.current)} with the training data…`, cancellable: true },
      (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return this.deps.worker.checkDrift({ model: options.model, reference: options.reference, current: options.current, thresholds, out }, { signal: abort.signal });
      },
    );
    const report = result.report;
    const reportPath = result.reportPath ?? out;
    this.deps.log.info(`Drift check of ${options.current}: ${report.verdict} (${reportPath})`);
    if (options.deployment) {
      const lastDrift = { checked: report.created, drifted: report.drifted, report: reportPath };
      await this.deps.deployments.write(options.deployment.workspace, { ...options.deployment.record, lastDrift }).catch((e: unknown) => this.deps.log.warn(`Could not record the drift check on ${options.deployment!.record.id}: ${String(e)}`));
      this.deps.models.refresh();
    }
    DriftReportPanel.show(this.deps.extensionUri, report, reportPath, this.panelActions);
    if (report.drifted) await this.offerRetrain(report, options.current, options.fromLog);
  }

  /** Drifted: offer Retrain (or run it, with mllab.drift.autoRetrain) when the model came from an experiment here. */
  private async offerRetrain(report: DriftReport, current: string, fromLog: boolean): Promise<void> {
    if (!this.panelActions.canRetrain(report) || fromLog) {
      void vscode.window.showWarningMessage(`Drift detected in ${basename(current)}: ${report.verdict}`);
      return;
    }
    const settings = readRetrainSettings(vscode.Uri.file(current));
    if (settings.auto) {
      await this.retrainFromReport(report);
      return;
    }
    const choice = await vscode.window.showWarningMessage(`Drift detected in ${basename(current)}: ${report.verdict.replace(/\.$/, '')}. Retrain ${report.model!.experimentId!} on it?`, 'Retrain');
    if (choice === 'Retrain') await this.retrainFromReport(report);
  }

  // ---- Retrain ------------------------------------------------------------------------------------------

  private async retrainFromReport(report: DriftReport): Promise<string | null> {
    const experimentId = report.model?.experimentId;
    if (!experimentId) return null;
    try {
      const outcome = await this.retrain(experimentId, report.current.path);
      return outcome ? outcome.reason : null;
    } catch (e) {
      this.fail(e);
      return null;
    }
  }

  /** The palette/internal command: (experiment id or node, new data path or Uri). */
  private async retrainCommand(arg: unknown, more: unknown): Promise<void> {
    const found = await this.experimentModel(arg, 'Retrain: pick an experiment');
    if (!found) return;
    const data = more instanceof vscode.Uri ? more.fsPath : typeof more === 'string' ? more : await this.csvArg(undefined);
    if (!data) return;
    await this.retrain(found.experimentId, data);
  }

  async retrain(experimentId: string, newData: string): Promise<RetrainOutcome | null> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage(`Retrain ${UNTRUSTED}`);
      return null;
    }
    const workspace = await this.workspaceOfExperiment(experimentId);
    if (!workspace) {
      void vscode.window.showErrorMessage(`No experiment ${experimentId} in this workspace.`);
      return null;
    }
    const { mode } = readRetrainSettings(vscode.Uri.file(newData));
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Retraining ${experimentId} on ${basename(newData)}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return this.deps.worker.retrain({ workspace, experimentId, newData, mode }, {
          signal: abort.signal,
          onProgress: (p) => progress.report({ message: `${p.phase}: ${p.finishedTrials} trial${p.finishedTrials === 1 ? '' : 's'}${p.bestScore === null ? '' : `, best ${p.bestScore.toFixed(4)}`}` }),
        });
      },
    );
    this.deps.log.info(`Retrain of ${experimentId}: ${outcome.childExperiment} ${outcome.promoted ? 'promoted' : 'not promoted'} (${outcome.reason})`);
    await vscode.commands.executeCommand(CommandIds.refreshExperiments);
    const verdict = outcome.promoted ? 'promoted' : 'not promoted';
    const line = `Retrained ${experimentId} → ${outcome.childExperiment}: ${verdict}. On ${outcome.holdoutRows} held-out new rows, ${outcome.metric} ${formatScore(outcome.childScore)} (new) vs ${formatScore(outcome.parentScore)} (old).`;
    void vscode.window.showInformationMessage(line, 'Open Report', 'Compare').then(async (choice) => {
      if (choice === 'Open Report') await vscode.commands.executeCommand(CommandIds.openExperimentReport, outcome.childExperiment);
      else if (choice === 'Compare') await vscode.commands.executeCommand(CommandIds.compareExperiments, [experimentId, outcome.childExperiment]);
    });
    return outcome;
  }

  // ---- Arguments and pickers ----------------------------------------------------------------------------

  private async workspaceOfExperiment(id: string): Promise<string | null> {
    for (const f of fileFolders()) {
      if (await new ExperimentStore(f.uri.fsPath).read(id).catch(() => null)) return f.uri.fsPath;
    }
    return null;
  }

  /** The experiment (and its saved model) a command was given: a tree node, an id, or a quick pick. */
  private async experimentModel(arg: unknown, title: string): Promise<ExperimentModel | undefined> {
    const id = experimentIdFromArg(arg);
    if (id) {
      const nodeWorkspace = typeof arg === 'object' && arg !== null && typeof (arg as { workspace?: unknown }).workspace === 'string' ? (arg as { workspace: string }).workspace : null;
      const workspace = nodeWorkspace ?? (await this.workspaceOfExperiment(id));
      if (!workspace) {
        void vscode.window.showErrorMessage(`No experiment ${id} in this workspace.`);
        return undefined;
      }
      const store = new ExperimentStore(workspace);
      const record = await store.read(id);
      const model = await modelPath(store, id);
      if (!record || !model) {
        void vscode.window.showErrorMessage(`Experiment ${id} has no saved model yet: it is still running, or no trial finished.`);
        return undefined;
      }
      return { workspace, experimentId: id, model, dataset: record.config.dataset, target: record.config.target };
    }
    const all = await this.experimentModels();
    if (all.length === 0) {
      void vscode.window.showInformationMessage('No experiment with a saved model yet: run an AutoML sweep first.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      all.map((m) => ({ label: m.experimentId, description: `${basename(m.dataset)} → ${m.target}`, m })),
      { title, matchOnDescription: true },
    );
    return picked?.m;
  }

  private async experimentModels(): Promise<ExperimentModel[]> {
    const out: ExperimentModel[] = [];
    for (const f of fileFolders()) {
      const store = new ExperimentStore(f.uri.fsPath);
      for (const s of await store.list().catch(() => [])) {
        if (s.status !== 'done') continue;
        const model = await modelPath(store, s.id);
        if (model) out.push({ workspace: f.uri.fsPath, experimentId: s.id, model, dataset: s.dataset, target: s.target });
      }
    }
    return out.sort((a, b) => (a.experimentId < b.experimentId ? 1 : -1));
  }

  /** What to compare `file` with: an experiment's model (its training data) or a recorded dataset version. */
  private async pickReference(file: string): Promise<{ model: string | null; reference: string | null; experimentId: string | null; workspace: string } | undefined> {
    type Item = vscode.QuickPickItem & { pick?: { model: string | null; reference: string | null; experimentId: string | null; workspace: string } };
    const items: Item[] = [];
    // Comparing with a model runs it (prediction drift): only in a trusted workspace. Dataset versions are only read.
    const models = vscode.workspace.isTrusted ? await this.experimentModels() : [];
    if (!vscode.workspace.isTrusted) items.push({ label: 'Models need a trusted workspace (they are run to compare predictions)', kind: vscode.QuickPickItemKind.Separator });
    else if (models.length) items.push({ label: 'Models', kind: vscode.QuickPickItemKind.Separator });
    for (const m of models) items.push({ label: `$(package) ${m.experimentId}`, description: `${basename(m.dataset)} → ${m.target}`, detail: 'Compare with the data this model was trained on', pick: { model: m.model, reference: null, experimentId: m.experimentId, workspace: m.workspace } });
    const versions: Item[] = [];
    for (const f of fileFolders()) {
      const index = await readDatasetsIndex(f.uri.fsPath).catch(() => null);
      for (const v of index?.versions ?? []) {
        const path = join(f.uri.fsPath, v.path);
        if (path === file) continue;
        versions.push({ label: `$(git-commit) ${v.name}`, description: `${v.path} · ${v.rows} rows`, detail: `Dataset version ${v.hash.slice(0, 12)}`, pick: { model: null, reference: path, experimentId: null, workspace: f.uri.fsPath } });
      }
    }
    if (versions.length) items.push({ label: 'Dataset versions', kind: vscode.QuickPickItemKind.Separator }, ...versions);
    items.push({ label: '$(folder-opened) Another CSV file…', alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, { title: `Compare ${basename(file)} with…`, placeHolder: 'A model (its training data) or a dataset version', matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.pick) return picked.pick;
    const chosen = await vscode.window.showOpenDialog({ title: 'Reference dataset', canSelectMany: false, filters: { 'CSV files': ['csv', 'tsv'] } });
    const reference = chosen?.[0]?.fsPath;
    const workspace = reference ? workspaceOf(file) : null;
    return reference && workspace ? { model: null, reference, experimentId: null, workspace } : undefined;
  }

  /** The CSV a command was given (explorer Uri), else the active editor's CSV, else an open dialog. */
  private async csvArg(arg: unknown): Promise<string | undefined> {
    if (arg instanceof vscode.Uri && arg.scheme === 'file') return arg.fsPath;
    const active = vscode.window.activeTextEditor?.document.uri;
    if (!arg && active?.scheme === 'file' && /\.(csv|tsv)$/i.test(active.fsPath)) return active.fsPath;
    const picked = await vscode.window.showOpenDialog({ title: 'New data to compare', canSelectMany: false, filters: { 'CSV files': ['csv', 'tsv'] } });
    return picked?.[0]?.fsPath;
  }

  private fail(e: unknown): void {
    if (e instanceof vscode.CancellationError || (isUserError(e) && e.code === 'CANCELLED')) return;
    const message = e instanceof Error ? e.message : String(e);
    if (!isUserError(e)) this.deps.log.error(e instanceof Error ? (e.stack ?? message) : message);
    void vscode.window.showErrorMessage(message);
  }
}

function formatScore(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v);
}

