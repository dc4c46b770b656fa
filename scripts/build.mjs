// One esbuild script for every bundle: the extension host (cjs, `vscode` external), the worker process,
// the profiling threads, the `mllab` CLI, and one browser bundle per webview app.
import * as esbuild from 'esbuild';
import { chmodSync, cpSync, mkdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production') || process.env.NODE_ENV === 'production';

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist/webview', { recursive: true });

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  // tfjs-node is an optional native package: loaded from node_modules at run time if present, never bundled.
  external: ['vscode', '@tensorflow/tfjs-node'],
};

/** For an ES module bundle of CommonJS-minded code: require, __filename and __dirname of the file itself. */
const esmCommonJsNames = [
  "import { createRequire as __mllabRequire } from 'node:module';",
  "import { fileURLToPath as __mllabPath } from 'node:url';",
  "import { dirname as __mllabDir } from 'node:path';",
  'const require = __mllabRequire(import.meta.url);',
  'const __filename = __mllabPath(import.meta.url);',
  'const __dirname = __mllabDir(__filename);',
].join('\n');

const configs = [
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { worker: 'src/worker/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { profileThread: 'src/core/profile/thread.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { trialThread: 'src/core/search/trialThread.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { scoringThread: 'src/core/deploy/scoringThread.ts' }, outdir: 'dist' },
  // The `mllab` CLI: an ES module split into chunks, so a command loads only its own code (`mllab profile`
  // skips TensorFlow.js and BullMQ, ~100 ms of its start-up); dist/cli.js, written below, starts it. The
  // chunks sit in dist/ itself: the core finds its thread scripts next to __dirname. The banner gives every
  // chunk the CommonJS names the core uses.
  {
    ...node,
    format: 'esm',
    splitting: true,
    entryPoints: { cli: 'src/cli/bin.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'cli-[name]-[hash]',
    banner: { js: esmCommonJsNames },
  },
  // predict.mjs of an exported model package: one ES module that runs with Node alone (no node_modules), so
  // everything is bundled; the banner gives it the CommonJS names the core uses (__dirname, require).
  {
    ...node,
    format: 'esm',
    // Copied into every package: minified it is 1.5 MB instead of 3 MB (TensorFlow.js is most of it).
    sourcemap: false,
    minify: true,
    entryPoints: { predict: 'src/deploy/predict.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    banner: { js: esmCommonJsNames },
  },
  // Every webview app in one browser build (each entry still its own bundle).
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'esm',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: {
      dataQuality: 'webview/dataQuality/main.ts',
      sweep: 'webview/sweep/main.ts',
      experimentReport: 'webview/experimentReport/main.ts',
      compare: 'webview/compare/main.ts',
      driftReport: 'webview/driftReport/main.ts',
    },
    outdir: 'dist/webview',
  },
].filter((c) => Object.values(c.entryPoints).every((p) => existsSync(p)));

if (watch) {
  for (const c of configs) await (await esbuild.context(c)).watch();
} else {
  await Promise.all(configs.map((c) => esbuild.build(c)));
}
// `mllab` (package.json's bin): a CommonJS file that starts the CLI's ES module.
writeFileSync('dist/cli.js', "#!/usr/bin/env node\n'use strict';\nvoid import('./cli.mjs');\n");
chmodSync('dist/cli.js', 0o755);
// Codicons for the webviews: a vendored media/codicon wins, else the font @vscode-elements/elements depends on.
const codicons = ['media/codicon', 'node_modules/@vscode/codicons/dist'].find((p) => existsSync(p));
if (codicons) {
  mkdirSync('dist/codicon', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) if (existsSync(`${codicons}/${f}`)) cpSync(`${codicons}/${f}`, `dist/codicon/${f}`);
}
// The tfjs wasm backend reads its binaries beside the bundle that loads it (src/core/ml/tensorflow.ts).
// Node never uses the threaded build, so only the plain and SIMD ones ship.
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
  const from = `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`;
  if (existsSync(from)) cpSync(from, `dist/${f}`);
}
