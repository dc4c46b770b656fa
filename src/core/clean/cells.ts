// How cleaning reads and writes one cell. Every rule here is mirrored, character for character, in the
// exported Python script (exportPython.ts), so both give the same output: keep them simple and explicit.

/** A cell while a row goes through the steps: text as read, a number once a step parsed it, null = missing. */
export type Cell = string | number | null;

/** Spaces, tabs and line breaks only (Python: `s.strip(' \t\r\n')`), so both sides trim the same characters. */
export function trimCell(s: string): string {
  const n = s.length;
  // Most cells have nothing to trim: skip the regular expression for them.
  if (n === 0 || (!isSpace(s.charCodeAt(0)) && !isSpace(s.charCodeAt(n - 1)))) return s;
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

export const NUMBER_PATTERN = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A number written plainly (after trimming), else NaN. */
export function parsePlainNumber(s: string): number {
  const t = trimCell(s);
  return NUMBER_PATTERN.test(t) ? Number(t) : NaN;
}

/** A number cell or text that reads as one; NaN for anything else (the caller's unknown). */
export function toNumber(c: string | number): number {
  return typeof c === 'number' ? c : parsePlainNumber(c);
}

/** Currency signs removed by parseNumbers. */
export const CURRENCY_CHARS = '$€£¥';

/**
 * "$1,234.50" -> 1234.5, "12%" -> 0.12 (or 12): trim; a trailing % is noted and removed; currency signs,
 * the thousands separator and inner spaces around the sign are removed; what is left must be a plain number.
 */
export function parseNumberText(s: string, thousands: string, percentAsFraction: boolean): number {
  let t = trimCell(s);
  let percent = false;
  if (t.endsWith('%')) {
    percent = true;
    t = trimCell(t.slice(0, -1));
  }
  let out = '';
  for (const ch of t) {
    if (CURRENCY_CHARS.includes(ch) || (thousands !== '' && ch === thousands)) continue;
    out += ch;
  }
  if (!NUMBER_PATTERN.test(out)) return NaN;
  const v = Number(out);
  return percent && percentAsFraction ? v / 100 : v;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * The calendar date as written (the time and any zone are ignored: features describe the day the file
 * recorded): [year, month, day, dayOfWeek with 0 = Monday], or null when not an ISO date.
 */
export function parseDateParts(s: string): [number, number, number, number] | null {
  const m = DATE_PATTERN.exec(trimCell(s));
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  if (d > days) return null;
  // Date.UTC handles the proleptic Gregorian calendar; getUTCDay is 0 = Sunday.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  const dow = (t.getUTCDay() + 6) % 7;
  return [y, mo, d, dow];
}

/** Numbers as the shortest text that reads back to the same double (the CSV the user gets). */
export function formatCell(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Object.is(c, -0) ? '0' : String(c);
  return c;
}

/** RFC 4180 field: quoted only when it must be. */
export function csvField(s: string): string {
  if (/[",\r\n]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}
