// What the e2e flows do to the workbench, in the user's terms: open the explorer, right-click a file,
// run a palette command, read the Data Quality report, check the cache. Recipe: /work/shared/E2E.md.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureCodeServer, freePort, portInUse } from '../../scripts/code-server.mjs';

export const COMMAND_TITLE = 'Profile Dataset';
export const PALETTE_TITLE = 'ML Lab: Profile Dataset';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  let lastError;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const why = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${why}`);
}

/** Saves a screenshot as test-results/e2e/<name>.png and returns its path. */
export async function snap(page, dir, name) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Opens the workbench and waits until the explorer lists the workspace's files. */
export async function openWorkbench(page, url) {
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 90_000 });
  await waitFor('the workbench to settle', async () => (await page.locator('.monaco-workbench').count()) > 0, { timeoutMs: 30_000 });
}

export function explorerRow(page, fileName) {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: fileName }).first();
}

/**
 * Right-clicks `fileName` in the explorer and picks `label`. On a cold start the explorer shows before the
 * extension's menu contributions are registered, so a missing entry gets Escape and another try.
 */
export async function explorerContextCommand(page, fileName, label, { attempts = 4 } = {}) {
  const row = explorerRow(page, fileName);
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await row.click({ button: 'right' });
    const item = page.getByRole('menuitem', { name: label }).first();
    try {
      await item.waitFor({ state: 'visible', timeout: 1000 + attempt * 1500 });
      // A click that lands right as the menu opens is ignored by the workbench (it guards against the
      // right-click's own mouse-up picking an item), so let the menu settle first.
      await sleep(600);
      await item.click();
      // A menu that re-renders while contributions arrive can swallow the click: the menu must close.
      await item.waitFor({ state: 'hidden', timeout: 3000 });
      return attempt;
    } catch {
      await page.keyboard.press('Escape');
      await sleep(1500 * attempt);
    }
  }
  throw new Error(`"${label}" never appeared in the explorer context menu of ${fileName} (${attempts} tries)`);
}

/** Opens a file in an editor from the explorer (a double-click pins it instead of previewing). */
export async function openFileFromExplorer(page, fileName) {
  const row = explorerRow(page, fileName);
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await row.dblclick();
  await page.locator('.tabs-container .tab').filter({ hasText: fileName }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** F1, type the command title, pick the exact entry. Retries while the extension is still registering. */
export async function runFromPalette(page, title, { timeoutMs = 60_000 } = {}) {
  await waitFor(`"${title}" in the command palette`, async () => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await input.fill(`>${title}`);
    const entry = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: title }).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: 3000 });
    } catch {
      await page.keyboard.press('Escape');
      return false;
    }
    await entry.click();
    return true;
  }, { timeoutMs, intervalMs: 1500 });
}

/* global document -- DEEP_TEXT runs inside the webview frame, not in Node. */
// Text of a frame including open shadow roots: @vscode-elements renders inside them, and innerText stops there.
const DEEP_TEXT = () => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === 3) {
      const t = node.textContent.trim();
      if (t) parts.push(t);
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 11) return;
    if (node.nodeType === 1) {
      const tag = node.tagName;
      if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE') return;
      if (node.shadowRoot) walk(node.shadowRoot);
    }
    for (const c of node.childNodes) walk(c);
  };
  if (document.body) walk(document.body);
  return parts.join('\n');
};

/** The deep text of every frame (webview content sits two iframes down). */
export async function frameTexts(page) {
  const out = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    try {
      out.push({ frame, text: await frame.evaluate(DEEP_TEXT) });
    } catch {
      // Frame navigating or detached.
    }
  }
  return out;
}

/**
 * Watches the notification toasts until stop() and reports whether a "Profiling <file>" progress toast with
 * a Cancel button showed. A small file is profiled in a blink, so this is evidence, not a requirement.
 */
export function watchProgressToast(page, fileName) {
  let seen = null;
  let running = true;
  const loop = (async () => {
    while (running && !seen) {
      try {
        const toast = page.locator('.notification-toast').filter({ hasText: `Profiling ${fileName}` }).first();
        if ((await toast.count()) > 0) {
          const cancel = (await toast.getByRole('button', { name: 'Cancel' }).count()) > 0;
          seen = { cancel };
        }
      } catch {
        // Page busy; look again.
      }
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

/** Numbers in the text, as written for people: "1,234" and "1 234" count as 1234. */
export function hasNumber(text, n) {
  const plain = String(n);
  const grouped = n.toLocaleString('en-US');
  const re = new RegExp(`(^|[^\\d.,])(${plain}|${grouped.replace(/,/g, '[,\\u202f\\u00a0 ]')})(?![\\d]|[.,]\\d)`);
  return re.test(text);
}

/** Cached profiles under <workspace>/.mllab/profiles: { files, index, profiles } once at least one exists. */
export function readProfileCache(workspace) {
  const dir = join(workspace, '.mllab', 'profiles');
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir);
  const entries = files.filter((f) => /^[0-9a-f]{64}\.json$/.test(f));
  if (entries.length === 0) return null;
  const profiles = entries.map((f) => {
    const json = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    // The entry may be the profile itself or wrap it with cache metadata.
    return { file: f, json, profile: typeof json.rows === 'number' ? json : json.profile };
  });
  const index = files.includes('index.json') ? JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) : null;
  return { dir, files, index, profiles };
}

/**
 * Asserts the cache holds a finished profile of `fileName` under the sha256 of its content, with `rows`
 * rows, and that index.json points the file's relative path at that hash.
 */
export async function assertCachedProfile(workspace, fileName, rows) {
  const sha = createHash('sha256').update(readFileSync(join(workspace, fileName))).digest('hex');
  const cache = await waitFor(`${sha}.json and index.json in .mllab/profiles`, () => {
    const c = readProfileCache(workspace);
    if (!c || !c.index) return null;
    const hit = c.profiles.find((p) => p.file === `${sha}.json`);
    return hit ? { ...c, hit } : null;
  }, { timeoutMs: 30_000 });
  const { profile } = cache.hit;
  assert.ok(profile, `${sha}.json holds a profile`);
  assert.equal(profile.preview, false, 'the cached profile is the full pass, not the preview');
  assert.equal(profile.rows, rows, `cached profile rows (${cache.hit.file})`);
  const entries = cache.index.entries ?? cache.index;
  assert.equal(entries[fileName]?.sha256, sha, `index.json maps ${fileName} to its content hash`);
  return cache;
}

/**
 * Starts code-server again after it went down, on the same workspace, profile (user data + extensions) and,
 * if it is still free, the same port: the next start of the same VS Code, with no reinstall and nothing reset
 * (startCodeServer makes a fresh profile). Its output goes on the first run's log. Returns { url, port, pid,
 * exited, stop() }; stop() takes down its whole process group, and so does the first server's stop() from now on.
 */
export async function relaunchCodeServer(server, workspace, { engine = 'latest' } = {}) {
  const p = ensureCodeServer(engine);
  const port = (await portInUse(server.port)) ? await freePort() : server.port;
  const args = [
    p.entry,
    '--config', join(dirname(server.userDataDir), 'config.yaml'),
    '--user-data-dir', server.userDataDir,
    '--extensions-dir', server.extensionsDir,
    '--disable-telemetry', '--disable-update-check',
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    resolve(workspace),
  ];
  const env = { ...process.env, PATH: `${dirname(p.nodeBin)}:${process.env.PATH ?? ''}`, XDG_DATA_HOME: join(server.runDir, 'xdg-data') };
  const fd = openSync(server.logFile, 'a');
  const child = spawn(p.nodeBin, args, { stdio: ['ignore', fd, fd], env, detached: true });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
      await Promise.race([exited, sleep(5000)]);
    }
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Group already empty.
    }
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`code-server to answer again at ${baseUrl}`, async () => {
      if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
      const r = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(3000) });
      return r.status < 500;
    }, { timeoutMs: 60_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  // The harness stops `server` whatever happens to the flow (a timeout too): take this one down with it.
  const stopFirst = server.stop;
  server.stop = async () => {
    await stop();
    await stopFirst();
  };
  const url = `${baseUrl}/?folder=${encodeURIComponent(resolve(workspace)).replace(/%2F/g, '/')}`;
  return { url, port, pid: child.pid, exited, stop };
}

/** Lines of a log file (default the "ML Lab" output channel; every session of this profile so far) that match `re`. */
export function extensionLogLines(userDataDir, re, fileName = 'ML Lab.log') {
  const out = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === fileName) out.push(...readFileSync(p, 'utf8').split('\n').filter((l) => re.test(l)));
    }
  };
  const root = join(userDataDir, 'logs');
  if (existsSync(root)) walk(root);
  return out;
}
