import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, renderProfileMarkdown } from '../../../src/core/profile/report/index.js';
import { loansPreview, loansProfile } from '../../fixtures/profiles/loans.js';
import { hostileProfile } from '../../fixtures/profiles/hostile.js';

/** Cell separators in a table line: pipes not preceded by a backslash. */
function separators(line: string): number {
  return (line.match(/(?<!\\)\|/g) ?? []).length;
}

function tableAfter(md: string, heading: string): string[] {
  const lines = md.split('\n');
  const start = lines.indexOf(heading);
  assert.notEqual(start, -1, `no ${heading}`);
  const out: string[] = [];
  for (let i = start + 2; i < lines.length && (lines[i] ?? '').startsWith('|'); i++) out.push(lines[i] ?? '');
  return out;
}

test('the loans Markdown has overview, warnings, columns and the one strong correlation', () => {
  const md = renderProfileMarkdown(loansProfile);
  assert.ok(md.startsWith('# Data Quality: loans.csv\n'));
  assert.ok(md.includes('| Rows | 12,480 |'));
  assert.ok(md.includes('| Columns | 15 |'));
  assert.ok(md.includes('| Missing cells | 10.6% |'));
  assert.ok(md.includes('| Duplicate rows | 37 |'));
  assert.ok(md.includes('| Warnings | 2 errors, 7 warnings, 2 notes |'));
  assert.ok(md.includes('| Ragged rows | 2 (expected 15 fields) |'));

  const warnings = tableAfter(md, '## Warnings');
  assert.equal(warnings.length, 2 + 11);
  assert.ok(warnings[2]?.startsWith('| ⛔ Error |'));
  assert.ok(warnings.at(-1)?.startsWith('| ℹ️ Info |'));

  const columns = tableAfter(md, '## Columns');
  assert.equal(columns.length, 2 + 15);
  // Underscores are escaped so names do not turn italic.
  assert.ok(columns.includes('| 10 | emp\\_length | numeric | 18.0% | 11 | min 0, median 6, max 10, mean 5.71 |'));
  assert.ok(columns.includes('| 7 | grade | categorical | 0% | 7 | top “B” (29.2%) |'));
  assert.ok(columns.includes('| 11 | purpose\\_desc | text | 41.9% | ≈6,874 | top “Debt consolidation” (5.7%) |'));
  assert.ok(columns.includes('| 2 | issue\\_date | datetime | 0% | 60 | min 2015-01-01, max 2019-12-01 |'));

  const corr = tableAfter(md, '## Correlations of note');
  assert.deepEqual(corr.slice(2), ['| amount | installment | 0.95 |']);
});

test('a preview says so', () => {
  assert.match(renderProfileMarkdown(loansPreview), /\*\*Preview:\*\* profiled from the first 1,000 rows only/);
});

test('hostile cells cannot add columns, rows, links or HTML', () => {
  const md = renderProfileMarkdown(hostileProfile);
  assert.doesNotMatch(md, /<img|<script|<\/script|<svg|<\/style/i);
  assert.doesNotMatch(md, /(?<!\\)\]\(javascript:/);
  const lines = md.split('\n');
  // The newline inside a value must not start a row of its own.
  assert.ok(!lines.some((l) => l.startsWith('| injected')));
  for (const heading of ['## Overview', '## Warnings', '## Columns', '## Correlations of note']) {
    const rows = tableAfter(md, heading);
    const width = separators(rows[0] ?? '');
    assert.ok(rows.length >= 3, heading);
    for (const r of rows) assert.equal(separators(r), width, `${heading}: ${r}`);
  }
});

test('escapeMarkdown escapes pipes, markup and HTML, and flattens new lines', () => {
  assert.equal(escapeMarkdown('a|b'), 'a\\|b');
  assert.equal(escapeMarkdown('*x* _y_ `z` [l](u) ~s~'), '\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\~s\\~');
  assert.equal(escapeMarkdown('<b>&'), '&lt;b&gt;&amp;');
  assert.equal(escapeMarkdown('one\ntwo\r\nthree'), 'one two three');
  assert.equal(escapeMarkdown('back\\slash'), 'back\\\\slash');
});
