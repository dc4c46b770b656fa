import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { WASM_FILES, initTensorflow, tensorflowStatus } from '../../../src/core/ml/tensorflow.js';

const MODULE = path.resolve(__dirname, '../../../src/core/ml/tensorflow.ts');

/** initTensorflow() in a fresh process (the choice is once per process), with the given environment. */
function chooseIn(env: Record<string, string>): { backend: string; reason?: string; active: string } {
  const code = `const tf = require('@tensorflow/tfjs-core');
require(${JSON.stringify(MODULE)}).initTensorflow().then((s) => {
  const sum = Array.from(tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
  console.log(JSON.stringify({ ...s, active: tf.getBackend(), sum }));
});`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: path.resolve(__dirname, '../../..') });
  assert.equal(r.status, 0, r.stderr);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(last) as { backend: string; reason?: string; active: string; sum: number[] };
  assert.deepEqual(parsed.sum, [4, 6], 'the chosen backend computes');
  return parsed;
}

test('initTensorflow picks a backend, makes it tfjs’ active one, and is idempotent', async () => {
  const first = await initTensorflow();
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(first.backend));
  assert.equal(tf.getBackend(), first.backend);
  assert.equal(await initTensorflow(), first);
  assert.equal(tensorflowStatus(), first);
  // tfjs-node cannot install on every machine; when it is absent the reason says so.
  if (first.backend !== 'tensorflow') assert.match(first.reason ?? '', /tensorflow: /);
});

test('MLLAB_TF_BACKEND forces cpu or wasm, and says so', () => {
  const cpu = chooseIn({ MLLAB_TF_BACKEND: 'cpu' });
  assert.equal(cpu.backend, 'cpu');
  assert.equal(cpu.active, 'cpu');
  assert.equal(cpu.reason, 'MLLAB_TF_BACKEND=cpu');
  const wasm = chooseIn({ MLLAB_TF_BACKEND: 'wasm' });
  assert.equal(wasm.backend, 'wasm');
  assert.equal(wasm.active, 'wasm');
});

test('an unknown MLLAB_TF_BACKEND is ignored with a reason', () => {
  const s = chooseIn({ MLLAB_TF_BACKEND: 'gpu' });
  assert.ok(['tensorflow', 'wasm', 'cpu'].includes(s.backend));
  assert.match(s.reason ?? '', /MLLAB_TF_BACKEND=gpu is not one of/);
});

test('from an esbuild bundle: wasm from the binaries shipped beside it, cpu (with the reason) without them; an MLP trains either way', async () => {
  const esbuild = await import('esbuild');
  const root = path.resolve(__dirname, '../../..');
  const dir = mkdtempSync(path.join(tmpdir(), 'mllab-tf-bundle-'));
  try {
    // The same settings as scripts/build.mjs' node bundles.
    await esbuild.build({
      stdin: {
        // Also trains a tiny MLP: the bundle must carry tfjs' gradients (registered by tfjs-layers).
        contents: `import * as tf from '@tensorflow/tfjs-core';
import { initTensorflow } from './src/core/ml/tensorflow';
import { mlp } from './src/core/ml/models/mlp';
void initTensorflow().then(async (s) => {
  const x = { layout: 'dense' as const, rows: 4, cols: 2, names: ['a', 'b'], data: Float64Array.of(0, 0, 0, 1, 1, 0, 1, 1) };
  const model = await mlp.fit(x, { task: 'binary', y: Int32Array.of(0, 1, 1, 0), classes: 2 }, { epochs: 2, units: 4 }, { seed: 1 });
  const p = model.predict(x);
  console.log(JSON.stringify({ ...s, active: tf.getBackend(), sum: Array.from(tf.add(tf.tensor1d([1]), tf.tensor1d([2])).dataSync()), mlp: p.length }));
});`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['vscode', '@tensorflow/tfjs-node'],
      outfile: path.join(dir, 'probe.js'),
      logLevel: 'silent',
    });
    const run = (): { backend: string; reason?: string; active: string; sum: number[]; mlp: number } => {
      const r = spawnSync(process.execPath, [path.join(dir, 'probe.js')], { encoding: 'utf8', cwd: dir, env: { ...process.env, MLLAB_TF_BACKEND: '' } });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '', 'tfjs prints nothing');
      return JSON.parse(r.stdout.trim()) as { backend: string; reason?: string; active: string; sum: number[]; mlp: number };
    };
    const without = run();
    assert.equal(without.backend, 'cpu');
    assert.match(without.reason ?? '', /tfjs-backend-wasm\.wasm is missing beside/);
    assert.deepEqual(without.sum, [3]);
    assert.equal(without.mlp, 8);
    for (const f of WASM_FILES) copyFileSync(path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', f), path.join(dir, f));
    const withWasm = run();
    assert.equal(withWasm.backend, 'wasm');
    assert.equal(withWasm.active, 'wasm');
    assert.deepEqual(withWasm.sum, [3]);
    assert.equal(withWasm.mlp, 8, 'an MLP trains and predicts from the bundle');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a loaded MLP predicts in a process that never awaited initTensorflow() (cpu, started synchronously)', () => {
  const saved = {
    kind: 'mlp', version: 1, task: 'binary', classes: 2, cols: 1, activation: 'relu', architecture: [1, 2],
    layers: [{ inputs: 1, outputs: 1, kernel: [1], bias: [0] }, { inputs: 1, outputs: 2, kernel: [0, 1], bias: [0, 0] }],
    targetMean: 0, targetStd: 1, epochs: 1, bestEpoch: 1, backend: 'cpu',
  };
  const code = `const { mlp } = require(${JSON.stringify(path.resolve(__dirname, '../../../src/core/ml/models/mlp.ts'))});
const { tensorflowStatus } = require(${JSON.stringify(MODULE)});
const p = mlp.load(${JSON.stringify(saved)}).predict({ layout: 'dense', rows: 2, cols: 1, names: ['a'], data: Float64Array.of(-1, 2) });
console.log(JSON.stringify({ p: Array.from(p), status: tensorflowStatus() }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', cwd: path.resolve(__dirname, '../../..') });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim()) as { p: number[]; status: { backend: string } };
  assert.equal(out.status.backend, 'cpu');
  // Row 1: relu(-1) = 0 → logits (0, 0) → (½, ½). Row 2: relu(2) = 2 → logits (0, 2) → softmax.
  const e = Math.exp(2);
  [0.5, 0.5, 1 / (1 + e), e / (1 + e)].forEach((want, i) => assert.ok(Math.abs(out.p[i]! - want) < 1e-6, `p[${i}] ${out.p[i]} vs ${want}`));
});

test('when @tensorflow/tfjs-node loads it is chosen first, with no reason (a stand-in module on NODE_PATH)', () => {
  // tfjs-node cannot install here, so a stand-in plays it: loading it registers a 'tensorflow' backend
  // (the cpu backend's kernels under that name), as the real package does in the shared tfjs engine.
  const dir = mkdtempSync(path.join(tmpdir(), 'mllab-tfjs-node-'));
  try {
    const pkg = path.join(dir, '@tensorflow', 'tfjs-node');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      path.join(pkg, 'index.js'),
      `const tf = require('@tensorflow/tfjs-core');
const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');
for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
`,
    );
    const root = path.resolve(__dirname, '../../..');
    const s = chooseIn({ NODE_PATH: [dir, path.join(root, 'node_modules')].join(path.delimiter), MLLAB_TF_BACKEND: '' });
    assert.equal(s.backend, 'tensorflow');
    assert.equal(s.active, 'tensorflow');
    assert.equal(s.reason, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
