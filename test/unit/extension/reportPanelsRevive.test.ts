// The Experiment Report and Compare panels after a window reload: VS Code hands the serializer a panel and
// the state the webview saved (its experiment id / the compared ids). `vscode` is the recording stand-in
// of test/unit/webview/panelHost, with a workspace folder holding a real store written by the fixtures.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { ExperimentReportPanel as ReportClass } from '../../../src/extension/views/experimentReport.js';
import type { CompareView as CompareClass } from '../../../src/extension/views/compareView.js';
import type { CompareHostMessage, ReportHostMessage } from '../../../src/protocol/experimentReport.js';
import { REPORT_PROTOCOL_VERSION, parseCompareState, parseReportState } from '../../../src/protocol/experimentReport.js';
import { EXPERIMENT_ID, makeRecord, makeTrial, writeExperiment } from '../../fixtures/sweep/experiment.js';
import { editor, Uri, window, workspace as fakeWorkspace } from '../webview/panelHost/vscode.js';
import type { FakePanel } from '../webview/panelHost/vscode.js';
import { requireWithVscode } from '../../support/vscodeStub.js';

const load = requireWithVscode(join(__dirname, '..', 'webview', 'panelHost', 'vscode.ts'), __filename);
const { ExperimentReportPanel } = load('../../../src/extension/views/experimentReport.js') as { ExperimentReportPanel: typeof ReportClass };
const { CompareView } = load('../../../src/extension/views/compareView.js') as { CompareView: typeof CompareClass };

const extensionUri = Uri.file('/ext') as unknown as vscode.Uri;
const OTHER_ID = '20261128-081500-penguins-b4e';
let workspace: string;
const disposables: { dispose(): void }[] = [];

/** What VS Code hands the serializer: a fresh panel of that view type, with no content yet. */
function restoredPanel(viewType: string): FakePanel {
  return window.createWebviewPanel(viewType, 'restored', {}, {});
}

beforeEach(() => {
  editor.reset();
  workspace = mkdtempSync(join(tmpdir(), 'mllab-report-revive-'));
  (fakeWorkspace as unknown as { workspaceFolders: unknown }).workspaceFolders = [{ uri: Uri.file(workspace), name: 'w', index: 0 }];
  writeExperiment(workspace, makeRecord({ bestTrial: 1, bestScore: 0.95 }), [makeTrial(0, 'gbdt', 0.9), makeTrial(1, 'linear', 0.95)]);
  writeExperiment(workspace, makeRecord({ id: OTHER_ID, bestTrial: 0, bestScore: 0.91 }), [makeTrial(0, 'gbdt', 0.91)]);
});

afterEach(() => {
  for (const d of disposables.splice(0)) d.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

test('saved state is validated: one plausible id for a report, two or more for a compare', () => {
  assert.deepEqual(parseReportState({ experimentId: EXPERIMENT_ID, extra: 1 }), { experimentId: EXPERIMENT_ID });
  for (const bad of [undefined, null, 'x', [], {}, { experimentId: '' }, { experimentId: 3 }, { experimentId: '../../etc' }, { experimentId: 'a/b' }, { experimentId: 'x'.repeat(201) }]) {
    assert.equal(parseReportState(bad), undefined, JSON.stringify(bad));
  }
  assert.deepEqual(parseCompareState({ experimentIds: [EXPERIMENT_ID, OTHER_ID, EXPERIMENT_ID, '../x', 7] }), { experimentIds: [EXPERIMENT_ID, OTHER_ID] });
  assert.equal(parseCompareState({ experimentIds: [EXPERIMENT_ID] }), undefined);
  assert.equal(parseCompareState({ experimentIds: 'a,b' }), undefined);
  assert.equal(parseCompareState(null), undefined);
});

test('a report panel revives from the saved experiment id and sends that experiment\'s snapshot on ready', async () => {
  const panel = restoredPanel('mllab.experimentReport');
  const revived = await ExperimentReportPanel.revive(panel as unknown as vscode.WebviewPanel, extensionUri, { experimentId: EXPERIMENT_ID });
  assert.ok(revived);
  disposables.push(revived);
  // The restored panel gets the same page and resource roots as a new one.
  const html = panel.webview.html;
  const nonce = /script-src 'nonce-([^']+)'/.exec(html)?.[1];
  assert.ok(nonce && nonce.length >= 16);
  assert.match(html, /src="https:\/\/[^"]*\/ext\/dist\/webview\/experimentReport\.js"/);
  const options = panel.webview.options as { enableScripts: boolean; localResourceRoots: { path: string }[] };
  assert.equal(options.enableScripts, true);
  assert.deepEqual(options.localResourceRoots.map((u) => u.path), ['/ext/dist', '/ext/media']);
  assert.equal(panel.webview.posted.length, 0);
  panel.webview.send({ type: 'ready', protocolVersion: REPORT_PROTOCOL_VERSION });
  const m = panel.webview.posted[0] as ReportHostMessage;
  assert.ok(m.type === 'snapshot');
  assert.equal(m.snapshot.experiment.id, EXPERIMENT_ID);
  assert.equal(m.snapshot.experiment.bestScore, 0.95);
  assert.deepEqual(m.snapshot.trials.map((t) => t.index), [0, 1]);
  assert.match(panel.title, /^Report: /);
  // A second restored panel of the same experiment is refused (the caller disposes it).
  assert.equal(await ExperimentReportPanel.revive(restoredPanel('mllab.experimentReport') as unknown as vscode.WebviewPanel, extensionUri, { experimentId: EXPERIMENT_ID }), undefined);
});

test('a report panel revives nothing from unusable state or an experiment that is gone', async () => {
  for (const state of [undefined, {}, { experimentId: '../../etc/passwd' }, { experimentId: '20261101-000000-gone-abc' }]) {
    const panel = restoredPanel('mllab.experimentReport');
    assert.equal(await ExperimentReportPanel.revive(panel as unknown as vscode.WebviewPanel, extensionUri, state), undefined, JSON.stringify(state));
    assert.equal(panel.webview.html, '', 'no page is loaded into a panel that is not revived');
  }
});

test('a compare panel revives from the saved ids, keeping their order; a gone id is named in a notice', async () => {
  const panel = restoredPanel('mllab.compareExperiments');
  const revived = await CompareView.revive(panel as unknown as vscode.WebviewPanel, extensionUri, { experimentIds: [OTHER_ID, EXPERIMENT_ID, '20261101-000000-gone-abc'] });
  assert.ok(revived);
  disposables.push(revived);
  assert.match(panel.webview.html, /src="https:\/\/[^"]*\/ext\/dist\/webview\/compare\.js"/);
  assert.equal(panel.title, 'Compare (2)');
  panel.webview.send({ type: 'ready', protocolVersion: REPORT_PROTOCOL_VERSION });
  const m = panel.webview.posted[0] as CompareHostMessage;
  assert.equal(m.type, 'snapshot');
  assert.deepEqual(m.snapshot.entries.map((e) => e.key), [OTHER_ID, EXPERIMENT_ID]);
  assert.match(m.snapshot.notice ?? '', /20261101-000000-gone-abc/);
  // One Compare view at a time: another restored one is refused.
  assert.equal(await CompareView.revive(restoredPanel('mllab.compareExperiments') as unknown as vscode.WebviewPanel, extensionUri, { experimentIds: [OTHER_ID, EXPERIMENT_ID] }), undefined);
});

test('a compare panel revives nothing when fewer than two of its experiments are left', async () => {
  for (const state of [{ experimentIds: [EXPERIMENT_ID] }, { experimentIds: [EXPERIMENT_ID, '20261101-000000-gone-abc'] }, { nope: true }]) {
    const panel = restoredPanel('mllab.compareExperiments');
    assert.equal(await CompareView.revive(panel as unknown as vscode.WebviewPanel, extensionUri, state), undefined, JSON.stringify(state));
    assert.equal(panel.webview.html, '');
  }
});
