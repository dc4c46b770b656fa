// The Sweep panel app: a live view of one experiment. It renders the host's snapshot (sent whole on every
// (re)load), applies live deltas, and ticks once a second so elapsed time, time left and running trials'
// durations move between deltas. Sort order and the selected trial are kept with setState.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { Chart } from 'chart.js';
import type { TrialRecord } from '../../src/protocol/experiment.js';
import { SWEEP_PROTOCOL_VERSION, applyActivity, defaultSweepState, isSweepHostMessage, parseSweepState } from '../../src/protocol/sweepPanel.js';
import type { SweepControl, SweepHostMessage, SweepSnapshot, SweepWebviewMessage, SweepWebviewState, TrialSortKey } from '../../src/protocol/sweepPanel.js';
import { clear, el, icon, setAttrs } from '../shared/element.js';
import { onThemeChange, readTheme } from '../shared/theme.js';
import { ScoreChart } from './scoreChart.js';
import {
  STATE_LABELS,
  bestHeadline,
  bestTrialIndex,
  controls,
  countsText,
  formatParams,
  formatScore,
  formatSeconds,
  keyMetrics,
  metricLabel,
  modelLabel,
  nextSort,
  panelState,
  sortRows,
  timeLeft,
  queuedText,
  trialRows,
  visibleRows,
  hasWorkers,
} from './sweepModel.js';
import { TrialTable } from './trialTable.js';

interface VsCodeApi {
  postMessage(message: SweepWebviewMessage): void;
  getState(): unknown;
  setState(state: SweepWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const ROW_PAGE = 250;

const STATE_ICONS: Record<string, string> = {
  queued: 'clock',
  running: 'sync~spin',
  paused: 'debug-pause',
  stopping: 'loading~spin',
  done: 'pass',
  failed: 'error',
  interrupted: 'warning',
  unknown: 'question',
};

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] || path;
}

function stat(label: string): { box: HTMLElement; value: HTMLElement; sub: HTMLElement } {
  const value = el('div', { class: 'stat-value' });
  const sub = el('div', { class: 'stat-sub dim' });
  return { box: el('div', { class: 'stat' }, el('div', { class: 'stat-label dim' }, label), value, sub), value, sub };
}

function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

class SweepApp {
  private readonly api = acquireVsCodeApi();
  private snapshot: SweepSnapshot | null = null;
  private ui: SweepWebviewState | null;
  private theme = readTheme();
  /** Host clock minus page clock, from the last live delta: running durations use the host's startedAt. */
  private clockSkew = 0;

  private readonly root: HTMLElement;
  private readonly title = el('h1', { class: 'title-text' });
  private readonly meta = el('span', { class: 'meta' });
  private readonly stateBadge = el('span', { class: 'state-badge', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly pauseButton = this.controlButton('Pause', 'debug-pause', 'pause');
  private readonly resumeButton = this.controlButton('Resume', 'debug-continue', 'resume');
  private readonly stopButton = this.controlButton('Stop', 'debug-stop', 'stop');
  private readonly reportButton = el('vscode-button', { attrs: { icon: 'output', secondary: true, 'aria-label': 'Open report' }, on: { click: () => this.post({ type: 'openReport' }) } }, 'Open Report');
  private readonly progressTrack = el('div', { class: 'progress-track', attrs: { role: 'progressbar', 'aria-label': 'Sweep progress', 'aria-valuemin': 0, 'aria-valuemax': 100 } }, el('div', { class: 'progress-fill' }));
  private readonly notice = el('div', { class: 'notice', attrs: { hidden: true } });
  private readonly trialsStat = stat('Trials');
  private readonly elapsedStat = stat('Elapsed');
  private readonly leftStat = stat('Time left');
  private readonly bestStat = stat('Best score');
  private readonly metricsList = el('dl', { class: 'metrics' });
  private readonly bestParams = el('p', { class: 'best-params mono small' });
  private readonly hideUnscored = el('input', { attrs: { type: 'checkbox', id: 'hide-unscored' }, on: { change: () => this.setHideUnscored(this.hideUnscored.checked) } });
  private readonly hideUnscoredLabel = el('span', null, 'Hide pruned and failed');
  /** Rows in the table at most (in sort order); "Show more" raises it. Thousands of rows would slow every update. */
  private rowLimit = ROW_PAGE;
  private readonly moreButton = el('vscode-button', { class: 'more-rows', attrs: { secondary: true, hidden: true }, on: { click: () => this.showMore() } });
  private readonly chart: ScoreChart;
  private readonly table: TrialTable;

  constructor(root: HTMLElement) {
    this.root = root;
    this.ui = parseSweepState(this.api.getState()) ?? null;
    this.applyChartDefaults();
    this.chart = new ScoreChart(this.theme, (i) => {
      this.select(i);
      if (i !== null) this.table.reveal(i);
    });
    this.table = new TrialTable({ sort: (key) => this.sortBy(key), select: (i) => this.select(i) });
    clear(root);
    root.append(
      el(
        'header',
        { class: 'toolbar' },
        el('div', { class: 'title' }, icon('beaker'), this.title, this.stateBadge, this.meta),
        el('div', { class: 'actions', attrs: { role: 'toolbar', 'aria-label': 'Sweep actions' } }, this.pauseButton, this.resumeButton, this.stopButton, this.reportButton),
      ),
      this.progressTrack,
      this.notice,
      el(
        'main',
        { class: 'content' },
        el('section', { class: 'stats', attrs: { 'aria-label': 'Summary' } }, this.trialsStat.box, this.elapsedStat.box, this.leftStat.box, this.bestStat.box),
        el(
          'div',
          { class: 'panes' },
          el('section', { class: 'card chart-card', attrs: { 'aria-label': 'Score per trial' } }, el('h2', null, 'Score per trial'), this.chart.element),
          el('section', { class: 'card best-card', attrs: { 'aria-label': 'Best model' } }, el('h2', null, 'Best model'), this.metricsList, this.bestParams),
        ),
        el(
          'section',
          { class: 'card table-card', attrs: { 'aria-label': 'Trials' } },
          el('div', { class: 'card-header' }, el('h2', null, 'Trials'), el('label', { class: 'toggle', attrs: { for: 'hide-unscored' } }, this.hideUnscored, this.hideUnscoredLabel)),
          this.table.element,
          this.moreButton,
        ),
      ),
    );
    if (this.ui) this.table.setSort(this.ui.sortKey, this.ui.sortDescending);
    this.renderEmpty('Loading the experiment…');
    onThemeChange(() => {
      this.theme = readTheme();
      this.applyChartDefaults();
      this.chart.setTheme(this.theme);
    });
    window.addEventListener('message', (e: MessageEvent<unknown>) => {
      if (!isSweepHostMessage(e.data)) return;
      try {
        this.receive(e.data);
      } catch (err) {
        console.error(err);
        this.showNotice(`This experiment could not be shown: ${err instanceof Error ? err.message : String(err)}`, true);
      }
    });
    // Elapsed, time left and running durations move between deltas.
    window.setInterval(() => this.tick(), 1000);
    this.post({ type: 'ready', protocolVersion: SWEEP_PROTOCOL_VERSION });
  }

  private controlButton(label: string, iconName: string, action: SweepControl): HTMLElement {
    return el('vscode-button', { attrs: { icon: iconName, secondary: true, 'aria-label': `${label} sweep` }, on: { click: () => this.control(action) } }, label);
  }

  private post(m: SweepWebviewMessage): void {
    this.api.postMessage(m);
  }

  private control(action: SweepControl): void {
    const allowed = this.snapshot ? controls(this.snapshot) : null;
    if (!allowed?.[action]) return;
    this.post({ type: 'control', action });
  }

  private applyChartDefaults(): void {
    const family = getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim();
    if (family) Chart.defaults.font.family = family;
    Chart.defaults.font.size = 11;
    Chart.defaults.color = this.theme.dim;
  }

  private receive(m: SweepHostMessage): void {
    if (m.type === 'snapshot') {
      this.snapshot = m.snapshot;
      if (m.snapshot.live) this.clockSkew = m.snapshot.live.receivedAt - Date.now();
      if (!this.ui || this.ui.experimentId !== m.snapshot.experimentId) {
        this.ui = { ...(this.ui ?? defaultSweepState(m.snapshot.experimentId)), experimentId: m.snapshot.experimentId };
      }
      this.save();
      this.table.setSort(this.ui.sortKey, this.ui.sortDescending);
      this.table.setSelected(this.ui.selectedTrial);
      this.hideUnscored.checked = this.ui.hideUnscored;
      this.chart.setSelected(this.ui.selectedTrial);
    } else {
      if (!this.snapshot) return;
      this.clockSkew = m.live.receivedAt - Date.now();
      this.snapshot = applyActivity(this.snapshot, m.live, m.finished, m.record);
    }
    this.render();
  }

  private now(): number {
    return Date.now() + this.clockSkew;
  }

  private save(): void {
    if (this.ui) this.api.setState(this.ui);
  }

  private sortBy(key: TrialSortKey): void {
    if (!this.ui) return;
    const next = nextSort({ key: this.ui.sortKey, descending: this.ui.sortDescending }, key);
    this.ui.sortKey = next.key;
    this.ui.sortDescending = next.descending;
    this.save();
    this.table.setSort(next.key, next.descending);
    this.renderTable();
  }

  private showMore(): void {
    this.rowLimit += ROW_PAGE;
    this.renderTable();
  }

  private setHideUnscored(hide: boolean): void {
    if (!this.ui) return;
    this.ui.hideUnscored = hide;
    this.save();
    this.renderTable();
  }

  private select(index: number | null): void {
    if (!this.ui) return;
    this.ui.selectedTrial = index;
    this.save();
    this.table.setSelected(index);
    this.chart.setSelected(index);
  }

  private showNotice(text: string | null, error = false): void {
    this.notice.hidden = text === null;
    this.notice.classList.toggle('error', error);
    setText(this.notice, text ?? '');
  }

  private renderEmpty(text: string): void {
    this.root.setAttribute('aria-busy', 'true');
    this.showNotice(text);
  }

  private render(): void {
    const s = this.snapshot;
    if (!s) return;
    const r = s.record;
    this.root.setAttribute('aria-busy', 'false');
    const state = panelState(s);
    const queued = !r && s.queued ? queuedText(s.queued, s.live?.state) : null;
    setText(this.title, r ? `${baseName(r.dataset.path)} → ${r.config.target}` : (queued?.title ?? s.experimentId));
    this.title.title = r ? r.dataset.path : '';
    setText(this.meta, r ? [metricLabel(r.metric), r.task, `${r.config.search} search`, s.experimentId].join(' · ') : (queued?.meta ?? ''));
    // A live region: rewritten only when the state changes, so screen readers hear changes, not ticks.
    if (this.stateBadge.dataset.state !== state) {
      this.stateBadge.dataset.state = state;
      clear(this.stateBadge);
      this.stateBadge.append(icon(STATE_ICONS[state] ?? 'question'), ` ${STATE_LABELS[state]}`);
      this.stateBadge.className = `state-badge state-${state}`;
    }
    const allowed = controls(s);
    // Pause and Resume share a place: Resume shows when it applies (paused, interrupted, failed).
    setAttrs(this.pauseButton, { disabled: !allowed.pause, hidden: allowed.resume });
    setAttrs(this.resumeButton, { disabled: !allowed.resume, hidden: !allowed.resume });
    setAttrs(this.stopButton, { disabled: !allowed.stop });
    setAttrs(this.reportButton, { disabled: !r || r.status !== 'done' });
    const error = s.live?.error ?? r?.error ?? null;
    if (s.notice) this.showNotice(s.notice);
    else if (queued) this.showNotice(queued.notice);
    else if (error) this.showNotice(error, true);
    else if (!s.live && r?.status === 'running') this.showNotice('This sweep runs in another window or a terminal: it updates as trials are written.');
    else if (!s.live && r?.status === 'interrupted') this.showNotice('This sweep was interrupted. Resume continues it from its journal.');
    else this.showNotice(null);

    const best = bestTrialIndex(s);
    const bestTrial = s.trials.find((t) => t.index === best);
    this.chart.update(s.trials, r?.greaterIsBetter ?? true, r ? metricLabel(r.metric) : 'Score', best);
    this.renderBest(bestTrial);
    this.renderTable();
    this.tick();
  }

  private renderBest(best: TrialRecord | undefined): void {
    const r = this.snapshot?.record ?? null;
    clear(this.metricsList);
    if (!r || !best) {
      this.metricsList.append(el('dd', { class: 'dim' }, 'No trial has a score yet.'));
      setText(this.bestParams, '');
      return;
    }
    this.metricsList.append(el('dt', null, 'Model'), el('dd', null, `${modelLabel(best.config.model)} (trial #${best.index})`));
    if (r.bestKind === 'ensemble' && r.status === 'done') this.metricsList.append(el('dt', null, 'Saved'), el('dd', null, `an ensemble: ${metricLabel(r.metric)} ${formatScore(r.bestScore)}`));
    for (const m of keyMetrics(r, best)) {
      this.metricsList.append(el('dt', { class: m.optimised ? 'optimised' : '' }, m.label), el('dd', { class: m.optimised ? 'optimised' : '' }, m.value));
    }
    setText(this.bestParams, formatParams(best.config.params));
  }

  private renderTable(): void {
    const s = this.snapshot;
    if (!s || !this.ui) return;
    const rows = sortRows(trialRows(s, this.now()), this.ui.sortKey, this.ui.sortDescending, s.record?.greaterIsBetter ?? true);
    const shown = visibleRows(rows, this.ui.hideUnscored);
    this.table.showWorkerColumn(hasWorkers(rows));
    this.table.update(shown.length > this.rowLimit ? shown.slice(0, this.rowLimit) : shown);
    const more = shown.length - this.rowLimit;
    setAttrs(this.moreButton, { hidden: more <= 0 });
    if (more > 0) setText(this.moreButton, `Show ${Math.min(more, ROW_PAGE)} more of ${shown.length} trials`);
    const hidden = rows.filter((r) => r.status === 'pruned' || r.status === 'failed').length;
    setText(this.hideUnscoredLabel, `Hide pruned and failed (${hidden})`);
    this.table.ensureTabStop();
    setText(this.trialsStat.value, String(rows.filter((x) => x.status !== 'running').length));
    setText(this.trialsStat.sub, countsText(rows));
  }

  /** Once a second, and after every render: the numbers that move with the clock. */
  private tick(): void {
    const s = this.snapshot;
    if (!s) return;
    const r = s.record;
    const live = s.live;
    const now = this.now();
    const ticking = live?.state === 'running' && live.progress?.phase === 'searching';
    const elapsed = live?.progress ? live.progress.elapsedSeconds + (ticking ? Math.max(0, (now - live.receivedAt) / 1000) : 0) : (r?.times.searchSeconds ?? 0);
    setText(this.elapsedStat.value, formatSeconds(elapsed));
    setText(this.elapsedStat.sub, live?.progress && live.progress.phase !== 'searching' ? live.progress.phase : '');
    const budget = live?.progress?.budgetSeconds ?? r?.config.budgetSeconds ?? null;
    const maxTrials = live?.progress?.maxTrials ?? r?.config.maxTrials ?? null;
    const finished = s.trials.length;
    // A sweep running in a terminal has no live state here: its record's search seconds stand in (re-read
    // every couple of seconds by the host).
    const followed = live === null && r?.status === 'running';
    const left = live ? timeLeft(live, now) : followed && budget !== null && r ? Math.max(0, budget - r.times.searchSeconds) : null;
    const active = followed || (live !== null && ['queued', 'running', 'paused', 'stopping'].includes(live.state));
    if (active && left !== null) {
      setText(this.leftStat.value, formatSeconds(left));
      setText(this.leftStat.sub, `of ${formatSeconds(budget ?? 0)}`);
    } else if (active && maxTrials !== null) {
      const n = Math.max(0, maxTrials - finished);
      setText(this.leftStat.value, `${n} trial${n === 1 ? '' : 's'}`);
      setText(this.leftStat.sub, `of ${maxTrials}`);
    } else {
      setText(this.leftStat.value, '—');
      setText(this.leftStat.sub, budget !== null ? `budget ${formatSeconds(budget)}` : maxTrials !== null ? `${maxTrials} trials` : '');
    }
    const best = bestHeadline(s);
    setText(this.bestStat.value, formatScore(best.score));
    setText(this.bestStat.sub, [best.source, r ? metricLabel(r.metric) : ''].filter((x) => x).join(' · '));

    // Progress: budget used, else trials done.
    // Hidden once the sweep is over: the state badge says how it ended.
    let fraction: number | null = null;
    if (!active) fraction = null;
    else if (budget !== null && left !== null) fraction = 1 - left / Math.max(1, budget);
    else if (maxTrials !== null) fraction = finished / Math.max(1, maxTrials);
    const fill = this.progressTrack.firstElementChild as HTMLElement;
    this.progressTrack.hidden = fraction === null;
    if (fraction !== null) {
      const pct = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
      fill.style.width = `${pct}%`;
      this.progressTrack.setAttribute('aria-valuenow', String(pct));
    }
    // Running trials' durations.
    if (live && live.running.length > 0) this.renderTable();
  }
}

const root = document.getElementById('app');
if (root) new SweepApp(root);
