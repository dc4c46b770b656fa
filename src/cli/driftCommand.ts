// `mllab drift MODEL NEW.csv`: does new data still look like the model's training data? A table for people
// on stdout (or with --json the DriftReport); exit 0 whatever the verdict unless --fail-on-drift asks for 3
// when drifted, so a pipeline can gate on it.
import { resolve } from 'node:path';
import { checkDrift, DEFAULT_DRIFT_THRESHOLDS, SAMPLE_SIZE } from '../core/deploy/drift.js';
import { resolveModelPath } from '../core/deploy/modelPath.js';
import type { DriftReport, DriftThresholds, FeatureDrift } from '../protocol/deploy.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';
import { safeText } from './terminalText.js';

/** Exit code of a drifted check under --fail-on-drift (1 and 2 are taken by errors and usage). */
export const DRIFTED_EXIT_CODE = 3;

export const DRIFT_HELP = `Usage: mllab drift MODEL NEW [options]

Compare new data with the data a model was trained on, column by column: population stability index
(PSI), the two-sample Kolmogorov-Smirnov test (numbers) or the chi-square test (categories), the change in
missing values and categories training never saw; and the model's predictions on both.

MODEL is an experiment id, a model JSON (models/best.json) or an exported model folder. NEW is a CSV with
the model's input columns, or a prediction log of \`mllab serve\` (predictions.jsonl, or its folder with the
rotated files). The reference is the model's training file (its sha256 is checked; for a model trained on
a cleaned version, the source file it was cleaned from) unless --reference names another.

  --reference DATA.csv  compare with this file instead of the training data
  --psi X               a column drifts when its PSI reaches X (default ${DEFAULT_DRIFT_THRESHOLDS.psi})
  --p-value X           ...or when its test's p-value is below X (default ${DEFAULT_DRIFT_THRESHOLDS.pValue})
  --effect X            ...and its effect (KS statistic, Cramer's V) reaches X (default ${DEFAULT_DRIFT_THRESHOLDS.effect})
  --json                print the report as one JSON document
  --fail-on-drift       exit ${DRIFTED_EXIT_CODE} when the data drifted
  -h, --help            show this help

Numeric bins are the reference's deciles; PSI floors an empty bin's share at 1e-4. Numeric columns of
files over ${SAMPLE_SIZE.toLocaleString('en-US')} rows are sampled (seeded) for KS; category counts are exact.
Exit codes: 0 checked (drifted or not), ${DRIFTED_EXIT_CODE} drifted with --fail-on-drift, 1 bad input, 2 usage error,
130 interrupted.
`;

const DRIFT_SPEC = {
  help: { takesValue: false },
  json: { takesValue: false },
  reference: { takesValue: true },
  psi: { takesValue: true },
  'p-value': { takesValue: true },
  effect: { takesValue: true },
  'fail-on-drift': { takesValue: false },
};

export interface DriftArgs {
  model: string;
  current: string;
  reference: string | null;
  thresholds: Partial<DriftThresholds>;
  json: boolean;
  failOnDrift: boolean;
}

function threshold(name: string, text: string, ok: (v: number) => boolean, range: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || !ok(v)) throw new UsageError(`--${name} must be a number ${range}, got "${text}"`);
  return v;
}

/** Returns null when the user asked for help. */
export function parseDriftArgs(argv: readonly string[]): DriftArgs | null {
  const { options, positionals } = parseOptions(argv, DRIFT_SPEC);
  if (options.has('help')) return null;
  if (positionals.length !== 2) throw new UsageError(`drift needs MODEL and NEW, got ${positionals.length} argument${positionals.length === 1 ? '' : 's'}`);
  const text = (name: string): string | undefined => {
    const v = options.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const thresholds: Partial<DriftThresholds> = {};
  const psi = text('psi');
  if (psi !== undefined) thresholds.psi = threshold('psi', psi, (v) => v > 0, 'above 0');
  const p = text('p-value');
  if (p !== undefined) thresholds.pValue = threshold('p-value', p, (v) => v > 0 && v < 1, 'between 0 and 1');
  const effect = text('effect');
  if (effect !== undefined) thresholds.effect = threshold('effect', effect, (v) => v >= 0 && v <= 1, 'from 0 to 1');
  return { model: positionals[0]!, current: positionals[1]!, reference: text('reference') ?? null, thresholds, json: options.has('json'), failOnDrift: options.has('fail-on-drift') };
}

function num(x: number): string {
  if (x === 0) return '0';
  if (Math.abs(x) < 1e-3) return x.toExponential(1);
  return x.toFixed(3);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(x > 0 && x < 0.01 ? 1 : 0)}%`;
}

function row(f: FeatureDrift): string[] {
  const test = f.ks ? `KS ${num(f.ks.statistic)}` : f.chi2 ? `V ${num(f.chi2.cramersV)}` : '-';
  const p = f.ks ? num(f.ks.pValue) : f.chi2 ? num(f.chi2.pValue) : '-';
  const missing = f.missingRate.reference === f.missingRate.current ? pct(f.missingRate.current) : `${pct(f.missingRate.reference)} → ${pct(f.missingRate.current)}`;
  const unseen = f.unseen ? `${f.unseen.count} (${f.unseen.examples.map((e) => safeText(e, 12)).join(', ')})` : '';
  return [safeText(f.name, 30), f.kind === 'numeric' ? 'numeric' : 'category', num(f.psi), test, p, missing, unseen, f.drifted ? 'DRIFTED' : 'ok'];
}

/** The report as a table for people. */
export function driftText(report: DriftReport): string {
  const lines: string[] = [];
  lines.push(`New data:  ${safeText(report.current.path)} (${report.current.rows.toLocaleString('en-US')} rows)`);
  lines.push(`Reference: ${safeText(report.reference.path)} (${report.reference.rows.toLocaleString('en-US')} rows)`);
  if (report.model) lines.push(`Model:     ${safeText(report.model.path)}${report.model.experimentId ? ` (experiment ${report.model.experimentId})` : ''}`);
  const t = report.thresholds;
  lines.push(`Drifted when PSI ≥ ${t.psi}, or p < ${t.pValue} with effect ≥ ${t.effect}`);
  lines.push('');
  const body = [...report.features.map(row), ...(report.prediction ? [row(report.prediction)] : [])];
  const header = ['column', 'kind', 'PSI', 'effect', 'p-value', 'missing', 'unseen', ''];
  const widths = header.map((h, i) => Math.max([...h].length, ...body.map((r) => [...r[i]!].length)));
  const format = (r: string[]): string =>
    r
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  lines.push(format(header));
  for (const r of body) lines.push(format(r));
  const flagged = [...report.features, ...(report.prediction ? [report.prediction] : [])].filter((f) => f.drifted);
  if (flagged.length > 0) {
    lines.push('');
    for (const f of flagged) lines.push(`${safeText(f.name, 30)}: ${f.reasons.join('; ')}`);
  }
  lines.push('');
  lines.push(`${report.drifted ? 'DRIFTED' : 'OK'}: ${report.verdict}`);
  for (const n of report.notes ?? []) lines.push(`Note: ${safeText(n)}`);
  return lines.join('\n') + '\n';
}

export async function runDrift(argv: string[], io: CliIo): Promise<number> {
  const args = parseDriftArgs(argv);
  if (!args) {
    io.stdout.write(DRIFT_HELP);
    return 0;
  }
  const model = await resolveModelPath(args.model, process.cwd());
  const report = await checkDrift({
    model,
    current: resolve(args.current),
    ...(args.reference ? { reference: resolve(args.reference) } : {}),
    thresholds: args.thresholds,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  io.stdout.write(args.json ? JSON.stringify(report, null, 2) + '\n' : driftText(report));
  return args.failOnDrift && report.drifted ? DRIFTED_EXIT_CODE : 0;
}
