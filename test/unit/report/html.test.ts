import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderProfileHtml } from '../../../src/core/profile/report/index.js';
import { loansPreview, loansProfile } from '../../fixtures/profiles/loans.js';
import { HOSTILE_STRINGS, IMG, QUOTES, hostileProfile } from '../../fixtures/profiles/hostile.js';
import { wideProfile } from '../../fixtures/profiles/wide.js';

// Every element the report is allowed to contain. Anything else means data became markup.
const ALLOWED_TAGS = new Set([
  'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'footer', 'section', 'article', 'h1', 'h2', 'h3', 'h4',
  'p', 'dl', 'dt', 'dd', 'div', 'span', 'strong', 'a', 'ul', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'svg', 'rect', 'line', 'text', 'circle', 'path',
]);

function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)].map((m) => (m[1] ?? '').toLowerCase());
}

function section(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  assert.notEqual(start, -1, `section ${id} missing`);
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
}

test('the loans report has every section with the numbers worked out by hand', () => {
  const html = renderProfileHtml(loansProfile);
  // The file name only, and warning names as inline code.
  assert.ok(!html.includes('/home/ana'));
  assert.ok(html.includes('<code>notes</code>: 95.3% missing'));
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Data Quality: loans\.csv<\/title>/);
  const overview = section(html, 'overview');
  assert.match(overview, /<dt>Rows<\/dt><dd>12,480<\/dd>/);
  assert.match(overview, /<dt>Columns<\/dt><dd>15<\/dd>/);
  // 19,833 of 187,200 cells.
  assert.match(overview, /<dt>Missing cells<\/dt><dd>10\.6%<\/dd>/);
  assert.match(overview, /<dt>Duplicate rows<\/dt><dd>37<\/dd>/);
  assert.match(overview, /<dt>Errors<\/dt><dd>2<\/dd>/);
  assert.match(overview, /<dt>Warnings<\/dt><dd>7<\/dd>/);
  assert.match(overview, /<dt>Notes<\/dt><dd>2<\/dd>/);
  assert.match(overview, /first at lines 1,042, 7,781/);

  const warnings = section(html, 'warnings');
  assert.match(warnings, /Warnings \(11\)/);
  // Errors first, and a warning about a column links to that column's detail (notes is column 15).
  assert.ok(warnings.indexOf('sev-error') < warnings.indexOf('sev-warning'));
  assert.ok(warnings.indexOf('sev-warning') < warnings.indexOf('sev-info'));
  assert.match(warnings, /<a href="#col-14">notes<\/a>/);
  assert.match(warnings, /<a href="#col-2">amount<\/a>, <a href="#col-3">installment<\/a>/);

  const columns = section(html, 'columns');
  assert.equal((columns.match(/<tr>/g) ?? []).length, 1 + 15);
  assert.match(columns, /<a href="#col-9">emp_length<\/a><\/td><td><span class="badge">numeric<\/span><\/td><td class="num">18\.0%<\/td><td class="num">11<\/td>/);
  // Sketch-based counts are marked.
  assert.match(columns, /<a href="#col-10">purpose_desc<\/a>.*?≈6,874/);

  const details = section(html, 'details');
  const amount = details.slice(details.indexOf('id="col-2"'), details.indexOf('id="col-3"'));
  assert.match(amount, /median 13,000/);
  assert.match(amount, /0 below −10,000, 96 above 38,000/);
  // First bin of ten between 1,000 and 40,000 is 1,000-4,900 with 1,210 rows.
  assert.match(amount, /<title>1,000 – 4,900: 1,210<\/title>/);
  const chart = amount.slice(amount.indexOf('<svg class="chart"'), amount.indexOf('</svg>', amount.indexOf('<svg class="chart"')));
  // One hover target and one bar outline (a closed subpath) per bin.
  assert.equal((chart.match(/<rect class="hit"/g) ?? []).length, 10);
  assert.equal((chart.match(/z/g) ?? []).length, 10);
  const date = details.slice(details.indexOf('id="col-1"'), details.indexOf('id="col-2"'));
  assert.match(date, /<dt>Min<\/dt><dd>2015-01-01<\/dd>/);
  const home = details.slice(details.indexOf('id="col-7"'), details.indexOf('id="col-8"'));
  // rent: 230 of 12,460 non-missing = 1.8%.
  assert.match(home, /<td class="value">rent<\/td>.*?<td class="num">230<\/td><td class="num dim">1\.8%<\/td>/);
  assert.match(home, /differ only in case/);
  const text = details.slice(details.indexOf('id="col-10"'), details.indexOf('id="col-11"'));
  assert.match(text, /min 3 · mean 64\.3 · max 412/);

  const corr = section(html, 'correlations');
  assert.match(corr, /title="amount × installment: r = 0\.95">0\.95<\/td>/);
  assert.match(corr, /title="loan_id × interest_rate: r = −0\.03">−0\.03<\/td>/);
  const missing = section(html, 'missing');
  assert.match(missing, /purpose_desc and notes both missing in 5,010 rows/);
});

test('the report makes no external requests and runs no script', () => {
  const html = renderProfileHtml(loansProfile);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|\bsrc=|url\(|@import|https?:\/\//i);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /prefers-color-scheme:dark/);
});

test('a preview profile says so', () => {
  assert.match(renderProfileHtml(loansPreview), /Preview: profiled from the first 1,000 rows only/);
  assert.doesNotMatch(renderProfileHtml(loansProfile), /Preview:/);
});

test('hostile strings come out as text, never as markup', () => {
  const html = renderProfileHtml(hostileProfile);
  for (const t of tags(html)) assert.ok(ALLOWED_TAGS.has(t), `unexpected tag <${t}>`);
  assert.equal((html.match(/<style/g) ?? []).length, 1);
  assert.equal((html.match(/<\/style>/g) ?? []).length, 1);
  assert.doesNotMatch(html, /<img|<script|<\/script|<svg onload/i);
  // No event-handler attribute inside any real tag (quoted values are text, so they are set aside).
  for (const m of html.matchAll(/<[a-zA-Z][^>]*>/g)) assert.doesNotMatch(m[0].replace(/"[^"]*"/g, '""'), /\son\w+\s*=/i, m[0]);
  for (const s of HOSTILE_STRINGS.filter((x) => /[<>"']/.test(x))) assert.ok(!html.includes(s), `raw ${JSON.stringify(s)}`);
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(html.includes('&quot;quotes&quot; &amp; &#39;apostrophes&#39;'));
  // The base name of `/tmp/<img …>/</script><script>alert(2)</script>.csv` is `script>.csv`.
  assert.ok(html.includes('<title>Data Quality: script&gt;.csv</title>'));
  assert.ok(!html.includes(IMG) && !html.includes(QUOTES));
});

test('5,000 columns render into one report', () => {
  const html = renderProfileHtml(wideProfile());
  assert.equal((html.match(/<article class="column"/g) ?? []).length, 5000);
  assert.match(html, /id="col-4999"/);
  assert.match(html, /Only the first 40 numeric columns were paired\./);
});
