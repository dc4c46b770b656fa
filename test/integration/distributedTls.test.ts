// rediss:// end to end: a redis-server speaking only TLS (certificates made here with openssl, the CA given
// to Node by NODE_EXTRA_CA_CERTS), one `mllab worker` and a sweep with --backend redis over it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisServerAvailable } from '../support/redisServer.js';
import { builtFile } from './builtFiles.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const skip = !redisServerAvailable() ? 'redis-server is not installed' : !hasOpenssl ? 'openssl is not installed' : false;
const children = new Set<ChildProcess>();
let dir: string | null = null;

after(() => {
  for (const c of children) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function openssl(cwd: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

test('a sweep over rediss:// (TLS) with a worker', { skip, timeout: 120_000 }, async () => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-tls-'));
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=mllab-test-ca']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf']);
  const port = await freePort();
  const server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key', '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir, stdio: 'ignore' });
  children.add(server);
  await sleep(300);

  const data = join(dir, 'train.csv');
  const rows = ['a,b,y'];
  for (let i = 0; i < 60; i++) rows.push(`${i % 7},${(i * 13) % 11},${i % 7 > 3 ? 'p' : 'q'}`);
  writeFileSync(data, rows.join('\n') + '\n');
  const url = `rediss://127.0.0.1:${port}`;
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.crt') };
  const worker = spawn(process.execPath, [builtFile('cli.js'), 'worker', '--redis', url, '--name', 'tls-worker', '--cache', join(dir, 'cache')], { env, stdio: 'ignore' });
  children.add(worker);

  let stdout = '';
  let stderr = '';
  const sweep = spawn(process.execPath, [builtFile('cli.js'), 'sweep', data, '--target', 'y', '--trials', '3', '--models', 'naiveBayes,knn', '--folds', '3', '--backend', 'redis', '--redis', url], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(sweep);
  sweep.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  sweep.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const [code] = (await once(sweep, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  const { experimentId } = JSON.parse(stdout.trim().split('\n').pop()!) as { experimentId: string };
  const trials = readFileSync(join(dir, '.mllab', 'experiments', experimentId, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { worker?: string });
  assert.equal(trials.length, 3);
  assert.ok(trials.every((t) => t.worker === 'tls-worker'));
  // No --parallel: one trial at a time, what the fleet (one worker, concurrency 1) runs, not this machine's cores.
  const record = JSON.parse(readFileSync(join(dir, '.mllab', 'experiments', experimentId, 'experiment.json'), 'utf8')) as { config: { parallel: number } };
  assert.equal(record.config.parallel, 1);
  worker.kill('SIGKILL');
  server.kill('SIGKILL');
});
