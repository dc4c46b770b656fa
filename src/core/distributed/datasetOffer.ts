// Datasets reach workers by content hash. The coordinator offers its file over HTTP on loopback (a worker on
// another machine reads a shared path, or the coordinator is told to offer on another address); a worker
// tries the shared path, then its cache, then the URL, and trains only on bytes whose sha256 matches.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { DatasetSource } from '../../protocol/distributed.js';
import { nodeStoreFs } from '../store/atomicFile.js';
import { hashFile } from '../store/profileCache.js';

export interface DatasetOffer {
  url: string;
  close(): Promise<void>;
}

/** Serves one file at /datasets/<sha256> (nothing else) on `host` (loopback by default), a free port, read-only. */
export async function offerDataset(file: string, sha256: string, host = '127.0.0.1'): Promise<DatasetOffer> {
  const route = `/datasets/${sha256}`;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Bound to every address: workers reach it by this machine's name.
  const reachable = host === '0.0.0.0' || host === '::' ? hostname() : host;
  const shownHost = reachable.includes(':') ? `[${reachable}]` : reachable;
  return {
    url: `http://${shownHost}:${port}${route}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Files already verified in this process (path + size + mtime → hash): a sweep's jobs all name one file. */
const verified = new Map<string, string>();

async function hashOf(file: string): Promise<string | null> {
  try {
    const s = await stat(file);
    const key = `${file}\0${s.size}\0${s.mtimeMs}`;
    const known = verified.get(key);
    if (known) return known;
    const hash = await hashFile(nodeStoreFs, file);
    verified.set(key, hash);
    return hash;
  } catch {
    return null;
  }
}

/**
 * A local path holding the dataset's exact bytes: the shared path, else the cache (`cacheDir/<sha256><ext>`),
 * else downloaded from the offer URL into the cache. Throws a one-line reason when none has those bytes.
 */
export async function obtainDataset(source: DatasetSource, cacheDir: string): Promise<string> {
  if (source.path && existsSync(source.path) && (await hashOf(source.path)) === source.sha256) return source.path;
  // The extension tells the table loader CSV from TSV.
  const ext = source.path ? path.extname(source.path) || '.csv' : '.csv';
  const cached = path.join(cacheDir, `${source.sha256}${ext}`);
  if (existsSync(cached) && (await hashOf(cached)) === source.sha256) return cached;
  if (!source.url) throw new Error(`the dataset (sha256 ${source.sha256.slice(0, 12)}…) is not at ${source.path ?? 'a shared path'} here and the coordinator offers no URL`);
  const response = await fetch(source.url).catch((e: unknown) => {
    throw new Error(`the dataset could not be fetched from ${source.url}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (!response.ok) throw new Error(`the dataset could not be fetched from ${source.url}: HTTP ${response.status}`);
  const bytes = Buffer.from(await response.arrayBuffer());
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (hash !== source.sha256) throw new Error(`the dataset fetched from ${source.url} has sha256 ${hash.slice(0, 12)}…, expected ${source.sha256.slice(0, 12)}…: not training on it`);
  await mkdir(cacheDir, { recursive: true });
  const partial = `${cached}.${process.pid}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, cached);
  } finally {
    await rm(partial, { force: true });
  }
  return cached;
}
