// The Data Quality panel app. It renders whatever snapshot the host sent last (a full snapshot on every
// (re)load, then progress deltas) and keeps its own UI state (filter, sort, selection, scroll, tab) in
// vscode.setState so it survives the panel being hidden or the window reloading.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { Chart } from 'chart.js';
import type { DatasetProfile } from '../../src/protocol/profile.js';
import { PROTOCOL_VERSION, defaultWebviewState, isHostMessage, parseWebviewState } from '../../src/protocol/dataQualityPanel.js';
import type { CleanState, ExportFormat, HostMessage, PanelSnapshot, PanelTab, SortKey, WebviewState } from '../../src/protocol/dataQualityPanel.js';
import {
  formatBytes,
  formatCount,
  formatDuration,
  plural,
  previewBannerText,
  progressPercent,
} from '../../src/protocol/profileFormat.js';
import { clear, el, icon, setAttrs } from '../shared/element.js';
import { readTheme, onThemeChange } from '../shared/theme.js';
import type { ThemeColors } from '../shared/theme.js';
import { connectToHost } from '../shared/vscodeApi.js';
import { pruneEdits } from './cleanChoices.js';
import { CleanView } from './cleanView.js';
import { ColumnDetail } from './columnDetail.js';
import { ColumnList } from './columnList.js';
import { nextSort, queryColumns, warningsByColumn } from './columnQuery.js';
import type { ColumnWarnings } from './columnQuery.js';
import { TYPE_LABEL } from './columnTypes.js';
import { renderComparison } from './comparisonView.js';
import { renderLineage } from './lineageView.js';
import { renderCorrelations, renderMissing } from './matrixView.js';
import { renderOverview } from './overview.js';
import { renderWarnings } from './warningsView.js';

const TABS: { id: PanelTab; label: string }[] = [
  { id: 'columns', label: 'Columns' },
  { id: 'warnings', label: 'Warnings' },
  { id: 'correlations', label: 'Correlations' },
  { id: 'missing', label: 'Missing values' },
  { id: 'clean', label: 'Clean' },
  { id: 'compare', label: 'Compare' },
];

function button(label: string, iconName: string, onClick: () => void, secondary = true): HTMLElement {
  const b = el('vscode-button', { attrs: { icon: iconName, secondary, 'aria-label': label }, on: { click: onClick } }, label);
  return b;
}

class DataQualityApp {
  private readonly host = connectToHost();
  private snapshot: PanelSnapshot | null = null;
  private ui: WebviewState | null;
  private theme: ThemeColors = readTheme();
  private warnings = new Map<string, ColumnWarnings>();
  /** Saved scroll is applied once, to the first list that has rows. */
  private pendingScroll: number | null;
  private saveTimer = 0;
  private statusTimer = 0;
  private renderedProfile: DatasetProfile | null = null;
  private dismissedNotice: string | null = null;

  private readonly root: HTMLElement;
  private readonly title = el('h1', { class: 'file-name' });
  private readonly meta = el('span', { class: 'meta' });
  private readonly status = el('span', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly reprofileButton = button('Re-profile', 'refresh', () => this.host.post({ type: 'reprofile' }));
  private readonly sweepButton = button('Start AutoML Sweep', 'beaker', () => this.host.post({ type: 'startSweep' }));
  private readonly exportHtmlButton = button('Export HTML', 'file-code', () => this.export('html'));
  private readonly exportMdButton = button('Export Markdown', 'markdown', () => this.export('md'));
  private readonly progressTrack = el('div', { class: 'progress-track', attrs: { hidden: true } }, el('div', { class: 'progress-fill' }));
  private readonly banner = el('div', { class: 'banner-area' });
  private readonly content = el('main', { class: 'content' });
  private readonly list: ColumnList;
  private readonly detail: ColumnDetail;
  private readonly shownCount = el('span', { class: 'shown-count dim', attrs: { 'aria-live': 'polite' } });
  private tabButtons = new Map<PanelTab, HTMLButtonElement>();
  private tabPanel = el('div', { class: 'tab-panel', attrs: { role: 'tabpanel' } });
  private tablist = el('div', { class: 'tabs' });
  private readonly lineageSlot = el('div', { class: 'lineage-slot' });
  private readonly clean: CleanView;
  /** Comparison filter; not saved (a comparison is asked for each time). */
  private onlyChanges = false;

  constructor(root: HTMLElement) {
    this.root = root;
    this.ui = parseWebviewState(this.host.savedState()) ?? null;
    this.pendingScroll = this.ui?.scrollTop ?? null;
    this.applyChartDefaults();
    this.list = new ColumnList(
      {
        select: (name) => this.selectColumn(name, false),
        sort: (key) => this.sortBy(key),
        scroll: (top) => {
          if (this.ui) this.ui.scrollTop = top;
          this.saveSoon();
        },
      },
      this.theme,
    );
    this.detail = new ColumnDetail(this.theme);
    this.clean = new CleanView({
      post: (m) => this.host.post(m),
      edits: () => this.ensureUi().cleanEdits,
      setEdit: (id, edit) => {
        const ui = this.ensureUi();
        if (edit) ui.cleanEdits[id] = edit;
        else delete ui.cleanEdits[id];
        // Check/uncheck all can touch thousands of rows: save once after them.
        this.saveSoon();
      },
      previewKey: () => this.ensureUi().previewKey,
      filter: () => this.ensureUi().cleanFilter,
      setFilter: (text) => {
        this.ensureUi().cleanFilter = text;
        this.saveSoon();
      },
      setPreviewKey: (key) => {
        this.ensureUi().previewKey = key;
        this.save();
      },
    });
    clear(root);
    root.append(
      el(
        'header',
        { class: 'toolbar' },
        el('div', { class: 'title' }, icon('graph'), this.title, this.meta),
        el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Data Quality actions' } }, this.status, this.reprofileButton, this.sweepButton, this.exportHtmlButton, this.exportMdButton),
      ),
      this.progressTrack,
      this.banner,
      this.content,
    );
    this.renderWaiting();
    onThemeChange(() => {
      this.theme = readTheme();
      this.applyChartDefaults();
      this.list.setTheme(this.theme);
      this.detail.setTheme(this.theme);
    });
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (!isHostMessage(e.data)) return;
      try {
        this.receive(e.data);
      } catch (err) {
        // A profile this build cannot draw must not leave a blank panel: say so, keep Re-profile at hand.
        console.error(err);
        this.renderedProfile = null;
        this.renderFailure('error', 'This profile could not be shown', err instanceof Error ? err.message : String(err));
      }
    });
    this.host.post({ type: 'ready', protocolVersion: PROTOCOL_VERSION });
  }

  private applyChartDefaults(): void {
    const style = getComputedStyle(document.body);
    const family = style.getPropertyValue('--vscode-font-family').trim();
    if (family) Chart.defaults.font.family = family;
    Chart.defaults.font.size = 11;
    Chart.defaults.color = this.theme.dim;
  }

  private receive(m: HostMessage): void {
    switch (m.type) {
      case 'snapshot':
        this.setSnapshot(m.snapshot);
        return;
      case 'progress':
        if (this.snapshot) {
          this.snapshot = { ...this.snapshot, progress: m.progress };
          this.renderProgress();
        }
        return;
      case 'exported':
        this.status.textContent = m.message;
        this.status.classList.toggle('error', !m.ok);
        window.clearTimeout(this.statusTimer);
        // A success fades after a while; an error stays until the next action.
        if (m.ok) this.statusTimer = window.setTimeout(() => (this.status.textContent = ''), 8000);
        return;
      case 'clean':
        if (this.snapshot) {
          const before = this.snapshot.clean;
          this.snapshot = { ...this.snapshot, clean: m.clean };
          this.applyClean(before);
        }
        return;
      case 'cleanBusy':
        if (this.snapshot) {
          this.snapshot = { ...this.snapshot, clean: { ...this.snapshot.clean, busy: m.busy } };
          this.clean.setBusy(m.busy);
        }
        return;
    }
  }

  private setSnapshot(s: PanelSnapshot): void {
    const before = this.snapshot?.clean ?? null;
    this.snapshot = s;
    if (!this.ui || this.ui.fileUri !== s.fileUri) this.ui = { ...(this.ui ?? defaultWebviewState(s.fileUri)), fileUri: s.fileUri };
    this.save();
    this.title.textContent = s.fileName;
    this.title.setAttribute('title', s.fileUri);
    const p = s.profile;
    this.meta.textContent = p
      ? [`${formatCount(p.rows)} rows × ${formatCount(p.columnCount)} columns`, formatBytes(p.bytes), p.preview ? null : `profiled in ${formatDuration(p.run.elapsedMs)}`]
          .filter((x): x is string => !!x)
          .join(' · ')
      : '';
    const busy = s.phase === 'loading' || s.phase === 'preview';
    this.root.setAttribute('aria-busy', busy ? 'true' : 'false');
    setAttrs(this.reprofileButton, { disabled: s.phase === 'loading' });
    // A sweep needs the columns: offered once a profile (even a preview) is on screen.
    setAttrs(this.sweepButton, { disabled: !p });
    setAttrs(this.exportHtmlButton, { disabled: !p });
    setAttrs(this.exportMdButton, { disabled: !p });
    this.status.textContent = '';
    this.renderBanner();
    this.renderProgress();
    if (!p) {
      this.renderedProfile = null;
      if (s.phase === 'error') this.renderFailure('error', 'Profiling failed', s.error ?? 'Something went wrong.');
      else if (s.phase === 'cancelled') this.renderFailure('circle-slash', 'Profiling was cancelled', 'Nothing was changed. Run it again when you are ready.');
      else this.renderWaiting();
      return;
    }
    this.content.classList.toggle('stale', s.phase === 'loading');
    if (p !== this.renderedProfile) this.renderProfile(p);
    else this.applyClean(before);
  }

  /**
   * A change to the clean state: the lineage block, the tab strip (Compare appears, Clean's count) and
   * the open tab if it shows clean state. A newly arrived comparison is what the user just asked for: show it.
   */
  private applyClean(before: CleanState | null): void {
    const s = this.snapshot;
    const p = this.renderedProfile;
    if (!s || !p) return;
    const c = s.clean;
    const ui = this.ensureUi();
    if (c.suggestions && c.suggestions !== before?.suggestions) {
      ui.cleanEdits = pruneEdits(ui.cleanEdits, c.suggestions);
      this.save();
    }
    this.renderLineageSlot();
    this.renderTabs(p);
    const newComparison = c.comparison !== null && c.comparison.requested !== (before?.comparison?.requested ?? null);
    if (newComparison) this.showTab('compare', true);
    else if (ui.tab === 'compare' && !c.comparison) this.showTab('columns', false);
    else if (ui.tab === 'clean' && this.tabPanel.contains(this.clean.element)) {
      this.showTab('clean', false, true);
      this.clean.render(c, p, true);
    } else if (ui.tab === 'clean' || ui.tab === 'compare') this.showTab(ui.tab, false);
    else this.showTab(ui.tab, false, true);
  }

  private renderLineageSlot(): void {
    clear(this.lineageSlot);
    const v = this.snapshot?.clean.version ?? null;
    if (v) this.lineageSlot.appendChild(renderLineage(v, (m) => this.host.post(m)));
  }

  private visibleTabs(): { id: PanelTab; label: string }[] {
    const comparing = !!this.snapshot?.clean.comparison;
    return TABS.filter((t) => t.id !== 'compare' || comparing);
  }

  private renderWaiting(): void {
    clear(this.content);
    const name = this.snapshot?.fileName ?? 'the file';
    this.content.append(
      el(
        'div',
        { class: 'center-state' },
        el('vscode-progress-ring', { attrs: { 'aria-label': 'Profiling' } }),
        el('h2', null, `Profiling ${name}…`),
        el('p', { class: 'dim progress-text' }, 'Reading the first rows for a quick preview.'),
      ),
    );
  }

  private renderFailure(iconName: string, heading: string, message: string): void {
    clear(this.content);
    this.content.append(
      el(
        'div',
        { class: 'center-state' },
        el('span', { class: `big-icon ${iconName === 'error' ? 'sev-error' : ''}` }, icon(iconName)),
        el('h2', null, heading),
        el('p', { class: 'message' }, message),
        button('Re-profile', 'refresh', () => this.host.post({ type: 'reprofile' }), false),
      ),
    );
  }

  private renderBanner(): void {
    clear(this.banner);
    const s = this.snapshot;
    if (!s || !s.profile) return;
    let b: HTMLElement | null = null;
    if (s.phase === 'preview') {
      b = el('div', { class: 'banner info', attrs: { role: 'status' } }, icon('info'), el('span', { class: 'banner-text' }, previewBannerText(s.profile.rows, s.progress)));
    } else if (s.phase === 'loading') {
      b = el('div', { class: 'banner info', attrs: { role: 'status' } }, icon('sync'), el('span', { class: 'banner-text' }, 'Re-profiling… the figures below are from the previous run.'));
    } else if (s.phase === 'error') {
      b = el('div', { class: 'banner error', attrs: { role: 'alert' } }, icon('error'), el('span', null, s.error ?? 'Profiling failed.'), button('Re-profile', 'refresh', () => this.host.post({ type: 'reprofile' })));
    } else if (s.phase === 'cancelled') {
      b = el('div', { class: 'banner warning', attrs: { role: 'status' } }, icon('circle-slash'), el('span', null, s.profile.preview ? 'Profiling was cancelled: showing the preview only.' : 'Profiling was cancelled.'), button('Re-profile', 'refresh', () => this.host.post({ type: 'reprofile' })));
    }
    if (b) this.banner.appendChild(b);
    if (s.notice && s.phase === 'ready' && s.notice !== this.dismissedNotice) {
      const notice = s.notice;
      const dismiss = el('button', {
        class: 'icon-button',
        attrs: { type: 'button', 'aria-label': 'Dismiss', title: 'Dismiss' },
        on: {
          click: () => {
            this.dismissedNotice = notice;
            this.renderBanner();
          },
        },
      }, icon('close'));
      this.banner.appendChild(el('div', { class: 'banner notice', attrs: { role: 'status' } }, icon('database'), el('span', null, notice), dismiss));
    }
  }

  private renderProgress(): void {
    const s = this.snapshot;
    const running = !!s && (s.phase === 'loading' || s.phase === 'preview');
    this.progressTrack.hidden = !running;
    const fill = this.progressTrack.firstElementChild as HTMLElement | null;
    const p = s?.progress ?? null;
    if (fill) {
      this.progressTrack.classList.toggle('indeterminate', !p);
      fill.style.width = p ? `${progressPercent(p.bytesDone, p.bytesTotal)}%` : '';
    }
    if (!s || !p) return;
    const pct = progressPercent(p.bytesDone, p.bytesTotal);
    setAttrs(this.progressTrack, { role: 'progressbar', 'aria-label': 'Profiling progress', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct });
    if (s.phase === 'preview' && s.profile) {
      const text = this.banner.querySelector('.banner-text');
      if (text) text.textContent = previewBannerText(s.profile.rows, p);
    }
    const waiting = this.content.querySelector('.progress-text');
    if (waiting) {
      const eta = p.etaMs === null ? '' : ` · about ${formatDuration(Math.max(1000, p.etaMs))} left`;
      waiting.textContent = `${pct}% · ${formatCount(p.rowsDone)} rows read${eta}`;
    }
  }

  private renderProfile(p: DatasetProfile): void {
    this.renderedProfile = p;
    this.warnings = warningsByColumn(p);
    const ui = this.ensureUi();
    if (ui.selectedColumn !== null && !p.columns.some((c) => c.name === ui.selectedColumn)) ui.selectedColumn = null;
    clear(this.content);
    this.tablist = el('div', { class: 'tabs', attrs: { role: 'tablist', 'aria-label': 'Data Quality sections' } });
    this.renderTabs(p);
    this.renderLineageSlot();
    this.tabPanel = el('div', { class: 'tab-panel', attrs: { role: 'tabpanel', id: 'tab-panel' } });
    this.content.append(renderOverview(p, () => this.showTab('warnings', true)), this.lineageSlot, this.tablist, this.tabPanel);
    if (ui.tab === 'compare' && !this.snapshot?.clean.comparison) ui.tab = 'columns';
    this.showTab(ui.tab, false);
  }

  private renderTabs(p: DatasetProfile): void {
    const focused = document.activeElement instanceof HTMLElement && this.tablist.contains(document.activeElement) ? document.activeElement.id : null;
    clear(this.tablist);
    this.tabButtons = new Map();
    const suggestions = this.snapshot?.clean.suggestions ?? null;
    for (const t of this.visibleTabs()) {
      const count = t.id === 'columns' ? p.columns.length : t.id === 'warnings' ? p.warnings.length : t.id === 'clean' && suggestions ? suggestions.length : null;
      const b = el(
        'button',
        {
          class: 'tab',
          attrs: { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': 'tab-panel' },
          on: { click: () => this.showTab(t.id, true), keydown: (e) => this.onTabKey(e, t.id) },
        },
        t.label,
        count !== null ? el('span', { class: 'count-badge' }, formatCount(count)) : null,
      );
      this.tabButtons.set(t.id, b);
      this.tablist.appendChild(b);
    }
    const tab = this.ui?.tab;
    for (const [id, b] of this.tabButtons) {
      const on = id === tab;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      b.classList.toggle('active', on);
    }
    if (focused) document.getElementById(focused)?.focus();
  }

  private ensureUi(): WebviewState {
    if (!this.ui) this.ui = defaultWebviewState(this.snapshot?.fileUri ?? '');
    return this.ui;
  }

  private onTabKey(e: KeyboardEvent, current: PanelTab): void {
    const tabs = this.visibleTabs();
    const i = tabs.findIndex((t) => t.id === current);
    let next = -1;
    if (e.key === 'ArrowRight') next = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    const t = tabs[next];
    if (!t) return;
    e.preventDefault();
    this.showTab(t.id, true);
    this.tabButtons.get(t.id)?.focus();
  }

  /** keepPanel: only the tab strip's selection is refreshed (the panel's content did not change). */
  private showTab(tab: PanelTab, userAction: boolean, keepPanel = false): void {
    const p = this.renderedProfile;
    if (!p) return;
    const ui = this.ensureUi();
    ui.tab = tab;
    if (userAction) this.save();
    for (const [id, b] of this.tabButtons) {
      const on = id === tab;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
      b.classList.toggle('active', on);
    }
    this.tabPanel.setAttribute('aria-labelledby', `tab-${tab}`);
    if (keepPanel && this.tabPanel.firstChild) return;
    clear(this.tabPanel);
    const open = (name: string): void => this.selectColumn(name, true);
    const s = this.snapshot;
    if (tab === 'clean' && s) {
      this.clean.render(s.clean, p, false);
      this.tabPanel.appendChild(this.clean.element);
      return;
    }
    if (tab === 'compare' && s?.clean.comparison) {
      const { parent, parentName } = s.clean.comparison;
      const redraw = (on: boolean): void => {
        this.onlyChanges = on;
        this.showTab('compare', false);
        this.tabPanel.querySelector<HTMLElement>('#compare-only-changes')?.focus();
      };
      this.tabPanel.appendChild(renderComparison(parent, parentName, p, s.fileName, this.onlyChanges, redraw));
      return;
    }
    if (tab === 'columns') this.tabPanel.appendChild(this.columnsView(p));
    else if (tab === 'warnings') this.tabPanel.appendChild(renderWarnings(p, open));
    else if (tab === 'correlations') this.tabPanel.appendChild(renderCorrelations(p.correlations, open));
    else this.tabPanel.appendChild(renderMissing(p.missingCooccurrence, p.rows, p.missingPct, open));
  }

  private columnsView(p: DatasetProfile): HTMLElement {
    const ui = this.ensureUi();
    const filter = el('vscode-textfield', {
      class: 'filter',
      attrs: { placeholder: 'Filter columns by name', 'aria-label': 'Filter columns by name', value: ui.filter },
      on: {
        input: () => {
          ui.filter = (filter as HTMLElement & { value: string }).value;
          this.refreshList(false);
          this.save();
        },
      },
    }, el('span', { class: 'codicon codicon-filter', attrs: { slot: 'content-before', 'aria-hidden': 'true' } }));
    const types = [...new Set(p.columns.map((c) => c.type))];
    const select = el(
      'vscode-single-select',
      {
        class: 'type-filter',
        attrs: { 'aria-label': 'Filter by type' },
        on: {
          change: () => {
            ui.typeFilter = (select as HTMLElement & { value: string }).value;
            this.refreshList(false);
            this.save();
          },
        },
      },
      el('vscode-option', { attrs: { value: '', selected: ui.typeFilter === '' } }, 'All types'),
      ...types.map((t) => el('vscode-option', { attrs: { value: t, selected: ui.typeFilter === t } }, TYPE_LABEL[t])),
    );
    const shown = this.shownCount;
    const view = el(
      'div',
      { class: 'columns-view' },
      el('div', { class: 'list-pane' }, el('div', { class: 'list-filters' }, filter, select, shown), this.list.element),
      this.detail.element,
    );
    this.refreshList(true);
    return view;
  }

  private refreshList(restoreScroll: boolean): void {
    const p = this.renderedProfile;
    if (!p) return;
    const ui = this.ensureUi();
    const columns = queryColumns(p.columns, ui, this.warnings);
    if (ui.selectedColumn === null) ui.selectedColumn = columns[0]?.name ?? null;
    this.list.setColumns(columns, this.warnings, ui.selectedColumn, { key: ui.sortKey, descending: ui.sortDescending });
    this.shownCount.textContent = columns.length === p.columns.length ? plural(columns.length, 'column') : `${formatCount(columns.length)} of ${formatCount(p.columns.length)}`;
    this.showDetail();
    if (restoreScroll) {
      requestAnimationFrame(() => {
        if (this.pendingScroll !== null && columns.length > 0) {
          this.list.restoreScroll(this.pendingScroll);
          this.pendingScroll = null;
        } else {
          this.list.restoreScroll(ui.scrollTop);
          this.list.revealSelected();
        }
      });
    }
  }

  private showDetail(): void {
    const p = this.renderedProfile;
    const name = this.ui?.selectedColumn ?? null;
    const c = p && name !== null ? p.columns.find((x) => x.name === name) : undefined;
    if (!p || !c) {
      this.detail.showEmpty();
      return;
    }
    this.detail.show(c, this.warnings.get(c.name)?.list ?? [], p.columnCount);
  }

  private selectColumn(name: string, fromElsewhere: boolean): void {
    const ui = this.ensureUi();
    ui.selectedColumn = name;
    if (fromElsewhere) {
      const p = this.renderedProfile;
      const c = p?.columns.find((x) => x.name === name);
      // Opening a column the filter hides would show nothing: clear the filter first.
      if (c && (!c.name.toLowerCase().includes(ui.filter.trim().toLowerCase()) || (ui.typeFilter !== '' && ui.typeFilter !== c.type))) {
        ui.filter = '';
        ui.typeFilter = '';
      }
      ui.tab = 'columns';
      this.showTab('columns', true);
      this.list.revealSelected();
      this.list.focus();
    } else {
      this.list.setSelected(name);
      this.showDetail();
    }
    this.save();
  }

  private sortBy(key: SortKey): void {
    const ui = this.ensureUi();
    const next = nextSort(ui, key);
    ui.sortKey = next.sortKey;
    ui.sortDescending = next.sortDescending;
    this.refreshList(false);
    this.list.revealSelected();
    this.save();
  }

  private export(format: ExportFormat): void {
    this.status.textContent = '';
    this.host.post({ type: 'export', format });
  }

  private save(): void {
    if (this.ui && this.ui.fileUri) this.host.saveState(this.ui);
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = window.setTimeout(() => {
      this.saveTimer = 0;
      this.save();
    }, 200);
  }
}

const root = document.getElementById('app');
if (root) new DataQualityApp(root);
