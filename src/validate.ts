import type { ErrorObject } from 'ajv';
import { closest, issue, REDACTED, type Issue } from './errors.js';
import validateSchema, { allowedKeys } from './generated/schema-validator.js';
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
  const where = formatPath(path) || 'the top level';
  const value = valueAt(config.value, path);
  const got = isCredentialPath(path) && path.length > 3 ? REDACTED : describe(value);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = allowedKeys[placeOf(path, config.value)] ?? [];
      const guess = closest(key, allowed);
      return issue('schema.unknown-key', `unknown key "${key}" in ${where}`, {
        ...config.locate([...path, key], { key: true }),
        path: formatPath([...path, key]),
        hint: guess ? `did you mean "${guess}"?` : `allowed keys: ${allowed.join(', ')}`,
      });
    }
    case 'required': {
      const key = (e.params as { missingProperty: string }).missingProperty;
      return issue('schema.missing-key', `missing required key "${key}" in ${where}`, { ...config.locate(path), path: formatPath(path) });
    }
    case 'type': {
      const want = String((e.params as { type: string | string[] }).type).replace(/,/g, ' or ');
      return issue('schema.type', `${where} must be ${article(want)}, got ${got}`, { ...config.locate(path), path: formatPath(path) });
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (e.params as { allowedValues: unknown[] }).allowedValues : [(e.params as { allowedValue: unknown }).allowedValue];
      return issue('schema.enum', `${where} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${got}`, {
        ...config.locate(path),
        path: formatPath(path),
        hint: typeof value === 'string' && closest(value, allowed.map(String)) ? `did you mean "${closest(value, allowed.map(String))}"?` : undefined,
      });
    }
    case 'minLength':
      return issue('schema.empty', `${where} must not be empty`, { ...config.locate(path), path: formatPath(path) });
    default:
      return issue(`schema.${e.keyword}`, `${where} ${e.message ?? 'is invalid'}, got ${got}`, { ...config.locate(path), path: formatPath(path) });
  }
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
