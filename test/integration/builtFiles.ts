// The integration tests run the built bundles (dist/), exactly what ships. `npm test` builds first; run
// on its own, a missing bundle fails with this message rather than a confusing spawn error.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const fixtures = join(__dirname, 'fixtures');

export function builtFile(name: string): string {
  const path = join(repoRoot, 'dist', name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (\`npm test\` builds before testing).`);
  return path;
}
