// The `vscode` stand-in of vscode.ts plus what the Start AutoML Sweep command uses: scripted quick picks and
// input boxes (each shown step is recorded and answered by the next scripted answer), commands, a status
// bar item, workspace state, findFiles. Loaded in place of `vscode` by sweepCommand.test.ts.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { editor, EventEmitter, ProgressLocation, Uri, window as baseWindow, workspace as baseWorkspace } from './vscode.js';

export { editor, EventEmitter, ProgressLocation, Uri };

export const QuickInputButtons = { Back: { id: 'back' } } as const;
export const StatusBarAlignment = { Left: 1, Right: 2 } as const;

interface ShownItem {
  label: string;
  description?: string;
  detail?: string;
}

/** One step as the user saw it. */
export interface ShownStep {
  kind: 'pick' | 'pickMany' | 'input';
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  placeholder: string | undefined;
  prompt?: string;
  value?: string;
  items: ShownItem[];
  active: string | undefined;
  selected: string[];
  back: boolean;
  /** Validation messages shown while the scripted text was typed. */
  validation: (string | undefined)[];
}

/** How a step is answered: pick items whose label includes these texts, type text, press Back, or Escape. */
export type Answer = { pick: string } | { pickMany: string[] } | { type: string[] } | 'back' | 'escape';

export const sweepEditor = {
  steps: [] as ShownStep[],
  answers: [] as Answer[],
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  state: new Map<string, unknown>(),
  status: { text: '', tooltip: '' as unknown, command: undefined as unknown, visible: false, history: [] as string[] },
  folders: [] as { uri: Uri; name: string; index: number }[],
  /** The button the next information message is answered with. */
  infoAnswer: undefined as string | undefined,
  /** Resolves when the scripted answers run out and a step waits (the test then checks and continues). */
  waiting: null as ((step: ShownStep) => void) | null,
  reset(): void {
    this.steps = [];
    this.answers = [];
    this.executed = [];
    this.infoAnswer = undefined;
    this.waiting = null;
  },
};

function answerLater(step: ShownStep, apply: (a: Answer) => void): void {
  sweepEditor.steps.push(step);
  setImmediate(() => {
    const a = sweepEditor.answers.shift();
    if (a === undefined) throw new Error(`No scripted answer for step ${step.step ?? '?'}: ${step.placeholder ?? step.prompt ?? ''}`);
    apply(a);
  });
}

class QuickPick<T extends ShownItem> {
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  placeholder: string | undefined;
  items: T[] = [];
  activeItems: T[] = [];
  selectedItems: T[] = [];
  canSelectMany = false;
  matchOnDescription = false;
  matchOnDetail = false;
  ignoreFocusOut = false;
  buttons: unknown[] = [];
  private readonly accept = new EventEmitter<void>();
  private readonly button = new EventEmitter<unknown>();
  private readonly hide = new EventEmitter<void>();
  readonly onDidAccept = this.accept.event;
  readonly onDidTriggerButton = this.button.event;
  readonly onDidHide = this.hide.event;

  show(): void {
    const shown: ShownStep = {
      kind: this.canSelectMany ? 'pickMany' : 'pick',
      title: this.title,
      step: this.step,
      totalSteps: this.totalSteps,
      placeholder: this.placeholder,
      items: this.items.map((i) => ({ label: i.label, ...(i.description ? { description: i.description } : {}), ...(i.detail ? { detail: i.detail } : {}) })),
      active: this.activeItems[0]?.label,
      selected: this.selectedItems.map((i) => i.label),
      back: this.buttons.includes(QuickInputButtons.Back),
      validation: [],
    };
    answerLater(shown, (a) => {
      if (a === 'back') return this.button.fire(QuickInputButtons.Back);
      if (a === 'escape') return this.hide.fire();
      if ('pick' in a) {
        const item = this.items.find((i) => i.label.includes(a.pick));
        if (!item) throw new Error(`No item '${a.pick}' in ${this.items.map((i) => i.label).join(' | ')}`);
        this.selectedItems = [item];
      } else if ('pickMany' in a) {
        this.selectedItems = this.items.filter((i) => a.pickMany.some((p) => i.label.includes(p)));
      } else throw new Error('a quick pick cannot be typed into');
      this.accept.fire();
    });
  }

  dispose(): void {
    this.hide.fire();
    this.accept.dispose();
    this.button.dispose();
    this.hide.dispose();
  }
}

class InputBox {
  title: string | undefined;
  step: number | undefined;
  totalSteps: number | undefined;
  placeholder: string | undefined;
  prompt: string | undefined;
  value = '';
  validationMessage: string | undefined;
  ignoreFocusOut = false;
  buttons: unknown[] = [];
  private readonly change = new EventEmitter<string>();
  private readonly accept = new EventEmitter<void>();
  private readonly button = new EventEmitter<unknown>();
  private readonly hide = new EventEmitter<void>();
  readonly onDidChangeValue = this.change.event;
  readonly onDidAccept = this.accept.event;
  readonly onDidTriggerButton = this.button.event;
  readonly onDidHide = this.hide.event;

  show(): void {
    const shown: ShownStep = {
      kind: 'input',
      title: this.title,
      step: this.step,
      totalSteps: this.totalSteps,
      placeholder: this.placeholder,
      prompt: this.prompt,
      value: this.value,
      items: [],
      active: undefined,
      selected: [],
      back: this.buttons.includes(QuickInputButtons.Back),
      validation: [],
    };
    answerLater(shown, (a) => {
      if (a === 'back') return this.button.fire(QuickInputButtons.Back);
      if (a === 'escape') return this.hide.fire();
      if (!('type' in a)) throw new Error('an input box is typed into');
      // Each text is typed and Enter pressed; an invalid one stays, the next replaces it.
      for (const text of a.type) {
        this.value = text;
        this.change.fire(text);
        shown.validation.push(this.validationMessage);
        this.accept.fire();
      }
    });
  }

  dispose(): void {
    this.hide.fire();
    this.change.dispose();
    this.accept.dispose();
    this.button.dispose();
    this.hide.dispose();
  }
}

export const window = {
  ...baseWindow,
  // A spread copies the getter's value once; the tests set the document later.
  get activeTextEditor(): { document: { uri: Uri; languageId: string } } | undefined {
    return editor.activeDocument ? { document: editor.activeDocument } : undefined;
  },
  async showInformationMessage(message: string): Promise<string | undefined> {
    editor.infos.push(message);
    const a = sweepEditor.infoAnswer;
    sweepEditor.infoAnswer = undefined;
    return a;
  },
  async showQuickPick<T extends ShownItem>(items: T[]): Promise<T | undefined> {
    return new Promise((resolve) => {
      answerLater({ kind: 'pick', title: undefined, step: undefined, totalSteps: undefined, placeholder: undefined, items, active: undefined, selected: [], back: false, validation: [] }, (a) => {
        resolve(typeof a === 'object' && 'pick' in a ? items.find((i) => i.label.includes(a.pick)) : undefined);
      });
    });
  },
  createQuickPick<T extends ShownItem>(): QuickPick<T> {
    return new QuickPick<T>();
  },
  createInputBox(): InputBox {
    return new InputBox();
  },
  createStatusBarItem(): { text: string; tooltip: unknown; command: unknown; name: string; show(): void; hide(): void; dispose(): void } {
    const s = sweepEditor.status;
    return {
      name: '',
      get text() {
        return s.text;
      },
      set text(t: string) {
        s.text = t;
        s.history.push(t);
      },
      get tooltip() {
        return s.tooltip;
      },
      set tooltip(t: unknown) {
        s.tooltip = t;
      },
      get command() {
        return s.command;
      },
      set command(c: unknown) {
        s.command = c;
      },
      show: () => void (s.visible = true),
      hide: () => void (s.visible = false),
      dispose: () => void (s.visible = false),
    };
  },
};

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === '.git' || name === '.mllab') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.(csv|tsv)$/i.test(name)) out.push(path);
  }
}

export const workspace = {
  ...baseWorkspace,
  get isTrusted(): boolean {
    return editor.trusted;
  },
  get workspaceFolders(): { uri: Uri; name: string; index: number }[] {
    return sweepEditor.folders;
  },
  getWorkspaceFolder(uri: Uri): { uri: Uri } | undefined {
    return sweepEditor.folders.find((f) => uri.fsPath.startsWith(f.uri.fsPath + '/'));
  },
  async findFiles(): Promise<Uri[]> {
    const out: string[] = [];
    for (const f of sweepEditor.folders) walk(f.uri.fsPath, out);
    return out.sort().map((p) => Uri.file(p));
  },
  asRelativePath(path: string): string {
    const folder = sweepEditor.folders[0];
    return folder ? relative(folder.uri.fsPath, path) || '.' : path;
  },
};

export const commands = {
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): { dispose(): void } {
    sweepEditor.commands.set(id, handler);
    return { dispose: () => sweepEditor.commands.delete(id) };
  },
  async executeCommand(id: string, ...args: unknown[]): Promise<unknown> {
    sweepEditor.executed.push({ command: id, args });
    const handler = sweepEditor.commands.get(id);
    return handler ? await handler(...args) : undefined;
  },
};

/** An ExtensionContext with just workspaceState. */
export function extensionContext(): { workspaceState: { get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void> } } {
  return {
    workspaceState: {
      get: <T>(key: string) => sweepEditor.state.get(key) as T | undefined,
      update: async (key: string, value: unknown) => void sweepEditor.state.set(key, structuredClone(value)),
    },
  };
}
