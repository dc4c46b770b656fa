// Reading the Data Quality report as the user sees it: the webview's text, shadow roots included.
import assert from 'node:assert/strict';
import { LOANS } from './loans.mjs';
import { hasNumber, waitForReport } from './workbench.mjs';

const COLUMN_NAMES = ['id', 'amount', 'income', 'term', 'grade', 'purpose', 'issue_date', 'defaulted', 'currency'];

/** The report of loans.csv once the full pass has rendered: row count, every column and the warnings. */
export function reportReady(page) {
  return waitForReport(page, LOANS.file, (text) =>
    text.includes(LOANS.file) && hasNumber(text, LOANS.rows) && COLUMN_NAMES.every((c) => text.includes(c)) && /constant/i.test(text),
  );
}

/** The slice of the report text that belongs to one column's row in the column list. */
export function columnSlice(text, column) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === column);
  if (start < 0) return '';
  const next = lines.findIndex((l, i) => i > start && COLUMN_NAMES.includes(l) && l !== column);
  return lines.slice(start, next < 0 ? start + 12 : next).join('\n');
}

export function assertReport(text) {
  assert.ok(hasNumber(text, LOANS.rows), `report shows ${LOANS.rows} rows`);
  assert.ok(hasNumber(text, LOANS.columns), `report shows ${LOANS.columns} columns`);
  assert.ok(hasNumber(text, LOANS.duplicateRows), `report shows ${LOANS.duplicateRows} duplicate rows`);
  const income = columnSlice(text, LOANS.missingColumn);
  assert.ok(hasNumber(income, LOANS.missingCount), `income row shows ${LOANS.missingCount} missing:\n${income}`);
  assert.match(text, /constant/i, 'report warns about the constant column');
  assert.ok(text.includes(LOANS.constantColumn), 'the constant warning names currency');
}
