// Score per trial (a point per done trial; a hollow grey one per pruned trial at the score of the fold it was
// stopped on; a cross on the x axis per failed trial) with the best-so-far line. One chart for the panel's life:
// new trials replace the datasets' data and chart.update('none') redraws without animation, so a live
// sweep never flickers or re-lays out the page.
import { Chart, LineController, LineElement, LinearScale, PointElement, ScatterController, Tooltip, Legend } from 'chart.js';
import type { ChartConfiguration, TooltipItem } from 'chart.js';
import type { TrialRecord } from '../../src/protocol/experiment.js';
import type { ThemeColors } from '../shared/theme.js';
import { bestSoFar, chartPoints, formatScore, modelLabel } from './sweepModel.js';

Chart.register(ScatterController, LineController, PointElement, LineElement, LinearScale, Tooltip, Legend);

interface Point {
  x: number;
  y: number;
}

/** Dataset order in the chart: the trials' markers first (what a click selects), the line last. */
const DONE = 0;
const PRUNED = 1;
const FAILED = 2;
const BEST = 3;
/** The best and the selected done trial, drawn larger on top: the other points then share one set of options. */
const MARK = 4;

/** Two more theme colours than the shared ThemeColors: read from the same VS Code variables. */
function extraColors(): { muted: string; error: string } {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return { muted: v('--vscode-disabledForeground', v('--vscode-descriptionForeground', '#888888')), error: v('--vscode-charts-red', v('--vscode-errorForeground', '#f14c4c')) };
}

export class ScoreChart {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private chart: Chart<'scatter', Point[]> | null = null;
  private models = new Map<number, string>();
  /** Trial index → the fleet worker that ran it (distributed sweeps only). */
  private workers = new Map<number, string>();
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
    this.extra = extraColors();
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
    const p = chartPoints(trials, greaterIsBetter);
    const shown = p.done.length + p.pruned.length + p.failed.length;
    const key = `${p.done.length}|${p.done.at(-1)?.x}|${p.pruned.length}|${p.failed.length}|${greaterIsBetter}|${metricLabel}|${bestIndex}`;
    const extra = [p.pruned.length > 0 ? `${p.pruned.length} pruned` : '', p.failed.length > 0 ? `${p.failed.length} failed` : ''].filter(Boolean).join(', ');
    this.canvas.setAttribute(
      'aria-label',
      p.done.length === 0
        ? `Score per trial: no trial has a score yet${extra ? ` (${extra})` : ''}.`
        : `Score per trial: ${p.done.length} scored trials${extra ? `, ${extra}` : ''}; best ${metricLabel} ${formatScore(bestSoFar(trials, greaterIsBetter).at(-1)?.y ?? null)}.`,
    );
    this.empty.hidden = shown > 0;
    this.canvas.style.visibility = shown > 0 ? 'visible' : 'hidden';
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.models = new Map(trials.map((t) => [t.index, t.config.model]));
    this.workers = new Map(trials.flatMap((t) => (typeof t.worker === 'string' && t.worker !== '' ? [[t.index, t.worker] as [number, string]] : [])));
    this.prunedSteps = new Map(p.pruned.map((q) => [q.x, q.step]));
    const failed = p.failed.map((x) => ({ x, y: 0 }));
    const line = bestSoFar(trials, greaterIsBetter);
    // Carry the line to the last trial so a long plateau is visible.
    const lastIndex = trials.reduce((m, t) => Math.max(m, t.index), -1);
    const lastBest = line.at(-1);
    if (lastBest && lastIndex > lastBest.x) line.push({ x: lastIndex, y: lastBest.y });
    const legendText = { pruned: `Pruned (${p.pruned.length})`, failed: `Failed (${p.failed.length})` };
    if (!this.chart) {
      this.chart = new Chart(this.canvas, this.config(p.done, p.pruned, failed, line, metricLabel, legendText));
      this.applyColors(this.chart, bestIndex);
      this.chart.update('none');
      return;
    }
    const sets = this.chart.data.datasets;
    const [done, pruned, failedSet, best] = [sets[DONE], sets[PRUNED], sets[FAILED], sets[BEST]];
    if (done) done.data = p.done;
    if (pruned) {
      pruned.data = p.pruned.map(({ x, y }) => ({ x, y }));
      pruned.label = legendText.pruned;
    }
    if (failedSet) {
      failedSet.data = failed;
      failedSet.label = legendText.failed;
    }
    if (best) best.data = line;
    const y = this.chart.options.scales?.y;
    if (y && 'title' in y && y.title) y.title.text = metricLabel;
    this.applyColors(this.chart, bestIndex);
    this.chart.update('none');
  }

  private prunedSteps = new Map<number, number>();
  private extra = extraColors();
  private bestIndex: number | null = null;

  private applyColors(chart: Chart<'scatter', Point[]>, bestIndex: number | null = this.bestIndex): void {
    this.bestIndex = bestIndex;
    const t = this.theme;
    const sets = chart.data.datasets;
    const [scatter, pruned, failed, best, mark] = [sets[DONE], sets[PRUNED], sets[FAILED], sets[BEST], sets[MARK]];
    const extra = this.extra;
    // Hollow grey rings: they read as "stopped early", not as scores to compare with the done trials.
    // Plain colours unless the selected trial is among them (see the done points below for why).
    const marked = (data: Point[], colour: string): string | string[] => {
      const selected = this.selected;
      return selected !== null && data.some((p) => p.x === selected) ? data.map((p) => (p.x === selected ? t.focus : colour)) : colour;
    };
    if (pruned) {
      pruned.borderColor = marked(pruned.data, extra.muted);
      pruned.backgroundColor = 'rgba(0, 0, 0, 0)';
      pruned.pointBorderWidth = t.highContrast ? 2 : 1.5;
    }
    if (failed) {
      failed.borderColor = marked(failed.data, extra.error);
      failed.backgroundColor = extra.error;
      failed.pointBorderWidth = 2;
    }
    if (scatter) {
      scatter.backgroundColor = t.bar;
      scatter.borderColor = t.bar;
    }
    if (scatter && mark) {
      // Per-point functions would make chart.js resolve options point by point on every redraw (most of a live
      // delta's time on a 3,000-trial sweep): the two special points get their own dataset instead.
      const points = scatter.data.filter((p) => p.x === bestIndex || p.x === this.selected);
      mark.data = points;
      mark.backgroundColor = points.map((p) => (p.x === this.selected ? t.focus : t.barSelected));
      mark.borderColor = mark.backgroundColor;
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

  private config(points: Point[], pruned: Point[], failed: Point[], line: Point[], metricLabel: string, legend: { pruned: string; failed: string }): ChartConfiguration<'scatter', Point[]> {
    return {
      type: 'scatter',
      data: {
        datasets: [
          { label: 'Trial score', data: points, pointRadius: 3, pointHoverRadius: 6, order: 0 },
          { label: legend.pruned, data: pruned, pointRadius: 3.5, pointHoverRadius: 6, pointStyle: 'circle', order: 0 },
          // Failed trials have no score: crosses on the x axis (a hidden 0..1 scale whose 0 is the bottom edge).
          { label: legend.failed, data: failed, yAxisID: 'failedAxis', pointRadius: 4, pointHoverRadius: 6, pointStyle: 'crossRot', clip: false, order: 0 },
          // A line dataset inside a scatter chart: stepped, so it reads as "best so far"; drawn under the points.
          { label: 'Best so far', data: line, showLine: true, stepped: 'before', pointRadius: 0, borderWidth: 2, order: 1 },
          { label: '', data: [], pointRadius: 5, pointHoverRadius: 6, order: -1 },
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
          const hit = elements.find((e) => e.datasetIndex !== BEST && e.datasetIndex !== MARK);
          const index = hit ? this.chart?.data.datasets[hit.datasetIndex]?.data[hit.index]?.x : undefined;
          this.onSelect(index === undefined ? null : index);
        },
        scales: {
          x: { type: 'linear', title: { display: true, text: 'Trial' }, ticks: { precision: 0 } },
          y: { type: 'linear', title: { display: true, text: metricLabel } },
          failedAxis: { type: 'linear', display: false, min: 0, max: 1 },
        },
        plugins: {
          legend: {
            position: 'top',
            align: 'end',
            // usePointStyle: the legend shows the ring and the cross, not filled boxes.
            labels: { boxWidth: 8, boxHeight: 8, usePointStyle: true, filter: (item, data) => item.datasetIndex !== MARK && (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0 },
          },
          tooltip: {
            filter: (item) => item.datasetIndex !== BEST && item.datasetIndex !== MARK,
            callbacks: {
              label: (item: TooltipItem<'scatter'>) => {
                const p = item.raw as Point;
                const worker = this.workers.get(p.x);
                const name = `#${p.x} ${modelLabel(this.models.get(p.x) ?? '')}${worker === undefined ? '' : ` on ${worker}`}`;
                if (item.datasetIndex === FAILED) return `${name}: failed`;
                if (item.datasetIndex === PRUNED) return `${name}: pruned at step ${(this.prunedSteps.get(p.x) ?? 0) + 1}, ${formatScore(p.y)}`;
                return `${name}: ${formatScore(p.y)}`;
              },
            },
          },
        },
      },
    };
  }
}
