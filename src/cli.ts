import { cac } from 'cac';
import { readFileSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { writeFileAtomic } from './disk.js';
import { formatIssue, KustzError, UsageError } from './errors.js';
import { serialize } from './serialize.js';
import { configFiles, renderFile, report, type IO, type RenderFlags } from './shell.js';

/** Files shipped beside dist/ and src/ (both one level below the package root). */
function packageFile(name: string): string {
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}

interface RenderCommandFlags extends RenderFlags {
  output?: string;
}

function renderCommand(files: string[], flags: RenderCommandFlags, io: IO): number {
  const rendered = configFiles(flags, files, io).map((f) => renderFile(f, flags, io));
  const failed = report(rendered.flatMap((r) => r.issues), flags.strict, io);
  if (failed) return 1;
  const text = rendered.map((r) => serialize(r.result!.objects)).join('---\n');
  if (flags.output !== undefined) writeFileAtomic(resolveFrom(io, String(flags.output)), text);
  else io.stdout(text);
  return 0;
}

function validateCommand(files: string[], flags: RenderFlags, io: IO): number {
  const rendered = configFiles(flags, files, io).map((f) => renderFile(f, flags, io));
  if (report(rendered.flatMap((r) => r.issues), flags.strict, io)) return 1;
  io.stdout('ok\n');
  return 0;
}

function resolveFrom(io: IO, path: string): string {
  return path.startsWith('/') ? path : `${io.cwd}/${path}`;
}

function addRenderFlags<T extends { option(name: string, description: string, config?: object): T }>(command: T): T {
  return command
    .option('-c, --config <file>', 'kustz.yml to render (repeatable; default kustz.yml, then kustz.yaml)')
    .option('--image <image>', 'override service.image')
    .option('--replicas <n>', 'override service.replicas')
    .option('--set <path=value>', 'override any field, e.g. --set service.envs.pairs.LOG_LEVEL=debug (repeatable)')
    .option('--strict', 'treat warnings as errors')
    .option('--load-restrictor <mode>', 'rootonly (default): files must sit inside the kustz.yml directory; none: anywhere');
}

/** The whole command line; argv without node and script. Returns the exit code. */
export function runCli(argv: readonly string[], io: IO): number {
  const cli = cac('kustz');
  let exitCode = 0;
  const run = (fn: () => number) => () => {
    exitCode = fn();
  };

  addRenderFlags(
    cli
      .command('render [...files]', 'Print the Kubernetes objects of kustz.yml files as multi-document YAML')
      .option('-o, --output <file>', 'write to a file (atomically; left untouched when unchanged) instead of stdout'),
  )
    .example('kustz render > manifests.yaml')
    .example('kustz render -c kustz.yml --image registry.example.com/app:1.2.3 | kubectl apply -f -')
    .example('kustz render -c api/kustz.yml -c web/kustz.yml -o all.yaml')
    .action((files: string[], flags: RenderCommandFlags) => run(() => renderCommand(files, flags, io))());

  addRenderFlags(cli.command('validate [...files]', 'Check kustz.yml files (schema, API-server rules, lints); prints "ok"'))
    .example('kustz validate')
    .example('kustz validate --strict services/*/kustz.yml')
    .action((files: string[], flags: RenderFlags) => run(() => validateCommand(files, flags, io))());

  cli
    .command('default', 'Print an annotated example kustz.yml')
    .example('kustz default > kustz.yml')
    .action(run(() => (io.stdout(packageFile('kustz.yml.example')), 0)));

  cli
    .command('schema', 'Print the JSON Schema of kustz.yml (for editors: # yaml-language-server: $schema=...)')
    .example('kustz schema > kustz.schema.json')
    .action(run(() => (io.stdout(packageFile('schemas/kustz.schema.json')), 0)));

  cli.help();
  cli.version(pkg.version);

  try {
    cli.parse(['node', 'kustz', ...argv], { run: false });
    if (cli.options['help'] || cli.options['version']) return 0;
    if (!cli.matchedCommand) {
      if (cli.args.length) throw new UsageError(`unknown command "${cli.args[0]}"; run kustz --help`);
      cli.outputHelp();
      return 2;
    }
    cli.runMatchedCommand();
    return exitCode;
  } catch (e) {
    if (e instanceof KustzError) {
      for (const i of e.issues) io.stderr(formatIssue(i) + '\n');
      return 1;
    }
    if (e instanceof UsageError || (e as Error)?.name === 'CACError') {
      io.stderr(`kustz: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
