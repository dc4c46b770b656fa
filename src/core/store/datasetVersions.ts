// Dataset versions: one record per cleaned file ML Lab wrote, keyed by the file's content hash.
//
//   <workspace>/.mllab/datasets/<sha256>.json          the DatasetVersion (lineage, Recipe, apply report)
//   <workspace>/.mllab/datasets/<sha256>.recipe.json   the Recipe alone, ready for `mllab clean --recipe`
//
// Keyed by content, not by path, so moving or renaming the file keeps its lineage. Records are written whole
// (temp file + rename). A record of another schema version is skipped, not guessed at: MIGRATIONS is where
// a future version bump converts old records forward.
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { recipeToJson } from '../clean/recipe.js';
import { DATASET_VERSION_SCHEMA_VERSION } from '../../protocol/datasetVersion.js';
import type { DatasetVersion } from '../../protocol/datasetVersion.js';
import { nodeStoreFs, stableStringify, writeFileAtomic } from './atomicFile.js';
import type { StoreFs } from './atomicFile.js';
import { isRecord } from '../../protocol/jsonShape.js';

const SHA256 = /^[0-9a-f]{64}$/;
const RECORD = /^([0-9a-f]{64})\.json$/;

/** Append-only, each idempotent: from schema version `from` to `from + 1`. None yet. */
const MIGRATIONS: { from: number; migrate(record: Record<string, unknown>): Record<string, unknown> }[] = [];

export class DatasetVersions {
  readonly datasetsDir: string;

  /** `mllabDir` is the workspace folder's `.mllab` folder. */
  constructor(
    mllabDir: string,
    private readonly fs: StoreFs = nodeStoreFs,
  ) {
    this.datasetsDir = join(mllabDir, 'datasets');
  }

  recordPath(hash: string): string {
    return join(this.datasetsDir, `${checkHash(hash)}.json`);
  }

  recipePath(hash: string): string {
    return join(this.datasetsDir, `${checkHash(hash)}.recipe.json`);
  }

  /** Writes the record, and its Recipe beside it when it has one. The Recipe goes first: a record never points at a missing Recipe. */
  async save(version: DatasetVersion): Promise<void> {
    checkHash(version.hash);
    await this.fs.mkdir(this.datasetsDir, { recursive: true });
    if (version.recipe) await writeFileAtomic(this.fs, this.recipePath(version.hash), recipeToJson(version.recipe));
    await writeFileAtomic(this.fs, this.recordPath(version.hash), stableStringify({ ...version, schemaVersion: DATASET_VERSION_SCHEMA_VERSION }));
  }

  /** The version with this content hash, or null (none, unreadable, or of an unknown schema version). */
  async get(hash: string): Promise<DatasetVersion | null> {
    if (!SHA256.test(hash)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await this.fs.readFile(this.recordPath(hash), 'utf8'));
    } catch {
      return null;
    }
    const version = upgrade(parsed);
    return version && version.hash === hash ? version : null;
  }

  /** Every readable version, newest first. */
  async list(): Promise<DatasetVersion[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.datasetsDir);
    } catch {
      return [];
    }
    const versions: DatasetVersion[] = [];
    for (const name of names) {
      const hash = RECORD.exec(name)?.[1];
      if (!hash) continue;
      const v = await this.get(hash);
      if (v) versions.push(v);
    }
    return versions.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /** Changes only the display name. */
  async rename(hash: string, name: string): Promise<DatasetVersion> {
    const trimmed = name.trim();
    if (trimmed === '') throw new UserError('BAD_ARGUMENT', 'A version name cannot be empty.');
    const version = await this.get(hash);
    if (!version) throw new UserError('NOT_FOUND', `No dataset version ${hash.slice(0, 12)} in ${this.datasetsDir}.`);
    const renamed = { ...version, name: trimmed };
    await writeFileAtomic(this.fs, this.recordPath(hash), stableStringify(renamed));
    return renamed;
  }

  /** Removes the record and its Recipe (the data file itself is the caller's to remove). Missing files are fine. */
  async delete(hash: string): Promise<void> {
    for (const path of [this.recordPath(hash), this.recipePath(hash)]) {
      try {
        await this.fs.unlink(path);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
    }
  }
}

function checkHash(hash: string): string {
  // The hash names a file: never let it reach outside the datasets folder.
  if (!SHA256.test(hash)) throw new UserError('BAD_ARGUMENT', `Not a content hash: ${hash.slice(0, 80)}`);
  return hash;
}


function upgrade(parsed: unknown): DatasetVersion | null {
  if (!isRecord(parsed) || typeof parsed.schemaVersion !== 'number') return null;
  let record = parsed;
  for (const m of MIGRATIONS) if (record.schemaVersion === m.from) record = { ...m.migrate(record), schemaVersion: m.from + 1 };
  if (record.schemaVersion !== DATASET_VERSION_SCHEMA_VERSION) return null;
  const { hash, path, name, parent, rows, createdAt } = record;
  if (typeof hash !== 'string' || typeof path !== 'string' || typeof name !== 'string' || typeof rows !== 'number' || typeof createdAt !== 'string') return null;
  if (parent !== null && !(isRecord(parent) && typeof parent.hash === 'string' && typeof parent.path === 'string')) return null;
  return record as unknown as DatasetVersion;
}
