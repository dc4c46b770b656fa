// Extension activation time: in N fresh Node processes, require dist/extension.js against a stub
// `vscode` module and time require + activate(). Prints median and p95 against the < 100 ms target.
// Usage: node bench/activation/run.mjs [--runs N] [--extension dist/extension.js] [--json]
// What it leaves out: VS Code's own extension-host start-up and the manifest scan; what it includes:
// loading and evaluating the bundle and everything activate() does synchronously or awaits.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const TARGET_MS = 100;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    extension: { type: 'string', default: join(root, 'dist', 'extension.js') },
    child: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

if (values.child) {
  await runChild(resolve(values.extension));
} else {
  runParent();
}

function runParent() {
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs must be a positive integer, got ${values.runs}`);
    process.exit(2);
  }
  const ext = resolve(values.extension);
  if (!existsSync(ext)) {
    console.error(`${ext} not found: run \`npm run build\` first`);
    process.exit(2);
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--extension', ext], { encoding: 'utf8', timeout: 60_000 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.error(`run ${i + 1} failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
      process.exit(1);
    }
    samples.push(JSON.parse(line));
  }
  const stat = (key) => {
    const xs = samples.map((s) => s[key]).sort((a, b) => a - b);
    const q = (p) => xs[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)];
    return { median: q(0.5), p95: q(0.95), min: xs[0], max: xs[xs.length - 1] };
  };
  const summary = { require: stat('requireMs'), activate: stat('activateMs'), total: stat('totalMs') };
  const first = samples[0];
  console.log(`extension: ${ext}`);
  console.log(`${runs} fresh processes, node ${process.version}; registered ${first.commands.length} command(s), ${first.subscriptions} subscription(s)`);
  if (first.unknown.length) console.log(`stub gaps (returned no-ops): ${first.unknown.join(', ')}`);
  console.log('');
  console.log(`${'ms'.padEnd(20)}${'median'.padStart(9)}${'p95'.padStart(9)}${'min'.padStart(9)}${'max'.padStart(9)}`);
  for (const [k, s] of Object.entries(summary)) {
    console.log(`${(k === 'total' ? 'require + activate' : k).padEnd(20)}${s.median.toFixed(1).padStart(9)}${s.p95.toFixed(1).padStart(9)}${s.min.toFixed(1).padStart(9)}${s.max.toFixed(1).padStart(9)}`);
  }
  // Both are shown: on a shared machine the p95 mostly measures the neighbours.
  const passMedian = summary.total.median < TARGET_MS;
  const pass = summary.total.p95 < TARGET_MS;
  console.log('');
  console.log(`${passMedian ? 'PASS' : 'MISS'}  activation (require + activate) median < ${TARGET_MS} ms: ${summary.total.median.toFixed(1)} ms`);
  console.log(`${pass ? 'PASS' : 'MISS'}  activation (require + activate) p95 < ${TARGET_MS} ms: ${summary.total.p95.toFixed(1)} ms`);
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  const outFile = join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), extension: ext, runs, node: process.version, summary, targetMs: TARGET_MS, passMedian, pass, samples }, null, 2) + '\n');
  if (values.json) console.log(JSON.stringify({ summary, passMedian, pass }));
  console.log(`results: ${outFile}`);
}

async function runChild(ext) {
  const { vscode, unknown, commands } = makeVscodeStub();
  const require = createRequire(ext);
  // esbuild leaves `require("vscode")` in the bundle: answer it from the stub.
  const Module = require('node:module');
  const originalLoad = Module._load;
  Module._load = function load(request, parent, isMain) {
    if (request === 'vscode') return vscode;
    return originalLoad.call(this, request, parent, isMain);
  };
  const storage = join(tmpdir(), `mllab-activation-${process.pid}`);
  const context = makeContext(root, storage);

  const t0 = performance.now();
  const mod = require(ext);
  const t1 = performance.now();
  await mod.activate(context);
  const t2 = performance.now();

  try {
    await mod.deactivate?.();
    for (const d of context.subscriptions) d?.dispose?.();
  } catch { /* teardown is not what we measure */ }
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, commands, subscriptions: context.subscriptions.length, unknown: [...unknown] }) + '\n');
  // A worker or watcher left running must not keep the measurement process alive.
  process.exit(0);
}

function makeContext(extensionPath, storage) {
  const memento = () => {
    const m = new Map();
    return { get: (k, d) => (m.has(k) ? m.get(k) : d), update: async (k, v) => { m.set(k, v); }, keys: () => [...m.keys()], setKeysForSync: () => {} };
  };
  const uri = (p) => ({ scheme: 'file', fsPath: p, path: p, toString: () => pathToFileURL(p).href, with: () => uri(p) });
  return {
    subscriptions: [],
    extensionPath,
    extensionUri: uri(extensionPath),
    extensionMode: 1,
    globalState: memento(),
    workspaceState: memento(),
    secrets: { get: async () => undefined, store: async () => {}, delete: async () => {}, onDidChange: () => ({ dispose() {} }) },
    storageUri: uri(join(storage, 'workspace')),
    globalStorageUri: uri(join(storage, 'global')),
    logUri: uri(join(storage, 'log')),
    storagePath: join(storage, 'workspace'),
    globalStoragePath: join(storage, 'global'),
    logPath: join(storage, 'log'),
    asAbsolutePath: (p) => join(extensionPath, p),
    environmentVariableCollection: { replace() {}, append() {}, prepend() {}, get() {}, forEach() {}, delete() {}, clear() {} },
    extension: { id: 'mllab.mllab', extensionPath, extensionUri: uri(extensionPath), packageJSON: {}, isActive: true },
  };
}

/**
 * Just enough of the vscode API for activate(). Unknown members answer with a no-op function and are
 * reported, so a stub gap shows up in the output instead of as a crash with a confusing stack.
 */
function makeVscodeStub() {
  const unknown = new Set();
  const commands = [];
  const disposable = () => ({ dispose() {} });
  const event = () => disposable();

  class Disposable {
    constructor(fn) { this.fn = fn; }
    static from(...ds) { return new Disposable(() => ds.forEach((d) => d?.dispose?.())); }
    dispose() { this.fn?.(); }
  }
  class EventEmitter {
    listeners = [];
    event = (l) => { this.listeners.push(l); return disposable(); };
    fire(e) { for (const l of this.listeners) l(e); }
    dispose() { this.listeners = []; }
  }
  class Uri {
    constructor(scheme, path) { this.scheme = scheme; this.path = path; this.fsPath = path; this.authority = ''; this.query = ''; this.fragment = ''; }
    static file(p) { return new Uri('file', p); }
    static parse(s) { return s.startsWith('file://') ? new Uri('file', fileURLToPath(s)) : new Uri(s.split(':')[0], s); }
    static joinPath(u, ...ps) { return new Uri(u.scheme, join(u.path, ...ps)); }
    with(c) { return new Uri(c.scheme ?? this.scheme, c.path ?? this.path); }
    toString() { return this.scheme === 'file' ? pathToFileURL(this.path).href : `${this.scheme}:${this.path}`; }
    toJSON() { return { scheme: this.scheme, path: this.path }; }
  }
  class CancellationTokenSource {
    token = { isCancellationRequested: false, onCancellationRequested: event };
    cancel() { this.token.isCancellationRequested = true; }
    dispose() {}
  }
  class TreeItem { constructor(label, state) { this.label = label; this.collapsibleState = state; } }
  class ThemeIcon { constructor(id, color) { this.id = id; this.color = color; } static File = new ThemeIcon('file'); static Folder = new ThemeIcon('folder'); }
  class ThemeColor { constructor(id) { this.id = id; } }
  class MarkdownString { constructor(v = '') { this.value = v; } appendMarkdown(s) { this.value += s; return this; } appendText(s) { this.value += s; return this; } }
  class RelativePattern { constructor(base, pattern) { this.base = base; this.pattern = pattern; } }
  const outputChannel = (name) => ({
    name, append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {},
    trace() {}, debug() {}, info() {}, warn() {}, error() {}, logLevel: 2, onDidChangeLogLevel: event,
  });
  const watcher = () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} });
  const statusBarItem = () => ({ text: '', tooltip: '', command: undefined, show() {}, hide() {}, dispose() {} });
  const configuration = () => ({ get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => {} });

  const api = {
    version: '1.96.0',
    Disposable, EventEmitter, Uri, CancellationTokenSource, TreeItem, ThemeIcon, ThemeColor, MarkdownString, RelativePattern,
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2, Three: 3 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    LogLevel: { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 },
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    commands: {
      registerCommand: (id) => { commands.push(id); return disposable(); },
      registerTextEditorCommand: (id) => { commands.push(id); return disposable(); },
      executeCommand: async () => undefined,
      getCommands: async () => [...commands],
    },
    window: {
      createOutputChannel: outputChannel,
      registerWebviewPanelSerializer: disposable,
      registerTreeDataProvider: disposable,
      registerWebviewViewProvider: disposable,
      registerCustomEditorProvider: disposable,
      registerUriHandler: disposable,
      createTreeView: () => ({ onDidChangeSelection: event, onDidChangeVisibility: event, onDidExpandElement: event, onDidCollapseElement: event, reveal: async () => {}, dispose() {} }),
      createStatusBarItem: statusBarItem,
      createWebviewPanel: () => { throw new Error('activate() should not open a panel'); },
      showInformationMessage: async () => undefined,
      showWarningMessage: async () => undefined,
      showErrorMessage: async () => undefined,
      withProgress: async (_o, task) => task({ report() {} }, new CancellationTokenSource().token),
      onDidChangeActiveTextEditor: event,
      onDidChangeVisibleTextEditors: event,
      onDidChangeWindowState: event,
      activeTextEditor: undefined,
      visibleTextEditors: [],
      state: { focused: true },
    },
    workspace: {
      getConfiguration: configuration,
      onDidChangeConfiguration: event,
      onDidChangeWorkspaceFolders: event,
      onDidGrantWorkspaceTrust: event,
      onDidOpenTextDocument: event,
      onDidSaveTextDocument: event,
      createFileSystemWatcher: watcher,
      workspaceFolders: [{ uri: Uri.file(root), name: 'main', index: 0 }],
      isTrusted: true,
      fs: { stat: async () => ({ type: 1, size: 0, ctime: 0, mtime: 0 }), readFile: async () => new Uint8Array(), writeFile: async () => {}, createDirectory: async () => {}, readDirectory: async () => [], delete: async () => {} },
      getWorkspaceFolder: () => undefined,
      asRelativePath: (p) => String(p),
      textDocuments: [],
    },
    env: { language: 'en', appName: 'Stub', machineId: 'stub', sessionId: 'stub', uiKind: 1, clipboard: { readText: async () => '', writeText: async () => {} }, openExternal: async () => true, asExternalUri: async (u) => u },
    extensions: { getExtension: () => undefined, all: [], onDidChange: event },
    languages: { createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {} }) },
    l10n: { t: (m, ...args) => (typeof m === 'string' ? m.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)])) : m.message) },
  };
  // Namespaces answer unknown members with a recorded no-op; `then` stays undefined so nothing mistakes them for promises.
  const guard = (obj, path) => new Proxy(obj, {
    get(target, prop, recv) {
      // esbuild's interop reads __esModule; it is absent on the real module too.
      if (typeof prop === 'symbol' || prop in target || prop === 'then' || prop === 'toJSON' || prop === '__esModule') return Reflect.get(target, prop, recv);
      unknown.add(`${path}.${prop}`);
      return () => disposable();
    },
  });
  const vscode = guard(Object.fromEntries(Object.entries(api).map(([k, v]) => [k, v && typeof v === 'object' && !Array.isArray(v) ? guard(v, `vscode.${k}`) : v])), 'vscode');
  return { vscode, unknown, commands };
}
