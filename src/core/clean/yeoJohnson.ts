// Yeo-Johnson lambda by maximum likelihood (Yeo & Johnson 2000): the lambda whose transform makes the data
// look most normal. Fitted once on a bounded sample and baked into the Recipe.
import { yeoJohnson } from './steps.js';

/** Profile log-likelihood of lambda (constant terms dropped), as scipy.stats.yeojohnson_llf. */
export function yeoJohnsonLogLikelihood(values: readonly number[], lambda: number): number {
  const n = values.length;
  let mean = 0;
  for (const x of values) mean += yeoJohnson(x, lambda);
  mean /= n;
  let ss = 0;
  let jacobian = 0;
  for (const x of values) {
    const y = yeoJohnson(x, lambda);
    ss += (y - mean) ** 2;
    jacobian += Math.sign(x) * Math.log1p(Math.abs(x));
  }
  const variance = ss / n;
  return -(n / 2) * Math.log(variance) + (lambda - 1) * jacobian;
}

const LOW = -5;
const HIGH = 5;

/**
 * The lambda in [-5, 5] maximising the log-likelihood: a grid finds the peak's neighbourhood, golden-section
 * search narrows it to 1e-9. Constant or empty data gives 1 (the identity).
 */
export function yeoJohnsonLambda(values: readonly number[]): number {
  if (values.length < 2 || values.every((v) => v === values[0])) return 1;
  const f = (l: number): number => yeoJohnsonLogLikelihood(values, l);
  const steps = 40;
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i <= steps; i++) {
    const v = f(LOW + ((HIGH - LOW) * i) / steps);
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  let a = LOW + ((HIGH - LOW) * Math.max(0, best - 1)) / steps;
  let b = LOW + ((HIGH - LOW) * Math.min(steps, best + 1)) / steps;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-9) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}
