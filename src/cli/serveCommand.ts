// `mllab serve MODEL`: the prediction server in the foreground until SIGTERM/SIGINT, recorded as a
// deployment (.mllab/deployments/<id>.json) of the workspace: the nearest folder with a .mllab from the
// working folder upward, else the model's experiment workspace, else the working folder.
// Stdout carries exactly one line, `listening on http://HOST:PORT`, once requests are accepted (the
// editor parses it); everything else goes to stderr.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../core/errors.js';
import { resolveModelPath } from '../core/deploy/modelPath.js';
import { DEFAULT_BODY_LIMIT_BYTES, startServer } from '../core/deploy/server.js';
import { DEPLOYMENT_SCHEMA_VERSION, DeploymentStore, checkDeploymentId, newDeploymentId } from '../core/store/deployments.js';
import type { DeploymentRecord } from '../protocol/deploy.js';
import { parseOptions, UsageError } from './args.js';
import type { CliIo } from './profileCommand.js';

export const DEFAULT_SERVE_PORT = 8080;

export const SERVE_HELP = `Usage: mllab serve MODEL [--port P] [--host H] [--log-dir D] [--deployment ID] [--body-limit BYTES]

Serve a model over HTTP until stopped (Ctrl+C or SIGTERM: requests in flight finish, the log is flushed).
MODEL is an experiment id, a model JSON (models/best.json) or an exported model folder.

  POST /predict   {"rows": [{"column": value, ...}, ...]} -> {"predictions": [...], "probabilities": [{"class": p}]}
                  (no probabilities for regression); a bad row gets 400 with a message per field
  GET  /health    status and the model served
  GET  /schema    the input schema requests are checked against
  GET  /metrics   Prometheus text: requests, latency, errors, prediction distribution

  --port P            port to listen on (default ${DEFAULT_SERVE_PORT}; 0 = any free port)
  --host H            address to listen on (default 127.0.0.1: this machine only)
  --log-dir D         folder for the prediction log predictions.jsonl (default .mllab/deployments/<id>/)
  --deployment ID     deployment id to record the server under (default: a new one)
  --body-limit BYTES  largest request body (default ${DEFAULT_BODY_LIMIT_BYTES})
  -h, --help          show this help

Prints "listening on http://HOST:PORT" on stdout once ready.
Exit codes: 0 stopped, 1 bad input, 2 usage error, 130 interrupted before it was ready.
`;

const SERVE_SPEC = {
  help: { takesValue: false },
  port: { takesValue: true },
  host: { takesValue: true },
  'log-dir': { takesValue: true },
  deployment: { takesValue: true },
  'body-limit': { takesValue: true },
};

function intOption(value: string | true | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (value === true || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

function stringOption(value: string | true | undefined, name: string): string | undefined {
  if (value === true || value === '') throw new UsageError(`--${name} needs a value`);
  return value;
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** The workspace the deployment is recorded in (see the file comment). */
async function workspaceFor(cwd: string, modelPath: string): Promise<string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (await isDir(join(dir, '.mllab'))) return dir;
    if (dirname(dir) === dir) break;
  }
  const marker = `${sep}.mllab${sep}`;
  const at = modelPath.lastIndexOf(marker);
  return at >= 0 ? modelPath.slice(0, at) : resolve(cwd);
}

export async function runServe(argv: string[], io: CliIo, cwd = process.cwd()): Promise<number> {
  const { options, positionals } = parseOptions(argv, SERVE_SPEC);
  if (options.has('help')) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`serve needs one MODEL, got ${positionals.length} arguments`);
  const port = intOption(options.get('port'), 'port', 0, 65535) ?? DEFAULT_SERVE_PORT;
  const bodyLimit = intOption(options.get('body-limit'), 'body-limit', 1, 2 ** 31 - 1);
  const host = stringOption(options.get('host'), 'host') ?? '127.0.0.1';
  const logDirOption = stringOption(options.get('log-dir'), 'log-dir');
  const idOption = stringOption(options.get('deployment'), 'deployment');
  if (idOption !== undefined) {
    try {
      checkDeploymentId(idOption);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }

  const model = await resolveModelPath(positionals[0]!, cwd);
  const workspace = await workspaceFor(cwd, model);
  const store = new DeploymentStore(workspace);
  const id = idOption ?? newDeploymentId('served');
  const logDir = logDirOption !== undefined ? resolve(cwd, logDirOption) : store.logDir(id);

  // SIGTERM (the editor's Stop, a process manager) ends the server like Ctrl+C does.
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.on('SIGTERM', onSignal);
  io.signal?.addEventListener('abort', onSignal, { once: true });
  try {
    const server = await startServer({ model, host, port, logDir, deploymentId: id, signal: stop.signal, ...(bodyLimit !== undefined ? { bodyLimitBytes: bodyLimit } : {}) });
    const previous = await store.get(id).catch(() => null);
    const record: DeploymentRecord = {
      schemaVersion: DEPLOYMENT_SCHEMA_VERSION,
      id,
      kind: 'served',
      experimentId: server.experimentId,
      model,
      location: server.url,
      created: new Date().toISOString(),
      stopped: null,
      pid: process.pid,
      logDir,
      lastDrift: previous?.lastDrift ?? null,
    };
    try {
      await store.write(record);
    } catch (e) {
      await server.close();
      throw new UserError('BAD_ARGUMENT', `Cannot record the deployment in ${store.dir} (${(e as { code?: string }).code ?? (e as Error).message}).`);
    }
    io.stdout.write(`listening on ${server.url}\n`);
    io.stderr.write(`mllab: serving ${model} as deployment ${id}; prediction log in ${logDir}. Stop with Ctrl+C.\n`);
    if (!stop.signal.aborted) await new Promise<void>((done) => stop.signal.addEventListener('abort', () => done(), { once: true }));
    io.stderr.write('mllab: stopping: finishing requests in flight\n');
    await server.close();
    // Re-read: the editor records drift checks (lastDrift) on the running deployment meanwhile.
    const latest = (await store.get(id).catch(() => null)) ?? record;
    await store.write({ ...latest, stopped: new Date().toISOString() });
    io.stderr.write('mllab: stopped\n');
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    io.signal?.removeEventListener('abort', onSignal);
  }
}
