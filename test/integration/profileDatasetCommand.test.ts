// The Profile Dataset command against the real worker (dist/worker.js), with `vscode` and the panel
// replaced by recording stand-ins: which file it picks, what the panel is told and when, the progress
// notification, cancellation, errors, the cache. (The real editor runs it in test/vscode and test/e2e.)
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { ProfileDatasetCommand as CommandClass } from '../../src/extension/commands/profileDataset.js';
import { WorkerClient } from '../../src/extension/workerClient.js';
import { DataQualityPanel } from './hostStubs/dataQualityPanel.js';
import type { PanelCall } from './hostStubs/dataQualityPanel.js';
import { editor, Uri } from './hostStubs/vscode.js';
import { builtFile, fixtures } from './builtFiles.js';

// Answer `vscode` and the panel module from the stand-ins before the command module loads.
const resolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolveFilename = resolver._resolveFilename;
resolver._resolveFilename = function (request: string, ...rest: unknown[]): string {
  if (request === 'vscode') return join(__dirname, 'hostStubs', 'vscode.ts');
  if (request.endsWith('/views/dataQualityPanel.js')) return join(__dirname, 'hostStubs', 'dataQualityPanel.ts');
  return resolveFilename.call(this, request, ...rest);
};
const { ProfileDatasetCommand } = createRequire(__filename)('../../src/extension/commands/profileDataset.js') as { ProfileDatasetCommand: typeof CommandClass };

let workspace: string;
let csv: string;
let big: string;
let worker: WorkerClient;
let command: CommandClass;
const logged: string[] = [];
const log = {
  info: (m: string) => logged.push(`info ${m}`),
  warn: (m: string) => logged.push(`warn ${m}`),
  error: (m: string) => logged.push(`error ${m}`),
} as unknown as vscodeTypes.LogOutputChannel;

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'mllab-command-'));
  mkdirSync(join(workspace, 'data'));
  csv = join(workspace, 'data', 'small.csv');
  copyFileSync(join(fixtures, 'small.csv'), csv);
  big = join(workspace, 'data', 'big.csv');
  const stream = createWriteStream(big);
  stream.write('id,amount,grade\n');
  for (let block = 0; block < 40; block++) {
    let chunk = '';
    for (let i = block * 25_000; i < (block + 1) * 25_000; i++) chunk += `${i},${(i * 0.37).toFixed(2)},g${i % 7}\n`;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'close');
  worker = new WorkerClient({ workerPath: builtFile('worker.js'), log, idleMs: 0 });
  command = new ProfileDatasetCommand(Uri.file('/ext') as unknown as vscodeTypes.Uri, worker, log);
});

after(async () => {
  command.dispose();
  await worker.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

beforeEach(() => {
  editor.reset();
  editor.workspaceFolder = Uri.file(workspace);
});

function panelFor(path: string): DataQualityPanel {
  const panel = DataQualityPanel.shown.find((p) => p.file.fsPath === path);
  assert.ok(panel, `a panel for ${path}`);
  return panel;
}

function names(calls: PanelCall[]): string[] {
  return calls.map((c) => c.call).filter((c) => c !== 'setProgress');
}

test('from the explorer: the panel opens, the worker profiles, the result and the cache land', async () => {
  await command.run(Uri.file(csv));
  const panel = panelFor(csv);
  const last = panel.last();
  assert.equal(last?.call, 'setProfile');
  assert.equal(last.call === 'setProfile' && last.profile.rows, 5);
  assert.equal(last.call === 'setProfile' && last.notice, undefined);
  assert.equal(editor.progressRuns.length, 1);
  assert.equal(editor.progressRuns[0]?.options.title, 'Profiling small.csv');
  assert.equal(editor.progressRuns[0]?.options.cancellable, true);
  assert.equal(editor.progressRuns[0]?.done, true, 'the notification closed');
  assert.deepEqual(editor.errors, []);
  // The worker writes the entry just after it answers.
  await waitFor(() => existsSync(join(workspace, '.mllab', 'profiles', 'index.json')));
});

test('run again on the unchanged file: served from the cache, no progress notification, a notice says so', async () => {
  await command.run(Uri.file(csv));
  const panel = panelFor(csv);
  assert.equal(DataQualityPanel.shown.filter((p) => p.file.fsPath === csv).length, 1, 'the same panel');
  const last = panel.last();
  assert.equal(last?.call, 'setProfile');
  assert.match(last.call === 'setProfile' ? (last.notice ?? '') : '', /cache/i);
  assert.equal(editor.progressRuns.length, 0);
});

test('Re-profile bypasses the cache: loading, a progress notification, then the fresh profile', async () => {
  const panel = panelFor(csv);
  const before = panel.calls.length;
  panel.requestReprofile();
  await waitFor(() => editor.progressRuns[0]?.done === true && panel.last()?.call === 'setProfile');
  const calls = names(panel.calls.slice(before));
  assert.equal(calls[0], 'setLoading');
  assert.equal(calls[calls.length - 1], 'setProfile');
  const last = panel.last();
  assert.equal(last?.call === 'setProfile' && last.notice, undefined, 'not from the cache');
});

test('the settings reach the worker (missing tokens), and a setting turned off skips the cache', async () => {
  const tokens = join(workspace, 'data', 'tokens.csv');
  copyFileSync(join(fixtures, 'tokens.csv'), tokens);
  editor.config = { 'mllab.profile.missingTokens': ['NA'], 'mllab.profile.cache': false };
  await command.run(Uri.file(tokens));
  const last = panelFor(tokens).last();
  assert.equal(last?.call, 'setProfile');
  const y = last.call === 'setProfile' ? last.profile.columns.find((c) => c.name === 'y') : undefined;
  assert.equal(y?.missing, 1, '"?" is a value once the list is just NA');
  await command.run(Uri.file(tokens));
  assert.equal(editor.progressRuns.length, 2, 'no cache: profiled both times');
});

test('large file: a preview, progress in the notification and the panel, increments adding up to at most 100', async () => {
  await command.run(Uri.file(big));
  const panel = panelFor(big);
  const calls = names(panel.calls);
  assert.ok(calls.includes('setPreview'), 'a preview first');
  assert.ok(calls.indexOf('setPreview') < calls.lastIndexOf('setProfile'));
  const reports = editor.progressRuns[0]?.reports ?? [];
  assert.ok(reports.length > 0, 'progress reported');
  for (const r of reports) assert.match(r.message ?? '', /^\d{1,2}% · [\d.]+ (B|KB|MB) of [\d.]+ MB( · about \d+ (s|min)( \d+ s)? left)?$/);
  const total = reports.reduce((s, r) => s + (r.increment ?? 0), 0);
  assert.ok(total <= 100, `increments sum to ${total}`);
  assert.ok(panel.calls.some((c) => c.call === 'setProgress'));
});

test('Cancel in the notification: the panel says cancelled, no error message, nothing cached', async () => {
  const bigCopy = join(workspace, 'data', 'big-copy.csv');
  copyFileSync(big, bigCopy);
  editor.onProgressStart = (run) => setTimeout(() => run.cancel(), 150);
  await command.run(Uri.file(bigCopy));
  const panel = panelFor(bigCopy);
  assert.equal(panel.last()?.call, 'setCancelled');
  assert.deepEqual(editor.errors, []);
  assert.equal(panel.calls.some((c) => c.call === 'setProfile'), false);
  const index = join(workspace, '.mllab', 'profiles', 'index.json');
  assert.ok(!existsSync(index) || !readFileSync(index, 'utf8').includes('big-copy.csv'), 'nothing cached');
});

test('bad input: one-line error message, the same text in the panel, no stack trace anywhere the user looks', async () => {
  const empty = join(workspace, 'data', 'empty.csv');
  writeFileSync(empty, '');
  await command.run(Uri.file(empty));
  assert.equal(editor.errors.length, 1);
  const message = editor.errors[0] ?? '';
  assert.match(message, /empty/i);
  assert.doesNotMatch(message, /\n|\bat \S+:\d+/);
  assert.deepEqual(panelFor(empty).last(), { call: 'setError', message });
});

test('closing the panel mid-run cancels the run quietly', async () => {
  const another = join(workspace, 'data', 'big-closed.csv');
  copyFileSync(big, another);
  editor.onProgressStart = () => setTimeout(() => panelFor(another).close(), 150);
  await command.run(Uri.file(another));
  const panel = panelFor(another);
  assert.deepEqual(editor.errors, []);
  assert.equal(panel.calls.some((c) => c.call === 'setProfile' || c.call === 'setCancelled' || c.call === 'setError'), false);
});

test('which file: the argument, else the active CSV editor, else the open dialog', async () => {
  editor.activeDocument = { uri: Uri.file(csv), languageId: 'csv' };
  await command.run();
  assert.equal(editor.openDialogCalls, 0);
  assert.equal(panelFor(csv).last()?.call, 'setProfile');

  editor.activeDocument = { uri: Uri.file(join(workspace, 'notes.md')), languageId: 'markdown' };
  editor.openDialogResult = undefined;
  const shownBefore = DataQualityPanel.shown.length;
  await command.run();
  assert.equal(editor.openDialogCalls, 1);
  assert.equal(DataQualityPanel.shown.length, shownBefore, 'dialog dismissed: nothing opens');

  const semicolon = join(workspace, 'data', 'semicolon.csv');
  copyFileSync(join(fixtures, 'semicolon.csv'), semicolon);
  editor.openDialogResult = [Uri.file(semicolon)];
  await command.run();
  assert.equal(panelFor(semicolon).last()?.call, 'setProfile');
});

test('a file that is not on disk is refused with a message', async () => {
  const shownBefore = DataQualityPanel.shown.length;
  await command.run(Uri.from({ scheme: 'untitled', path: 'Untitled-1' }));
  assert.equal(DataQualityPanel.shown.length, shownBefore);
  assert.match(editor.errors[0] ?? '', /only files on disk/);
});

test('a file outside any workspace folder is profiled without a cache', async () => {
  const outside = mkdtempSync(join(tmpdir(), 'mllab-outside-'));
  try {
    const file = join(outside, 'x.csv');
    copyFileSync(csv, file);
    await command.run(Uri.file(file));
    assert.equal(panelFor(file).last()?.call, 'setProfile');
    assert.equal(existsSync(join(outside, '.mllab')), false);
  } finally {
    rmSync(outside, { recursive: true, force: true });
  }
});

async function waitFor(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
