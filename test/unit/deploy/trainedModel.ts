// A real model package for the serve tests: a CSV loaded as training does it, a small GBDT fitted on it and
// saved as models/best.json would be, with the training file's sha256 so inputSchemaFor can profile it.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_PACKAGE_FORMAT, MODEL_PACKAGE_VERSION } from '../../../src/core/ml/modelPackage.js';
import type { ModelPackage } from '../../../src/core/ml/modelPackage.js';
import { gbdt } from '../../../src/core/ml/models/gbdt.js';
import { fitPreprocessor } from '../../../src/core/ml/preprocess.js';
import { loadTrainingTable } from '../../../src/core/ml/table.js';
import type { Labels, Task } from '../../../src/core/ml/types.js';
import type { Recipe } from '../../../src/protocol/recipe.js';

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Fits a GBDT on `csv` for `target` and writes the package to `<dir>/best.json`; returns its path and the package. */
export async function trainedModel(
  dir: string,
  csv: string,
  target: string,
  options: { task?: Task; rounds?: number; lineage?: { parent: string; recipe: Recipe } } = {},
): Promise<{ path: string; pkg: ModelPackage }> {
  const loaded = await loadTrainingTable(csv, { target, ...(options.task ? { task: options.task } : {}) });
  const { table } = loaded;
  const all = Int32Array.from({ length: table.rows }, (_, i) => i);
  const prep = fitPreprocessor(table.features, all, gbdt.input);
  const t = table.target;
  const labels: Labels = t.task === 'regression' ? { task: 'regression', y: t.values } : { task: t.task, y: t.codes, classes: t.classes.length };
  const params = { rounds: options.rounds ?? 15, minSamplesLeaf: 2, maxLeafNodes: 8, earlyStopping: false };
  const model = await gbdt.fit(prep.transform(table.features), labels, params, { seed: 7 });
  const pkg: ModelPackage = {
    format: MODEL_PACKAGE_FORMAT,
    schemaVersion: MODEL_PACKAGE_VERSION,
    features: loaded.schema,
    target: { name: target, task: t.task, classes: t.task === 'regression' ? null : t.classes },
    kind: 'trial',
    members: [{ trial: 0, weight: 1, config: { model: 'gbdt', params }, preprocessing: JSON.parse(JSON.stringify(prep.toJSON())), model: JSON.parse(JSON.stringify(model.toJSON())) }],
    metric: t.task === 'regression' ? 'rmse' : 'accuracy',
    score: 0,
    dataset: { path: csv, sha256: sha256Of(csv), rows: table.rows },
    ...(options.lineage ? { lineage: { parent: { hash: sha256Of(options.lineage.parent), path: options.lineage.parent }, recipe: options.lineage.recipe } } : {}),
    experimentId: '20261128-093000-serve-abc',
    backend: null,
    created: '2026-11-28T09:30:00.000Z',
  };
  const path = join(dir, 'best.json');
  writeFileSync(path, JSON.stringify(pkg));
  return { path, pkg };
}
