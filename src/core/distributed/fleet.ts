// The fleet: each worker keeps a heartbeat key (its WorkerInfo as JSON) with a short TTL, refreshed well
// before it expires; a worker that dies disappears from the list within the TTL. The Workers view and the
// CLI read them with listWorkers.
import { REDIS_PREFIX } from '../../protocol/distributed.js';
import type { WorkerInfo } from '../../protocol/distributed.js';
import { redisClient } from './connection.js';
import type { RedisTarget } from './connection.js';
import type { Redis } from 'ioredis';

export const HEARTBEAT_TTL_MS = 15_000;
export const HEARTBEAT_EVERY_MS = 5_000;

export function heartbeatKey(name: string): string {
  return `${REDIS_PREFIX}:workers:${name}`;
}

export async function writeHeartbeat(client: Redis, info: WorkerInfo): Promise<void> {
  await client.set(heartbeatKey(info.name), JSON.stringify(info), 'PX', HEARTBEAT_TTL_MS);
}

export async function removeHeartbeat(client: Redis, name: string): Promise<void> {
  await client.del(heartbeatKey(name));
}

function isWorkerInfo(v: unknown): v is WorkerInfo {
  if (typeof v !== 'object' || v === null) return false;
  const w = v as Record<string, unknown>;
  return typeof w.name === 'string' && typeof w.host === 'string' && typeof w.pid === 'number' && typeof w.protocol === 'number' && Array.isArray(w.running) && typeof w.lastSeen === 'string';
}

/** Live workers (heartbeat not expired), by name. Fails with the connection's error when Redis is unreachable. */
export async function listWorkers(url: string, password?: string, options: { timeoutMs?: number } = {}): Promise<WorkerInfo[]> {
  const target: RedisTarget = { url, ...(password ? { password } : {}) };
  const client = redisClient(target);
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async (): Promise<WorkerInfo[]> => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', heartbeatKey('*'), 'COUNT', 500);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length === 0) return [];
      const values = await client.mget(...keys);
      const out: WorkerInfo[] = [];
      for (const text of values) {
        if (text === null) continue;
        try {
          const parsed: unknown = JSON.parse(text);
          if (isWorkerInfo(parsed)) out.push(parsed);
        } catch {
          // a foreign or torn value: not a worker
        }
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}
