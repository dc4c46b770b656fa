// A poll that runs only while its tree view is visible. The ML Lab trees use it to catch what file watchers
// miss (inotify limits, network drives) or to follow numbers that move with traffic, and cost nothing while
// their view is collapsed or hidden.
import type * as vscode from 'vscode';

/** What a poll needs of a tree view (the element type does not matter). */
export type PolledView = Pick<vscode.TreeView<unknown>, 'visible' | 'onDidChangeVisibility'>;

export class VisiblePoll implements vscode.Disposable {
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listener: vscode.Disposable;
  private disposed = false;
  visible = false;

  /**
   * Calls `tick` when the view shows and every `everyMs` while it stays visible; `onShow` runs first each
   * time it shows (a poll that compares with its previous check starts from a fresh baseline there).
   */
  constructor(
    view: PolledView,
    private readonly everyMs: number,
    private readonly tick: () => void,
    private readonly onShow: () => void = () => undefined,
  ) {
    this.listener = view.onDidChangeVisibility((e) => this.update(e.visible));
    this.update(view.visible);
  }

  private update(visible: boolean): void {
    this.visible = visible;
    if (visible && !this.timer && !this.disposed) {
      this.onShow();
      this.timer = setInterval(this.tick, this.everyMs);
      this.tick();
    } else if (!visible && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.update(false);
    this.disposed = true;
    this.listener.dispose();
  }
}
