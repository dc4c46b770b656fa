// test/support/redisServer.ts: a private redis-server on loopback, with and without a password; restart keeps
// the port and (no persistence) starts empty; stop frees the port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redisCommands, startRedis } from '../support/redisServer.js';

test('without a password: answers PING on 127.0.0.1 at the port in its URL', async () => {
  const redis = await startRedis();
  try {
    assert.equal(redis.url, `redis://127.0.0.1:${redis.port}`);
    assert.deepEqual(await redisCommands(redis.port, [['PING']]), ['+PONG']);
  } finally {
    await redis.stop();
  }
});

test('with a password: PING is refused until AUTH, a wrong password is refused, the URL carries it encoded', async () => {
  const redis = await startRedis({ password: 'p@ss word' });
  try {
    assert.equal(redis.url, `redis://:p%40ss%20word@127.0.0.1:${redis.port}`);
    const [unauthenticated] = await redisCommands(redis.port, [['PING']]);
    assert.match(unauthenticated ?? '', /^-NOAUTH/);
    const [wrong] = await redisCommands(redis.port, [['AUTH', 'nope']]);
    assert.match(wrong ?? '', /^-WRONGPASS/);
    assert.deepEqual(await redisCommands(redis.port, [['AUTH', 'p@ss word'], ['PING']]), ['+OK', '+PONG']);
  } finally {
    await redis.stop();
  }
});

test('restart keeps the port and comes back empty (nothing persisted); stop frees the port', async () => {
  const redis = await startRedis({ password: 'secret' });
  const port = redis.port;
  try {
    assert.deepEqual(await redisCommands(port, [['AUTH', 'secret'], ['SET', 'k', 'v'], ['EXISTS', 'k']]), ['+OK', '+OK', ':1']);
    await redis.restart();
    assert.equal(redis.port, port);
    assert.deepEqual(await redisCommands(port, [['AUTH', 'secret'], ['EXISTS', 'k']]), ['+OK', ':0']);
  } finally {
    await redis.stop();
  }
  await assert.rejects(redisCommands(port, [['PING']]), /ECONNREFUSED/);
});
