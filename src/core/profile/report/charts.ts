// Inline SVG charts for the HTML report: static, script-free, coloured by classes from the report's CSS
// so they follow its light/dark scheme. Data strings only ever appear escaped in <title> tooltips.
import type { Histogram, ValueCount } from '../../../protocol/profile.js';
import { formatCount, formatDate, formatNumber } from '../../../protocol/profileFormat.js';
import { escapeHtml } from './escape.js';

function binLabel(h: Histogram, i: number, isDate: boolean): string {
  const from = h.edges[i] ?? 0;
  const to = h.edges[i + 1] ?? from;
  const f = (v: number): string => (isDate ? formatDate(v) : formatNumber(v));
  return `${f(from)} – ${f(to)}`;
}

/** Short decimal for SVG coordinates: reports with thousands of charts stay small. */
function n1(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** All bars as one path (one element instead of one per bin). */
function barsPath(counts: number[], width: number, height: number, gap: number): string {
  const max = Math.max(1, ...counts);
  const w = width / counts.length;
  let d = '';
  counts.forEach((c, i) => {
    if (c === 0) return;
    const bh = Math.max(1, (c / max) * height);
    d += `M${n1(i * w)} ${n1(height - bh)}h${n1(Math.max(0.5, w - gap))}V${n1(height)}H${n1(i * w)}z`;
  });
  return d;
}

/**
 * A histogram with its range under it. With `tooltips`, each bin gets a transparent hover target whose
 * title gives the range and count (worth it for a few columns, too heavy for thousands).
 */
export function histogramSvg(h: Histogram, isDate: boolean, tooltips = true, width = 360, height = 96): string {
  const n = h.counts.length;
  if (n === 0) return '';
  const plotH = height - 18;
  const barW = width / n;
  let bars = `<path class="bar" d="${barsPath(h.counts, width, plotH - 2, 1)}" transform="translate(0 2)"/>`;
  if (tooltips) {
    bars += h.counts
      .map((c, i) => `<rect class="hit" x="${n1(i * barW)}" y="0" width="${n1(barW)}" height="${plotH}"><title>${escapeHtml(binLabel(h, i, isDate))}: ${formatCount(c)}</title></rect>`)
      .join('');
  }
  const lo = h.edges[0] ?? 0;
  const hi = h.edges[h.edges.length - 1] ?? lo;
  const label = (v: number): string => escapeHtml(isDate ? formatDate(v) : formatNumber(v));
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Histogram, ${n} bins">` +
    `${bars}<line class="axis" x1="0" y1="${plotH}" x2="${width}" y2="${plotH}"/>` +
    `<text class="tick" x="0" y="${height - 4}">${label(lo)}</text>` +
    `<text class="tick" x="${width}" y="${height - 4}" text-anchor="end">${label(hi)}</text></svg>`
  );
}

/** Horizontal frequency bars for top values, as an HTML table: labels stay selectable and wrap. */
export function frequencyBars(top: ValueCount[], total: number): string {
  if (top.length === 0) return '';
  const max = Math.max(1, ...top.map((t) => t.count));
  const rows = top
    .map((t) => {
      const share = total > 0 ? (t.count / total) * 100 : 0;
      const w = ((t.count / max) * 100).toFixed(1);
      return (
        `<tr><td class="value">${t.value === '' ? '<span class="dim">(empty)</span>' : escapeHtml(t.value)}</td>` +
        `<td class="barcell"><svg class="hbar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true"><rect class="bar" x="0" y="0" width="${w}" height="10"/></svg></td>` +
        `<td class="num">${formatCount(t.count)}</td><td class="num dim">${share.toFixed(1)}%</td></tr>`
      );
    })
    .join('');
  return `<table class="freq"><thead><tr><th>Value</th><th><span class="sr">Share</span></th><th class="num">Count</th><th class="num">%</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** A tiny chart for the columns table: histogram bars, or top-value shares for non-numeric columns. */
export function sparklineSvg(values: number[], width = 80, height = 18): string {
  if (values.length === 0) return '';
  return `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-hidden="true"><path class="bar" d="${barsPath(values, width, height, 0.5)}"/></svg>`;
}

/** Background for a correlation cell: blue for positive, red for negative, stronger with |r|. */
export function correlationFill(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return 'transparent';
  const a = Math.min(1, Math.abs(r)) * 0.85;
  return r >= 0 ? `rgba(55, 148, 255, ${a.toFixed(3)})` : `rgba(241, 76, 76, ${a.toFixed(3)})`;
}
