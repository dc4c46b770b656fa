// Writes a synthetic experiment store (syntheticStore.ts) into a workspace folder, for trying the tree by hand
// and for the e2e flow: node --import tsx bench/store/generate.ts DIR [--experiments 100] [--trials 200]
import { resolve } from 'node:path';
import { writeSyntheticStore } from './syntheticStore.js';

const [dir] = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
if (!dir) {
  process.stderr.write('usage: node --import tsx bench/store/generate.ts DIR [--experiments N] [--trials N]\n');
  process.exit(2);
}
const opt = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ids = writeSyntheticStore(resolve(dir), { experiments: opt('experiments', 100), trials: opt('trials', 200), seed: 42 });
process.stdout.write(`${ids.length} experiments in ${resolve(dir)}/.mllab/experiments\n`);
