import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveActive, nextSort, queryColumns, scrollToReveal, visibleRange, warningsByColumn } from '../../../webview/dataQuality/columnQuery.js';
import type { ColumnQuery } from '../../../webview/dataQuality/columnQuery.js';
import { loansProfile } from '../../fixtures/profiles/loans.js';
import { wideProfile } from '../../fixtures/profiles/wide.js';

const all: ColumnQuery = { filter: '', typeFilter: '', sortKey: 'index', sortDescending: false };
const names = (q: Partial<ColumnQuery>): string[] => queryColumns(loansProfile.columns, { ...all, ...q }, warningsByColumn(loansProfile)).map((c) => c.name);

test('warnings are counted per column, pairs for both sides, worst severity kept', () => {
  const w = warningsByColumn(loansProfile);
  assert.equal(w.get('annual_income')?.count, 2);
  assert.equal(w.get('annual_income')?.worst, 'warning');
  assert.equal(w.get('installment')?.count, 1);
  assert.equal(w.get('notes')?.worst, 'error');
  assert.equal(w.get('loan_id')?.worst, 'info');
  assert.equal(w.get('grade'), undefined);
});

test('filter matches names case-insensitively and by type', () => {
  assert.deepEqual(names({ filter: 'INC' }), ['annual_income']);
  assert.deepEqual(names({ filter: '  _id ' }), ['loan_id']);
  assert.deepEqual(names({ typeFilter: 'text' }), ['purpose_desc', 'revol_util', 'notes']);
  assert.deepEqual(names({ typeFilter: 'numeric', filter: 'e' }), ['installment', 'interest_rate', 'annual_income', 'emp_length']);
  assert.deepEqual(names({ filter: 'nothing like it' }), []);
});

test('sorting by each key, ties in file order', () => {
  assert.deepEqual(names({ sortKey: 'missingPct', sortDescending: true }).slice(0, 6), ['notes', 'purpose_desc', 'emp_length', 'annual_income', 'interest_rate', 'home_ownership']);
  // Ties (0% missing) keep file order even when descending.
  assert.deepEqual(names({ sortKey: 'missingPct', sortDescending: true }).slice(6, 9), ['loan_id', 'issue_date', 'amount']);
  assert.deepEqual(names({ sortKey: 'distinct' }).slice(0, 3), ['country', 'term', 'defaulted']);
  assert.deepEqual(names({ sortKey: 'name' }).slice(0, 4), ['amount', 'annual_income', 'country', 'defaulted']);
  assert.deepEqual(names({ sortKey: 'type', typeFilter: '' }).slice(0, 6), ['loan_id', 'amount', 'installment', 'interest_rate', 'annual_income', 'emp_length']);
  // Worst severity first, then more warnings: notes (error); then annual_income (2 warnings) before the single-warning ones.
  assert.deepEqual(names({ sortKey: 'warnings', sortDescending: true }).slice(0, 2), ['notes', 'annual_income']);
  assert.deepEqual(names({ sortKey: 'index', sortDescending: true }).slice(0, 2), ['notes', 'country']);
});

test('names sort naturally: feature_10 after feature_9', () => {
  const wide = wideProfile(12);
  const sorted = queryColumns(wide.columns, { ...all, sortKey: 'name', sortDescending: true }, new Map()).map((c) => c.name);
  assert.deepEqual(sorted.slice(0, 3), ['feature_0011', 'feature_0010', 'feature_0009']);
  const plain = [{ ...wide.columns[0]!, name: 'x10' }, { ...wide.columns[1]!, name: 'x9' }, { ...wide.columns[2]!, name: 'X1' }];
  assert.deepEqual(queryColumns(plain, { ...all, sortKey: 'name' }, new Map()).map((c) => c.name), ['X1', 'x9', 'x10']);
});

test('the query does not reorder the profile it was given', () => {
  const before = loansProfile.columns.map((c) => c.name);
  names({ sortKey: 'name', sortDescending: true });
  assert.deepEqual(loansProfile.columns.map((c) => c.name), before);
});

test('clicking a sort key flips it; a new key starts in its natural direction', () => {
  assert.deepEqual(nextSort({ sortKey: 'index', sortDescending: false }, 'index'), { sortKey: 'index', sortDescending: true });
  assert.deepEqual(nextSort({ sortKey: 'index', sortDescending: true }, 'missingPct'), { sortKey: 'missingPct', sortDescending: true });
  assert.deepEqual(nextSort({ sortKey: 'missingPct', sortDescending: true }, 'name'), { sortKey: 'name', sortDescending: false });
  assert.deepEqual(nextSort({ sortKey: 'name', sortDescending: false }, 'warnings'), { sortKey: 'warnings', sortDescending: true });
});

test('visible range: the rows in the viewport plus overscan, clamped to the list', () => {
  // 26 px rows, 520 px viewport = 20 rows; scrolled to row 100.
  assert.deepEqual(visibleRange(2600, 520, 26, 5000, 6), { start: 94, end: 126 });
  assert.deepEqual(visibleRange(0, 520, 26, 5000, 6), { start: 0, end: 26 });
  assert.deepEqual(visibleRange(0, 520, 26, 15, 6), { start: 0, end: 15 });
  // Scrolled past the end (the list just shrank): the last 20 rows, not an empty window.
  assert.deepEqual(visibleRange(999_999, 520, 26, 5000, 6), { start: 4974, end: 5000 });
  assert.deepEqual(visibleRange(0, 520, 26, 0), { start: 0, end: 0 });
});

test('arrow keys, paging and Home/End move the active row within bounds', () => {
  assert.equal(moveActive(-1, 'ArrowDown', 10, 5), 0);
  assert.equal(moveActive(3, 'ArrowDown', 10, 5), 4);
  assert.equal(moveActive(9, 'ArrowDown', 10, 5), 9);
  assert.equal(moveActive(0, 'ArrowUp', 10, 5), 0);
  assert.equal(moveActive(4, 'ArrowUp', 10, 5), 3);
  assert.equal(moveActive(4, 'PageDown', 10, 5), 9);
  assert.equal(moveActive(8, 'PageDown', 10, 5), 9);
  assert.equal(moveActive(3, 'PageUp', 10, 5), 0);
  assert.equal(moveActive(4, 'Home', 10, 5), 0);
  assert.equal(moveActive(4, 'End', 10, 5), 9);
  assert.equal(moveActive(4, 'a', 10, 5), undefined);
  assert.equal(moveActive(0, 'ArrowDown', 0, 5), undefined);
});

test('scrollToReveal scrolls only as far as needed', () => {
  // Row 10 is at 260..286; viewport 100 px.
  assert.equal(scrollToReveal(10, 26, 0, 100), 186);
  assert.equal(scrollToReveal(10, 26, 300, 100), 260);
  assert.equal(scrollToReveal(10, 26, 200, 100), 200);
});
