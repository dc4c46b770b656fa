// chart.js line/scatter charts on linear axes for the report and compare views, coloured from the theme.
// The canvas gets a role and a label; the numbers themselves are in tables next to it.
import { Chart, Legend, LineController, LineElement, LinearScale, PointElement, ScatterController, Tooltip } from 'chart.js';
import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { el } from '../shared/element.js';
import type { ThemeColors } from '../shared/theme.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, Tooltip, Legend);

export interface ChartSeries {
  name: string;
  points: { x: number; y: number }[];
  kind: 'line' | 'points' | 'step';
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  x?: [number, number];
  y?: [number, number];
  /** Integer ticks (trial numbers). */
  integerX?: boolean;
}

const PALETTE_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-yellow', '#cca700'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-orange', '#d18616'],
];

export function palette(): string[] {
  const style = getComputedStyle(document.body);
  return PALETTE_VARS.map(([name, fallback]) => style.getPropertyValue(name).trim() || fallback);
}

export function chartConfig(series: ChartSeries[], spec: ChartSpec, theme: ThemeColors): ChartConfiguration<'scatter'> {
  const colors = palette();
  let colour = 0;
  const datasets: ChartDataset<'scatter'>[] = series.map((s) => {
    const c = s.dashed ? theme.dim : (colors[colour++ % colors.length] ?? theme.bar);
    return {
      label: s.name,
      data: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)),
      showLine: s.kind !== 'points',
      stepped: s.kind === 'step' ? 'after' : false,
      borderColor: c,
      backgroundColor: c,
      borderWidth: s.dashed ? 1 : 2,
      borderDash: s.dashed ? [4, 3] : [],
      pointRadius: s.kind === 'points' ? 3 : 0,
      pointHoverRadius: 4,
    };
  });
  const axis = (label: string, range: [number, number] | undefined, integer: boolean) => ({
    type: 'linear' as const,
    ...(range ? { min: range[0], max: range[1] } : {}),
    title: { display: true, text: label, color: theme.dim },
    grid: { color: theme.grid },
    border: { color: theme.grid },
    ticks: { color: theme.dim, ...(integer ? { precision: 0, stepSize: undefined } : {}) },
  });
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: axis(spec.xLabel, spec.x, spec.integerX ?? false), y: axis(spec.yLabel, spec.y, false) },
      plugins: {
        legend: { display: series.filter((s) => !s.dashed).length > 1, labels: { color: theme.foreground, boxWidth: 10, filter: (item) => !series[item.datasetIndex ?? 0]?.dashed } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: (${fmt(ctx.parsed.x)}, ${fmt(ctx.parsed.y)})` } },
      },
    },
  };
}

function fmt(v: number | null): string {
  return v === null ? '—' : String(Number(v.toPrecision(4)));
}

/** A figure with a labelled canvas; returns the chart so the owner can destroy it on re-render. */
export function chartFigure(series: ChartSeries[], spec: ChartSpec, theme: ThemeColors, charts: Chart[], className = 'chart'): HTMLElement {
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': spec.title } });
  const figure = el('figure', { class: className }, el('figcaption', null, spec.title), el('div', { class: 'canvas-box' }, canvas));
  // Drawn after insertion (chart.js needs a laid-out parent to size itself).
  requestAnimationFrame(() => {
    if (canvas.isConnected) charts.push(new Chart(canvas, chartConfig(series, spec, theme)));
  });
  return figure;
}
