// Where Apply writes the cleaned file: the `mllab.clean.output` setting, a path template. No `vscode`
// import, so it is unit-tested in plain Node.
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

export const DEFAULT_CLEAN_OUTPUT = '${dir}/${name}.clean${ext}';

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * Fills the template for `source`. ${dir}: the source's folder; ${name}: its file name without the
 * extension; ${ext}: its extension, except that a .tsv/.txt source gives .csv (the output is always
 * comma-separated); ${workspaceFolder}: the workspace folder holding it (else its folder). A relative
 * result is taken from the workspace folder.
 */
export function cleanOutputPath(template: string, source: string, workspaceFolder: string | null): string {
  const dir = dirname(source);
  const ext = extname(source);
  const root = workspaceFolder ?? dir;
  const values: Record<string, string> = {
    dir,
    name: basename(source, ext),
    ext: ext.toLowerCase() === '.csv' ? ext : '.csv',
    workspaceFolder: root,
  };
  const filled = template.trim().replace(VARIABLE, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new UserError('BAD_ARGUMENT', `The setting mllab.clean.output uses \${${key}}; the variables are \${dir}, \${name}, \${ext} and \${workspaceFolder}.`);
    return value;
  });
  if (filled === '' || filled.endsWith('/') || filled.endsWith('\\')) throw new UserError('BAD_ARGUMENT', `The setting mllab.clean.output must name a file, got "${template}".`);
  return isAbsolute(filled) ? resolve(filled) : resolve(join(root, filled));
}

/** `<name>_clean.py` / `.ts` beside the source: the default of the code export's save dialog. */
export function codeExportPath(source: string, language: 'python' | 'typescript'): string {
  return join(dirname(source), `${basename(source, extname(source))}_clean.${language === 'python' ? 'py' : 'ts'}`);
}
