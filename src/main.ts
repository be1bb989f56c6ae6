import { runCli } from './cli.js';

/** The executable: the real process around runCli, and the last line of defence against a trace. */
try {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  });
} catch (e) {
  process.stderr.write(
    process.env['KUSTZ_DEBUG'] === '1'
      ? `kustz: internal error: ${(e as Error)?.stack ?? String(e)}\n`
      : `kustz: internal error: ${(e as Error)?.message ?? String(e)} (set KUSTZ_DEBUG=1 for details; please report it)\n`,
  );
  process.exitCode = 1;
}
