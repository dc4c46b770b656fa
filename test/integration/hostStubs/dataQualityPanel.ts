// Stands in for the Data Quality panel: records every call the command makes, so tests can read the
// sequence (loading, preview, profile with its notice, error, cancelled).
import type { DatasetProfile, ProfileProgress } from '../../../src/protocol/profile.js';
import type { DatasetVersion } from '../../../src/protocol/datasetVersion.js';
import type { Recipe, RecipePreview, StepChoice, Suggestion } from '../../../src/protocol/recipe.js';
import { EventEmitter } from './vscode.js';
import type { Uri } from './vscode.js';

export type PanelCall =
  | { call: 'setLoading' }
  | { call: 'setProgress'; progress: ProfileProgress }
  | { call: 'setPreview'; profile: DatasetProfile }
  | { call: 'setProfile'; profile: DatasetProfile; notice: string | undefined }
  | { call: 'setError'; message: string }
  | { call: 'setCancelled' }
  | { call: 'setSuggestions'; suggestions: Suggestion[] }
  | { call: 'setCleanPreview'; result: { preview: RecipePreview; recipe: Recipe } | { error: string } }
  | { call: 'setCleanBusy'; message: string | null }
  | { call: 'setVersion'; version: DatasetVersion | null }
  | { call: 'setComparison'; parent: DatasetProfile; parentName: string }
  | { call: 'dispose' };

type VersionAction = 'rename' | 'delete' | 'compareWithParent' | 'openParent';

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
  private readonly cleanPreview = new EventEmitter<StepChoice[]>();
  private readonly cleanApply = new EventEmitter<StepChoice[]>();
  private readonly codeExport = new EventEmitter<{ language: 'python' | 'typescript'; choices: StepChoice[] }>();
  private readonly versionAction = new EventEmitter<{ action: VersionAction }>();
  readonly onDidRequestCleanPreview = this.cleanPreview.event;
  readonly onDidRequestCleanApply = this.cleanApply.event;
  readonly onDidRequestCodeExport = this.codeExport.event;
  readonly onDidRequestVersionAction = this.versionAction.event;

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

  setSuggestions(suggestions: Suggestion[]): void {
    this.calls.push({ call: 'setSuggestions', suggestions });
  }
  setCleanPreview(result: { preview: RecipePreview; recipe: Recipe } | { error: string }): void {
    this.calls.push({ call: 'setCleanPreview', result });
  }
  setCleanBusy(message: string | null): void {
    this.calls.push({ call: 'setCleanBusy', message });
  }
  setVersion(version: DatasetVersion | null): void {
    this.calls.push({ call: 'setVersion', version });
  }
  setComparison(parent: DatasetProfile, parentName: string): void {
    this.calls.push({ call: 'setComparison', parent, parentName });
  }
  /** The host closes the panel (e.g. its file was deleted). */
  dispose(): void {
    this.calls.push({ call: 'dispose' });
    this.close();
  }

  /** The user pressed Preview / Apply / Export / a lineage button in the webview. */
  requestCleanPreview(choices: StepChoice[]): void {
    this.cleanPreview.fire(choices);
  }
  requestCleanApply(choices: StepChoice[]): void {
    this.cleanApply.fire(choices);
  }
  requestCodeExport(language: 'python' | 'typescript', choices: StepChoice[]): void {
    this.codeExport.fire({ language, choices });
  }
  requestVersionAction(action: VersionAction): void {
    this.versionAction.fire({ action });
  }
  /** The calls of one kind, in order. */
  callsOf<K extends PanelCall['call']>(call: K): Extract<PanelCall, { call: K }>[] {
    return this.calls.filter((c): c is Extract<PanelCall, { call: K }> => c.call === call);
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
