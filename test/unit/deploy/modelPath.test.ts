import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveModelPath } from '../../../src/core/deploy/modelPath.js';
import { isUserError } from '../../../src/core/errors.js';

const ID = '20261128-071502-penguins-a3f';
const NO_MODEL = '20261128-071503-penguins-b4e';
let root: string;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'mllab-modelpath-'));
  await mkdir(join(root, '.mllab', 'experiments', ID, 'models'), { recursive: true });
  await writeFile(join(root, '.mllab', 'experiments', ID, 'models', 'best.json'), '{}');
  await mkdir(join(root, '.mllab', 'experiments', NO_MODEL), { recursive: true });
  await mkdir(join(root, 'deep', 'er'), { recursive: true });
  await mkdir(join(root, 'exported'), { recursive: true });
  await writeFile(join(root, 'exported', 'model.json'), '{}');
  await mkdir(join(root, 'empty'), { recursive: true });
});
after(() => rm(root, { recursive: true, force: true }));

test('an experiment id is found from the working folder upward', async () => {
  const best = join(root, '.mllab', 'experiments', ID, 'models', 'best.json');
  assert.equal(await resolveModelPath(ID, root), best);
  assert.equal(await resolveModelPath(ID, join(root, 'deep', 'er')), best);
});

test('a model file, an exported folder and an experiment folder', async () => {
  assert.equal(await resolveModelPath('exported/model.json', root), join(root, 'exported', 'model.json'));
  assert.equal(await resolveModelPath('exported', root), join(root, 'exported', 'model.json'));
  assert.equal(await resolveModelPath(join(root, '.mllab', 'experiments', ID), '/'), join(root, '.mllab', 'experiments', ID, 'models', 'best.json'));
});

test('clear errors: no model yet, unknown id, a folder without a model, nothing there', async () => {
  const fails = async (arg: string, cwd: string, code: string, pattern: RegExp): Promise<void> => {
    await assert.rejects(resolveModelPath(arg, cwd), (e) => isUserError(e) && e.code === code && pattern.test(e.message));
  };
  await fails(NO_MODEL, root, 'NOT_FOUND', /has no saved model yet/);
  await fails('20261128-000000-iris-fff', join(root, 'deep'), 'NOT_FOUND', /No experiment 20261128-000000-iris-fff/);
  await fails('empty', root, 'NOT_FOUND', /folder without a model/);
  await fails('nope.json', root, 'NOT_FOUND', /does not exist, and "nope.json" is not an experiment id/);
  await fails('', root, 'BAD_ARGUMENT', /No model given/);
});
