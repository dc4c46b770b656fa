// How profile numbers are written for people. The panel and the exported reports share these so a
// number reads the same wherever it is shown. Pure string functions: no DOM, no locale of the machine
// (reports must not change with the reader's settings, tests must not change with the CI's).

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const threeDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const fourSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

export const APPROX = '≈';

/** Whole counts: 12480 -> "12,480". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return grouped.format(Math.round(n));
}

/** A statistic: precision shrinks as magnitude grows; tiny and huge values go exponential. */
export function formatNumber(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const abs = Math.abs(x);
  let text: string;
  if (abs >= 1e15 || abs < 1e-4) text = x.toExponential(2);
  else if (abs >= 1e6) text = grouped.format(x);
  else if (abs >= 1000) text = oneDecimal.format(x);
  else if (abs >= 1) text = threeDecimals.format(x);
  else text = fourSignificant.format(x);
  // A true minus sign reads better in tables and is what the charts use.
  return text.replace(/^-/, '−');
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** Axis ticks, where space is short: 102496.8 -> "102K", 5.31 -> "5.31", -0.5 -> "−0.5". */
export function formatCompact(x: number): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(1).replace(/^-/, '−');
  return compact.format(x).replace(/^-/, '−');
}

/** A share in 0..100: "0%", "<0.01%", "0.28%", "18.0%", ">99.9%", "100%". */
export function formatPercent(pct: number): string {
  if (!Number.isFinite(pct)) return '—';
  if (pct <= 0) return '0%';
  if (pct >= 100) return '100%';
  if (pct < 0.01) return '<0.01%';
  if (pct < 1) return `${pct.toFixed(2)}%`;
  const one = pct.toFixed(1);
  return one === '100.0' ? '>99.9%' : `${one}%`;
}

/** Marks a value counted from a sketch: "≈12,480". */
export function approx(text: string, isApprox: boolean): string {
  return isApprox ? `${APPROX}${text}` : text;
}

/** File sizes in binary units, the way VS Code shows them: 2318944 -> "2.2 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u] ?? 'TB'}`;
}

/** Durations for people: "412 ms", "8 s", "2 min 5 s", "1 h 3 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return s % 60 ? `${min} min ${s % 60} s` : `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

/** Datetime values arrive as ISO strings (min/max) or epoch ms (histogram edges); midnight drops the time. */
export function formatDate(value: string | number): string {
  const d = typeof value === 'number' ? new Date(value) : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const iso = d.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

/** A column's min or max, whatever its type. */
export function formatExtreme(value: number | string | null, isDate: boolean): string {
  if (value === null) return '—';
  if (typeof value === 'number') return isDate ? formatDate(value) : formatNumber(value);
  return isDate ? formatDate(value) : value;
}

/** Correlation coefficients: two decimals with a true minus sign, "—" when undefined. */
export function formatCorrelation(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '—';
  return r.toFixed(2).replace(/^-/, '−');
}

/** Whole-percent progress through the file, 0..100, never 100 before the pass ends. */
export function progressPercent(bytesDone: number, bytesTotal: number): number {
  if (!(bytesTotal > 0)) return 0;
  return Math.max(0, Math.min(99, Math.floor((bytesDone / bytesTotal) * 100)));
}

/** "Preview of the first 1,000 rows — full profile 45%, about 8 s left". */
export function previewBannerText(previewRows: number, progress: { bytesDone: number; bytesTotal: number; etaMs: number | null } | null): string {
  const head = `Preview of the first ${formatCount(previewRows)} rows`;
  if (!progress) return `${head} — full profile running…`;
  const pct = progressPercent(progress.bytesDone, progress.bytesTotal);
  const eta = progress.etaMs === null ? '' : `, about ${formatDuration(Math.max(1000, progress.etaMs))} left`;
  return `${head} — full profile ${pct}%${eta}`;
}

/** "1 warning", "3 warnings". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

export interface MessagePart {
  text: string;
  code: boolean;
}

/**
 * Warning messages are plain text that quote column names in backticks, Markdown style. Renderers that
 * can show inline code split them here and still insert every part as text, never as markup.
 */
export function messageParts(message: string): MessagePart[] {
  const pieces = message.split('`');
  // An odd number of backticks (a name that contains one) is shown exactly as written.
  if (pieces.length % 2 === 0) return [{ text: message, code: false }];
  return pieces.map((text, i) => ({ text, code: i % 2 === 1 })).filter((p) => p.text !== '');
}

/** The last part of a path, '/' or '\\' separated: reports name the file, never its folders. */
export function fileName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}
