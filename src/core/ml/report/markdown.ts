// The experiment report as Markdown (GitHub-flavoured tables): the numbers, no charts. Data strings go
// through escapeMarkdown, so a class called `| x | <img>` stays one cell of text.
import type { Evaluation, ReportSnapshot } from '../../../protocol/experimentReport.js';
import { escapeMarkdown } from '../../profile/report/escape.js';
import {
  bestMetrics,
  formatParam,
  formatScore,
  formatSeconds,
  greaterIsBetter,
  leadTrial,
  metricLabel,
  modelLabel,
  paramsText,
  rankTrials,
  recipeSteps,
  testSplitText,
  trialsFromJournal,
  validationText,
} from '../../../protocol/experimentReportFormat.js';

const m = escapeMarkdown;

function table(head: string[], rows: string[][], right: boolean[] = []): string {
  const sep = head.map((_, i) => (right[i] ? '---:' : '---'));
  return [head, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** Up to `maxTrials` trials, best first (all by default). */
export function renderExperimentMarkdown(snapshot: ReportSnapshot, generated: Date = new Date(), maxTrials = Infinity): string {
  const { experiment: x, report, lineage } = snapshot;
  const trials = report?.trials ?? trialsFromJournal(snapshot.trials);
  const greater = greaterIsBetter(x.metric);
  const lead = report ? leadTrial(report) : null;
  const out: string[] = [];
  out.push(`# Experiment ${m(x.id)}`, '');
  out.push(`Best ${m(metricLabel(x.metric))}: **${formatScore(x.bestScore)}**${x.bestTrial !== null ? ` (trial ${x.bestTrial}${x.bestKind === 'ensemble' ? ', ensemble' : ''})` : ''} — generated ${generated.toISOString()} by ML Lab`, '');
  out.push('## Overview', '');
  const facts: string[][] = [
    ['Status', m(x.status)],
    ['Dataset', m(x.dataset.path)],
    ['Target', `${m(x.config.target)} (${x.task})`],
    ['Metric', `${m(metricLabel(x.metric))} (${greater ? 'higher' : 'lower'} is better)`],
    ['Validation', m(validationText(x))],
    ['Test split', m(testSplitText(x, report?.heldOut?.rows ?? null))],
    ['Search', `${m(x.config.search)}, seed ${x.config.seed}, ${x.trials} trials in ${formatSeconds(x.times.searchSeconds)}`],
    ['Created', m(x.times.created)],
  ];
  if (x.backend) facts.push(['Backend', m(x.backend)]);
  if (x.tags.length) facts.push(['Tags', x.tags.map(m).join(', ')]);
  if (x.note) facts.push(['Note', m(x.note)]);
  if (x.error) facts.push(['Error', m(x.error)]);
  out.push(table(['', ''], facts), '');

  if (report) {
    const { rows, source } = bestMetrics(report);
    const held = report.heldOut ?? null;
    if (held) {
      out.push('## Metrics: cross-validated and held out', '', `Cross-validated: out-of-fold predictions (${m(validationText(x))}), from ${m(source)}. Held out: the shipped model, refitted on the training rows, on ${held.rows} rows the search never saw.`, '');
      out.push(table(['Metric', 'Cross-validated', `Held out (${held.rows} rows)`], rows.map((r) => [`${m(r.label)}${r.optimised ? ' (optimised)' : ''}`, formatScore(r.value), formatScore(r.heldOut)]), [false, true, true]), '');
    } else {
      out.push('## Cross-validated metrics', '', `Out-of-fold predictions (${m(validationText(x))}), from ${m(source)}.`, '');
      out.push(table(['Metric', 'Value'], rows.map((r) => [`${m(r.label)}${r.optimised ? ' (optimised)' : ''}`, formatScore(r.value)]), [false, true]), '');
    }
    if (lead && lead.foldScores.length) out.push(`Per fold: ${lead.foldScores.map(formatScore).join(', ')} (std ${formatScore(lead.foldStd)})`, '');

    out.push('## Best model', '', `${report.best.kind === 'ensemble' ? `A weighted ensemble of ${report.best.members.length} trials` : 'A single trial'}, refitted on all ${held ? 'training ' : ''}rows.`, '');
    out.push(table(['Trial', 'Model', 'Weight', 'CV score'], report.best.members.map((b) => [String(b.trial), m(modelLabel(b.model)), formatScore(b.weight), formatScore(b.score)]), [true, false, true, true]), '');
    if (lead) {
      out.push(`### Hyperparameters of trial ${lead.index} (${m(modelLabel(lead.model))})`, '');
      out.push(table(['Parameter', 'Value'], Object.keys(lead.params).sort().map((k) => [m(k), m(formatParam(lead.params[k]!))])), '');
    }

    const evaluation = (ev: Evaluation, title: string): void => {
      out.push(title, '');
      if (ev.task === 'regression') {
        const r = ev.residuals;
        out.push(table(['', ''], [['Rows', String(r.rows)], ['Mean residual', formatScore(r.mean)], ['Residual std', formatScore(r.std)]]), '');
      } else {
        const name = (i: number): string => m(report.classes?.[i] ?? `class ${i}`);
        out.push('Confusion matrix (rows: actual, columns: predicted):', '');
        out.push(table(['', ...ev.confusion.classes.map(name)], ev.confusion.counts.map((row, a) => [name(ev.confusion.classes[a] ?? a), ...row.map(String)]), [false, ...ev.confusion.classes.map(() => true)]), '');
      }
    };
    if (held) evaluation(held.evaluation, `## Evaluation on the held-out rows (${held.rows})`);
    evaluation(report.evaluation, held ? '## Evaluation out-of-fold (cross-validation)' : '## Evaluation');
    if (report.importance || report.importanceNote) out.push('## Permutation importance', '');
    if (report.importance) {
      out.push(`Mean drop of the objective when a feature is shuffled in the validation rows of a fold (trial ${report.importance.trial}, ${report.importance.folds} folds).`, '');
    }
    if (report.importanceNote) out.push(`${report.importance ? 'Partial' : 'Not measured'}: ${m(report.importanceNote)}.`, '');
    if (report.importance) {
      out.push(table(['Feature', 'Mean drop', 'Std'], report.importance.features.map((f) => [m(f.feature), formatScore(f.mean), formatScore(f.std)]), [false, true, true]), '');
    }
  } else if (x.bestScore !== null) {
    out.push('## Best so far', '', `${m(metricLabel(x.metric))}: ${formatScore(x.bestScore)}. The full report is written when the sweep finishes.`, '');
  }

  const ranked = rankTrials(trials, greater);
  const shown = ranked.slice(0, maxTrials);
  out.push('## Trials', '', `${trials.length} trials${shown.length < ranked.length ? `, best ${shown.length} shown` : ''}, best first.`, '');
  out.push(
    table(
      ['Trial', 'Model', 'Parameters', 'Score', '± fold std', 'Time', 'Status'],
      shown.map((t) => [String(t.index), m(modelLabel(t.model)), m(paramsText(t.params)), formatScore(t.score), formatScore(t.foldStd), formatSeconds(t.seconds), m(t.error ? `${t.status}: ${t.error}` : t.status)]),
      [true, false, false, true, true, true, false],
    ),
    '',
  );

  out.push('## Lineage', '');
  const rows: string[][] = [
    ['File', m(x.dataset.path)],
    ['SHA-256', m(x.dataset.sha256)],
    ['Rows × features', `${x.dataset.rows} × ${x.dataset.features}`],
  ];
  const version = lineage.version;
  if (version) {
    rows.push(['Version', `${m(version.name)} (${m(version.path)})`]);
    if (version.parent) rows.push(['Cleaned from', m(version.parent.path)]);
  }
  out.push(table(['', ''], rows), '');
  const steps = recipeSteps(version);
  if (steps.length) out.push('Recipe:', '', ...steps.map((s, i) => `${i + 1}. ${m(s.op)}${s.columns ? ` ${m(s.columns)}` : ''}`), '');
  return out.join('\n');
}
