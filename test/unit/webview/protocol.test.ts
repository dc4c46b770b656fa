import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PROTOCOL_VERSION,
  defaultWebviewState,
  emptyCleanState,
  isHostMessage,
  isWebviewMessage,
  parseWebviewState,
} from '../../../src/protocol/dataQualityPanel.js';
import type { PanelSnapshot } from '../../../src/protocol/dataQualityPanel.js';
import { loansProfile } from '../../fixtures/profiles/loans.js';

const snapshot: PanelSnapshot = {
  fileUri: 'file:///home/ana/credit/loans.csv',
  fileName: 'loans.csv',
  phase: 'ready',
  profile: loansProfile,
  progress: null,
  notice: 'Loaded from cache (profiled 2 min ago)',
  error: null,
  clean: emptyCleanState(),
};

test('webview messages: the three kinds pass, anything else is refused', () => {
  assert.ok(isWebviewMessage({ type: 'ready', protocolVersion: PROTOCOL_VERSION }));
  assert.ok(isWebviewMessage({ type: 'reprofile' }));
  assert.ok(isWebviewMessage({ type: 'startSweep' }), 'the toolbar’s Start AutoML Sweep');
  assert.ok(isWebviewMessage({ type: 'export', format: 'md' }));
  assert.ok(!isWebviewMessage({ type: 'export', format: 'pdf' }));
  assert.ok(!isWebviewMessage({ type: 'ready' }));
  assert.ok(!isWebviewMessage({ type: 'ready', protocolVersion: '1' }));
  assert.ok(!isWebviewMessage({ type: 'openFile', path: '/etc/passwd' }));
  assert.ok(!isWebviewMessage(null));
  assert.ok(!isWebviewMessage('reprofile'));
  assert.ok(!isWebviewMessage([]));
});

test('host messages: a snapshot survives a structured clone; malformed ones are refused', () => {
  assert.ok(isHostMessage(structuredClone({ type: 'snapshot', snapshot })));
  assert.ok(isHostMessage({ type: 'snapshot', snapshot: { ...snapshot, phase: 'loading', profile: null } }));
  assert.ok(isHostMessage({ type: 'progress', progress: { bytesDone: 1, bytesTotal: 2, rowsDone: 3, etaMs: null } }));
  assert.ok(isHostMessage({ type: 'exported', format: 'html', ok: true, message: 'Saved' }));
  assert.ok(!isHostMessage({ type: 'snapshot', snapshot: { ...snapshot, phase: 'done' } }));
  assert.ok(!isHostMessage({ type: 'snapshot', snapshot: { ...snapshot, profile: { rows: 3 } } }));
  assert.ok(!isHostMessage({ type: 'progress', progress: { bytesDone: 1, bytesTotal: 2, rowsDone: 3, etaMs: Number.NaN } }));
  assert.ok(!isHostMessage({ type: 'progress', progress: { bytesDone: 1, bytesTotal: 2, rowsDone: 3 } }));
  assert.ok(!isHostMessage({ type: 'exported', format: 'html', ok: 'yes', message: '' }));
});

test('saved state restores field by field and needs a file', () => {
  assert.equal(parseWebviewState(undefined), undefined);
  assert.equal(parseWebviewState({ filter: 'x' }), undefined);
  assert.equal(parseWebviewState({ fileUri: '' }), undefined);
  const full = {
    fileUri: 'file:///a.csv',
    filter: 'inc',
    typeFilter: 'numeric',
    sortKey: 'missingPct',
    sortDescending: true,
    selectedColumn: 'amount',
    scrollTop: 480,
    tab: 'clean',
    cleanEdits: { 'impute:income': { checked: false, option: 2, params: { constant: '0' } } },
    previewKey: '[{"op":"dropDuplicateRows"}]',
    cleanFilter: 'income',
  };
  assert.deepEqual(parseWebviewState(structuredClone(full)), full);
  // State saved before the Clean tab existed restores with no edits.
  const { cleanEdits: _e, previewKey: _k, cleanFilter: _f, ...older } = full;
  assert.deepEqual(parseWebviewState({ ...older, tab: 'warnings' }), { ...full, tab: 'warnings', cleanEdits: {}, previewKey: null, cleanFilter: '' });
  // A malformed edit is dropped alone; a parameter that is not text is dropped from its edit.
  assert.deepEqual(
    // (__proto__ as an own key, as JSON.parse makes it, must not become the record's prototype.)
    parseWebviewState(JSON.parse('{"fileUri":"file:///a.csv","cleanEdits":{"a":{"checked":"yes","option":0,"params":{}},"b":{"checked":true,"option":1,"params":{"minShare":5,"percent":"50"}},"__proto__":{"checked":true,"option":0,"params":{}}}}'))?.cleanEdits,
    { b: { checked: true, option: 1, params: { percent: '50' } } },
  );
  // Bad fields fall back to their defaults; good ones are kept.
  assert.deepEqual(parseWebviewState({ fileUri: 'file:///a.csv', filter: 3, sortKey: 'rank', scrollTop: -5, tab: 'charts', selectedColumn: 'amount' }), {
    ...defaultWebviewState('file:///a.csv'),
    selectedColumn: 'amount',
  });
});

test('clean messages: the webview may ask for Preview/Apply/code/version actions with well-formed choices only', () => {
  const choices = [{ op: 'dropDuplicateRows' }, { op: 'scale', column: 'income', method: 'robust' }, { op: 'oneHot', column: 'grade', maxCategories: 4 }];
  assert.ok(isWebviewMessage({ type: 'cleanPreview', choices }));
  assert.ok(isWebviewMessage({ type: 'cleanApply', choices: [] }));
  assert.ok(isWebviewMessage({ type: 'exportCode', language: 'python', choices }));
  assert.ok(isWebviewMessage({ type: 'versionAction', action: 'rename' }));
  assert.ok(!isWebviewMessage({ type: 'cleanPreview', choices: [{ op: 'scale', column: 'income', method: 'zscore' }] }));
  assert.ok(!isWebviewMessage({ type: 'cleanPreview', choices: [{ op: 'oneHot', column: 'grade', maxCategories: 0 }] }));
  assert.ok(!isWebviewMessage({ type: 'cleanPreview', choices: [{ op: 'impute', column: '', strategy: 'mean', indicator: false }] }));
  assert.ok(!isWebviewMessage({ type: 'cleanPreview', choices: [{ op: 'dropColumns', columns: [], reason: '' }] }));
  assert.ok(!isWebviewMessage({ type: 'cleanPreview' }));
  assert.ok(!isWebviewMessage({ type: 'exportCode', language: 'r', choices }));
  assert.ok(!isWebviewMessage({ type: 'versionAction', action: 'rm' }));
});

test('clean state from the host: checked shallowly, so a new op from a later core still shows', () => {
  const clean = { ...emptyCleanState(), suggestions: [{ id: 'tokenize:y', column: 'y', evidence: 'x', choice: { op: 'tokenize', column: 'y' }, alternatives: [{ label: 'skip', choice: null }], impact: 1, selected: false }] };
  assert.ok(isHostMessage({ type: 'clean', clean }));
  assert.ok(isHostMessage({ type: 'cleanBusy', busy: 'Applying… 35%' }));
  assert.ok(isHostMessage({ type: 'cleanBusy', busy: null }));
  assert.ok(!isHostMessage({ type: 'cleanBusy', busy: 35 }));
  assert.ok(!isHostMessage({ type: 'clean', clean: { ...emptyCleanState(), preview: { preview: { rows: 'x' } } } }));
  assert.ok(isHostMessage({ type: 'clean', clean: { ...emptyCleanState(), preview: { error: 'Column `x` is missing.' } } }));
  // A snapshot without clean state (an older host) is refused rather than half-drawn.
  const { clean: _c, ...old } = snapshot;
  assert.ok(!isHostMessage({ type: 'snapshot', snapshot: old }));
});
