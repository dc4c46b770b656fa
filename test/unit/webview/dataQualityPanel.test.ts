// The panel controller with `vscode` replaced by a recording stand-in (panelHost/vscode.ts): the ready
// handshake, snapshot-then-deltas, reloads, the webview's messages, revive, and the export's files.
import { test, beforeEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { DataQualityPanel as PanelClass } from '../../../src/extension/views/dataQualityPanel.js';
import type { HostMessage } from '../../../src/protocol/dataQualityPanel.js';
import { PROTOCOL_VERSION } from '../../../src/protocol/dataQualityPanel.js';
import type { DatasetVersion } from '../../../src/protocol/datasetVersion.js';
import type { StepChoice, Suggestion } from '../../../src/protocol/recipe.js';
import { loansPreview, loansProfile } from '../../fixtures/profiles/loans.js';
import { editor, Uri, window } from './panelHost/vscode.js';
import type { FakePanel } from './panelHost/vscode.js';
import { requireWithVscode } from '../../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, 'panelHost', 'vscode.ts'), __filename);
const { DataQualityPanel } = load('../../../src/extension/views/dataQualityPanel.js') as { DataQualityPanel: typeof PanelClass };

const extensionUri = Uri.file('/ext') as unknown as vscode.Uri;
const progress = (bytesDone: number) => ({ bytesDone, bytesTotal: 1000, rowsDone: bytesDone * 2, etaMs: 5000 });
let dir: string;

function open(path: string): { controller: PanelClass; panel: FakePanel } {
  const controller = DataQualityPanel.show(extensionUri, Uri.file(path) as unknown as vscode.Uri);
  const panel = editor.panels.at(-1);
  assert.ok(panel);
  return { controller, panel };
}

function posted(panel: FakePanel): HostMessage[] {
  return panel.webview.posted as HostMessage[];
}

beforeEach(() => {
  editor.reset();
  dir = mkdtempSync(join(tmpdir(), 'mllab-panel-'));
});

test('the panel opens beside the editor with a strict CSP and only dist/ and media/ readable', (t) => {
  const { controller, panel } = open('/data/loans.csv');
  t.after(() => controller.dispose());
  assert.equal(panel.viewType, 'mllab.dataQuality');
  assert.equal(panel.title, 'Data Quality: loans.csv');
  const options = panel.webview.options as { enableScripts: boolean; localResourceRoots: { path: string }[] };
  assert.equal(options.enableScripts, true);
  assert.deepEqual(options.localResourceRoots.map((u) => u.path), ['/ext/dist', '/ext/media']);
  const html = panel.webview.html;
  const csp = /content="(default-src 'none';[^"]*)"/.exec(html)?.[1] ?? '';
  assert.match(csp, /script-src 'nonce-([^']+)'/);
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
  assert.ok(html.includes(`<script type="module" nonce="${nonce}" src="https:///ext/dist/webview/dataQuality.js">`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  assert.match(csp, /style-src https:\/\/webview\.test 'nonce-/);
  assert.match(csp, /img-src https:\/\/webview\.test data:/);
  assert.match(csp, /font-src https:\/\/webview\.test/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
});

test('nothing is posted before ready; then one full snapshot, then progress deltas', (t) => {
  mock.timers.enable({ apis: ['setTimeout'] });
  t.after(() => mock.timers.reset());
  const { controller, panel } = open('/data/loans.csv');
  t.after(() => controller.dispose());
  controller.setProgress(progress(100));
  controller.setPreview(loansPreview);
  controller.setProgress(progress(450));
  mock.timers.tick(1000);
  assert.deepEqual(posted(panel), []);

  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  assert.equal(posted(panel).length, 1);
  const first = posted(panel)[0];
  assert.equal(first?.type, 'snapshot');
  if (first?.type !== 'snapshot') return;
  assert.equal(first.snapshot.phase, 'preview');
  assert.equal(first.snapshot.fileName, 'loans.csv');
  assert.equal(first.snapshot.fileUri, 'file:///data/loans.csv');
  assert.equal(first.snapshot.profile?.rows, 1000);
  assert.deepEqual(first.snapshot.progress, progress(450));

  // Bursts of progress are coalesced into the latest value.
  controller.setProgress(progress(500));
  controller.setProgress(progress(600));
  assert.equal(posted(panel).length, 1);
  mock.timers.tick(1000);
  assert.deepEqual(posted(panel).slice(1), [{ type: 'progress', progress: progress(600) }]);

  controller.setProfile(loansProfile, 'Loaded from cache (profiled 2 min ago)');
  const last = posted(panel).at(-1);
  assert.equal(last?.type, 'snapshot');
  if (last?.type !== 'snapshot') return;
  assert.equal(last.snapshot.phase, 'ready');
  assert.equal(last.snapshot.profile?.rows, 12_480);
  assert.equal(last.snapshot.progress, null);
  assert.equal(last.snapshot.notice, 'Loaded from cache (profiled 2 min ago)');
});

test('a hidden webview gets nothing; when it is back and says ready it gets the latest snapshot', (t) => {
  const { controller, panel } = open('/data/loans.csv');
  t.after(() => controller.dispose());
  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  panel.setVisible(false);
  const before = posted(panel).length;
  controller.setProfile(loansProfile);
  controller.setError('The file changed while it was read.');
  assert.equal(posted(panel).length, before);
  panel.setVisible(true);
  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  const last = posted(panel).at(-1);
  assert.equal(posted(panel).length, before + 1);
  assert.ok(last?.type === 'snapshot');
  assert.equal(last.snapshot.phase, 'error');
  assert.equal(last.snapshot.error, 'The file changed while it was read.');
  // The profile stays so the page can show it under the error.
  assert.equal(last.snapshot.profile?.rows, 12_480);
});

test('re-profile requests fire the event; malformed or unknown messages are ignored', (t) => {
  const { controller, panel } = open('/data/loans.csv');
  t.after(() => controller.dispose());
  let requests = 0;
  controller.onDidRequestReprofile(() => requests++);
  panel.webview.send({ type: 'reprofile' });
  panel.webview.send({ type: 'reprofile', extra: true });
  panel.webview.send({ type: 'runShell', command: 'rm -rf /' });
  panel.webview.send('reprofile');
  panel.webview.send(null);
  panel.webview.send({ type: 'export', format: 'exe' });
  assert.equal(requests, 2);
  assert.equal(editor.saveDialogOptions.length, 0);
  assert.deepEqual(posted(panel), []);
});

test('show reveals the open panel for the same file; another file gets its own', (t) => {
  const a = open('/data/loans.csv');
  const again = DataQualityPanel.show(extensionUri, Uri.file('/data/loans.csv') as unknown as vscode.Uri);
  const b = open('/data/other.csv');
  t.after(() => {
    a.controller.dispose();
    b.controller.dispose();
  });
  assert.equal(again, a.controller);
  assert.equal(a.panel.reveals, 1);
  assert.equal(editor.panels.length, 2);
  assert.notEqual(b.controller, a.controller);
});

test('dispose fires once and frees the file for a new panel', () => {
  const { controller, panel } = open('/data/loans.csv');
  let disposed = 0;
  controller.onDidDispose(() => disposed++);
  panel.dispose();
  controller.dispose();
  assert.equal(disposed, 1);
  const next = open('/data/loans.csv');
  assert.notEqual(next.controller, controller);
  next.controller.dispose();
});

test('revive needs the file the webview saved', () => {
  const panel = editor.panels.length;
  const fake = (): vscode.WebviewPanel => {
    return window.createWebviewPanel('mllab.dataQuality', 'x', {}, {}) as unknown as vscode.WebviewPanel;
  };
  assert.equal(DataQualityPanel.revive(fake(), extensionUri, undefined), undefined);
  assert.equal(DataQualityPanel.revive(fake(), extensionUri, { filter: 'x' }), undefined);
  const revived = DataQualityPanel.revive(fake(), extensionUri, { fileUri: 'file:///data/loans.csv', filter: 'inc' });
  assert.ok(revived);
  assert.equal(revived.file.toString(), 'file:///data/loans.csv');
  const restored = editor.panels.at(-1);
  assert.equal(restored?.title, 'Data Quality: loans.csv');
  assert.match(restored?.webview.html ?? '', /default-src 'none'/);
  assert.equal(editor.panels.length, panel + 3);
  revived.dispose();
});

test('export writes the report where the user chose, through a temp file, and says so', async (t) => {
  const { controller, panel } = open(join(dir, 'loans.csv'));
  t.after(() => {
    controller.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  // No profile yet: nothing to export.
  panel.webview.send({ type: 'export', format: 'html' });
  await new Promise((r) => setImmediate(r));
  assert.equal(editor.saveDialogOptions.length, 0);
  assert.match(editor.messages.at(-1) ?? '', /no profile to export/);

  controller.setProfile(loansProfile);
  const target = join(dir, 'report.md');
  editor.saveDialogAnswer = Uri.file(target);
  panel.webview.send({ type: 'export', format: 'md' });
  await waitFor(() => posted(panel).some((m) => m.type === 'exported'));
  assert.equal(editor.saveDialogOptions[0]?.defaultUri?.path, join(dir, 'loans.profile.md'));
  assert.deepEqual(editor.saveDialogOptions[0]?.filters, { 'Markdown report': ['md'] });
  assert.ok(readFileSync(target, 'utf8').startsWith('# Data Quality: loans.csv\n'));
  assert.deepEqual(readdirSync(dir).sort(), ['report.md']);
  assert.deepEqual(posted(panel).at(-1), { type: 'exported', format: 'md', ok: true, message: 'Report saved to report.md.' });
});

test('a failed export leaves nothing behind and reports the error', async (t) => {
  const { controller, panel } = open(join(dir, 'loans.csv'));
  t.after(() => {
    controller.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  controller.setProfile(loansProfile);
  // The chosen folder does not exist: the temp write fails before anything lands.
  editor.saveDialogAnswer = Uri.file(join(dir, 'missing', 'loans.profile.html'));
  panel.webview.send({ type: 'export', format: 'html' });
  await waitFor(() => posted(panel).some((m) => m.type === 'exported'));
  const result = posted(panel).at(-1);
  assert.ok(result?.type === 'exported' && !result.ok);
  assert.match(result.message, /^Could not export the report: /);
  assert.ok(!existsSync(join(dir, 'missing')));
  assert.deepEqual(readdirSync(dir), []);
  assert.match(editor.messages.at(-1) ?? '', /^error Could not export/);
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), 'condition never became true');
}

test('clean: nothing before ready, then the clean state rides in the snapshot; later changes go alone', (t) => {
  const { controller, panel } = open('/data/loans.csv');
  t.after(() => controller.dispose());
  const suggestion: Suggestion = {
    id: 'dropDuplicateRows:*',
    column: null,
    evidence: '3 of 100 rows repeat an earlier row exactly -> drop the repeats',
    choice: { op: 'dropDuplicateRows' },
    alternatives: [{ label: 'keep duplicate rows', choice: null }],
    impact: 53,
    selected: true,
  };
  controller.setProfile(loansProfile);
  controller.setSuggestions([suggestion]);
  controller.setCleanBusy('Previewing…');
  assert.deepEqual(posted(panel), []);

  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  const first = posted(panel)[0];
  assert.ok(first?.type === 'snapshot');
  assert.deepEqual(first.snapshot.clean, { suggestions: [suggestion], preview: null, busy: 'Previewing…', version: null, comparison: null });

  controller.setCleanPreview({ error: 'Column `x` is not in the file.' });
  const second = posted(panel)[1];
  assert.ok(second?.type === 'clean');
  assert.deepEqual(second.clean.preview, { error: 'Column `x` is not in the file.' });
  assert.equal(second.clean.suggestions?.length, 1);

  // Busy messages are small deltas, and a repeat of the same text is not sent again.
  controller.setCleanBusy('Applying 1 step… 35%');
  controller.setCleanBusy('Applying 1 step… 35%');
  controller.setCleanBusy(null);
  assert.deepEqual(posted(panel).slice(2), [
    { type: 'cleanBusy', busy: 'Applying 1 step… 35%' },
    { type: 'cleanBusy', busy: null },
  ]);

  // New suggestions (a new profile) drop the preview fitted on the old one.
  controller.setSuggestions([]);
  const fourth = posted(panel).at(-1);
  assert.ok(fourth?.type === 'clean');
  assert.deepEqual(fourth.clean.suggestions, []);
  assert.equal(fourth.clean.preview, null);

  // A reloaded page gets all of it back in the snapshot.
  panel.setVisible(false);
  controller.setComparison(loansPreview, 'loans_raw.csv');
  panel.setVisible(true);
  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  const last = posted(panel).at(-1);
  assert.ok(last?.type === 'snapshot');
  assert.equal(last.snapshot.clean.comparison?.parentName, 'loans_raw.csv');
  assert.equal(last.snapshot.clean.comparison?.parent.rows, 1000);
  assert.equal(last.snapshot.clean.comparison?.requested, 1);
  // Asking again is a new request even for the same parent: the page shows it again.
  controller.setComparison(loansPreview, 'loans_raw.csv');
  const again = posted(panel).at(-1);
  assert.ok(again?.type === 'clean');
  assert.equal(again.clean.comparison?.requested, 2);
  assert.equal(last.snapshot.profile?.rows, 12_480);
});

test('clean: version lineage is kept and sent; null clears it', (t) => {
  const { controller, panel } = open('/data/loans.clean.csv');
  t.after(() => controller.dispose());
  panel.webview.send({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  const version: DatasetVersion = {
    schemaVersion: 1,
    hash: 'ab'.repeat(32),
    path: 'data/loans.clean.csv',
    name: 'loans.clean.csv',
    parent: { hash: 'cd'.repeat(32), path: 'data/loans.csv' },
    recipe: null,
    report: null,
    rows: 97,
    createdAt: '2026-11-28T05:00:00.000Z',
  };
  controller.setVersion(version);
  const sent = posted(panel).at(-1);
  assert.ok(sent?.type === 'clean');
  assert.deepEqual(sent.clean.version, version);
  controller.setVersion(null);
  const cleared = posted(panel).at(-1);
  assert.ok(cleared?.type === 'clean');
  assert.equal(cleared.clean.version, null);
});

test('clean: the webview asks; the controller fires only well-formed requests', (t) => {
  const { controller, panel } = open('/data/loans.csv');
  t.after(() => controller.dispose());
  const previews: StepChoice[][] = [];
  const applies: StepChoice[][] = [];
  const exports: { language: string; choices: StepChoice[] }[] = [];
  const actions: string[] = [];
  controller.onDidRequestCleanPreview((c) => previews.push(c));
  controller.onDidRequestCleanApply((c) => applies.push(c));
  controller.onDidRequestCodeExport((e) => exports.push(e));
  controller.onDidRequestVersionAction((e) => actions.push(e.action));

  const choices: StepChoice[] = [
    { op: 'dropDuplicateRows' },
    { op: 'impute', column: 'income', strategy: 'median', indicator: true },
    { op: 'groupRare', column: 'purpose', minShare: 0.05 },
  ];
  panel.webview.send({ type: 'cleanPreview', choices });
  panel.webview.send({ type: 'cleanApply', choices: choices.slice(0, 1) });
  panel.webview.send({ type: 'exportCode', language: 'typescript', choices });
  panel.webview.send({ type: 'versionAction', action: 'compareWithParent' });
  panel.webview.send({ type: 'versionAction', action: 'openParent' });
  // Refused: unknown op, a share out of range, a constant strategy without its value, an unknown
  // language or action, choices that are not a list.
  panel.webview.send({ type: 'cleanPreview', choices: [{ op: 'runShell', column: 'x' }] });
  panel.webview.send({ type: 'cleanPreview', choices: [{ op: 'groupRare', column: 'purpose', minShare: 5 }] });
  panel.webview.send({ type: 'cleanApply', choices: [{ op: 'impute', column: 'income', strategy: 'constant', indicator: false }] });
  panel.webview.send({ type: 'exportCode', language: 'r', choices });
  panel.webview.send({ type: 'versionAction', action: 'format' });
  panel.webview.send({ type: 'cleanApply', choices: { op: 'dropDuplicateRows' } });

  assert.deepEqual(previews, [choices]);
  assert.deepEqual(applies, [[{ op: 'dropDuplicateRows' }]]);
  assert.deepEqual(exports, [{ language: 'typescript', choices }]);
  assert.deepEqual(actions, ['compareWithParent', 'openParent']);
});
