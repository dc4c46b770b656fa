// The profile cache: reopening a report on an unchanged file is instant, whatever its size.
//
//   <workspace>/.mllab/profiles/<sha256>.json   {schemaVersion, file, options, profile}, keyed by content
//   <workspace>/.mllab/profiles/index.json      {schemaVersion, entries: {relativePath: {size, mtimeMs, sha256}}}
//
// Lookup: size and mtime as recorded -> hit without reading the data. Same size but a new mtime (touched,
// checked out again, copied back) -> hash the content and reuse the profile of that hash if there is one.
// Anything else is a miss. Entries of another schema version, or profiled with other options, are ignored.
// The cache is an accelerator only: every failure reads as a miss, and a failed write is reported, not thrown.
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { cancelled } from '../errors.js';
import { PROFILE_SCHEMA_VERSION } from '../../protocol/profile.js';
import type { DatasetProfile, ProfileOptions } from '../../protocol/profile.js';
import { nodeStoreFs, stableStringify, writeFileAtomic } from './atomicFile.js';
import type { StoreFs } from './atomicFile.js';
import { isRecord } from '../../protocol/jsonShape.js';

/** Bump when the entry or index layout changes; files of other versions are ignored and overwritten. */
export const PROFILE_CACHE_SCHEMA_VERSION = 1;

export interface IndexEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
}

interface ProfileIndex {
  schemaVersion: number;
  entries: Record<string, IndexEntry>;
}

/** The options that change what a profile says (threads do not). */
interface OptionsKey {
  missingTokens: string[];
  delimiter: string | null;
}

interface CacheEntry {
  schemaVersion: number;
  file: IndexEntry & { path: string };
  options: OptionsKey;
  profile: DatasetProfile;
}

export type StoreOutcome = { stored: true; sha256: string } | { stored: false; reason: 'outsideWorkspace' | 'fileChanged' | 'unwritable'; message: string };

const SHA256 = /^[0-9a-f]{64}$/;
/** Older than this, a temp file's writer is gone (a write takes well under a second). */
const STALE_TEMP_MS = 10 * 60_000;

export class ProfileCache {
  readonly workspaceRoot: string;
  private readonly profilesDir: string;
  private readonly indexPath: string;

  /** `cacheDir` is the `.mllab` folder; the workspace folder is its parent. */
  constructor(
    readonly cacheDir: string,
    private readonly fs: StoreFs = nodeStoreFs,
  ) {
    this.workspaceRoot = dirname(cacheDir);
    this.profilesDir = join(cacheDir, 'profiles');
    this.indexPath = join(this.profilesDir, 'index.json');
  }

  /** The cached profile of the file as it is now, or null. Never throws. */
  async lookup(path: string, options: ProfileOptions): Promise<DatasetProfile | null> {
    try {
      const key = this.relativeKey(path);
      if (key === null) return null;
      const stat = await this.fs.stat(path);
      if (!stat.isFile()) return null;
      const recorded = (await this.readIndex()).entries[key];
      if (!recorded || recorded.size !== stat.size) return null;

      const sameMtime = recorded.mtimeMs === stat.mtimeMs;
      const sha256 = sameMtime ? recorded.sha256 : await hashFile(this.fs, path);
      const entry = await this.readEntry(sha256);
      if (!entry || !sameOptions(entry.options, optionsKey(options))) return null;

      if (!sameMtime) {
        // Remember the new mtime so the next lookup takes the fast path; losing this write costs only a re-hash.
        await this.writeIndexEntry(key, { size: stat.size, mtimeMs: stat.mtimeMs, sha256 }).catch(() => undefined);
      }
      return { ...entry.profile, preview: false, file: { path, size: stat.size, mtimeMs: stat.mtimeMs } };
    } catch {
      return null;
    }
  }

  /** The content hash the index holds for the file as it is now (same size and mtime), or null. Reads no data. */
  async knownHash(path: string): Promise<string | null> {
    try {
      const key = this.relativeKey(path);
      if (key === null) return null;
      const stat = await this.fs.stat(path);
      const recorded = (await this.readIndex()).entries[key];
      return recorded && recorded.size === stat.size && recorded.mtimeMs === stat.mtimeMs ? recorded.sha256 : null;
    } catch {
      return null;
    }
  }

  /**
   * Can entries be written here? Creates the profiles folder and writes (then removes) a probe file, so a
   * read-only workspace is known at once, before the slow part of storing (hashing the file) starts.
   */
  async checkWritable(): Promise<{ writable: true } | { writable: false; message: string }> {
    try {
      await this.fs.mkdir(this.profilesDir, { recursive: true });
      const probe = join(this.profilesDir, `.probe-${process.pid}-${Date.now()}.tmp`);
      await this.fs.writeFile(probe, '');
      await this.fs.unlink(probe);
      return { writable: true };
    } catch (e) {
      return { writable: false, message: this.unwritableMessage(e) };
    }
  }

  /**
   * Store a full profile of `path`. Hashes the file, so call it after profiling, off the UI thread.
   * `knownSha256`: the caller hashed these exact bytes already (Apply did, before profiling); the size and
   * mtime checks still guard against a change since.
   */
  async store(path: string, profile: DatasetProfile, options: ProfileOptions, knownSha256?: string): Promise<StoreOutcome> {
    const key = this.relativeKey(path);
    if (key === null) return { stored: false, reason: 'outsideWorkspace', message: `${path} is outside ${this.workspaceRoot}.` };
    const changed: StoreOutcome = { stored: false, reason: 'fileChanged', message: 'The file changed while it was profiled; the report was not cached.' };
    try {
      const before = await this.fs.stat(path);
      if (before.size !== profile.file.size || before.mtimeMs !== profile.file.mtimeMs) return changed;
      const sha256 = knownSha256 !== undefined && SHA256.test(knownSha256) ? knownSha256 : await hashFile(this.fs, path);
      const after = await this.fs.stat(path);
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) return changed;

      const identity: IndexEntry = { size: before.size, mtimeMs: before.mtimeMs, sha256 };
      const entry: CacheEntry = {
        schemaVersion: PROFILE_CACHE_SCHEMA_VERSION,
        file: { path: key, ...identity },
        options: optionsKey(options),
        profile: { ...profile, preview: false },
      };
      await this.fs.mkdir(this.profilesDir, { recursive: true });
      await this.removeStaleTempFiles();
      await writeFileAtomic(this.fs, join(this.profilesDir, `${sha256}.json`), stableStringify(entry, 0));
      await this.writeIndexEntry(key, identity);
      return { stored: true, sha256 };
    } catch (e) {
      return { stored: false, reason: 'unwritable', message: this.unwritableMessage(e) };
    }
  }

  /** A writer killed between write and rename leaves a temp file; sweep the ones nobody can still be writing. */
  private async removeStaleTempFiles(): Promise<void> {
    const names = await this.fs.readdir(this.profilesDir).catch(() => [] as string[]);
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of names) {
      if (!name.endsWith('.tmp')) continue;
      const path = join(this.profilesDir, name);
      const st = await this.fs.stat(path).catch(() => null);
      if (st && st.mtimeMs < cutoff) await this.fs.unlink(path).catch(() => undefined);
    }
  }

  private unwritableMessage(e: unknown): string {
    return `The report was not cached: ${this.cacheDir} is not writable (${errorText(e)}).`;
  }

  /** Workspace-relative path with forward slashes, or null for a file outside the workspace folder. */
  private relativeKey(path: string): string | null {
    const rel = relative(this.workspaceRoot, path);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
    return rel.split(sep).join('/');
  }

  private async readIndex(): Promise<ProfileIndex> {
    const empty: ProfileIndex = { schemaVersion: PROFILE_CACHE_SCHEMA_VERSION, entries: {} };
    let parsed: unknown;
    try {
      parsed = JSON.parse(await this.fs.readFile(this.indexPath, 'utf8'));
    } catch {
      return empty;
    }
    if (!isRecord(parsed) || parsed.schemaVersion !== PROFILE_CACHE_SCHEMA_VERSION || !isRecord(parsed.entries)) return empty;
    const entries: Record<string, IndexEntry> = {};
    for (const [key, value] of Object.entries(parsed.entries)) {
      if (isIndexEntry(value)) entries[key] = value;
    }
    return { schemaVersion: PROFILE_CACHE_SCHEMA_VERSION, entries };
  }

  private async writeIndexEntry(key: string, entry: IndexEntry): Promise<void> {
    const index = await this.readIndex();
    index.entries[key] = entry;
    await this.fs.mkdir(this.profilesDir, { recursive: true });
    await writeFileAtomic(this.fs, this.indexPath, stableStringify(index));
  }

  private async readEntry(sha256: string): Promise<CacheEntry | null> {
    // The hash names a file: never let a hand-edited index point outside the profiles folder.
    if (!SHA256.test(sha256)) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(await this.fs.readFile(join(this.profilesDir, `${sha256}.json`), 'utf8'));
    } catch {
      return null;
    }
    if (!isRecord(parsed) || parsed.schemaVersion !== PROFILE_CACHE_SCHEMA_VERSION) return null;
    const { file, options, profile } = parsed;
    if (!isRecord(file) || file.sha256 !== sha256) return null;
    if (!isRecord(options) || !Array.isArray(options.missingTokens)) return null;
    if (!isRecord(profile) || profile.schemaVersion !== PROFILE_SCHEMA_VERSION || !Array.isArray(profile.columns)) return null;
    return parsed as unknown as CacheEntry;
  }
}

/**
 * sha256 of a file. With a signal it stops at the next chunk on cancel: hashing a GB takes seconds, longer
 * than the host waits for a cancelled request before it replaces the worker.
 */
export async function hashFile(fs: StoreFs, path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.readChunks(path)) {
    if (signal?.aborted) throw cancelled();
    hash.update(chunk);
  }
  return hash.digest('hex');
}

function optionsKey(options: ProfileOptions): OptionsKey {
  // Missing tokens are a set; the empty field is always missing, so it does not distinguish anything.
  const tokens = [...new Set(options.missingTokens.filter((t) => t !== ''))].sort();
  return { missingTokens: tokens, delimiter: options.delimiter ?? null };
}

function sameOptions(a: OptionsKey, b: OptionsKey): boolean {
  return a.delimiter === b.delimiter && a.missingTokens.length === b.missingTokens.length && a.missingTokens.every((t, i) => t === b.missingTokens[i]);
}


function isIndexEntry(v: unknown): v is IndexEntry {
  return isRecord(v) && typeof v.size === 'number' && typeof v.mtimeMs === 'number' && typeof v.sha256 === 'string';
}

function errorText(e: unknown): string {
  if (isRecord(e) && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.message : String(e);
}
