import { runCli } from './cli.js';
import { readStdin, signalsLanded, writeAll } from './disk.js';
import { formatIssue, issue, KustzError } from './errors.js';
import { pluginCall, runPluginCall } from './plugin.js';
import type { IO } from './shell.js';

/**
 * The executable: the real process around runCli (or around a kustomize plugin call, which comes
 * without a command), and the last line of defence against a trace.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const io: IO = {
    stdout: (text) => writeAll(1, text),
    stderr: (text) => writeAll(2, text),
    env: process.env,
    // Asked only by commands that read or write files: `kustz --version` works in a directory
    // removed from under the shell, and the others say what is wrong.
    get cwd() {
      try {
        return process.cwd();
      } catch {
        throw new KustzError([issue('cwd.gone', 'the current directory no longer exists', { hint: 'cd to an existing directory, e.g. cd "$PWD", and run kustz again' })]);
      }
    },
    stdin: readStdin,
  };
  // A getter: setting up process.stdin costs start-up time, and only a run without arguments asks.
  const stdin = { get isTTY() { return process.stdin.isTTY === true; }, read: readStdin };
  const call = pluginCall(argv, process.env, stdin);
  const code = await (call ? runPluginCall(call, io) : runCli(argv, io));
  await signalsLanded();
  return code;
}

// No top-level await: the bundle is CommonJS, which Node starts faster than an ES module.
// process.exit, not exitCode: all output is written synchronously by now, and a large render
// leaves V8 garbage-collection tasks behind that Node would otherwise wait for (10-20 ms after
// a 10,000-line .env, see `npm run bench`).
main().then(
  (code) => {
    process.exit(code);
  },
  (e: unknown) => {
    // A KustzError here is one the plugin protocols met writing their output (runCli reports its own).
    const text =
      e instanceof KustzError
        ? e.issues.map((i) => formatIssue(i) + '\n').join('')
        : process.env['KUSTZ_DEBUG'] === '1'
          ? `kustz: internal error: ${(e as Error)?.stack ?? String(e)}\n`
          : `kustz: internal error: ${(e as Error)?.message ?? String(e)} (set KUSTZ_DEBUG=1 for details; please report it)\n`;
    process.stderr.write(text);
    process.exitCode = 1;
  },
);
