// The in-memory reference: the same Recipe applied a whole column at a time to a table held in plain
// arrays. Written separately from the row-at-a-time steps (steps.ts) so a test comparing the two catches a
// mistake in either; it shares only the cell rules (cells.ts), which have their own tests. For small data
// (tests, previews), not for GB files.
import { UserError } from '../errors.js';
import type { Recipe } from '../../protocol/recipe.js';
import { formatCell, parseDateParts, parseNumberText, toNumber, trimCell } from './cells.js';
import type { Cell } from './cells.js';
import { yeoJohnson } from './steps.js';
import { copiesOf, seededRandom } from './random.js';
import { SmoteCollector } from './smote.js';

export interface Table {
  names: string[];
  /** columns[i] holds column names[i], one cell per row. */
  columns: Cell[][];
}

export interface ReferenceResult {
  table: Table;
  /** Unknown values per step index (only steps that had some). */
  unknown: Map<number, number>;
}

export function tableFromRecords(names: readonly string[], records: readonly (readonly string[])[], missingTokens: readonly string[]): Table {
  const missing = new Set(['', ...missingTokens.map(trimCell)]);
  return {
    names: [...names],
    columns: names.map((_, j) =>
      records.map((r) => {
        const f = r[j];
        return f === undefined || missing.has(trimCell(f)) ? null : f;
      }),
    ),
  };
}

function keepRows(t: Table, keep: boolean[]): void {
  t.columns = t.columns.map((col) => col.filter((_, i) => keep[i]));
}

export function applyRecipeInMemory(recipe: Recipe, input: Table): ReferenceResult {
  const t: Table = { names: [...input.names], columns: input.columns.map((c) => [...c]) };
  const unknown = new Map<number, number>();
  recipe.steps.forEach((s, k) => {
    const bump = (): void => {
      if ('onUnknown' in s && s.onUnknown === 'error') throw new UserError('UNKNOWN_VALUE', `step ${k + 1}: unknown value`);
      unknown.set(k, (unknown.get(k) ?? 0) + 1);
    };
    const col = (name: string): number => {
      const i = t.names.indexOf(name);
      if (i < 0) throw new UserError('MISSING_COLUMN', `no column "${name}"`);
      return i;
    };
    /** Whole-column numeric map; f returning NaN counts as unknown. */
    const numeric = (name: string, f: (x: number) => number): void => {
      const j = col(name);
      t.columns[j] = t.columns[j]!.map((c) => {
        if (c === null) return null;
        const x = toNumber(c);
        const y = Number.isNaN(x) ? NaN : f(x);
        if (Number.isNaN(y)) {
          bump();
          return null;
        }
        return y;
      });
    };
    const insert = (at: number, names: string[], cols: Cell[][]): void => {
      t.names.splice(at, 0, ...names);
      t.columns.splice(at, 0, ...cols);
    };
    switch (s.op) {
      case 'dropDuplicateRows': {
        const rows = t.columns[0]?.length ?? 0;
        const seen = new Set<string>();
        const keep: boolean[] = [];
        for (let i = 0; i < rows; i++) {
          const key = JSON.stringify(t.columns.map((c) => c[i]));
          keep.push(!seen.has(key));
          seen.add(key);
        }
        keepRows(t, keep);
        break;
      }
      case 'dropColumns': {
        const drop = new Set(s.columns.map(col));
        t.names = t.names.filter((_, i) => !drop.has(i));
        t.columns = t.columns.filter((_, i) => !drop.has(i));
        break;
      }
      case 'dropRowsMissing': {
        const js = s.columns.map(col);
        keepRows(
          t,
          (t.columns[0] ?? []).map((_, i) => js.every((j) => t.columns[j]![i] !== null)),
        );
        break;
      }
      case 'impute': {
        const j = col(s.column);
        let cells = t.columns[j]!;
        if (typeof s.value === 'number') {
          cells = cells.map((c) => {
            if (c === null) return null;
            const x = toNumber(c);
            if (Number.isNaN(x)) bump();
            return Number.isNaN(x) ? null : x;
          });
        }
        const flags = cells.map((c) => (c === null ? 1 : 0));
        t.columns[j] = cells.map((c) => c ?? s.value);
        if (s.indicator) insert(j + 1, [`${s.column}_missing`], [flags]);
        break;
      }
      case 'parseNumbers': {
        const j = col(s.column);
        t.columns[j] = t.columns[j]!.map((c) => {
          if (c === null || typeof c === 'number') return c;
          const v = parseNumberText(c, s.thousands, s.percentAsFraction);
          if (Number.isNaN(v)) bump();
          return Number.isNaN(v) ? null : v;
        });
        break;
      }
      case 'parseBooleans': {
        const j = col(s.column);
        const yes = s.trueValues.map((v) => v.toLowerCase());
        const no = s.falseValues.map((v) => v.toLowerCase());
        t.columns[j] = t.columns[j]!.map((c) => {
          if (c === null) return null;
          const key = trimCell(formatCell(c)).toLowerCase();
          if (yes.includes(key)) return 1;
          if (no.includes(key)) return 0;
          bump();
          return null;
        });
        break;
      }
      case 'dateFeatures': {
        const j = col(s.column);
        const parts = t.columns[j]!.map((c) => {
          if (c === null) return null;
          const p = parseDateParts(formatCell(c));
          if (!p) bump();
          return p;
        });
        const which = { year: 0, month: 1, day: 2, dayOfWeek: 3 };
        const cols = s.features.map((f) => parts.map((p) => (p ? p[which[f as keyof typeof which]]! : null)));
        if (s.dropColumn) {
          t.names.splice(j, 1);
          t.columns.splice(j, 1);
          insert(j, s.features.map((f) => `${s.column}_${f}`), cols);
        } else insert(j + 1, s.features.map((f) => `${s.column}_${f}`), cols);
        break;
      }
      case 'trimWhitespace':
        for (const name of s.columns) {
          const j = col(name);
          t.columns[j] = t.columns[j]!.map((c) => (typeof c === 'string' ? trimCell(c) : c));
        }
        break;
      case 'unifyCase': {
        const j = col(s.column);
        t.columns[j] = t.columns[j]!.map((c) => (c !== null && Object.hasOwn(s.mapping, formatCell(c)) ? s.mapping[formatCell(c)]! : c));
        break;
      }
      case 'groupRare': {
        const j = col(s.column);
        t.columns[j] = t.columns[j]!.map((c) => (c === null || s.keep.includes(formatCell(c)) ? c : s.other));
        break;
      }
      case 'clip':
        numeric(s.column, (x) => (x < s.lower ? s.lower : x > s.upper ? s.upper : x));
        break;
      case 'flagOutliers': {
        numeric(s.column, (x) => x);
        const j = col(s.column);
        const flags = t.columns[j]!.map((c) => (c === null ? null : (c as number) < s.lower || (c as number) > s.upper ? 1 : 0));
        insert(j + 1, [`${s.column}_outlier`], [flags]);
        break;
      }
      case 'scale':
        numeric(s.column, (x) => (x - s.center) / s.scale);
        break;
      case 'log1p':
        numeric(s.column, (x) => (x + s.shift <= -1 ? NaN : Math.log1p(x + s.shift)));
        break;
      case 'yeoJohnson':
        numeric(s.column, (x) => yeoJohnson(x, s.lambda));
        break;
      case 'oneHot': {
        const j = col(s.column);
        const cells = t.columns[j]!;
        const keys = cells.map((c) => (c === null ? null : formatCell(c)));
        const cols = s.categories.map((cat) => keys.map((v) => (v === cat ? 1 : 0)));
        const outside = keys.map((v) => v !== null && !s.categories.includes(v));
        if (s.otherColumn) cols.push(outside.map((o) => (o ? 1 : 0)));
        else for (const o of outside) if (o) bump();
        t.names.splice(j, 1);
        t.columns.splice(j, 1);
        insert(j, [...s.categories, ...(s.otherColumn ? ['other'] : [])].map((c) => `${s.column}_${c}`), cols);
        break;
      }
      case 'ordinal': {
        const j = col(s.column);
        t.columns[j] = t.columns[j]!.map((c) => {
          if (c === null) return null;
          const i = s.categories.indexOf(formatCell(c));
          if (i < 0) bump();
          return i < 0 ? null : i;
        });
        break;
      }
      case 'smote': {
        // The synthesis itself is shared with the streaming apply (smote.ts has its own hand-checked tests);
        // this checks the gathering: every row in order, the new ones appended.
        const rows = t.columns[0]?.length ?? 0;
        const smote = new SmoteCollector(s, k + 1, col(s.column), s.features.map(col));
        for (let i = 0; i < rows; i++) smote.add(t.columns.map((c) => c[i]!));
        const extra = smote.finish();
        t.columns = t.columns.map((column, j) => [...column, ...extra.map((r) => r[j]!)]);
        break;
      }
      case 'oversample': {
        const next = seededRandom(s.seed);
        const counts = t.columns[col(s.column)]!.map((c) => {
          const f = c === null || !Object.hasOwn(s.copies, formatCell(c)) ? null : s.copies[formatCell(c)]!;
          return f === null ? 1 : copiesOf(f, next);
        });
        t.columns = t.columns.map((column) => column.flatMap((c, i) => new Array<Cell>(counts[i]!).fill(c)));
        break;
      }
      case 'frequency': {
        const j = col(s.column);
        t.columns[j] = t.columns[j]!.map((c) => {
          if (c === null) return null;
          const key = formatCell(c);
          if (Object.hasOwn(s.frequencies, key)) return s.frequencies[key]!;
          if (s.otherFrequency === null) bump();
          return s.otherFrequency;
        });
        break;
      }
    }
  });
  return { table: t, unknown };
}

/** The table as the CSV text the streaming apply writes (LF, minimal quoting), for comparisons. */
export function tableToCsv(t: Table): string {
  const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = t.columns[0]?.length ?? 0;
  const lines = [t.names.map(quote).join(',')];
  for (let i = 0; i < rows; i++) lines.push(t.columns.map((c) => quote(formatCell(c[i]!))).join(',') || '""');
  return lines.join('\n') + '\n';
}
