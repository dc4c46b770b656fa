// Static inline SVG charts for the exported experiment report: lines and points on linear axes, and
// horizontal bars. Script-free; colours come from CSS classes (s0…s7) the report's stylesheet defines for
// light and dark. Every data string goes through escapeHtml (series names can be class names from a CSV).
import { escapeHtml } from '../../profile/report/escape.js';
import { formatScore } from '../../../protocol/experimentReportFormat.js';

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  kind: 'line' | 'points' | 'step';
  /** Dashed reference lines (chance diagonal, perfect calibration). */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Fixed domains (e.g. [0, 1] for ROC); otherwise from the data. */
  x?: [number, number];
  y?: [number, number];
  width?: number;
  height?: number;
}

const r1 = (v: number): string => String(Math.round(v * 10) / 10);

function extent(values: number[], fixed: [number, number] | undefined): [number, number] {
  if (fixed) return fixed;
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

export function lineChartSvg(series: Series[], o: LineChartOptions): string {
  const width = o.width ?? 360;
  const height = o.height ?? 260;
  const left = 48;
  const right = 10;
  const top = 10;
  const bottom = 38;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const [x0, x1] = extent(series.flatMap((s) => s.points.map((p) => p.x)), o.x);
  const [y0, y1] = extent(series.flatMap((s) => s.points.map((p) => p.y)), o.y);
  const sx = (x: number): number => left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number): number => top + ph - ((y - y0) / (y1 - y0)) * ph;
  let body = '';
  const ticks = 4;
  for (let i = 0; i <= ticks; i++) {
    const xv = x0 + ((x1 - x0) * i) / ticks;
    const yv = y0 + ((y1 - y0) * i) / ticks;
    body += `<line class="grid" x1="${r1(sx(xv))}" y1="${top}" x2="${r1(sx(xv))}" y2="${top + ph}"/>`;
    body += `<line class="grid" x1="${left}" y1="${r1(sy(yv))}" x2="${left + pw}" y2="${r1(sy(yv))}"/>`;
    body += `<text class="tick" x="${r1(sx(xv))}" y="${top + ph + 13}" text-anchor="middle">${escapeHtml(formatTick(xv))}</text>`;
    body += `<text class="tick" x="${left - 4}" y="${r1(sy(yv) + 3)}" text-anchor="end">${escapeHtml(formatTick(yv))}</text>`;
  }
  series.forEach((s, i) => {
    const cls = `s${i % 8}${s.dashed ? ' dashed' : ''}`;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (pts.length === 0) return;
    if (s.kind === 'points') {
      body += `<g class="pts ${cls}"><title>${escapeHtml(s.name)}</title>${pts.map((p) => `<circle cx="${r1(sx(p.x))}" cy="${r1(sy(p.y))}" r="2.5"/>`).join('')}</g>`;
    } else {
      const d =
        s.kind === 'step'
          ? `M${r1(sx(pts[0]!.x))} ${r1(sy(pts[0]!.y))}` + pts.slice(1).map((p) => `H${r1(sx(p.x))}V${r1(sy(p.y))}`).join('')
          : pts.map((p, k) => `${k === 0 ? 'M' : 'L'}${r1(sx(p.x))} ${r1(sy(p.y))}`).join('');
      body += `<path class="line ${cls}" d="${d}"><title>${escapeHtml(s.name)}</title></path>`;
    }
  });
  const legend = series.filter((s) => !s.dashed).length > 1 ? `<div class="legend">${series.map((s, i) => (s.dashed ? '' : `<span><i class="key s${i % 8}"></i>${escapeHtml(s.name)}</span>`)).join('')}</div>` : '';
  return (
    `<figure class="chart"><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(o.title)}">` +
    `<rect class="frame" x="${left}" y="${top}" width="${pw}" height="${ph}"/>${body}` +
    `<text class="axis-label" x="${left + pw / 2}" y="${height - 4}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>` +
    `<text class="axis-label" transform="translate(11 ${top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>` +
    `</svg><figcaption>${escapeHtml(o.title)}</figcaption>${legend}</figure>`
  );
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1);
  if (a >= 100) return String(Math.round(v));
  return String(Number(v.toFixed(2)));
}

/** Horizontal bars with a ± whisker (importance), as a table so labels wrap and stay selectable. */
export function barTable(items: { label: string; value: number; spread: number }[], valueHeading: string): string {
  if (items.length === 0) return '';
  const max = Math.max(1e-12, ...items.map((i) => Math.abs(i.value) + i.spread));
  const rows = items
    .map((i) => {
      const w = ((Math.max(0, i.value) / max) * 100).toFixed(1);
      return (
        `<tr><td>${escapeHtml(i.label)}</td>` +
        `<td class="barcell"><svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect class="bar" x="0" y="1" width="${w}" height="8"/></svg></td>` +
        `<td class="num" data-value="${i.value}">${formatScore(i.value)}</td><td class="num dim" data-value="${i.spread}">± ${formatScore(i.spread)}</td></tr>`
      );
    })
    .join('');
  return `<table class="bars"><thead><tr><th>Feature</th><th><span class="sr">Bar</span></th><th class="num">${escapeHtml(valueHeading)}</th><th class="num">Std</th></tr></thead><tbody>${rows}</tbody></table>`;
}
