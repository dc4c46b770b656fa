// A large CSV for the cancel flow: the loans rows over and over with fresh ids, written in big chunks so
// a few hundred MB take seconds, not minutes. Only its size matters: profiling it must outlast a click.
import { closeSync, openSync, writeSync } from 'node:fs';
import { loansCsv } from './loans.mjs';

export function writeBigLoans(path, targetBytes) {
  const [header, ...rows] = loansCsv().trimEnd().split('\n');
  const tails = rows.map((r) => r.slice(r.indexOf(',')));
  const fd = openSync(path, 'w');
  let written = 0;
  let id = 0;
  try {
    written += writeSync(fd, `${header}\n`);
    while (written < targetBytes) {
      const lines = [];
      for (let rep = 0; rep < 40; rep++) for (const t of tails) lines.push(`${++id}${t}`);
      written += writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
  return { bytes: written, rows: id };
}
