// One column in full: its warnings, every statistic, a chart.js histogram (numeric, datetime) and
// horizontal frequency bars for the most frequent values. Charts are rebuilt on theme change.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import type { ColumnProfile, DataWarning, Histogram } from '../../src/protocol/profile.js';
import {
  approx,
  formatCompact,
  formatCount,
  formatDate,
  formatExtreme,
  formatNumber,
  formatPercent,
} from '../../src/protocol/profileFormat.js';
import { clear, el, icon, messageText } from '../shared/element.js';
import type { ThemeColors } from '../shared/theme.js';
import { SEVERITY_ICON, SEVERITY_LABEL, SEVERITY_ORDER, TYPE_ICON, TYPE_LABEL } from './columnTypes.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** Longest value label drawn on the frequency chart; the tooltip shows it whole. */
const MAX_LABEL = 28;

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > MAX_LABEL ? `${oneLine.slice(0, MAX_LABEL - 1)}…` : oneLine;
}

/** Most frequent values help for labels and for numbers with few levels, not for continuous or date columns. */
const MAX_NUMERIC_LEVELS = 50;

function showsTopValues(c: ColumnProfile): boolean {
  if (c.top.length === 0) return false;
  if (c.type === 'datetime') return false;
  if (c.type === 'numeric') return c.distinct <= MAX_NUMERIC_LEVELS && (c.top[0]?.count ?? 0) > 1;
  return true;
}

function stat(label: string, value: string, title?: string): HTMLElement {
  return el('div', { class: 'stat', attrs: title ? { title } : {} }, el('dt', null, label), el('dd', null, value));
}

export class ColumnDetail {
  readonly element: HTMLElement;
  private charts: Chart[] = [];
  private current: { column: ColumnProfile; warnings: DataWarning[]; columnCount: number } | null = null;

  constructor(private theme: ThemeColors) {
    this.element = el('section', { class: 'column-detail', attrs: { 'aria-label': 'Column detail', 'aria-live': 'polite' } });
    this.showEmpty();
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    const c = this.current;
    this.current = null;
    if (c) this.show(c.column, c.warnings, c.columnCount);
  }

  showEmpty(): void {
    this.destroyCharts();
    this.current = null;
    clear(this.element);
    this.element.appendChild(el('p', { class: 'placeholder' }, 'Select a column to see its details.'));
  }

  show(c: ColumnProfile, warnings: DataWarning[], columnCount: number): void {
    // The list refreshes on every filter keystroke; the detail only rebuilds when the column changes.
    if (this.current?.column === c) return;
    this.destroyCharts();
    this.current = { column: c, warnings, columnCount };
    clear(this.element);
    const sorted = [...warnings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);

    this.element.append(
      el(
        'header',
        { class: 'detail-header' },
        el('h2', { attrs: { title: c.name } }, c.name === '' ? '(unnamed)' : c.name),
        el('span', { class: `type-chip type-${c.type}` }, icon(TYPE_ICON[c.type]), TYPE_LABEL[c.type]),
        el('span', { class: 'dim' }, `Column ${formatCount(c.index + 1)} of ${formatCount(columnCount)}`),
      ),
    );
    if (sorted.length) {
      this.element.appendChild(
        el(
          'ul',
          { class: 'detail-warnings', attrs: { 'aria-label': 'Warnings for this column' } },
          ...sorted.map((w) => el('li', { class: `sev-${w.severity}` }, icon(SEVERITY_ICON[w.severity], SEVERITY_LABEL[w.severity]), messageText(w.message))),
        ),
      );
    }
    this.element.appendChild(this.statsGrid(c));
    if (c.quantiles) this.element.appendChild(this.quantiles(c));
    if (c.histogram && c.histogram.counts.length > 0) {
      this.element.appendChild(el('h3', null, 'Distribution'));
      const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': this.histogramLabel(c, c.histogram) } });
      this.element.appendChild(el('div', { class: 'chart-box histogram' }, canvas));
      this.charts.push(new Chart(canvas, this.histogramConfig(c.histogram, c.type === 'datetime')));
    }
    if (showsTopValues(c)) {
      this.element.appendChild(el('h3', null, c.topApprox ? 'Most frequent values (≈)' : 'Most frequent values'));
      const canvas = el('canvas', {
        attrs: { role: 'img', 'aria-label': `Most frequent values: ${c.top.map((t) => `${t.value} ${formatCount(t.count)}`).join('; ')}` },
      });
      const box = el('div', { class: 'chart-box frequency' }, canvas);
      box.style.height = `${Math.max(60, c.top.length * 24 + 16)}px`;
      this.element.appendChild(box);
      this.charts.push(new Chart(canvas, this.frequencyConfig(c)));
    }
    const evidence = this.evidence(c);
    if (evidence) this.element.appendChild(evidence);
  }

  private statsGrid(c: ColumnProfile): HTMLElement {
    const isDate = c.type === 'datetime';
    const items: HTMLElement[] = [
      stat('Values', formatCount(c.count)),
      stat('Missing', `${formatCount(c.missing)} (${formatPercent(c.missingPct)})`),
      stat('Distinct', approx(formatCount(c.distinct), c.distinctApprox), c.distinctApprox ? 'Estimated with HyperLogLog' : undefined),
    ];
    if (c.min !== null) items.push(stat('Min', formatExtreme(c.min, isDate)));
    if (c.max !== null) items.push(stat('Max', formatExtreme(c.max, isDate)));
    if (c.mean !== null) items.push(stat('Mean', formatNumber(c.mean)));
    if (c.std !== null) items.push(stat('Std. deviation', formatNumber(c.std)));
    if (c.skewness !== null) items.push(stat('Skewness', formatNumber(c.skewness)));
    if (c.zeros !== null) items.push(stat('Zeros', formatCount(c.zeros)));
    if (c.negatives !== null) items.push(stat('Negatives', formatCount(c.negatives)));
    if (c.outliers) {
      const o = c.outliers;
      items.push(stat('Outliers low', approx(formatCount(o.low), o.approx), `Below the lower fence ${formatNumber(o.lowerFence)} (p25 − 1.5 IQR)`));
      items.push(stat('Outliers high', approx(formatCount(o.high), o.approx), `Above the upper fence ${formatNumber(o.upperFence)} (p75 + 1.5 IQR)`));
    }
    if (c.length) {
      items.push(stat('Length min', formatCount(c.length.min)));
      items.push(stat('Length mean', formatNumber(c.length.mean)));
      items.push(stat('Length max', formatCount(c.length.max)));
    }
    return el('dl', { class: 'stats' }, ...items);
  }

  private quantiles(c: ColumnProfile): HTMLElement {
    const q = c.quantiles;
    if (!q) return el('div', null);
    const entries: [string, number][] = [['p1', q.p1], ['p5', q.p5], ['p25', q.p25], ['Median', q.p50], ['p75', q.p75], ['p95', q.p95], ['p99', q.p99]];
    const fmt = (v: number): string => (c.type === 'datetime' ? formatDate(v) : formatNumber(v));
    const fences = c.outliers ? `Tukey fences ${formatNumber(c.outliers.lowerFence)} and ${formatNumber(c.outliers.upperFence)}` : null;
    return el(
      'div',
      { class: 'quantiles' },
      el('h3', null, 'Quantiles'),
      el(
        'table',
        null,
        el('thead', null, el('tr', null, ...entries.map(([k]) => el('th', { attrs: { scope: 'col' } }, k)))),
        el('tbody', null, el('tr', null, ...entries.map(([, v]) => el('td', null, fmt(v))))),
      ),
      fences ? el('p', { class: 'dim small' }, fences) : null,
    );
  }

  private evidence(c: ColumnProfile): HTMLElement | null {
    const e = c.evidence;
    const lines: HTMLElement[] = [];
    if (e.padded > 0) lines.push(el('li', null, `${formatCount(e.padded)} values have leading or trailing spaces`));
    if (e.numericLikeText > 0 && c.type !== 'numeric') lines.push(el('li', null, `${formatCount(e.numericLikeText)} values read as numbers once separators, currency or % are removed`));
    if (e.variantGroups.length > 0) {
      lines.push(
        el('li', null, 'Values that differ only in case or spacing: ', ...e.variantGroups.slice(0, 10).flatMap((g, i) => [i > 0 ? '; ' : '', el('span', { class: 'mono' }, g.join(' / '))])),
      );
    }
    if (lines.length === 0) return null;
    return el('div', { class: 'evidence' }, el('h3', null, 'Notes on the values'), el('ul', null, ...lines));
  }

  private histogramLabel(c: ColumnProfile, h: Histogram): string {
    const lo = h.edges[0] ?? 0;
    const hi = h.edges[h.edges.length - 1] ?? lo;
    const f = (v: number): string => (c.type === 'datetime' ? formatDate(v) : formatNumber(v));
    return `Histogram of ${c.name}: ${h.counts.length} bins from ${f(lo)} to ${f(hi)}, tallest bin ${formatCount(Math.max(...h.counts))} rows`;
  }

  private baseOptions(): ChartConfiguration<'bar'>['options'] {
    const t = this.theme;
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: false },
        tooltip: {
          backgroundColor: t.background,
          titleColor: t.foreground,
          bodyColor: t.foreground,
          borderColor: t.grid,
          borderWidth: 1,
          displayColors: false,
        },
      },
    };
  }

  private histogramConfig(h: Histogram, isDate: boolean): ChartConfiguration<'bar'> {
    const t = this.theme;
    const f = (v: number): string => (isDate ? formatDate(v) : formatNumber(v));
    // Ticks are short (day, or 3 significant digits); the tooltip gives the exact bin.
    const labels = h.counts.map((_, i) => (isDate ? formatDate(h.edges[i] ?? 0).slice(0, 10) : formatCompact(h.edges[i] ?? 0)));
    const ranges = h.counts.map((_, i) => `${f(h.edges[i] ?? 0)} – ${f(h.edges[i + 1] ?? 0)}`);
    const base = this.baseOptions();
    return {
      type: 'bar',
      data: { labels, datasets: [{ data: h.counts, backgroundColor: t.bar, hoverBackgroundColor: t.barSelected, categoryPercentage: 1, barPercentage: 0.96 }] },
      options: {
        ...base,
        plugins: {
          ...base?.plugins,
          tooltip: {
            ...base?.plugins?.tooltip,
            callbacks: {
              title: (items) => ranges[items[0]?.dataIndex ?? 0] ?? '',
              label: (item) => `${formatCount(Number(item.raw))} rows`,
            },
          },
        },
        scales: {
          x: { ticks: { color: t.dim, maxRotation: 0, autoSkipPadding: 12 }, grid: { display: false }, border: { color: t.grid } },
          y: { beginAtZero: true, ticks: { color: t.dim, precision: 0, maxTicksLimit: 5, callback: (v) => formatCount(Number(v)) }, grid: { color: t.grid }, border: { display: false } },
        },
      },
    };
  }

  private frequencyConfig(c: ColumnProfile): ChartConfiguration<'bar'> {
    const t = this.theme;
    const values = c.top.map((v) => (v.value === '' ? '(empty)' : v.value));
    const base = this.baseOptions();
    return {
      type: 'bar',
      data: { labels: values.map(shorten), datasets: [{ data: c.top.map((v) => v.count), backgroundColor: t.bar, hoverBackgroundColor: t.barSelected, barPercentage: 0.8 }] },
      options: {
        ...base,
        indexAxis: 'y',
        plugins: {
          ...base?.plugins,
          tooltip: {
            ...base?.plugins?.tooltip,
            callbacks: {
              title: (items) => values[items[0]?.dataIndex ?? 0] ?? '',
              label: (item) => `${formatCount(Number(item.raw))} rows (${formatPercent(c.count > 0 ? (Number(item.raw) / c.count) * 100 : 0)})`,
            },
          },
        },
        scales: {
          x: { beginAtZero: true, ticks: { color: t.dim, maxTicksLimit: 5, precision: 0, callback: (v) => formatCount(Number(v)) }, grid: { color: t.grid }, border: { display: false } },
          y: { ticks: { color: t.foreground, autoSkip: false }, grid: { display: false }, border: { color: t.grid } },
        },
      },
    };
  }

  private destroyCharts(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }
}
