// The exported model package: a self-contained folder that predicts with nothing but Node.
export { resolveModelPath } from './modelPath.js';
