// A private redis-server for a test or a bench: its own process on 127.0.0.1, a free port, a temp dir, no
// persistence, so tests never touch a system Redis and never see each other's keys. Debian's `redis-server`
// (.ci/run installs it); MLLAB_REDIS_SERVER names another binary.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  port: number;
  password: string | undefined;
  stop(): Promise<void>;
  /** Stops and starts again on the same port (an empty database: nothing is persisted). */
  restart(): Promise<void>;
}

export interface RedisServerOptions {
  password?: string;
}

const binary = (): string => process.env.MLLAB_REDIS_SERVER ?? 'redis-server';

export function redisServerAvailable(): boolean {
  const r = spawnSync(binary(), ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

// Children still running when the test process exits (a failed test that never called stop) are killed, so
// no redis-server outlives the run.
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port from the OS');
  return address.port;
}

function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/**
 * Sends commands on one connection and returns each reply's first line (`+PONG`, `-NOAUTH …`, `:1`, `$5`).
 * Enough for readiness checks and simple tests without a Redis client library.
 */
export async function redisCommands(port: number, commands: readonly (readonly string[])[], timeoutMs = 2000): Promise<string[]> {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setTimeout(timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
      socket.once('timeout', () => reject(new Error('connect timed out')));
    });
    socket.write(commands.map(encodeCommand).join(''));
    const replies: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        // Only status, error and integer replies are expected here: one line each.
        let nl: number;
        while ((nl = buffered.indexOf('\r\n')) >= 0) {
          replies.push(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 2);
        }
        if (replies.length >= commands.length) resolve();
      });
      socket.once('error', reject);
      socket.once('timeout', () => reject(new Error('no reply in time')));
      socket.once('close', () => reject(new Error(`connection closed after ${replies.length} replies`)));
    });
    return replies.slice(0, commands.length);
  } finally {
    socket.destroy();
  }
}

async function ping(port: number, password: string | undefined): Promise<boolean> {
  try {
    const cmds: string[][] = password === undefined ? [['PING']] : [['AUTH', password], ['PING']];
    const replies = await redisCommands(port, cmds, 1000);
    return replies[replies.length - 1] === '+PONG';
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const password = options.password;
  if (password !== undefined && password.length === 0) throw new Error('startRedis: an empty password is no password; omit it');
  const dir = mkdtempSync(join(tmpdir(), 'mllab-redis-'));
  let child: ChildProcess | null = null;
  let port = 0;

  const launch = async (onPort: number): Promise<void> => {
    const args = ['--bind', '127.0.0.1', '--port', String(onPort), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'];
    if (password !== undefined) args.push('--requirepass', password);
    const proc = spawn(binary(), args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(proc);
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    let exited: string | null = null;
    proc.once('error', (err) => {
      exited = err.message;
    });
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      exited ??= `exit ${code ?? signal}`;
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`redis-server did not start (${exited}) on port ${onPort}: ${output.trim() || '(no output)'}`);
      if (await ping(onPort, password)) {
        child = proc;
        return;
      }
      await sleep(50);
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server on port ${onPort} did not answer PING within 15 s: ${output.trim() || '(no output)'}`);
  };

  const halt = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  // A free port can be taken between asking the OS and redis binding it: try a few.
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 5 && child === null; attempt++) {
    try {
      port = await freePort();
      await launch(port);
    } catch (err) {
      lastError = err;
      if (err instanceof Error && /ENOENT/.test(err.message)) break;
    }
  }
  if (child === null) {
    rmSync(dir, { recursive: true, force: true });
    const why = lastError instanceof Error ? lastError.message : String(lastError);
    throw new Error(/ENOENT/.test(why) ? `${binary()} not found: install it (apt-get install redis-server)` : why);
  }

  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    password,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await halt();
      await launch(port);
    },
  };
}
