// The shipped trial kit: the registry's model families, the data layer's per-fold preprocessing, and the
// TensorFlow.js backend the tfjs families started (recorded with the experiment).
import { modelFamily } from '../ml/models/index.js';
import { fitPreprocessor } from '../ml/preprocess.js';
import { tensorflowStatus } from '../ml/tensorflow.js';
import type { TrialKit } from './trial.js';

export const trialKit: TrialKit = {
  family: modelFamily,
  preprocess(table, rows, layout) {
    const fitted = fitPreprocessor(table.features, rows, layout);
    return {
      transform: (t, r) => fitted.transform(t.features, r),
      toJSON: () => fitted.toJSON(),
      sources: fitted.sources,
    };
  },
  backend: () => tensorflowStatus()?.backend ?? null,
};
