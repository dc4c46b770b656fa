// The Clean tab: the profile's cleaning suggestions as checkable rows (evidence, a dropdown of what to do
// instead, editable parameters), the actions (Preview, Apply, Export Python / TypeScript) and the last
// Preview's before/after statistics and sample rows. Edits go to the saved UI state through `hooks.edit`;
// an edit updates its own row in place so the control being used keeps focus.
import { isStepChoice } from '../../src/protocol/dataQualityPanel.js';
import type { CleanEdit, CleanState, CodeLanguage, WebviewMessage } from '../../src/protocol/dataQualityPanel.js';
import type { DatasetProfile } from '../../src/protocol/profile.js';
import { formatCount, plural } from '../../src/protocol/profileFormat.js';
import type { Recipe, RecipePreview, StepChoice, Suggestion } from '../../src/protocol/recipe.js';
import { clear, el, icon, messageText, setAttrs } from '../shared/element.js';
import { checkedChoices, choicesKey, defaultEdit, filterSuggestions, resolveRow } from './cleanChoices.js';
import type { ParamKey, ResolvedRow } from './cleanChoices.js';
import { affectedRows, sampleTable } from './previewTable.js';
import { describeStep } from './recipeText.js';

export interface CleanViewHooks {
  post(message: WebviewMessage): void;
  /** The saved edits (read fresh: the app owns them). */
  edits(): Record<string, CleanEdit>;
  setEdit(id: string, edit: CleanEdit | null): void;
  previewKey(): string | null;
  setPreviewKey(key: string | null): void;
  filter(): string;
  setFilter(text: string): void;
}

/** Rows drawn at a time: a file with thousands of columns has thousands of suggestions. */
const PAGE = 150;

type ButtonElement = HTMLElement & { disabled: boolean };

function actionButton(label: string, iconName: string, onClick: () => void, secondary: boolean, title: string): ButtonElement {
  return el('vscode-button', { attrs: { icon: iconName, secondary, 'aria-label': label, title }, on: { click: onClick } }, label) as ButtonElement;
}

let nextId = 0;

export class CleanView {
  readonly element = el('div', { class: 'clean-view' });
  private profile: DatasetProfile | null = null;
  private suggestionsKey: string | null = null;
  private previewJson = 'null';
  private state: CleanState | null = null;
  private numeric: (name: string) => boolean = () => false;
  private readonly summary = el('span', { class: 'clean-summary', attrs: { 'aria-live': 'polite' } });
  private readonly busy = el('span', { class: 'clean-busy', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly previewButton = actionButton('Preview', 'eye', () => this.send('preview'), true, 'Run the checked steps on a sample of the file; nothing is written');
  private readonly applyButton = actionButton('Apply', 'check', () => this.send('apply'), false, 'Write a cleaned copy of the file; the file itself is not changed');
  private readonly pythonButton = actionButton('Export Python', 'file-code', () => this.send('python'), true, 'Save the checked steps as a pandas script');
  private readonly typescriptButton = actionButton('Export TypeScript', 'file-code', () => this.send('typescript'), true, 'Save the checked steps as a TypeScript module');
  private readonly previewPane = el('section', { class: 'clean-preview', attrs: { 'aria-label': 'Preview' } });
  private readonly list = el('ul', { class: 'clean-list', attrs: { 'aria-label': 'Cleaning suggestions' } });
  private readonly listFooter = el('div', { class: 'clean-list-footer' });
  private readonly shown = el('span', { class: 'dim shown-count' });
  private limit = PAGE;

  constructor(private readonly hooks: CleanViewHooks) {}

  /**
   * Rebuilds the rows only when the suggestions (or the profile) changed; a new Preview or busy state
   * refreshes the preview and the buttons in place, so focus and scroll stay where the user left them.
   */
  render(state: CleanState, profile: DatasetProfile, attached: boolean): void {
    const key = state.suggestions ? JSON.stringify(state.suggestions) : null;
    // Every message is a fresh copy: compare what the preview says, not which object it is.
    const previewJson = JSON.stringify(state.preview);
    const previewChanged = previewJson !== this.previewJson;
    this.previewJson = previewJson;
    if (attached && profile === this.profile && key !== null && key === this.suggestionsKey && this.element.firstChild) {
      this.state = state;
      this.refreshSummary();
      if (previewChanged) {
        this.renderPreview();
        if (state.preview) this.revealPreview();
      }
      return;
    }
    this.suggestionsKey = key;
    this.state = state;
    this.profile = profile;
    // Numeric for a constant fill: numeric in the profile, or read as numbers by a suggested step first.
    const numeric = new Set(profile.columns.filter((c) => c.type === 'numeric').map((c) => c.name));
    for (const s of state.suggestions ?? []) if (s.choice.op === 'parseNumbers' || s.choice.op === 'parseBooleans') numeric.add(s.choice.column);
    this.numeric = (name) => numeric.has(name);
    clear(this.element);
    const suggestions = state.suggestions;
    if (suggestions === null) {
      this.element.append(el('div', { class: 'empty-state' }, el('vscode-progress-ring', { attrs: { 'aria-label': 'Waiting for suggestions' } }), el('p', null, profile.preview ? 'Suggestions come when the whole file has been read.' : 'Working out cleaning suggestions…')));
      return;
    }
    if (suggestions.length === 0) {
      this.element.append(el('div', { class: 'empty-state' }, icon('pass'), el('p', null, 'Nothing to clean: no suggestions for this file.')));
      this.renderPreview();
      return;
    }
    const reset = el('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => this.reset() } }, 'Reset to suggested');
    const bar = el(
      'div',
      { class: 'clean-actions', attrs: { role: 'toolbar', 'aria-label': 'Cleaning actions' } },
      el('div', { class: 'clean-counts' }, this.summary, reset),
      el('div', { class: 'clean-buttons' }, this.busy, this.previewButton, this.applyButton, this.pythonButton, this.typescriptButton),
    );
    const filter = el('vscode-textfield', {
      class: 'filter',
      attrs: { placeholder: 'Filter by column or text', 'aria-label': 'Filter suggestions by column or text', value: this.hooks.filter() },
      on: {
        input: () => {
          this.hooks.setFilter((filter as HTMLElement & { value: string }).value);
          this.limit = PAGE;
          this.renderRows();
        },
      },
    }, el('span', { class: 'codicon codicon-filter', attrs: { slot: 'content-before', 'aria-hidden': 'true' } }));
    const bulk = (checked: boolean, label: string): HTMLElement =>
      el('button', { class: 'link-button', attrs: { type: 'button' }, on: { click: () => this.checkShown(checked) } }, label);
    const filters = el('div', { class: 'list-filters' }, filter, bulk(true, 'Check shown'), bulk(false, 'Uncheck shown'), this.shown);
    this.limit = PAGE;
    this.element.append(bar, el('div', { class: 'clean-panes' }, el('div', { class: 'clean-list-pane' }, filters, this.list, this.listFooter), this.previewPane));
    this.renderRows();
    this.refreshSummary();
    this.renderPreview();
  }

  private renderRows(): void {
    const all = this.state?.suggestions ?? [];
    const matches = filterSuggestions(all, this.hooks.filter());
    clear(this.list);
    clear(this.listFooter);
    this.list.append(...matches.slice(0, this.limit).map((s) => this.row(s)));
    this.shown.textContent = matches.length === all.length ? plural(all.length, 'suggestion') : `${formatCount(matches.length)} of ${formatCount(all.length)}`;
    if (matches.length === 0) this.listFooter.append(el('p', { class: 'dim' }, 'No suggestion matches the filter.'));
    const left = matches.length - this.limit;
    if (left > 0) {
      this.listFooter.append(
        el('vscode-button', {
          attrs: { secondary: true },
          on: {
            click: () => {
              const from = this.limit;
              this.limit += PAGE;
              this.list.append(...matches.slice(from, this.limit).map((s) => this.row(s)));
              this.renderFooterOnly(matches.length);
            },
          },
        }, `Show ${formatCount(Math.min(PAGE, left))} more (${formatCount(left)} not shown)`),
      );
    }
  }

  private renderFooterOnly(total: number): void {
    // Re-drawing the footer alone keeps the rows (and focus within them) in place.
    const left = total - this.limit;
    if (left <= 0) clear(this.listFooter);
    else {
      const b = this.listFooter.querySelector('vscode-button');
      if (b) b.textContent = `Show ${formatCount(Math.min(PAGE, left))} more (${formatCount(left)} not shown)`;
    }
  }

  private checkShown(checked: boolean): void {
    for (const s of filterSuggestions(this.state?.suggestions ?? [], this.hooks.filter())) {
      const edit = resolveRow(s, this.hooks.edits(), this.numeric).edit;
      if (edit.checked !== checked) this.update(s, { ...edit, checked }, false);
    }
    this.renderRows();
    this.refreshSummary();
    this.markPreviewStale();
  }

  /** Busy text alone, as often as the host sends it: no rebuild. */
  setBusy(message: string | null): void {
    if (this.state) this.state = { ...this.state, busy: message };
    this.refreshSummary();
  }

  private row(s: Suggestion): HTMLElement {
    const r = resolveRow(s, this.hooks.edits(), this.numeric);
    const id = `clean-${nextId++}`;
    const li = el('li', { class: `clean-row${r.edit.checked ? '' : ' off'}`, attrs: { 'data-id': s.id } });
    const box = el('input', {
      attrs: { type: 'checkbox', id, checked: r.edit.checked },
      on: {
        change: () => {
          this.update(s, { ...resolveRow(s, this.hooks.edits(), this.numeric).edit, checked: box.checked });
          li.classList.toggle('off', !box.checked);
        },
      },
    });
    const controls = el('div', { class: 'clean-controls' });
    this.fillControls(controls, s, r);
    // The core writes "->" (it also goes to the terminal); the panel can show a real arrow.
    li.append(box, el('label', { attrs: { for: id }, class: 'clean-evidence' }, messageText(s.evidence.replace(/ -> /g, ' → '))), controls);
    return li;
  }

  private fillControls(controls: HTMLElement, s: Suggestion, r: ResolvedRow): void {
    clear(controls);
    const what = s.column === null ? 'the whole file' : s.column;
    const select = el(
      'select',
      {
        class: 'clean-select',
        attrs: { 'aria-label': `What to do about ${what}` },
        on: {
          change: () => {
            const option = Number(select.value);
            // Parameters belong to the option they were typed for.
            const edit: CleanEdit = { ...resolveRow(s, this.hooks.edits(), this.numeric).edit, option, params: {} };
            this.update(s, edit);
            this.fillControls(controls, s, resolveRow(s, this.hooks.edits(), this.numeric));
            (controls.querySelector('select') as HTMLSelectElement | null)?.focus();
          },
        },
      },
      ...r.options.map((o, i) => el('option', { attrs: { value: i, selected: i === r.option } }, o.label)),
    );
    controls.appendChild(select);
    for (const f of r.fields) {
      const fieldId = `clean-${nextId++}`;
      const errorId = `${fieldId}-error`;
      const error = r.result.errors[f.key] ?? '';
      const input = el('input', {
        class: 'clean-param',
        attrs: {
          id: fieldId,
          type: 'text',
          inputmode: f.numeric ? 'decimal' : 'text',
          value: r.edit.params[f.key] ?? f.defaultText,
          size: f.numeric ? 6 : 14,
          'aria-invalid': error ? 'true' : 'false',
          'aria-describedby': errorId,
          title: f.hint,
        },
        on: { input: () => this.paramChanged(s, f.key, input, controls) },
      });
      controls.appendChild(
        el(
          'span',
          { class: 'clean-field' },
          el('label', { attrs: { for: fieldId } }, f.label),
          input,
          f.unit ? el('span', { class: 'dim' }, f.unit) : null,
          el('span', { class: 'field-error', attrs: { id: errorId, role: 'alert' } }, error ? messageText(error) : null),
        ),
      );
    }
  }

  private paramChanged(s: Suggestion, key: ParamKey, input: HTMLInputElement, controls: HTMLElement): void {
    const current = resolveRow(s, this.hooks.edits(), this.numeric).edit;
    this.update(s, { ...current, params: { ...current.params, [key]: input.value } });
    const r = resolveRow(s, this.hooks.edits(), this.numeric);
    const error = r.result.errors[key] ?? '';
    setAttrs(input, { 'aria-invalid': error ? 'true' : 'false' });
    const message = controls.querySelector(`#${input.id}-error`);
    if (message) {
      clear(message);
      if (error) message.appendChild(messageText(error));
    }
  }

  /** refresh false: the caller changes many rows and refreshes once (the summary walks every row). */
  private update(s: Suggestion, edit: CleanEdit, refresh = true): void {
    const d = defaultEdit(s);
    const same = edit.checked === d.checked && edit.option === d.option && Object.keys(edit.params).length === 0;
    this.hooks.setEdit(s.id, same ? null : edit);
    if (!refresh) return;
    this.refreshSummary();
    this.markPreviewStale();
  }

  private reset(): void {
    for (const s of this.state?.suggestions ?? []) this.hooks.setEdit(s.id, null);
    if (this.state && this.profile) this.render(this.state, this.profile, false);
  }

  private current(): { choices: StepChoice[]; invalid: string[]; checked: number } {
    return checkedChoices(this.state?.suggestions ?? [], this.hooks.edits(), this.numeric);
  }

  private refreshSummary(): void {
    const total = this.state?.suggestions?.length ?? 0;
    const c = this.current();
    const bad = c.invalid.length;
    this.summary.textContent = `${formatCount(c.checked)} of ${plural(total, 'step')} checked${bad ? ` · ${plural(bad, 'value')} to fix` : ''}`;
    this.summary.classList.toggle('error', bad > 0);
    const busy = this.state?.busy ?? null;
    clear(this.busy);
    if (busy) this.busy.append(el('span', { class: 'codicon codicon-loading codicon-modifier-spin', attrs: { 'aria-hidden': 'true' } }), busy);
    const blocked = busy !== null || bad > 0;
    this.previewButton.disabled = blocked || c.choices.length === 0;
    this.applyButton.disabled = blocked || c.choices.length === 0;
    this.pythonButton.disabled = blocked || c.choices.length === 0;
    this.typescriptButton.disabled = blocked || c.choices.length === 0;
  }

  private send(action: 'preview' | 'apply' | CodeLanguage): void {
    const c = this.current();
    if (c.invalid.length > 0 || c.choices.length === 0 || this.state?.busy) return;
    // The host refuses a choice it cannot check; say so here rather than have the button do nothing.
    const unknown = c.choices.find((x): boolean => !isStepChoice(x));
    if (unknown) {
      this.summary.textContent = `This version of ML Lab cannot run the step "${unknown.op}": uncheck it to go on.`;
      this.summary.classList.add('error');
      return;
    }
    if (action === 'preview') {
      this.hooks.setPreviewKey(choicesKey(c.choices));
      this.hooks.post({ type: 'cleanPreview', choices: c.choices });
    } else if (action === 'apply') this.hooks.post({ type: 'cleanApply', choices: c.choices });
    else this.hooks.post({ type: 'exportCode', language: action, choices: c.choices });
  }

  private markPreviewStale(): void {
    const note = this.previewPane.querySelector('.preview-stale');
    if (!note) return;
    const key = this.hooks.previewKey();
    (note as HTMLElement).hidden = key === null || key === choicesKey(this.current().choices);
  }

  /** When the panes are stacked (narrow panel) the preview is below the list: bring it into view. */
  private revealPreview(): void {
    this.previewPane.scrollTop = 0;
    const box = this.previewPane.getBoundingClientRect();
    if (box.top > window.innerHeight || box.bottom < 0) this.previewPane.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }

  private renderPreview(): void {
    clear(this.previewPane);
    const result = this.state?.preview ?? null;
    this.previewPane.append(el('h3', null, 'Preview'));
    if (!result) {
      this.previewPane.append(el('p', { class: 'dim' }, 'Check the steps you want, then Preview: their effect on a sample of the file shows here. Nothing is written until you Apply.'));
      return;
    }
    if ('error' in result) {
      this.previewPane.append(el('div', { class: 'banner error', attrs: { role: 'alert' } }, icon('error'), el('span', null, messageText(result.error))));
      return;
    }
    this.previewPane.append(
      el('div', { class: 'banner warning preview-stale', attrs: { role: 'status' } }, icon('history'), el('span', null, 'The checked steps changed since this preview: Preview again to see their effect.')),
    );
    this.markPreviewStale();
    this.previewPane.append(previewBody(result.preview, result.recipe));
  }
}

function previewBody(p: RecipePreview, recipe: Recipe): HTMLElement {
  const r = p.report;
  const facts = [
    `${p.complete ? 'Whole file' : 'Sample'}: ${formatCount(r.rowsIn)} → ${plural(r.rowsOut, 'row')}`,
    r.duplicateRowsDropped ? `${formatCount(r.duplicateRowsDropped)} duplicates dropped` : null,
    r.rowsDroppedMissing ? `${formatCount(r.rowsDroppedMissing)} dropped for missing values` : null,
    `${plural(r.columns.length, 'column')} out`,
    plural(recipe.steps.length, 'fitted step'),
  ].filter((x): x is string => x !== null);
  const body = el('div', { class: 'preview-body' }, el('p', { class: 'preview-facts' }, facts.join(' · ')));
  if (r.unknown.length > 0) {
    body.append(
      el(
        'ul',
        { class: 'unknown-list', attrs: { 'aria-label': 'Unexpected values' } },
        ...r.unknown.map((u) => el('li', null, icon('warning'), messageText(`\`${u.column}\`: ${plural(u.count, 'value')} the step was not fitted for (${u.examples.map((e) => JSON.stringify(e)).join(', ')}) → ${u.policy}`))),
      ),
    );
  }
  const rows = affectedRows(p);
  if (rows.length > 0) {
    const labels = rows[0]?.stats.map((s) => s.label) ?? [];
    body.append(
      el('h4', null, 'Columns the steps touch'),
      el(
        'div',
        { class: 'table-scroll', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Before and after statistics' } },
        el(
          'table',
          { class: 'stats-table' },
          el('thead', null, el('tr', null, el('th', { attrs: { scope: 'col' } }, 'Column'), ...labels.map((l) => el('th', { attrs: { scope: 'col' } }, l)))),
          el(
            'tbody',
            null,
            ...rows.map((a) =>
              el(
                'tr',
                { class: `change-${a.change}` },
                el('th', { attrs: { scope: 'row' } }, el('span', { class: 'col-name' }, a.name), a.change === 'new' || a.change === 'dropped' ? el('span', { class: `tag tag-${a.change}` }, a.change) : null),
                ...a.stats.map((s) => statCell(s.before, s.after, s.changed)),
              ),
            ),
          ),
        ),
      ),
    );
  }
  const t = sampleTable(p);
  body.append(
    el('h4', null, `First ${plural(t.rows.length, 'row')} after the steps`),
    el(
      'div',
      { class: 'table-scroll', attrs: { tabindex: 0, role: 'region', 'aria-label': 'Sample rows after the steps' } },
      el(
        'table',
        { class: 'sample-table mono' },
        el('thead', null, el('tr', null, ...t.columns.map((c) => el('th', { class: c.affected ? 'affected' : '', attrs: { scope: 'col' } }, c.name)))),
        el('tbody', null, ...t.rows.map((row) => el('tr', null, ...row.map((v, i) => el('td', { class: t.columns[i]?.affected ? 'affected' : '' }, v === '' ? el('span', { class: 'dim' }, '—') : v))))),
      ),
    ),
  );
  if (t.hidden > 0) body.append(el('p', { class: 'dim small' }, `${plural(t.hidden, 'more column')} not shown.`));
  body.append(
    el(
      'details',
      { class: 'fitted-steps' },
      el('summary', null, `The ${plural(recipe.steps.length, 'fitted step')} Apply will run`),
      el('ol', { class: 'recipe-steps' }, ...recipe.steps.map((s) => el('li', null, messageText(describeStep(s))))),
    ),
  );
  return body;
}

/** "before → after", the after value marked when it differs; one value when it did not change. */
export function statCell(before: string | null, after: string | null, changed: boolean): HTMLElement {
  if (before === null) return el('td', { class: 'added' }, after ?? '');
  if (after === null) return el('td', { class: 'removed' }, before);
  if (!changed) return el('td', null, after);
  return el('td', { class: 'changed' }, el('span', { class: 'before' }, before), el('span', { class: 'arrow', attrs: { 'aria-label': 'becomes' } }, ' → '), el('span', { class: 'after' }, after));
}
