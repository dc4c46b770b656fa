// Models served from this window: each is `node dist/cli.js serve MODEL --port P --deployment ID --log-dir D`,
// a child of the extension host (not of the worker: the worker is restarted and idles out, a server must
// outlive both). One status bar item per server ("$(radio-tower) serving NAME :PORT"); its click offers
// Open /health, Copy URL and Stop. Stop sends SIGTERM (the server drains and records its stop); disposing
// (deactivate) stops them all, and a host that exits without deactivating still SIGTERMs them on 'exit'.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DeploymentRecord } from '../protocol/deploy.js';
import { CommandIds } from './commandIds.js';
import { newDeploymentId, parseListeningLine } from './deploymentText.js';

/** The server gets this long to print its listening line (it loads the model first). */
const LISTEN_TIMEOUT_MS = 30_000;
/** After SIGTERM, how long a server gets to drain before SIGKILL. */
const STOP_GRACE_MS = 3000;
const STDERR_TAIL_LINES = 20;

export interface ServedModel {
  id: string;
  name: string;
  url: string;
  port: number;
  workspace: string;
  experimentId: string | null;
  model: string;
  logDir: string;
  started: string;
  pid: number;
}

interface Running {
  served: ServedModel;
  child: ChildProcess;
  item: vscode.StatusBarItem;
  exited: Promise<void>;
  stopping: boolean;
}

/** A free TCP port on 127.0.0.1, from the OS (a race with another process taking it is reported by serve). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('The OS gave no free port.'))));
    });
  });
}

export class ServedModels implements vscode.Disposable {
  private readonly running = new Map<string, Running>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a server starts or ends (the Models view refreshes). */
  readonly onDidChange = this.changed.event;
  private readonly onExit = (): void => {
    for (const r of this.running.values()) r.child.kill('SIGTERM');
  };

  constructor(
    private readonly cliPath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    process.on('exit', this.onExit);
  }

  /** Servers of this window, oldest first. */
  all(): ServedModel[] {
    return [...this.running.values()].map((r) => r.served);
  }

  get(id: string): ServedModel | undefined {
    return this.running.get(id)?.served;
  }

  /** The record the server writes, for a Models view that has not read it yet. */
  recordOf(served: ServedModel): DeploymentRecord {
    return {
      schemaVersion: 1,
      id: served.id,
      kind: 'served',
      experimentId: served.experimentId,
      model: served.model,
      location: served.url,
      created: served.started,
      stopped: null,
      pid: served.pid,
      logDir: served.logDir,
      lastDrift: null,
    };
  }

  /** Starts a server and resolves once it listens; rejects with the server's own message when it fails to start. */
  async serve(options: { model: string; name: string; experimentId: string | null; workspace: string; signal?: AbortSignal }): Promise<ServedModel> {
    const id = newDeploymentId(options.name, new Date(), randomBytes(3).toString('hex'));
    const logDir = join(options.workspace, '.mllab', 'deployments', id);
    await mkdir(logDir, { recursive: true });
    const port = await freePort();
    const args = [this.cliPath, 'serve', options.model, '--port', String(port), '--deployment', id, '--log-dir', logDir];
    this.log.info(`Serve: ${args.join(' ')}`);
    const child = spawn(process.execPath, args, {
      cwd: options.workspace,
      // Inside VS Code process.execPath is Electron; this makes it plain Node for the child.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderrTail: string[] = [];
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        exitInfo = { code, signal };
        resolve();
      });
      child.once('error', (e) => {
        stderrTail.push(e.message);
        exitInfo = { code: null, signal: null };
        resolve();
      });
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        stderrTail.push(line);
        if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
        this.log.warn(`[serve ${id}] ${line}`);
      }
    });

    const listening = await new Promise<{ url: string; port: number } | null>((resolve) => {
      let buffered = '';
      const onData = (text: string): void => {
        buffered += text;
        let at: number;
        while ((at = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, at);
          buffered = buffered.slice(at + 1);
          this.log.info(`[serve ${id}] ${line}`);
          const parsed = parseListeningLine(line);
          if (parsed) {
            child.stdout?.off('data', onData);
            // Later output goes to the log only.
            child.stdout?.on('data', (more: string) => this.log.info(`[serve ${id}] ${more.trimEnd()}`));
            clearTimeout(timer);
            resolve(parsed);
            return;
          }
        }
      };
      child.stdout?.setEncoding('utf8').on('data', onData);
      const timer = setTimeout(() => resolve(null), LISTEN_TIMEOUT_MS);
      const onAbort = (): void => resolve(null);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      void exited.then(() => resolve(null));
    });

    if (!listening) {
      const stillRunning = exitInfo === null;
      if (stillRunning) {
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
      }
      if (options.signal?.aborted) throw new vscode.CancellationError();
      const why = stderrTail.length ? stderrTail.filter((l) => !/^\s+at /.test(l)).slice(-3).join(' ') : stillRunning ? `it did not listen within ${LISTEN_TIMEOUT_MS / 1000} s` : 'it exited without a message';
      throw new Error(`The model server did not start: ${why}`);
    }

    const served: ServedModel = {
      id,
      name: options.name,
      url: listening.url,
      port: listening.port,
      workspace: options.workspace,
      experimentId: options.experimentId,
      model: options.model,
      logDir,
      started: new Date().toISOString(),
      pid: child.pid ?? 0,
    };
    const item = vscode.window.createStatusBarItem(`mllab.serve.${id}`, vscode.StatusBarAlignment.Left, 40);
    item.name = `ML Lab: serving ${options.name}`;
    item.text = `$(radio-tower) serving ${options.name} :${listening.port}`;
    item.tooltip = `${listening.url}\nClick for Open /health, Copy URL, Stop`;
    item.command = { command: CommandIds.serverActions, title: 'Server actions', arguments: [id] };
    item.show();
    const running: Running = { served, child, item, exited, stopping: false };
    this.running.set(id, running);
    void exited.then(() => {
      item.dispose();
      this.running.delete(id);
      const info = exitInfo as { code: number | null; signal: NodeJS.Signals | null } | null;
      const how = info?.signal ? `signal ${info.signal}` : `exit code ${info?.code ?? '?'}`;
      if (running.stopping) this.log.info(`Server ${id} stopped (${how}).`);
      else {
        this.log.error(`Server ${id} stopped unexpectedly (${how}).${stderrTail.length ? ' Last output:\n' + stderrTail.join('\n') : ''}`);
        void vscode.window.showWarningMessage(`The model server for ${options.name} stopped unexpectedly (${how}).`);
      }
      this.changed.fire();
    });
    this.changed.fire();
    return served;
  }

  /** SIGTERM, then SIGKILL after a grace; resolves once the process is gone. False when no such server runs here. */
  async stop(id: string): Promise<boolean> {
    const r = this.running.get(id);
    if (!r) return false;
    r.stopping = true;
    r.child.kill('SIGTERM');
    const hard = setTimeout(() => r.child.kill('SIGKILL'), STOP_GRACE_MS);
    await r.exited;
    clearTimeout(hard);
    return true;
  }

  /** Stops every server of this window (deactivate awaits it). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }

  dispose(): void {
    void this.stopAll();
    process.off('exit', this.onExit);
    this.changed.dispose();
  }
}
