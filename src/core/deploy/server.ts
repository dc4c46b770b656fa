// The prediction server behind `mllab serve`: node:http with keep-alive, no framework (four routes do not
// need one, and every layer would sit on the single-row latency path).
//   POST /predict  {"rows": [{column: value, ...}, ...]} → {"predictions": [...], "probabilities": [{class: p}]}
//   GET  /health   liveness and what is served
//   GET  /schema   the InputSchema requests are checked against
//   GET  /metrics  Prometheus text (metrics.ts)
// Everything a request needs is built once at start (model, row reader with its lookups and compiled
// Recipe, class names); the log is written off the response path (predictionLog.ts). Shutdown is
// graceful: stop accepting, let requests in flight finish, flush the log.
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { loadModelPackage } from '../ml/modelPackage.js';
import type { LoadedModel } from '../ml/modelPackage.js';
import type { FeatureColumn } from '../ml/types.js';
import type { InputSchema, PredictError } from '../../protocol/deploy.js';
import { inputSchemaFor } from './inputSchema.js';
import { METRICS_CONTENT_TYPE, ServerMetrics } from './metrics.js';
import type { ErrorReason } from './metrics.js';
import { PredictionLog } from './predictionLog.js';
import type { PredictionLogOptions } from './predictionLog.js';
import { rowReader } from './rows.js';
import type { ScoringReply, ScoringRequest } from './scoringThread.js';
import type { RowReader } from './rows.js';

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
/** Below this, a second thread's message round trip costs more than half the batch's prediction. */
export const DEFAULT_SPLIT_ROWS = 2048;
/** How long close() lets requests in flight finish before it cuts their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface ServerOptions {
  /** Path of the model package JSON (resolve an experiment id or folder first: resolveModelPath). */
  model: string;
  host?: string;
  /** 0 (default) = any free port. */
  port?: number;
  /** Folder for predictions.jsonl; null/absent = no log. */
  logDir?: string | null;
  bodyLimitBytes?: number;
  deploymentId?: string;
  /** The schema to check requests against; default inputSchemaFor(the package). */
  schema?: InputSchema;
  /**
   * Batches of at least this many rows are split with a second thread (default DEFAULT_SPLIT_ROWS; 0 = never).
   * Not for models with TensorFlow.js members: a second copy of TensorFlow.js costs more than it saves.
   */
  splitRows?: number;
  /** Rotation and flush settings of the log (tests; defaults otherwise). */
  log?: Omit<PredictionLogOptions, 'dir'>;
  signal?: AbortSignal;
}

export interface RunningServer {
  /** http://HOST:PORT, no trailing slash. */
  url: string;
  host: string;
  port: number;
  /** The experiment the served package came from. */
  experimentId: string;
  /** Stops accepting, waits for requests in flight (at most SHUTDOWN_GRACE_MS), flushes and closes the log. */
  close(): Promise<void>;
}

type Route = '/predict' | '/health' | '/schema' | '/metrics';
const ROUTES: Record<Route, 'GET' | 'POST'> = { '/predict': 'POST', '/health': 'GET', '/schema': 'GET', '/metrics': 'GET' };

function routeOf(url: string | undefined): Route | null {
  if (url === undefined) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  return Object.hasOwn(ROUTES, path) ? (path as Route) : null;
}

/** The answer to a parsed /predict body, status and JSON text. */
interface Answer {
  status: number;
  body: string;
  reason?: ErrorReason;
  /** For the log: the rows and what was predicted for them. */
  rows?: readonly unknown[];
  predictions?: (string | number)[];
  error?: string;
}

function errorAnswer(status: number, reason: ErrorReason, error: string, fields?: PredictError['fields']): Answer {
  const body: PredictError = fields ? { error, fields } : { error };
  return { status, reason, body: JSON.stringify(body), error };
}

/** Builds the per-model predict function: validation, features, the model, the JSON answer. */
/** Rows [from, to) of feature columns: views for this thread, copies for another (a view would send the whole buffer). */
function rowRange(features: readonly FeatureColumn[], from: number, to: number, copy: boolean): FeatureColumn[] {
  return features.map((f) =>
    f.kind === 'numeric'
      ? { name: f.name, kind: 'numeric', values: copy ? f.values.slice(from, to) : f.values.subarray(from, to) }
      : { name: f.name, kind: 'categorical', codes: copy ? f.codes.slice(from, to) : f.codes.subarray(from, to), categories: f.categories },
  );
}

/**
 * A second thread for large batches: it holds its own copy of the model and predicts the second half of a
 * batch while the server's thread predicts the first (every model predicts row by row, so the halves join).
 * Started at the first large batch; when it cannot start or fails, batches are predicted here alone.
 */
class ScoringThread {
  private worker: Worker | null = null;
  private broken = false;
  private next = 0;
  private readonly pending = new Map<number, { resolve(values: Float64Array): void; reject(e: Error): void }>();

  constructor(private readonly modelPath: string) {}

  private start(): Worker | null {
    if (this.worker || this.broken) return this.worker;
    const bundled = join(__dirname, 'scoringThread.js');
    const source = join(__dirname, 'scoringThread.ts');
    let worker: Worker;
    try {
      if (existsSync(bundled)) worker = new Worker(bundled, { workerData: { model: this.modelPath } });
      else if (existsSync(source)) {
        // Tests run the sources through tsx; the thread needs its loader too (a variable, so bundlers skip it).
        const loader = 'tsx/cjs';
        worker = new Worker(`require(${JSON.stringify(require.resolve(loader))}); require(${JSON.stringify(source)});`, { eval: true, workerData: { model: this.modelPath } });
      } else {
        this.broken = true;
        return null;
      }
    } catch {
      this.broken = true;
      return null;
    }
    worker.on('message', (reply: ScoringReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('values' in reply) waiting?.resolve(reply.values);
      else waiting?.reject(new Error(reply.error));
    });
    const fail = (e: Error): void => {
      this.broken = true;
      this.worker = null;
      for (const w of this.pending.values()) w.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the scoring thread exited')));
    // An idle thread must not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  /** The values for `features`, from the thread; null when there is no thread. */
  predict(features: FeatureColumn[]): Promise<Float64Array> | null {
    const worker = this.start();
    if (!worker) return null;
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, features } satisfies ScoringRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.broken = true;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

function predictor(model: LoadedModel, reader: RowReader, metrics: ServerMetrics, numericColumns: readonly number[], helper: ScoringThread | null, splitRows: number): (parsed: unknown) => Answer | Promise<Answer> {
  const pkg = model.package;
  const classes = pkg.target.task === 'regression' ? null : pkg.target.classes;
  // Keys of each probability object, escaped once.
  const classKeys = classes?.map((c) => JSON.stringify(c)) ?? [];
  return (parsed) => {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as { rows?: unknown }).rows)) {
      return errorAnswer(400, 'invalid_rows', 'the body must be a JSON object {"rows": [{column: value, ...}, ...]}');
    }
    const rows = (parsed as { rows: unknown[] }).rows;
    if (rows.length === 0) return errorAnswer(400, 'invalid_rows', '"rows" is empty: send at least one row');
    const read = reader.read(rows);
    if ('errors' in read) {
      const first = read.errors[0]!;
      const more = read.errors.length > 1 ? ` (and ${read.errors.length - 1} more)` : '';
      return errorAnswer(400, 'invalid_rows', `row ${first.row}, ${first.column === '' ? 'row' : `column "${first.column}"`}: ${first.message}${more}`, read.errors);
    }
    if (numericColumns.length > 0) metrics.outOfRangeValues(numericColumns.map((j) => read.outOfRange[j]!));
    const n = read.rows;
    if (helper && n >= splitRows) {
      const half = n >> 1;
      const tail = rowRange(read.features, half, n, true);
      const other = helper.predict(tail);
      if (other) {
        const head = model.predict(rowRange(read.features, 0, half, false));
        return other
          .catch(() => model.predict(tail))
          .then((rest) => {
            const values = new Float64Array(head.length + rest.length);
            values.set(head);
            values.set(rest, head.length);
            return respond(rows, values, n);
          });
      }
    }
    return respond(rows, model.predict(read.features), n);
  };

  function respond(rows: unknown[], values: Float64Array, n: number): Answer {
    if (!classes) {
      metrics.predictions(null, values);
      const predictions = Array.from(values);
      return { status: 200, body: JSON.stringify({ predictions }), rows, predictions };
    }
    const k = classes.length;
    const codes = new Int32Array(n);
    const predictions = new Array<string>(n);
    // The JSON by hand: one string per row instead of an object per row for JSON.stringify to walk.
    let probabilities = '';
    for (let r = 0; r < n; r++) {
      let best = 0;
      let row = '{';
      for (let c = 0; c < k; c++) {
        const p = values[r * k + c]!;
        if (p > values[r * k + best]!) best = c;
        row += `${c ? ',' : ''}${classKeys[c]}:${Number.isFinite(p) ? p : 'null'}`;
      }
      codes[r] = best;
      predictions[r] = classes[best]!;
      probabilities += `${r ? ',' : ''}${row}}`;
    }
    metrics.predictions(codes, null);
    return { status: 200, body: `{"predictions":${JSON.stringify(predictions)},"probabilities":[${probabilities}]}`, rows, predictions };
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const model = await loadModelPackage(options.model);
  const pkg = model.package;
  // An exported folder's schema.json (beside its model.json) is used as is: a deployed package needs no training data.
  const schema = options.schema ?? (await inputSchemaFor(pkg, { modelPath: options.model, ...(options.signal ? { signal: options.signal } : {}) }));
  let reader: RowReader;
  try {
    reader = rowReader(pkg, schema);
  } catch (e) {
    throw new UserError('BAD_ARGUMENT', `Cannot serve ${options.model}: ${(e as Error).message}`);
  }
  const inputColumns = schema.columns.filter((c) => c.name !== pkg.target.name);
  const numericColumns = inputColumns.flatMap((c, j) => (c.type === 'numeric' && c.range !== null ? [j] : []));
  const metrics = new ServerMetrics(
    { experimentId: pkg.experimentId, task: pkg.target.task, classes: pkg.target.task === 'regression' ? null : pkg.target.classes, deploymentId: options.deploymentId ?? null },
    numericColumns.map((j) => inputColumns[j]!.name),
  );
  const splitRows = options.splitRows ?? DEFAULT_SPLIT_ROWS;
  const usesTensorflow = pkg.members.some((m) => m.config.model === 'linear' || m.config.model === 'mlp');
  const helper = splitRows > 0 && !usesTensorflow && availableParallelism() > 1 ? new ScoringThread(options.model) : null;
  const predict = predictor(model, reader, metrics, numericColumns, helper, splitRows);
  const log = options.logDir ? await PredictionLog.open({ ...options.log, dir: options.logDir }) : null;
  const limit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const schemaText = JSON.stringify(schema);
  const started = new Date().toISOString();
  const health = (): string =>
    JSON.stringify({ status: 'ok', experimentId: pkg.experimentId, deploymentId: options.deploymentId ?? null, task: pkg.target.task, target: pkg.target.name, model: options.model, started });

  let shuttingDown = false;
  const send = (res: ServerResponse, status: number, body: string, contentType = 'application/json'): void => {
    // While shutting down, a keep-alive connection ends with its answer instead of idling until a timeout.
    if (shuttingDown) res.setHeader('Connection', 'close');
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const finish = (res: ServerResponse, route: Route | null, t0: number, answer: Answer): void => {
    send(res, answer.status, answer.body);
    const seconds = (performance.now() - t0) / 1000;
    metrics.request(route ?? 'other', answer.status, seconds);
    if (answer.reason) metrics.error(answer.reason);
    if (route === '/predict' && log) {
      log.append(
        answer.status === 200
          ? { time: Date.now(), status: answer.status, ms: seconds * 1000, rows: answer.rows!, predictions: answer.predictions! }
          : { time: Date.now(), status: answer.status, ms: seconds * 1000, error: answer.error ?? '' },
      );
    }
  };

  const onPredict = (req: IncomingMessage, res: ServerResponse, t0: number): void => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > limit) {
      // Answered before the body arrives; the connection closes after the answer.
      res.setHeader('Connection', 'close');
      finish(res, '/predict', t0, errorAnswer(413, 'too_large', `the body is ${declared} bytes; the limit is ${limit} (mllab serve --body-limit)`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        res.setHeader('Connection', 'close');
        finish(res, '/predict', t0, errorAnswer(413, 'too_large', `the body is over the limit of ${limit} bytes (mllab serve --body-limit)`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (over) return;
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        finish(res, '/predict', t0, errorAnswer(400, 'bad_json', `the body is not JSON: ${(e as Error).message}`));
        return;
      }
      const failed = (e: unknown): Answer => errorAnswer(500, 'internal', `prediction failed: ${(e as Error).message}`);
      let answer: Answer | Promise<Answer>;
      try {
        answer = predict(parsed);
      } catch (e) {
        answer = failed(e);
      }
      if (answer instanceof Promise) answer.catch(failed).then((a) => finish(res, '/predict', t0, a), () => undefined);
      else finish(res, '/predict', t0, answer);
    });
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    const t0 = performance.now();
    const route = routeOf(req.url);
    if (route === null) {
      finish(res, null, t0, errorAnswer(404, 'not_found', `no such endpoint: ${req.method ?? ''} ${(req.url ?? '').slice(0, 200)} (try POST /predict, GET /health, /schema, /metrics)`));
      req.resume();
      return;
    }
    if (req.method !== ROUTES[route]) {
      res.setHeader('Allow', ROUTES[route]);
      finish(res, route, t0, errorAnswer(405, 'method_not_allowed', `${route} takes ${ROUTES[route]}, not ${req.method ?? ''}`));
      req.resume();
      return;
    }
    if (route === '/predict') return onPredict(req, res, t0);
    if (route === '/metrics') {
      const text = metrics.text();
      metrics.request(route, 200, (performance.now() - t0) / 1000);
      send(res, 200, text, METRICS_CONTENT_TYPE);
      return;
    }
    finish(res, route, t0, { status: 200, body: route === '/schema' ? schemaText : health() });
  });
  // Load balancers and clients keep connections longer than Node's 5 s default expects.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolveListen, rejectListen) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      void log?.close();
      rejectListen(
        e.code === 'EADDRINUSE'
          ? new UserError('BAD_ARGUMENT', `Port ${options.port ?? 0} on ${host} is in use: pick another with --port.`)
          : e.code === 'EACCES'
            ? new UserError('BAD_ARGUMENT', `Not allowed to listen on ${host}:${options.port ?? 0} (ports below 1024 need privileges).`)
            : e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND'
              ? new UserError('BAD_ARGUMENT', `Cannot listen on ${host}: no such address on this machine.`)
              : e,
      );
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shuttingDown = true;
      await new Promise<void>((done) => {
        // Node 19+: close() also ends idle keep-alive connections; busy ones end after their answer.
        const grace = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        grace.unref();
        server.close(() => {
          clearTimeout(grace);
          done();
        });
        server.closeIdleConnections();
      });
      await helper?.close();
      await log?.close();
    })();
    return closing;
  };
  return { url: `http://${urlHost}:${address.port}`, host: address.address, port: address.port, experimentId: pkg.experimentId, close };
}
