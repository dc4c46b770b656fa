// Which model a command means by MODEL: `mllab export`, `serve`, `drift` and `retrain` all take it the same
// way — an experiment id (found in .mllab/experiments of the working folder or a folder above it), the path
// of a model package JSON (models/best.json, an exported model.json), an exported package folder, or an
// experiment's own folder.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { ExperimentStore } from '../store/experiments.js';

/** The model package JSON that `arg` names, as an absolute path; a UserError says why none was found. */
export async function resolveModelPath(arg: string, cwd: string): Promise<string> {
  if (arg.trim() === '') throw new UserError('BAD_ARGUMENT', 'No model given: pass an experiment id, a model JSON file or an exported model folder.');
  const path = resolve(cwd, arg);
  const found = await kindOf(path);
  if (found === 'file') return path;
  if (found === 'dir') {
    // An exported folder holds model.json; an experiment's folder holds models/best.json.
    for (const inside of ['model.json', join('models', 'best.json')]) {
      if ((await kindOf(join(path, inside))) === 'file') return join(path, inside);
    }
    throw new UserError('NOT_FOUND', `${path} is a folder without a model: expected model.json (an exported model) or models/best.json (an experiment).`);
  }
  if (isExperimentId(arg)) return experimentModel(arg, cwd);
  throw new UserError('NOT_FOUND', `${path} does not exist, and "${arg}" is not an experiment id (like 20261128-071502-penguins-a3f).`);
}

/** models/best.json of experiment `id`, in the nearest .mllab/experiments from `cwd` upward. */
async function experimentModel(id: string, cwd: string): Promise<string> {
  let dir = resolve(cwd);
  for (;;) {
    const experiment = join(dir, '.mllab', 'experiments', id);
    if ((await kindOf(experiment)) === 'dir') {
      const best = join(experiment, 'models', 'best.json');
      if ((await kindOf(best)) === 'file') return best;
      throw new UserError('NOT_FOUND', `Experiment ${id} has no saved model yet (${best}): it is still running, or no trial finished.`);
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new UserError('NOT_FOUND', `No experiment ${id} in .mllab/experiments of ${resolve(cwd)} or any folder above it.`);
}

async function kindOf(path: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : null;
  } catch {
    return null;
  }
}

function isExperimentId(text: string): boolean {
  try {
    new ExperimentStore('/').path(text);
    return true;
  } catch {
    return false;
  }
}
