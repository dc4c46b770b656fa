import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError, isUserError } from '../../src/core/errors.js';

test('UserError keeps its code through a structured clone', () => {
  const e = new UserError('EMPTY_FILE', 'The file is empty.');
  const cloned: unknown = structuredClone({ name: e.name, code: e.code, message: e.message });
  assert.equal(isUserError(e), true);
  assert.equal(isUserError(cloned), true);
  assert.equal(isUserError(new Error('x')), false);
});
