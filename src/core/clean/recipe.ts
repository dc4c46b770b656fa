// Reading and writing Recipe files. A loaded Recipe is checked field by field so a hand-edited file fails
// with one line that names the step and the field, not with a crash halfway through a 2 GB file.
import { UserError } from '../errors.js';
import { RECIPE_SCHEMA_VERSION } from '../../protocol/recipe.js';
import type { Recipe, RecipeOp, RecipeStep } from '../../protocol/recipe.js';
import { isRecord } from '../../protocol/jsonShape.js';

type FieldKind = 'string' | 'number' | 'boolean' | 'strings' | 'policy' | 'numberOrString' | 'numberMap' | 'stringMap' | 'numberOrNull' | { oneOf: readonly string[] };

const POLICY = ['missing', 'error'] as const;

/** Every op and its fields (all required). The single source for validation. */
const STEP_FIELDS: Record<RecipeOp, Record<string, FieldKind>> = {
  dropDuplicateRows: {},
  dropColumns: { columns: 'strings', reason: 'string' },
  dropRowsMissing: { columns: 'strings' },
  impute: { column: 'string', strategy: { oneOf: ['mean', 'median', 'mode', 'constant'] }, value: 'numberOrString', indicator: 'boolean', onUnknown: 'policy' },
  parseNumbers: { column: 'string', thousands: 'string', percentAsFraction: 'boolean', onUnknown: 'policy' },
  parseBooleans: { column: 'string', trueValues: 'strings', falseValues: 'strings', onUnknown: 'policy' },
  dateFeatures: { column: 'string', features: 'strings', dropColumn: 'boolean', onUnknown: 'policy' },
  trimWhitespace: { columns: 'strings' },
  unifyCase: { column: 'string', mapping: 'stringMap' },
  groupRare: { column: 'string', keep: 'strings', other: 'string' },
  clip: { column: 'string', method: { oneOf: ['iqr', 'percentile'] }, lower: 'number', upper: 'number', onUnknown: 'policy' },
  flagOutliers: { column: 'string', lower: 'number', upper: 'number', onUnknown: 'policy' },
  scale: { column: 'string', method: { oneOf: ['standard', 'minMax', 'robust'] }, center: 'number', scale: 'number', onUnknown: 'policy' },
  log1p: { column: 'string', shift: 'number', onUnknown: 'policy' },
  yeoJohnson: { column: 'string', lambda: 'number', onUnknown: 'policy' },
  oneHot: { column: 'string', categories: 'strings', otherColumn: 'boolean', onUnknown: 'policy' },
  ordinal: { column: 'string', categories: 'strings', onUnknown: 'policy' },
  frequency: { column: 'string', frequencies: 'numberMap', otherFrequency: 'numberOrNull', onUnknown: 'policy' },
  oversample: { column: 'string', copies: 'numberMap', seed: 'number' },
  smote: { column: 'string', features: 'strings', classes: 'strings', ratio: 'number', k: 'number', seed: 'number' },
};

export const RECIPE_OPS = Object.keys(STEP_FIELDS) as RecipeOp[];

const DATE_FEATURES = new Set(['year', 'month', 'day', 'dayOfWeek']);


function fieldOk(v: unknown, kind: FieldKind): boolean {
  if (typeof kind === 'object') return typeof v === 'string' && kind.oneOf.includes(v);
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'strings':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'policy':
      return typeof v === 'string' && (POLICY as readonly string[]).includes(v);
    case 'numberOrString':
      return typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
    case 'numberOrNull':
      return v === null || (typeof v === 'number' && Number.isFinite(v));
    case 'numberMap':
      return isRecord(v) && Object.values(v).every((x) => typeof x === 'number' && Number.isFinite(x));
    case 'stringMap':
      return isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
  }
}

function describe(kind: FieldKind): string {
  if (typeof kind === 'object') return `one of ${kind.oneOf.map((o) => `"${o}"`).join(', ')}`;
  const words: Record<Exclude<FieldKind, object>, string> = {
    string: 'a string',
    number: 'a finite number',
    boolean: 'true or false',
    strings: 'a list of strings',
    policy: '"missing" or "error"',
    numberOrString: 'a number or a string',
    numberOrNull: 'a number or null',
    numberMap: 'an object of numbers',
    stringMap: 'an object of strings',
  };
  return words[kind];
}

function bad(where: string, message: string): UserError {
  return new UserError('BAD_RECIPE', `${where}: ${message}`);
}

/** Checks one parsed step; `where` prefixes the message ("recipe.json step 3"). */
export function validateStep(v: unknown, where: string): RecipeStep {
  if (!isRecord(v)) throw bad(where, 'a step must be an object with an "op".');
  const op = v.op;
  if (typeof op !== 'string' || !(op in STEP_FIELDS)) {
    throw bad(where, `unknown op ${JSON.stringify(op)} (known: ${RECIPE_OPS.join(', ')}).`);
  }
  const fields = STEP_FIELDS[op as RecipeOp];
  for (const [name, kind] of Object.entries(fields)) {
    if (!(name in v)) throw bad(`${where} (${op})`, `"${name}" is missing; it must be ${describe(kind)}.`);
    if (!fieldOk(v[name], kind)) throw bad(`${where} (${op})`, `"${name}" must be ${describe(kind)}.`);
  }
  for (const name of Object.keys(v)) {
    if (name !== 'op' && !(name in fields)) throw bad(`${where} (${op})`, `unexpected field "${name}".`);
  }
  const step = v as unknown as RecipeStep;
  // Checks a type cannot express.
  if (step.op === 'dateFeatures') {
    const unknown = step.features.find((f) => !DATE_FEATURES.has(f));
    if (unknown !== undefined || step.features.length === 0) throw bad(`${where} (${op})`, `"features" must list some of year, month, day, dayOfWeek${unknown === undefined ? '' : `, not "${unknown}"`}.`);
  }
  if (step.op === 'scale' && step.scale === 0) throw bad(`${where} (${op})`, '"scale" must not be 0.');
  if (step.op === 'clip' || step.op === 'flagOutliers') {
    if (step.lower > step.upper) throw bad(`${where} (${op})`, `"lower" (${step.lower}) is above "upper" (${step.upper}).`);
  }
  if ((step.op === 'dropColumns' || step.op === 'dropRowsMissing' || step.op === 'trimWhitespace') && step.columns.length === 0) {
    throw bad(`${where} (${op})`, '"columns" is empty.');
  }
  if ((step.op === 'oneHot' || step.op === 'ordinal') && new Set(step.categories).size !== step.categories.length) {
    throw bad(`${where} (${op})`, '"categories" lists a value twice.');
  }
  if (step.op === 'impute' && (step.strategy === 'mean' || step.strategy === 'median') && typeof step.value !== 'number') {
    throw bad(`${where} (${op})`, `a ${step.strategy} "value" must be a number.`);
  }
  return step;
}

/** Parses and validates Recipe JSON text; `name` is how the file is called in messages. */
export function parseRecipe(text: string, name = 'recipe'): Recipe {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError('BAD_RECIPE', `${name} is not valid JSON (${(e as Error).message.split('\n')[0]}).`);
  }
  if (!isRecord(v)) throw bad(name, 'a Recipe must be a JSON object.');
  if (typeof v.schemaVersion !== 'number') throw bad(name, '"schemaVersion" is missing: is this an ML Lab Recipe?');
  if (v.schemaVersion !== RECIPE_SCHEMA_VERSION) {
    throw bad(name, `schemaVersion ${v.schemaVersion} is not supported (this ML Lab reads ${RECIPE_SCHEMA_VERSION}).`);
  }
  const source = v.source;
  if (!isRecord(source) || typeof source.file !== 'string' || typeof source.rows !== 'number' || !Array.isArray(source.columns)) {
    throw bad(name, '"source" must be an object with "file", "rows" and "columns".');
  }
  source.columns.forEach((c, i) => {
    if (!isRecord(c) || typeof c.name !== 'string' || typeof c.type !== 'string') throw bad(name, `source column ${i + 1} must have a "name" and a "type".`);
  });
  if (!fieldOk(v.missingTokens, 'strings')) throw bad(name, '"missingTokens" must be a list of strings.');
  if (!Array.isArray(v.steps)) throw bad(name, '"steps" must be a list.');
  const steps = v.steps.map((s, i) => validateStep(s, `${name} step ${i + 1}`));
  const last = steps.length - 1;
  steps.forEach((s, i) => {
    if (s.op === 'smote') {
      const where = `${name} step ${i + 1} (smote)`;
      if (i !== last) throw bad(where, 'SMOTE must be the last step.');
      if (!(s.ratio > 0 && s.ratio <= 1)) throw bad(where, '"ratio" must be above 0 and at most 1.');
      if (!Number.isInteger(s.k) || s.k < 1) throw bad(where, '"k" must be a whole number, at least 1.');
      if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) throw bad(where, '"seed" must be a whole number from 0 to 4294967295.');
      if (s.features.length === 0) throw bad(where, '"features" must name at least one column.');
      return;
    }
    if (s.op !== 'oversample') return;
    if (i !== last) throw bad(`${name} step ${i + 1} (oversample)`, 'oversampling must be the last step.');
    const low = Object.entries(s.copies).find(([, c]) => c < 1);
    if (low) throw bad(`${name} step ${i + 1} (oversample)`, `copies of ${JSON.stringify(low[0])} is ${low[1]}; it must be at least 1.`);
    if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) throw bad(`${name} step ${i + 1} (oversample)`, '"seed" must be a whole number from 0 to 4294967295.');
  });
  return { schemaVersion: RECIPE_SCHEMA_VERSION, source: source as unknown as Recipe['source'], missingTokens: v.missingTokens as string[], steps };
}

/** Readable JSON: two-space indent, fields in the order the types declare them. */
export function recipeToJson(recipe: Recipe): string {
  return JSON.stringify(recipe, null, 2) + '\n';
}
