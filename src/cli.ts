import { readFileSync } from 'node:fs';
import pkg from '../package.json' with { type: 'json' };
import { helpText, parseArgs, type CommandSpec, type Flags, type OptionSpec } from './args.js';
import { changesFileRead, namesStream, writeFiles, WriteError, writeInto, type FilesRead } from './disk.js';
import { escapeUnprintable, formatIssue, KustzError, UsageError, type Issue } from './errors.js';
import { readFunctionInput, runFunction } from './fn.js';
import { kustomizeCommand, type KustomizeFlags } from './kustomize-command.js';
import { installPlugin } from './plugin.js';
import { serialize } from './serialize.js';
import { configFiles, ObjectRegistry, outputFile, renderFile, replacesInput, report, type IO, type RenderFlags } from './shell.js';
import { checkOutputs, writeOutputs, type OutputFlags } from './write-check.js';

/** Files shipped beside dist/ and src/ (both one level below the package root). */
function packageFile(name: string): string {
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}

function renderCommand(files: string[], flags: OutputFlags, io: IO): number {
  // Each file becomes text as soon as it renders, so that the objects of a thousand files are
  // never alive at once; nothing is printed before all of them have rendered.
  const texts: string[] = [];
  const issues: Issue[] = [];
  const names = new ObjectRegistry();
  // Only an output file can replace an input: stdout needs no record of what was read.
  const output = flags.output === undefined ? undefined : outputFile(flags.output, io);
  const filesRead: FilesRead | undefined = output === undefined ? undefined : new Set();
  for (const file of configFiles(flags, files, io)) {
    const rendered = renderFile(file, flags, io, { filesRead });
    issues.push(...rendered.issues);
    if (rendered.result) {
      issues.push(...names.add(file, rendered.result));
      texts.push(serialize(rendered.result.objects));
    }
  }
  if (report(issues, flags.strict, io)) return 1;
  const text = texts.join('---\n');
  if (output === undefined) io.stdout(text);
  else {
    if (filesRead && changesFileRead(output.path, text, filesRead)) throw new KustzError([replacesInput(output.shown, 'write the objects to a file of their own, e.g. -o manifests.yaml')]);
    try {
      if (namesStream(output.path)) writeInto(output.path, output.shown, text);
      else writeFiles([{ ...output, content: text }]);
    } catch (e) {
      if (e instanceof WriteError) throw new KustzError([e.toIssue()]);
      throw e;
    }
  }
  return 0;
}

function validateCommand(files: string[], flags: RenderFlags, io: IO): number {
  const names = new ObjectRegistry();
  const issues = configFiles(flags, files, io).flatMap((f) => {
    const rendered = renderFile(f, flags, io);
    return [...rendered.issues, ...(rendered.result ? names.add(f, rendered.result) : [])];
  });
  if (report(issues, flags.strict, io)) return 1;
  io.stdout('ok\n');
  return 0;
}

const CONFIG_OPTION: OptionSpec = { name: 'config', short: 'c', value: 'file', repeatable: true, description: 'kustz.yml to render (repeatable; default kustz.yml, then kustz.yaml)' };

/** The overrides and checks of every command that renders, after its own options. */
const OVERRIDE_OPTIONS: OptionSpec[] = [
  { name: 'image', value: 'image', description: 'override service.image' },
  { name: 'replicas', value: 'n', description: 'override service.replicas' },
  { name: 'set', value: 'path=value', repeatable: true, description: 'override any field, e.g. --set service.envs.pairs.LOG_LEVEL=debug (repeatable)' },
  { name: 'strict', description: 'treat warnings as errors' },
  { name: 'load-restrictor', value: 'mode', description: 'rootonly (default): files must sit inside the kustz.yml directory; none: anywhere' },
];

interface Command extends CommandSpec {
  run(args: string[], flags: Flags, io: IO): number | Promise<number>;
}

/** Every command kustz knows; the hint test reads a golden case's command line with them, as kustz does. */
export const COMMANDS: Command[] = [
  {
    name: 'render',
    args: '[...files]',
    description: 'Print the Kubernetes objects of kustz.yml files as multi-document YAML',
    options: [
      { name: 'output', short: 'o', value: 'file', description: 'write to a file (atomically; left untouched when unchanged) instead of stdout' },
      { name: 'write', description: 'write <out-name> beside each kustz.yml, only where it changed (pre-commit)' },
      { name: 'out-name', value: 'name', description: 'file name --write and check use beside each kustz.yml (default: manifests.yaml)' },
      { name: 'check', description: 'with --write: exit 1 when an output had to be written, as kustz check would (pre-commit misses new files)' },
      { name: 'hash', description: 'append a content hash to generated ConfigMap and Secret names (kustomize style) instead of the kustz.io/config-hash annotation' },
      CONFIG_OPTION,
      ...OVERRIDE_OPTIONS,
    ],
    examples: [
      'kustz render > manifests.yaml',
      'kustz render -c kustz.yml --image registry.example.com/app:1.2.3 | kubectl apply -f -',
      'kustz render -c api/kustz.yml -c web/kustz.yml -o all.yaml',
      'kustz render --write services/*/kustz.yml',
    ],
    run: (files, flags: OutputFlags, io) =>
      flags.write || flags.outName !== undefined || flags.check ? writeOutputs(files, flags, io) : renderCommand(files, flags, io),
  },
  {
    name: 'check',
    args: '[...files]',
    description: 'Exit 1 with a diff when an output of render --write (or render -o) is missing or out of date; writes nothing',
    options: [
      { name: 'output', short: 'o', value: 'file', description: 'compare this file with the output of all inputs (as render -o writes it)' },
      { name: 'out-name', value: 'name', description: 'file name beside each kustz.yml (default: manifests.yaml)' },
      { name: 'hash', description: 'the outputs were rendered with render --hash' },
      CONFIG_OPTION,
      ...OVERRIDE_OPTIONS,
    ],
    examples: ['kustz check services/*/kustz.yml', 'kustz check -c kustz.yml -o deploy/manifests.yaml'],
    run: (files, flags: OutputFlags, io) => checkOutputs(files, flags, io),
  },
  {
    name: 'validate',
    args: '[...files]',
    description: 'Check kustz.yml files (schema, API-server rules, lints); prints "ok"',
    options: [CONFIG_OPTION, ...OVERRIDE_OPTIONS],
    examples: ['kustz validate', 'kustz validate --strict services/*/kustz.yml'],
    run: (files, flags: RenderFlags, io) => validateCommand(files, flags, io),
  },
  {
    name: 'kustomize',
    args: '[...files]',
    description: 'Write a kustomization directory (-o DIR) whose build gives the objects of a kustz.yml',
    options: [
      { name: 'output', short: 'o', value: 'dir', description: 'the directory to write; files whose content is unchanged are left untouched' },
      { name: 'hash', description: 'let kustomize append content hashes to generated ConfigMap and Secret names' },
      { ...CONFIG_OPTION, repeatable: false, description: 'the kustz.yml (default kustz.yml, then kustz.yaml)' },
      ...OVERRIDE_OPTIONS,
    ],
    examples: ['kustz kustomize -o deploy/ && kubectl kustomize deploy/', 'kustz kustomize -c services/api/kustz.yml --image registry.example.com/api:1.2.3 --hash -o overlays/api/base'],
    run: (files, flags: KustomizeFlags, io) => kustomizeCommand(files, flags, io),
  },
  {
    name: 'fn',
    args: '',
    description: 'Run as a KRM function: a ResourceList on stdin, the same list with the generated objects on stdout',
    options: [],
    examples: ['kpt fn eval DIR --exec kustz --fn-config kustz-generator.yaml'],
    run: (_, __, io) => runFunction(readFunctionInput(io.stdin?.() ?? ''), io),
  },
  {
    name: 'plugin',
    args: '<action>',
    description: 'install: put kustz where kustomize finds legacy exec plugins (kustz/v1/kustz/Kustz)',
    options: [{ name: 'home', value: 'dir', description: 'plugin home (default: $KUSTOMIZE_PLUGIN_HOME, else $XDG_CONFIG_HOME/kustomize/plugin, else ~/.config/kustomize/plugin)' }],
    examples: ['kustz plugin install && kubectl kustomize --enable-alpha-plugins DIR'],
    run: ([action], flags, io) => {
      if (action !== 'install') throw new UsageError(`unknown plugin action "${action}"; the only one is: kustz plugin install [--home DIR]`);
      return installPlugin(flags['home'] === undefined ? undefined : String(flags['home']), io);
    },
  },
  {
    name: 'default',
    args: '',
    description: 'Print an annotated example kustz.yml',
    options: [],
    examples: ['kustz default > kustz.yml'],
    run: (_, __, io) => (io.stdout(packageFile('kustz.yml.example')), 0),
  },
  {
    name: 'schema',
    args: '',
    description: 'Print the JSON Schema of kustz.yml (for editors: # yaml-language-server: $schema=...)',
    options: [],
    examples: ['kustz schema > kustz.schema.json'],
    run: (_, __, io) => (io.stdout(packageFile('schemas/kustz.schema.json')), 0),
  },
];

/** The whole command line; argv without node and script. Resolves to the exit code. */
export async function runCli(argv: readonly string[], io: IO): Promise<number> {
  try {
    const parsed = parseArgs(argv, COMMANDS);
    const title = `kustz/${pkg.version}`;
    switch (parsed.kind) {
      case 'version':
        io.stdout(`${title} ${process.platform}-${process.arch} node-${process.version}\n`);
        return 0;
      case 'help':
        io.stdout(helpText(title, COMMANDS, parsed.command));
        return 0;
      case 'none':
        io.stdout(helpText(title, COMMANDS));
        return 2;
      default:
        return await (parsed.command as Command).run(parsed.args, parsed.flags, io);
    }
  } catch (e) {
    if (e instanceof KustzError) {
      for (const i of e.issues) io.stderr(formatIssue(i) + '\n');
      return 1;
    }
    if (e instanceof UsageError) {
      io.stderr(`kustz: ${escapeUnprintable(e.message)}\n`);
      return 2;
    }
    throw e;
  }
}
