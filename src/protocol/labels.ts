// Model and metric names as people read them: the one source for the host (tree, status bar,
// notifications), the webviews (Sweep panel, report, compare) and the HTML/Markdown export. Metric labels
// come from core/ml/metrics.ts's METRICS (a plain table, no Node imports, so webviews may bundle it).
import { METRICS } from '../core/ml/metrics.js';
import type { ModelKind } from '../core/ml/types.js';

export const MODEL_LABELS: Readonly<Record<ModelKind, string>> = {
  gbdt: 'Gradient boosting',
  randomForest: 'Random forest',
  extraTrees: 'Extra trees',
  knn: 'k-nearest neighbours',
  naiveBayes: 'Naive Bayes',
  linear: 'Linear',
  mlp: 'Neural network (MLP)',
};

/** The label of a model kind; an unknown kind (a newer store) is shown as written. */
export function modelLabel(kind: string): string {
  return Object.hasOwn(MODEL_LABELS, kind) ? MODEL_LABELS[kind as ModelKind] : kind;
}

/** The label of a metric name; an unknown name is shown as written. */
export function metricLabel(name: string): string {
  return Object.hasOwn(METRICS, name) ? (METRICS as Record<string, { label: string }>)[name]!.label : name;
}
