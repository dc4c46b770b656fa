// The Drift Report panel's protocol: the shape check on reports read back from disk, saved state, table
// order and the numbers' text (expected strings worked out by hand).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPValue, formatStat, isDriftWebviewMessage, missingText, orderFeatures, parseDriftReport, parseDriftState, testText } from '../../../src/protocol/driftPanel.js';
import type { DriftReport, FeatureDrift } from '../../../src/protocol/deploy.js';

const feature = (name: string, drifted: boolean, psi: number): FeatureDrift => ({
  name,
  kind: 'numeric',
  drifted,
  reasons: drifted ? [`PSI ${psi} ≥ 0.2`] : [],
  psi,
  ks: { statistic: 0.5, pValue: 1e-20 },
  missingRate: { reference: 0, current: 0.1 },
  unseen: null,
  bins: [{ label: '[0, 1)', reference: 0.5, current: 0.1 }, { label: '[1, 2)', reference: 0.5, current: 0.9 }],
});

const report: DriftReport = {
  format: 'mllab-drift',
  schemaVersion: 1,
  drifted: true,
  verdict: '1 of 2 features drifted: a',
  model: { path: '/m.json', experimentId: 'e1' },
  reference: { path: '/ref.csv', sha256: null, rows: 10 },
  current: { path: '/cur.csv', rows: 10 },
  thresholds: { psi: 0.2, pValue: 0.01, effect: 0.1 },
  features: [feature('b', false, 0.01), feature('a', true, 0.5)],
  prediction: null,
  created: '2026-11-28T09:00:00Z',
};

test('parseDriftReport accepts a report and refuses broken or newer ones', () => {
  assert.equal(parseDriftReport(JSON.parse(JSON.stringify(report))) !== null, true);
  assert.equal(parseDriftReport({ ...report, format: 'other' }), null);
  assert.equal(parseDriftReport({ ...report, schemaVersion: 2 }), null);
  assert.equal(parseDriftReport({ ...report, features: [{ ...feature('x', true, 1), bins: [{ label: 'a', reference: '1', current: 0 }] }] }), null);
  assert.equal(parseDriftReport({ ...report, prediction: { name: 'p' } }), null);
  assert.equal(parseDriftReport(null), null);
});

test('parseDriftState and webview messages', () => {
  assert.deepEqual(parseDriftState({ reportPath: '/r.json', selected: 'age' }), { reportPath: '/r.json', selected: 'age' });
  assert.deepEqual(parseDriftState({ reportPath: '/r.json', selected: 3 }), { reportPath: '/r.json', selected: null });
  assert.equal(parseDriftState({ reportPath: '' }), undefined);
  assert.equal(parseDriftState('x'), undefined);
  assert.equal(isDriftWebviewMessage({ type: 'ready', protocolVersion: 1 }), true);
  assert.equal(isDriftWebviewMessage({ type: 'ready' }), false);
  assert.equal(isDriftWebviewMessage({ type: 'exportJson' }), true);
  assert.equal(isDriftWebviewMessage({ type: 'delete' }), false);
});

test('orderFeatures: drifted first, then larger PSI, then name', () => {
  const order = orderFeatures([feature('c', false, 0.05), feature('b', true, 0.3), feature('a', false, 0.05), feature('d', true, 0.9)]);
  assert.deepEqual(order.map((f) => f.name), ['d', 'b', 'a', 'c']);
});

test('number text', () => {
  assert.equal(formatStat(0.41234), '0.412');
  assert.equal(formatStat(31.25), '31.3');
  assert.equal(formatStat(0), '0');
  assert.equal(formatStat(0.00012), '1.2e-4');
  assert.equal(formatPValue(0.0123), '0.012');
  assert.equal(formatPValue(0.00042), '4.2e-4');
  assert.equal(formatPValue(1e-300), '< 1e-16');
  assert.equal(formatPValue(null), '—');
  assert.equal(missingText({ reference: 0.02, current: 0.155 }), '2.0% → 15.5%');
  assert.equal(missingText({ reference: 0, current: 0 }), '0.0%');
  assert.deepEqual(testText(feature('a', true, 1)), { test: 'KS 0.5', pValue: 1e-20 });
  const cat: FeatureDrift = { ...feature('r', true, 1), kind: 'categorical', ks: undefined, chi2: { statistic: 31.2, pValue: 0.001, dof: 3, cramersV: 0.3 } } as FeatureDrift;
  delete (cat as { ks?: unknown }).ks;
  assert.deepEqual(testText(cat), { test: 'χ² 31.2 (df 3)', pValue: 0.001 });
});
