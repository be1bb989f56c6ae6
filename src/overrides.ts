import { issue, KustzError, REDACTED, shellWord, UsageError } from './errors.js';
import { coreTagValue, defineOwn, formatPath, isCredentialPath, MAX_ALIAS_COUNT, valueAt, type ParsedConfig, type Path } from './parse.js';
import { yamlLib } from './yaml/lib.js';
import { readYaml } from './yaml/read.js';

/** One step of a --set path: `.key`, `[N]`, `["key"]` or `['key']` (a lone key may come first). */
const PATH_STEP = /\.?([^.[\]]+)|\[(?:(\d+)|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/y;

/**
 * A --set path as the keys it walks: `service.envs.pairs.LOG`, `service.ports[1]` (a number
 * picks a list item, also as `ports.1`), `resources["nvidia.com/gpu"]` for a key with dots. Anything
 * else (an unclosed bracket, `a..b`, `a.`) is a usage error, not a guess at a key.
 */
export function parseSetPath(text: string): Path {
  const path: Array<string | number> = [];
  PATH_STEP.lastIndex = 0;
  while (PATH_STEP.lastIndex < text.length) {
    const at = PATH_STEP.lastIndex;
    const m = PATH_STEP.exec(text);
    // A dot must lead every key but the first, and must lead only keys.
    if (!m || (at > 0 && m[1] !== undefined && text[at] !== '.') || (at === 0 && text[0] === '.')) {
      throw new UsageError(`--set path "${text}" is malformed at character ${at + 1}; write keys as a.b, keys with dots as a["b.c"], list items as a[0]`);
    }
    const [, key, index, double, single] = m;
    if (key !== undefined) path.push(/^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key);
    else if (index !== undefined) path.push(Number(index));
    else path.push((double ?? single)!.replace(/\\(.)/g, '$1'));
  }
  return path;
}

/**
 * Sets `o.value` at `o.path`, making maps (lists before an index) where nothing or a scalar is,
 * as lodash's set does. Unlike it, every key is an own property, defined, never assigned:
 * `__proto__` and `constructor` are keys like any other (env var names, for one), which lodash's
 * set skips without a word, and nothing is ever looked up or set on a prototype. An index past
 * the end of a list would leave holes in it: an error at the flag.
 */
function setPath(root: object, o: Override): void {
  const { path } = o;
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (Array.isArray(node) && typeof key === 'number' && key > node.length) {
      const items = `${node.length} item${node.length === 1 ? '' : 's'}`;
      throw new KustzError([issue('override.index', `${formatPath(path.slice(0, i))} has ${items}; an index past ${node.length} would leave a gap`, {
        file: o.origin,
        hint: `use an index from 0 to ${node.length} (${node.length} adds an item)`,
      })]);
    }
    if (Array.isArray(node) && typeof key !== 'number') {
      // `ports.length` would redefine the list's length, which JavaScript refuses with a throw.
      throw new KustzError([issue('override.index', `${formatPath(path.slice(0, i))} is a list; "${key}" is no item of it`, { file: o.origin, hint: `pick an item by its index: ${formatPath(path.slice(0, i))}[0]` })]);
    }
    if (i === path.length - 1) return defineOwn(node, key, o.value);
    let next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next !== undefined && next !== null && typeof next !== 'object' && typeof path[i + 1] === 'number') {
      // A list made over a scalar of the file has no items: "has 0 items" would hide the scalar.
      throw new KustzError([issue('override.index', `${formatPath(path.slice(0, i + 1))} is ${JSON.stringify(next)}, not a list`, { file: o.origin, hint: `set ${formatPath(path.slice(0, i + 1))} itself` })]);
    }
    if (next === null || typeof next !== 'object') defineOwn(node, key, (next = typeof path[i + 1] === 'number' ? [] : {}));
    node = next as Record<string | number, unknown>;
  }
}

/** A value set from the command line (`--set a.b=c`, `--image`, `--replicas`). */
export interface Override {
  path: Path;
  value: unknown;
  /** A scalar that is not a string, as written (`1.10`, `on`), for fields that become strings. */
  text: string;
  /** How the user wrote it, shown in place of `file:line:col` in messages. */
  origin: string;
}

/**
 * A --set whose value may be a credential: CI jobs pass them as --set ...password="$SECRET", and
 * no message or hint may repeat one. Judged by the words of the path, which catch a path spelled
 * wrong (secrets.dockerregistry) and one without its "=".
 */
function setsCredential(text: string): boolean {
  const eq = text.indexOf('=');
  const pathText = eq < 0 ? text : text.slice(0, eq);
  return /password|username|auth|token|dockerregistry/i.test(pathText);
}

/** A --set as messages and hints show it: a credential's value as <redacted>. */
export function shownSetFlag(text: string): string {
  if (!setsCredential(text)) return text;
  const eq = text.indexOf('=');
  return eq < 0 ? REDACTED : `${text.slice(0, eq)}=${REDACTED}`;
}

/**
 * set = path "=" value     path: dotted keys, with ["a.b"] for keys that hold dots
 *                          value: a YAML scalar (3 is a number, "3" a string)
 */
export function parseSetFlag(text: string, origin = `--set ${text}`): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set expects PATH=VALUE, got "${shownSetFlag(text)}" (e.g. --set service.replicas=3)`);
  const pathText = text.slice(0, eq);
  const path = parseSetPath(pathText);
  const raw = text.slice(eq + 1);
  const secret = isCredentialPath(path) || setsCredential(text);
  if (secret && origin === `--set ${text}`) origin = `--set ${shownSetFlag(text)}`;
  const read = readYaml(raw);
  const scalar = read ? { value: read.value, text: read.source ?? raw } : scalarWithYaml(raw, origin, secret ? undefined : pathText);
  // A list or map would replace the whole one in the file, which no one reading `--set a={b: c}`
  // expects: one value per flag, as the README says.
  if (scalar.value !== null && typeof scalar.value === 'object' && !ArrayBuffer.isView(scalar.value)) {
    const list = Array.isArray(scalar.value);
    const what = list ? 'list' : 'map';
    // What the field is (a list or a map) is the schema's to say, later: both forms are named.
    throw new UsageError(`${origin}: --set takes one value, not a ${what}; set each item or key with a --set of its own, e.g. --set '${formatPath([...path, 0])}=VALUE' for a list or --set '${formatPath([...path, 'KEY'])}=VALUE' for a map, or quote the value to keep it as text`);
  }
  return { path, ...scalar, origin };
}

/**
 * What the reader's subset leaves to yaml: tags as a kustz.yml takes them (resolveKnownTags off:
 * `!!binary` is an error there, as is any tag but the core ones); text yaml cannot parse is taken
 * as it is.
 */
function scalarWithYaml(raw: string, origin: string, pathText: string | undefined): { value: unknown; text: string } {
  const { isScalar, parseDocument } = yamlLib();
  // logLevel 'error': yaml would print a warning (an unknown tag) with its stack to stderr.
  const doc = parseDocument(raw, { logLevel: 'error', prettyErrors: false, resolveKnownTags: false });
  const tag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  // !!int is a tag --set takes; what follows it is what is wrong.
  const untagged = raw.replace(/^\s*(?:!<[^>\s]*>|!!\w+)\s*/, '');
  const core = tag && coreTagValue(tag.message, untagged);
  if (core && untagged === '') throw new UsageError(`${origin}: the tag !!${core.tag} has no value after it; write the value after the tag, or drop the tag`);
  if (core) {
    const fix = pathText !== undefined && core.dropTag ? `drop the tag: --set ${shellWord(`${pathText}=${untagged}`)}` : 'fix the value, or drop the tag';
    throw new UsageError(`${origin}: ${pathText === undefined ? 'the value' : `"${untagged}"`} is not a valid !!${core.tag}; ${fix}`);
  }
  if (tag) {
    // `!30080:80:8080` is a value, not a tag on one: what to write is the value in quotes.
    const alone = /^![^\s]*$/.test(raw.trim());
    if (pathText === undefined) throw new UsageError(`${origin}: YAML reads a value that starts with "!" as a tag; quote the value ("...")`);
    throw new UsageError(alone
      ? `${origin}: YAML reads a value that starts with "!" as a tag; quote it: --set ${shellWord(`${pathText}=${JSON.stringify(raw.trim())}`)}`
      : `${origin}: ${tag.message}; remove the !tag: --set takes plain values`);
  }
  if (doc.errors.length) return { value: raw, text: raw };
  const node = doc.contents;
  let value: unknown;
  try {
    // An alias (`*a`) with no anchor, or an alias bomb, throws here.
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // An alias's name is the value's text: for a credential, not shown.
    throw new UsageError(`${origin}: ${pathText === undefined ? 'an alias (*name) with no anchor, or too many aliases' : (e as Error).message}; quote the value to keep it as text`);
  }
  return { value, text: isScalar(node) && typeof node.source === 'string' ? node.source : raw };
}

export function imageOverride(image: string): Override {
  return { path: ['service', 'image'], value: image, text: image, origin: `--image ${image}` };
}

export function replicasOverride(text: string): Override {
  const origin = `--replicas ${text}`;
  // A tag, an alias, an anchor or a list has no use in a count, and what --set says of them
  // (quote the value, set item by item) would not make one.
  const read = readYaml(text);
  if (read === undefined || (read.value !== null && typeof read.value === 'object')) throw new UsageError(`${origin}: expected a whole number, e.g. --replicas 2`);
  return parseSetFlag(`service.replicas=${text}`, origin);
}

/**
 * Applies overrides to a parsed config. Positions inside an overridden value point at the flag
 * that set it, since that is where the user must look.
 */
export function applyOverrides(config: ParsedConfig, overrides: readonly Override[]): ParsedConfig {
  // A file that is one scalar or a list has no fields to set: the schema says what it is instead.
  if (overrides.length === 0 || (config.value !== null && config.value !== undefined && (typeof config.value !== 'object' || Array.isArray(config.value)))) return config;
  const value = structuredClone(config.value ?? {}) as object;
  for (const o of overrides) setPath(value, o);
  const latestFirst = [...overrides].reverse();
  const startsWith = (path: Path, start: Path) => start.length <= path.length && start.every((p, i) => String(p) === String(path[i]));
  const overriding = (path: Path) => latestFirst.find((o) => startsWith(path, o.path));
  // A map or list the file does not have, made for a deeper override (`--set a.b=1` makes "a"):
  // a problem with it is the flag's, not the file's. So is one that replaced a scalar of the file
  // (`--set service.image.x=1`).
  const madeFor = (path: Path) => {
    const had = valueAt(config.value, path);
    return had === null || typeof had !== 'object' ? latestFirst.find((o) => startsWith(o.path, path)) : undefined;
  };
  return {
    file: config.file,
    value,
    locate(path, options) {
      const o = overriding(path) ?? madeFor(path);
      return o ? { file: o.origin } : config.locate(path, options);
    },
    scalarText(path) {
      const o = overriding(path);
      if (!o) return config.scalarText(path);
      if (o.path.length === path.length) return o.value === null ? '' : typeof o.value === 'string' ? o.value : o.text;
      let v: unknown = o.value;
      for (const p of path.slice(o.path.length)) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
      return v === null || v === undefined ? '' : String(v);
    },
  };
}
