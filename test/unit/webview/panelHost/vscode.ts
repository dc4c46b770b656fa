// Just enough of the `vscode` API for the Data Quality panel controller: a webview panel that records
// what is posted and lets a test speak for the webview, a save dialog answered by the test, and
// workspace.fs on the real disk (so the export's temp-then-rename is checked on real files).
import { promises as fs } from 'node:fs';
import { posix } from 'node:path';

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', posix.normalize(path));
  }
  static parse(value: string, strict = false): Uri {
    const m = /^([a-z][\w+.-]*):\/\/(.*)$/i.exec(value);
    if (!m) {
      if (strict) throw new Error(`not a URI: ${value}`);
      return new Uri('file', value);
    }
    return new Uri(m[1] ?? 'file', m[2] ?? '');
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, posix.join(base.path, ...parts));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { scheme?: string; path?: string }): Uri {
    return new Uri(change.scheme ?? this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
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

export const ViewColumn = { Active: -1, Beside: -2, One: 1 } as const;

export class FakeWebview {
  html = '';
  options: unknown;
  readonly cspSource = 'https://webview.test';
  readonly posted: unknown[] = [];
  private readonly received = new EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.received.event;
  constructor(options: unknown) {
    this.options = options;
  }
  asWebviewUri(uri: Uri): Uri {
    return uri.with({ scheme: 'https' });
  }
  postMessage(message: unknown): Promise<boolean> {
    // Through a structured clone, as the real boundary does.
    this.posted.push(structuredClone(message));
    return Promise.resolve(true);
  }
  /** The webview app speaking. */
  send(message: unknown): void {
    this.received.fire(message);
  }
}

export class FakePanel {
  readonly webview: FakeWebview;
  title: string;
  iconPath: unknown;
  visible = true;
  disposed = false;
  reveals = 0;
  private readonly viewState = new EventEmitter<{ webviewPanel: FakePanel }>();
  private readonly disposeEmitter = new EventEmitter<void>();
  readonly onDidChangeViewState = this.viewState.event;
  readonly onDidDispose = this.disposeEmitter.event;
  constructor(
    readonly viewType: string,
    title: string,
    readonly showOptions: unknown,
    options: unknown,
  ) {
    this.title = title;
    this.webview = new FakeWebview(options);
  }
  reveal(): void {
    this.reveals++;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.viewState.fire({ webviewPanel: this });
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
  }
}

/** What tests set up and read back. */
export const editor = {
  panels: [] as FakePanel[],
  saveDialogAnswer: undefined as Uri | undefined,
  saveDialogOptions: [] as { defaultUri?: Uri; filters?: Record<string, string[]> }[],
  messages: [] as string[],
  reset(): void {
    this.panels = [];
    this.saveDialogAnswer = undefined;
    this.saveDialogOptions = [];
    this.messages = [];
  },
};

export const window = {
  createWebviewPanel(viewType: string, title: string, showOptions: unknown, options: unknown): FakePanel {
    const p = new FakePanel(viewType, title, showOptions, options);
    editor.panels.push(p);
    return p;
  },
  async showSaveDialog(options: { defaultUri?: Uri; filters?: Record<string, string[]> }): Promise<Uri | undefined> {
    editor.saveDialogOptions.push(options);
    return editor.saveDialogAnswer;
  },
  async showInformationMessage(message: string): Promise<undefined> {
    editor.messages.push(`info ${message}`);
    return undefined;
  },
  async showWarningMessage(message: string): Promise<undefined> {
    editor.messages.push(`warning ${message}`);
    return undefined;
  },
  async showErrorMessage(message: string): Promise<undefined> {
    editor.messages.push(`error ${message}`);
    return undefined;
  },
};

export const workspace = {
  fs: {
    async writeFile(uri: Uri, content: Uint8Array): Promise<void> {
      await fs.writeFile(uri.fsPath, content);
    },
    async rename(from: Uri, to: Uri, options?: { overwrite?: boolean }): Promise<void> {
      if (!options?.overwrite && (await fs.stat(to.fsPath).then(() => true, () => false))) throw new Error('exists');
      await fs.rename(from.fsPath, to.fsPath);
    },
    async delete(uri: Uri): Promise<void> {
      await fs.rm(uri.fsPath);
    },
  },
};

export const env = {
  async openExternal(): Promise<boolean> {
    return true;
  },
};

export const commands = {
  async executeCommand(): Promise<undefined> {
    return undefined;
  },
};
