/**
 * What every command shares: finding the kustz.yml files, reading them, calling the core, and
 * turning its issues into stderr lines. Commands stay a few lines each.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { diskReader, readConfigFile } from './disk.js';
import { formatIssue, issue, KustzError, UsageError, type Issue } from './errors.js';
import { decodeUtf8, invalidUtf8Position, type LoadRestrictor } from './files.js';
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

export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** `-c` files then positional files; with neither, kustz.yml (then kustz.yaml) here. */
export function configFiles(flags: RenderFlags, positional: readonly string[], io: IO): string[] {
  const files = [...list(flags.config), ...positional.map(String)];
  if (files.length) return files;
  for (const name of ['kustz.yml', 'kustz.yaml']) if (existsSync(`${io.cwd}/${name}`)) return [name];
  throw new KustzError([
    issue('config.missing', `no kustz.yml or kustz.yaml in ${io.cwd}`, { hint: 'pass -c path/to/kustz.yml, or start one with: kustz default > kustz.yml' }),
  ]);
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

export interface Rendered {
  file: string;
  result?: RenderResult;
  issues: Issue[];
}

/**
 * Renders one kustz.yml from disk; problems come back as issues, never as throws. `--hash`
 * means `hashMode`: 'suffix' where kustz prints the objects, 'kustomize' where kustomize builds them.
 */
export function renderFile(file: string, flags: RenderFlags, io: IO, hashMode: RenderInput['hash'] = 'suffix'): Rendered {
  const path = file.startsWith('/') ? file : `${io.cwd}/${file}`;
  const restrictor = loadRestrictor(flags);
  const read = readConfigFile(path, restrictor);
  if (!read.ok) return { file, issues: [issue('config.read', read.message, { file, ...(read.hint ? { hint: read.hint } : {}) })] };
  const source = decodeUtf8(read.bytes);
  if (source === undefined) {
    return { file, issues: [issue('config.invalid-utf8', 'the file is not valid UTF-8', { file, ...invalidUtf8Position(read.bytes), hint: 'save it as UTF-8' })] };
  }
  try {
    const result = render({
      source,
      file,
      readFile: diskReader(dirname(path), restrictor),
      overrides: overridesFrom(flags),
      env: io.env,
      loadRestrictor: restrictor,
      ...(flags.hash ? { hash: hashMode } : {}),
    });
    return { file, result, issues: result.warnings };
  } catch (e) {
    if (e instanceof KustzError) return { file, issues: e.issues };
    throw e;
  }
}

/** Prints every issue; returns whether the run failed (an error, or a warning under --strict). */
export function report(issues: readonly Issue[], strict: boolean | undefined, io: IO): boolean {
  if (issues.length) io.stderr(issues.map((i) => formatIssue(i) + '\n').join(''));
  return issues.some((i) => i.severity === 'error' || strict);
}
