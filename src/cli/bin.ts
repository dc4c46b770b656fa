// The `mllab` executable (dist/cli.mjs, started by the dist/cli.js shim): runs the CLI on this process's
// arguments and streams; Ctrl-C cancels the running job (exit code 130).
import { runCli } from './main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then((code) => {
  process.exitCode = code;
});
