// Deterministic benchmark CSV: mixed types, missing values (empty and NA), skew, outliers, case and
// white-space variants, quoted text with commas and quotes, exact duplicate rows.
// Usage: node bench/profile/generate.mjs [--rows N] [--out FILE] [--force]
// Default: 8,330,000 rows (~129 bytes each), ~1.07 GB, at bench/profile/data/bench-<rows>.csv. Skips the work when the file
// already exists with the size recorded by the run that wrote it.
import { openSync, writeSync, closeSync, renameSync, statSync, existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ROWS = 8_330_000;
const SEED = 20261128;

export function defaultPath(rows) {
  return join(here, 'data', `bench-${rows}.csv`);
}

// sfc32: small, fast, good enough for test data, and identical on every machine.
function prng(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 20; i++) next();
  return next;
}

const COLUMNS = [
  'id', 'customer_id', 'age', 'visits', 'amount', 'latency_ms', 'balance', 'score', 'country', 'city',
  'plan', 'channel', 'active', 'verified', 'signup_date', 'last_seen', 'note', 'rating', 'temp_c',
  'discount', 'sku', 'weight_kg', 'region',
];

export function generate(path, rows) {
  const rnd = prng(SEED);
  let spare = null;
  const normal = () => {
    if (spare !== null) { const s = spare; spare = null; return s; }
    let u = 0;
    while (u === 0) u = rnd();
    const v = rnd();
    const m = Math.sqrt(-2 * Math.log(u));
    spare = m * Math.sin(2 * Math.PI * v);
    return m * Math.cos(2 * Math.PI * v);
  };
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
  // Fixed-point formatting without toFixed's cost: x rounded to `dp` decimals.
  const fixed = (x, dp) => {
    const scale = dp === 1 ? 10 : dp === 2 ? 100 : 1000;
    let n = Math.round(x * scale);
    const neg = n < 0;
    if (neg) n = -n;
    const ip = Math.floor(n / scale);
    let fp = String(n - ip * scale);
    while (fp.length < dp) fp = '0' + fp;
    return (neg ? '-' : '') + ip + '.' + fp;
  };
  const missing = (p) => {
    const r = rnd();
    return r < p / 2 ? '' : r < p ? 'NA' : null;
  };

  const syll = ['ka', 'lo', 'mi', 'ra', 'ne', 'to', 'su', 'vi', 'do', 'ber', 'an', 'el', 'or', 'is', 'ham', 'ton'];
  const cities = [];
  for (let i = 0; i < 2000; i++) {
    const n = 2 + (i % 2);
    let s = '';
    for (let k = 0; k < n; k++) s += syll[int(0, syll.length - 1)];
    cities.push(s[0].toUpperCase() + s.slice(1));
  }
  const countries = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA', 'AU', 'ES', 'IT', 'MX'];
  const countryWeights = [30, 10, 9, 8, 12, 6, 5, 5, 4, 4, 4, 3];
  const countryCum = [];
  { let s = 0; const tot = countryWeights.reduce((a, b) => a + b, 0); for (const w of countryWeights) { s += w / tot; countryCum.push(s); } }
  const plans = ['free', 'pro', 'team', 'biz'];
  const planVariants = ['Free', ' free', 'PRO', 'Pro ', 'Team', 'BIZ'];
  const channels = ['web', 'ios', 'app', 'pos'];
  const regions = ['NE', 'NW', 'SE', 'SW', 'C'];
  const words = ['ok', 'late', 'great', 'refund', 'call back', 'new', 'vip', 'slow', 'gift', 'promo'];
  const DAY = 86_400_000;
  const base = Date.UTC(2015, 0, 1);
  const pad2 = (n) => (n < 10 ? '0' + n : '' + n);
  const isoDate = (ms) => { const d = new Date(ms); return d.getUTCFullYear() + '-' + pad2(d.getUTCMonth() + 1) + '-' + pad2(d.getUTCDate()); };
  // Date objects are slow; derive the clock time from the day offset instead.
  const isoDateTime = (dayMs, secs) => isoDate(dayMs) + ' ' + pad2(Math.floor(secs / 3600)) + ':' + pad2(Math.floor(secs / 60) % 60) + ':' + pad2(secs % 60);
  const dateCache = new Map();
  const dateOf = (day) => { let s = dateCache.get(day); if (s === undefined) { s = isoDate(base + day * DAY); dateCache.set(day, s); } return s; };

  const ring = [];
  // Fresh rows are unique (the id), so every replay from the ring is exactly one duplicate row.
  let duplicates = 0;
  const tmp = path + '.part';
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(tmp, 'w');
  let chunk = COLUMNS.join(',') + '\n';
  let bytes = 0;
  const flush = () => { const b = Buffer.from(chunk, 'utf8'); writeSync(fd, b); bytes += b.length; chunk = ''; };
  try {
    for (let i = 1; i <= rows; i++) {
      let line;
      if (ring.length === 64 && rnd() < 0.004) {
        line = ring[int(0, 63)];
        duplicates++;
      } else {
        const f = new Array(23);
        f[0] = i;
        f[1] = int(1, 99999);
        f[2] = missing(0.03) ?? int(18, 90);
        f[3] = Math.floor(-Math.log(1 - rnd()) * 2); // geometric-ish: many zeros
        f[4] = missing(0.05) ?? fixed(Math.exp(3.4 + 1.1 * normal()), 2); // log-normal, right-skewed
        let lat = 120 + 15 * normal();
        if (rnd() < 0.005) lat *= 20; // rare timeouts
        f[5] = Math.round(lat);
        f[6] = fixed(100 * normal(), 1);
        f[7] = fixed(rnd(), 3);
        const r = rnd();
        let c = 0;
        while (countryCum[c] < r && c < countries.length - 1) c++;
        f[8] = countries[c];
        // Zipf-like city choice: high cardinality with a head.
        let city = cities[Math.floor(2000 * rnd() * rnd())];
        const v = rnd();
        if (v < 0.005) city = city.toLowerCase();
        else if (v < 0.01) city = city.toUpperCase();
        f[9] = city;
        f[10] = rnd() < 0.02 ? pick(planVariants) : plans[Math.floor(4 * rnd() * rnd())];
        f[11] = missing(0.04) ?? pick(channels);
        f[12] = rnd() < 0.7 ? 'true' : 'false';
        f[13] = missing(0.06) ?? (rnd() < 0.4 ? 'True' : 'False');
        const day = int(0, 3650);
        f[14] = dateOf(day);
        f[15] = rnd() < 0.02 ? '' : isoDateTime(base + (day + int(0, 365)) * DAY, int(0, 86399));
        const t = rnd();
        if (t < 0.08) f[16] = '';
        else if (t < 0.2) f[16] = '"' + pick(words) + ', ' + pick(words) + '"';
        else if (t < 0.22) f[16] = '"said ""' + pick(words) + '"""';
        else f[16] = pick(words);
        f[17] = missing(0.07) ?? int(1, 5);
        f[18] = fixed(15 + 8 * normal(), 1);
        f[19] = rnd() < 0.5 ? 0 : fixed(0.05 * int(1, 10), 2);
        f[20] = 'P' + int(1000, 9999);
        f[21] = missing(0.02) ?? fixed(Math.exp(0.8 + 0.6 * normal()), 2);
        f[22] = pick(regions);
        line = f.join(',') + '\n';
        if (ring.length < 64) ring.push(line);
        else ring[i & 63] = line;
      }
      chunk += line;
      if (chunk.length > 8_000_000) flush();
    }
    flush();
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  writeFileSync(path + '.meta.json', JSON.stringify({ rows, bytes, duplicates, seed: SEED, columns: COLUMNS.length }) + '\n');
  return bytes;
}

/** Returns the path, generating the file unless it is already there with its recorded size. */
export function ensureFile(path, rows, force = false) {
  if (!force && existsSync(path) && existsSync(path + '.meta.json')) {
    const meta = JSON.parse(readFileSync(path + '.meta.json', 'utf8'));
    if (meta.rows === rows && meta.bytes === statSync(path).size) return { path, bytes: meta.bytes, generated: false };
  }
  const t0 = performance.now();
  const bytes = generate(path, rows);
  const s = (performance.now() - t0) / 1000;
  console.error(`generated ${path}: ${rows} rows, ${(bytes / 1e9).toFixed(3)} GB in ${s.toFixed(1)} s`);
  return { path, bytes, generated: true };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rows: { type: 'string' }, out: { type: 'string' }, force: { type: 'boolean' } } });
  const rows = values.rows ? Number(values.rows) : DEFAULT_ROWS;
  if (!Number.isInteger(rows) || rows < 1) {
    console.error(`--rows must be a positive integer, got ${values.rows}`);
    process.exit(2);
  }
  const r = ensureFile(values.out ?? defaultPath(rows), rows, values.force ?? false);
  if (!r.generated) console.error(`${r.path} already exists (${r.bytes} bytes), skipped`);
  console.log(r.path);
}
