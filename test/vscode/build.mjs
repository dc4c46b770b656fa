// Bundles the extension-host suite (test/vscode/*.test.ts) for @vscode/test-cli, which loads plain JS.
import * as esbuild from 'esbuild';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const here = 'test/vscode';
const entryPoints = readdirSync(here).filter((n) => n.endsWith('.test.ts')).map((n) => join(here, n));
await esbuild.build({
  entryPoints,
  outdir: '.vscode-test/suite',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['vscode', 'mocha'],
});
