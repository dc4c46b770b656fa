// Imported first by extension.ts, so this line runs before any other module of the bundle is evaluated:
// activation time is measured from here to the end of activate().
export const moduleEvaluationStart = performance.now();
