// The `vscode` API the deploy code touches, for plain-Node tests: the tree stand-in (treeHost) plus status bar
// items the test can read, the StatusBarAlignment enum and CancellationError.
export * from '../treeHost/vscode.js';
import { window as treeWindow } from '../treeHost/vscode.js';

export const StatusBarAlignment = { Left: 1, Right: 2 } as const;

export class CancellationError extends Error {
  override readonly name = 'Canceled';
}

export interface FakeStatusBarItem {
  id: string;
  name?: string;
  text: string;
  tooltip?: string;
  command?: unknown;
  visible: boolean;
  disposed: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

export const statusBarItems: FakeStatusBarItem[] = [];

export const window = {
  ...treeWindow,
  createStatusBarItem(id: string): FakeStatusBarItem {
    const item: FakeStatusBarItem = {
      id,
      text: '',
      visible: false,
      disposed: false,
      show: () => void (item.visible = true),
      hide: () => void (item.visible = false),
      dispose: () => void ((item.disposed = true), (item.visible = false)),
    };
    statusBarItems.push(item);
    return item;
  },
};
