import type { Issue } from '../errors.js';
import { decodeUtf8, invalidUtf8Position, utf16Problem } from '../files.js';
import type { Broken } from '../k8s.js';
import { unquotedMessage } from '../parse.js';
import type { Context } from './context.js';

/** What the keys of a YAML map file must be, checked where they stand in that file. */
export interface KeyRule {
  code: string;
  /** What a key is: "env var", "key". */
  what: string;
  /** What is wrong with `key` (the rule it breaks), if anything. */
  check(key: string): Broken | undefined;
}

/** Problems parse.ts words itself, quoting no value. */
const OWN_MESSAGES = new Set(['yaml.empty', 'yaml.multiple-documents', 'yaml.missing-char', 'yaml.cr-line-endings', 'yaml.invalid-utf8']);

/** Problems parse.ts words itself that quote the text (a key, a reference), and words that do not. */
const QUOTING_MESSAGES: Record<string, { message: string; hint: string }> = {
  'yaml.bad-indent': { message: 'a line is indented deeper than the key above it, so YAML reads it as more of that value', hint: 'start each key in the column of the keys of its map' },
  'yaml.unquoted-reference': { message: 'a ${...} inside [...] or {...} must be quoted: YAML reads its "{" as the start of a map', hint: 'quote the value' },
  'yaml.duplicate-key': { message: 'a key appears twice in one map', hint: 'a key may appear once per map: delete one of the two' },
};

/** The parser's words for a kustz.yml (start from `kustz default`, one service per file), for a data file. */
function asDataFile(i: Issue): Issue {
  if (i.code === 'yaml.empty') return { ...i, hint: 'write one `NAME: value` per line, or leave the file out' };
  if (i.code === 'yaml.multiple-documents') {
    return { ...i, message: 'the file must hold one YAML document, a map of NAME: value', hint: 'remove the "---" lines, or split the file and name each part' };
  }
  return i;
}

/**
 * A YAML file of NAME: value pairs (env files and configmap literals): scalars are kept as
 * written, so `1.10` stays "1.10" and `on` stays "on". A key that breaks `keys` is reported at
 * its line of the file and left out. The file of a Secret (`secret`) gets no code frames: any of
 * its lines may hold a password, and messages go to CI logs.
 */
export function readYamlMap(ctx: Context, file: string, bytes: Uint8Array, keys: KeyRule, secret = false): Array<[string, string]> {
  const shown = ctx.displayName(file);
  const utf16 = utf16Problem(bytes);
  if (utf16) {
    ctx.issues.push({ code: 'yaml.invalid-utf8', severity: 'error', message: utf16.message, file: shown, line: 1, col: 1, hint: utf16.hint });
    return [];
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    ctx.issues.push({ code: 'yaml.invalid-utf8', severity: 'error', message: 'the file is not valid UTF-8', file: shown, ...invalidUtf8Position(bytes),
      hint: 'save it as UTF-8; bytes that are no text go under files:, as a file of their own' });
    return [];
  }
  const shownLine = <T extends { frame?: string }>(where: T): T => {
    if (!secret) return where;
    const { frame: _frame, ...rest } = where;
    return rest as T;
  };
  const { config, issues } = ctx.parseYamlFile(bytes, text, shown);
  if (!config) {
    // yaml's own messages quote the text at fault, which in a Secret's file may be a value.
    const unquoted = (i: Issue): Issue => {
      if (!secret || OWN_MESSAGES.has(i.code)) return i;
      const quoting = QUOTING_MESSAGES[i.code];
      return quoting ? { ...i, ...quoting } : { ...i, message: unquotedMessage(i.code.slice(5).toUpperCase().replace(/-/g, '_'), i.message) };
    };
    ctx.issues.push(...issues.map((i) => shownLine(asDataFile(unquoted(i)))));
    return [];
  }
  const at = (p: (string | number)[], options?: { key: boolean }) => shownLine(config.locate(p, options));
  const value = config.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    ctx.issues.push({ ...at([]), code: 'yaml.not-a-map', severity: 'error', message: `${file} must be a YAML map of NAME: value`,
      hint: 'write one `NAME: value` per line; a .env file of NAME=value lines belongs under configmaps.envs or secrets.envs' });
    return [];
  }
  const out: Array<[string, string]> = [];
  for (const [key, v] of Object.entries(value)) {
    const problem = keys.check(key);
    if (problem !== undefined) {
      ctx.issues.push({ ...at([key], { key: true }), code: keys.code, severity: 'error', message: `${keys.what} "${key}" ${problem.reason}`,
        hint: problem.fixed !== undefined ? `rename it to ${JSON.stringify(problem.fixed)} in ${file}` : `rename it in ${file}: ${problem.hint}` });
      continue;
    }
    if (v !== null && typeof v === 'object') {
      ctx.issues.push({ ...at([key]), code: 'yaml.not-a-scalar', severity: 'error',
        message: `"${key}" must be a string, number or boolean, not ${Array.isArray(v) ? 'a list' : 'a map'}`,
        hint: 'write nested data as a multi-line string (key: |)' });
      continue;
    }
    out.push([key, config.scalarText([key]) ?? '']);
  }
  return out;
}
