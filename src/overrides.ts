import type set from 'lodash/set.js';
import type toPath from 'lodash/toPath.js';
import { UsageError } from './errors.js';
import { sourceRequire } from './lazy.js';
import type { ParsedConfig, Path } from './parse.js';
import { yamlLib } from './yaml/lib.js';
import { readYaml } from './yaml/read.js';

let lodash: { set: typeof set; toPath: typeof toPath } | undefined;

/**
 * lodash's path functions, loaded on first use: most runs have no override, and initialising
 * lodash's modules is start-up time. Literal require() calls, so the bundle keeps them inside.
 */
function paths(): { set: typeof set; toPath: typeof toPath } {
  if (typeof require === 'function') return (lodash ??= { set: require('lodash/set.js'), toPath: require('lodash/toPath.js') });
  const load = sourceRequire();
  return (lodash ??= { set: load('lodash/set.js'), toPath: load('lodash/toPath.js') });
}

/** A value set from the command line (`--set a.b=c`, `--image`, `--replicas`). */
export interface Override {
  path: Path;
  value: unknown;
  /** The value as typed, kept for fields that become strings. */
  raw: string;
  /** How the user wrote it, shown in place of `file:line:col` in messages. */
  origin: string;
}

/**
 * set = path "=" value     path: dotted keys, with ["a.b"] for keys that hold dots
 *                          value: a YAML scalar (3 is a number, "3" a string)
 */
export function parseSetFlag(text: string, origin = `--set ${text}`): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects PATH=VALUE, got "${text}" (e.g. --set service.replicas=3)`);
  const path = paths().toPath(text.slice(0, eq)).map((p) => (/^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : p));
  if (path.some((p) => p === '')) throw new UsageError(`--set path "${text.slice(0, eq)}" has an empty key`);
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    const read = readYaml(raw);
    value = read ? read.value : yamlLib().parse(raw);
  } catch {
    value = raw;
  }
  return { path, value, raw, origin };
}

export function imageOverride(image: string): Override {
  return { path: ['service', 'image'], value: image, raw: image, origin: `--image ${image}` };
}

export function replicasOverride(text: string): Override {
  return parseSetFlag(`service.replicas=${text}`, `--replicas ${text}`);
}

/**
 * Applies overrides to a parsed config. Positions inside an overridden value point at the flag
 * that set it, since that is where the user must look.
 */
export function applyOverrides(config: ParsedConfig, overrides: readonly Override[]): ParsedConfig {
  if (overrides.length === 0) return config;
  const value = structuredClone(config.value ?? {}) as object;
  const { set } = paths();
  for (const o of overrides) set(value, o.path as (string | number)[], o.value);
  const latestFirst = [...overrides].reverse();
  const overriding = (path: Path) =>
    latestFirst.find((o) => o.path.length <= path.length && o.path.every((p, i) => String(p) === String(path[i])));
  return {
    file: config.file,
    value,
    locate(path, options) {
      const o = overriding(path);
      return o ? { file: o.origin } : config.locate(path, options);
    },
    scalarText(path) {
      const o = overriding(path);
      if (!o) return config.scalarText(path);
      if (o.path.length === path.length) return o.value === null ? '' : typeof o.value === 'string' ? o.value : o.raw;
      let v: unknown = o.value;
      for (const p of path.slice(o.path.length)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      return v === null || v === undefined ? '' : String(v);
    },
  };
}
