// Redis URLs checked and shown without their password. Apart from connection.ts so that the CLI can parse
// its arguments without loading ioredis and BullMQ (about 20 MiB of memory in every command otherwise).
import { UserError } from '../errors.js';

export function checkRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError('BAD_ARGUMENT', `Not a Redis URL: "${url}" (expected redis://host:port or rediss://host:port).`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new UserError('BAD_ARGUMENT', `Not a Redis URL: "${url}" (expected redis://host:port or rediss://host:port).`);
}

/** Redis URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
