// A full disk is the user's to fix, so it reaches them as one clear line (a worker error with a user code,
// which the host shows as a message; the CLI's catch maps it the same way), not as "unexpected error: ENOSPC".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diskFullError } from '../../../src/core/errors.js';
import { toResponseError } from '../../../src/worker/profileJobs.js';

const enospc = (): Error => Object.assign(new Error("ENOSPC: no space left on device, write '/ws/.mllab/experiments/x/trials.jsonl'"), { code: 'ENOSPC', path: '/ws/.mllab/experiments/x/trials.jsonl' });

test('ENOSPC and EDQUOT become DISK_FULL naming the file; other errors are left alone', () => {
  const full = diskFullError(enospc());
  assert.equal(full?.code, 'DISK_FULL');
  assert.match(full?.message ?? '', /disk is full writing \/ws\/\.mllab\/experiments\/x\/trials\.jsonl/);
  assert.equal(diskFullError(Object.assign(new Error('quota'), { code: 'EDQUOT' }))?.code, 'DISK_FULL');
  assert.equal(diskFullError(Object.assign(new Error('denied'), { code: 'EACCES' })), null);
  assert.equal(diskFullError('text'), null);
});

test('the worker reports a full disk as a user error with its code', () => {
  const r = toResponseError(enospc());
  assert.equal(r.data?.userErrorCode, 'DISK_FULL');
  assert.match(r.message, /disk is full/);
});

test('a real ENOSPC from write(2) has no path: the writer names the file, and its name wins over a temp file', () => {
  const bare = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  assert.match(diskFullError(bare, '/ws/.mllab/experiments/x/report.json')?.message ?? '', /^The disk is full writing \/ws\/\.mllab\/experiments\/x\/report\.json\. /);
  const onTemp = Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', path: '/ws/out.csv.123.ab12cd34.tmp' });
  assert.match(diskFullError(onTemp, '/ws/out.csv')?.message ?? '', /writing \/ws\/out\.csv\. /);
  assert.equal(diskFullError(Object.assign(new Error('denied'), { code: 'EACCES' }), '/ws/out.csv'), null);
});
