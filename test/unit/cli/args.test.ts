import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfileArgs, UsageError } from '../../../src/cli/args.js';
import { progressMessage, safeText } from '../../../src/cli/terminalText.js';

test('defaults: only the file', () => {
  assert.deepEqual(parseProfileArgs(['loans.csv']), { file: 'loans.csv', json: false, out: null, threads: null, missingTokens: null, delimiter: null });
});

test('every option, in both --name value and --name=value forms', () => {
  assert.deepEqual(parseProfileArgs(['--json', 'loans.csv', '--out', 'r.HTML', '--threads=3', '--missing-tokens', 'NA, ?,null', '--delimiter=;']), {
    file: 'loans.csv',
    json: true,
    out: { path: 'r.HTML', format: 'html' },
    threads: 3,
    missingTokens: ['NA', '?', 'null'],
    delimiter: ';',
  });
  assert.deepEqual(parseProfileArgs(['x.tsv', '--out=r.md'])?.out, { path: 'r.md', format: 'md' });
});

test('tab can be named, and "--" ends the options', () => {
  assert.equal(parseProfileArgs(['x.tsv', '--delimiter', 'tab'])?.delimiter, '\t');
  assert.equal(parseProfileArgs(['x.tsv', '--delimiter', '\\t'])?.delimiter, '\t');
  assert.equal(parseProfileArgs(['--', '--weird.csv'])?.file, '--weird.csv');
});

test('--help wins over everything else', () => {
  assert.equal(parseProfileArgs(['--help']), null);
  assert.equal(parseProfileArgs(['x.csv', '-h', '--threads', 'lots']), null);
});

test('usage errors say what is wrong', () => {
  const cases: [string[], RegExp][] = [
    [[], /needs a FILE/],
    [['a.csv', 'b.csv'], /one FILE, got 2/],
    [['a.csv', '--threads', '1.5'], /--threads must be a whole number/],
    [['a.csv', '--threads', '999'], /--threads must be a whole number/],
    [['a.csv', '--out', 'r.txt'], /--out must name a \.html or \.md file/],
    [['a.csv', '--delimiter', ''], /--delimiter must be one character/],
    [['a.csv', '--delimiter', '"'], /--delimiter must be one character/],
    [['a.csv', '--verbose'], /unknown option --verbose/],
    [['a.csv', '-x'], /unknown option -x/],
    [['a.csv', '--json', '--json'], /--json given twice/],
    [['a.csv', '--json=1'], /--json takes no value/],
    [['a.csv', '--out'], /--out needs a value/],
    [['a.csv', '--out', '--json'], /--out needs a value/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseProfileArgs(argv), (e: unknown) => e instanceof UsageError && message.test(e.message), argv.join(' '));
  }
});

test('terminal text escapes control characters from the data', () => {
  assert.equal(safeText('a\x1b[2Jb\nc'), 'a\\x1b[2Jb\\x0ac');
  assert.equal(safeText('abcdef', 4), 'abc…');
  assert.equal(safeText('ok'), 'ok');
});

test('the progress message: percent, bytes, time left', () => {
  const gib = 1024 ** 3;
  assert.equal(progressMessage({ bytesDone: 0.42 * gib, bytesTotal: gib, rowsDone: 1, etaMs: 8000 }), '42% · 430 MB of 1.0 GB · about 8 s left');
  assert.equal(progressMessage({ bytesDone: 512, bytesTotal: 2048, rowsDone: 1, etaMs: null }), '25% · 512 B of 2.0 KB');
  // A first report after 46 bytes extrapolates to hours: no estimate until 1% is done.
  assert.equal(progressMessage({ bytesDone: 46, bytesTotal: 19_600_000, rowsDone: 1, etaMs: 455_760_000 }), '0% · 46 B of 18.7 MB');
});
