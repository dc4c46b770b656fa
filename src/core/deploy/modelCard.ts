// The model card of an exported package: what the model is, what it was trained on and how well it did, for
// whoever receives the folder without the workspace. model-card.json for programs, model-card.md for people;
// built from the model package, plus the experiment record and report when the workspace still has them.
import { METRICS } from '../ml/metrics.js';
import type { ModelPackage } from '../ml/modelPackage.js';
import type { MetricName } from '../ml/types.js';
import { DEPLOY_SCHEMA_VERSION, MODEL_CARD_FORMAT } from '../../protocol/deploy.js';
import type { InputSchema, ModelCard } from '../../protocol/deploy.js';
import type { ExperimentRecord } from '../../protocol/experiment.js';
import type { ExperimentReport } from '../../protocol/experimentReport.js';

export interface ModelCardSources {
  record: ExperimentRecord | null;
  report: ExperimentReport | null;
  /** The card of the package being re-exported (an exported folder as MODEL), when there is no record. */
  previous: ModelCard | null;
  exportedAt: string;
  mllabVersion: string;
}

export function buildModelCard(pkg: ModelPackage, sources: ModelCardSources): ModelCard {
  const { record, report, previous } = sources;
  const single = pkg.members.length === 1 ? pkg.members[0] : undefined;
  const trialMetrics = single ? report?.trials.find((t) => t.index === single.trial)?.metrics : undefined;
  // An ensemble's out-of-fold metrics are not stored, only the score of the metric it was chosen on.
  const metrics: Partial<Record<MetricName, number>> = trialMetrics ?? previous?.metrics ?? (Number.isFinite(pkg.score) ? { [pkg.metric]: pkg.score } : {});
  return {
    format: MODEL_CARD_FORMAT,
    schemaVersion: DEPLOY_SCHEMA_VERSION,
    experimentId: pkg.experimentId,
    name: record ? (record.name?.trim() ? record.name.trim() : null) : (previous?.name ?? null),
    task: pkg.target.task,
    target: pkg.target.name,
    metric: pkg.metric,
    score: Number.isFinite(pkg.score) ? pkg.score : null,
    heldOut: report ? (report.heldOut?.metrics ?? null) : (previous?.heldOut ?? null),
    metrics,
    members: pkg.members.map((m) => ({ model: m.config.model, params: m.config.params, weight: m.weight })),
    dataset: { ...pkg.dataset },
    lineage: pkg.lineage ? { parent: pkg.lineage.parent, recipe: pkg.lineage.recipe } : null,
    trainedAt: record?.times.finished ?? previous?.trainedAt ?? pkg.created,
    exportedAt: sources.exportedAt,
    mllabVersion: sources.mllabVersion,
  };
}

const metricLabel = (m: MetricName): string => METRICS[m]?.label ?? m;

/** Four significant digits, as the tree shows scores. */
function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** Dataset-derived text inside Markdown: no markup, no HTML, no table breaks, one line (only mid-line, in cells). */
export function markdownText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`);
}

export function modelCardMarkdown(card: ModelCard, schema: InputSchema): string {
  const t = markdownText;
  const title = card.name ?? card.experimentId;
  const lines: string[] = [
    `# Model card: ${t(title)}`,
    '',
    `Predicts **${t(card.target)}** (${card.task}${schema.target.classes ? `: ${schema.target.classes.map(t).join(', ')}` : ''}).`,
    '',
    '| | |',
    '|---|---|',
    `| Experiment | ${t(card.experimentId)} |`,
    `| Model | ${card.members.length === 1 ? card.members[0]!.model : `ensemble of ${card.members.length}: ${card.members.map((m) => `${m.model} × ${formatNumber(m.weight)}`).join(', ')}`} |`,
    `| ${t(metricLabel(card.metric))} (cross-validated) | ${formatNumber(card.score)} |`,
    `| Trained | ${card.trainedAt} |`,
    `| Exported | ${card.exportedAt} (ML Lab ${t(card.mllabVersion)}) |`,
    `| Data | ${t(card.dataset.path)}, ${card.dataset.rows} rows, sha256 ${card.dataset.sha256.slice(0, 12)} |`,
    '',
  ];
  if (card.lineage) {
    lines.push('## Lineage', '');
    lines.push(`Trained on a cleaned version of ${card.lineage.parent ? `${t(card.lineage.parent.path)} (sha256 ${card.lineage.parent.hash.slice(0, 12)})` : 'a file not recorded'}. Prediction takes the source's raw columns and replays the cleaning Recipe (recipe.json) first: ${card.lineage.recipe.steps.length} step${card.lineage.recipe.steps.length === 1 ? '' : 's'} (${card.lineage.recipe.steps.map((s) => s.op).join(', ')}).`, '');
  }
  const metricRows = (m: Partial<Record<MetricName, number>>): string[] =>
    Object.entries(m)
      .filter((e): e is [MetricName, number] => typeof e[1] === 'number')
      .map(([k, v]) => `| ${t(metricLabel(k))} | ${formatNumber(v)} |`);
  lines.push('## Metrics', '', 'Out-of-fold (every training row scored by a model that never saw it):', '', '| Metric | Value |', '|---|---|', ...metricRows(card.metrics), '');
  if (card.heldOut) lines.push('On the held-out test rows (kept out of the search):', '', '| Metric | Value |', '|---|---|', ...metricRows(card.heldOut), '');
  lines.push('## Parameters', '');
  card.members.forEach((m, i) => {
    const params = Object.entries(m.params).map(([k, v]) => `${t(k)} = ${t(String(v))}`).join(', ');
    lines.push(`${card.members.length > 1 ? `${i + 1}. ` : '- '}**${m.model}**${card.members.length > 1 ? ` (weight ${formatNumber(m.weight)})` : ''}: ${params || 'defaults'}`);
  });
  lines.push('', '## Input', '', '| Column | Type | Missing allowed | Training values |', '|---|---|---|---|');
  for (const c of schema.columns) {
    const seen = c.range ? `${formatNumber(c.range.min)} … ${formatNumber(c.range.max)}` : c.categories ? `${c.categories.length} categor${c.categories.length === 1 ? 'y' : 'ies'}${c.categories.length <= 12 ? `: ${c.categories.map(t).join(', ')}` : ''}` : '';
    lines.push(`| ${t(c.name)} | ${c.type} | ${c.nullable ? 'yes' : 'no'} | ${seen} |`);
  }
  lines.push('');
  return lines.join('\n');
}
