import { cac } from 'cac';
import { readFileSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { describeError, writeFileAtomic } from './disk.js';
import { escapeUnprintable, formatIssue, issue, KustzError, UsageError, type Issue } from './errors.js';
import { runFunction } from './fn.js';
import { kustomizeCommand, type KustomizeFlags } from './kustomize-command.js';
import { installPlugin } from './plugin.js';
import { serialize } from './serialize.js';
import { configFiles, ObjectRegistry, renderFile, report, type IO, type RenderFlags } from './shell.js';
import { checkOutputs, writeOutputs, type OutputFlags } from './write-check.js';

/** Files shipped beside dist/ and src/ (both one level below the package root). */
function packageFile(name: string): string {
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}

interface RenderCommandFlags extends OutputFlags {
  output?: string;
}

function renderCommand(files: string[], flags: RenderCommandFlags, io: IO): number {
  // Each file becomes text as soon as it renders, so that the objects of a thousand files are
  // never alive at once; nothing is printed before all of them have rendered.
  const texts: string[] = [];
  const issues: Issue[] = [];
  const names = new ObjectRegistry();
  for (const file of configFiles(flags, files, io)) {
    const rendered = renderFile(file, flags, io);
    issues.push(...rendered.issues);
    if (rendered.result) {
      issues.push(...names.add(file, rendered.result.objects));
      texts.push(serialize(rendered.result.objects));
    }
  }
  if (report(issues, flags.strict, io)) return 1;
  const text = texts.join('---\n');
  if (flags.output === undefined) io.stdout(text);
  else {
    try {
      writeFileAtomic(resolveFrom(io, String(flags.output)), text);
    } catch (e) {
      throw new KustzError([issue('output.write', `cannot write: ${describeError(e)}`, { file: String(flags.output) })]);
    }
  }
  return 0;
}

function validateCommand(files: string[], flags: RenderFlags, io: IO): number {
  const names = new ObjectRegistry();
  const issues = configFiles(flags, files, io).flatMap((f) => {
    const rendered = renderFile(f, flags, io);
    return [...rendered.issues, ...(rendered.result ? names.add(f, rendered.result.objects) : [])];
  });
  if (report(issues, flags.strict, io)) return 1;
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

/**
 * Runs `print` with console.log (where cac writes help and the version) sent to io.stdout: the
 * caller's output, not the process's, and no stdout stream set up for one line.
 */
function throughIO<T>(io: IO, print: () => T): T {
  const log = console.log;
  console.log = (...parts: unknown[]) => io.stdout(`${parts.join(' ')}\n`);
  try {
    return print();
  } finally {
    console.log = log;
  }
}

/** The whole command line; argv without node and script. Resolves to the exit code. */
export async function runCli(argv: readonly string[], io: IO): Promise<number> {
  const cli = cac('kustz');
  let exitCode: number | Promise<number> = 0;
  const run = (fn: () => number | Promise<number>) => () => {
    exitCode = fn();
  };

  addRenderFlags(
    cli
      .command('render [...files]', 'Print the Kubernetes objects of kustz.yml files as multi-document YAML')
      .option('-o, --output <file>', 'write to a file (atomically; left untouched when unchanged) instead of stdout')
      .option('--write', 'write <out-name> beside each kustz.yml, only where it changed (pre-commit)')
      .option('--out-name <name>', 'file name --write and check use beside each kustz.yml (default: manifests.yaml)')
      .option('--check', 'with --write: exit 1 when an output had to be written, as kustz check would (pre-commit misses new files)')
      .option('--hash', 'append a content hash to generated ConfigMap and Secret names (kustomize style) instead of the kustz.io/config-hash annotation'),
  )
    .example('kustz render > manifests.yaml')
    .example('kustz render -c kustz.yml --image registry.example.com/app:1.2.3 | kubectl apply -f -')
    .example('kustz render -c api/kustz.yml -c web/kustz.yml -o all.yaml')
    .example('kustz render --write services/*/kustz.yml')
    .action((files: string[], flags: RenderCommandFlags) =>
      run(() => (flags.write || flags.outName !== undefined || flags.check ? writeOutputs(files, flags, io) : renderCommand(files, flags, io)))(),
    );

  addRenderFlags(
    cli
      .command('check [...files]', 'Exit 1 with a diff when an output of render --write (or render -o) is missing or out of date; writes nothing')
      .option('-o, --output <file>', 'compare this file with the output of all inputs (as render -o writes it)')
      .option('--out-name <name>', 'file name beside each kustz.yml (default: manifests.yaml)')
      .option('--hash', 'the outputs were rendered with render --hash'),
  )
    .example('kustz check services/*/kustz.yml')
    .example('kustz check -c kustz.yml -o deploy/manifests.yaml')
    .action((files: string[], flags: OutputFlags) => run(() => checkOutputs(files, flags, io))());

  addRenderFlags(cli.command('validate [...files]', 'Check kustz.yml files (schema, API-server rules, lints); prints "ok"'))
    .example('kustz validate')
    .example('kustz validate --strict services/*/kustz.yml')
    .action((files: string[], flags: RenderFlags) => run(() => validateCommand(files, flags, io))());

  addRenderFlags(
    cli
      .command('kustomize [...files]', 'Write a kustomization directory (-o DIR) whose build gives the objects of a kustz.yml')
      .option('-o, --output <dir>', 'the directory to write; files whose content is unchanged are left untouched')
      .option('--hash', 'let kustomize append content hashes to generated ConfigMap and Secret names'),
  )
    .example('kustz kustomize -o deploy/ && kubectl kustomize deploy/')
    .example('kustz kustomize -c services/api/kustz.yml --image registry.example.com/api:1.2.3 --hash -o overlays/api/base')
    .action((files: string[], flags: KustomizeFlags) => run(() => kustomizeCommand(files, flags, io))());

  cli
    .command('fn', 'Run as a KRM function: a ResourceList on stdin, the same list with the generated objects on stdout')
    .example('kpt fn eval DIR --exec kustz --fn-config kustz-generator.yaml')
    .action(run(() => runFunction(io.stdin?.() ?? '', io)));

  cli
    .command('plugin <action>', 'install: put kustz where kustomize finds legacy exec plugins (kustz/v1/kustz/Kustz)')
    .option('--home <dir>', 'plugin home (default: $KUSTOMIZE_PLUGIN_HOME, else $XDG_CONFIG_HOME/kustomize/plugin, else ~/.config/kustomize/plugin)')
    .example('kustz plugin install && kubectl kustomize --enable-alpha-plugins DIR')
    .action((action: string, flags: { home?: string }) =>
      run(() => {
        if (action !== 'install') throw new UsageError(`unknown plugin action "${action}"; the only one is: kustz plugin install [--home DIR]`);
        return installPlugin(flags.home === undefined ? undefined : String(flags.home), io);
      })(),
    );

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
    throughIO(io, () => cli.parse(['node', 'kustz', ...argv], { run: false }));
    if (cli.options['help'] || cli.options['version']) return 0;
    if (!cli.matchedCommand) {
      if (cli.args.length) throw new UsageError(`unknown command "${cli.args[0]}"; run kustz --help`);
      throughIO(io, () => cli.outputHelp());
      return 2;
    }
    cli.runMatchedCommand();
    return await exitCode;
  } catch (e) {
    if (e instanceof KustzError) {
      for (const i of e.issues) io.stderr(formatIssue(i) + '\n');
      return 1;
    }
    if (e instanceof UsageError || (e as Error)?.name === 'CACError') {
      io.stderr(`kustz: ${escapeUnprintable((e as Error).message)}\n`);
      return 2;
    }
    throw e;
  }
}
