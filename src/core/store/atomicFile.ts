// Files under `.mllab/` are written whole or not at all: a crash or a full disk mid-write must never leave
// a truncated JSON that a later run would trip over. Write a temp file beside the target, then rename it
// over the target (atomic on one file system); remove the temp file when anything fails.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { diskFullError } from '../errors.js';

/** The file-system calls the store makes, so tests can inject failures (tests run as root: chmod proves nothing). */
export interface StoreFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  unlink(path: string): Promise<void>;
  stat(path: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean }>;
  readdir(path: string): Promise<string[]>;
  readChunks(path: string): AsyncIterable<Buffer>;
}

export const nodeStoreFs: StoreFs = {
  readFile: (path, encoding) => fsp.readFile(path, encoding),
  writeFile: (path, data) => fsp.writeFile(path, data, 'utf8'),
  rename: (from, to) => fsp.rename(from, to),
  mkdir: (path, options) => fsp.mkdir(path, options),
  unlink: (path) => fsp.unlink(path),
  stat: (path) => fsp.stat(path),
  readdir: (path) => fsp.readdir(path),
  readChunks: (path) => createReadStream(path, { highWaterMark: 1 << 20 }),
};

export async function writeFileAtomic(fs: StoreFs, path: string, data: string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, path);
  } catch (e) {
    await fs.unlink(temp).catch(() => undefined);
    // Named by the file the user knows, not the temp file (which is gone).
    throw diskFullError(e, path) ?? e;
  }
}

/** JSON with object keys sorted at every level, so the same value always gives the same bytes. */
export function stableStringify(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent) + '\n';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}
