// Cleaning from the panel, host side, against the real worker (dist/worker.js) with `vscode` and the panel
// replaced by recording stand-ins: suggestions and lineage after a profile, Apply (new file, record, the new
// file's report with its lineage), the overwrite question, the output setting, code export, version actions.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { CleanDatasetController as ControllerClass } from '../../src/extension/commands/cleanDataset.js';
import type { ProfileDatasetCommand as CommandClass } from '../../src/extension/commands/profileDataset.js';
import { WorkerClient } from '../../src/extension/workerClient.js';
import type { DatasetVersion } from '../../src/protocol/datasetVersion.js';
import type { StepChoice } from '../../src/protocol/recipe.js';
import { DataQualityPanel } from './hostStubs/dataQualityPanel.js';
import { editor, Uri } from './hostStubs/vscode.js';
import { builtFile } from './builtFiles.js';

const resolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolveFilename = resolver._resolveFilename;
resolver._resolveFilename = function (request: string, ...rest: unknown[]): string {
  if (request === 'vscode') return join(__dirname, 'hostStubs', 'vscode.ts');
  if (request.endsWith('/views/dataQualityPanel.js')) return join(__dirname, 'hostStubs', 'dataQualityPanel.ts');
  return resolveFilename.call(this, request, ...rest);
};
const load = createRequire(__filename);
const { ProfileDatasetCommand } = load('../../src/extension/commands/profileDataset.js') as { ProfileDatasetCommand: typeof CommandClass };
const { CleanDatasetController } = load('../../src/extension/commands/cleanDataset.js') as { CleanDatasetController: typeof ControllerClass };

const SOURCE = 'id,income,city\n1,10,A\n2,NA,B\n3,30,A\n4,,B\n5,50,A\n';
// Median of 10, 30, 50 fills both missing incomes.
const CLEANED = 'id,income,city\n1,10,A\n2,30,B\n3,30,A\n4,30,B\n5,50,A\n';
const IMPUTE: StepChoice[] = [{ op: 'impute', column: 'income', strategy: 'median', indicator: false }];
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let workspace: string;
let source: string;
let out: string;
let worker: WorkerClient;
let command: CommandClass;
let cleaning: ControllerClass;
const logged: string[] = [];
const log = {
  info: (m: string) => logged.push(`info ${m}`),
  warn: (m: string) => logged.push(`warn ${m}`),
  error: (m: string) => logged.push(`error ${m}`),
} as unknown as vscodeTypes.LogOutputChannel;

before(() => {
  workspace = mkdtempSync(join(tmpdir(), 'mllab-clean-command-'));
  mkdirSync(join(workspace, 'data'));
  source = join(workspace, 'data', 'loans.csv');
  out = join(workspace, 'data', 'loans.clean.csv');
  writeFileSync(source, SOURCE);
  worker = new WorkerClient({ workerPath: builtFile('worker.js'), log, idleMs: 0 });
  cleaning = new CleanDatasetController(worker, log, (file) => command.run(file));
  command = new ProfileDatasetCommand(Uri.file('/ext') as unknown as vscodeTypes.Uri, worker, log, cleaning);
});

after(async () => {
  command.dispose();
  cleaning.dispose();
  await worker.dispose();
  rmSync(workspace, { recursive: true, force: true });
});

beforeEach(() => {
  editor.reset();
  editor.workspaceFolder = Uri.file(workspace);
  editor.config = { 'mllab.profile.missingTokens': ['NA'] };
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log:\n${logged.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function openPanel(path: string): DataQualityPanel | undefined {
  return [...DataQualityPanel.shown].reverse().find((p) => p.file.fsPath === path && !p.calls.some((c) => c.call === 'dispose'));
}

function lastVersion(panel: DataQualityPanel): DatasetVersion | null | undefined {
  return panel.callsOf('setVersion').at(-1)?.version;
}

test('after a profile the panel gets the suggestions and "not a version"', async () => {
  await command.run(Uri.file(source));
  const panel = openPanel(source);
  assert.ok(panel);
  await waitFor(() => panel.callsOf('setSuggestions').length > 0 && panel.callsOf('setVersion').length > 0, 'suggestions and version');
  const suggestions = panel.callsOf('setSuggestions')[0]?.suggestions ?? [];
  assert.ok(suggestions.some((s) => s.column === 'income' && s.choice.op === 'impute'));
  assert.equal(lastVersion(panel), null);
});

test('Preview fills the panel and writes nothing', async () => {
  const panel = openPanel(source);
  assert.ok(panel);
  panel.requestCleanPreview(IMPUTE);
  await waitFor(() => panel.callsOf('setCleanPreview').length > 0, 'the preview');
  const result = panel.callsOf('setCleanPreview')[0]?.result;
  assert.ok(result && 'recipe' in result);
  assert.equal(result.preview.affected.find((a) => a.name === 'income')?.after?.missing, 0);
  assert.equal(panel.callsOf('setCleanBusy').at(-1)?.message, null, 'busy cleared');
  assert.deepEqual(readdirSync(join(workspace, 'data')), ['loans.csv']);
});

test('Apply writes NAME.clean.csv, records it, and opens its report with the lineage', async () => {
  const panel = openPanel(source);
  assert.ok(panel);
  panel.requestCleanApply(IMPUTE);
  await waitFor(() => {
    const p = openPanel(out);
    return !!p && p.callsOf('setVersion').length > 0;
  }, 'the cleaned file\'s report with its version');
  assert.equal(readFileSync(out, 'utf8'), CLEANED);
  assert.equal(readFileSync(source, 'utf8'), SOURCE);
  const run = editor.progressRuns.find((r) => r.options.title === 'Cleaning loans.csv');
  assert.equal(run?.options.cancellable, true);
  const cleanedPanel = openPanel(out);
  assert.ok(cleanedPanel);
  const shown = cleanedPanel.callsOf('setProfile').at(-1);
  assert.equal(shown?.profile.columns.find((c) => c.name === 'income')?.missing, 0);
  assert.match(shown?.notice ?? '', /cache/i, 'Apply cached the new profile, so the report opens from it');
  const version = lastVersion(cleanedPanel);
  assert.equal(version?.hash, sha256(CLEANED));
  assert.deepEqual(version?.parent, { hash: sha256(SOURCE), path: 'data/loans.csv' });
  assert.ok(existsSync(join(workspace, '.mllab', 'datasets', `${sha256(CLEANED)}.recipe.json`)));
  assert.match(editor.infos.join('\n'), /5 rows in, 5 out/);
  assert.deepEqual(editor.errors, []);
});

test('Apply onto an existing output asks first: dismissed writes nothing, Replace overwrites', async () => {
  writeFileSync(out, 'stale\n');
  const panel = openPanel(source);
  assert.ok(panel);
  panel.requestCleanApply(IMPUTE);
  await waitFor(() => editor.warnings.length === 1, 'the overwrite question');
  await new Promise((r) => setTimeout(r, 200));
  assert.match(editor.warnings[0] ?? '', /loans\.clean\.csv already exists/);
  assert.equal(readFileSync(out, 'utf8'), 'stale\n');
  assert.equal(editor.progressRuns.length, 0);

  editor.warningAnswer = 'Replace';
  panel.requestCleanApply(IMPUTE);
  await waitFor(() => readFileSync(out, 'utf8') === CLEANED && editor.infos.length > 0, 'the replaced file');
});

test('the mllab.clean.output setting decides where the file goes (its folder is created)', async () => {
  editor.config = { 'mllab.profile.missingTokens': ['NA'], 'mllab.clean.output': '${workspaceFolder}/cleaned/${name}-v2${ext}' };
  const panel = openPanel(source);
  assert.ok(panel);
  panel.requestCleanApply(IMPUTE);
  const target = join(workspace, 'cleaned', 'loans-v2.csv');
  await waitFor(() => existsSync(target) && editor.infos.length > 0, 'the file from the setting');
  assert.equal(readFileSync(target, 'utf8'), CLEANED);
});

test('an output setting naming the source itself is refused before any question, and the source stays', async () => {
  editor.config = { 'mllab.profile.missingTokens': ['NA'], 'mllab.clean.output': '${dir}/${name}${ext}' };
  const panel = openPanel(source);
  assert.ok(panel);
  panel.requestCleanApply(IMPUTE);
  await waitFor(() => editor.errors.length > 0, 'the error');
  assert.match(editor.errors[0] ?? '', /names the source file itself/);
  assert.deepEqual(editor.warnings, []);
  assert.equal(readFileSync(source, 'utf8'), SOURCE);
});

test('Export Python: the save dialog defaults to NAME_clean.py and the script is written', async () => {
  const panel = openPanel(source);
  assert.ok(panel);
  const script = join(workspace, 'clean_loans.py');
  editor.saveDialogResult = Uri.file(script);
  panel.requestCodeExport('python', IMPUTE);
  await waitFor(() => existsSync(script), 'the script');
  assert.equal(editor.saveDialogDefaults[0]?.fsPath, join(workspace, 'data', 'loans_clean.py'));
  assert.match(readFileSync(script, 'utf8'), /^#!\/usr\/bin\/env python3[\s\S]*income/);
});

test('version actions: rename, compare with the parent, delete (file and record)', async () => {
  const panel = openPanel(out);
  assert.ok(panel);
  const hash = sha256(CLEANED);
  const record = join(workspace, '.mllab', 'datasets', `${hash}.json`);

  editor.inputBoxResult = 'median income';
  panel.requestVersionAction('rename');
  await waitFor(() => lastVersion(panel)?.name === 'median income', 'the renamed version');
  assert.equal((JSON.parse(readFileSync(record, 'utf8')) as DatasetVersion).name, 'median income');

  panel.requestVersionAction('compareWithParent');
  await waitFor(() => panel.callsOf('setComparison').length > 0, 'the comparison');
  const comparison = panel.callsOf('setComparison')[0];
  assert.equal(comparison?.parentName, 'loans.csv');
  assert.equal(comparison?.parent.columns.find((c) => c.name === 'income')?.missing, 2);

  editor.warningAnswer = 'Delete';
  panel.requestVersionAction('delete');
  await waitFor(() => panel.callsOf('dispose').length > 0, 'the panel closed');
  assert.match(editor.warnings.at(-1) ?? '', /^Delete version median income\? The file and its record are removed\./);
  assert.equal(existsSync(out), false);
  assert.equal(existsSync(record), false);
  assert.equal(existsSync(join(workspace, '.mllab', 'datasets', `${hash}.recipe.json`)), false);
  assert.equal(readFileSync(source, 'utf8'), SOURCE);
});
