import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const domGlobals = Object.keys(globals.browser).filter((g) => !(g in globals.node));

export default tseslint.config(
  { ignores: ['dist/**', 'dist-vsix/**', 'node_modules/**', '.vscode-test/**', 'out/**', 'bench/**/data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-exports': ['error', { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
    },
  },
  {
    // The pure middle: no editor, no DOM. The worker and the CLI run it in plain Node.
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts', 'src/worker/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'vscode is only imported under src/extension/.' }] }],
      'no-restricted-globals': ['error', ...domGlobals.map((name) => ({ name, message: 'No DOM outside webview/.' }))],
    },
  },
  {
    // Webview apps run in the browser: DOM yes, host code and vscode no.
    files: ['webview/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'vscode', message: 'Webviews talk to the host through postMessage, never the vscode API module.' }],
        patterns: [{ group: ['**/src/extension/**', '**/src/core/**', '**/src/worker/**', 'node:*'], message: 'Webviews import only src/protocol and browser packages.' }],
      }],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', 'test/e2e/**/*.mjs', '*.config.mjs', '.vscode-test.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-exports': 'off' },
  },
);
