// The worker's drift/check and retrain/start handlers over a real vscode-jsonrpc connection pair (in-memory
// streams), with stand-in core functions: the report is stored at `out`, a jsonrpc cancel reaches the core as
// an abort, errors travel as user errors, retrain progress arrives as sweep/progress with the request id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { CancellationTokenSource, createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node.js';
import { UserError } from '../../../src/core/errors.js';
import { registerDeployJobs } from '../../../src/worker/deployJobs.js';
import type { CheckDriftFn, RetrainFn } from '../../../src/worker/deployJobs.js';
import { DriftCheckRequest, RetrainStartRequest, SweepProgressNotification, USER_ERROR } from '../../../src/protocol/worker.js';
import type { DriftReport, RetrainOutcome } from '../../../src/protocol/deploy.js';
import type { SweepProgress } from '../../../src/protocol/experiment.js';

function pair(core: { checkDrift: CheckDriftFn; retrain: RetrainFn }) {
  const up = new PassThrough();
  const down = new PassThrough();
  const worker = createMessageConnection(new StreamMessageReader(up), new StreamMessageWriter(down));
  const host = createMessageConnection(new StreamMessageReader(down), new StreamMessageWriter(up));
  const jobs = registerDeployJobs(worker, core);
  worker.listen();
  host.listen();
  return { host, jobs, close: () => (host.dispose(), worker.dispose()) };
}

const report = { format: 'mllab-drift', schemaVersion: 1, drifted: true, verdict: '1 of 1 features drifted: x', features: [] } as unknown as DriftReport;
const thresholds = { psi: 0.3, pValue: 0.05, effect: 0.2 };
const notRetrain: RetrainFn = () => Promise.reject(new Error('not called'));

test('drift/check passes the request through and stores the report at out', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mllab-deployjobs-'));
  const seen: unknown[] = [];
  const { host, close } = pair({ checkDrift: (o) => (seen.push({ ...o, signal: o.signal instanceof AbortSignal }), Promise.resolve(report)), retrain: notRetrain });
  try {
    const out = join(dir, 'drift', 'r.json');
    const result = await host.sendRequest(DriftCheckRequest, { requestId: '1', model: '/m.json', reference: null, current: '/new.csv', thresholds, out });
    assert.deepEqual(seen, [{ model: '/m.json', current: '/new.csv', thresholds, signal: true }]);
    assert.equal(result.reportPath, out);
    assert.deepEqual(result.report, report);
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), report);
    const inMemory = await host.sendRequest(DriftCheckRequest, { requestId: '2', model: null, reference: '/ref.csv', current: '/new.csv', thresholds, out: null });
    assert.equal(inMemory.reportPath, null);
    assert.deepEqual(seen[1], { reference: '/ref.csv', current: '/new.csv', thresholds, signal: true });
  } finally {
    close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('drift/check: a cancel aborts the core; a UserError comes back as a user error', async () => {
  let aborted = false;
  const { host, close } = pair({
    checkDrift: (o) =>
      o.current === 'bad.csv'
        ? Promise.reject(new UserError('NOT_FOUND', 'bad.csv does not exist'))
        : new Promise((_, reject) => o.signal!.addEventListener('abort', () => ((aborted = true), reject(new UserError('CANCELLED', 'Cancelled.'))))),
    retrain: notRetrain,
  });
  try {
    await assert.rejects(host.sendRequest(DriftCheckRequest, { requestId: '1', model: '/m', reference: null, current: 'bad.csv', thresholds, out: null }), (e: unknown) => e instanceof ResponseError && e.code === USER_ERROR && /bad\.csv does not exist/.test(e.message) && (e.data as { userErrorCode: string }).userErrorCode === 'NOT_FOUND');
    const source = new CancellationTokenSource();
    const pending = host.sendRequest(DriftCheckRequest, { requestId: '2', model: '/m', reference: null, current: 'big.csv', thresholds, out: null }, source.token);
    await new Promise((r) => setTimeout(r, 20));
    source.cancel();
    await assert.rejects(pending);
    assert.equal(aborted, true);
  } finally {
    close();
  }
});

test('retrain/start maps its params and forwards sweep progress under the request id', async () => {
  const outcome = { parentExperiment: 'p', childExperiment: 'c', promoted: true } as RetrainOutcome;
  const progress = { experimentId: 'c', phase: 'searching', finishedTrials: 2, bestScore: 0.9 } as unknown as SweepProgress;
  let options: Record<string, unknown> | null = null;
  const { host, close } = pair({
    checkDrift: () => Promise.reject(new Error('not called')),
    retrain: (o) => {
      options = { root: o.root, experimentId: o.experimentId, newData: o.newData, mode: o.mode, budgetSeconds: o.budgetSeconds };
      o.hooks?.onProgress?.(progress);
      return Promise.resolve(outcome);
    },
  });
  const received: unknown[] = [];
  host.onNotification(SweepProgressNotification, (p) => received.push(p));
  try {
    const result = await host.sendRequest(RetrainStartRequest, { requestId: '7', workspace: '/ws', experimentId: 'p', newData: '/new.csv', mode: 'combined' });
    assert.deepEqual(result, outcome);
    assert.deepEqual(options, { root: '/ws', experimentId: 'p', newData: '/new.csv', mode: 'combined', budgetSeconds: undefined });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(received, [{ requestId: '7', progress }]);
  } finally {
    close();
  }
});
