// Stands in for the Data Quality panel: records every call the command makes, so tests can read the
// sequence (loading, preview, profile with its notice, error, cancelled).
import type { DatasetProfile, ProfileProgress } from '../../../src/protocol/profile.js';
import { EventEmitter } from './vscode.js';
import type { Uri } from './vscode.js';

export type PanelCall =
  | { call: 'setLoading' }
  | { call: 'setProgress'; progress: ProfileProgress }
  | { call: 'setPreview'; profile: DatasetProfile }
  | { call: 'setProfile'; profile: DatasetProfile; notice: string | undefined }
  | { call: 'setError'; message: string }
  | { call: 'setCancelled' };

export class DataQualityPanel {
  static readonly viewType = 'mllab.dataQuality';
  static readonly shown: DataQualityPanel[] = [];
  private static readonly open = new Map<string, DataQualityPanel>();

  static show(_extensionUri: Uri, file: Uri): DataQualityPanel {
    const existing = DataQualityPanel.open.get(file.toString());
    if (existing) {
      existing.setLoading();
      return existing;
    }
    const panel = new DataQualityPanel(file);
    DataQualityPanel.open.set(file.toString(), panel);
    DataQualityPanel.shown.push(panel);
    return panel;
  }

  readonly calls: PanelCall[] = [];
  private readonly reprofile = new EventEmitter<void>();
  private readonly disposed = new EventEmitter<void>();
  readonly onDidRequestReprofile = this.reprofile.event;
  readonly onDidDispose = this.disposed.event;

  private constructor(readonly file: Uri) {}

  setLoading(): void {
    this.calls.push({ call: 'setLoading' });
  }
  setProgress(progress: ProfileProgress): void {
    this.calls.push({ call: 'setProgress', progress });
  }
  setPreview(profile: DatasetProfile): void {
    this.calls.push({ call: 'setPreview', profile });
  }
  setProfile(profile: DatasetProfile, notice?: string): void {
    this.calls.push({ call: 'setProfile', profile, notice });
  }
  setError(message: string): void {
    this.calls.push({ call: 'setError', message });
  }
  setCancelled(): void {
    this.calls.push({ call: 'setCancelled' });
  }

  /** The user pressed Re-profile in the webview. */
  requestReprofile(): void {
    this.reprofile.fire();
  }
  /** The user closed the panel. */
  close(): void {
    DataQualityPanel.open.delete(this.file.toString());
    this.disposed.fire();
  }
  last(): PanelCall | undefined {
    return this.calls[this.calls.length - 1];
  }
}
