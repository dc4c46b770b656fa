// A Recipe as a standalone TypeScript program on arquero, fitted values written in as literals, that reads a
// CSV and writes the cleaned CSV exactly as `mllab clean` does (run: `npx tsx THIS.ts IN.csv OUT.csv`).
// Each step is an arquero verb (derive/assign/filter/select/relocate) whose per-cell function repeats the
// rule in steps.ts and cells.ts; the program is the same JavaScript arithmetic, so numbers come out equal.
// The generated code avoids template literals so it can live in this file's own template strings.
import { UserError } from '../errors.js';
import type { Recipe, RecipeStep } from '../../protocol/recipe.js';
import { CURRENCY_CHARS } from './cells.js';
import type { PythonExportOptions } from './exportPython.js';

export type TypeScriptExportOptions = PythonExportOptions;

/** A TypeScript literal for a JSON-like value; numbers must be finite (JSON writes the shortest round trip). */
export function typeScriptLiteral(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

const PRELUDE = String.raw`import * as aq from 'arquero';
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

type Cell = string | number | null;
type Row = Record<string, Cell>;
type Table = ReturnType<typeof aq.table>;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const UNKNOWN: Tally[] = [];

/** Spaces, tabs and line breaks only, as ML Lab trims. */
function trim(s: string): string {
  return s.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}

/** Numbers as JavaScript writes them (the shortest text that reads back the same), missing as empty. */
function text(c: Cell): string {
  if (c === null) return '';
  if (typeof c === 'number') return Object.is(c, -0) ? '0' : String(c);
  return c;
}

function toNumber(c: string | number): number {
  if (typeof c === 'number') return c;
  const t = trim(c);
  return NUMBER.test(t) ? Number(t) : NaN;
}

function numberText(s: string, thousands: string, percentAsFraction: boolean): number {
  let t = trim(s);
  let percent = false;
  if (t.endsWith('%')) {
    percent = true;
    t = trim(t.slice(0, -1));
  }
  let out = '';
  for (const ch of t) {
    if (CURRENCY.includes(ch) || (thousands !== '' && ch === thousands)) continue;
    out += ch;
  }
  if (!NUMBER.test(out)) return NaN;
  const v = Number(out);
  return percent && percentAsFraction ? v / 100 : v;
}

/** [year, month, day, dayOfWeek with 0 = Monday] of an ISO date (time and zone ignored), else null. */
function dateParts(s: string): [number, number, number, number] | null {
  const m = DATE.exec(trim(s));
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!) return null;
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  return [y, mo, d, (t.getUTCDay() + 6) % 7];
}

function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : Math.expm1(lambda * Math.log1p(x)) / lambda;
  return Math.abs(lambda - 2) < 1e-12 ? -Math.log1p(-x) : -Math.expm1((2 - lambda) * Math.log1p(-x)) / (2 - lambda);
}

/** Mulberry32, as ML Lab's, so oversampling picks the same rows. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function copiesOf(copies: number, next: () => number): number {
  const whole = Math.floor(copies);
  const fraction = copies - whole;
  return fraction > 0 && next() < fraction ? whole + 1 : whole;
}

/** Counts a step's unknown values (reported at the end), or stops the program under the 'error' policy. */
class Tally {
  count = 0;
  readonly examples = new Set<string>();
  constructor(readonly step: number, readonly op: string, readonly column: string, readonly policy: string, readonly what: string) {
    UNKNOWN.push(this);
  }
  hit(c: Cell): null {
    if (this.policy === 'error') fail('column ' + JSON.stringify(this.column) + ': ' + JSON.stringify(text(c)) + ' is ' + this.what + ' (step ' + this.step + ', ' + this.op + ', onUnknown "error")');
    this.count++;
    if (this.examples.size < 5) this.examples.add(text(c));
    return null;
  }
}

function fail(message: string): never {
  process.stderr.write('clean: ' + message + '\n');
  process.exit(1);
}

/** A cell as a number for a numeric step: null when missing, and for an unknown (counted). */
function numberOf(c: Cell, tally: Tally): number | null {
  if (c === null) return null;
  const v = toNumber(c);
  return Number.isNaN(v) ? tally.hit(c) : v;
}

function need(dt: Table, column: string, step: number, op: string): void {
  if (!dt.columnNames().includes(column)) fail('step ' + step + ' (' + op + ') names column ' + JSON.stringify(column) + ', which the data does not have (any more).');
}

function fresh(dt: Table, names: string[], step: number, op: string, replacing: string | null): void {
  for (const n of names) if (n !== replacing && dt.columnNames().includes(n)) fail('step ' + step + ' (' + op + ') would add column ' + JSON.stringify(n) + ', which already exists.');
}

/** One column through f, cell by cell, in row order (so unknowns are counted as ML Lab counts them). */
function mapColumn(dt: Table, column: string, f: (c: Cell) => Cell): Table {
  return dt.derive({ [column]: aq.escape((d: Row) => f(d[column] ?? null)) });
}

/** A numeric step: numbers through g (NaN from g is unknown), text that is not a number is unknown. */
function mapNumbers(dt: Table, column: string, tally: Tally, g: (x: number) => number): Table {
  return mapColumn(dt, column, (c) => {
    const v = numberOf(c, tally);
    if (v === null) return null;
    const y = g(v);
    return Number.isNaN(y) ? tally.hit(c) : y;
  });
}

/** New columns (name -> cells) placed right after the anchor column, in order. */
function insertAfter(dt: Table, anchor: string, columns: [string, Cell[]][]): Table {
  if (columns.length === 0) return dt;
  return dt.assign(Object.fromEntries(columns)).relocate(columns.map(([n]) => n), { after: anchor });
}

function cells(dt: Table, column: string): Cell[] {
  return Array.from(dt.array(column) as ArrayLike<Cell>, (c) => c ?? null);
}

/** The rows again, each as many times as counts says (arquero has no repeat verb). */
function repeatRows(dt: Table, counts: number[]): Table {
  const index: number[] = [];
  counts.forEach((n, i) => {
    for (let k = 0; k < n; k++) index.push(i);
  });
  const names = dt.columnNames();
  return aq.table(Object.fromEntries(names.map((n) => {
    const col = cells(dt, n);
    return [n, index.map((i) => col[i]!)];
  })), names);
}

/** Records of the file as ML Lab reads them: a quote opens a field only at its start, "" inside is a quote, text after a closing quote is dropped, LF, CRLF and CR end a record, blank lines are skipped. */
function parseCsv(s: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const row: string[] = [];
    let blank = true;
    for (;;) {
      let field = '';
      if (s[i] === '"') {
        blank = false;
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) fail('unbalanced quote: a quoted field never closes.');
          field += s.slice(i, q);
          if (s[q + 1] === '"') {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        while (i < n && s[i] !== delimiter && s[i] !== '\n' && s[i] !== '\r') i++;
      } else {
        const start = i;
        while (i < n && s[i] !== delimiter && s[i] !== '\n' && s[i] !== '\r') i++;
        field = s.slice(start, i);
        if (field !== '') blank = false;
      }
      row.push(field);
      if (i < n && s[i] === delimiter) {
        blank = false;
        i++;
        continue;
      }
      if (s[i] === '\r') {
        i++;
        if (s[i] === '\n') i++;
      } else if (s[i] === '\n') i++;
      break;
    }
    if (!(blank && row.length === 1)) rows.push(row);
  }
  return rows;
}

function columnNames(header: string[] | null, count: number): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const h = header ? header[i] : undefined;
    const name = h === undefined || h.trim() === '' ? 'column_' + (i + 1) : h;
    let c = name;
    for (let k = 1; seen.has(c); k++) c = name + '.' + k;
    seen.add(c);
    out.push(c);
  }
  return out;
}

function read(path: string): Table {
  let content: string;
  try {
    content = readFileSync(path, ENCODING === 'utf-8' ? 'utf8' : 'latin1');
  } catch (e) {
    const code = (e as { code?: string }).code;
    // The whole file becomes one string and one table in memory: V8 caps a string near 512 MB.
    if (code === 'ERR_STRING_TOO_LONG') fail(path + ' is too large for this in-memory program; apply the Recipe with mllab clean FILE --recipe R.json --out OUT.csv, which streams.');
    fail('cannot read ' + path + ': ' + (code ?? (e as Error).message));
  }
  if (content.charCodeAt(0) === 0xfeff) content = content.slice(1);
  const records = parseCsv(content, DELIMITER);
  let width: number;
  let header: string[] | null = null;
  if (HEADER) {
    header = records.shift() ?? [];
    width = Math.max(1, header.length);
  } else {
    // The most common field count of the first records (ties: the larger), as ML Lab's sniffer.
    const counts = new Map<number, number>();
    for (const r of records.slice(0, 50)) counts.set(r.length, (counts.get(r.length) ?? 0) + 1);
    let best = 0;
    width = 0;
    for (const [w, c] of counts) if (c > best || (c === best && w > width)) [width, best] = [w, c];
    width = Math.max(1, width);
  }
  const names = columnNames(header, width);
  const columns = names.map((_, j) => records.map((r) => {
    const f = r[j];
    return f === undefined || MISSING.has(trim(f)) ? null : f;
  }));
  return aq.table(Object.fromEntries(names.map((n, j) => [n, columns[j]!])), names);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

/** Written to a temporary file first, then renamed: an error leaves nothing half-written. */
function write(dt: Table, path: string): void {
  const names = dt.columnNames();
  const columns = names.map((n) => cells(dt, n));
  const lines = [names.map(csvField).join(',')];
  for (let i = 0; i < dt.numRows(); i++) {
    const line = columns.map((c) => csvField(text(c[i]!))).join(',');
    // A lone empty field would be a blank line, which readers skip.
    lines.push(line === '' ? '""' : line);
  }
  const temp = path + '.' + process.pid + '.tmp';
  try {
    writeFileSync(temp, lines.join('\n') + '\n');
    renameSync(temp, path);
  } finally {
    if (existsSync(temp)) unlinkSync(temp);
  }
}
`;

/** SMOTE as smote.ts does it, draw for draw; added only when a Recipe uses it. */
const SMOTE_CODE = String.raw`
/** Synthetic rows for the listed classes, appended: base at random, one of its k nearest neighbours, a random point between. */
function smote(dt: Table, step: number, column: string, features: string[], classes: string[], ratio: number, k: number, seed: number): Table {
  const names = dt.columnNames();
  const columns = names.map((n) => cells(dt, n));
  const target = names.indexOf(column);
  const at = features.map((f) => names.indexOf(f));
  const counts = new Map<string, number>();
  for (const c of columns[target]!) if (c !== null) counts.set(text(c), (counts.get(text(c)) ?? 0) + 1);
  let largest = 0;
  for (const n of counts.values()) largest = Math.max(largest, n);
  const goal = Math.floor(ratio * largest + 0.5);
  const next = seededRandom(seed);
  const extra: Cell[][] = [];
  for (const cls of classes) {
    const need = goal - (counts.get(cls) ?? 0);
    if (need <= 0) continue;
    const rows: number[] = [];
    const points: number[][] = [];
    columns[target]!.forEach((c, i) => {
      if (c === null || text(c) !== cls) return;
      const p = at.map((j) => {
        const v = columns[j]![i]!;
        return v === null ? NaN : toNumber(v);
      });
      if (p.every((x) => !Number.isNaN(x))) {
        rows.push(i);
        points.push(p);
      }
    });
    if (rows.length < 2) fail('step ' + step + ' (smote): class ' + JSON.stringify(cls) + ' of ' + JSON.stringify(column) + ' has ' + rows.length + ' row(s) with every feature a number; SMOTE needs at least 2');
    const kk = Math.min(k, rows.length - 1);
    const cache = new Map<number, number[]>();
    for (let j = 0; j < need; j++) {
      const i = Math.floor(next() * rows.length);
      let near = cache.get(i);
      if (!near) {
        const a = points[i]!;
        const dist = points.map((b) => {
          let d = 0;
          for (let f = 0; f < a.length; f++) {
            const x = a[f]! - b[f]!;
            d += x * x;
          }
          return d;
        });
        near = points.map((_, q) => q).filter((q) => q !== i).sort((x, y) => dist[x]! - dist[y]! || x - y).slice(0, kk);
        cache.set(i, near);
      }
      const nb = near[Math.floor(next() * kk)]!;
      const gap = next();
      const row = columns.map((c) => c[rows[i]!]!);
      at.forEach((f, d) => {
        const a = points[i]![d]!;
        row[f] = a + gap * (points[nb]![d]! - a);
      });
      extra.push(row);
    }
  }
  if (extra.length === 0) return dt;
  return aq.table(Object.fromEntries(names.map((n, j) => [n, [...columns[j]!, ...extra.map((r) => r[j]!)]])), names);
}
`;

function stepCode(s: RecipeStep, n: number, last: boolean): string[] {
  const L = typeScriptLiteral;
  const col = 'column' in s ? L(s.column) : '';
  const tally = (what: string): string => `new Tally(${n}, ${L(s.op)}, ${col}, ${L('onUnknown' in s ? s.onUnknown : 'missing')}, ${L(what)})`;
  const needCol = `need(dt, ${col}, ${n}, ${L(s.op)});`;
  switch (s.op) {
    case 'dropDuplicateRows':
      return [
        '{',
        '  const seen = new Set<string>();',
        '  const names = dt.columnNames();',
        // JSON keeps null, the number 1 and the text "1" apart, as ML Lab's row hash does.
        '  dt = dt.filter(aq.escape((d: Row) => {',
        '    const k = JSON.stringify(names.map((c) => d[c] ?? null));',
        '    if (seen.has(k)) return false;',
        '    seen.add(k);',
        '    return true;',
        '  }));',
        '}',
      ];
    case 'dropColumns':
      return [
        `// ${s.reason.replace(/[\r\n]+/g, ' ')}`,
        ...s.columns.map((c) => `need(dt, ${L(c)}, ${n}, "dropColumns");`),
        `dt = dt.select(aq.not(${L(s.columns)}));`,
      ];
    case 'dropRowsMissing':
      return [
        ...s.columns.map((c) => `need(dt, ${L(c)}, ${n}, "dropRowsMissing");`),
        `dt = dt.filter(aq.escape((d: Row) => ${L(s.columns)}.every((c) => (d[c] ?? null) !== null)));`,
      ];
    case 'impute': {
      const numeric = typeof s.value === 'number';
      return [
        '{',
        `  ${needCol}`,
        ...(s.indicator ? [`  fresh(dt, [${L(`${s.column}_missing`)}], ${n}, "impute", null);`] : []),
        ...(numeric ? [`  const t = ${tally('not a number')};`] : []),
        '  const flags: Cell[] = [];',
        `  dt = mapColumn(dt, ${col}, (c) => {`,
        ...(numeric ? ['    if (c !== null) c = numberOf(c, t);'] : []),
        '    flags.push(c === null ? 1 : 0);',
        `    return c === null ? ${L(s.value)} : c;`,
        '  });',
        ...(s.indicator ? [`  dt = insertAfter(dt, ${col}, [[${L(`${s.column}_missing`)}, flags]]);`] : []),
        '}',
      ];
    }
    case 'parseNumbers':
      return [
        '{',
        `  ${needCol}`,
        `  const t = ${tally('not a number')};`,
        `  dt = mapColumn(dt, ${col}, (c) => {`,
        "    if (c === null || typeof c === 'number') return c;",
        `    const v = numberText(c, ${L(s.thousands)}, ${L(s.percentAsFraction)});`,
        '    return Number.isNaN(v) ? t.hit(c) : v;',
        '  });',
        '}',
      ];
    case 'parseBooleans':
      return [
        '{',
        `  ${needCol}`,
        `  const t = ${tally('not a known true/false spelling')};`,
        `  const truthy = new Set(${L(s.trueValues.map((v) => v.toLowerCase()))});`,
        `  const falsy = new Set(${L(s.falseValues.map((v) => v.toLowerCase()))});`,
        `  dt = mapColumn(dt, ${col}, (c) => {`,
        '    if (c === null) return null;',
        '    const k = trim(text(c)).toLowerCase();',
        '    return truthy.has(k) ? 1 : falsy.has(k) ? 0 : t.hit(c);',
        '  });',
        '}',
      ];
    case 'dateFeatures': {
      const slot = { year: 0, month: 1, day: 2, dayOfWeek: 3 } as const;
      const names = s.features.map((f) => `${s.column}_${f}`);
      return [
        '{',
        `  ${needCol}`,
        `  fresh(dt, ${L(names)}, ${n}, "dateFeatures", null);`,
        `  const t = ${tally('not an ISO date (YYYY-MM-DD)')};`,
        `  const parts = cells(dt, ${col}).map((c) => {`,
        '    if (c === null) return null;',
        '    const p = dateParts(text(c));',
        '    if (!p) t.hit(c);',
        '    return p;',
        '  });',
        `  dt = insertAfter(dt, ${col}, [${s.features.map((f, i) => `[${L(names[i])}, parts.map((p) => (p ? p[${slot[f]}] : null))]`).join(', ')}]);`,
        ...(s.dropColumn ? [`  dt = dt.select(aq.not(${col}));`] : []),
        '}',
      ];
    }
    case 'trimWhitespace':
      return s.columns.flatMap((c) => [`need(dt, ${L(c)}, ${n}, "trimWhitespace");`, `dt = mapColumn(dt, ${L(c)}, (c) => (typeof c === 'string' ? trim(c) : c));`]);
    case 'unifyCase':
      return [
        '{',
        `  ${needCol}`,
        `  const mapping = new Map(Object.entries(${L(s.mapping)}));`,
        `  dt = mapColumn(dt, ${col}, (c) => (c === null ? null : mapping.get(text(c)) ?? c));`,
        '}',
      ];
    case 'groupRare':
      return [
        '{',
        `  ${needCol}`,
        `  const keep = new Set(${L(s.keep)});`,
        `  dt = mapColumn(dt, ${col}, (c) => (c === null || keep.has(text(c)) ? c : ${L(s.other)}));`,
        '}',
      ];
    case 'clip':
      return [needCol, `dt = mapNumbers(dt, ${col}, ${tally('not a number')}, (x) => Math.min(Math.max(x, ${L(s.lower)}), ${L(s.upper)}));  // ${s.method}`];
    case 'flagOutliers':
      return [
        '{',
        `  ${needCol}`,
        `  fresh(dt, [${L(`${s.column}_outlier`)}], ${n}, "flagOutliers", null);`,
        `  const t = ${tally('not a number')};`,
        '  const flags: Cell[] = [];',
        `  dt = mapColumn(dt, ${col}, (c) => {`,
        '    const v = numberOf(c, t);',
        `    flags.push(v === null ? null : v < ${L(s.lower)} || v > ${L(s.upper)} ? 1 : 0);`,
        '    return v;',
        '  });',
        `  dt = insertAfter(dt, ${col}, [[${L(`${s.column}_outlier`)}, flags]]);`,
        '}',
      ];
    case 'scale':
      return [needCol, `dt = mapNumbers(dt, ${col}, ${tally('not a number')}, (x) => (x - ${L(s.center)}) / ${L(s.scale)});  // ${s.method}`];
    case 'log1p':
      return [needCol, `dt = mapNumbers(dt, ${col}, ${tally(`not a number above ${-s.shift - 1}`)}, (x) => (x + ${L(s.shift)} > -1 ? Math.log1p(x + ${L(s.shift)}) : NaN));`];
    case 'yeoJohnson':
      return [needCol, `dt = mapNumbers(dt, ${col}, ${tally('not a number')}, (x) => yeoJohnson(x, ${L(s.lambda)}));`];
    case 'oneHot': {
      const names = [...s.categories, ...(s.otherColumn ? ['other'] : [])].map((c) => `${s.column}_${c}`);
      return [
        '{',
        `  ${needCol}`,
        `  fresh(dt, ${L(names)}, ${n}, "oneHot", ${col});`,
        `  const names = ${L(names)};`,
        `  const position = new Map(${L(s.categories)}.map((c, i) => [c, i]));`,
        `  const t = ${tally('a category the recipe was not fitted on')};`,
        '  const hot: Cell[][] = names.map(() => []);',
        `  for (const c of cells(dt, ${col})) {`,
        '    const i = c === null ? undefined : position.get(text(c));',
        `    const at = c === null ? -1 : i !== undefined ? i : ${s.otherColumn ? 'names.length - 1' : 't.hit(c) ?? -1'};`,
        '    hot.forEach((h, k) => h.push(k === at ? 1 : 0));',
        '  }',
        `  dt = insertAfter(dt, ${col}, names.map((m, k): [string, Cell[]] => [m, hot[k]!]));`,
        `  dt = dt.select(aq.not(${col}));`,
        '}',
      ];
    }
    case 'ordinal':
      return [
        '{',
        `  ${needCol}`,
        `  const position = new Map(${L(s.categories)}.map((c, i) => [c, i]));`,
        `  const t = ${tally('a category the recipe was not fitted on')};`,
        `  dt = mapColumn(dt, ${col}, (c) => (c === null ? null : position.get(text(c)) ?? t.hit(c)));`,
        '}',
      ];
    case 'frequency':
      return [
        '{',
        `  ${needCol}`,
        `  const frequencies = new Map(Object.entries(${L(s.frequencies)}));`,
        `  const t = ${tally('a category the recipe was not fitted on')};`,
        `  dt = mapColumn(dt, ${col}, (c) => (c === null ? null : frequencies.get(text(c)) ?? ${s.otherFrequency === null ? 't.hit(c)' : L(s.otherFrequency)}));`,
        '}',
      ];
    case 'smote':
      if (!last) throw new UserError('BAD_RECIPE', `Recipe step ${n} (smote) must be the last step.`);
      return [
        '// Training data only: do not run this step on data to predict.',
        needCol,
        ...s.features.map((f) => `need(dt, ${L(f)}, ${n}, "smote");`),
        `dt = smote(dt, ${n}, ${col}, ${L(s.features)}, ${L(s.classes)}, ${L(s.ratio)}, ${L(s.k)}, ${L(s.seed)});`,
      ];
    case 'oversample':
      if (!last) throw new UserError('BAD_RECIPE', `Recipe step ${n} (oversample) must be the last step.`);
      return [
        '// Training data only: do not run this step on data to predict.',
        '{',
        `  ${needCol}`,
        `  const copies = new Map(Object.entries(${L(s.copies)}));`,
        `  const next = seededRandom(${L(s.seed)});`,
        `  dt = repeatRows(dt, cells(dt, ${col}).map((c) => {`,
        '    const f = c === null ? undefined : copies.get(text(c));',
        '    return f === undefined ? 1 : copiesOf(f, next);',
        '  }));',
        '}',
      ];
  }
}

export function exportTypeScript(recipe: Recipe, options: TypeScriptExportOptions): string {
  const L = typeScriptLiteral;
  const lines: string[] = [
    `// Cleaning Recipe exported by ML Lab (fitted on ${recipe.source.file.replace(/[\r\n]/g, '_')}, ${recipe.source.rows} rows).`,
    '//',
    '// Usage: npx tsx THIS.ts INPUT.csv OUTPUT.csv   (needs arquero: npm i arquero@8)',
    '// Every fitted value is written below; the output matches `mllab clean` with the same Recipe.',
    PRELUDE + (recipe.steps.some((s) => s.op === 'smote') ? SMOTE_CODE : ''),
    `const DELIMITER = ${L(options.dialect.delimiter)};`,
    `const HEADER = ${L(options.dialect.header)};`,
    `const ENCODING: string = ${L(options.dialect.encoding)};`,
    `const CURRENCY = ${L(CURRENCY_CHARS)};`,
    `const MISSING = new Set(${L(['', ...recipe.missingTokens.map((t) => t.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))])});`,
    '',
    'export function clean(input: Table): Table {',
    '  let dt = input;',
  ];
  recipe.steps.forEach((s, i) => {
    lines.push(`  // step ${i + 1}: ${s.op}`);
    for (const l of stepCode(s, i + 1, i === recipe.steps.length - 1)) lines.push(`  ${l}`);
  });
  lines.push(
    '  return dt;',
    '}',
    '',
    'const args = process.argv.slice(2);',
    "if (args.length !== 2) fail('usage: npx tsx THIS.ts INPUT.csv OUTPUT.csv');",
    'write(clean(read(args[0]!)), args[1]!);',
    'for (const u of UNKNOWN) {',
    "  if (u.count > 0) process.stderr.write('step ' + u.step + ' (' + u.op + ') ' + u.column + ': ' + u.count + ' unknown value(s) made missing, e.g. ' + JSON.stringify([...u.examples]) + '\\n');",
    '}',
    '',
  );
  return lines.join('\n');
}
