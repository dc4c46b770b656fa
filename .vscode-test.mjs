// @vscode/test-cli: the extension-host suite (npm run test:vscode). Needs a machine that can download
// VS Code; test/vscode/build.mjs bundles the suite into .vscode-test/suite/ first.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'extension host',
  files: '.vscode-test/suite/**/*.test.js',
  version: 'stable',
  workspaceFolder: 'test/vscode/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'tdd', timeout: 60_000 },
});
