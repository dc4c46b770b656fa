// What GET /metrics answers, in the Prometheus text exposition format (version 0.0.4): requests by path and
// status, a latency histogram of /predict, errors by reason, rows predicted, the prediction distribution
// (per class, or a histogram of values for regression) and values outside the training range per column.
// Counters are plain numbers and typed arrays updated in place: recording a request allocates nothing.

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Seconds: a loopback single-row answer takes well under a millisecond; a large batch up to seconds. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Regression predictions: a signed log scale, since the target's units are unknown here. */
export const VALUE_BUCKETS = [-1e6, -1e5, -1e4, -1e3, -100, -10, -1, -0.1, 0, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6];

export type ErrorReason = 'bad_json' | 'invalid_rows' | 'too_large' | 'not_found' | 'method_not_allowed' | 'internal';

/** Label values escaped as the format requires: backslash, double quote and line feed. */
export function labelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function number(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return String(x);
}

class Histogram {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }
  observe(x: number): void {
    this.count++;
    if (x === x) this.sum += x;
    const b = this.bounds;
    // Buckets are few: a linear scan from the bottom beats a binary search for typical (small) latencies.
    for (let i = 0; i < b.length; i++) {
      if (x <= b[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
  lines(name: string, labels: string): string[] {
    const out: string[] = [];
    let cumulative = 0;
    const sep = labels === '' ? '' : `${labels},`;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      out.push(`${name}_bucket{${sep}le="${number(this.bounds[i]!)}"} ${cumulative}`);
    }
    out.push(`${name}_bucket{${sep}le="+Inf"} ${this.count}`);
    const braces = labels === '' ? '' : `{${labels}}`;
    out.push(`${name}_sum${braces} ${number(this.sum)}`, `${name}_count${braces} ${this.count}`);
    return out;
  }
}

export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly errors = new Map<ErrorReason, number>();
  private readonly latency = new Histogram(LATENCY_BUCKETS);
  private readonly values = new Histogram(VALUE_BUCKETS);
  private readonly classCounts: Float64Array;
  private readonly outOfRange: Float64Array;
  private rowsPredicted = 0;
  private readonly started = Date.now();

  constructor(
    private readonly model: { experimentId: string; task: string; classes: readonly string[] | null; deploymentId: string | null },
    /** Numeric input columns, in the order outOfRange counts come in. */
    private readonly columns: readonly string[],
  ) {
    this.classCounts = new Float64Array(model.classes?.length ?? 0);
    this.outOfRange = new Float64Array(columns.length);
  }

  /** One answered request. `path` is the route ("/predict", ...) or "other" (so 404s cannot grow the map). */
  request(path: string, status: number, seconds: number): void {
    const key = `${path} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (path === '/predict') this.latency.observe(seconds);
  }

  error(reason: ErrorReason): void {
    this.errors.set(reason, (this.errors.get(reason) ?? 0) + 1);
  }

  /** Class codes (classification) or values (regression) of a predicted batch. */
  predictions(classCodes: Int32Array | null, values: Float64Array | null): void {
    if (classCodes) {
      for (let i = 0; i < classCodes.length; i++) this.classCounts[classCodes[i]!]!++;
      this.rowsPredicted += classCodes.length;
    } else if (values) {
      for (let i = 0; i < values.length; i++) this.values.observe(values[i]!);
      this.rowsPredicted += values.length;
    }
  }

  /** Per input column (constructor order): values of this batch outside the training range. */
  outOfRangeValues(counts: readonly number[]): void {
    for (let j = 0; j < counts.length; j++) if (counts[j]! > 0) this.outOfRange[j]! += counts[j]!;
  }

  text(): string {
    const m = this.model;
    const lines: string[] = [];
    lines.push('# HELP mllab_model_info The model this server answers with.', '# TYPE mllab_model_info gauge');
    lines.push(`mllab_model_info{experiment="${labelValue(m.experimentId)}",task="${labelValue(m.task)}",deployment="${labelValue(m.deploymentId ?? '')}"} 1`);
    lines.push('# HELP mllab_uptime_seconds Seconds since the server started.', '# TYPE mllab_uptime_seconds gauge');
    lines.push(`mllab_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    lines.push('# HELP mllab_http_requests_total Answered HTTP requests by path and status.', '# TYPE mllab_http_requests_total counter');
    for (const [key, count] of [...this.requests].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const space = key.lastIndexOf(' ');
      lines.push(`mllab_http_requests_total{path="${labelValue(key.slice(0, space))}",status="${key.slice(space + 1)}"} ${count}`);
    }
    lines.push('# HELP mllab_predict_duration_seconds Server-side latency of POST /predict.', '# TYPE mllab_predict_duration_seconds histogram');
    lines.push(...this.latency.lines('mllab_predict_duration_seconds', ''));
    lines.push('# HELP mllab_errors_total Requests answered with an error, by reason.', '# TYPE mllab_errors_total counter');
    for (const [reason, count] of [...this.errors].sort(([a], [b]) => (a < b ? -1 : 1))) lines.push(`mllab_errors_total{reason="${reason}"} ${count}`);
    lines.push('# HELP mllab_predicted_rows_total Rows predicted.', '# TYPE mllab_predicted_rows_total counter');
    lines.push(`mllab_predicted_rows_total ${this.rowsPredicted}`);
    if (m.classes) {
      lines.push('# HELP mllab_predictions_total Predicted rows by predicted class.', '# TYPE mllab_predictions_total counter');
      m.classes.forEach((c, i) => lines.push(`mllab_predictions_total{class="${labelValue(c)}"} ${this.classCounts[i]}`));
    } else {
      lines.push('# HELP mllab_prediction_value Distribution of predicted values.', '# TYPE mllab_prediction_value histogram');
      lines.push(...this.values.lines('mllab_prediction_value', ''));
    }
    lines.push('# HELP mllab_out_of_range_values_total Input values outside the training range, by column.', '# TYPE mllab_out_of_range_values_total counter');
    this.columns.forEach((c, j) => lines.push(`mllab_out_of_range_values_total{column="${labelValue(c)}"} ${this.outOfRange[j]}`));
    return lines.join('\n') + '\n';
  }
}
