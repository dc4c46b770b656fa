// `mllab serve`: one stdout line when ready, a deployment record (running, then stopped), the log in the
// deployment's folder; SIGTERM to a real process is a graceful stop. Plus the registry and its stats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { runServe } from '../../../src/cli/serveCommand.js';
import { DeploymentStore, deploymentStats } from '../../../src/core/store/deployments.js';
import type { DeploymentRecord } from '../../../src/protocol/deploy.js';
import { trainedModel } from './trainedModel.js';

let workspace: string;
let modelPath: string;
before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'mllab-serve-cli-'));
  mkdirSync(join(workspace, '.mllab'));
  const csv = join(workspace, 'train.csv');
  const lines = ['a,b,label'];
  for (let i = 0; i < 40; i++) lines.push(`${((i * 13) % 17) + 0.5},${(i * 7) % 10},${(i * 13) % 17 < 8 ? 'no' : 'yes'}`);
  writeFileSync(csv, lines.join('\n') + '\n');
  modelPath = (await trainedModel(workspace, csv, 'label')).path;
});
after(() => rmSync(workspace, { recursive: true, force: true }));

function capture(): { stream: PassThrough; text: () => string; line: Promise<string> } {
  const stream = new PassThrough();
  let text = '';
  const line = new Promise<string>((resolveLine) =>
    stream.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl >= 0) resolveLine(text.slice(0, nl));
    }),
  );
  return { stream, text: () => text, line };
}

test('serve prints one listening line, records the deployment, logs, and stops on the signal', async () => {
  const stdout = capture();
  const stderr = capture();
  const controller = new AbortController();
  const exit = runServe(['best.json', '--port', '0', '--deployment', 'dep-a'], { stdout: stdout.stream, stderr: stderr.stream, env: {}, signal: controller.signal }, workspace);
  const line = await stdout.line;
  const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line);
  assert.ok(m, line);
  const store = new DeploymentStore(workspace);
  const running = await store.get('dep-a');
  assert.equal(running?.stopped, null);
  assert.equal(running?.kind, 'served');
  assert.equal(running?.location, m[1]);
  assert.equal(running?.model, resolve(modelPath));
  assert.equal(running?.pid, process.pid);
  assert.equal(running?.logDir, join(workspace, '.mllab', 'deployments', 'dep-a'));
  const reply = await fetch(`${m[1]}/predict`, { method: 'POST', body: JSON.stringify({ rows: [{ a: 3, b: 1 }, { a: 30, b: 2 }] }) });
  assert.equal(reply.status, 200);
  // The editor records a drift check on the running deployment: stopping must keep it.
  const lastDrift = { checked: '2026-01-02T03:04:05.000Z', drifted: true, report: join(workspace, 'drift.json') };
  await store.write({ ...running!, lastDrift });
  controller.abort();
  assert.equal(await exit, 0);
  assert.equal(stdout.text(), `${line}\n`, 'stdout holds the one line only');
  const stopped = await store.get('dep-a');
  assert.ok(stopped?.stopped && !Number.isNaN(Date.parse(stopped.stopped)));
  assert.deepEqual(stopped.lastDrift, lastDrift);
  const stats = await deploymentStats(stopped, 3600);
  assert.equal(stats.requests, 1);
  assert.equal(stats.errorRate, 0);
  assert.ok(stats.lastRequest !== null);
  assert.deepEqual((await store.list()).map((r) => r.id), ['dep-a']);
});

test('usage errors: no model, a bad port, a bad deployment id', async () => {
  const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: {} };
  await assert.rejects(runServe([], io, workspace), /serve needs one MODEL/);
  await assert.rejects(runServe(['best.json', '--port', '70000'], io, workspace), /--port must be a whole number from 0 to 65535/);
  await assert.rejects(runServe(['best.json', '--deployment', '../x'], io, workspace), /not a usable deployment id/);
});

test('SIGTERM to a serving process: graceful stop, exit 0, record stopped', async () => {
  const cli = pathToFileURL(resolve('src/cli/serveCommand.ts')).href;
  const script = `import(${JSON.stringify(cli)}).then(async (m) => { process.exitCode = await (m.runServe ?? m.default.runServe)(['best.json', '--port', '0', '--deployment', 'dep-term'], { stdout: process.stdout, stderr: process.stderr, env: process.env }, ${JSON.stringify(workspace)}); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (\S+)\n/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
    child.on('exit', () => reject(new Error(`exited early: ${err}`)));
  });
  assert.equal((await fetch(`${url}/health`)).status, 200);
  child.kill('SIGTERM');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, err);
  assert.match(err, /stopped/);
  const record = JSON.parse(readFileSync(join(workspace, '.mllab', 'deployments', 'dep-term.json'), 'utf8')) as DeploymentRecord;
  assert.ok(record.stopped !== null);
  assert.equal(record.location, url);
});

test('deploymentStats: rate, error rate and nearest-rank percentiles over the window, across rotated files', async () => {
  const logDir = join(workspace, 'stats-log');
  mkdirSync(logDir);
  const now = Date.UTC(2026, 10, 28, 10, 0, 0);
  const at = (secondsAgo: number): string => new Date(now - secondsAgo * 1000).toISOString();
  const line = (secondsAgo: number, status: number, ms: number): string => JSON.stringify({ t: at(secondsAgo), status, ms }) + '\n';
  // Older file: one line inside the 60 s window, one outside. Current file: 8 lines, one 400, and a torn tail.
  writeFileSync(join(logDir, 'predictions.1.jsonl'), line(120, 200, 100) + line(59, 200, 9));
  writeFileSync(join(logDir, 'predictions.jsonl'), [1, 2, 3, 4, 5, 6, 7].map((k) => line(50 - k, 200, k)).join('') + line(1, 400, 0.5) + '{"t":"2026-11-28T09:59:59');
  const record: DeploymentRecord = {
    schemaVersion: 1, id: 'dep-s', kind: 'served', experimentId: null, model: '/m.json', location: 'http://127.0.0.1:1',
    created: at(3600), stopped: null, pid: null, logDir, lastDrift: null,
  };
  const stats = await deploymentStats(record, 60, now);
  // In the window: 9 requests (ms 9, 1..7, 0.5), one of them an error.
  assert.equal(stats.requests, 9);
  assert.equal(stats.requestsPerSecond, 9 / 60);
  assert.equal(stats.errorRate, 1 / 9);
  // Sorted ms: 0.5 1 2 3 4 5 6 7 9 → p50 = 5th = 4, p99 = 9th = 9.
  assert.equal(stats.p50Ms, 4);
  assert.equal(stats.p99Ms, 9);
  assert.equal(stats.lastRequest, at(1));
  // A deployment younger than the window divides by its age.
  const young = await deploymentStats({ ...record, created: at(30) }, 60, now);
  assert.equal(young.requestsPerSecond, 9 / 30);
  assert.deepEqual(await deploymentStats({ ...record, logDir: null }, 60, now), { windowSeconds: 60, requests: 0, requestsPerSecond: 0, errorRate: 0, p50Ms: null, p99Ms: null, lastRequest: null });
});
