// What the Clean tab's controls mean: for each suggestion, the options its dropdown offers, the numeric
// parameters the picked option has, and the StepChoices the checked rows add up to. Pure (no DOM), so the
// rules for what may be sent to the host are unit-tested; the host checks again on arrival.
import type { CleanEdit } from '../../src/protocol/dataQualityPanel.js';
import type { StepChoice, Suggestion } from '../../src/protocol/recipe.js';

export interface ChoiceOption {
  label: string;
  /** null: skip the step. */
  choice: StepChoice | null;
}

export type ParamKey = 'percent' | 'minShare' | 'percentile' | 'maxCategories' | 'constant' | 'ratio' | 'k';

export interface ParamField {
  key: ParamKey;
  label: string;
  /** Written after the field: "%", "categories"... */
  unit: string;
  /** The text the field starts with, from the option's own value. */
  defaultText: string;
  numeric: boolean;
  /** Shown under the field and as its description. */
  hint: string;
}

export function defaultEdit(s: Suggestion): CleanEdit {
  return { checked: s.selected, option: 0, params: {} };
}

export function editOf(s: Suggestion, edits: Readonly<Record<string, CleanEdit>>): CleanEdit {
  return edits[s.id] ?? defaultEdit(s);
}

/**
 * "`income`: 12% missing -> impute with the median" offers "impute with the median" as its first option,
 * marked "(suggested)" when it is part of the default selection; the evidence's own remark on why a step
 * is not applied by default stays in the evidence.
 */
function suggestedLabel(s: Suggestion): string {
  const arrow = s.evidence.lastIndexOf(' -> ');
  const tail = arrow >= 0 ? s.evidence.slice(arrow + 4).replace(/\s*\(not applied by default[^)]*\)\s*$/, '').trim() : '';
  if (!tail) return s.selected ? 'as suggested' : 'the suggested step';
  return s.selected ? `${tail} (suggested)` : tail;
}

/**
 * The dropdown: the suggested step first, then the alternatives. Imputation also offers a constant fill
 * (its value is a parameter), which the suggestions leave out because no constant fits every file.
 */
export function optionsFor(s: Suggestion, numericColumn: (name: string) => boolean): ChoiceOption[] {
  const options: ChoiceOption[] = [{ label: suggestedLabel(s), choice: s.choice }, ...s.alternatives];
  const c = s.choice;
  if (c.op === 'impute' && !options.some((o) => o.choice?.op === 'impute' && o.choice.strategy === 'constant')) {
    const numeric = numericColumn(c.column);
    options.push({ label: 'fill with a constant', choice: { op: 'impute', column: c.column, strategy: 'constant', indicator: c.indicator, constant: numeric ? 0 : 'unknown' } });
  }
  return options;
}

/** Shares are edited as percentages: 0.01 -> "1". */
function percentText(share: number): string {
  return String(Number((share * 100).toPrecision(6)));
}

export function paramFields(choice: StepChoice | null): ParamField[] {
  if (!choice) return [];
  switch (choice.op) {
    case 'dropColumnsAboveMissing':
      return [{ key: 'percent', label: 'Missing above', unit: '%', defaultText: String(choice.percent), numeric: true, hint: '0 to 100' }];
    case 'groupRare':
      return [{ key: 'minShare', label: 'Rare below', unit: '% of values', defaultText: percentText(choice.minShare), numeric: true, hint: 'above 0, below 100' }];
    case 'clip':
      return choice.method === 'percentile'
        ? [{ key: 'percentile', label: 'Percentile', unit: 'and its mirror', defaultText: String(choice.percentile ?? 1), numeric: true, hint: '1 or 5' }]
        : [];
    case 'oneHot':
      return [{ key: 'maxCategories', label: 'At most', unit: 'categories', defaultText: choice.maxCategories === undefined ? '' : String(choice.maxCategories), numeric: true, hint: 'a whole number from 1; empty keeps every category' }];
    case 'impute':
      return choice.strategy === 'constant'
        ? [{ key: 'constant', label: 'Fill value', unit: '', defaultText: String(choice.constant ?? ''), numeric: false, hint: 'a number for a numeric column' }]
        : [];
    case 'oversample':
      return [{ key: 'ratio', label: 'Up to', unit: '× the largest class', defaultText: String(choice.ratio ?? 1), numeric: true, hint: 'above 0, at most 1' }];
    case 'smote':
      return [
        { key: 'ratio', label: 'Up to', unit: '× the largest class', defaultText: String(choice.ratio ?? 1), numeric: true, hint: 'above 0, at most 1' },
        { key: 'k', label: 'Neighbours', unit: '', defaultText: String(choice.k ?? 5), numeric: true, hint: 'a whole number from 1' },
      ];
    default:
      return [];
  }
}

/** A number as people type it: "5", " 2.5 ", "1e-2"; not "", "5%", "0x10". */
function readNumber(text: string): number | null {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

export type ParamResult = { choice: StepChoice | null; errors: Partial<Record<ParamKey, string>> };

/**
 * The option's choice with the typed parameters in it. Fields left as they were keep the option's value;
 * a bad value is an error for that field (and the choice is not usable until it is fixed).
 */
export function withParams(choice: StepChoice | null, texts: Readonly<Record<string, string>>, numericColumn: (name: string) => boolean): ParamResult {
  if (!choice) return { choice: null, errors: {} };
  const errors: Partial<Record<ParamKey, string>> = {};
  const text = (key: ParamKey): string | undefined => texts[key];
  switch (choice.op) {
    case 'dropColumnsAboveMissing': {
      const t = text('percent');
      if (t === undefined) return { choice, errors };
      const n = readNumber(t);
      if (n === null || n < 0 || n > 100) errors.percent = 'Enter a share from 0 to 100.';
      else return { choice: { ...choice, percent: n }, errors };
      return { choice: null, errors };
    }
    case 'groupRare': {
      const t = text('minShare');
      if (t === undefined) return { choice, errors };
      const n = readNumber(t);
      if (n === null || n <= 0 || n >= 100) errors.minShare = 'Enter a share above 0 and below 100.';
      else return { choice: { ...choice, minShare: n / 100 }, errors };
      return { choice: null, errors };
    }
    case 'clip': {
      const t = text('percentile');
      if (choice.method !== 'percentile' || t === undefined) return { choice, errors };
      const n = readNumber(t);
      if (n === 1 || n === 5) return { choice: { ...choice, percentile: n }, errors };
      errors.percentile = 'Winsorising is at the 1st or the 5th percentile: enter 1 or 5.';
      return { choice: null, errors };
    }
    case 'oneHot': {
      const t = text('maxCategories');
      if (t === undefined) return { choice, errors };
      if (t.trim() === '') {
        const { maxCategories: _dropped, ...every } = choice;
        return { choice: every, errors };
      }
      const n = readNumber(t);
      if (n === null || !Number.isInteger(n) || n < 1) errors.maxCategories = 'Enter a whole number from 1, or leave it empty for every category.';
      else return { choice: { ...choice, maxCategories: n }, errors };
      return { choice: null, errors };
    }
    case 'impute': {
      const t = text('constant');
      if (choice.strategy !== 'constant' || t === undefined) return { choice, errors };
      if (numericColumn(choice.column)) {
        const n = readNumber(t);
        if (n === null) errors.constant = `\`${choice.column}\` holds numbers: enter a number.`;
        else return { choice: { ...choice, constant: n }, errors };
        return { choice: null, errors };
      }
      if (t.trim() === '') {
        errors.constant = 'Enter the text to fill in (empty would still be missing).';
        return { choice: null, errors };
      }
      return { choice: { ...choice, constant: t.trim() }, errors };
    }
    case 'oversample': {
      const t = text('ratio');
      if (t === undefined) return { choice, errors };
      const n = readNumber(t);
      if (n === null || n <= 0 || n > 1) errors.ratio = 'Enter a ratio above 0 and at most 1.';
      else return { choice: { ...choice, ratio: n }, errors };
      return { choice: null, errors };
    }
    case 'smote': {
      let next = choice;
      const r = text('ratio');
      if (r !== undefined) {
        const n = readNumber(r);
        if (n === null || n <= 0 || n > 1) errors.ratio = 'Enter a ratio above 0 and at most 1.';
        else next = { ...next, ratio: n };
      }
      const k = text('k');
      if (k !== undefined) {
        const n = readNumber(k);
        if (n === null || !Number.isInteger(n) || n < 1) errors.k = 'Enter a whole number of neighbours, at least 1.';
        else next = { ...next, k: n };
      }
      return Object.keys(errors).length > 0 ? { choice: null, errors } : { choice: next, errors };
    }
    default:
      return { choice, errors };
  }
}

export interface ResolvedRow {
  suggestion: Suggestion;
  edit: CleanEdit;
  options: ChoiceOption[];
  /** The option picked (an out-of-range saved index falls back to the suggestion). */
  option: number;
  fields: ParamField[];
  result: ParamResult;
}

export function resolveRow(s: Suggestion, edits: Readonly<Record<string, CleanEdit>>, numericColumn: (name: string) => boolean): ResolvedRow {
  const edit = editOf(s, edits);
  const options = optionsFor(s, numericColumn);
  const option = Number.isInteger(edit.option) && edit.option >= 0 && edit.option < options.length ? edit.option : 0;
  const picked = options[option]?.choice ?? null;
  return { suggestion: s, edit, options, option, fields: paramFields(picked), result: withParams(picked, edit.params, numericColumn) };
}

export interface CheckedChoices {
  /** In the order shown; the core runs them in its own stage order. */
  choices: StepChoice[];
  /** Checked rows whose parameters do not parse: nothing is sent while there are any. */
  invalid: string[];
  /** Checked rows, including ones whose option is to skip. */
  checked: number;
}

export function checkedChoices(suggestions: readonly Suggestion[], edits: Readonly<Record<string, CleanEdit>>, numericColumn: (name: string) => boolean): CheckedChoices {
  const out: CheckedChoices = { choices: [], invalid: [], checked: 0 };
  for (const s of suggestions) {
    const row = resolveRow(s, edits, numericColumn);
    if (!row.edit.checked) continue;
    out.checked++;
    if (Object.keys(row.result.errors).length > 0) out.invalid.push(s.id);
    else if (row.result.choice) out.choices.push(row.result.choice);
  }
  return out;
}

/** Rows whose column name or evidence contains the query (case-insensitive); all for an empty query. */
export function filterSuggestions(suggestions: readonly Suggestion[], query: string): Suggestion[] {
  const q = query.trim().toLowerCase();
  if (!q) return [...suggestions];
  return suggestions.filter((s) => (s.column ?? '').toLowerCase().includes(q) || s.evidence.toLowerCase().includes(q));
}

/** Saved edits for suggestions that are no longer shown are dropped, so the saved state stays small. */
export function pruneEdits(edits: Readonly<Record<string, CleanEdit>>, suggestions: readonly Suggestion[]): Record<string, CleanEdit> {
  const out: Record<string, CleanEdit> = {};
  for (const s of suggestions) {
    const e = edits[s.id];
    if (e) out[s.id] = e;
  }
  return out;
}

/** A stable text for "the choices the shown preview was made from", to tell when it is out of date. */
export function choicesKey(choices: readonly StepChoice[]): string {
  return JSON.stringify(choices);
}
