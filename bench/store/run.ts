// bench/store: how long the Experiments tree takes to get its data on a big store (100 experiments × 200
// trials by default), against a naive peer that reads every file of the store with JSON.parse.
//
//   node --import tsx bench/store/run.ts [--experiments 100] [--trials 200] [--runs 7] [--out results/x.json]
//
// Measured, each in a fresh process state but a warm page cache (the store was just written):
//   tree      readExperimentIndex + buildExperimentTree: what the view needs to show its first levels
//   expand    opening one experiment: its journal read and ranked, top 10 rows (TrialCache, first read)
//   naive     every experiment.json and every trials.jsonl line parsed, best trial recomputed from the trials,
//             then the same grouping: what a tree that does not trust the record's summary would do
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TrialCache, buildExperimentTree, experimentChildren, readExperimentIndex } from '../../src/core/store/experimentIndex.js';
import type { ExperimentIndexData } from '../../src/core/store/experimentIndex.js';
import { ExperimentStore } from '../../src/core/store/experiments.js';
import type { ExperimentRecord, TrialRecord } from '../../src/protocol/experiment.js';
import { writeSyntheticStore } from './syntheticStore.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const experiments = arg('experiments', 100);
const trials = arg('trials', 200);
const runs = arg('runs', 7);
const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : undefined;

async function naiveListing(workspace: string): Promise<{ groups: number; trials: number }> {
  const dir = join(workspace, '.mllab', 'experiments');
  const records: ExperimentRecord[] = [];
  let count = 0;
  for (const name of await fsp.readdir(dir)) {
    const record = JSON.parse(await fsp.readFile(join(dir, name, 'experiment.json'), 'utf8')) as ExperimentRecord;
    const journal = (await fsp.readFile(join(dir, name, 'trials.jsonl'), 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as TrialRecord);
    count += journal.length;
    const best = journal.filter((t) => t.score !== null).sort((a, b) => (record.greaterIsBetter ? (b.score ?? 0) - (a.score ?? 0) : (a.score ?? 0) - (b.score ?? 0)))[0];
    records.push({ ...record, trials: journal.length, bestTrial: best?.index ?? null, bestScore: best?.score ?? null });
  }
  const data: ExperimentIndexData = { workspace, records, versions: [] };
  return { groups: buildExperimentTree(data).length, trials: count };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

async function main(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'mllab-bench-store-'));
  try {
    const g0 = performance.now();
    const ids = writeSyntheticStore(workspace, { experiments, trials, seed: 42 });
    const generateMs = performance.now() - g0;
    let bytes = 0;
    for (const id of ids) bytes += (await fsp.stat(join(workspace, '.mllab', 'experiments', id, 'trials.jsonl'))).size;

    const tree: number[] = [];
    const expand: number[] = [];
    const naive: number[] = [];
    let shownExperiments = 0;
    let naiveTrials = 0;
    for (let r = 0; r < runs; r++) {
      // Alternate the order so neither side always runs on a cache the other warmed.
      const runTree = async (): Promise<void> => {
        const t = await time(async () => buildExperimentTree(await readExperimentIndex(workspace)));
        tree.push(t.ms);
        shownExperiments = t.value.reduce((n, d) => n + d.versions.reduce((m, v) => m + v.experiments.length, 0), 0);
      };
      const runNaive = async (): Promise<void> => {
        const t = await time(() => naiveListing(workspace));
        naive.push(t.ms);
        naiveTrials = t.value.trials;
      };
      if (r % 2 === 0) {
        await runTree();
        await runNaive();
      } else {
        await runNaive();
        await runTree();
      }
      const store = new ExperimentStore(workspace);
      const id = ids[r % ids.length]!;
      const e = await time(async () => {
        const record = (await store.read(id))!;
        return experimentChildren(record, await new TrialCache(store).trials(id), { topN: 10, showAll: false, modelPath: null });
      });
      expand.push(e.ms);
    }
    if (shownExperiments !== experiments || naiveTrials !== experiments * trials) throw new Error(`listing mismatch: ${shownExperiments} experiments, ${naiveTrials} trials`);

    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      experiments,
      trialsPerExperiment: trials,
      journalBytes: bytes,
      generateMs: Math.round(generateMs),
      runs,
      treeMs: { median: +median(tree).toFixed(1), min: +Math.min(...tree).toFixed(1), max: +Math.max(...tree).toFixed(1), all: tree.map((x) => +x.toFixed(1)) },
      expandMs: { median: +median(expand).toFixed(1), min: +Math.min(...expand).toFixed(1), max: +Math.max(...expand).toFixed(1) },
      naiveMs: { median: +median(naive).toFixed(1), min: +Math.min(...naive).toFixed(1), max: +Math.max(...naive).toFixed(1), all: naive.map((x) => +x.toFixed(1)) },
      budgetMs: 500,
      pass: median(tree) < 500 && Math.max(...tree) < 500,
    };
    console.log(JSON.stringify(result, null, 2));
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

void main();
