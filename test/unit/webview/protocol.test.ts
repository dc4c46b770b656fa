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
  const full = { fileUri: 'file:///a.csv', filter: 'inc', typeFilter: 'numeric', sortKey: 'missingPct', sortDescending: true, selectedColumn: 'amount', scrollTop: 480, tab: 'warnings' };
  assert.deepEqual(parseWebviewState(structuredClone(full)), full);
  // Bad fields fall back to their defaults; good ones are kept.
  assert.deepEqual(parseWebviewState({ fileUri: 'file:///a.csv', filter: 3, sortKey: 'rank', scrollTop: -5, tab: 'charts', selectedColumn: 'amount' }), {
    ...defaultWebviewState('file:///a.csv'),
    selectedColumn: 'amount',
  });
});
