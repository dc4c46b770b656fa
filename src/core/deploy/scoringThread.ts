// A scoring thread of the prediction server (bundled as dist/scoringThread.js): holds its own copy of the
// model and predicts the share of a large batch the server hands it, so a big /predict uses a second core
// while the server's thread predicts the rest. Messages: { id, features } in, { id, values } or
// { id, error } out (values transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { loadModelPackage } from '../ml/modelPackage.js';
import type { FeatureColumn } from '../ml/types.js';

export interface ScoringRequest {
  id: number;
  features: FeatureColumn[];
}

export type ScoringReply = { id: number; values: Float64Array } | { id: number; error: string };

const port = parentPort;
if (port) {
  const ready = loadModelPackage((workerData as { model: string }).model);
  port.on('message', (message: ScoringRequest) => {
    ready
      .then((model) => {
        const values = model.predict(message.features);
        port.postMessage({ id: message.id, values } satisfies ScoringReply, [values.buffer as ArrayBuffer]);
      })
      .catch((e: unknown) => port.postMessage({ id: message.id, error: e instanceof Error ? e.message : String(e) } satisfies ScoringReply));
  });
}
