import type { ErrorObject } from 'ajv';
import { closest, issue, REDACTED, shellWord, type Issue } from './errors.js';
import validateSchema, { allowedKeys, exampleValuesJson } from './generated/schema-validator.js';
import { defineOwn, formatPath, isCredentialPath, valueAt, type ParsedConfig, type Path } from './parse.js';

/**
 * Checks kustz.yml against the JSON Schema; every violation becomes an issue with a position.
 * `config` is what to render from: the one given, or the one judged in its place (see below).
 */
export function validateConfig(config: ParsedConfig): { config: ParsedConfig; issues: Issue[] } {
  if (validateSchema(config.value)) return { config, issues: [] };
  let judged = config;
  const failedAt = () => (validateSchema.errors ?? []).map((e) => pointerToPath(e.instancePath));
  // JSON has no Infinity or NaN, and ajv's numbers are finite: `.inf` and `.nan` are judged, and
  // then rendered, as the text they were written as (an env value keeps that text; a count is
  // then no integer, and a file name a name).
  if (failedAt().some((path) => isNonFinite(valueAt(judged.value, path)))) {
    judged = { ...judged, value: nonFiniteAsWritten(judged.value, [], judged) };
    if (validateSchema(judged.value)) return { config: judged, issues: [] };
  }
  // A key with no value where the schema wants one (`resources:` over lines commented out, as in
  // the upstream example) is not set, as tangx/kustz and the API server read it. Where null is a
  // value (an env var's), the schema takes it and nothing is left out. A required key stays, and
  // is reported as empty rather than missing.
  const nulls = failedAt().filter((path) => path.length && valueAt(judged.value, path) === null && !Array.isArray(valueAt(judged.value, path.slice(0, -1))));
  if (nulls.length) {
    validateSchema(nulls.reduce(without, judged.value));
    const required = new Set(
      (validateSchema.errors ?? []).filter((e) => e.keyword === 'required').map((e) => formatPath([...pointerToPath(e.instancePath), (e.params as { missingProperty: string }).missingProperty])),
    );
    judged = { ...judged, value: nulls.filter((path) => !required.has(formatPath(path))).reduce(without, judged.value) };
    if (validateSchema(judged.value)) return { config: judged, issues: [] };
  }
  return { config: judged, issues: schemaIssues(judged) };
}

/** `value` without the map key at `path`: the maps and lists along the path copied, all else shared. */
function without(value: unknown, path: Path): unknown {
  const [key, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === key ? without(v, rest) : v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== String(key)) defineOwn(out, k, v);
    else if (rest.length) defineOwn(out, k, without(v, rest));
  }
  return out;
}

const isNonFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);

function nonFiniteAsWritten(value: unknown, path: Path, config: ParsedConfig): unknown {
  if (isNonFinite(value)) return config.scalarText(path) ?? String(value);
  if (Array.isArray(value)) return value.map((v, i) => nonFiniteAsWritten(v, [...path, i], config));
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) defineOwn(out, k, nonFiniteAsWritten(v, [...path, k], config));
  return out;
}

function schemaIssues(config: ParsedConfig): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  // The validator checks no patterns (scripts/build.mjs): short strings are their parsers' to report.
  for (const e of validateSchema.errors ?? []) {
    const found = toIssue(e, config);
    const key = `${found.path}\0${found.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(found);
    }
  }
  return issues;
}

function toIssue(e: ErrorObject, config: ParsedConfig): Issue {
  const path = pointerToPath(e.instancePath);
  // A value --replicas gave is the flag's: the message names it, not the field it overrides.
  const flag = config.locate(path).file?.startsWith('--replicas') ? '--replicas' : undefined;
  const where = flag ?? (formatPath(path) || 'the top level');
  const value = valueAt(config.value, path);
  // Any scalar under dockerRegistry may be a credential put in the wrong place (dockerRegistry[0]=PASSWORD).
  const got = isCredentialPath(path) && value !== null && typeof value !== 'object' ? REDACTED : describe(value);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = allowedKeys[placeOf(path, config.value)] ?? [];
      // `{password:S3cret}` makes one key of field and value: under dockerRegistry it is not quoted.
      if (isCredentialPath(path) && /[:=]/.test(key)) {
        return issue('schema.unknown-key', `unknown key in ${where}, holding a ":" or "=" (a field and its value without the space between them?)`, {
          ...config.locate([...path, key], { key: true }),
          path: where,
          hint: 'write a space after the colon: password: "${REGISTRY_PASSWORD}"',
        });
      }
      const guess = closest(key, allowed);
      return issue('schema.unknown-key', `unknown key "${key}" in ${where}`, {
        ...config.locate([...path, key], { key: true }),
        path: formatPath([...path, key]),
        hint: guess ? `did you mean "${guess}"?` : `allowed keys: ${allowed.join(', ')}`,
      });
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      const example = exampleAt([...path, key], config.value);
      return issue('schema.missing-key', `missing required key "${key}" in ${where}`, {
        ...config.locate(path),
        path: formatPath(path),
        hint: `add ${key}:${example === undefined ? '' : ` ${flow(example)}`} ${path.length ? `to ${where}` : 'at the top level'}`,
      });
    }
    case 'type': {
      const types = ([] as string[]).concat((e.params as { type: string | string[] }).type);
      const want = types.join(' or ');
      const at = config.locate(path);
      return issue('schema.type', `${where} must be ${article(want)}, got ${got}`, {
        ...at,
        ...(flag ? {} : { path: formatPath(path) }),
        hint: flagHint(at.file, types, path, config, got === REDACTED) ?? typeHint(types, path, config, got === REDACTED),
      });
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue];
      const guess = typeof value === 'string' ? closest(value, allowed.map(String)) : undefined;
      return issue('schema.enum', `${where} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${got}`, {
        ...config.locate(path),
        path: formatPath(path),
        hint: guess ? `did you mean "${guess}"?` : `write ${entry(path, allowed[0])}`,
      });
    }
    case 'minLength':
      return issue('schema.empty', `${where} must not be empty`, { ...config.locate(path), path: formatPath(path), hint: exampleHint(path, config.value, 'write a value') });
    case 'minimum':
    case 'maximum': {
      const { limit } = e.params as { limit: number };
      const at = config.locate(path);
      const fixed = at.file === undefined ? undefined : flagWith(at.file, path, String(limit));
      return issue(`schema.${e.keyword}`, `${where} ${e.message ?? 'is invalid'}, got ${got}`, {
        ...at,
        ...(flag ? {} : { path: formatPath(path) }),
        hint: `write ${limit} or ${e.keyword === 'minimum' ? 'more' : 'less'}${fixed ? `, e.g. ${fixed}` : ''}`,
      });
    }
    default:
      return issue(`schema.${e.keyword}`, `${where} ${e.message ?? 'is invalid'}, got ${got}`, {
        ...config.locate(path),
        path: formatPath(path),
        hint: exampleHint(path, config.value, 'write the value as the schema (schemas/kustz.schema.json) describes it'),
      });
  }
}

/**
 * For a value set on the command line, the flag to write instead (`--replicas 2`,
 * `--set 'service.ports[0]=80'`); undefined for a value from the file, or where no flag fits.
 */
function flagHint(origin: string, types: readonly string[], path: Path, config: ParsedConfig, redacted: boolean): string | undefined {
  const value = valueAt(config.value, path);
  const meant = numberMeant(types, value);
  if (meant !== undefined && (origin.startsWith('--replicas') || origin.startsWith('--set'))) return `write ${flagWith(origin, path, String(meant))}`;
  if (origin.startsWith('--replicas')) return `write a whole number, e.g. ${flagWith(origin, path, '2')}`;
  if (!origin.startsWith('--set')) return undefined;
  const text = redacted ? 'VALUE' : config.scalarText(path);
  if (types.includes('array') && value !== null && typeof value !== 'object' && text) return `set the list item by item: ${flagWith(origin, [...path, 0], text)}`;
  if (types.includes('string') && (typeof value === 'number' || typeof value === 'boolean') && text) return `quote it: ${flagWith(origin, path, `"${text}"`)}`;
  const example = exampleAt(path, config.value);
  return example !== undefined && example !== null && typeof example !== 'object' ? `write e.g. ${flagWith(origin, path, String(example))}` : undefined;
}

/**
 * The flag of `origin` (`--replicas N`, `--set PATH=VALUE`) rewritten to set `path` to `value`,
 * ready to paste; undefined where the value came from a file.
 */
function flagWith(origin: string, path: Path, value: string): string | undefined {
  if (origin.startsWith('--replicas')) return `--replicas ${shellWord(value)}`;
  return origin.startsWith('--set') ? `--set ${shellWord(`${formatPath(path)}=${value}`)}` : undefined;
}

/**
 * How to write a value of `types` at `path`, from what was written: quoted or unquoted, in a
 * list, as a map. A credential's value (`redacted`) is never shown, not even in the hint.
 */
function typeHint(types: readonly string[], path: Path, config: ParsedConfig, redacted: boolean): string {
  const value = valueAt(config.value, path);
  const text = redacted ? undefined : config.scalarText(path);
  if (types.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
    return text === undefined ? 'quote the value' : `quote it: ${entry(path, text)}`;
  }
  const meant = numberMeant(types, value);
  if (meant !== undefined) {
    // YAML 1.1's 1_000 and 0b11 are text in YAML 1.2, unquoted as they are: no quotes to remove.
    return /^\s*[-+]?[0-9.]+(?:e[-+]?[0-9]+)?\s*$/i.test(value as string) ? `remove the quotes: ${entry(path, meant)}` : `write ${entry(path, meant)}`;
  }
  if (types.includes('integer') && typeof value === 'number' && !Number.isInteger(value)) return `write a whole number: ${entry(path, Math.round(value))}`;
  if (types.length === 1 && types[0] === 'boolean') return 'write true or false';
  // An empty value makes no item: the schema's example does.
  if (types.includes('array') && value !== null && typeof value !== 'object' && text !== undefined && text !== '') return `write a list: ${entry(path, [text])}`;
  if (types.includes('object') && Array.isArray(value)) {
    return `remove the "- " before ${path.length ? 'its keys' : 'the top-level keys'}: ${path.length ? formatPath(path) : 'a kustz.yml'} is one map of key: value lines`;
  }
  if (types.includes('object') && value === null) return exampleHint(path, config.value, 'write its keys indented under it', 'write its keys indented under it, e.g. ');
  if (!types.includes('object') && !types.includes('array') && value !== null && typeof value === 'object') {
    return exampleHint(path, config.value, `write one value, not ${describe(value)}`, `write one value, not ${describe(value)}: e.g. `);
  }
  return exampleHint(path, config.value, `write ${article(types.join(' or '))}`);
}

/** The number a text stands for where the schema wants one: a quoted "2", YAML 1.1's 1_000 or 0b11. */
function numberMeant(types: readonly string[], value: unknown): number | undefined {
  if (typeof value !== 'string' || !(types.includes('integer') || types.includes('number'))) return undefined;
  // Blank once its "_" are gone (`replicas: _`), a value is no number: Number("") is 0.
  const digits = value.replaceAll('_', '');
  if (digits.trim() === '') return undefined;
  const n = Number(digits);
  return Number.isFinite(n) && (types.includes('number') || Number.isInteger(n)) ? n : undefined;
}

/** `write e.g. key: <example>` where the schema has an example for `path`, else `otherwise`. */
function exampleHint(path: Path, root: unknown, otherwise: string, lead = 'write e.g. '): string {
  const example = exampleAt(path, root);
  return example === undefined ? otherwise : `${lead}${entry(path, example)}`;
}

/** The schema's examples by place, parsed when a hint first needs one: a render without errors never does. */
let examples: Record<string, unknown> | undefined;

/** The schema's example for `path`'s place; for a list item, the list example's first item; for a map entry, its own. */
function exampleAt(path: Path, root: unknown): unknown {
  const exampleValues = (examples ??= JSON.parse(exampleValuesJson) as Record<string, unknown>);
  const place = placeOf(path, root);
  if (Object.hasOwn(exampleValues, place)) return exampleValues[place];
  const parentPlace = placeOf(path.slice(0, -1), root);
  const parent = path.length ? exampleValues[parentPlace] : undefined;
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) return parent[0];
  if (parent === null || typeof parent !== 'object') return undefined;
  if (Object.hasOwn(parent, last)) return (parent as Record<string, unknown>)[last];
  // A map of free keys (env pairs, annotations): any of its example's values shows the kind.
  return Object.hasOwn(allowedKeys, parentPlace) ? undefined : Object.values(parent)[0];
}

/** `key: value` as a line of YAML writes it, or the value alone for a list item or the whole file. */
function entry(path: Path, value: unknown): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? `${flow(last)}: ${flow(value)}` : flow(value);
}

/** A value in YAML's flow style, plain where YAML reads it back as the same string. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${flow(k)}: ${flow(v)}`).join(', ')}}`;
  if (typeof value === 'string' && /^[A-Za-z][-\w./]*(:[-\w./]+)*$/.test(value) && !/^(true|false|yes|no|on|off|y|n|null)$/i.test(value)) return value;
  return JSON.stringify(value);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (ArrayBuffer.isView(value)) return 'binary data (!!binary)';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value);
  return text.length > 60 ? text.slice(0, 57) + '..."' : text;
}

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^(0|[1-9][0-9]*)$/.test(p) ? Number(p) : p));
}

/** Where `path` stands in the schema's terms: "/secrets/dockerRegistry/*" for an item of that list. */
function placeOf(path: Path, root: unknown): string {
  return path.map((p, i) => (Array.isArray(valueAt(root, path.slice(0, i))) ? '/*' : `/${p}`)).join('');
}
