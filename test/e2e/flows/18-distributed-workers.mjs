/* global document, getComputedStyle -- the frame.evaluate callbacks run in the webview, not in Node */
// Flow 18: a distributed sweep from the editor. A password-protected redis-server on 127.0.0.1 and two
// `mllab worker` processes (e2e-a, e2e-b; the password from MLLAB_REDIS_PASSWORD) make the fleet; the
// workspace's .vscode/settings.json sets mllab.sweep.backend "redis" and the URL (no password). ML Lab: Set
// Redis Password (typed into its password box) → the Workers view lists both workers with their host →
// Start AutoML Sweep (penguins, 8 trials) → the Sweep panel shows a Worker column naming e2e-a/e2e-b → the
// "finished" notification → experiment.json done, every trials.jsonl line has its worker, each index once,
// both workers took trials; the password is nowhere in settings.json (workspace or user) or under .mllab.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../../scripts/code-server.mjs';
import { openWorkbench, runFromPalette, snap, waitFor } from '../workbench.mjs';
import { PENGUINS, addPenguins, openExperimentsView, readExperiment, startSweepFromPalette, sweepFrame, toast } from '../sweep.mjs';

const PASSWORD = 'e2e-fleet-Pw-7f3c91';
const WORKERS = ['e2e-a', 'e2e-b'];
const TRIALS = 8;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** AUTH + PING over plain RESP (the flow is .mjs and cannot load test/support/redisServer.ts). */
function pingRedis(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write(`*2\r\n$4\r\nAUTH\r\n$${Buffer.byteLength(PASSWORD)}\r\n${PASSWORD}\r\n*1\r\n$4\r\nPING\r\n`));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('+PONG')) done(true);
      else if (data.startsWith('-') || data.includes('\r\n-')) done(false);
    });
  });
}

/** A child process and a stop() that takes it down (SIGTERM, then SIGKILL after 5 s). */
function managed(child, what) {
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  return {
    child,
    what,
    output: () => output,
    alive: () => child.exitCode === null && child.signalCode === null,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Debian's redis-server (as test/support/redisServer.ts starts it): loopback, free port, no persistence, a password. */
async function startRedis(dir) {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning', '--requirepass', PASSWORD];
    const proc = managed(spawn(process.env.MLLAB_REDIS_SERVER ?? 'redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }), 'redis-server');
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && proc.alive()) {
      if (await pingRedis(port)) return { port, ...proc };
      await sleep(100);
    }
    await proc.stop();
  }
  throw new Error('redis-server did not start (is Debian redis-server installed?)');
}

/**
 * The built CLI, copied away first (as bench/distributed does): someone rebuilding dist/ mid-flow must not
 * swap the workers' code.
 */
function snapshotCli(dir) {
  const dist = join(repoRoot, 'dist');
  if (!existsSync(join(dist, 'cli.js'))) throw new Error('dist/cli.js missing: npm run build first');
  rmSync(dir, { recursive: true, force: true });
  cpSync(dist, join(dir, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.includes('webview') });
  return join(dir, 'dist', 'cli.js');
}

/** Every file under dir (recursive). */
function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The Workers pane of the ML Lab container (the fourth view, collapsed by default). */
function workersPane(page) {
  return page.locator('.pane').filter({ has: page.locator('.pane-header').filter({ hasText: /^\s*Workers/i }) }).first();
}

export const flow = {
  name: 'distributed sweep: Redis with a password, two mllab workers, Set Redis Password → Workers view → sweep with a Worker column; password stays secret',
  trust: false,
  // Two CLI workers, a Redis and a sweep on top of the usual code-server start.
  budgetMs: 5 * 60_000,
  prepare(workspace) {
    addPenguins(workspace);
  },
  async run({ page, url, workspace, shots, note, server }) {
    const runDir = join(dirname(workspace), 'fleet');
    const started = [];
    try {
      const redis = await startRedis(join(runDir, 'redis'));
      started.push(redis);
      const redisUrl = `redis://127.0.0.1:${redis.port}`;
      const cli = snapshotCli(join(runDir, 'cli'));
      for (const name of WORKERS) {
        const child = spawn(process.execPath, [cli, 'worker', '--redis', redisUrl, '--name', name, '--cache', join(runDir, 'cache', name)], {
          cwd: runDir,
          env: { ...process.env, MLLAB_REDIS_PASSWORD: PASSWORD },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        started.push(managed(child, `worker ${name}`));
      }

      // The workspace's settings: the backend and the URL, no password (the workbench reads them on open).
      mkdirSync(join(workspace, '.vscode'), { recursive: true });
      const settingsPath = join(workspace, '.vscode', 'settings.json');
      writeFileSync(settingsPath, `${JSON.stringify({ 'mllab.sweep.backend': 'redis', 'mllab.sweep.redisUrl': redisUrl }, null, 2)}\n`);

      await openWorkbench(page, url);
      for (const w of started) if (!w.alive()) throw new Error(`${w.what} exited: ${w.output().trim()}`);

      // The password goes into the secret storage through the command's password box.
      await runFromPalette(page, 'ML Lab: Set Redis Password');
      const input = page.locator('.quick-input-widget input').first();
      // The palette's own box turns into the command's password box (it hides what is typed).
      await waitFor('the password box', async () => (await input.getAttribute('type')) === 'password' && /Redis/.test(await page.locator('.quick-input-widget').first().innerText()), { timeoutMs: 15_000, intervalMs: 200 });
      await input.pressSequentially(PASSWORD, { delay: 10 });
      await page.keyboard.press('Enter');
      await toast(page, /Redis password saved/).waitFor({ state: 'visible', timeout: 15_000 });

      // The Workers view: both workers, with their host.
      await openExperimentsView(page);
      const pane = workersPane(page);
      await pane.waitFor({ state: 'visible', timeout: 30_000 });
      if ((await pane.locator('.pane-header').first().getAttribute('aria-expanded')) !== 'true') await pane.locator('.pane-header').first().click();
      const workerRow = (name) => pane.locator('.monaco-list-row').filter({ hasText: name }).first();
      const description = async (name) => (await workerRow(name).locator('.label-description').first().innerText()).trim();
      const t0 = Date.now();
      await waitFor('both workers in the Workers view', async () => (await workerRow(WORKERS[0]).count()) > 0 && (await workerRow(WORKERS[1]).count()) > 0, { timeoutMs: 45_000, intervalMs: 500 });
      const host = hostname();
      const rowTexts = [];
      for (const name of WORKERS) {
        const text = await description(name);
        assert.ok(text.startsWith(`${host} · `), `the ${name} row names the host ${host}: "${text}"`);
        assert.match(text, / · heartbeat (just now|\d+ s ago)$/, `the ${name} row shows a fresh heartbeat: "${text}"`);
        rowTexts.push(`${name}: ${text}`);
      }
      note(`Workers view listed both ${((Date.now() - t0) / 1000).toFixed(1)} s after it opened: ${rowTexts.map((t) => `"${t}"`).join(', ')}`);
      await snap(page, shots, '18-distributed-01-workers');

      // The sweep on the fleet: the Sweep panel's Worker column names the workers.
      await startSweepFromPalette(page, { dataset: PENGUINS.file, target: PENGUINS.target, trials: TRIALS });
      const sweepStarted = Date.now();
      const item = page.locator('.statusbar-item').filter({ hasText: /Sweep/ }).first();
      const viaStatusBar = await item.waitFor({ state: 'visible', timeout: 20_000 }).then(() => true, () => false);
      if (viaStatusBar) await item.click();
      else await runFromPalette(page, 'ML Lab: Open Sweep Panel');
      const frame = await waitFor('the Sweep panel to render', () => sweepFrame(page), { timeoutMs: 60_000, intervalMs: 250 });
      const workerCells = () =>
        frame.evaluate(() => ({
          shown: document.querySelector('table.trials')?.classList.contains('with-worker') ?? false,
          header: [...document.querySelectorAll('table.trials thead th')].map((th) => th.textContent?.trim() ?? ''),
          cells: [...document.querySelectorAll('table.trials tbody tr')].map((tr) => ({
            index: tr.querySelector('td.col-index')?.textContent?.trim() ?? '',
            worker: tr.querySelector('td.col-worker')?.textContent?.trim() ?? '',
            visible: (() => {
              const td = tr.querySelector('td.col-worker');
              return td !== null && getComputedStyle(td).display !== 'none';
            })(),
          })),
        }));
      const live = await waitFor('trials with a Worker in the Sweep panel', async () => {
        const v = await workerCells();
        return v.shown && v.cells.some((c) => c.worker !== '') ? v : null;
      }, { timeoutMs: 90_000, intervalMs: 300 });
      assert.ok(live.header.includes('Worker'), `the table has a Worker header: ${live.header.join(' | ')}`);
      note(`Worker column shown ${((Date.now() - sweepStarted) / 1000).toFixed(1)} s after Start Sweep`);
      await snap(page, shots, '18-distributed-02-panel-live');

      await toast(page, /AutoML sweep on .*finished/).waitFor({ state: 'visible', timeout: 150_000 });
      note(`"finished" notification ${((Date.now() - sweepStarted) / 1000).toFixed(1)} s after Start Sweep`);
      const x = await waitFor('experiment.json done', () => {
        const e = readExperiment(workspace);
        return e && e.record.status === 'done' ? e : null;
      }, { timeoutMs: 15_000 });
      const shown = await waitFor('every finished row of the panel to name its worker', async () => {
        const v = await workerCells();
        return v.cells.length >= x.trials.length && v.cells.every((c) => c.worker !== '' && c.visible) ? v : null;
      }, { timeoutMs: 15_000, intervalMs: 300 });
      await snap(page, shots, '18-distributed-03-panel-done');

      // The store: each trial once, each with its worker, and the panel says the same.
      assert.equal(x.trials.length, TRIALS, `${x.trials.length} trials in trials.jsonl`);
      assert.equal(x.record.trials, TRIALS);
      assert.deepEqual(x.trials.map((t) => t.index).sort((a, b) => a - b), [...Array(TRIALS).keys()].map((i) => i + Math.min(...x.trials.map((t) => t.index))), 'each trial index once, no gap');
      for (const t of x.trials) assert.ok(WORKERS.includes(t.worker), `trial #${t.index} ran on a fleet worker (worker: ${JSON.stringify(t.worker)})`);
      const byWorker = Object.fromEntries(WORKERS.map((w) => [w, x.trials.filter((t) => t.worker === w).length]));
      assert.ok(WORKERS.every((w) => byWorker[w] > 0), `both workers took trials: ${JSON.stringify(byWorker)}`);
      const panelWorkers = Object.fromEntries(shown.cells.map((c) => [c.index.replace(/^#/, ''), c.worker]));
      for (const t of x.trials) assert.equal(panelWorkers[String(t.index)], t.worker, `the panel's Worker for trial #${t.index}`);
      note(`${x.id}: ${x.trials.length} trials, ${WORKERS.map((w) => `${w} ${byWorker[w]}`).join(', ')}; best ${x.record.metric} ${x.record.bestScore}`);

      // The password stays in the secret storage: not in either settings.json, not in any file of the store.
      const places = [settingsPath, join(server.userDataDir, 'User', 'settings.json'), ...filesUnder(join(workspace, '.mllab'))].filter((p) => existsSync(p));
      for (const p of places) assert.ok(!readFileSync(p).includes(PASSWORD), `the password is written in ${p}`);
      const settingsNow = JSON.parse(readFileSync(settingsPath, 'utf8'));
      assert.equal(settingsNow['mllab.sweep.redisUrl'], redisUrl, 'the URL in settings.json is still the one without a password');
      note(`password in none of ${places.length} files (settings.json ×2, .mllab)`);

      // The workers' rows count their trials now (the ML Lab side bar may still be open: a click on its icon would close it).
      if (!(await pane.isVisible())) await openExperimentsView(page);
      await waitFor('the Workers view to count the trials done', async () => {
        const texts = await Promise.all(WORKERS.map((w) => description(w).catch(() => '')));
        return WORKERS.every((w, i) => texts[i].includes(` · ${byWorker[w]} done · `));
      }, { timeoutMs: 20_000, intervalMs: 500 });
      await snap(page, shots, '18-distributed-04-workers-done');
    } finally {
      for (const p of started.reverse()) await p.stop();
    }
  },
};
