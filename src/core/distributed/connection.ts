// Redis connections of the coordinator and the workers. ioredis reads redis:// and rediss:// (TLS) URLs,
// user and password included; a password given apart (MLLAB_REDIS_PASSWORD, VS Code's SecretStorage) wins.
// Commands wait through an outage (no retry limit): a restarted Redis is reconnected to, not an error.
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'bullmq';
import { checkRedisUrl } from './redisUrl.js';

export interface RedisTarget {
  url: string;
  password?: string;
}

/** Options for every client: retry forever with a short back-off; no per-command retry limit (BullMQ needs it). */
export function redisOptions(target: RedisTarget): RedisOptions {
  return {
    ...(target.password ? { password: target.password } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

/** The connection BullMQ builds its clients from (it duplicates it per blocking client). */
export function bullConnection(target: RedisTarget): ConnectionOptions {
  checkRedisUrl(target.url);
  return {
    url: target.url,
    ...(target.password ? { password: target.password } : {}),
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

export function redisClient(target: RedisTarget): Redis {
  checkRedisUrl(target.url);
  const client = new Redis(target.url, redisOptions(target));
  // Errors while reconnecting are retried; without a listener ioredis would print each one.
  client.on('error', () => undefined);
  return client;
}

export { checkRedisUrl, redactedUrl } from './redisUrl.js';
