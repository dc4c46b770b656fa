// The model registry: every shipped model family by kind. A family joins here once its file exists.
import type { ModelFamily, ModelKind, Task } from '../types.js';
import { extraTrees, randomForest } from './forest.js';
import { gbdt } from './gbdt.js';
import { knn } from './knn.js';
import { linear } from './linear.js';
import { mlp } from './mlp.js';
import { naiveBayes } from './naiveBayes.js';

export const MODEL_FAMILIES: readonly ModelFamily[] = [gbdt, randomForest, extraTrees, linear, mlp, knn, naiveBayes];

export function modelFamily(kind: ModelKind): ModelFamily {
  const family = MODEL_FAMILIES.find((f) => f.kind === kind);
  if (!family) throw new Error(`No model family '${kind}' in this build.`);
  return family;
}

/** Families that can learn this task, in registry order. */
export function familiesFor(task: Task): ModelFamily[] {
  return MODEL_FAMILIES.filter((f) => f.tasks.includes(task));
}
