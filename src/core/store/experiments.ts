// The experiment store: one folder per sweep.
//
//   <workspace>/.mllab/experiments/<id>/experiment.json   the ExperimentRecord (written whole, keys sorted)
//   <workspace>/.mllab/experiments/<id>/trials.jsonl      append-only journal, one TrialRecord per line
//   <workspace>/.mllab/experiments/<id>/lock              held by the one process writing this experiment
//   <workspace>/.mllab/experiments/<id>/models/best.json  the saved best model (model package)
//   <workspace>/.mllab/experiments/<id>/report.json       evaluation artifacts
//   <workspace>/.mllab/experiments/<id>/oof/<trial>.bin   out-of-fold predictions of the leading trials (ensembling)
//
// A journal line is written with one append call, so a killed sweep leaves at worst a torn last line, which
// reading ignores and reopening cuts off. A 'running' record whose owner process is gone reads as
// 'interrupted': a SIGKILL or a power cut leaves no chance to write that status.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, extname, join } from 'node:path';
import { diskFullError, UserError } from '../errors.js';
import { isRecord } from '../../protocol/jsonShape.js';
import { EXPERIMENT_SCHEMA_VERSION } from '../../protocol/experiment.js';
import type { ExperimentOwner, ExperimentRecord, ExperimentSummary, TrialRecord } from '../../protocol/experiment.js';
import { nodeStoreFs, stableStringify, writeFileAtomic } from './atomicFile.js';

/** A lock file this young without an owner in it is still being written. */
const FRESH_LOCK_MS = 2000;

const ID = /^[0-9]{8}-[0-9]{6}-[a-z0-9-]{1,40}-[0-9a-f]{3,8}$/;

/** Append-only, each idempotent: from schema version `from` to `from + 1`. None yet. */
export const EXPERIMENT_MIGRATIONS: { from: number; migrate(record: Record<string, unknown>): Record<string, unknown> }[] = [];

/** Brings a stored record to the current schema version; null when it cannot be read as one. */
export function migrateExperiment(parsed: unknown, migrations = EXPERIMENT_MIGRATIONS, current = EXPERIMENT_SCHEMA_VERSION): ExperimentRecord | null {
  if (!isRecord(parsed) || typeof parsed.schemaVersion !== 'number') return null;
  let record = parsed;
  let version = parsed.schemaVersion;
  while (version < current) {
    const step = migrations.find((m) => m.from === version);
    if (!step) return null;
    record = { ...step.migrate(record), schemaVersion: version + 1 };
    version++;
  }
  // A newer ML Lab wrote it: guessing at its meaning could lose data on the next write.
  if (version !== current) return null;
  if (typeof record.id !== 'string' || typeof record.status !== 'string' || !isRecord(record.config) || !isRecord(record.times)) return null;
  return record as unknown as ExperimentRecord;
}

/** A readable id: UTC time of creation, the dataset's name, a few random hex digits. */
export function experimentId(datasetPath: string, now: Date = new Date(), suffix: string = randomBytes(2).toString('hex').slice(0, 3)): string {
  const iso = now.toISOString(); // 2026-11-28T07:15:02.123Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
  const stem = basename(datasetPath, extname(datasetPath))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24)
    .replace(/-+$/g, '');
  return `${stamp}-${stem || 'data'}-${suffix}`;
}

/** This process, as an experiment's owner. */
export function currentOwner(): ExperimentOwner {
  return {
    pid: process.pid,
    hostname: hostname(),
    processStartedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    processStartTicks: processStartTicks(process.pid),
  };
}

/** Field 22 of /proc/<pid>/stat (start time since boot, in clock ticks); null off Linux or when gone. */
function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether the owner process still runs. Another host's process cannot be checked: assumed alive. */
export function ownerAlive(owner: ExperimentOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: it exists, it is just not ours to signal.
    if ((e as { code?: unknown }).code !== 'EPERM') return false;
  }
  if (owner.processStartTicks !== null) {
    const ticks = processStartTicks(owner.pid);
    if (ticks !== null && ticks !== owner.processStartTicks) return false; // the pid was reused
  }
  return true;
}

/** Parses a journal: every complete line; a torn or unparsable line (a kill mid-append) is skipped. */
export function parseJournal(text: string): TrialRecord[] {
  const trials: TrialRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (isRecord(parsed) && typeof parsed.index === 'number' && typeof parsed.status === 'string' && isRecord(parsed.config)) trials.push(parsed as unknown as TrialRecord);
  }
  return trials;
}

export class ExperimentStore {
  readonly dir: string;

  /** `workspace` is the folder holding `.mllab`. */
  constructor(workspace: string) {
    this.dir = join(workspace, '.mllab', 'experiments');
  }

  path(id: string): string {
    if (!ID.test(id)) throw new UserError('BAD_ARGUMENT', `"${id}" is not an experiment id (like 20261128-071502-penguins-a3f).`);
    return join(this.dir, id);
  }

  /** Makes a new experiment folder and takes its lock; `make` builds the first record from the chosen id. */
  async create(datasetPath: string, make: (id: string) => ExperimentRecord): Promise<ExperimentWriter> {
    await fsp.mkdir(this.dir, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      const id = experimentId(datasetPath);
      try {
        await fsp.mkdir(join(this.dir, id));
      } catch (e) {
        if ((e as { code?: unknown }).code === 'EEXIST' && attempt < 20) continue;
        throw e;
      }
      // A folder without its experiment.json (a full disk refused it) is removed, not left half-made.
      let writer: ExperimentWriter | null = null;
      try {
        writer = await ExperimentWriter.acquire(join(this.dir, id), id);
        await writer.writeRecord(make(id));
        return writer;
      } catch (e) {
        await writer?.release();
        await fsp.rm(join(this.dir, id), { recursive: true, force: true }).catch(() => undefined);
        throw e;
      }
    }
  }

  /** Takes the lock of an existing experiment (to resume it). */
  async open(id: string): Promise<ExperimentWriter> {
    const dir = this.path(id);
    if (!(await this.read(id))) throw new UserError('NOT_FOUND', `No experiment ${id} in ${this.dir}.`);
    const writer = await ExperimentWriter.acquire(dir, id);
    await writer.cutTornLine();
    return writer;
  }

  /**
   * The record, migrated to the current schema, or null (none, unreadable, newer schema). A 'running'
   * record whose owner is gone comes back as 'interrupted'.
   */
  async read(id: string): Promise<ExperimentRecord | null> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await fsp.readFile(join(this.path(id), 'experiment.json'), 'utf8'));
    } catch {
      return null;
    }
    const record = migrateExperiment(parsed);
    if (!record || record.id !== id) return null;
    if (record.status === 'running' && (!record.owner || !ownerAlive(record.owner))) return { ...record, status: 'interrupted' };
    return record;
  }

  async readTrials(id: string): Promise<TrialRecord[]> {
    try {
      return parseJournal(await fsp.readFile(join(this.path(id), 'trials.jsonl'), 'utf8'));
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** Every readable experiment, newest first. */
  async list(): Promise<ExperimentSummary[]> {
    let names: string[];
    try {
      names = await fsp.readdir(this.dir);
    } catch {
      return [];
    }
    const out: ExperimentSummary[] = [];
    for (const name of names.filter((n) => ID.test(n)).sort().reverse()) {
      const r = await this.read(name);
      if (!r) continue;
      // The record's count may lag the journal when the process died between the two writes.
      const trials = r.status === 'done' ? r.trials : (await this.readTrials(name)).length;
      out.push({
        id: r.id,
        status: r.status,
        trials,
        metric: r.metric,
        bestScore: r.bestScore,
        bestTrial: r.bestTrial,
        task: r.task,
        dataset: r.dataset.path,
        target: r.config.target,
        created: r.times.created,
        finished: r.times.finished,
        backend: r.backend,
        heldOutScore: r.heldOutScore ?? null,
      });
    }
    return out;
  }
}

/** The one process allowed to write an experiment: holds its lock until release(). */
export class ExperimentWriter {
  private released = false;

  private constructor(
    readonly dir: string,
    readonly id: string,
  ) {}

  /** O_EXCL lock file holding the owner; a lock whose process is gone is taken over. */
  static async acquire(dir: string, id: string): Promise<ExperimentWriter> {
    const lockPath = join(dir, 'lock');
    const owner = currentOwner();
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const handle = await fsp.open(lockPath, 'wx');
        try {
          await handle.writeFile(JSON.stringify(owner) + '\n');
        } catch (e) {
          // An empty lock would keep the experiment "being opened" for a moment; ours, so remove it.
          await handle.close();
          await fsp.unlink(lockPath).catch(() => undefined);
          throw diskFullError(e, lockPath) ?? e;
        }
        await handle.close();
        return new ExperimentWriter(dir, id);
      } catch (e) {
        if ((e as { code?: unknown }).code !== 'EEXIST') throw e;
      }
      const holder = await readLock(lockPath);
      if (holder && ownerAlive(holder)) {
        throw new UserError('EXPERIMENT_LOCKED', `Experiment ${id} is in use by process ${holder.pid} on ${holder.hostname}.`);
      }
      // An empty lock a moment old is another process between its open and its write, not a dead one.
      if (!holder && Date.now() - ((await fsp.stat(lockPath).catch(() => null))?.mtimeMs ?? 0) < FRESH_LOCK_MS) {
        throw new UserError('EXPERIMENT_LOCKED', `Experiment ${id} is being opened by another process.`);
      }
      // Stale (its process is gone) or unreadable (torn by a kill between open and write): take it over.
      await fsp.unlink(lockPath).catch(() => undefined);
    }
    throw new UserError('EXPERIMENT_LOCKED', `Could not lock experiment ${id}: another process keeps taking it.`);
  }

  get journalPath(): string {
    return join(this.dir, 'trials.jsonl');
  }

  async writeRecord(record: ExperimentRecord): Promise<void> {
    await writeFileAtomic(nodeStoreFs, join(this.dir, 'experiment.json'), stableStringify({ ...record, schemaVersion: EXPERIMENT_SCHEMA_VERSION }));
  }

  /** One line, one write call: either the whole line lands or a torn tail that readers skip. */
  async appendTrial(trial: TrialRecord): Promise<void> {
    // A full disk may leave part of the line: the torn-last-line rule covers it (readers skip, resume cuts).
    await fsp.appendFile(this.journalPath, stableStringify(trial, 0), 'utf8').catch((e: unknown) => {
      throw diskFullError(e, this.journalPath) ?? e;
    });
  }

  /** Resuming after a kill: drop a torn last line so the next append starts on a fresh line. */
  async cutTornLine(): Promise<void> {
    let text: string;
    try {
      text = await fsp.readFile(this.journalPath, 'utf8');
    } catch {
      return;
    }
    if (text === '' || text.endsWith('\n')) return;
    await fsp.truncate(this.journalPath, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
  }

  async writeJson(relativePath: string, value: unknown, indent = 0): Promise<string> {
    const path = join(this.dir, relativePath);
    await fsp.mkdir(join(path, '..'), { recursive: true });
    await writeFileAtomic(nodeStoreFs, path, stableStringify(value, indent));
    return path;
  }

  async writeBinary(relativePath: string, data: Float64Array): Promise<void> {
    const path = join(this.dir, relativePath);
    await fsp.mkdir(join(path, '..'), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    try {
      await fsp.writeFile(temp, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      await fsp.rename(temp, path);
    } catch (e) {
      await fsp.unlink(temp).catch(() => undefined);
      throw diskFullError(e, path) ?? e;
    }
  }

  async readBinary(relativePath: string): Promise<Float64Array | null> {
    try {
      const b = await fsp.readFile(join(this.dir, relativePath));
      if (b.byteLength % 8 !== 0) return null;
      const out = new Float64Array(b.byteLength / 8);
      new Uint8Array(out.buffer).set(b);
      return out;
    } catch {
      return null;
    }
  }

  async remove(relativePath: string): Promise<void> {
    await fsp.rm(join(this.dir, relativePath), { force: true, recursive: true });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await fsp.unlink(join(this.dir, 'lock')).catch(() => undefined);
  }
}

async function readLock(path: string): Promise<ExperimentOwner | null> {
  try {
    const parsed: unknown = JSON.parse(await fsp.readFile(path, 'utf8'));
    if (isRecord(parsed) && typeof parsed.pid === 'number' && typeof parsed.hostname === 'string') {
      return {
        pid: parsed.pid,
        hostname: parsed.hostname,
        processStartedAt: typeof parsed.processStartedAt === 'string' ? parsed.processStartedAt : '',
        processStartTicks: typeof parsed.processStartTicks === 'string' ? parsed.processStartTicks : null,
      };
    }
  } catch {
    // unreadable: treated as stale
  }
  return null;
}
