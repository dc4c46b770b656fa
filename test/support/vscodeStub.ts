// Extension code in plain Node tests: from here on `require('vscode')` resolves to a stand-in module (each
// suite has the one it needs), and the returned require loads the code under test relative to the test file.
import Module, { createRequire } from 'node:module';

export function requireWithVscode(stub: string, testFile: string): NodeRequire {
  const resolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolveFilename = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]): string {
    if (request === 'vscode') return stub;
    return resolveFilename.call(this, request, ...rest);
  };
  return createRequire(testFile);
}
