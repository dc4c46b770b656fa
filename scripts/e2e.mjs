// npm run test:e2e — the user flows in a real VS Code: code-server in Debian's Chromium, driven by
// playwright-core. Each flow in test/e2e/flows/ gets a fresh code-server, profile and copy of the workspace.
//
// Usage: node scripts/e2e.mjs [--vsix path] [--no-package] [--update-screenshot] [flow-name-filter ...]
//   --vsix path            test this vsix instead of building one (npm run package)
//   --no-package           reuse dist-vsix/mllab.vsix if it exists
//   --update-screenshot    copy the report screenshot of flow 1 to media/screenshot.png (the README's)
// Artefacts: test-results/e2e/*.png, and per failed flow a folder with console and server logs.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ENGINES, ensureCodeServer, repoRoot, startCodeServer } from './code-server.mjs';

// Flow 15 alone (two code-server starts and a resumed sweep) takes 1.5–2 min of it.
const RUN_BUDGET_MS = 20 * 60_000;
const FLOW_BUDGET_MS = 4 * 60_000;

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i >= 0) argv.splice(i, 1);
  return i >= 0;
};
const option = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return null;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v ?? null;
};
const vsixArg = option('--vsix');
const noPackage = flag('--no-package');
const updateScreenshot = flag('--update-screenshot');
const filters = argv;

const resultsDir = join(repoRoot, 'test-results', 'e2e');
const workDir = join(repoRoot, '.vscode-test', 'e2e');
const fixtureWorkspace = join(repoRoot, 'test', 'e2e', 'workspace');
const say = (line) => process.stdout.write(`${line}\n`);

// code-server runs in its own process group (so stop() can take down its whole tree); a Ctrl-C here does not
// reach it, so every exit path stops the servers still running.
const liveServers = new Set();
async function stopAll() {
  await Promise.all([...liveServers].map((s) => s.stop()));
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stderr.write(`e2e: ${signal}, stopping code-server\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

function packageVsix() {
  if (vsixArg) return resolve(vsixArg);
  const vsix = join(repoRoot, 'dist-vsix', 'mllab.vsix');
  if (noPackage && existsSync(vsix)) return vsix;
  say('== e2e: npm run package');
  const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package failed (exit ${r.status}); no ${relative(repoRoot, vsix)}`);
  return vsix;
}

async function loadFlows() {
  const dir = join(repoRoot, 'test', 'e2e', 'flows');
  const files = readdirSync(dir).filter((f) => f.endsWith('.mjs')).sort();
  const flows = [];
  for (const f of files) {
    const { flow } = await import(pathToFileURL(join(dir, f)).href);
    if (!flow) throw new Error(`${f} exports no \`flow\``);
    const id = f.replace(/\.mjs$/, '');
    if (filters.length && !filters.some((s) => id.includes(s) || flow.name.includes(s))) continue;
    flows.push({ id, ...flow });
  }
  return flows;
}

/** A copy of the fixture workspace, so every flow starts with no .mllab cache and leaves the repo clean. */
function freshWorkspace(id) {
  const ws = join(workDir, id, 'workspace');
  rmSync(ws, { recursive: true, force: true });
  cpSync(fixtureWorkspace, ws, { recursive: true, filter: (src) => !src.includes(`${'/'}.mllab`) });
  return ws;
}

/** Lines to worry about in the "ML Lab" output channel and in the extension host log, plus the activation time. */
function extensionLogs(userDataDir) {
  const problems = [];
  let activation = null;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'ML Lab.log') {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (/\[error\]/.test(line)) problems.push(`ML Lab.log: ${line}`);
          const m = /Activated in ([\d.]+ ms)/.exec(line);
          if (m) activation = `activated in ${m[1]}`;
        }
      } else if (e.name === 'remoteexthost.log') {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (/\[error\]/.test(line) && /mllab/i.test(line)) problems.push(`remoteexthost.log: ${line}`);
        }
      }
    }
  };
  const root = join(userDataDir, 'logs');
  if (existsSync(root)) walk(root);
  return { problems, activation };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function runFlow(browser, vsix, flow) {
  const workspace = freshWorkspace(flow.id);
  if (flow.prepare) await flow.prepare(workspace);
  const notes = [];
  const server = await startCodeServer({ workspace, vsix, trust: flow.trust, engine: flow.engine ?? 'latest', runDir: join(workDir, flow.id, 'server') });
  liveServers.add(server);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(`[${m.type()}] ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
  try {
    if (!server.installed.some((id) => id.toLowerCase() === 'mllab.mllab')) {
      throw new Error(`the vsix did not install (extensions: ${server.installed.join(', ') || 'none'})`);
    }
    const result = await withTimeout(
      // server: a flow that shuts VS Code down and starts it again (flow 15) needs its pid, port and profile.
      flow.run({ page, url: server.url, workspace, shots: resultsDir, note: (n) => notes.push(n), server }),
      flow.budgetMs ?? FLOW_BUDGET_MS,
      flow.id,
    );
    // What the user does not see can still be wrong: the extension's own log must hold no errors.
    const logs = extensionLogs(server.userDataDir);
    // A flow that breaks something on purpose (flow 13 kills the worker) lists the errors it expects logged.
    const expected = flow.expectedLogErrors ?? [];
    const unexpected = logs.problems.filter((p) => !expected.some((re) => re.test(p)));
    if (unexpected.length) throw new Error(`the extension logged errors:\n${unexpected.join('\n')}`);
    if (logs.problems.length) notes.push(`expected log errors: ${logs.problems.length}`);
    if (logs.activation) notes.push(logs.activation);
    return { ok: true, notes, result };
  } catch (err) {
    const logs = join(resultsDir, `${flow.id}-logs`);
    mkdirSync(logs, { recursive: true });
    try {
      await page.screenshot({ path: join(resultsDir, `${flow.id}-failure.png`) });
    } catch {
      // The page may be gone.
    }
    writeFileSync(join(logs, 'console.log'), consoleLines.join('\n'));
    // code-server's own log plus the workbench/extension host logs (the extension's output channel is there).
    if (existsSync(server.logFile)) copyFileSync(server.logFile, join(logs, 'code-server.log'));
    const vscodeLogs = join(server.userDataDir, 'logs');
    if (existsSync(vscodeLogs)) cpSync(vscodeLogs, join(logs, 'vscode-logs'), { recursive: true });
    return { ok: false, notes, error: err };
  } finally {
    await context.close().catch(() => {});
    await server.stop();
    liveServers.delete(server);
  }
}

let passed = 0;
let failed = 0;

async function main() {
  const started = Date.now();

  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  // The flows' expected numbers hold for the generator's output; the committed file must be exactly that.
  const { loansCsv, loansPath } = await import(pathToFileURL(join(repoRoot, 'test', 'e2e', 'loans.mjs')).href);
  if (readFileSync(loansPath, 'utf8') !== loansCsv()) throw new Error(`${relative(repoRoot, loansPath)} differs from its generator: run node test/e2e/loans.mjs`);
  const vsix = packageVsix();
  const flows = await loadFlows();
  if (flows.length === 0) throw new Error(`no flow matches ${filters.join(' ')}`);
  const engines = [...new Set(flows.map((f) => f.engine ?? 'latest'))];
  say(`== e2e: ${engines.map((e) => `code-server ${ENGINES[e]?.codeServer ?? e}`).join(' and ')} (vsix ${relative(repoRoot, vsix)})`);
  for (const e of engines) ensureCodeServer(e);
  // The budget covers the flows, not a first-time code-server install (a few minutes, once per machine).
  const budget = setTimeout(() => {
    process.stderr.write(`e2e: the flows passed their ${RUN_BUDGET_MS / 60_000} min budget\n`);
    process.stdout.write(`e2e: ${passed} passed, ${failed + 1} failed\n`);
    void stopAll().finally(() => process.exit(1));
  }, RUN_BUDGET_MS);
  budget.unref();

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    for (const flow of flows) {
      const t0 = Date.now();
      const r = await runFlow(browser, vsix, flow);
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const notes = r.notes.length ? ` [${r.notes.join('; ')}]` : '';
      if (r.ok) {
        passed++;
        say(`e2e: PASS ${flow.id}: ${flow.name} (${secs} s)${notes}`);
      } else {
        failed++;
        const msg = r.error instanceof Error ? r.error.message : String(r.error);
        say(`e2e: FAIL ${flow.id}: ${flow.name} (${secs} s)${notes}\n      ${msg.split('\n').join('\n      ')}`);
        say(`      logs and screenshot: ${relative(repoRoot, resultsDir)}/${flow.id}-*`);
      }
    }
  } finally {
    await browser.close().catch(() => {});
  }

  if (updateScreenshot) {
    const shot = join(resultsDir, '1-explorer-05-readme.png');
    if (existsSync(shot)) {
      copyFileSync(shot, join(repoRoot, 'media', 'screenshot.png'));
      say('e2e: updated media/screenshot.png');
    } else {
      say('e2e: no README screenshot taken (flow 1 did not get that far)');
    }
  }
  say(`e2e: screenshots in ${relative(repoRoot, resultsDir)}/ (${Math.round((Date.now() - started) / 1000)} s in all)`);
  say(`e2e: ${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`e2e: ${err instanceof Error ? err.message : String(err)}\n`);
    process.stdout.write('e2e: 0 passed, 1 failed\n');
    process.exit(1);
  },
);
