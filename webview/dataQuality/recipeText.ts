// A fitted Recipe step in words, for the lineage block: what was done and with which fitted values.
// Column names are backtick-quoted so messageText shows them as code.
import { formatNumber, plural } from '../../src/protocol/profileFormat.js';
import type { RecipeStep } from '../../src/protocol/recipe.js';

const q = (name: string): string => `\`${name}\``;

function names(columns: readonly string[], max = 4): string {
  const shown = columns.slice(0, max).map(q).join(', ');
  return columns.length > max ? `${shown} and ${columns.length - max} more` : shown;
}

function value(v: number | string): string {
  return typeof v === 'number' ? formatNumber(v) : JSON.stringify(v);
}

const SCALE: Record<'standard' | 'minMax' | 'robust', string> = { standard: 'standardise', minMax: 'min-max scale', robust: 'robust-scale' };

export function describeStep(step: RecipeStep): string {
  switch (step.op) {
    case 'dropDuplicateRows':
      return 'Drop repeated rows';
    case 'dropColumns':
      return `Drop ${names(step.columns)}${step.reason ? ` (${step.reason})` : ''}`;
    case 'dropRowsMissing':
      return `Drop rows missing ${names(step.columns)}`;
    case 'impute':
      return `Fill missing ${q(step.column)} with ${step.strategy === 'constant' ? '' : `the ${step.strategy} `}${value(step.value)}${step.indicator ? `, add ${q(`${step.column}_missing`)}` : ''}`;
    case 'parseNumbers':
      return `Read ${q(step.column)} as numbers${step.thousands ? ` (without "${step.thousands}")` : ''}`;
    case 'parseBooleans':
      return `Read ${q(step.column)} as 1/0`;
    case 'dateFeatures':
      return `Split ${q(step.column)} into ${step.features.join(', ')}${step.dropColumn ? ' and drop it' : ''}`;
    case 'trimWhitespace':
      return `Trim spaces in ${names(step.columns)}`;
    case 'unifyCase':
      return `Unify ${plural(Object.keys(step.mapping).length, 'spelling')} in ${q(step.column)}`;
    case 'groupRare':
      return `Group rare ${q(step.column)} values as ${JSON.stringify(step.other)} (${plural(step.keep.length, 'category', 'categories')} kept)`;
    case 'clip':
      return `Clip ${q(step.column)} to ${formatNumber(step.lower)} … ${formatNumber(step.upper)}`;
    case 'flagOutliers':
      return `Flag ${q(step.column)} outside ${formatNumber(step.lower)} … ${formatNumber(step.upper)} in ${q(`${step.column}_outlier`)}`;
    case 'scale':
      return `${SCALE[step.method]} ${q(step.column)}`.replace(/^./, (c) => c.toUpperCase());
    case 'log1p':
      return `log(1 + x) of ${q(step.column)}${step.shift ? ` shifted by ${formatNumber(step.shift)}` : ''}`;
    case 'yeoJohnson':
      return `Yeo-Johnson transform of ${q(step.column)} (λ ${formatNumber(step.lambda)})`;
    case 'oneHot':
      return `One-hot encode ${q(step.column)} (${plural(step.categories.length + (step.otherColumn ? 1 : 0), 'column')})`;
    case 'ordinal':
      return `Number the ${plural(step.categories.length, 'category', 'categories')} of ${q(step.column)}`;
    case 'frequency':
      return `Replace ${q(step.column)} by its category frequencies`;
    case 'oversample':
      return `Oversample ${plural(Object.keys(step.copies).length, 'class', 'classes')} of ${q(step.column)} (training data only)`;
    case 'smote':
      return `SMOTE: synthetic rows for ${plural(step.classes.length, 'class', 'classes')} of ${q(step.column)} from ${plural(step.k, 'nearest neighbour')} over ${plural(step.features.length, 'feature')} (training data only)`;
    default: {
      // An op added to the core after this build: say what it is rather than nothing.
      const op: unknown = (step as { op?: unknown }).op;
      return `Step ${typeof op === 'string' ? op : '?'}`;
    }
  }
}
