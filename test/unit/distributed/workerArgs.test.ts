import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { UsageError } from '../../../src/cli/args.js';
import { parseSweepArgs } from '../../../src/cli/sweepCommand.js';
import { parseWorkerArgs } from '../../../src/cli/workerCommand.js';

test('mllab worker: --redis is required and checked; defaults for concurrency, name and cache', () => {
  assert.deepEqual(parseWorkerArgs(['--redis', 'redis://h:6379'], { XDG_CACHE_HOME: '/c' }), { redis: 'redis://h:6379', concurrency: 1, name: null, cache: join('/c', 'mllab', 'datasets') });
  assert.deepEqual(parseWorkerArgs(['--redis', 'rediss://u:p@h:6380', '--concurrency', '4', '--name', 'gpu-1', '--cache', 'here'], {}), { redis: 'rediss://u:p@h:6380', concurrency: 4, name: 'gpu-1', cache: resolve('here') });
  assert.equal(parseWorkerArgs(['--help'], {}), null);
  assert.throws(() => parseWorkerArgs([], {}), (e: Error) => e instanceof UsageError && /needs --redis URL/.test(e.message));
  assert.throws(() => parseWorkerArgs(['--redis', 'http://h:6379'], {}), /Not a Redis URL/);
  assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--concurrency', '0'], {}), /positive whole number, got "0"/);
  assert.throws(() => parseWorkerArgs(['--redis', 'redis://h', '--name', 'a b'], {}), /--name must be/);
});

test('mllab sweep --backend redis: needs --redis; the password comes from MLLAB_REDIS_PASSWORD', () => {
  const config = parseSweepArgs(['d.csv', '--target', 'y', '--backend', 'redis', '--redis', 'redis://h:1'], { MLLAB_REDIS_PASSWORD: 'pw' })!;
  assert.equal(config.backend, 'redis');
  assert.deepEqual(config.redis, { url: 'redis://h:1', password: 'pw' });
  assert.deepEqual(parseSweepArgs(['d.csv', '--target', 'y', '--backend', 'redis', '--redis', 'redis://h:1'], {})!.redis, { url: 'redis://h:1' });
  assert.equal(parseSweepArgs(['d.csv', '--target', 'y', '--backend', 'local'], {})!.redis, undefined);
  assert.throws(() => parseSweepArgs(['d.csv', '--target', 'y', '--backend', 'redis'], {}), /--backend redis needs --redis URL/);
  assert.throws(() => parseSweepArgs(['d.csv', '--target', 'y', '--redis', 'redis://h:1'], {}), /--redis is for --backend redis/);
  assert.throws(() => parseSweepArgs(['d.csv', '--target', 'y', '--backend', 'cloud'], {}), /--backend must be one of local, redis/);
});

test('mllab sweep --offer-host goes with --backend redis', () => {
  assert.deepEqual(parseSweepArgs(['d.csv', '--target', 'y', '--backend', 'redis', '--redis', 'redis://h:1', '--offer-host', '10.0.0.5'], {})!.redis, { url: 'redis://h:1', offerHost: '10.0.0.5' });
  assert.throws(() => parseSweepArgs(['d.csv', '--target', 'y', '--offer-host', '10.0.0.5'], {}), /--offer-host is for --backend redis/);
});
