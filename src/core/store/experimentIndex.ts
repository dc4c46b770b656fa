// What the Experiments and Datasets trees show, built without VS Code so it can be tested in plain Node.
//
// The tree opens on experiment.json records alone (one small file per experiment); a journal
// (trials.jsonl, the bulk of the store) is read only when its experiment is expanded. Experiments are grouped
// by the dataset they ran on: the source file at the root of the dataset's lineage (followed through
// `.mllab/datasets` records), then the version (content hash) the sweep actually read.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { UserError } from '../errors.js';
import { METRICS } from '../ml/metrics.js';
import type { DatasetVersion } from '../../protocol/datasetVersion.js';
import type { ExperimentRecord, TrialRecord } from '../../protocol/experiment.js';
import type { SweepConfig } from '../search/sweep.js';
import { DatasetVersions } from './datasetVersions.js';
import { ExperimentStore } from './experiments.js';

/** Live state of a sweep in this window, layered over the stored record (the record lags by a write). */
export interface LiveExperiment {
  state: 'queued' | 'running' | 'paused' | 'stopping' | 'done' | 'failed' | 'interrupted';
  finishedTrials: number;
  bestScore: number | null;
}

/** What an experiment row shows: status is the live state when there is one, else the stored status. */
export type ExperimentShownStatus = LiveExperiment['state'];

export interface ExperimentEntry {
  record: ExperimentRecord;
  label: string;
  status: ExperimentShownStatus;
  trials: number;
  bestScore: number | null;
  description: string;
  tooltip: string;
}

export interface VersionGroup {
  /** sha256 of the file the sweeps read. */
  sha256: string;
  label: string;
  description: string;
  /** Absolute path of the file as the newest sweep read it. */
  path: string;
  version: DatasetVersion | null;
  experiments: ExperimentEntry[];
}

export interface DatasetGroup {
  /** Workspace-relative path ('/'-separated) of the source file, or the absolute path when outside. */
  key: string;
  label: string;
  description: string;
  versions: VersionGroup[];
}

/** The stored records the tree is built from: experiment.json files and dataset version records only. */
export interface ExperimentIndexData {
  workspace: string;
  records: ExperimentRecord[];
  versions: DatasetVersion[];
}

/** Reads every experiment record (in parallel) and every dataset version record; no journal is opened. */
export async function readExperimentIndex(workspace: string): Promise<ExperimentIndexData> {
  const store = new ExperimentStore(workspace);
  let names: string[];
  try {
    names = await fsp.readdir(store.dir);
  } catch {
    names = [];
  }
  const ids = names.filter(isExperimentId);
  const [records, versions] = await Promise.all([Promise.all(ids.map((id) => store.read(id))), new DatasetVersions(join(workspace, '.mllab')).list()]);
  return { workspace, records: records.filter((r): r is ExperimentRecord => r !== null), versions };
}

export function isExperimentId(name: string): boolean {
  try {
    new ExperimentStore('/').path(name);
    return true;
  } catch {
    return false;
  }
}

/** dataset -> version -> experiment, each level newest activity first. */
export function buildExperimentTree(data: ExperimentIndexData, live: ReadonlyMap<string, LiveExperiment> = new Map()): DatasetGroup[] {
  const byHash = new Map(data.versions.map((v) => [v.hash, v]));
  const datasets = new Map<string, { group: DatasetGroup; newest: string; versions: Map<string, { group: VersionGroup; newest: string }> }>();

  for (const record of data.records) {
    const version = byHash.get(record.dataset.sha256) ?? null;
    const rootKey = lineageRoot(record, version, byHash, data.workspace);
    let d = datasets.get(rootKey);
    if (!d) {
      d = { group: { key: rootKey, label: lastSegment(rootKey), description: parentSegment(rootKey), versions: [] }, newest: '', versions: new Map() };
      datasets.set(rootKey, d);
    }
    let v = d.versions.get(record.dataset.sha256);
    if (!v) {
      v = { group: { sha256: record.dataset.sha256, label: version ? version.name : 'original', description: '', path: record.dataset.path, version, experiments: [] }, newest: '' };
      d.versions.set(record.dataset.sha256, v);
    }
    const created = record.times.created;
    if (created > v.newest) {
      v.newest = created;
      v.group.path = record.dataset.path;
    }
    if (created > d.newest) d.newest = created;
    v.group.experiments.push(experimentEntry(record, live.get(record.id)));
  }

  const newestFirst = <T extends { newest: string }>(a: T, b: T): number => (a.newest < b.newest ? 1 : a.newest > b.newest ? -1 : 0);
  return [...datasets.values()].sort(newestFirst).map((d) => {
    d.group.versions = [...d.versions.values()].sort(newestFirst).map((v) => {
      v.group.experiments.sort((a, b) => compareNewest(a.record, b.record));
      const n = v.group.experiments.length;
      // The short hash tells apart two contents of one file (it changed between sweeps).
      v.group.description = `${n} experiment${n === 1 ? '' : 's'} · ${v.group.sha256.slice(0, 8)}`;
      return v.group;
    });
    return d.group;
  });
}

function compareNewest(a: ExperimentRecord, b: ExperimentRecord): number {
  if (a.times.created !== b.times.created) return a.times.created < b.times.created ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The source file a dataset version descends from, as a workspace-relative key. Cycles end the walk. */
function lineageRoot(record: ExperimentRecord, version: DatasetVersion | null, byHash: ReadonlyMap<string, DatasetVersion>, workspace: string): string {
  if (!version) return workspaceKey(record.dataset.path, workspace);
  const seen = new Set<string>();
  let v = version;
  while (v.parent && !seen.has(v.hash)) {
    seen.add(v.hash);
    const up = byHash.get(v.parent.hash);
    if (!up) return v.parent.path;
    v = up;
  }
  return v.path;
}

function workspaceKey(path: string, workspace: string): string {
  const rel = relative(workspace, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path.split(sep).join('/');
  return rel.split(sep).join('/');
}

function lastSegment(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1) || key;
}

function parentSegment(key: string): string {
  const i = key.lastIndexOf('/');
  return i > 0 ? key.slice(0, i) : '';
}

export function experimentEntry(record: ExperimentRecord, live?: LiveExperiment): ExperimentEntry {
  // A finished live state is superseded by the record the runner wrote at its end.
  const liveActive = live && (live.state === 'queued' || live.state === 'running' || live.state === 'paused' || live.state === 'stopping');
  const status: ExperimentShownStatus = liveActive ? live.state : record.status;
  const trials = liveActive ? Math.max(live.finishedTrials, record.trials) : record.trials;
  const bestScore = liveActive && live.bestScore !== null ? live.bestScore : record.bestScore;
  // The dataset is already the row's ancestor: an unnamed experiment is told apart by when it started.
  const label = record.name?.trim() ? record.name.trim() : startedLabel(record);
  const score = bestScore === null ? 'no score yet' : `${metricLabel(record)} ${formatScore(bestScore)}`;
  const description = `${score} · ${trials} trial${trials === 1 ? '' : 's'}${status === 'done' ? '' : ` · ${status}`}`;
  return { record, label, status, trials, bestScore, description, tooltip: experimentTooltip(record, status, trials, bestScore) };
}

/** "2026-11-28 07:38:33" in local time (the id holds the same instant in UTC), or the id if the time is unreadable. */
export function startedLabel(record: ExperimentRecord): string {
  const d = new Date(record.times.created);
  if (Number.isNaN(d.getTime())) return record.id;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function metricLabel(record: ExperimentRecord): string {
  return METRICS[record.metric]?.label ?? record.metric;
}

/** Four significant digits: enough to rank trials, short enough for a tree row. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return String(score);
  const a = Math.abs(score);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return score.toExponential(3);
  return Number(score.toPrecision(4)).toString();
}

/** Markdown for the experiment row's tooltip; dataset-derived text is escaped. */
export function experimentTooltip(record: ExperimentRecord, status: ExperimentShownStatus, trials: number, bestScore: number | null): string {
  const lines = [
    `**${escapeMarkdown(record.name?.trim() ? record.name : record.id)}** — ${status}`,
    '',
    `Dataset: ${escapeMarkdown(record.dataset.path)} (${record.dataset.rows} rows, sha256 ${record.dataset.sha256.slice(0, 12)})`,
    `Target: ${escapeMarkdown(record.config.target)} · ${record.task} · ${metricLabel(record)}`,
    `Best: ${bestScore === null ? '—' : formatScore(bestScore)}${record.bestTrial !== null ? ` (trial ${record.bestTrial}${record.bestKind === 'ensemble' ? ', ensemble' : ''})` : ''} · ${trials} trials`,
    `Search: ${record.config.search}, ${record.config.budgetSeconds !== null ? `${record.config.budgetSeconds} s budget` : `${record.config.maxTrials ?? '?'} trials`}, seed ${record.config.seed}`,
    `Created ${record.times.created}${record.times.finished ? ` · finished ${record.times.finished}` : ''}`,
  ];
  if (record.parent) lines.push(`Re-run of ${escapeMarkdown(record.parent)}`);
  if (record.tags.length > 0) lines.push(`Tags: ${record.tags.map(escapeMarkdown).join(', ')}`);
  if (record.note.trim() !== '') lines.push('', escapeMarkdown(record.note));
  if (record.error) lines.push('', `Error: ${escapeMarkdown(record.error)}`);
  return lines.join('  \n');
}

export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** Done trials best first (by the metric's direction, ties by index), then pruned, then failed, each by index. */
export function rankTrials(trials: readonly TrialRecord[], greaterIsBetter: boolean): TrialRecord[] {
  const scored = trials.filter((t) => t.status === 'done' && t.score !== null && Number.isFinite(t.score));
  scored.sort((a, b) => (greaterIsBetter ? (b.score as number) - (a.score as number) : (a.score as number) - (b.score as number)) || a.index - b.index);
  const isScored = new Set(scored);
  const rest = trials.filter((t) => !isScored.has(t));
  const order = { done: 0, pruned: 1, failed: 2 } as const;
  rest.sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3) || a.index - b.index);
  return [...scored, ...rest];
}

export interface TrialRow {
  trial: TrialRecord;
  label: string;
  description: string;
  tooltip: string;
  best: boolean;
}

export interface ExperimentChildren {
  /** Present when the experiment saved a model (models/best.json). */
  model: { path: string; label: string; description: string } | null;
  trials: TrialRow[];
  /** Trials not shown (the "show all" row), 0 when all are shown. */
  hidden: number;
}

/** The rows under an experiment: its model, the top `topN` trials by score (all when `showAll`), and how many are hidden. */
export function experimentChildren(record: ExperimentRecord, trials: readonly TrialRecord[], options: { topN: number; showAll: boolean; modelPath: string | null }): ExperimentChildren {
  const ranked = rankTrials(trials, record.greaterIsBetter);
  const shown = options.showAll ? ranked : ranked.slice(0, Math.max(0, options.topN));
  const model = options.modelPath
    ? {
        path: options.modelPath,
        label: record.bestKind === 'ensemble' ? 'Best model (ensemble)' : record.bestTrial !== null ? `Best model (trial ${record.bestTrial})` : 'Best model',
        description: record.bestScore === null ? '' : `${metricLabel(record)} ${formatScore(record.bestScore)}`,
      }
    : null;
  return { model, trials: shown.map((t) => trialRow(t, record)), hidden: ranked.length - shown.length };
}

export function trialRow(trial: TrialRecord, record: ExperimentRecord): TrialRow {
  const score = trial.score === null ? trial.status : `${formatScore(trial.score)}${trial.foldStd !== null ? ` ± ${formatScore(trial.foldStd)}` : ''}`;
  const params = Object.entries(trial.config.params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatScore(v) : String(v)}`)
    .join(', ');
  const tooltip = [`**Trial ${trial.index}** — ${trial.config.model}, ${trial.status}`, '', `${metricLabel(record)}: ${score}`, `Parameters: ${escapeMarkdown(params || 'defaults')}`, `Duration: ${trial.seconds.toFixed(1)} s`];
  if (trial.error) tooltip.push(`Error: ${escapeMarkdown(trial.error)}`);
  return {
    trial,
    label: `#${trial.index} ${trial.config.model}`,
    description: `${score} · ${trial.seconds.toFixed(1)} s`,
    tooltip: tooltip.join('  \n'),
    best: record.bestTrial === trial.index && trial.status === 'done',
  };
}

/**
 * Journals read on expand, kept while the file's size and mtime stay the same: expanding, collapsing and
 * refreshing a finished experiment reads its journal once.
 */
export class TrialCache {
  private readonly entries = new Map<string, { size: number; mtimeMs: number; trials: TrialRecord[] }>();

  constructor(private readonly store: ExperimentStore) {}

  async trials(id: string): Promise<TrialRecord[]> {
    const path = join(this.store.path(id), 'trials.jsonl');
    const stat = await fsp.stat(path).catch(() => null);
    if (!stat) {
      this.entries.delete(id);
      return [];
    }
    const known = this.entries.get(id);
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs) return known.trials;
    const trials = await this.store.readTrials(id);
    this.entries.set(id, { size: stat.size, mtimeMs: stat.mtimeMs, trials });
    return trials;
  }

  forget(id?: string): void {
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }
}

/** models/best.json of the experiment, or null when it saved none. */
export async function modelPath(store: ExperimentStore, id: string): Promise<string | null> {
  const path = join(store.path(id), 'models', 'best.json');
  const stat = await fsp.stat(path).catch(() => null);
  return stat?.isFile() ? path : null;
}

// --- Edits from the tree's context menu -------------------------------------------------------------------

/** Rename / Tag / Note: read, change and write experiment.json under the experiment's lock. A running sweep holds the lock, so it is refused. */
export async function editExperiment(store: ExperimentStore, id: string, edit: (record: ExperimentRecord) => ExperimentRecord): Promise<ExperimentRecord> {
  const writer = await store.open(id);
  try {
    const current = await store.read(id);
    if (!current) throw new UserError('NOT_FOUND', `No experiment ${id} in ${store.dir}.`);
    const next = edit(current);
    await writer.writeRecord(next);
    return next;
  } finally {
    await writer.release();
  }
}

/** Tags as typed ("a, b  c"): trimmed, no empties, no duplicates, in the order given. */
export function parseTags(text: string): string[] {
  const out: string[] = [];
  for (const t of text.split(/[,\s]+/)) {
    const tag = t.trim();
    if (tag !== '' && !out.includes(tag)) out.push(tag);
  }
  return out;
}

/** Removes the experiment folder. Refused while it runs (a live owner holds its lock). */
export async function deleteExperiment(store: ExperimentStore, id: string): Promise<void> {
  const record = await store.read(id);
  if (!record) throw new UserError('NOT_FOUND', `No experiment ${id} in ${store.dir}.`);
  if (record.status === 'running') throw new UserError('EXPERIMENT_LOCKED', `Experiment ${id} is running; stop it before deleting it.`);
  // Taking the lock proves no other process writes it; the folder (lock included) then goes at once.
  const writer = await store.open(id);
  try {
    // Renamed away first so a reader never sees a half-deleted experiment as a damaged one.
    const trash = join(store.dir, `.deleting-${id}-${process.pid}`);
    await fsp.rename(writer.dir, trash);
    await fsp.rm(trash, { recursive: true, force: true });
  } catch (e) {
    await writer.release();
    throw e;
  }
}

/**
 * Exports the experiment's model as a package folder (`mllab export`: model, schema, Recipe, model card,
 * predict.mjs) named after the experiment inside `folder` (`<id>`, or `<id>-2`... when taken), and returns
 * its files' absolute paths, README.md first. The export runs in a child process — the bundled CLI beside
 * this bundle, or dist/cli.js from source — because it loads TensorFlow.js and may profile the training file,
 * work the extension host must not do.
 */
export async function exportModel(store: ExperimentStore, id: string, folder: string, options: { signal?: AbortSignal; cliPath?: string } = {}): Promise<string[]> {
  const model = await modelPath(store, id);
  if (!model) throw new UserError('NOT_FOUND', `Experiment ${id} has no saved model (models/best.json).`);
  if (!(await fsp.stat(folder).catch(() => null))?.isDirectory()) throw new UserError('BAD_ARGUMENT', `Cannot export to ${folder}: it is not a folder.`);
  let out = join(folder, id);
  for (let n = 2; await fsp.stat(out).catch(() => null); n++) out = join(folder, `${id}-${n}`);
  const cli = options.cliPath ?? [join(__dirname, 'cli.js'), join(__dirname, '..', '..', '..', 'dist', 'cli.js')].find((p) => existsSync(p));
  if (!cli) throw new UserError('NOT_FOUND', `The ML Lab command line (cli.js) is missing beside ${__dirname}: cannot export.`);
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    // ELECTRON_RUN_AS_NODE: inside VS Code, process.execPath is the editor's binary, run as plain Node.
    const child = execFile(process.execPath, [cli, 'export', model, '--out', out, '--json'], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 1 << 20, ...(options.signal ? { signal: options.signal } : {}) }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        if (options.signal?.aborted) return fail(new UserError('CANCELLED', 'Cancelled.'));
        return fail(error);
      }
      done({ code: child.exitCode, stdout, stderr });
    });
  });
  if (code === 130) throw new UserError('CANCELLED', 'Cancelled.');
  if (code !== 0) {
    const line = stderr.split('\n').find((l) => l.startsWith('mllab: ')) ?? stderr.trim().split('\n')[0] ?? `exit code ${String(code)}`;
    throw new UserError('BAD_ARGUMENT', line.replace(/^mllab: /, ''));
  }
  const exported = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { dir?: string; files?: string[] };
  const dir = exported.dir ?? out;
  const files = exported.files ?? [];
  return [...files.filter((f) => f === 'README.md'), ...files.filter((f) => f !== 'README.md')].map((f) => join(dir, ...f.split('/')));
}

/** The record's folder name back from a path inside the store (the file watcher's events). */
export function experimentIdOfPath(store: ExperimentStore, path: string): string | null {
  const rel = relative(store.dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  const first = rel.split(sep)[0] ?? '';
  return isExperimentId(first) ? first : null;
}

// --- The Datasets tree -------------------------------------------------------------------------------------

export interface DatasetFileNode {
  /** Workspace-relative, '/'-separated. */
  path: string;
  label: string;
  description: string;
  tooltip: string;
  kind: 'source' | 'cleaned';
  sha256: string | null;
  version: DatasetVersion | null;
  /** Whether `.mllab/profiles/index.json` has a profile of the file. */
  profiled: boolean;
  children: DatasetFileNode[];
}

export interface ProfiledFile {
  path: string;
  size: number;
  sha256: string;
}

/** Profiled files from `.mllab/profiles/index.json` (an unreadable index reads as none) and dataset versions. */
export async function readDatasetsIndex(workspace: string): Promise<{ profiled: ProfiledFile[]; versions: DatasetVersion[] }> {
  const mllab = join(workspace, '.mllab');
  const [index, versions] = await Promise.all([fsp.readFile(join(mllab, 'profiles', 'index.json'), 'utf8').catch(() => null), new DatasetVersions(mllab).list()]);
  const profiled: ProfiledFile[] = [];
  if (index !== null) {
    try {
      const parsed = JSON.parse(index) as unknown;
      const entries = typeof parsed === 'object' && parsed !== null ? (parsed as { entries?: unknown }).entries : undefined;
      if (typeof entries === 'object' && entries !== null) {
        for (const [path, e] of Object.entries(entries as Record<string, unknown>)) {
          const entry = e as { size?: unknown; sha256?: unknown } | null;
          if (entry && typeof entry.size === 'number' && typeof entry.sha256 === 'string') profiled.push({ path, size: entry.size, sha256: entry.sha256 });
        }
      }
    } catch {
      // a damaged index is the profile cache's to rebuild; the tree shows versions only
    }
  }
  return { profiled, versions };
}

/** Source files (profiled, or the parent of a cleaned version) with their cleaned versions nested by lineage. */
export function buildDatasetsTree(profiled: readonly ProfiledFile[], versions: readonly DatasetVersion[]): DatasetFileNode[] {
  const byHash = new Map(versions.map((v) => [v.hash, v]));
  const profiledHashes = new Set(profiled.map((p) => p.sha256));
  const profiledPaths = new Set(profiled.map((p) => p.path));
  const childrenOf = new Map<string, DatasetVersion[]>(); // parent hash -> versions
  for (const v of versions) {
    if (!v.parent) continue;
    const list = childrenOf.get(v.parent.hash) ?? [];
    list.push(v);
    childrenOf.set(v.parent.hash, list);
  }
  const seen = new Set<string>();
  const versionNode = (v: DatasetVersion): DatasetFileNode => {
    seen.add(v.hash);
    const kids = (childrenOf.get(v.hash) ?? []).filter((c) => !seen.has(c.hash)).map(versionNode);
    return {
      path: v.path,
      label: v.name,
      description: `cleaned · ${v.rows} rows · ${v.hash.slice(0, 8)}`,
      tooltip: `**${escapeMarkdown(v.name)}**  \n${escapeMarkdown(v.path)}  \nFrom ${escapeMarkdown(v.parent?.path ?? '?')} · ${v.rows} rows · ${v.createdAt}`,
      kind: 'cleaned',
      sha256: v.hash,
      version: v,
      profiled: profiledPaths.has(v.path) || profiledHashes.has(v.hash),
      children: kids,
    };
  };

  // Roots: every source path, profiled or named as the parent of a version whose parent has no record.
  const roots = new Map<string, { hashes: Set<string>; profiled: ProfiledFile | null }>();
  const versionPaths = new Set(versions.map((v) => v.path));
  for (const p of profiled) {
    if (byHash.has(p.sha256) || versionPaths.has(p.path)) continue; // a cleaned file: shown under its source
    roots.set(p.path, { hashes: new Set([p.sha256]), profiled: p });
  }
  for (const v of versions) {
    if (!v.parent || byHash.has(v.parent.hash)) continue;
    const root = roots.get(v.parent.path) ?? { hashes: new Set<string>(), profiled: null };
    root.hashes.add(v.parent.hash);
    roots.set(v.parent.path, root);
  }
  const out: DatasetFileNode[] = [];
  for (const [path, root] of [...roots].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const children = [...root.hashes].flatMap((h) => childrenOf.get(h) ?? []).filter((v) => !seen.has(v.hash));
    children.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    const n = children.length;
    out.push({
      path,
      label: lastSegment(path),
      description: `${parentSegment(path)}${n > 0 ? `${parentSegment(path) ? ' · ' : ''}${n} version${n === 1 ? '' : 's'}` : ''}`,
      tooltip: `**${escapeMarkdown(path)}**${root.profiled ? `  \nProfiled · ${root.profiled.size} bytes · sha256 ${root.profiled.sha256.slice(0, 12)}` : ''}`,
      kind: 'source',
      sha256: root.profiled?.sha256 ?? null,
      version: null,
      profiled: root.profiled !== null,
      children: children.map(versionNode),
    });
  }
  // Versions whose lineage loops or whose root is a version already placed: listed at the top level, never lost.
  for (const v of versions) if (!seen.has(v.hash)) out.push(versionNode(v));
  return out;
}

// --- Icons and command arguments ---------------------------------------------------------------------------

/** Codicon id and theme color of an experiment row; a running sweep spins. */
export function statusIcon(status: ExperimentShownStatus): { id: string; color: string | null } {
  switch (status) {
    case 'running':
      return { id: 'sync~spin', color: 'charts.blue' };
    case 'queued':
      return { id: 'clock', color: null };
    case 'paused':
      return { id: 'debug-pause', color: 'charts.yellow' };
    case 'stopping':
      return { id: 'loading~spin', color: 'charts.yellow' };
    case 'done':
      return { id: 'pass', color: 'testing.iconPassed' };
    case 'failed':
      return { id: 'error', color: 'testing.iconFailed' };
    case 'interrupted':
      return { id: 'debug-disconnect', color: 'list.warningForeground' };
  }
}

/** Codicon id of a trial row: the best trial gets a star. */
export function trialIcon(row: TrialRow): string {
  if (row.best) return 'star-full';
  return row.trial.status === 'done' ? 'circle-filled' : row.trial.status === 'pruned' ? 'circle-slash' : 'error';
}

/**
 * The experiment a command was invoked on: an id string, or anything carrying an `experimentId` string
 * (the tree's items, the panels' messages). Undefined when there is none; the command then asks.
 */
export function experimentIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return isExperimentId(arg) ? arg : undefined;
  if (typeof arg === 'object' && arg !== null && 'experimentId' in arg) {
    const id = (arg as { experimentId: unknown }).experimentId;
    return typeof id === 'string' && isExperimentId(id) ? id : undefined;
  }
  return undefined;
}

/** Re-run: the sweep settings of `record` as a SweepConfig for Start AutoML Sweep to prefill, the record as its parent. */
export function rerunConfig(record: ExperimentRecord, workspace: string): SweepConfig {
  const c = record.config;
  const config: SweepConfig = {
    dataset: c.dataset,
    target: c.target,
    task: c.task,
    metric: c.metric,
    search: c.search,
    seed: c.seed,
    models: [...c.models],
    parallel: c.parallel,
    pruner: c.pruner,
    trialTimeoutSeconds: c.trialTimeoutSeconds,
    ensemble: c.ensemble,
    workspace,
    parent: record.id,
  };
  if (c.budgetSeconds !== null) config.budgetSeconds = c.budgetSeconds;
  if (c.maxTrials !== null) config.maxTrials = c.maxTrials;
  if (c.validation.kind === 'kfold') config.folds = c.validation.folds;
  else config.holdout = c.validation.fraction;
  if (c.warmStart) config.warmStart = c.warmStart;
  return config;
}
