/**
 * kustz as a kustomize plugin: one executable for both protocols, told apart without arguments
 * since kustomize passes none that would say which (SPEC 5), and `kustz plugin install`.
 */
import { readlinkSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, makeDirectory, readConfigFile } from './disk.js';
import { formatIssue, issue, KustzError } from './errors.js';
import { builtin } from './lazy.js';
import { isResourceList, readFunctionInput, runFunction, type FunctionInput } from './fn.js';
import { generate, GENERATOR_CONFIG_EXAMPLE } from './generator.js';
import { serialize } from './serialize.js';
import { parseConfig } from './parse.js';
import { report, type IO } from './shell.js';

export type PluginCall = { protocol: 'exec'; config: string } | { protocol: 'krm'; input: FunctionInput };

/**
 * A legacy exec plugin gets KUSTOMIZE_PLUGIN_CONFIG_ROOT and the absolute path of a temporary
 * config file as its only argument (no command is an absolute path); a KRM function gets no
 * argument and a ResourceList on stdin. Text there that is no valid YAML is taken for a list
 * that broke, and answered as `kustz fn` answers it, with where it breaks; the help would not
 * say. Anything else is the command line.
 */
export function pluginCall(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  stdin: { isTTY: boolean; read(): string },
): PluginCall | undefined {
  if (env['KUSTOMIZE_PLUGIN_CONFIG_ROOT'] !== undefined && argv.length === 1 && isAbsolute(argv[0]!)) {
    return { protocol: 'exec', config: argv[0]! };
  }
  if (argv.length === 0 && !stdin.isTTY) {
    const input = readFunctionInput(stdin.read());
    if (isResourceList(input) || input.doc.errors.length) return { protocol: 'krm', input };
  }
  return undefined;
}

export function runPluginCall(call: PluginCall, io: IO): number {
  return call.protocol === 'krm' ? runFunction(call.input, io) : runExecPlugin(call.config, io);
}

/** The legacy exec protocol: config file in, multi-document YAML out. */
function runExecPlugin(configFile: string, io: IO): number {
  // Read as any input is: a regular file, of at most MAX_INPUT_BYTES.
  const read = readConfigFile(configFile, 'none');
  if (!read.ok) {
    io.stderr(formatIssue(issue('generator.config', read.message, { file: configFile, hint: read.hint })) + '\n');
    return 1;
  }
  const source = Buffer.from(read.bytes).toString('utf8');
  // Read as a kustz.yml is: YAML errors at their line, the same tags. An empty file wants a
  // generator config, not a kustz.yml to start.
  const { config, issues } = parseConfig(source, configFile);
  if (report(issues.map((i) => (i.code === 'yaml.empty' ? { ...i, hint: `write a generator config, e.g. ${GENERATOR_CONFIG_EXAMPLE}` } : i)), false, io)) return 1;
  const { objects, issues: found } = generate(config, io);
  report(found, false, io);
  if (!objects) return 1;
  io.stdout(serialize(objects));
  return 0;
}

/** Where kustomize looks for legacy plugins, in its own order. */
export function defaultPluginHome(env: Readonly<Record<string, string | undefined>>): string {
  if (env['KUSTOMIZE_PLUGIN_HOME']) return env['KUSTOMIZE_PLUGIN_HOME'];
  if (env['XDG_CONFIG_HOME']) return join(env['XDG_CONFIG_HOME'], 'kustomize', 'plugin');
  return join(env['HOME'] || builtin<typeof import('node:os')>('node:os').homedir(), '.config', 'kustomize', 'plugin');
}

/**
 * Puts a symlink to this package's executable at HOME/kustz/v1/kustz/Kustz (replaced
 * atomically, left alone when it already points there) and prints how to use it.
 */
export function installPlugin(home: string | undefined, io: IO): number {
  const root = resolve(io.cwd, home ?? defaultPluginHome(io.env));
  const link = join(root, 'kustz', 'v1', 'kustz', 'Kustz');
  const bin = fileURLToPath(new URL('../bin/kustz.js', import.meta.url));
  try {
    makeDirectory(dirname(link));
    let current: string | undefined;
    try {
      current = readlinkSync(link);
    } catch {
      // Not there yet, or not a symlink: replace it.
    }
    if (current !== bin) {
      const tmp = `${link}.kustz-tmp-${process.pid}`;
      symlinkSync(bin, tmp);
      renameSync(tmp, link);
    }
  } catch (e) {
    throw new KustzError([issue('plugin.install', `cannot install the plugin at ${link}: ${describeError(e)}`, { hint: 'pick a writable directory with --home' })]);
  }
  const env = root === resolve(io.cwd, defaultPluginHome(io.env)) ? '' : `KUSTOMIZE_PLUGIN_HOME=${root} `;
  // `npx kustz plugin install` runs kustz from npm's cache, which npm clears when it likes.
  if (/[\\/]_npx[\\/]/.test(bin)) {
    io.stderr(`kustz: warning: the plugin links into npx's cache (${bin}), which npm may clear at any time\n  hint: install kustz (npm install -g kustz) and run kustz plugin install again\n`);
  }
  io.stdout(`installed ${link} -> ${bin}

List a generator config in a kustomization:
  generators: [kustz-generator.yaml]
kustz-generator.yaml:
  apiVersion: kustz/v1
  kind: Kustz
  metadata:
    name: my-service
  spec:
    config: kustz.yml   # relative to the kustomization; or the kustz.yml fields inline under spec
    hash: false         # true: kustomize appends hash suffixes to ConfigMap and Secret names
Build it with:
  ${env}kubectl kustomize --enable-alpha-plugins DIR
`);
  return 0;
}
