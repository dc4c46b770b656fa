// The e2e fixture test/e2e/workspace/loans.csv, built deterministically so the numbers the flows expect
// are known by construction, not copied from the profiler's output.
// Regenerate with: node test/e2e/loans.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE_ROWS = 500;
/** Ids whose rows are appended a second time, verbatim: full-row duplicates. */
const DUPLICATED_IDS = [10, 20, 30, 40, 50, 60];

/** What the profile must say about the fixture; every number follows from the rules in `loanRow`. */
export const LOANS = {
  file: 'loans.csv',
  rows: BASE_ROWS + DUPLICATED_IDS.length, // 506
  columns: 9,
  duplicateRows: DUPLICATED_IDS.length, // 6 (rows equal to an earlier row)
  // income is missing when id % 10 === 3: 50 base rows (ids 3, 13, ..., 493), none of them duplicated.
  missingColumn: 'income',
  missingCount: 50,
  constantColumn: 'currency',
};

const GRADES = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
const PURPOSES = ['debt_consolidation', 'credit_card', 'home_improvement', 'car', 'medical', 'small_business'];

// Small fixed LCG (Numerical Recipes constants): same file on every machine and Node version.
function* lcg(seed) {
  let s = seed >>> 0;
  for (;;) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    yield s / 2 ** 32;
  }
}

function loanRow(id, rand) {
  const u = () => rand.next().value;
  const grade = GRADES[Math.min(6, Math.floor(u() * u() * 7))];
  const amount = Math.round((1000 + u() * 34000) / 25) * 25;
  // Missing incomes come in two spellings the default missing tokens both cover: empty and NA.
  const income = id % 10 === 3 ? (id % 20 === 3 ? '' : 'NA') : String(Math.round(22000 + u() * u() * 180000));
  const term = u() < 0.7 ? 36 : 60;
  const purpose = PURPOSES[Math.floor(u() * PURPOSES.length)];
  const day = new Date(Date.UTC(2023, 0, 1) + ((id * 37) % 730) * 86400000).toISOString().slice(0, 10);
  const defaulted = u() < 0.08 + GRADES.indexOf(grade) * 0.04 ? 'true' : 'false';
  return [id, amount, income, term, grade, purpose, day, defaulted, 'USD'].join(',');
}

export function loansCsv() {
  const rand = lcg(20261128);
  const header = 'id,amount,income,term,grade,purpose,issue_date,defaulted,currency';
  const rows = [];
  for (let id = 1; id <= BASE_ROWS; id++) rows.push(loanRow(id, rand));
  for (const id of DUPLICATED_IDS) rows.push(rows[id - 1]);
  return `${header}\n${rows.join('\n')}\n`;
}

export const loansPath = join(dirname(fileURLToPath(import.meta.url)), 'workspace', LOANS.file);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(loansPath, loansCsv());
  process.stdout.write(`wrote ${loansPath}\n`);
}
