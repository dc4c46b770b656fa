/// <reference types="mocha" />
// Runs inside a real VS Code (npm run test:vscode): activation, the command on a fixture file, the panel
// it opens and the cache entry the worker writes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'mllab.mllab';
const COMMAND = 'mllab.profileDataset';

function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the suite runs with test/vscode/workspace open');
  return folder.uri.fsPath;
}

function dataQualityTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mllab.dataQuality'));
}

suite('ML Lab: Profile Dataset', () => {
  suiteSetup(() => rmSync(join(workspaceRoot(), '.mllab'), { recursive: true, force: true }));
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(workspaceRoot(), '.mllab'), { recursive: true, force: true });
  });

  test('activates and registers the command', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await extension.activate();
    assert.ok((await vscode.commands.getCommands(true)).includes(COMMAND));
  });

  test('profiles a CSV: the panel opens and the profile is cached by content hash', async () => {
    const root = workspaceRoot();
    const csv = join(root, 'sample.csv');
    // The command resolves once the panel holds the full profile.
    await vscode.commands.executeCommand(COMMAND, vscode.Uri.file(csv));

    const tabs = dataQualityTabs();
    assert.equal(tabs.length, 1, 'one Data Quality panel');
    assert.equal(tabs[0]?.label, 'Data Quality: sample.csv');

    const sha = createHash('sha256').update(readFileSync(csv)).digest('hex');
    const entryPath = join(root, '.mllab', 'profiles', `${sha}.json`);
    const indexPath = join(root, '.mllab', 'profiles', 'index.json');
    // The worker writes the entry just after it answers.
    for (let i = 0; i < 100 && !(existsSync(entryPath) && existsSync(indexPath)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(entryPath), `${entryPath} exists`);
    const entry = JSON.parse(readFileSync(entryPath, 'utf8')) as { profile: { rows: number; duplicateRows: number; preview: boolean } };
    assert.equal(entry.profile.rows, 4);
    assert.equal(entry.profile.duplicateRows, 1);
    assert.equal(entry.profile.preview, false);
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { entries: Record<string, { sha256: string }> };
    assert.equal(index.entries['sample.csv']?.sha256, sha);
  });

  test('running it again on the same file reuses the panel', async () => {
    await vscode.commands.executeCommand(COMMAND, vscode.Uri.file(join(workspaceRoot(), 'sample.csv')));
    assert.equal(dataQualityTabs().length, 1);
  });
});
