// Tiny distribution glyphs for the column list, drawn straight on a canvas: a chart.js instance per row
// would cost far too much with thousands of columns.
import type { ColumnProfile } from '../../src/protocol/profile.js';
import type { ThemeColors } from '../shared/theme.js';

export function drawSparkline(canvas: HTMLCanvasElement, column: ColumnProfile, theme: ThemeColors, cssWidth: number, cssHeight: number): void {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.round(cssWidth * ratio);
  const h = Math.round(cssHeight * ratio);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.scale(ratio, ratio);
  ctx.fillStyle = theme.bar;
  if (column.histogram && column.histogram.counts.length > 0) {
    const counts = column.histogram.counts;
    const max = Math.max(1, ...counts);
    const bw = cssWidth / counts.length;
    counts.forEach((c, i) => {
      if (c === 0) return;
      const bh = Math.max(1, (c / max) * cssHeight);
      ctx.fillRect(i * bw, cssHeight - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh);
    });
    return;
  }
  // Non-numeric: stacked shares of the top values across the width, the rest in the dim colour.
  const total = column.count;
  if (total <= 0 || column.top.length === 0) return;
  let x = 0;
  const barH = Math.min(8, cssHeight);
  const y = (cssHeight - barH) / 2;
  column.top.slice(0, 5).forEach((t, i) => {
    const bw = (t.count / total) * cssWidth;
    ctx.globalAlpha = 1 - i * 0.16;
    ctx.fillRect(x, y, Math.max(0.5, bw - 1), barH);
    x += bw;
  });
  ctx.globalAlpha = 0.25;
  ctx.fillStyle = theme.dim;
  if (x < cssWidth) ctx.fillRect(x, y, cssWidth - x, barH);
  ctx.globalAlpha = 1;
}
