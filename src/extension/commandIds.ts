// Every command id in one place; package.json "contributes.commands" lists the same ids.
export const CommandIds = {
  profileDataset: 'mllab.profileDataset',
  openSweepPanel: 'mllab.openSweepPanel',
  pauseSweep: 'mllab.pauseSweep',
  resumeSweep: 'mllab.resumeSweep',
  stopSweep: 'mllab.stopSweep',
  cancelQueuedSweep: 'mllab.cancelQueuedSweep',
  openExperimentReport: 'mllab.openExperimentReport',
  startSweep: 'mllab.startSweep',
  compareExperiments: 'mllab.compareExperiments',
  resumeExperiment: 'mllab.resumeExperiment',
  renameExperiment: 'mllab.renameExperiment',
  tagExperiment: 'mllab.tagExperiment',
  noteExperiment: 'mllab.noteExperiment',
  deleteExperiment: 'mllab.deleteExperiment',
  exportModel: 'mllab.exportModel',
  rerunExperiment: 'mllab.rerunExperiment',
  refreshExperiments: 'mllab.refreshExperiments',
  /** The tree's Compare: turns (clicked node, selected nodes) into ids for compareExperiments. */
  compareSelectedExperiments: 'mllab.compareSelectedExperiments',
  // Deploy and monitor (issue 6).
  serveModel: 'mllab.serveModel',
  stopServer: 'mllab.stopServer',
  /** The serving status bar item's click: Open /health, Copy URL, Stop. */
  serverActions: 'mllab.serverActions',
  compareWithTrainingData: 'mllab.compareWithTrainingData',
  checkDeploymentDrift: 'mllab.checkDeploymentDrift',
  revealDeployment: 'mllab.revealDeployment',
  retrainModel: 'mllab.retrainModel',
  refreshModels: 'mllab.refreshModels',
  // Distributed sweeps (issue 7).
  setRedisPassword: 'mllab.setRedisPassword',
  clearRedisPassword: 'mllab.clearRedisPassword',
  refreshWorkers: 'mllab.refreshWorkers',
} as const;
