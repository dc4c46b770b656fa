// A Recipe as a standalone pandas script, fitted values written in as literals, that reads a CSV and
// writes the cleaned CSV exactly as `mllab clean` does: same missing tokens, same number and date rules
// (cells.ts), same column order, numbers written as JavaScript writes them. Plain pandas + numpy: every
// parameter is already fitted, so scikit-learn would only wrap the same arithmetic in estimator objects
// whose fitted attributes would have to be set by hand.
import type { Dialect } from '../../protocol/profile.js';
import type { Recipe, RecipeStep } from '../../protocol/recipe.js';
import { CURRENCY_CHARS } from './cells.js';

/** A Python literal for a JSON-like value (strings as JSON strings, which Python reads the same). */
export function pythonLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
    // Always a float literal, so arithmetic stays in floats like JavaScript's.
    const s = String(v);
    return /[.e]/.test(s) ? s : `${s}.0`;
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`).join(', ')}}`;
  throw new Error(`cannot write ${typeof v} as Python`);
}

const PRELUDE = String.raw`import math
import os
import re
import sys

import numpy as np
import pandas as pd

NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", re.ASCII)
DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?", re.ASCII)
UNKNOWN = []


def trim(s):
    return s.strip(" \t\r\n")


def missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def js_str(v):
    """A number as JavaScript's String(v) writes it (shortest round-trip digits), so keys and output match."""
    v = float(v)
    if v == 0:
        return "0"
    sign = "-" if v < 0 else ""
    r = repr(abs(v))
    mant, _, exp = r.partition("e")
    ip, _, fp = mant.partition(".")
    whole = ip + fp.rstrip("0") if fp.rstrip("0") else ip
    stripped = whole.lstrip("0")
    n = len(ip) + (int(exp) if exp else 0) - (len(whole) - len(stripped))
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    e = n - 1
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


def key(v):
    """A cell as text (numbers as JavaScript writes them), None when missing."""
    if missing(v):
        return None
    if isinstance(v, (float, int, np.integer, np.floating)):
        return js_str(v)
    return v


def unknown(step, op, column, values, policy, what):
    values = [v for v in values]
    if not values:
        return
    if policy == "error":
        sys.exit(f"clean: column {column!r}: {key(values[0])!r} is {what} (step {step}, {op}, onUnknown 'error')")
    examples = []
    for v in values:
        if key(v) not in examples and len(examples) < 5:
            examples.append(key(v))
    UNKNOWN.append((step, op, column, len(values), examples))


def to_num(s, step, op, column, policy):
    """Numbers of a column: numbers stay, text must be a plain number, anything else is unknown."""
    bad = []

    def one(v):
        if missing(v):
            return np.nan
        if not isinstance(v, str):
            return float(v)
        t = trim(v)
        if NUMBER.fullmatch(t):
            return float(t)
        bad.append(v)
        return np.nan

    out = s.map(one).astype("float64")
    unknown(step, op, column, bad, policy, "not a number")
    return out


def number_text(v, thousands, percent_as_fraction):
    t = trim(v)
    percent = t.endswith("%")
    if percent:
        t = trim(t[:-1])
    t = "".join(ch for ch in t if ch not in CURRENCY and not (thousands != "" and ch == thousands))
    if not NUMBER.fullmatch(t):
        return None
    x = float(t)
    return x / 100 if percent and percent_as_fraction else x


def date_parts(v):
    m = DATE.fullmatch(trim(v))
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if mo < 1 or mo > 12 or d < 1 or d > [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]:
        return None
    # Days since 1970-01-01 (a Thursday) in the proleptic Gregorian calendar; 0 = Monday.
    yy = y - (1 if mo <= 2 else 0)
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * (mo + (-3 if mo > 2 else 9)) + 2) // 5 + d - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return (y, mo, d, (days + 3) % 7)


def seeded_random(seed):
    """Mulberry32, exactly as ML Lab's (32-bit arithmetic), so oversampling picks the same rows."""
    state = [seed & 0xFFFFFFFF]

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def next_value():
        state[0] = (state[0] + 0x6D2B79F5) & 0xFFFFFFFF
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_value


def copies_of(copies, next_value):
    whole = math.floor(copies)
    fraction = copies - whole
    return whole + 1 if fraction > 0 and next_value() < fraction else whole


def column_names(header, count):
    raw = []
    for i in range(count):
        h = header[i] if header is not None and i < len(header) else None
        raw.append(f"column_{i + 1}" if h is None or trim(h) == "" else h)
    seen, out = set(), []
    for name in raw:
        n, k = name, 1
        while n in seen:
            n, k = f"{name}.{k}", k + 1
        seen.add(n)
        out.append(n)
    return out


def read(path):
    raw = pd.read_csv(path, sep=DELIMITER, header=None, dtype=str, keep_default_na=False, na_filter=False,
                      encoding=ENCODING, quotechar='"', skip_blank_lines=True)
    raw = raw.astype(object).where(raw.notna(), None)
    if HEADER:
        header = [None if missing(h) else h for h in raw.iloc[0].tolist()]
        raw = raw.iloc[1:].reset_index(drop=True)
    else:
        header = None
    raw.columns = column_names(header, raw.shape[1])
    for c in raw.columns:
        raw[c] = raw[c].map(lambda v: None if v is None or trim(v) in MISSING else v).astype(object)
    return raw


def write(df, path):
    out = pd.DataFrame({c: df[c].map(lambda v: "" if missing(v) else key(v)) for c in df.columns}, columns=list(df.columns))
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        out.to_csv(temp, index=False, lineterminator="\n", encoding="utf-8")
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)
`;

/** SMOTE as smote.ts does it, draw for draw and in the same float operations; added only when a Recipe uses it. */
const SMOTE_CODE = String.raw`

def smote(df, step, column, features, classes, ratio, k, seed):
    keys = df[column].map(key).tolist()
    counts = {}
    for c in keys:
        if c is not None:
            counts[c] = counts.get(c, 0) + 1
    largest = max(counts.values()) if counts else 0
    goal = math.floor(ratio * largest + 0.5)
    next_value = seeded_random(seed)

    def num(v):
        if missing(v):
            return math.nan
        if not isinstance(v, str):
            return float(v)
        t = trim(v)
        return float(t) if NUMBER.fullmatch(t) else math.nan

    columns = [df[f].tolist() for f in features]
    positions = [df.columns.get_loc(f) for f in features]
    records = df.astype(object).values.tolist()
    extra = []
    for cls in classes:
        need = goal - counts.get(cls, 0)
        if need <= 0:
            continue
        rows, points = [], []
        for i, c in enumerate(keys):
            if c != cls:
                continue
            p = [num(col[i]) for col in columns]
            if not any(math.isnan(x) for x in p):
                rows.append(i)
                points.append(p)
        if len(rows) < 2:
            sys.exit(f"clean: step {step} (smote): class {cls!r} of {column!r} has {len(rows)} row(s) with every feature a number; SMOTE needs at least 2")
        kk = min(k, len(rows) - 1)
        near_cache = {}
        for _ in range(need):
            i = math.floor(next_value() * len(rows))
            near = near_cache.get(i)
            if near is None:
                a = points[i]
                dist = []
                for b in points:
                    d = 0.0
                    for f in range(len(a)):
                        x = a[f] - b[f]
                        d += x * x
                    dist.append(d)
                near = sorted((j for j in range(len(points)) if j != i), key=lambda j: (dist[j], j))[:kk]
                near_cache[i] = near
            n = near[math.floor(next_value() * kk)]
            gap = next_value()
            row = list(records[rows[i]])
            for d, pos in enumerate(positions):
                a = points[i][d]
                row[pos] = a + gap * (points[n][d] - a)
            extra.append(row)
    if not extra:
        return df
    return pd.concat([df.astype(object), pd.DataFrame(extra, columns=df.columns, dtype=object)], ignore_index=True)
`;

function stepCode(s: RecipeStep, n: number): string[] {
  const L = pythonLiteral;
  const col = 'column' in s ? L(s.column) : '';
  const policy = 'onUnknown' in s ? L(s.onUnknown) : '';
  const num = (): string => `to_num(df[${col}], ${n}, ${L(s.op)}, ${col}, ${policy})`;
  const at = `df.columns.get_loc(${col})`;
  switch (s.op) {
    case 'dropDuplicateRows':
      return ['df = df[~df.duplicated(keep="first")].reset_index(drop=True)'];
    case 'dropColumns':
      return [`df = df.drop(columns=${L(s.columns)})  # ${s.reason.replace(/[\r\n]+/g, ' ')}`];
    case 'dropRowsMissing':
      return [`df = df[df[${L(s.columns)}].notna().all(axis=1)].reset_index(drop=True)`];
    case 'impute':
      return [
        ...(typeof s.value === 'number' ? [`df[${col}] = ${num()}`] : []),
        `flag = df[${col}].map(missing)`,
        `df[${col}] = df[${col}].astype(object).where(~flag, ${L(s.value)})${typeof s.value === 'number' ? '.astype("float64")' : ''}`,
        ...(s.indicator ? [`df.insert(${at} + 1, ${L(`${s.column}_missing`)}, flag.astype("float64"))`] : []),
      ];
    case 'parseNumbers':
      return [
        'bad = []',
        `def parse(v, bad=bad):`,
        '    if missing(v) or not isinstance(v, str):',
        '        return np.nan if missing(v) else float(v)',
        `    x = number_text(v, ${L(s.thousands)}, ${L(s.percentAsFraction)})`,
        '    if x is None:',
        '        bad.append(v)',
        '        return np.nan',
        '    return x',
        `df[${col}] = df[${col}].map(parse).astype("float64")`,
        `unknown(${n}, "parseNumbers", ${col}, bad, ${policy}, "not a number")`,
      ];
    case 'parseBooleans':
      return [
        `truthy, falsy, bad = ${L(s.trueValues.map((v) => v.toLowerCase()))}, ${L(s.falseValues.map((v) => v.toLowerCase()))}, []`,
        'def parse(v, bad=bad):',
        '    if missing(v):',
        '        return np.nan',
        '    k = trim(key(v)).lower()',
        '    if k in truthy:',
        '        return 1.0',
        '    if k in falsy:',
        '        return 0.0',
        '    bad.append(v)',
        '    return np.nan',
        `df[${col}] = df[${col}].map(parse).astype("float64")`,
        `unknown(${n}, "parseBooleans", ${col}, bad, ${policy}, "not a known true/false spelling")`,
      ];
    case 'dateFeatures': {
      const slot = { year: 0, month: 1, day: 2, dayOfWeek: 3 };
      return [
        'bad = []',
        'def parts(v, bad=bad):',
        '    if missing(v):',
        '        return None',
        '    p = date_parts(key(v))',
        '    if p is None:',
        '        bad.append(v)',
        '    return p',
        `p = df[${col}].map(parts)`,
        `unknown(${n}, "dateFeatures", ${col}, bad, ${policy}, "not an ISO date (YYYY-MM-DD)")`,
        `pos = ${at}${s.dropColumn ? '' : ' + 1'}`,
        ...(s.dropColumn ? [`df = df.drop(columns=[${col}])`] : []),
        ...s.features.map((f, i) => `df.insert(pos + ${i}, ${L(`${s.column}_${f}`)}, p.map(lambda t: np.nan if t is None else float(t[${slot[f as keyof typeof slot]}])).astype("float64"))`),
      ];
    }
    case 'trimWhitespace':
      return s.columns.map((c) => `df[${L(c)}] = df[${L(c)}].map(lambda v: trim(v) if isinstance(v, str) else v)`);
    case 'unifyCase':
      return [`mapping = ${L(s.mapping)}`, `df[${col}] = df[${col}].map(lambda v: v if missing(v) else mapping.get(key(v), v))`];
    case 'groupRare':
      return [`keep = set(${L(s.keep)})`, `df[${col}] = df[${col}].map(lambda v: v if missing(v) or key(v) in keep else ${L(s.other)})`];
    case 'clip':
      return [`df[${col}] = np.minimum(np.maximum(${num()}, ${L(s.lower)}), ${L(s.upper)})`];
    case 'flagOutliers':
      return [
        `x = ${num()}`,
        `df[${col}] = x`,
        `df.insert(${at} + 1, ${L(`${s.column}_outlier`)}, np.where(x.isna(), np.nan, ((x < ${L(s.lower)}) | (x > ${L(s.upper)})).astype("float64")))`,
      ];
    case 'scale':
      return [`df[${col}] = (${num()} - ${L(s.center)}) / ${L(s.scale)}  # ${s.method}`];
    case 'log1p':
      return [
        `x = ${num()} + ${L(s.shift)}`,
        `out_of_range = x.notna() & (x <= -1)`,
        `unknown(${n}, "log1p", ${col}, df[${col}][out_of_range].tolist(), ${policy}, "below the fitted range")`,
        `df[${col}] = np.log1p(x.where(~out_of_range, np.nan))`,
      ];
    case 'yeoJohnson': {
      const l = s.lambda;
      const pos = Math.abs(l) < 1e-12 ? 'np.log1p(x.clip(lower=0))' : `np.expm1(${L(l)} * np.log1p(x.clip(lower=0))) / ${L(l)}`;
      const neg = Math.abs(l - 2) < 1e-12 ? '-np.log1p(-x.clip(upper=0))' : `-np.expm1(${L(2 - l)} * np.log1p(-x.clip(upper=0))) / ${L(2 - l)}`;
      return [`x = ${num()}`, `df[${col}] = np.where(x.isna(), np.nan, np.where(x >= 0, ${pos}, ${neg}))  # lambda ${l}`];
    }
    case 'oneHot':
      return [
        `keys = df[${col}].map(key)`,
        `categories = ${L(s.categories)}`,
        `outside = keys.notna() & ~keys.isin(categories)`,
        ...(s.otherColumn ? [] : [`unknown(${n}, "oneHot", ${col}, df[${col}][outside].tolist(), ${policy}, "a category the recipe was not fitted on")`]),
        `pos = ${at}`,
        `df = df.drop(columns=[${col}])`,
        `for i, c in enumerate(categories):`,
        `    df.insert(pos + i, ${col} + "_" + c, (keys == c).astype("float64"))`,
        ...(s.otherColumn ? [`df.insert(pos + len(categories), ${L(`${s.column}_other`)}, outside.astype("float64"))`] : []),
      ];
    case 'ordinal':
      return [
        `codes = {c: float(i) for i, c in enumerate(${L(s.categories)})}`,
        `keys = df[${col}].map(key)`,
        `unknown(${n}, "ordinal", ${col}, df[${col}][keys.notna() & ~keys.isin(list(codes))].tolist(), ${policy}, "a category the recipe was not fitted on")`,
        `df[${col}] = keys.map(lambda k: np.nan if k is None else codes.get(k, np.nan)).astype("float64")`,
      ];
    case 'oversample':
      return [
        '# Training data only: do not run this step on data to predict.',
        `copies, next_value = ${L(s.copies)}, seeded_random(${s.seed})`,
        `counts = [1 if k is None or k not in copies else copies_of(copies[k], next_value) for k in df[${col}].map(key)]`,
        'df = df.loc[df.index.repeat(counts)].reset_index(drop=True)',
      ];
    case 'smote':
      return [
        '# Training data only: do not run this step on data to predict.',
        `df = smote(df, ${n}, ${col}, ${L(s.features)}, ${L(s.classes)}, ${L(s.ratio)}, ${s.k}, ${s.seed})`,
      ];
    case 'frequency':
      return [
        `frequencies = ${L(s.frequencies)}`,
        `keys = df[${col}].map(key)`,
        ...(s.otherFrequency === null
          ? [`unknown(${n}, "frequency", ${col}, df[${col}][keys.notna() & ~keys.isin(list(frequencies))].tolist(), ${policy}, "a category the recipe was not fitted on")`]
          : []),
        `df[${col}] = keys.map(lambda k: np.nan if k is None else frequencies.get(k, ${s.otherFrequency === null ? 'np.nan' : L(s.otherFrequency)})).astype("float64")`,
      ];
  }
}

export interface PythonExportOptions {
  /** How the input CSV is written (from the file the Recipe is applied to). */
  dialect: Pick<Dialect, 'delimiter' | 'header' | 'encoding'>;
}

export function exportPython(recipe: Recipe, options: PythonExportOptions): string {
  const lines: string[] = [
    '#!/usr/bin/env python3',
    `"""Cleaning Recipe exported by ML Lab (fitted on ${recipe.source.file.replace(/["\\\r\n]/g, '_')}, ${recipe.source.rows} rows).`,
    '',
    'Usage: python3 THIS.py INPUT.csv OUTPUT.csv',
    'Every fitted value is written below; the output matches `mllab clean` with the same Recipe.',
    '"""',
    PRELUDE + (recipe.steps.some((s) => s.op === 'smote') ? SMOTE_CODE : ''),
    `DELIMITER = ${pythonLiteral(options.dialect.delimiter)}`,
    `HEADER = ${pythonLiteral(options.dialect.header)}`,
    `ENCODING = ${pythonLiteral(options.dialect.encoding === 'utf-8' ? 'utf-8-sig' : 'latin-1')}`,
    `CURRENCY = ${pythonLiteral(CURRENCY_CHARS)}`,
    `MISSING = set(${pythonLiteral(['', ...recipe.missingTokens.map((t) => t.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''))])})`,
    '',
    '',
    'def clean(df):',
  ];
  recipe.steps.forEach((s, i) => {
    lines.push(`    # step ${i + 1}: ${s.op}`);
    for (const l of stepCode(s, i + 1)) lines.push(`    ${l}`);
  });
  lines.push(
    '    return df',
    '',
    '',
    'if __name__ == "__main__":',
    '    if len(sys.argv) != 3:',
    '        sys.exit("usage: python3 " + sys.argv[0] + " INPUT.csv OUTPUT.csv")',
    '    cleaned = clean(read(sys.argv[1]))',
    '    write(cleaned, sys.argv[2])',
    '    for step, op, column, count, examples in UNKNOWN:',
    '        print(f"step {step} ({op}) {column}: {count} unknown value(s) made missing, e.g. {examples}", file=sys.stderr)',
    '',
  );
  return lines.join('\n');
}
