// `mllab profile FILE`: runs the profiling pass in this process (its threads do the parallel work) and
// prints JSON, a readable summary, or writes an HTML/Markdown report.
import { randomBytes } from 'node:crypto';
import { stat, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { diskFullError, UserError } from '../core/errors.js';
import { profileFile } from '../core/profile/profileFile.js';
import { renderProfileHtml, renderProfileMarkdown } from '../core/profile/report/index.js';
import { DEFAULT_MISSING_TOKENS } from '../protocol/profile.js';
import type { DatasetProfile, ProfileOptions, ProfileProgress } from '../protocol/profile.js';
import { parseProfileArgs } from './args.js';
import { progressLine, summaryText } from './terminalText.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

export const PROFILE_HELP = `Usage: mllab profile FILE [options]

Profile a CSV or TSV file in one streaming pass: column types, missing values, distinct counts,
quantiles, outliers, duplicates, correlations and data-quality warnings.

Options:
  --json                   print the profile as one JSON document on stdout
  --out FILE.html|FILE.md  also write a self-contained HTML or Markdown report
  --threads N              worker threads (default 0: one per core)
  --missing-tokens LIST    comma-separated values read as missing (default: ${DEFAULT_MISSING_TOKENS.filter((t) => t !== '').join(',')})
  --delimiter CHAR         field delimiter, e.g. ";" or tab (default: detected)
  -h, --help               show this help

Exit codes: 0 done, 1 bad input, 2 usage error, 130 interrupted.
`;

/** Redraw the progress line at most this often. */
const PROGRESS_REDRAW_MS = 100;

export async function runProfile(argv: string[], io: CliIo): Promise<number> {
  const args = parseProfileArgs(argv);
  if (!args) {
    io.stdout.write(PROFILE_HELP);
    return 0;
  }
  const path = resolve(args.file);
  // Fail before a long pass, not after it: the report's folder must exist.
  if (args.out) await checkFolder(resolve(args.out.path));

  const options: ProfileOptions = {
    missingTokens: args.missingTokens ?? [...DEFAULT_MISSING_TOKENS],
    threads: args.threads ?? 0,
    ...(args.delimiter === null ? {} : { delimiter: args.delimiter }),
  };

  const progress = io.stderr.isTTY ? new ProgressLine(io.stderr) : null;
  let profile: DatasetProfile;
  try {
    profile = await profileFile(path, options, {
      ...(io.signal ? { signal: io.signal } : {}),
      ...(progress ? { onProgress: (p: ProfileProgress) => progress.update(p) } : {}),
    });
  } finally {
    progress?.clear();
  }

  if (args.out) {
    const text = args.out.format === 'html' ? renderProfileHtml(profile) : renderProfileMarkdown(profile);
    await writeReport(resolve(args.out.path), text);
  }
  if (args.json) io.stdout.write(JSON.stringify(profile) + '\n');
  else {
    io.stdout.write(summaryText(profile, basename(path)));
    if (args.out) io.stdout.write(`\nReport written to ${args.out.path}\n`);
  }
  return 0;
}

async function checkFolder(outPath: string): Promise<void> {
  const folder = dirname(outPath);
  const st = await stat(folder).catch(() => null);
  if (!st?.isDirectory()) throw new UserError('BAD_ARGUMENT', `cannot write ${outPath}: the folder ${folder} does not exist.`);
  const target = await stat(outPath).catch(() => null);
  if (target?.isDirectory()) throw new UserError('BAD_ARGUMENT', `cannot write ${outPath}: it is a folder.`);
}

/** Whole or nothing: a temp file beside the target, renamed over it. */
async function writeReport(outPath: string, text: string): Promise<void> {
  const temp = `${outPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, 'utf8');
    await rename(temp, outPath);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    const code = (e as { code?: unknown }).code;
    throw diskFullError(e, outPath) ?? new UserError('BAD_ARGUMENT', `cannot write ${outPath}${typeof code === 'string' ? ` (${code})` : ''}.`);
  }
}

class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(private readonly out: CliIo['stderr']) {}

  update(p: ProfileProgress): void {
    const now = Date.now();
    if (now - this.last < PROGRESS_REDRAW_MS) return;
    this.last = now;
    const width = this.out.columns || 80;
    const line = progressLine(p);
    this.out.write(`\r${[...line].slice(0, width - 1).join('')}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.out.write('\r\x1b[K');
  }
}
