// Distributed sweeps as the editor sees them: the `mllab.sweep.backend` and `mllab.sweep.redisUrl` settings
// checked (settings.json is hand-edited and plain text, so a password in the URL is refused: it belongs in
// SecretStorage), and what a sweep request or the Workers view gets from them. No `vscode` import: tested
// in plain Node; settings.ts reads the raw values.
import type { SweepBackend } from '../protocol/distributed.js';
import type { SweepRequestConfig } from '../protocol/worker.js';

export const SET_PASSWORD_TITLE = 'ML Lab: Set Redis Password';

export interface SweepBackendSettings {
  backend: SweepBackend;
  /** The Redis URL as written (trimmed); null when unset or empty. */
  redisUrl: string | null;
  /** One line for the user when redisUrl (or offerHost) cannot be used; null when it can (or is unset). */
  problem: string | null;
  /** Where the dataset is offered to workers on other machines; null = loopback only (the runner's default). */
  offerHost: string | null;
}

/** Why `url` cannot be used as a Redis server address, or null when it can. */
export function redisUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `mllab.sweep.redisUrl "${url}" is not a URL; write it as redis://host:port (or rediss://host:port for TLS).`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `mllab.sweep.redisUrl must start with redis:// or rediss:// (TLS), not ${parsed.protocol}//.`;
  }
  if (parsed.hostname === '') return `mllab.sweep.redisUrl "${url}" names no host; write it as redis://host:port.`;
  // Not echoed back: the message would show the secret it warns about.
  if (parsed.password !== '') {
    return `mllab.sweep.redisUrl holds a password, and settings.json is plain text: remove it from the URL and run "${SET_PASSWORD_TITLE}" (the password is kept in the editor's secret storage).`;
  }
  return null;
}

/** The settings from their raw values (anything of a wrong type falls back: 'local', no URL). */
export function parseSweepBackend(backend: unknown, redisUrl: unknown, offerHost?: unknown): SweepBackendSettings {
  const url = typeof redisUrl === 'string' && redisUrl.trim() !== '' ? redisUrl.trim() : null;
  const host = typeof offerHost === 'string' && offerHost.trim() !== '' ? offerHost.trim() : null;
  // An address, not a URL: the server picks the port.
  const hostProblem = host !== null && !/^[A-Za-z0-9.:[\]_-]+$/.test(host) ? `mllab.sweep.offerHost "${host}" is not an address; write an IP or host name such as 10.0.0.5 (no scheme, no port).` : null;
  return {
    backend: backend === 'redis' ? 'redis' : 'local',
    redisUrl: url,
    problem: (url === null ? null : redisUrlProblem(url)) ?? hostProblem,
    offerHost: host,
  };
}

export type DistributedFields = Pick<SweepRequestConfig, 'backend' | 'redisUrl' | 'redisPassword' | 'redisOfferHost'>;

/**
 * What a sweep request adds for the configured backend: nothing for 'local'; backend, URL and password for
 * 'redis'. `error` is one line for the user when a redis sweep cannot start (restricted mode, no or bad URL).
 */
export function distributedFields(settings: SweepBackendSettings, password: string | null, trusted: boolean): { fields: DistributedFields } | { error: string } {
  if (settings.backend === 'local') return { fields: {} };
  // The URL can come from the workspace's own settings: an untrusted folder must not point sweeps (and the
  // dataset they offer) at a server of its choosing.
  if (!trusted) return { error: 'ML Lab: distributed sweeps (mllab.sweep.backend "redis") need a trusted workspace. Trust this workspace, or set mllab.sweep.backend to "local".' };
  if (settings.redisUrl === null) return { error: 'ML Lab: mllab.sweep.backend is "redis" but mllab.sweep.redisUrl is not set. Set it to your server, e.g. redis://127.0.0.1:6379.' };
  if (settings.problem !== null) return { error: `ML Lab: ${settings.problem}` };
  const fields: DistributedFields = { backend: 'redis', redisUrl: settings.redisUrl };
  if (password !== null && password !== '') fields.redisPassword = password;
  if (settings.offerHost !== null) fields.redisOfferHost = settings.offerHost;
  return { fields };
}
