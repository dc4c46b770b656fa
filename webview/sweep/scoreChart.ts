// Score per trial (a point per done trial) with the best-so-far line. One chart for the panel's life:
// new trials replace the datasets' data and chart.update('none') redraws without animation, so a live
// sweep never flickers or re-lays out the page.
import { Chart, LineController, LineElement, LinearScale, PointElement, ScatterController, Tooltip, Legend } from 'chart.js';
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { TrialRecord } from '../../src/protocol/experiment.js';
import type { ThemeColors } from '../shared/theme.js';
import { bestSoFar, formatScore, modelLabel } from './sweepModel.js';

Chart.register(ScatterController, LineController, PointElement, LineElement, LinearScale, Tooltip, Legend);

interface Point {
  x: number;
  y: number;
}

export class ScoreChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'scatter', Point[]> | null = null;
  private models = new Map<number, string>();
  private lastKey = '';
  private selected: number | null = null;
  private readonly empty = document.createElement('p');

  constructor(
    private theme: ThemeColors,
    private readonly onSelect: (index: number | null) => void,
  ) {
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.element = document.createElement('div');
    this.element.className = 'chart-box';
    // Until a trial has a score the axes would mean nothing: say so instead.
    this.empty.className = 'chart-empty dim';
    this.empty.textContent = 'The chart starts with the first scored trial.';
    this.element.append(this.canvas, this.empty);
  }

  setTheme(theme: ThemeColors): void {
    this.theme = theme;
    if (!this.chart) return;
    this.applyColors(this.chart);
    this.chart.update('none');
  }

  setSelected(index: number | null): void {
    this.selected = index;
    if (this.chart) {
      this.applyColors(this.chart);
      this.chart.update('none');
    }
  }

  update(trials: readonly TrialRecord[], greaterIsBetter: boolean, metricLabel: string, bestIndex: number | null): void {
    const done = trials.filter((t) => t.status === 'done' && t.score !== null && Number.isFinite(t.score));
    const key = `${done.length}|${done.at(-1)?.index}|${greaterIsBetter}|${metricLabel}|${bestIndex}`;
    this.canvas.setAttribute(
      'aria-label',
      done.length === 0
        ? 'Score per trial: no trial has a score yet.'
        : `Score per trial: ${done.length} scored trials; best ${metricLabel} ${formatScore(bestSoFar(done, greaterIsBetter).at(-1)?.y ?? null)}.`,
    );
    this.empty.hidden = done.length > 0;
    this.canvas.style.visibility = done.length > 0 ? 'visible' : 'hidden';
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.models = new Map(done.map((t) => [t.index, t.config.model]));
    const points = done.map((t) => ({ x: t.index, y: t.score as number }));
    const line = bestSoFar(done, greaterIsBetter);
    // Carry the line to the last trial so a long plateau is visible.
    const lastIndex = trials.reduce((m, t) => Math.max(m, t.index), -1);
    const lastBest = line.at(-1);
    if (lastBest && lastIndex > lastBest.x) line.push({ x: lastIndex, y: lastBest.y });
    if (!this.chart) {
      this.chart = new Chart(this.canvas, this.config(points, line, metricLabel));
      this.applyColors(this.chart, bestIndex);
      this.chart.update('none');
      return;
    }
    const [scatter, best] = this.chart.data.datasets;
    if (scatter) scatter.data = points;
    if (best) best.data = line;
    const y = this.chart.options.scales?.y;
    if (y && 'title' in y && y.title) y.title.text = metricLabel;
    this.applyColors(this.chart, bestIndex);
    this.chart.update('none');
  }

  private bestIndex: number | null = null;

  private applyColors(chart: Chart<'scatter', Point[]>, bestIndex: number | null = this.bestIndex): void {
    this.bestIndex = bestIndex;
    const t = this.theme;
    const [scatter, best] = chart.data.datasets;
    if (scatter) {
      const data = scatter.data;
      const colour = (i: number): string => {
        const index = data[i]?.x;
        if (index === this.selected) return t.focus;
        return index === bestIndex ? t.barSelected : t.bar;
      };
      scatter.backgroundColor = (ctx) => colour(ctx.dataIndex);
      scatter.borderColor = (ctx) => colour(ctx.dataIndex);
      scatter.pointRadius = (ctx) => (data[ctx.dataIndex]?.x === this.selected || data[ctx.dataIndex]?.x === bestIndex ? 5 : 3);
    }
    if (best) {
      best.borderColor = t.barSelected;
      best.backgroundColor = t.barSelected;
    }
    const scales = chart.options.scales;
    for (const axis of [scales?.x, scales?.y]) {
      if (!axis) continue;
      if (axis.grid) axis.grid.color = t.grid;
      if (axis.ticks) axis.ticks.color = t.dim;
      if ('title' in axis && axis.title) axis.title.color = t.dim;
    }
    const legend = chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = t.foreground;
  }

  private config(points: Point[], line: Point[], metricLabel: string): ChartConfiguration<'scatter', Point[]> {
    return {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'Trial score', data: points, pointRadius: 3, pointHoverRadius: 6, order: 0 },
          // A line dataset inside a scatter chart: stepped, so it reads as "best so far"; drawn under the points.
          { label: 'Best so far', data: line, showLine: true, stepped: 'before', pointRadius: 0, borderWidth: 2, order: 1 },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: 'nearest', intersect: true },
        onClick: (_e, elements) => {
          const hit = elements.find((e) => e.datasetIndex === 0);
          const index = hit ? this.chart?.data.datasets[0]?.data[hit.index]?.x : undefined;
          this.onSelect(index === undefined ? null : index);
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Trial' }, ticks: { precision: 0 } },
          y: { type: 'linear', title: { display: true, text: metricLabel } },
        },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 10, boxHeight: 10 } },
          tooltip: {
            filter: (item) => item.datasetIndex === 0,
            callbacks: {
              label: (item: TooltipItem<'scatter'>) => {
                const p = item.raw as Point;
                return `#${p.x} ${modelLabel(this.models.get(p.x) ?? '')}: ${formatScore(p.y)}`;
              },
            },
          },
        },
      },
    };
  }
}
