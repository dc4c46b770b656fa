// The self-contained HTML report: one file, inline CSS and SVG, no scripts and no external requests (its
// own CSP says so, in case a reader opens it from a mail client or a shared drive). Light and dark follow
// the reader's system. Every data string passes through escapeHtml; ids are column indexes, never names.
import type { ColumnProfile, DataWarning, DatasetProfile, WarningSeverity } from '../../../protocol/profile.js';
import {
  approx,
  formatBytes,
  formatCorrelation,
  formatCount,
  formatDuration,
  formatExtreme,
  formatNumber,
  formatPercent,
  messageParts,
  plural,
  fileName,
} from '../../../protocol/profileFormat.js';
import { correlationFill, frequencyBars, histogramSvg, sparklineSvg } from './charts.js';
import { escapeHtml } from './escape.js';

const CSS = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1f1f1f;--dim:#616161;--border:#e0e0e0;--card:#f6f6f6;--accent:#005fb8;--bar:#3c8dde;--error:#c72e2e;--warning:#b5840a;--info:#1a85ff;--link:#005fb8}
@media (prefers-color-scheme:dark){:root{--bg:#1f1f1f;--fg:#cccccc;--dim:#9d9d9d;--border:#3c3c3c;--card:#262626;--accent:#4daafc;--bar:#4c9be8;--error:#f85149;--warning:#cca700;--info:#59a4f9;--link:#4daafc}}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;background:var(--bg);color:var(--fg);font:13px/1.5 system-ui,-apple-system,"Segoe UI",Ubuntu,sans-serif;max-width:1200px}
h1{font-size:20px;font-weight:600;margin:0 0 4px}h2{font-size:15px;font-weight:600;margin:32px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--border)}
h3{font-size:14px;font-weight:600;margin:0;word-break:break-word}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
.meta,.dim{color:var(--dim)}.meta{margin:0;word-break:break-all}
.banner{border:1px solid var(--warning);border-radius:4px;padding:8px 12px;margin:16px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:0}
.cards div{background:var(--card);border:1px solid var(--border);border-radius:4px;padding:8px 12px}
.cards dt{color:var(--dim);font-size:12px}.cards dd{margin:0;font-size:18px;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--border);vertical-align:top}
th{font-weight:600;color:var(--dim);font-size:12px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.name{word-break:break-word}
.badge{display:inline-block;border:1px solid var(--border);border-radius:8px;padding:0 6px;font-size:11px;color:var(--dim);white-space:nowrap}
.sev{display:inline-flex;align-items:center;gap:4px;white-space:nowrap}
.sev svg{width:14px;height:14px}.sev-error{color:var(--error)}.sev-warning{color:var(--warning)}.sev-info{color:var(--info)}
svg .bar{fill:var(--bar)}svg .hit{fill:transparent}svg .hit:hover{fill:var(--fg);fill-opacity:.08}svg .axis{stroke:var(--border)}svg .tick{fill:var(--dim);font-size:10px}
.column{border:1px solid var(--border);border-radius:4px;padding:12px 16px;margin:12px 0;break-inside:avoid}
.column header{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap;margin-bottom:8px}
.grid{display:grid;grid-template-columns:minmax(220px,1fr) minmax(260px,1.3fr);gap:16px}
.stats{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:0}.stats dt{color:var(--dim)}.stats dd{margin:0;font-variant-numeric:tabular-nums;word-break:break-word}
.freq td{border:0;padding:1px 6px}.freq .value{max-width:240px;word-break:break-word}.barcell{width:40%}.hbar{width:100%;height:10px;display:block;margin-top:4px}
.warnings-list{margin:8px 0 0;padding:0;list-style:none}.warnings-list li{margin:2px 0;display:flex;gap:6px;align-items:baseline}.warnings-list .sev{align-self:center}
.heat{width:auto}.heat td,.heat th{text-align:center;border:1px solid var(--border);padding:3px 6px;font-size:12px}.heat th{max-width:140px;word-break:break-word}
.heat th[scope=row]{text-align:right}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.chart{max-width:100%;height:auto}
footer{margin-top:40px;color:var(--dim);font-size:12px}
@media (max-width:700px){.grid{grid-template-columns:1fr}body{padding:16px}}
@media print{.column{page-break-inside:avoid}}
`;

const SEVERITY_ICON: Record<WarningSeverity, string> = {
  error: '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 4v5M8 11v1" stroke="var(--bg)" stroke-width="1.8" stroke-linecap="round"/></svg>',
  warning: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M8 1.5 15 14.5H1z" fill="currentColor"/><path d="M8 6v4M8 12v.5" stroke="var(--bg)" stroke-width="1.6" stroke-linecap="round"/></svg>',
  info: '<svg viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M8 7v5M8 4.5v.5" stroke="var(--bg)" stroke-width="1.8" stroke-linecap="round"/></svg>',
};

const SEVERITY_ORDER: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };

function severity(s: WarningSeverity): string {
  const label = s === 'error' ? 'Error' : s === 'warning' ? 'Warning' : 'Info';
  return `<span class="sev sev-${s}">${SEVERITY_ICON[s]}${label}</span>`;
}


function columnLink(columnsByName: Map<string, ColumnProfile>, name: string): string {
  const c = columnsByName.get(name);
  return c ? `<a href="#col-${c.index}">${escapeHtml(name)}</a>` : escapeHtml(name);
}

function overview(p: DatasetProfile): string {
  const bySeverity = { error: 0, warning: 0, info: 0 };
  for (const w of p.warnings) bySeverity[w.severity]++;
  const card = (label: string, value: string): string => `<div><dt>${label}</dt><dd>${value}</dd></div>`;
  return (
    `<section id="overview"><h2>Overview</h2><dl class="cards">` +
    card('Rows', formatCount(p.rows)) +
    card('Columns', formatCount(p.columnCount)) +
    card('Missing cells', formatPercent(p.missingPct)) +
    card('Duplicate rows', approx(formatCount(p.duplicateRows), p.duplicateRowsApprox)) +
    card('Errors', formatCount(bySeverity.error)) +
    card('Warnings', formatCount(bySeverity.warning)) +
    card('Notes', formatCount(bySeverity.info)) +
    card('File size', formatBytes(p.bytes)) +
    `</dl>` +
    (p.ragged.count > 0
      ? `<p>${plural(p.ragged.count, 'row')} had a field count other than ${formatCount(p.ragged.expectedFields)}; first at line${p.ragged.firstLines.length > 1 ? 's' : ''} ${p.ragged.firstLines.slice(0, 5).map(formatCount).join(', ')}.</p>`
      : '') +
    `</section>`
  );
}

function warningsSection(p: DatasetProfile, byName: Map<string, ColumnProfile>): string {
  if (p.warnings.length === 0) return `<section id="warnings"><h2>Warnings</h2><p class="dim">No warnings.</p></section>`;
  const sorted = [...p.warnings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const rows = sorted
    .map((w) => {
      const cols = [w.column, ...w.columns].filter((c): c is string => c !== null);
      return `<tr><td>${severity(w.severity)}</td><td class="name">${cols.length ? cols.map((c) => columnLink(byName, c)).join(', ') : '<span class="dim">dataset</span>'}</td><td>${messageHtml(w.message)}</td></tr>`;
    })
    .join('');
  return `<section id="warnings"><h2>Warnings (${formatCount(p.warnings.length)})</h2><table><thead><tr><th>Severity</th><th>Column</th><th>Message</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

function sparkValues(c: ColumnProfile): number[] {
  if (c.histogram) return c.histogram.counts;
  return c.top.map((t) => t.count);
}

function columnsTable(p: DatasetProfile): string {
  const rows = p.columns
    .map(
      (c) =>
        `<tr><td class="num dim">${c.index + 1}</td><td class="name"><a href="#col-${c.index}">${escapeHtml(c.name)}</a></td><td><span class="badge">${c.type}</span></td>` +
        `<td class="num">${formatPercent(c.missingPct)}</td><td class="num">${approx(formatCount(c.distinct), c.distinctApprox)}</td><td>${sparklineSvg(sparkValues(c))}</td></tr>`,
    )
    .join('');
  return `<table class="columns"><thead><tr><th class="num">#</th><th>Column</th><th>Type</th><th class="num">Missing</th><th class="num">Distinct</th><th>Distribution</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function statsList(c: ColumnProfile, rows: number): string {
  const isDate = c.type === 'datetime';
  const items: [string, string][] = [
    ['Count', formatCount(c.count)],
    ['Missing', `${formatCount(c.missing)} (${formatPercent(c.missingPct)})`],
    ['Distinct', `${approx(formatCount(c.distinct), c.distinctApprox)}${rows > 0 && c.count > 0 ? ` (${formatPercent((c.distinct / c.count) * 100)} of values)` : ''}`],
  ];
  if (c.min !== null) items.push(['Min', escapeHtml(formatExtreme(c.min, isDate))]);
  if (c.max !== null) items.push(['Max', escapeHtml(formatExtreme(c.max, isDate))]);
  if (c.mean !== null) items.push(['Mean', formatNumber(c.mean)]);
  if (c.std !== null) items.push(['Std. deviation', formatNumber(c.std)]);
  if (c.skewness !== null) items.push(['Skewness', formatNumber(c.skewness)]);
  if (c.quantiles) {
    const q = c.quantiles;
    items.push(['Quantiles', `p1 ${formatNumber(q.p1)} · p5 ${formatNumber(q.p5)} · p25 ${formatNumber(q.p25)} · <strong>median ${formatNumber(q.p50)}</strong> · p75 ${formatNumber(q.p75)} · p95 ${formatNumber(q.p95)} · p99 ${formatNumber(q.p99)}`]);
  }
  if (c.zeros !== null) items.push(['Zeros', formatCount(c.zeros)]);
  if (c.negatives !== null) items.push(['Negatives', formatCount(c.negatives)]);
  if (c.outliers) {
    const o = c.outliers;
    items.push(['Outliers', `${approx(formatCount(o.low), o.approx)} below ${formatNumber(o.lowerFence)}, ${approx(formatCount(o.high), o.approx)} above ${formatNumber(o.upperFence)}`]);
  }
  if (c.length) items.push(['Length', `min ${formatCount(c.length.min)} · mean ${formatNumber(c.length.mean)} · max ${formatCount(c.length.max)}`]);
  return `<dl class="stats">${items.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** Above this many columns, histograms drop their per-bin hover targets to keep the file small. */
const TOOLTIP_COLUMNS = 200;

function columnDetail(c: ColumnProfile, rows: number, warnings: DataWarning[], tooltips: boolean): string {
  const chart = c.histogram ? histogramSvg(c.histogram, c.type === 'datetime', tooltips) : '';
  const freq = c.top.length ? `<h4 class="dim">Most frequent${c.topApprox ? ' (≈)' : ''}</h4>${frequencyBars(c.top, c.count)}` : '';
  const own = warnings.length
    ? `<ul class="warnings-list">${warnings.map((w) => `<li>${severity(w.severity)} ${messageHtml(w.message)}</li>`).join('')}</ul>`
    : '';
  return (
    `<article class="column" id="col-${c.index}"><header><h3>${escapeHtml(c.name)}</h3><span class="badge">${c.type}</span><span class="dim">column ${c.index + 1}</span></header>` +
    `<div class="grid"><div>${statsList(c, rows)}</div><div>${chart}${freq}</div></div>${own}</article>`
  );
}

function correlationSection(p: DatasetProfile): string {
  const { columns, matrix, note } = p.correlations;
  if (columns.length < 2) return '';
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = columns
    .map((rowName, i) => {
      const cells = columns
        .map((colName, j) => {
          const r = matrix[i]?.[j] ?? null;
          const label = `${rowName} × ${colName}: r = ${formatCorrelation(r)}`;
          return `<td style="background:${i === j ? 'transparent' : correlationFill(r)}" title="${escapeHtml(label)}">${formatCorrelation(r)}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(rowName)}</th>${cells}</tr>`;
    })
    .join('');
  return (
    `<section id="correlations"><h2>Correlations</h2><p class="dim">Pearson r over rows where both values are present. Blue is positive, red negative.</p>` +
    (note ? `<p class="dim">${escapeHtml(note)}</p>` : '') +
    `<div style="overflow-x:auto"><table class="heat"><thead><tr><td></td>${head}</tr></thead><tbody>${body}</tbody></table></div></section>`
  );
}

function missingSection(p: DatasetProfile): string {
  const { columns, matrix } = p.missingCooccurrence;
  if (columns.length === 0) return '';
  const max = Math.max(1, ...matrix.flat());
  const head = columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('');
  const body = columns
    .map((rowName, i) => {
      const cells = columns
        .map((colName, j) => {
          const n = matrix[i]?.[j] ?? 0;
          const a = n === 0 ? 0 : 0.12 + 0.7 * (n / max);
          const label = i === j ? `${rowName}: ${formatCount(n)} missing` : `${rowName} and ${colName} both missing in ${formatCount(n)} rows`;
          return `<td style="background:rgba(204, 167, 0, ${a.toFixed(3)})" title="${escapeHtml(label)}">${formatCount(n)}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escapeHtml(rowName)}</th>${cells}</tr>`;
    })
    .join('');
  return (
    `<section id="missing"><h2>Missing values together</h2><p class="dim">Rows where both columns are missing; the diagonal is each column's own missing count.</p>` +
    `<div style="overflow-x:auto"><table class="heat"><thead><tr><td></td>${head}</tr></thead><tbody>${body}</tbody></table></div></section>`
  );
}

export function renderProfileHtml(profile: DatasetProfile): string {
  const p = profile;
  const name = fileName(p.file.path);
  const byName = new Map(p.columns.map((c) => [c.name, c]));
  const warningsByColumn = new Map<string, DataWarning[]>();
  for (const w of p.warnings) {
    for (const c of [w.column, ...w.columns]) {
      if (c === null) continue;
      const list = warningsByColumn.get(c) ?? [];
      list.push(w);
      warningsByColumn.set(c, list);
    }
  }
  const dialect = p.dialect;
  const delimiter = dialect.delimiter === '\t' ? 'tab' : dialect.delimiter;
  const meta = [
    // The file name only: a shared report should not carry the author's folder layout.
    escapeHtml(fileName(p.file.path)),
    formatBytes(p.file.size),
    `delimiter ${escapeHtml(JSON.stringify(delimiter))}`,
    dialect.encoding + (dialect.bom ? ' with BOM' : ''),
    `profiled in ${formatDuration(p.run.elapsedMs)} on ${plural(p.run.threads, 'thread')}`,
  ].join(' · ');
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="generator" content="ML Lab ${escapeHtml(p.run.engineVersion)}">` +
    `<title>Data Quality: ${escapeHtml(name)}</title><style>${CSS}</style></head><body>\n` +
    `<header><h1>Data Quality: ${escapeHtml(name)}</h1><p class="meta">${meta}</p></header>\n` +
    (p.preview ? `<p class="banner">Preview: profiled from the first ${formatCount(p.rows)} rows only; the full profile was not finished.</p>\n` : '') +
    overview(p) +
    '\n' +
    warningsSection(p, byName) +
    '\n' +
    `<section id="columns"><h2>Columns (${formatCount(p.columns.length)})</h2>${columnsTable(p)}</section>\n` +
    `<section id="details"><h2>Column details</h2>${p.columns.map((c) => columnDetail(c, p.rows, warningsByColumn.get(c.name) ?? [], p.columns.length <= TOOLTIP_COLUMNS)).join('\n')}</section>\n` +
    correlationSection(p) +
    '\n' +
    missingSection(p) +
    `\n<footer>Generated by ML Lab ${escapeHtml(p.run.engineVersion)} · profile schema ${p.schemaVersion}</footer>\n</body></html>\n`
  );
}

function messageHtml(message: string): string {
  return messageParts(message)
    .map((part) => (part.code ? `<code>${escapeHtml(part.text)}</code>` : escapeHtml(part.text)))
    .join('');
}
