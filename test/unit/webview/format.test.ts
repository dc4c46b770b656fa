import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  approx,
  formatBytes,
  formatCorrelation,
  formatCount,
  formatDate,
  formatDuration,
  formatExtreme,
  formatNumber,
  formatPercent,
  messageParts,
  plural,
  previewBannerText,
  progressPercent,
} from '../../../src/protocol/profileFormat.js';

test('counts are grouped and whole', () => {
  assert.equal(formatCount(12480), '12,480');
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(1_234_567.6), '1,234,568');
  assert.equal(formatCount(Number.NaN), '—');
});

test('statistics keep fewer decimals as they grow', () => {
  assert.equal(formatNumber(106240.5), '106,240.5');
  assert.equal(formatNumber(2_000_000), '2,000,000');
  assert.equal(formatNumber(13.2), '13.2');
  assert.equal(formatNumber(3.14159), '3.142');
  assert.equal(formatNumber(0.012345), '0.01235');
  assert.equal(formatNumber(-10000), '−10,000');
  assert.equal(formatNumber(1.5e-7), '1.50e-7');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(null), '—');
  assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞');
});

test('percentages: tiny shares stay visible and nothing short of all reads 100%', () => {
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(0.004), '<0.01%');
  assert.equal(formatPercent(0.2804), '0.28%');
  assert.equal(formatPercent(17.9968), '18.0%');
  assert.equal(formatPercent(95.2724), '95.3%');
  assert.equal(formatPercent(99.97), '>99.9%');
  assert.equal(formatPercent(100), '100%');
});

test('approximate values carry the ≈ mark', () => {
  assert.equal(approx('6,874', true), '≈6,874');
  assert.equal(approx('6,874', false), '6,874');
});

test('bytes, durations and dates', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(2_318_944), '2.2 MB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GB');
  assert.equal(formatDuration(412), '412 ms');
  assert.equal(formatDuration(8_400), '8 s');
  assert.equal(formatDuration(125_000), '2 min 5 s');
  assert.equal(formatDuration(3_780_000), '1 h 3 min');
  assert.equal(formatDate('2015-01-01T00:00:00.000Z'), '2015-01-01');
  assert.equal(formatDate(Date.UTC(2019, 11, 1, 13, 5, 9)), '2019-12-01 13:05:09');
  assert.equal(formatDate('not a date'), 'not a date');
  assert.equal(formatExtreme('2015-01-01T00:00:00.000Z', true), '2015-01-01');
  assert.equal(formatExtreme(5.31, false), '5.31');
  assert.equal(formatExtreme(null, false), '—');
});

test('correlations have two decimals and a true minus', () => {
  assert.equal(formatCorrelation(0.953), '0.95');
  assert.equal(formatCorrelation(-0.07), '−0.07');
  assert.equal(formatCorrelation(null), '—');
});

test('progress and the preview banner', () => {
  assert.equal(progressPercent(45, 100), 45);
  assert.equal(progressPercent(100, 100), 99);
  assert.equal(progressPercent(5, 0), 0);
  assert.equal(
    previewBannerText(1000, { bytesDone: 450, bytesTotal: 1000, etaMs: 8000 }),
    'Preview of the first 1,000 rows — full profile 45%, about 8 s left',
  );
  assert.equal(previewBannerText(1000, { bytesDone: 0, bytesTotal: 1000, etaMs: null }), 'Preview of the first 1,000 rows — full profile 0%');
  assert.equal(previewBannerText(20, null), 'Preview of the first 20 rows — full profile running…');
  assert.equal(plural(1, 'warning'), '1 warning');
  assert.equal(plural(3, 'warning'), '3 warnings');
});

test('compact axis ticks', async () => {
  const { formatCompact } = await import('../../../src/protocol/profileFormat.js');
  assert.equal(formatCompact(102_496.8), '102K');
  assert.equal(formatCompact(2_000_000), '2M');
  assert.equal(formatCompact(5.31), '5.31');
  assert.equal(formatCompact(-0.5), '−0.5');
  assert.equal(formatCompact(0), '0');
  assert.equal(formatCompact(0.0002), '2.0e-4');
});

test('messageParts splits backtick-quoted names into code parts and keeps the text whole', () => {
  assert.deepEqual(messageParts('`income`: 19.8% missing'), [
    { text: 'income', code: true },
    { text: ': 19.8% missing', code: false },
  ]);
  assert.deepEqual(messageParts('`a` and `b` are correlated'), [
    { text: 'a', code: true },
    { text: ' and ', code: false },
    { text: 'b', code: true },
    { text: ' are correlated', code: false },
  ]);
  // An unbalanced backtick (a name containing one) is shown as written, not half-formatted.
  assert.deepEqual(messageParts('`x`y` is odd'), [{ text: '`x`y` is odd', code: false }]);
  assert.deepEqual(messageParts('no names'), [{ text: 'no names', code: false }]);
});
