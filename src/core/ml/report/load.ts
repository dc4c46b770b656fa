// Reads everything an experiment report shows from a workspace's .mllab: the record, report.json (when
// the sweep finished), the journal, and the dataset version whose hash matches the trained file.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { DatasetVersions } from '../../store/datasetVersions.js';
import { ExperimentStore } from '../../store/experiments.js';
import type { CompareEntry, ReportSnapshot } from '../../../protocol/experimentReport.js';
import { parseExperimentReport } from '../../../protocol/experimentReport.js';
import { leadTrial, modelLabel, trialsFromJournal, rankTrials, greaterIsBetter } from '../../../protocol/experimentReportFormat.js';

/** null when the workspace holds no readable record with this id. */
export async function loadReportSnapshot(workspace: string, id: string): Promise<ReportSnapshot | null> {
  const store = new ExperimentStore(workspace);
  const experiment = await store.read(id);
  if (!experiment) return null;
  const trials = await store.readTrials(id);
  let report: ReportSnapshot['report'] = null;
  let notice: string | null = null;
  try {
    report = parseExperimentReport(JSON.parse(await fsp.readFile(join(store.path(id), 'report.json'), 'utf8')));
    if (!report) notice = 'report.json has a shape this version of ML Lab does not read; showing the trial journal.';
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code !== 'ENOENT') notice = `report.json could not be read (${e instanceof Error ? e.message : String(e)}); showing the trial journal.`;
    else if (experiment.status === 'running') notice = 'The sweep is running: curves, importance and the final model appear when it finishes.';
    else if (experiment.status !== 'done') notice = `The sweep ended ${experiment.status}: no report was written. Trials so far are below.`;
  }
  const version = await new DatasetVersions(join(workspace, '.mllab')).get(experiment.dataset.sha256).catch(() => null);
  return { experiment, report, trials, lineage: { version }, notice };
}

/** One compare column per experiment: its best (lead) trial and, when report.json exists, its curves. */
export async function loadCompareEntry(workspace: string, id: string): Promise<CompareEntry | null> {
  const snap = await loadReportSnapshot(workspace, id);
  if (!snap) return null;
  const trials = snap.report?.trials ?? trialsFromJournal(snap.trials);
  const trial = (snap.report ? leadTrial(snap.report) : null) ?? rankTrials(trials, greaterIsBetter(snap.experiment.metric)).find((t) => t.status === 'done') ?? null;
  const label = snap.experiment.name ?? `${snap.experiment.id}${trial ? ` · ${modelLabel(trial.model)}` : ''}`;
  return { key: id, label, experiment: snap.experiment, trial, evaluation: snap.report?.evaluation ?? null, classes: snap.report?.classes ?? null };
}
