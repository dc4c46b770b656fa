// Which TensorFlow.js backend the MLP (and anything else on tfjs) runs on, chosen once per process:
// tfjs-node (native libtensorflow; an optional dependency that often cannot install) if it loads, else the
// wasm backend (its .wasm binaries are shipped next to the bundles in dist/), else the plain-JS cpu backend.
// The choice and why are recorded so a sweep can store them with its results.
//
// MLLAB_TF_BACKEND=cpu|wasm|tensorflow forces one (tests use it to get the same numbers on any machine);
// a forced backend that cannot start falls back like the automatic choice, and the reason says so.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

// Importing a backend registers it. A bare `import '…-backend-cpu'` is not enough: its package.json
// declares the Node entry free of side effects, so esbuild drops it unless one of its exports is used on a
// reachable path (start() reads version_cpu).

export type TensorflowBackend = 'tensorflow' | 'wasm' | 'cpu';

export interface TensorflowStatus {
  backend: TensorflowBackend;
  /** Why this backend and not a faster one (absent when the first choice worked). */
  reason?: string;
}

const BACKENDS: readonly TensorflowBackend[] = ['tensorflow', 'wasm', 'cpu'];
// The binaries the wasm backend loads under Node (no threads there: plain or SIMD). scripts/build.mjs
// copies them into dist/ beside the bundles.
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

let started: Promise<TensorflowStatus> | undefined;
let status: TensorflowStatus | undefined;

/** Picks and starts the backend; later calls return the first call's result. */
export function initTensorflow(): Promise<TensorflowStatus> {
  started ??= choose().then((s) => (status = s));
  return started;
}

/** The backend in use, or undefined before initTensorflow() (or useTensorflowNow()) has finished. */
export function tensorflowStatus(): TensorflowStatus | undefined {
  return status;
}

/**
 * For synchronous callers (a loaded model's predict) that may run before initTensorflow(): the cpu
 * backend starts synchronously (tfjs' setBackend has no await on a backend without async init), so the
 * model can run now rather than throw. A later initTensorflow() keeps this choice.
 */
export function useTensorflowNow(): TensorflowStatus {
  if (status) return status;
  quiet();
  void tf.setBackend('cpu');
  if (tf.getBackend() !== 'cpu') throw new Error('TensorFlow.js: the cpu backend did not start synchronously');
  status = { backend: 'cpu', reason: 'used before initTensorflow() finished' };
  started ??= Promise.resolve(status);
  return status;
}

/** tfjs' own notices (the cpu backend's "install tfjs-node" banner) would land in the CLI's output. */
function quiet(): void {
  tf.enableProdMode();
}

async function choose(): Promise<TensorflowStatus> {
  quiet();
  const forced = process.env.MLLAB_TF_BACKEND?.trim();
  const reasons: string[] = [];
  let order = BACKENDS;
  if (forced) {
    if ((BACKENDS as readonly string[]).includes(forced)) {
      order = BACKENDS.slice(BACKENDS.indexOf(forced as TensorflowBackend));
      if (forced !== 'tensorflow') reasons.push(`MLLAB_TF_BACKEND=${forced}`);
    } else {
      reasons.push(`MLLAB_TF_BACKEND=${forced} is not one of ${BACKENDS.join(', ')}; ignored`);
    }
  }
  for (const backend of order) {
    const failure = await start(backend);
    if (failure === undefined) return reasons.length ? { backend, reason: reasons.join('; ') } : { backend };
    reasons.push(`${backend}: ${failure}`);
  }
  throw new Error(`TensorFlow.js: no backend could start (${reasons.join('; ')})`);
}

/** Starts one backend; undefined on success, else why not. */
async function start(backend: TensorflowBackend): Promise<string | undefined> {
  try {
    if (backend === 'tensorflow') {
      // Loading tfjs-node registers the 'tensorflow' backend in the shared tfjs engine (tfjs keeps its
      // engine on globalThis, so its own copy of tfjs-core and ours agree). The name is a variable so
      // neither tsc nor esbuild needs the package to exist; scripts/build.mjs also marks it external.
      const name = '@tensorflow/tfjs-node';
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous, optional, by variable name
      require(name);
    }
    if (backend === 'cpu' && !version_cpu) return 'tfjs-backend-cpu did not load';
    if (backend === 'wasm') {
      const missing = bundled() ? WASM_FILES.find((f) => !existsSync(path.join(__dirname, f))) : undefined;
      // Checked first: a failed wasm start prints emscripten's abort messages.
      if (missing) return `${missing} is missing beside ${__filename}`;
      if (bundled()) setWasmPaths(__dirname + path.sep);
    }
    if (!(await tf.setBackend(backend))) return 'did not initialise';
    await tf.ready();
    if (tf.getBackend() !== backend) return `tfjs is on ${tf.getBackend()} instead`;
    return undefined;
  } catch (e) {
    return firstLine(e);
  }
}

/**
 * Bundled (dist/*.js), the wasm binaries are beside this file, where the build copies them. From source
 * (tsx: tests, scripts) the backend finds them beside its own module in node_modules.
 */
function bundled(): boolean {
  return !__filename.endsWith('.ts');
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : typeof e === 'object' && e !== null && 'message' in e ? String((e as { message: unknown }).message) : String(e);
  return text.split('\n')[0] ?? text;
}
