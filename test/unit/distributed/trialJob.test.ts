import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFloats, decodeResult, encodeFloats, encodeResult, refusal, trialJobId } from '../../../src/core/distributed/trialJob.js';
import { obtainDataset, offerDataset } from '../../../src/core/distributed/datasetOffer.js';
import { DISTRIBUTED_PROTOCOL_VERSION } from '../../../src/protocol/distributed.js';

test('predictions travel as base64 of little-endian float64 bytes', () => {
  // 1.0 is 0x3FF0000000000000: little-endian bytes 00 00 00 00 00 00 F0 3F.
  assert.equal(encodeFloats(Float64Array.of(1)), Buffer.from([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]).toString('base64'));
  const values = Float64Array.of(0.1, -2.5, 1e-300, Number.MAX_VALUE, 0);
  assert.deepEqual(Array.from(decodeFloats(encodeFloats(values))), [0.1, -2.5, 1e-300, Number.MAX_VALUE, 0]);
  // A view at an offset of a larger buffer encodes only its own bytes.
  const big = Float64Array.of(9, 8, 7, 6);
  assert.deepEqual(Array.from(decodeFloats(encodeFloats(big.subarray(1, 3)))), [8, 7]);
  assert.throws(() => decodeFloats(Buffer.from([1, 2, 3]).toString('base64')), /not 8-byte numbers/);
});

test('a result round-trips through JSON; NaN fold scores come back as NaN', () => {
  const wire = JSON.parse(
    JSON.stringify(encodeResult({ status: 'done', oof: Float64Array.of(0.25, 0.75), foldScores: [0.5, NaN], metrics: { accuracy: 0.5 }, error: null, backend: 'cpu' }, 'w7', 1.5)),
  ) as unknown;
  const back = decodeResult(wire);
  assert.equal(back.status, 'done');
  assert.deepEqual(Array.from(back.oof!), [0.25, 0.75]);
  assert.equal(back.foldScores[0], 0.5);
  assert.ok(Number.isNaN(back.foldScores[1]));
  assert.deepEqual(back.metrics, { accuracy: 0.5 });
  assert.equal(back.worker, 'w7');
  assert.equal(back.seconds, 1.5);
  assert.equal(back.backend, 'cpu');
  // As a string too (how some BullMQ events carry it).
  assert.equal(decodeResult(JSON.stringify(wire)).worker, 'w7');
});

test('a malformed or foreign result is a failed trial that says why', () => {
  assert.match(decodeResult(null).error!, /unreadable: not an object/);
  assert.match(decodeResult({ protocol: DISTRIBUTED_PROTOCOL_VERSION + 1, status: 'done' }).error!, /protocol 2, expected 1/);
  assert.match(decodeResult({ protocol: DISTRIBUTED_PROTOCOL_VERSION, status: 'done', foldScores: [], metrics: {}, oof: null }).error!, /without out-of-fold/);
  assert.equal(decodeResult('{not json').status, 'failed');
});

test('workers refuse jobs of another protocol and jobs that are not trials', () => {
  const job = { protocol: DISTRIBUTED_PROTOCOL_VERSION, version: '0.1.0', experimentId: 'e', index: 3, config: { model: 'knn', params: {} }, dataset: { sha256: 'x' }, target: 'y' };
  assert.equal(refusal(job, 'w1'), null);
  assert.match(refusal({ ...job, protocol: 7, version: '9.9.9' }, 'w1')!, /^worker w1 runs ML Lab \S+ \(distributed protocol 1\) but the sweep's coordinator runs ML Lab 9\.9\.9 \(protocol 7\)/);
  assert.match(refusal({ ...job, config: 'require("child_process")' }, 'w1')!, /malformed trial job/);
  assert.match(refusal('rm -rf /', 'w1')!, /not an ML Lab trial/);
  assert.equal(trialJobId('20260101-abc', 12), '20260101-abc-12');
});

test('a dataset is fetched from the offer URL when the path is unreadable, verified and cached by hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mllab-offer-'));
  try {
    const file = join(dir, 'train.csv');
    const text = 'a,y\n1,x\n2,z\n';
    writeFileSync(file, text);
    const sha256 = createHash('sha256').update(text).digest('hex');
    const offer = await offerDataset(file, sha256);
    try {
      assert.match(offer.url, /^http:\/\/127\.0\.0\.1:\d+\/datasets\/[0-9a-f]{64}$/);
      const cache = join(dir, 'cache');
      const got = await obtainDataset({ sha256, bytes: text.length, path: join(dir, 'elsewhere', 'train.csv'), url: offer.url }, cache);
      assert.equal(got, join(cache, `${sha256}.csv`));
      assert.equal(readFileSync(got, 'utf8'), text);
      // The shared path wins when it holds the same bytes.
      assert.equal(await obtainDataset({ sha256, bytes: text.length, path: file, url: offer.url }, cache), file);
      // Bytes with another hash are never used.
      const wrong = 'f'.repeat(64);
      await assert.rejects(obtainDataset({ sha256: wrong, bytes: 1, path: file, url: offer.url.replace(sha256, wrong) }, cache), /HTTP 404/);
      const other = await offerDataset(file, wrong);
      try {
        await assert.rejects(obtainDataset({ sha256: wrong, bytes: 1, path: null, url: other.url }, cache), /has sha256 [0-9a-f]{12}…, expected ffffffffffff…: not training on it/);
      } finally {
        await other.close();
      }
    } finally {
      await offer.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
