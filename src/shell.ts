/**
 * What every command shares: finding the kustz.yml files, reading them, calling the core, and
 * turning its issues into stderr lines. Commands stay a few lines each.
 */
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { diskReader, fileIdentity, readConfigFile, type FilesRead, type RealDirectories } from './disk.js';
import { formatIssue, issue, KustzError, UsageError, type Issue } from './errors.js';
import { decodeUtf8, invalidUtf8Position, utf16Problem, type FileBase, type LoadRestrictor } from './files.js';
import { imageOverride, parseSetFlag, replicasOverride, type Override } from './overrides.js';
import { render, type RenderInput, type RenderResult } from './render.js';

export interface IO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** All of stdin, read on demand (`kustz fn`); absent means empty. */
  stdin?(): string;
}

/** Flags shared by every command that renders. */
export interface RenderFlags {
  config?: string | string[];
  image?: string;
  replicas?: string | number;
  set?: string | string[];
  strict?: boolean;
  loadRestrictor?: string;
  hash?: boolean;
}

/** The names a kustz.yml goes by when none is given, in the order they are looked for. */
export const CONFIG_NAMES = ['kustz.yml', 'kustz.yaml'];

export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * `-c` files then positional files; with neither, kustz.yml (then kustz.yaml) here. A file named
 * twice (`kustz.yml ./kustz.yml`, or a glob and a name) would print its objects twice.
 */
export function configFiles(flags: RenderFlags, positional: readonly string[], io: IO): string[] {
  const files = [...list(flags.config), ...positional.map(String)];
  const named = new Map<string, string>();
  for (const file of files) {
    // By device and inode: through a link to the file or to its directory, it is the same file.
    const full = resolve(io.cwd, file);
    const same = fileIdentity(full) ?? full;
    const first = named.get(same);
    if (first !== undefined) throw new UsageError(`${first === file ? `${file} is named twice` : `${first} and ${file} are the same file`}; name each kustz.yml once`);
    named.set(same, file);
  }
  if (files.length) return files;
  for (const name of CONFIG_NAMES) if (existsSync(`${io.cwd}/${name}`)) return [name];
  throw new KustzError([
    issue('config.missing', `no kustz.yml or kustz.yaml in ${io.cwd}`, { hint: 'pass -c path/to/kustz.yml, or start one with: kustz default > kustz.yml' }),
  ]);
}

/** The file `-o` names, resolved; one that ends in a slash names a directory, which no output is. */
export function outputFile(value: string, io: IO): { path: string; shown: string } {
  if (/[\\/]$/.test(value)) throw new UsageError(`-o takes a file name, got "${value}"; for a file in that directory write e.g. -o ${value}manifests.yaml`);
  return { path: resolve(io.cwd, value), shown: value };
}

/** The real path of a directory that may not exist yet: its nearest existing ancestor's, plus the rest. */
export function realDirectory(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(realDirectory(parent), basename(path));
  }
}

export function overridesFrom(flags: RenderFlags): Override[] {
  const out: Override[] = [];
  if (flags.image !== undefined) out.push(imageOverride(String(flags.image)));
  if (flags.replicas !== undefined) out.push(replicasOverride(String(flags.replicas)));
  for (const s of list(flags.set)) out.push(parseSetFlag(s));
  return out;
}

export function loadRestrictor(flags: RenderFlags): LoadRestrictor {
  const value = flags.loadRestrictor ?? 'rootonly';
  if (value !== 'rootonly' && value !== 'none') {
    throw new UsageError(`--load-restrictor must be rootonly or none, got "${value}"`);
  }
  return value;
}

/**
 * Directory real paths, for as long as one run (one IO) lasts: a run over many kustz.yml files
 * looks each shared parent up once, and a later run sees the disk as it is then.
 */
const realDirectories = new WeakMap<IO, RealDirectories>();

function realDirectoriesOf(io: IO): RealDirectories {
  let dirs = realDirectories.get(io);
  if (!dirs) realDirectories.set(io, (dirs = new Map()));
  return dirs;
}

export interface Rendered {
  file: string;
  result?: RenderResult;
  issues: Issue[];
}

/**
 * Renders one kustz.yml from disk; problems come back as issues, never as throws. `--hash`
 * means `hashMode`: 'suffix' where kustz prints the objects, 'kustomize' where kustomize builds them.
 * `filesRead`, when given, learns the kustz.yml and every file it names; `base` says how
 * messages name where files are read from, and `namedIn` what names the kustz.yml where the
 * command line does not (a generator config's spec).
 */
export function renderFile(
  file: string,
  flags: RenderFlags,
  io: IO,
  { hashMode = 'suffix', filesRead, base, namedIn }: { hashMode?: RenderInput['hash']; filesRead?: FilesRead; base?: FileBase; namedIn?: FileBase } = {},
): Rendered {
  const path = file.startsWith('/') ? file : `${io.cwd}/${file}`;
  const restrictor = loadRestrictor(flags);
  const reading = { read: filesRead, dirs: realDirectoriesOf(io), base };
  const read = readConfigFile(path, restrictor, { ...reading, namedIn });
  if (!read.ok) {
    // `kustz render services/api`, as kustomize build takes a directory.
    const inside = CONFIG_NAMES.find((name) => existsSync(join(path, name)));
    const hint = inside ? `name the file in it: ${join(file, inside)}` : read.hint;
    return { file, issues: [issue('config.read', read.message, { file, ...(hint ? { hint } : {}) })] };
  }
  const utf16 = utf16Problem(read.bytes);
  if (utf16) return { file, issues: [issue('config.invalid-utf8', utf16.message, { file, line: 1, col: 1, hint: utf16.hint })] };
  const source = decodeUtf8(read.bytes);
  if (source === undefined) {
    return { file, issues: [issue('config.invalid-utf8', 'the file is not valid UTF-8', { file, ...invalidUtf8Position(read.bytes), hint: 'save it as UTF-8' })] };
  }
  try {
    const result = render({
      source,
      file,
      readFile: diskReader(dirname(path), restrictor, reading),
      overrides: overridesFrom(flags),
      env: io.env,
      loadRestrictor: restrictor,
      ...(base ? { fileBase: base } : {}),
      ...(flags.hash ? { hash: hashMode } : {}),
    });
    return { file, result, issues: result.warnings };
  } catch (e) {
    if (e instanceof KustzError) return { file, issues: e.issues };
    throw e;
  }
}

/** The objects named after a kustz.yml's `name`. */
const NAMED_AFTER_NAME = ['Deployment', 'Service', 'Ingress'];

/**
 * Several kustz.yml files in one stream are applied together: two objects of one kind, name and
 * namespace would silently overwrite each other in the cluster.
 */
export class ObjectRegistry {
  private readonly seen = new Map<string, string>();

  add(file: string, result: RenderResult): Issue[] {
    const issues: Issue[] = [];
    for (const o of result.objects) {
      const ns = o.metadata.namespace;
      const id = `${o.kind}/${ns ?? ''}/${o.metadata.name}`;
      const first = this.seen.get(id);
      if (first === undefined) this.seen.set(id, file);
      else if (first !== file) {
        const shown = `${o.kind} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
        // The workload's objects are named after `name`, which the fix changes; a ConfigMap or
        // Secret after an entry the message names.
        issues.push(issue('output.duplicate-object', `${shown} is also generated by ${first}; applied together, one would overwrite the other`, {
          ...(NAMED_AFTER_NAME.includes(o.kind) ? result.locate(['name']) : { file }),
          hint: 'give the services different names or namespaces',
        }));
      }
    }
    return issues;
  }
}

/** An output that would change a file the run read (changesFileRead): nothing is written there. */
export function replacesInput(file: string, hint: string): Issue {
  return issue('output.replaces-input', 'the run reads this file (a kustz.yml or a file it names); the output would replace it', { file, hint });
}

/** Prints every issue; returns whether the run failed (an error, or a warning under --strict). */
export function report(issues: readonly Issue[], strict: boolean | undefined, io: IO): boolean {
  if (issues.length) io.stderr(issues.map((i) => formatIssue(i) + '\n').join(''));
  return issues.some((i) => i.severity === 'error' || strict);
}
