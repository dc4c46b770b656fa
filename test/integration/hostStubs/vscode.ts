// Just enough of the `vscode` API for the Profile Dataset command, recording what the command asks of
// the editor (notifications, progress, error messages) so tests can check it. Loaded in place of the real
// module by profileDatasetCommand.test.ts.
import { join } from 'node:path';

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly fsPath: string,
  ) {}
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static from(parts: { scheme: string; path: string }): Uri {
    return new Uri(parts.scheme, parts.path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, join(base.fsPath, ...parts));
  }
  get path(): string {
    return this.fsPath;
  }
  toString(): string {
    return `${this.scheme}://${this.fsPath}`;
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

export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;

export interface ProgressRun {
  options: { title?: string; cancellable?: boolean; location: number };
  reports: { increment?: number; message?: string }[];
  cancel(): void;
  done: boolean;
}

/** What the tests set up and read back. */
export const editor = {
  progressRuns: [] as ProgressRun[],
  errors: [] as string[],
  openDialogResult: undefined as Uri[] | undefined,
  openDialogCalls: 0,
  activeDocument: undefined as { uri: Uri; languageId: string } | undefined,
  workspaceFolder: undefined as Uri | undefined,
  config: {} as Record<string, unknown>,
  /** Called when a progress notification opens, e.g. to cancel it at once. */
  onProgressStart: undefined as ((run: ProgressRun) => void) | undefined,
  warnings: [] as string[],
  infos: [] as string[],
  /** The button the user picks in the next warning / information message (undefined: dismissed). */
  warningAnswer: undefined as string | undefined,
  saveDialogResult: undefined as Uri | undefined,
  saveDialogDefaults: [] as (Uri | undefined)[],
  inputBoxResult: undefined as string | undefined,
  trusted: true,
  reset(): void {
    this.progressRuns = [];
    this.errors = [];
    this.openDialogResult = undefined;
    this.openDialogCalls = 0;
    this.activeDocument = undefined;
    this.config = {};
    this.onProgressStart = undefined;
    this.warnings = [];
    this.infos = [];
    this.warningAnswer = undefined;
    this.saveDialogResult = undefined;
    this.saveDialogDefaults = [];
    this.inputBoxResult = undefined;
    this.trusted = true;
  },
};

export const window = {
  get activeTextEditor(): { document: { uri: Uri; languageId: string } } | undefined {
    return editor.activeDocument ? { document: editor.activeDocument } : undefined;
  },
  async showErrorMessage(message: string): Promise<undefined> {
    editor.errors.push(message);
    return undefined;
  },
  async showWarningMessage(message: string): Promise<string | undefined> {
    editor.warnings.push(message);
    return editor.warningAnswer;
  },
  async showInformationMessage(message: string): Promise<undefined> {
    editor.infos.push(message);
    return undefined;
  },
  async showSaveDialog(options: { defaultUri?: Uri }): Promise<Uri | undefined> {
    editor.saveDialogDefaults.push(options.defaultUri);
    return editor.saveDialogResult;
  },
  async showInputBox(): Promise<string | undefined> {
    return editor.inputBoxResult;
  },
  async showTextDocument(): Promise<undefined> {
    return undefined;
  },
  async showOpenDialog(): Promise<Uri[] | undefined> {
    editor.openDialogCalls++;
    return editor.openDialogResult;
  },
  async withProgress<R>(
    options: ProgressRun['options'],
    task: (progress: { report(v: { increment?: number; message?: string }): void }, token: { isCancellationRequested: boolean; onCancellationRequested(l: () => void): { dispose(): void } }) => Promise<R>,
  ): Promise<R> {
    const cancelled = new EventEmitter<void>();
    const token = { isCancellationRequested: false, onCancellationRequested: (l: () => void) => cancelled.event(l) };
    const run: ProgressRun = {
      options,
      reports: [],
      done: false,
      cancel: () => {
        token.isCancellationRequested = true;
        cancelled.fire();
      },
    };
    editor.progressRuns.push(run);
    editor.onProgressStart?.(run);
    try {
      return await task({ report: (v) => run.reports.push(v) }, token);
    } finally {
      run.done = true;
    }
  },
};

export const workspace = {
  get isTrusted(): boolean {
    return editor.trusted;
  },
  getConfiguration(section: string): { get<T>(key: string): T | undefined } {
    return { get: <T>(key: string) => editor.config[`${section}.${key}`] as T | undefined };
  },
  getWorkspaceFolder(uri: Uri): { uri: Uri } | undefined {
    const folder = editor.workspaceFolder;
    return folder && uri.fsPath.startsWith(folder.fsPath + '/') ? { uri: folder } : undefined;
  },
};
