// Argument parsing for `mllab`, kept pure so unit tests can cover every usage error without a process.
// Hand-rolled rather than util.parseArgs: its messages are long and mention internals; ours are one line.

/** A mistake in how the command was called: exit code 2 and a one-line hint. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type ReportFormat = 'html' | 'md';

export interface ProfileArgs {
  file: string;
  json: boolean;
  out: { path: string; format: ReportFormat } | null;
  threads: number | null;
  missingTokens: string[] | null;
  delimiter: string | null;
}

interface OptionSpec {
  takesValue: boolean;
}

export function parseOptions(argv: readonly string[], spec: Record<string, OptionSpec>): { options: Map<string, string | true>; positionals: string[] } {
  const options = new Map<string, string | true>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--') && arg !== '-h') throw new UsageError(`unknown option ${arg}`);
    const body = arg === '-h' ? 'help' : arg.slice(2);
    const eq = body.indexOf('=');
    const name = eq === -1 ? body : body.slice(0, eq);
    const option = spec[name];
    if (!option) throw new UsageError(`unknown option --${name}`);
    if (options.has(name)) throw new UsageError(`--${name} given twice`);
    if (!option.takesValue) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = body.slice(eq + 1);
    else {
      value = argv[i + 1];
      // `--out --json` is a forgotten value, not a file called "--json".
      if (value?.startsWith('--')) value = undefined;
      i++;
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return { options, positionals };
}

const PROFILE_SPEC: Record<string, OptionSpec> = {
  help: { takesValue: false },
  json: { takesValue: false },
  out: { takesValue: true },
  threads: { takesValue: true },
  'missing-tokens': { takesValue: true },
  delimiter: { takesValue: true },
};

/** Returns null when the user asked for help. */
export function parseProfileArgs(argv: readonly string[]): ProfileArgs | null {
  const { options, positionals } = parseOptions(argv, PROFILE_SPEC);
  if (options.has('help')) return null;
  if (positionals.length === 0) throw new UsageError('profile needs a FILE');
  if (positionals.length > 1) throw new UsageError(`profile takes one FILE, got ${positionals.length}`);
  const file = positionals[0] ?? '';

  const outValue = str(options.get('out'));
  let out: ProfileArgs['out'] = null;
  if (outValue !== undefined) {
    const format: ReportFormat | null = /\.html?$/i.test(outValue) ? 'html' : /\.(md|markdown)$/i.test(outValue) ? 'md' : null;
    if (!format) throw new UsageError(`--out must name a .html or .md file, got "${outValue}"`);
    out = { path: outValue, format };
  }

  const threadsValue = str(options.get('threads'));
  let threads: number | null = null;
  if (threadsValue !== undefined) {
    if (!/^\d+$/.test(threadsValue) || Number(threadsValue) > 256) throw new UsageError(`--threads must be a whole number from 0 (one per core) to 256, got "${threadsValue}"`);
    threads = Number(threadsValue);
  }

  const tokensValue = str(options.get('missing-tokens'));
  const missingTokens = tokensValue === undefined ? null : tokensValue.split(',').map((t) => t.trim());

  const delimiterValue = str(options.get('delimiter'));
  let delimiter: string | null = null;
  if (delimiterValue !== undefined) {
    delimiter = delimiterValue === '\\t' || delimiterValue.toLowerCase() === 'tab' ? '\t' : delimiterValue;
    if ([...delimiter].length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new UsageError(`--delimiter must be one character (or "tab"), got "${delimiterValue}"`);
    }
  }

  return { file, json: options.has('json'), out, threads, missingTokens, delimiter };
}

function str(v: string | true | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
