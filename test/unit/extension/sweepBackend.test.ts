// The distributed-sweep settings: parsing of hand-edited values, the no-password-in-the-URL rule, and
// what a sweep request gets for each backend (restricted mode and a missing URL refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { distributedFields, parseSweepBackend, redisUrlProblem } from '../../../src/extension/sweepBackend.js';

test('parseSweepBackend: only "redis" selects redis; a URL is trimmed; wrong types fall back', () => {
  assert.deepEqual(parseSweepBackend('redis', ' redis://127.0.0.1:6379 '), { backend: 'redis', redisUrl: 'redis://127.0.0.1:6379', problem: null, offerHost: null });
  assert.deepEqual(parseSweepBackend('local', 'redis://h:1'), { backend: 'local', redisUrl: 'redis://h:1', problem: null, offerHost: null });
  assert.deepEqual(parseSweepBackend('REDIS', 42), { backend: 'local', redisUrl: null, problem: null, offerHost: null });
  assert.deepEqual(parseSweepBackend(undefined, '   '), { backend: 'local', redisUrl: null, problem: null, offerHost: null });
});

test('parseSweepBackend: offerHost is an address (trimmed) or nothing; a URL or spaces are refused', () => {
  assert.equal(parseSweepBackend('redis', 'redis://h:1', ' 10.0.0.5 ').offerHost, '10.0.0.5');
  assert.equal(parseSweepBackend('redis', 'redis://h:1', 'coordinator.lan').problem, null);
  assert.equal(parseSweepBackend('redis', 'redis://h:1', '::1').problem, null);
  assert.equal(parseSweepBackend('redis', 'redis://h:1', '').offerHost, null);
  assert.match(parseSweepBackend('redis', 'redis://h:1', 'http://10.0.0.5').problem ?? '', /not an address/);
  assert.match(parseSweepBackend('redis', 'redis://h:1', '10.0.0.5 8080').problem ?? '', /not an address/);
});

test('redisUrlProblem: redis:// and rediss:// with a host pass; a password is refused without echoing it', () => {
  assert.equal(redisUrlProblem('redis://127.0.0.1:6379'), null);
  assert.equal(redisUrlProblem('rediss://cache.example.com:6380/2'), null);
  // An ACL user name alone is not a secret.
  assert.equal(redisUrlProblem('redis://ml@10.0.0.5:6379'), null);
  const withPassword = redisUrlProblem('redis://:hunter2@10.0.0.5:6379');
  assert.ok(withPassword !== null && withPassword.includes('Set Redis Password'), withPassword ?? 'null');
  assert.ok(!withPassword.includes('hunter2'));
  const userAndPassword = redisUrlProblem('rediss://ml:s3cret@10.0.0.5');
  assert.ok(userAndPassword !== null && !userAndPassword.includes('s3cret'));
  assert.match(redisUrlProblem('http://127.0.0.1:6379') ?? '', /redis:\/\/ or rediss:\/\//);
  assert.match(redisUrlProblem('127.0.0.1:6379') ?? '', /redis:\/\/ or rediss:\/\/|not a URL/);
  assert.match(redisUrlProblem('not a url') ?? '', /not a URL/);
  assert.match(parseSweepBackend('redis', 'redis://:pw@h:1').problem ?? '', /password/);
});

test('distributedFields: nothing for local; url and password for redis; refusals for untrusted, unset or bad URLs', () => {
  const redis = parseSweepBackend('redis', 'redis://127.0.0.1:6379');
  assert.deepEqual(distributedFields(parseSweepBackend('local', 'redis://:pw@h:1'), 'pw', false), { fields: {} });
  assert.deepEqual(distributedFields(redis, 'pw', true), { fields: { backend: 'redis', redisUrl: 'redis://127.0.0.1:6379', redisPassword: 'pw' } });
  assert.deepEqual(distributedFields(redis, null, true), { fields: { backend: 'redis', redisUrl: 'redis://127.0.0.1:6379' } });
  assert.deepEqual(distributedFields(parseSweepBackend('redis', 'redis://h:1', '10.0.0.5'), null, true), { fields: { backend: 'redis', redisUrl: 'redis://h:1', redisOfferHost: '10.0.0.5' } });
  const untrusted = distributedFields(redis, 'pw', false);
  assert.ok('error' in untrusted && /trusted workspace/.test(untrusted.error));
  const unset = distributedFields(parseSweepBackend('redis', ''), null, true);
  assert.ok('error' in unset && /redisUrl is not set/.test(unset.error));
  const bad = distributedFields(parseSweepBackend('redis', 'redis://:pw@h:1'), null, true);
  assert.ok('error' in bad && /Set Redis Password/.test(bad.error) && !bad.error.includes(':pw@'));
});
