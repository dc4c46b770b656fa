// Just enough of the `vscode` API for the ML Lab trees and their commands: tree items, a file watcher the
// test fires by hand, dialogs answered from queues the test fills, and commands that record what ran.
import { posix } from 'node:path';

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
    readonly fragment: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', posix.normalize(path), '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, posix.join(base.path, ...parts), '');
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { fragment?: string }): Uri {
    return new Uri(this.scheme, this.path, change.fragment ?? this.fragment);
  }
  toString(): string {
    return `${this.scheme}://${this.path}${this.fragment ? `#${this.fragment}` : ''}`;
  }
}

type Listener<T> = (value: T) => void;

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 } as const;

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: ThemeColor,
  ) {}
}

export class MarkdownString {
  constructor(readonly value: string) {}
}

export class TreeItem {
  description?: string;
  tooltip?: string | MarkdownString;
  iconPath?: ThemeIcon;
  id?: string;
  contextValue?: string;
  resourceUri?: Uri;
  command?: { command: string; title: string; arguments?: unknown[] };
  constructor(
    readonly label: string,
    readonly collapsibleState: number,
  ) {}
}

export const watchers: { pattern: string; create: EventEmitter<Uri>; change: EventEmitter<Uri>; remove: EventEmitter<Uri> }[] = [];

export const workspace = {
  workspaceFolders: [] as { uri: Uri; name: string; index: number }[],
  isTrusted: true,
  createFileSystemWatcher(pattern: string) {
    const w = { pattern, create: new EventEmitter<Uri>(), change: new EventEmitter<Uri>(), remove: new EventEmitter<Uri>() };
    watchers.push(w);
    return { onDidCreate: w.create.event, onDidChange: w.change.event, onDidDelete: w.remove.event, dispose: () => undefined };
  },
  onDidChangeWorkspaceFolders: new EventEmitter<unknown>().event,
};

/** What the dialogs answer, in order; each call takes the next answer (undefined = dismissed). */
export const answers: { input: (string | undefined)[]; warning: (string | undefined)[]; quickPick: unknown[]; openDialog: (Uri[] | undefined)[] } = {
  input: [],
  warning: [],
  quickPick: [],
  openDialog: [],
};
export const shown: { kind: string; message: string }[] = [];

export const window = {
  showInputBox: (): Promise<string | undefined> => Promise.resolve(answers.input.shift()),
  showWarningMessage: (message: string): Promise<string | undefined> => {
    shown.push({ kind: 'warning', message });
    return Promise.resolve(answers.warning.shift());
  },
  showInformationMessage: (message: string): Promise<string | undefined> => {
    shown.push({ kind: 'info', message });
    return Promise.resolve(undefined);
  },
  showErrorMessage: (message: string): Promise<string | undefined> => {
    shown.push({ kind: 'error', message });
    return Promise.resolve(undefined);
  },
  showQuickPick: (): Promise<unknown> => Promise.resolve(answers.quickPick.shift()),
  showOpenDialog: (): Promise<Uri[] | undefined> => Promise.resolve(answers.openDialog.shift()),
  withProgress: <R>(_options: unknown, task: () => Promise<R>): Promise<R> => task(),
};

export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;

export const executed: { command: string; args: unknown[] }[] = [];
const registered = new Map<string, (...args: unknown[]) => unknown>();

export const commands = {
  registerCommand(id: string, run: (...args: unknown[]) => unknown) {
    registered.set(id, run);
    return { dispose: () => registered.delete(id) };
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    const run = registered.get(id);
    if (run) return run(...args);
    executed.push({ command: id, args });
    return undefined;
  },
};
