// package.json against the code: command ids, settings defaults, menus' when clauses, activation events,
// and the packaged file list (everything is bundled: dist/, media/, the manifest, README and LICENSE only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandIds } from '../../src/extension/commandIds.js';
import { DEFAULT_CLEAN_OUTPUT } from '../../src/extension/cleanOutput.js';
import { DEFAULT_MISSING_TOKENS } from '../../src/protocol/profile.js';
import { builtFile, repoRoot } from './builtFiles.js';

interface Manifest {
  main: string;
  bin: Record<string, string>;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Manifest;

test('every command id in the code is contributed, and nothing else', () => {
  assert.deepEqual(manifest.contributes.commands.map((c) => c.command).sort(), Object.values(CommandIds).sort());
  const profile = manifest.contributes.commands.find((c) => c.command === CommandIds.profileDataset);
  assert.deepEqual([profile?.category, profile?.title], ['ML Lab', 'Profile Dataset']);
});

test('activation is lazy: no "*", and the panel serializer can wake the extension', () => {
  assert.ok(!manifest.activationEvents.includes('*'));
  assert.ok(!manifest.activationEvents.includes('onStartupFinished'));
  assert.ok(manifest.activationEvents.includes('onWebviewPanel:mllab.dataQuality'));
  assert.equal(manifest.main, './dist/extension.js');
  assert.equal(manifest.bin.mllab, './dist/cli.js');
});

test('the settings default to what the code uses', () => {
  const props = manifest.contributes.configuration.properties;
  assert.deepEqual(props['mllab.profile.missingTokens']?.default, [...DEFAULT_MISSING_TOKENS]);
  assert.equal(props['mllab.profile.threads']?.default, 0);
  assert.equal(props['mllab.profile.cache']?.default, true);
  assert.equal(props['mllab.clean.output']?.default, DEFAULT_CLEAN_OUTPUT);
});

test('the explorer and editor-title entries show for .csv and .tsv in any case, and nothing else', () => {
  for (const menu of ['explorer/context', 'editor/title']) {
    const entry = manifest.contributes.menus[menu]?.find((m) => m.command === CommandIds.profileDataset);
    assert.ok(entry?.when, `${menu} has a when clause`);
    const literal = /resourceExtname =~ \/(.+)\/([a-z]*)/.exec(entry.when);
    assert.ok(literal, `${menu}: a regex on resourceExtname`);
    const re = new RegExp(literal[1] ?? '', literal[2]);
    for (const ext of ['.csv', '.CSV', '.tsv', '.Tsv']) assert.ok(re.test(ext), `${menu} shows for ${ext}`);
    for (const ext of ['.json', '.csv.bak', '.xcsv', '']) assert.ok(!re.test(ext), `${menu} hides for "${ext}"`);
  }
  assert.ok(manifest.contributes.menus['explorer/context']?.[0]?.when?.includes('!explorerResourceIsFolder'));
});

test('the package holds only bundles, media and the manifest files (vsce ls)', () => {
  builtFile('extension.js');
  const r = spawnSync(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').filter(Boolean);
  for (const required of ['package.json', 'LICENSE', 'dist/extension.js', 'dist/worker.js', 'dist/profileThread.js', 'dist/cli.js']) assert.ok(files.includes(required), required);
  const unexpected = files.filter((f) => !/^(dist\/.+|media\/.+|package\.json|README\.md|LICENSE)$/.test(f) || f.endsWith('.map'));
  assert.deepEqual(unexpected, []);
});
