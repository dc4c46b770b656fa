import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanOutputPath, codeExportPath, DEFAULT_CLEAN_OUTPUT } from '../../../src/extension/cleanOutput.js';

test('the default puts NAME.clean.csv next to the source', () => {
  assert.equal(cleanOutputPath(DEFAULT_CLEAN_OUTPUT, '/ws/data/loans.csv', '/ws'), '/ws/data/loans.clean.csv');
  assert.equal(cleanOutputPath(DEFAULT_CLEAN_OUTPUT, '/ws/data/Loans.CSV', '/ws'), '/ws/data/Loans.clean.CSV');
});

test('a .tsv or .txt source gives .csv: the output is always comma-separated', () => {
  assert.equal(cleanOutputPath(DEFAULT_CLEAN_OUTPUT, '/ws/data/loans.tsv', '/ws'), '/ws/data/loans.clean.csv');
  assert.equal(cleanOutputPath(DEFAULT_CLEAN_OUTPUT, '/ws/data/loans.txt', null), '/ws/data/loans.clean.csv');
});

test('${workspaceFolder}, relative templates (from the workspace folder, else the file\'s folder) and names with dots', () => {
  assert.equal(cleanOutputPath('${workspaceFolder}/clean/${name}${ext}', '/ws/data/a.b.csv', '/ws'), '/ws/clean/a.b.csv');
  assert.equal(cleanOutputPath('out/${name}.csv', '/ws/data/loans.csv', '/ws'), '/ws/out/loans.csv');
  assert.equal(cleanOutputPath('out/${name}.csv', '/tmp/x/loans.csv', null), '/tmp/x/out/loans.csv');
  assert.equal(cleanOutputPath('${dir}/../${name}-v2.csv', '/ws/data/loans.csv', '/ws'), '/ws/loans-v2.csv');
});

test('an unknown variable or a template naming no file is a one-line user error', () => {
  assert.throws(() => cleanOutputPath('${home}/${name}.csv', '/ws/a.csv', '/ws'), { name: 'UserError', code: 'BAD_ARGUMENT', message: /\$\{home\}/ });
  assert.throws(() => cleanOutputPath('  ', '/ws/a.csv', '/ws'), { code: 'BAD_ARGUMENT' });
  assert.throws(() => cleanOutputPath('${dir}/', '/ws/a.csv', '/ws'), { code: 'BAD_ARGUMENT' });
});

test('code export default: <name>_clean.py / .ts beside the source', () => {
  assert.equal(codeExportPath('/ws/data/loans.csv', 'python'), '/ws/data/loans_clean.py');
  assert.equal(codeExportPath('/ws/data/loans.tsv', 'typescript'), '/ws/data/loans_clean.ts');
});
