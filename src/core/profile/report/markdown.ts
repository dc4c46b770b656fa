// The Markdown report: overview, columns table, warnings and the correlations worth a look. Fits a pull
// request or a wiki page. Every data string passes through escapeMarkdown (pipes, markup, raw HTML).
import type { ColumnProfile, DatasetProfile, WarningSeverity } from '../../../protocol/profile.js';
import {
  approx,
  formatBytes,
  formatCorrelation,
  formatCount,
  formatExtreme,
  formatNumber,
  formatPercent,
  fileName,
} from '../../../protocol/profileFormat.js';
import { escapeMarkdown } from './escape.js';

/** Pairs at or above this |r| are listed; the HTML report has the full matrix. */
const NOTABLE_CORRELATION = 0.5;
const MAX_PAIRS = 20;

const SEVERITY_LABEL: Record<WarningSeverity, string> = { error: '⛔ Error', warning: '⚠️ Warning', info: 'ℹ️ Info' };
const SEVERITY_ORDER: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };


function table(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [line(header), line(rule), ...rows.map(line)].join('\n');
}

function summaryValue(c: ColumnProfile): string {
  const isDate = c.type === 'datetime';
  if (c.type === 'numeric' || isDate) {
    const parts: string[] = [];
    if (c.min !== null) parts.push(`min ${escapeMarkdown(formatExtreme(c.min, isDate))}`);
    if (c.quantiles) parts.push(`median ${formatNumber(c.quantiles.p50)}`);
    if (c.max !== null) parts.push(`max ${escapeMarkdown(formatExtreme(c.max, isDate))}`);
    if (c.mean !== null) parts.push(`mean ${formatNumber(c.mean)}`);
    return parts.join(', ');
  }
  const top = c.top[0];
  if (!top) return '';
  const share = c.count > 0 ? ` (${formatPercent((top.count / c.count) * 100)})` : '';
  return `top ${top.value === '' ? '(empty)' : `“${escapeMarkdown(top.value)}”`}${share}`;
}

export function renderProfileMarkdown(profile: DatasetProfile): string {
  const p = profile;
  const out: string[] = [];
  out.push(`# Data Quality: ${escapeMarkdown(fileName(p.file.path))}`, '');
  if (p.preview) out.push(`> **Preview:** profiled from the first ${formatCount(p.rows)} rows only; the full profile was not finished.`, '');
  // Never data at the start of a line, where `#`, `-` or `1.` would start a block.
  out.push(`File: ${escapeMarkdown(fileName(p.file.path))} · ${formatBytes(p.file.size)}`, '');

  const counts = { error: 0, warning: 0, info: 0 };
  for (const w of p.warnings) counts[w.severity]++;
  out.push('## Overview', '');
  out.push(
    table(
      ['Measure', 'Value'],
      [
        ['Rows', formatCount(p.rows)],
        ['Columns', formatCount(p.columnCount)],
        ['Missing cells', formatPercent(p.missingPct)],
        ['Duplicate rows', approx(formatCount(p.duplicateRows), p.duplicateRowsApprox)],
        ['Warnings', `${formatCount(counts.error)} errors, ${formatCount(counts.warning)} warnings, ${formatCount(counts.info)} notes`],
        ...(p.ragged.count > 0 ? [['Ragged rows', `${formatCount(p.ragged.count)} (expected ${formatCount(p.ragged.expectedFields)} fields)`]] : []),
      ],
      ['l', 'r'],
    ),
    '',
  );

  out.push('## Warnings', '');
  if (p.warnings.length === 0) out.push('No warnings.', '');
  else {
    const sorted = [...p.warnings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
    out.push(
      table(
        ['Severity', 'Column', 'Message'],
        sorted.map((w) => {
          const cols = [w.column, ...w.columns].filter((c): c is string => c !== null);
          return [SEVERITY_LABEL[w.severity], cols.length ? cols.map(escapeMarkdown).join(', ') : '(dataset)', escapeMarkdown(w.message)];
        }),
        ['l', 'l', 'l'],
      ),
      '',
    );
  }

  out.push('## Columns', '');
  out.push(
    table(
      ['#', 'Column', 'Type', 'Missing', 'Distinct', 'Summary'],
      p.columns.map((c) => [
        String(c.index + 1),
        escapeMarkdown(c.name),
        c.type,
        formatPercent(c.missingPct),
        approx(formatCount(c.distinct), c.distinctApprox),
        summaryValue(c),
      ]),
      ['r', 'l', 'l', 'r', 'r', 'l'],
    ),
    '',
  );

  const { columns, matrix, note } = p.correlations;
  const pairs: { a: string; b: string; r: number }[] = [];
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      const r = matrix[i]?.[j];
      if (typeof r === 'number' && Number.isFinite(r) && Math.abs(r) >= NOTABLE_CORRELATION) pairs.push({ a: columns[i] ?? '', b: columns[j] ?? '', r });
    }
  }
  pairs.sort((x, y) => Math.abs(y.r) - Math.abs(x.r));
  out.push('## Correlations of note', '');
  if (columns.length < 2) out.push('Fewer than two numeric columns: nothing to correlate.', '');
  else if (pairs.length === 0) out.push(`No pair of numeric columns has |r| ≥ ${NOTABLE_CORRELATION}.`, '');
  else {
    out.push(
      table(
        ['Column', 'Column', 'r'],
        pairs.slice(0, MAX_PAIRS).map((x) => [escapeMarkdown(x.a), escapeMarkdown(x.b), formatCorrelation(x.r)]),
        ['l', 'l', 'r'],
      ),
      '',
    );
    if (pairs.length > MAX_PAIRS) out.push(`…and ${formatCount(pairs.length - MAX_PAIRS)} more pairs with |r| ≥ ${NOTABLE_CORRELATION}.`, '');
  }
  if (note) out.push(`_${escapeMarkdown(note)}_`, '');

  out.push(`---`, `Generated by ML Lab ${escapeMarkdown(p.run.engineVersion)}.`, '');
  return out.join('\n');
}
