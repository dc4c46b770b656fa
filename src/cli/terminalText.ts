// What the CLI prints for people: the summary after a profile and the progress line while it runs.
// Column names and values come from the data, so control characters are escaped before they reach the
// terminal (a header can carry an ANSI escape sequence that rewrites the screen).
import type { ColumnProfile, DatasetProfile, ProfileProgress } from '../protocol/profile.js';
import { approx, formatBytes, formatCount, formatDuration, formatExtreme, formatNumber, formatPercent, plural, progressPercent } from '../protocol/profileFormat.js';

export function safeText(text: string, max = Infinity): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return [...escaped].length > max ? [...escaped].slice(0, max - 1).join('') + '…' : escaped;
}

export function progressLine(p: ProfileProgress, width = 24): string {
  const pct = progressPercent(p.bytesDone, p.bytesTotal);
  const filled = Math.round((pct / 100) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  return `${bar} ${progressMessage(p)}`;
}

/** "42% · 450 MB of 1.0 GB · about 8 s left" (the extension's notification says the same). */
export function progressMessage(p: ProfileProgress): string {
  const parts = [`${progressPercent(p.bytesDone, p.bytesTotal)}%`, `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`];
  // Before 1% of the file the rate is mostly start-up cost, and the estimate says hours: leave it out.
  if (p.etaMs !== null && p.bytesDone >= p.bytesTotal / 100) parts.push(`about ${formatDuration(Math.max(1000, p.etaMs))} left`);
  return parts.join(' · ');
}

export function summaryText(profile: DatasetProfile, fileLabel: string): string {
  const lines: string[] = [];
  lines.push(`${safeText(fileLabel)}  ${formatBytes(profile.bytes)}`);
  lines.push(
    [
      plural(profile.rows, 'row'),
      plural(profile.columnCount, 'column'),
      `${approx(formatCount(profile.duplicateRows), profile.duplicateRowsApprox)} duplicate ${profile.duplicateRows === 1 ? 'row' : 'rows'}`,
      `${formatPercent(profile.missingPct)} of cells missing`,
    ].join(' · '),
  );
  const delimiter = profile.dialect.delimiter === '\t' ? 'tab' : safeText(profile.dialect.delimiter);
  lines.push(`Delimiter ${delimiter} · ${profile.dialect.encoding}${profile.ragged.count ? ` · ${plural(profile.ragged.count, 'ragged row')}` : ''} · profiled in ${formatDuration(profile.run.elapsedMs)} on ${plural(profile.run.threads, 'thread')}`);
  lines.push('');
  lines.push(...columnTable(profile.columns));
  lines.push('');
  if (profile.warnings.length === 0) lines.push('No warnings.');
  else {
    lines.push(`Warnings (${formatCount(profile.warnings.length)})`);
    for (const w of profile.warnings) {
      // Messages already name their column.
      lines.push(`  ${w.severity.padEnd(7)} ${safeText(w.message)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function columnTable(columns: ColumnProfile[]): string[] {
  const header = ['#', 'column', 'type', 'missing', 'distinct', 'min', 'max', 'mean'];
  const rows = columns.map((c) => {
    const isDate = c.type === 'datetime';
    return [
      String(c.index + 1),
      safeText(c.name, 28),
      c.type,
      formatPercent(c.missingPct),
      approx(formatCount(c.distinct), c.distinctApprox),
      safeText(formatExtreme(c.min, isDate), 20),
      safeText(formatExtreme(c.max, isDate), 20),
      c.mean === null || isDate ? '—' : formatNumber(c.mean),
    ];
  });
  const widths = header.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...(r[i] ?? '')].length)));
  const numeric = new Set([0, 3, 4, 5, 6, 7]);
  const render = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - [...cell].length));
        return numeric.has(i) ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [render(header), ...rows.map(render)];
}
