// The Drift Report panel app: the verdict, a feature table (drifted first) and, for the selected feature,
// training and new distributions overlaid (bars from the report's bins, with the same shares in a table).
// DOM only through el(); colours from the theme, redrawn when it changes; the report file and the selected
// feature are saved with setState so the panel comes back after a window reload.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import {
  DRIFT_PANEL_PROTOCOL_VERSION,
  formatPValue,
  formatStat,
  isDriftHostMessage,
  missingText,
  orderFeatures,
  parseDriftState,
  testText,
} from '../../src/protocol/driftPanel.js';
import type { DriftPanelSnapshot, DriftWebviewMessage, DriftWebviewState } from '../../src/protocol/driftPanel.js';
import type { FeatureDrift } from '../../src/protocol/deploy.js';
import { clear, el, icon } from '../shared/element.js';
import type { Child } from '../shared/element.js';
import { onThemeChange, readTheme } from '../shared/theme.js';
import type { ThemeColors } from '../shared/theme.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

interface VsCodeApi {
  postMessage(message: DriftWebviewMessage): void;
  getState(): unknown;
  setState(state: DriftWebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const root = document.getElementById('app')!;
let snapshot: DriftPanelSnapshot | null = null;
let selected: string | null = parseDriftState(api.getState())?.selected ?? null;
let chart: Chart | null = null;
let status: HTMLElement | null = null;
let retrainNote: string | null = null;
let retrainRunning = false;

const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;

function saveState(): void {
  if (snapshot) api.setState({ reportPath: snapshot.reportPath, selected });
}

function toolbarButton(label: string, iconName: string, message: DriftWebviewMessage, options: { secondary?: boolean; id?: string; disabled?: boolean } = {}): HTMLElement {
  return el('vscode-button', {
    attrs: { icon: iconName, secondary: options.secondary ?? true, 'aria-label': label, id: options.id, disabled: options.disabled ?? false },
    on: { click: () => api.postMessage(message) },
  }, label);
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

function header(s: DriftPanelSnapshot): HTMLElement {
  const r = s.report;
  const drifted = r.drifted;
  status = el('span', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite' } }, retrainNote ?? '');
  const against = r.model
    ? el('span', null, 'Model ', el('code', null, r.model.experimentId ?? fileName(r.model.path)), ', trained on ', el('code', { attrs: { title: r.reference.path } }, fileName(r.reference.path)))
    : el('span', null, 'Dataset ', el('code', { attrs: { title: r.reference.path } }, fileName(r.reference.path)));
  return el('header', { class: 'report-header' },
    el('div', null,
      el('h1', null, 'Drift Report'),
      el('p', { class: `verdict ${drifted ? 'drifted' : 'stable'}`, attrs: { id: 'verdict', 'data-drifted': String(drifted), 'data-current': fileName(r.current.path) } },
        icon(drifted ? 'warning' : 'pass', drifted ? 'Drifted' : 'No drift'), ' ', el('strong', null, drifted ? 'Drift detected' : 'No drift'), ' — ', r.verdict),
      el('p', { class: 'dim' }, against, ` (${r.reference.rows} rows) vs `, el('code', { attrs: { title: r.current.path } }, fileName(r.current.path)), ` (${r.current.rows} rows)`),
      el('p', { class: 'dim' }, `Thresholds: PSI ≥ ${r.thresholds.psi}, or p < ${r.thresholds.pValue} with effect ≥ ${r.thresholds.effect} · checked ${r.created}`),
    ),
    el('div', { class: 'toolbar' },
      toolbarButton('Export JSON', 'export', { type: 'exportJson' }, { secondary: false, id: 'export-json' }),
      s.canRetrain ? toolbarButton(retrainRunning ? 'Retraining…' : 'Retrain', 'debug-rerun', { type: 'retrain' }, { id: 'retrain', disabled: retrainRunning }) : null,
      r.model ? toolbarButton('Open model', 'file-code', { type: 'openModel' }) : null,
      status,
    ),
  );
}

function statusCell(f: FeatureDrift): HTMLElement {
  return el('td', { class: `drift-status ${f.drifted ? 'drifted' : 'stable'}` }, icon(f.drifted ? 'warning' : 'check'), ' ', f.drifted ? 'drifted' : 'stable');
}

function unseenText(f: FeatureDrift): Child {
  if (!f.unseen || f.unseen.count === 0) return f.kind === 'categorical' ? '0' : '—';
  return el('span', { attrs: { title: f.unseen.examples.join(', ') } }, `${f.unseen.count}`, f.unseen.examples.length ? el('span', { class: 'dim' }, ` (${f.unseen.examples.slice(0, 3).join(', ')}${f.unseen.examples.length > 3 ? ', …' : ''})`) : null);
}

/** Arrow keys move between the rows' select buttons (Home/End to the ends); Enter/Space select. */
function onTableKey(e: KeyboardEvent): void {
  const buttons = [...root.querySelectorAll<HTMLButtonElement>('#features button.feature-select')];
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  if (at < 0) return;
  const next = e.key === 'ArrowDown' ? at + 1 : e.key === 'ArrowUp' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : -1;
  if (next < 0 || next >= buttons.length) return;
  e.preventDefault();
  buttons[next]!.focus();
}

function featureTable(features: FeatureDrift[]): HTMLElement {
  const head = ['Feature', 'Type', 'Status', 'PSI', 'Test', 'p-value', 'Missing', 'Unseen'];
  return el('table', { class: 'features', attrs: { id: 'features' }, on: { keydown: onTableKey } },
    el('caption', { class: 'dim' }, 'Drifted features first. Select a feature to overlay its training and new distributions.'),
    el('thead', null, el('tr', null, ...head.map((h, i) => el('th', { class: i >= 3 && i <= 5 ? 'num' : '', attrs: { scope: 'col' } }, h)))),
    el('tbody', null, ...features.map((f) => {
      const t = testText(f);
      const isSelected = f.name === selected;
      return el('tr', { class: `${f.drifted ? 'drifted' : ''}${isSelected ? ' selected' : ''}`, attrs: { 'data-feature': f.name, 'data-drifted': String(f.drifted) } },
        el('th', { attrs: { scope: 'row' } }, el('button', {
          class: 'link feature-select',
          attrs: { type: 'button', 'aria-pressed': String(isSelected), 'aria-controls': 'detail', title: f.reasons.join('; ') || 'Not drifted' },
          on: { click: () => select(f.name) },
        }, f.name)),
        el('td', null, f.kind),
        statusCell(f),
        el('td', { class: 'num', attrs: { 'data-value': String(f.psi) } }, formatStat(f.psi)),
        el('td', { class: 'num' }, t.test),
        el('td', { class: 'num', attrs: { 'data-value': t.pValue === null ? '' : String(t.pValue) } }, formatPValue(t.pValue)),
        el('td', { class: 'num' }, missingText(f.missingRate)),
        el('td', { class: 'num' }, unseenText(f)),
      );
    })),
  );
}

function overlayConfig(f: FeatureDrift, theme: ThemeColors): ChartConfiguration<'bar'> {
  const style = getComputedStyle(document.body);
  const reference = style.getPropertyValue('--vscode-charts-blue').trim() || theme.bar;
  const current = style.getPropertyValue('--vscode-charts-orange').trim() || theme.barSelected;
  return {
    type: 'bar',
    data: {
      labels: f.bins.map((b) => b.label),
      datasets: [
        { label: 'Training', data: f.bins.map((b) => b.reference * 100), backgroundColor: withAlpha(reference, 0.55), borderColor: reference, borderWidth: 1, grouped: false, barPercentage: 1, categoryPercentage: 0.9 },
        { label: 'New', data: f.bins.map((b) => b.current * 100), backgroundColor: withAlpha(current, 0.45), borderColor: current, borderWidth: 1, grouped: false, barPercentage: 0.6, categoryPercentage: 0.9 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { color: theme.dim, autoSkip: true, maxRotation: 45 }, grid: { display: false }, border: { color: theme.grid } },
        y: { beginAtZero: true, title: { display: true, text: 'Share of rows (%)', color: theme.dim }, ticks: { color: theme.dim }, grid: { color: theme.grid }, border: { color: theme.grid } },
      },
      plugins: {
        legend: { labels: { color: theme.foreground, boxWidth: 10 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${(ctx.parsed.y ?? 0).toFixed(1)}%` } },
      },
    },
  };
}

/** A theme colour (hex or rgb) with transparency, so the two overlaid bar series stay readable. */
function withAlpha(colour: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  return colour;
}

function detail(f: FeatureDrift | undefined, theme: ThemeColors): HTMLElement {
  if (!f) return el('section', { attrs: { id: 'detail', 'aria-live': 'polite' } }, el('p', { class: 'dim' }, 'No features in this report.'));
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${f.name}: training vs new distribution` } });
  requestAnimationFrame(() => {
    chart?.destroy();
    chart = canvas.isConnected ? new Chart(canvas, overlayConfig(f, theme)) : null;
  });
  return el('section', { attrs: { id: 'detail', 'aria-labelledby': 'detail-h', 'data-feature': f.name } },
    el('h2', { attrs: { id: 'detail-h' } }, f.name, ' ', el('span', { class: `badge ${f.drifted ? 'drifted' : 'stable'}` }, f.drifted ? 'drifted' : 'stable')),
    f.reasons.length ? el('ul', { class: 'reasons' }, ...f.reasons.map((r) => el('li', null, r))) : el('p', { class: 'dim' }, 'Within every threshold.'),
    el('figure', { class: 'chart wide' }, el('figcaption', null, `${f.name}: share of rows per ${f.kind === 'numeric' ? 'bin' : 'category'}, training vs new`), el('div', { class: 'canvas-box' }, canvas)),
    el('table', { class: 'bins' },
      el('thead', null, el('tr', null, el('th', { attrs: { scope: 'col' } }, f.kind === 'numeric' ? 'Bin' : 'Category'), el('th', { class: 'num', attrs: { scope: 'col' } }, 'Training'), el('th', { class: 'num', attrs: { scope: 'col' } }, 'New'))),
      el('tbody', null, ...f.bins.map((b) => el('tr', null, el('td', null, b.label), el('td', { class: 'num', attrs: { 'data-value': String(b.reference) } }, pct(b.reference)), el('td', { class: 'num', attrs: { 'data-value': String(b.current) } }, pct(b.current))))),
    ),
  );
}

function select(name: string): void {
  selected = name;
  saveState();
  render();
  root.querySelector<HTMLButtonElement>(`#features tr[data-feature="${CSS.escape(name)}"] button.feature-select`)?.focus();
}

function render(): void {
  chart?.destroy();
  chart = null;
  clear(root);
  const s = snapshot;
  if (!s) {
    root.appendChild(el('p', { class: 'dim' }, 'Loading…'));
    return;
  }
  const theme = readTheme();
  const features = orderFeatures(s.report.features);
  if (!features.some((f) => f.name === selected)) selected = features[0]?.name ?? null;
  const prediction = s.report.prediction;
  root.append(
    header(s),
    el('main', null,
      prediction
        ? el('section', { attrs: { id: 'prediction', 'aria-labelledby': 'prediction-h' } }, el('h2', { attrs: { id: 'prediction-h' } }, 'Predictions'),
            el('p', { attrs: { 'data-drifted': String(prediction.drifted) } }, prediction.drifted ? `The model's predictions shifted (${prediction.reasons.join('; ')}).` : `The model's predictions did not shift (PSI ${formatStat(prediction.psi)}).`))
        : null,
      el('section', { attrs: { id: 'features-section', 'aria-labelledby': 'features-h' } }, el('h2', { attrs: { id: 'features-h' } }, `Features (${features.filter((f) => f.drifted).length} of ${features.length} drifted)`), featureTable(features)),
      detail(features.find((f) => f.name === selected), theme),
    ),
  );
  root.setAttribute('aria-busy', 'false');
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data;
  if (!isDriftHostMessage(m)) return;
  if (m.type === 'snapshot') {
    snapshot = m.snapshot;
    saveState();
    render();
    return;
  }
  if (m.type === 'retrainState') {
    retrainRunning = m.running;
    retrainNote = m.message;
    render();
    return;
  }
  if (status) {
    status.textContent = m.message;
    status.className = `status${m.ok ? '' : ' error'}`;
  }
});
onThemeChange(() => render());
render();
api.postMessage({ type: 'ready', protocolVersion: DRIFT_PANEL_PROTOCOL_VERSION });
