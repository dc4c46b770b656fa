// activate() wires the services and registers the contributions, nothing else. It must stay cheap:
// no work, no file reads, no worker; the worker is forked on the first request.
import { moduleEvaluationStart } from './activationClock.js';
import * as vscode from 'vscode';
import { CommandIds } from './commandIds.js';
import { CleanDatasetController } from './commands/cleanDataset.js';
import { ProfileDatasetCommand } from './commands/profileDataset.js';
import { registerReportCommands } from './commands/experimentReport.js';
import { ExperimentCommands } from './commands/experimentCommands.js';
import { SweepActivityHub } from './sweepActivity.js';
import { readSweepConcurrency, SweepCommands } from './commands/startSweep.js';
import { SweepQueue } from './sweepQueue.js';
import { registerCancelQueuedSweep } from './commands/cancelQueuedSweep.js';
import { CompareView } from './views/compareView.js';
import { DataQualityPanel } from './views/dataQualityPanel.js';
import { DatasetsTreeProvider } from './views/datasetsTree.js';
import { ExperimentReportPanel } from './views/experimentReport.js';
import { ExperimentTreeProvider } from './views/experimentTree.js';
import { SweepPanel } from './views/sweepPanel.js';
import type { SweepPanelDeps } from './views/sweepPanel.js';
import { WorkerClient } from './workerClient.js';
import { DeploymentStore, deploymentStats } from '../core/store/deployments.js';
import { DeployCommands } from './commands/deployCommands.js';
import { ServedModels } from './serveStatus.js';
import { DriftReportPanel } from './views/driftReport.js';
import { ModelsTreeProvider } from './views/modelsTree.js';
import { WorkersTreeProvider } from './views/workersTree.js';
import { readRedisPassword, registerRedisPasswordCommands } from './commands/redisPassword.js';
import { readSweepBackendSettings } from './settings.js';

let worker: WorkerClient | undefined;
let servers: ServedModels | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('ML Lab', { log: true });
  context.subscriptions.push(log);

  worker = new WorkerClient({ workerPath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath, log });
  const workerClient = worker;
  context.subscriptions.push({ dispose: () => void workerClient.dispose() });

  // Apply opens the cleaned file's report through the Profile Dataset command (a cache hit: Apply cached it).
  const cleaning: CleanDatasetController = new CleanDatasetController(workerClient, log, (file: vscode.Uri): Promise<void> => profileDataset.openWritten(file));
  const profileDataset: ProfileDatasetCommand = new ProfileDatasetCommand(context.extensionUri, workerClient, log, cleaning);
  context.subscriptions.push(
    cleaning,
    profileDataset,
    vscode.commands.registerCommand(CommandIds.profileDataset, (arg?: unknown) => profileDataset.run(arg)),
    // Panels survive a window reload: VS Code hands them back with the state the webview saved.
    vscode.window.registerWebviewPanelSerializer(DataQualityPanel.viewType, {
      deserializeWebviewPanel: (webviewPanel: vscode.WebviewPanel, state: unknown) => {
        const panel = DataQualityPanel.revive(webviewPanel, context.extensionUri, state);
        // Not awaited: restoring the panel must not wait for a profiling run (a cache hit is instant anyway).
        if (panel) void profileDataset.revived(panel);
        else webviewPanel.dispose();
        return Promise.resolve();
      },
    }),
  );

  // The live state of sweeps in this window: the sweep queue publishes, the panels and the trees listen.
  const sweepActivity = new SweepActivityHub();
  // Sweeps run in the worker (queued, mllab.sweep.concurrency at a time); the queue is the hub's one writer.
  const sweepQueue = new SweepQueue({ worker: workerClient, hub: sweepActivity, concurrency: readSweepConcurrency, log });
  context.subscriptions.push(new SweepCommands(context, workerClient, sweepQueue, log));
  // Experiment reports and the compare view; a report of a running sweep refreshes when the hub says it ended.
  context.subscriptions.push(...registerReportCommands(context.extensionUri, sweepActivity));
  // The report and compare panels survive a window reload too (their webviews save the experiment ids).
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(ExperimentReportPanel.viewType, {
      deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel, state: unknown) => {
        if (!(await ExperimentReportPanel.revive(webviewPanel, context.extensionUri, state, sweepActivity))) webviewPanel.dispose();
      },
    }),
    vscode.window.registerWebviewPanelSerializer(CompareView.viewType, {
      deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel, state: unknown) => {
        if (!(await CompareView.revive(webviewPanel, context.extensionUri, state))) webviewPanel.dispose();
      },
    }),
  );
  // The ML Lab view container's trees read nothing until shown (providers are lazy).
  // Sweeps waiting in the queue show on top of the tree (they have no experiment yet), with Cancel Queued Sweep.
  const experimentTree = new ExperimentTreeProvider(sweepActivity, sweepQueue, log);
  const experimentsView = vscode.window.createTreeView('mllab.experiments', { treeDataProvider: experimentTree, canSelectMany: true, showCollapseAll: true });
  const datasetsTree = new DatasetsTreeProvider();
  const datasetsView = vscode.window.createTreeView('mllab.datasets', { treeDataProvider: datasetsTree, showCollapseAll: true });
  context.subscriptions.push(
    sweepActivity,
    experimentTree,
    datasetsTree,
    experimentsView,
    experimentTree.attach(experimentsView),
    datasetsView,
    datasetsTree.attach(datasetsView),
    ...new ExperimentCommands(experimentTree, datasetsTree, log).register(),
    registerCancelQueuedSweep(sweepQueue),
  );

  // The Sweep panel: a snapshot from the store, then live changes from the hub; it survives a reload.
  const sweepPanels: SweepPanelDeps = { hub: sweepActivity, queue: sweepQueue, workspaces: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath) };
  context.subscriptions.push(
    vscode.commands.registerCommand(CommandIds.openSweepPanel, async (arg?: unknown) => void (await SweepPanel.openFromCommand(context.extensionUri, sweepPanels, arg))),
    vscode.window.registerWebviewPanelSerializer(SweepPanel.viewType, {
      deserializeWebviewPanel: (webviewPanel: vscode.WebviewPanel, state: unknown) => {
        if (!SweepPanel.revive(webviewPanel, context.extensionUri, sweepPanels, state)) webviewPanel.dispose();
        return Promise.resolve();
      },
    }),
  );

  // Deploy and monitor: model servers are children of this host (they outlive the worker); the Models view
  // lists .mllab/deployments; drift checks and retraining run in the worker; Drift Reports survive a reload.
  const servedModels = new ServedModels(vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath, log);
  servers = servedModels;
  const modelsTree = new ModelsTreeProvider({ list: (ws) => new DeploymentStore(ws).list(), stats: (record, seconds) => deploymentStats(record, seconds) }, servedModels);
  const modelsView = vscode.window.createTreeView('mllab.models', { treeDataProvider: modelsTree });
  const deployCommands = new DeployCommands({
    extensionUri: context.extensionUri,
    worker: workerClient,
    served: servedModels,
    models: modelsTree,
    deployments: { write: (ws, record) => new DeploymentStore(ws).write(record) },
    log,
  });
  context.subscriptions.push(
    servedModels,
    modelsTree,
    modelsView,
    modelsTree.attach(modelsView),
    ...deployCommands.register(),
    vscode.window.registerWebviewPanelSerializer(DriftReportPanel.viewType, {
      deserializeWebviewPanel: async (webviewPanel: vscode.WebviewPanel, state: unknown) => {
        if (!(await DriftReportPanel.revive(webviewPanel, context.extensionUri, state, deployCommands.panelActions))) webviewPanel.dispose();
      },
    }),
  );

  // Distributed sweeps: the Workers view asks the worker process for the fleet (no Redis client in the host),
  // only while visible; the Redis password lives in SecretStorage.
  const workersTree = new WorkersTreeProvider({
    settings: readSweepBackendSettings,
    password: () => readRedisPassword(context.secrets),
    trusted: () => vscode.workspace.isTrusted,
    list: (url, password) => workerClient.listWorkers(url, password),
  });
  const workersView = vscode.window.createTreeView('mllab.workers', { treeDataProvider: workersTree });
  context.subscriptions.push(
    workersTree,
    workersView,
    workersTree.attach(workersView),
    ...registerRedisPasswordCommands(context.secrets),
    vscode.commands.registerCommand(CommandIds.refreshWorkers, () => workersTree.refresh()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('mllab.sweep') && workersTree.refresh()),
    context.secrets.onDidChange(() => workersTree.refresh()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => workersTree.refresh()),
  );

  log.info(`Activated in ${(performance.now() - moduleEvaluationStart).toFixed(1)} ms (extension ${String(context.extension.packageJSON.version)}).`);
}

/** Awaited by VS Code on shutdown: the worker and the model servers are stopped before the host goes, so no process is orphaned. */
export async function deactivate(): Promise<void> {
  await Promise.all([worker?.dispose(), servers?.stopAll()]);
  worker = undefined;
  servers = undefined;
}
