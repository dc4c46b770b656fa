// `mllab clean` in-process: --auto, replay with --recipe, the extra outputs, and every bad input as one
// line with exit 1 (or 2 for usage) and nothing written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../../src/cli/main.js';
import { parseCleanArgs } from '../../../src/cli/cleanCommand.js';
import { parseRecipe } from '../../../src/core/clean/recipe.js';

const MESSY = join(__dirname, '..', '..', 'fixtures', 'clean', 'messy.csv');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mllab-clean-cli-'));
  copyFileSync(MESSY, join(dir, 'messy.csv'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sink(): Writable & { text: string } {
  const w = new Writable({
    write(chunk, _enc, cb) {
      w.text += String(chunk);
      cb();
    },
  }) as Writable & { text: string };
  w.text = '';
  return w;
}

async function mllab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = sink();
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await runCli(args, { stdout, stderr, env: {} });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    process.chdir(cwd);
  }
}

function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^mllab: /);
  assert.match(lines[0]!, pattern);
}

function files(): string[] {
  return readdirSync(dir).sort();
}

test('--auto cleans, saves the Recipe and the Python script; --recipe replays it to the same bytes', async () => {
  const r = await mllab('clean', 'messy.csv', '--auto', '--out', 'clean.csv', '--save-recipe', 'r.json', '--export-python', 'clean.py');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Cleaned 13 rows -> 12 rows, 10 columns, 8 steps: clean\.csv\n {2}1 duplicate row dropped\n/);
  const cleaned = readFileSync(join(dir, 'clean.csv'), 'utf8');
  // Hand-checked rows: income median 52000 fills rows 3 and 6; "$2,100" -> 2100; " Lyon " -> Lyon; 2019-07-30 a Tuesday.
  assert.equal(cleaned.split('\n')[0], 'id,income,income_missing,price,city,joined_year,joined_month,joined_day,joined_dayOfWeek,active');
  assert.equal(cleaned.split('\n')[3], '3,52000,1,2100,Lyon,2019,7,30,1,1');
  assert.equal(cleaned.split('\n')[2], '2,52000,0,950,Paris,2020,11,2,0,0');
  assert.equal(cleaned.trimEnd().split('\n').length, 13);
  const recipe = parseRecipe(readFileSync(join(dir, 'r.json'), 'utf8'));
  assert.equal(recipe.steps.length, 8);
  assert.match(readFileSync(join(dir, 'clean.py'), 'utf8'), /^#!\/usr\/bin\/env python3\n/);

  const again = await mllab('clean', 'messy.csv', '--recipe', 'r.json', '--out', 'again.csv', '--json');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(dir, 'again.csv'), 'utf8'), cleaned);
  const report = JSON.parse(again.stdout) as { rowsIn: number; rowsOut: number; unknown: unknown[] };
  assert.deepEqual([report.rowsIn, report.rowsOut, report.unknown], [13, 12, []]);
  for (const f of ['clean.csv', 'again.csv', 'r.json', 'clean.py']) rmSync(join(dir, f));
});

test('replaying on new data reports unknown values instead of dropping them silently', async () => {
  writeFileSync(join(dir, 'tomorrow.csv'), 'income,price,city,joined,active,const,extra\nn/a,$5,Lille,2024-13-01,maybe,x,y\n');
  assert.equal((await mllab('clean', 'messy.csv', '--auto', '--out', 'c.csv', '--save-recipe', 'r.json')).code, 0);
  const r = await mllab('clean', 'tomorrow.csv', '--recipe', 'r.json', '--out', 't.csv');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /step 4 \(dateFeatures\) joined: 1 unknown value made missing, e\.g\. "2024-13-01"/);
  assert.match(r.stdout, /step 5 \(parseBooleans\) active: 1 unknown value made missing, e\.g\. "maybe"/);
  assert.match(r.stdout, /step 8 \(impute\) income: 1 unknown value made missing, e\.g\. "n\/a"/);
  assert.match(r.stdout, /column not in the Recipe's source, passed through: extra\n/);
  // No step names id, so its absence is only reported.
  assert.match(r.stdout, /column of the Recipe's source missing from this file: id\n/);
  assert.equal(readFileSync(join(dir, 't.csv'), 'utf8').split('\n')[1], '52000,1,5,Lille,,,,,,y');
  for (const f of ['tomorrow.csv', 'c.csv', 't.csv', 'r.json']) rmSync(join(dir, f));
});

test('bad input: one line, exit 1, nothing written', async () => {
  writeFileSync(join(dir, 'bad.json'), '{"schemaVersion": 1, "source": ');
  writeFileSync(join(dir, 'op.json'), JSON.stringify({ schemaVersion: 1, source: { file: 'x', rows: 1, columns: [] }, missingTokens: [], steps: [{ op: 'smash' }] }));
  writeFileSync(join(dir, 'col.json'), JSON.stringify({ schemaVersion: 1, source: { file: 'x', rows: 1, columns: [] }, missingTokens: [], steps: [{ op: 'trimWhitespace', columns: ['town'] }] }));
  writeFileSync(join(dir, 'exists.csv'), 'old');
  const before = files();
  const cases: [string[], RegExp][] = [
    [['--recipe', 'bad.json', '--out', 'o.csv'], /bad\.json is not valid JSON/],
    [['--recipe', 'op.json', '--out', 'o.csv'], /op\.json step 1: unknown op "smash"/],
    [['--recipe', 'col.json', '--out', 'o.csv'], /step 1 \(trimWhitespace\) names column "town", but the data has no such column/],
    [['--recipe', 'none.json', '--out', 'o.csv'], /Recipe none\.json does not exist/],
    [['--auto', '--out', 'exists.csv'], /exists\.csv already exists \(use --force/],
    [['--auto', '--out', 'nowhere/o.csv'], /the folder .*nowhere does not exist/],
    [['--auto', '--out', 'messy.csv', '--force'], /is the input file/],
    [['--auto', '--out', 'o.csv', '--save-recipe', 'exists.csv'], /exists\.csv already exists/],
  ];
  for (const [args, pattern] of cases) {
    const r = await mllab('clean', 'messy.csv', ...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    oneLine(r.stderr, pattern);
    assert.deepEqual(files(), before, args.join(' '));
  }
  assert.equal(readFileSync(join(dir, 'exists.csv'), 'utf8'), 'old');
  const missing = await mllab('clean', 'nope.csv', '--auto', '--out', 'o.csv');
  assert.equal(missing.code, 1);
  oneLine(missing.stderr, /nope\.csv does not exist/);
  for (const f of ['bad.json', 'op.json', 'col.json', 'exists.csv']) rmSync(join(dir, f));
});

test('usage errors exit 2', async () => {
  for (const args of [['messy.csv', '--out', 'o.csv'], ['messy.csv', '--auto'], ['messy.csv', '--auto', '--recipe', 'r.json', '--out', 'o.csv'], ['--auto', '--out', 'o.csv']]) {
    const r = await mllab('clean', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^mllab: clean needs|^mllab: give --recipe or --auto/);
  }
  assert.equal(parseCleanArgs(['f.csv', '--help']), null);
  assert.deepEqual(parseCleanArgs(['f.csv', '--auto', '--out', 'o.csv', '--delimiter', 'tab'])?.delimiter, '\t');
  assert.equal(existsSync(join(dir, 'o.csv')), false);
});

test('the exported script reproduces the CLI output when python3 with pandas is present', (t) => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import pandas'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip('needs /usr/bin/python3 with pandas');
    return;
  }
  return (async () => {
    assert.equal((await mllab('clean', 'messy.csv', '--auto', '--out', 'c.csv', '--export-python', 'c.py')).code, 0);
    const py = spawnSync('/usr/bin/python3', [join(dir, 'c.py'), join(dir, 'messy.csv'), join(dir, 'p.csv')], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    // Integers and plain decimals only here: the files are byte-identical.
    assert.equal(readFileSync(join(dir, 'p.csv'), 'utf8'), readFileSync(join(dir, 'c.csv'), 'utf8'));
    for (const f of ['c.csv', 'c.py', 'p.csv']) rmSync(join(dir, f));
  })();
});
