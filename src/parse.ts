import type { Document, Node } from 'yaml';
import { codeFrame, issue, type Issue } from './errors.js';
import { allowedKeys } from './generated/schema-validator.js';
import { documentTooLarge, yamlLib } from './yaml/lib.js';
import { nodeAt as fastNodeAt, readYaml, type YamlNode } from './yaml/read.js';

/** A path into kustz.yml: keys and indexes, e.g. ['service', 'ports', 1]. */
export type Path = ReadonlyArray<string | number>;

export interface Position {
  file: string;
  line?: number;
  col?: number;
  frame?: string;
}

/**
 * A parsed kustz.yml: its plain value plus the means to point at any part of it, so that every
 * later stage can report `file:line:col` without holding YAML nodes itself.
 */
export interface ParsedConfig {
  file: string;
  value: unknown;
  /**
   * Position of the node at `path`, or of its closest existing parent. With `key`, the position
   * of the map key that `path` ends in (for problems with the key rather than its value).
   */
  locate(path: Path, options?: { key?: boolean }): Position;
  /** The text of a scalar as written (`1.10` stays `1.10`), for values that become strings. */
  scalarText(path: Path): string | undefined;
}

/**
 * Credential fields: problems there are shown without a code frame or the value, since the line
 * may hold a password (SPEC 4.4).
 */
export function isCredentialPath(path: Path): boolean {
  // A generator config holds the kustz.yml fields under spec.
  const at = path[0] === 'spec' ? 1 : 0;
  return path[at] === 'secrets' && path[at + 1] === 'dockerRegistry';
}

/** What to do about the yaml library's errors, by code; its messages say only what is wrong. */
const YAML_HINTS: Partial<Record<string, string>> = {
  DUPLICATE_KEY: 'a key may appear once per map: delete one of the two, or merge them',
  TAB_AS_INDENT: 'YAML indents with spaces only: replace the tab with spaces',
  BAD_INDENT: 'indent the line like the other items of its map or list (spaces, two per level)',
  MISSING_CHAR: 'close the quote or bracket opened before, or put ": " after the key',
  MULTILINE_IMPLICIT_KEY: 'write `key: value` on one line; a line without ": " continues the key above it',
  BLOCK_AS_IMPLICIT_KEY: 'put the nested map on its own indented lines, or quote a value that holds ": "',
  BAD_SCALAR_START: 'quote the value: a plain value cannot start with this character',
  BAD_DQ_ESCAPE: 'inside double quotes \\ starts an escape (\\n, \\t, \\\\); use single quotes to keep backslashes as they are',
  TAG_RESOLVE_FAILED: 'remove the !tag: kustz.yml takes plain values',
  UNEXPECTED_TOKEN: 'check the indentation and the ": " after each key on and above this line',
  RESOURCE_EXHAUSTION: 'the file nests lists or maps too deeply: flatten it',
  KEY_OVER_1024_CHARS: 'shorten the key',
};

/**
 * A value under one of the core tags that yaml refused (`!!float 1`: its !!float wants a "." or
 * an exponent), and whether the value without the tag is what the tag asked for, so that
 * dropping the tag is the fix.
 */
export function coreTagValue(message: string, untagged: string): { tag: string; dropTag: boolean } | undefined {
  const tag = /tag:yaml\.org,2002:(int|float|bool|null)\b/.exec(message)?.[1];
  if (tag === undefined) return undefined;
  const plain = readYaml(untagged)?.value;
  const family = { int: 'number', float: 'number', bool: 'boolean', null: 'object' }[tag as 'int' | 'float' | 'bool' | 'null'];
  const dropTag = plain !== undefined && typeof plain === family && (plain !== null) === (tag !== 'null') && (tag !== 'int' || Number.isInteger(plain));
  return { tag, dropTag };
}

/** A value for each core tag that can fail, for a hint. */
const CORE_TAG_EXAMPLES: Record<string, string> = { int: '2', float: '1.5', bool: 'true', null: '~' };

/**
 * yaml's messages that quote the text at fault, in words that do not: used on a line that may
 * hold a credential.
 */
const UNQUOTED_MESSAGES: Partial<Record<string, string>> = {
  TAG_RESOLVE_FAILED: 'a plain value that starts with "!" is read as a YAML tag',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted value',
  BAD_SCALAR_START: 'a plain value cannot start with this character',
  BAD_DIRECTIVE: 'invalid directive',
};

/** A line with a credential field as a key, in any case: its code frame could show the value. */
const NAMES_CREDENTIAL = /(?:^|[\s{,"'])(?:password|username|auth)["']?\s*:/i;

/**
 * Which lines may hold a registry credential. For YAML syntax errors, which come before any
 * path is known, so the guess is generous: a line that names a password, a user or an auth, and
 * every line from the first that names dockerRegistry to a line that starts another top-level
 * key of kustz.yml (continuation lines of a broken value may stand at any column). One pass over
 * the file, made at its first syntax error.
 */
function credentialLines(lines: readonly string[]): boolean[] {
  const otherTopKey = new RegExp(`^["']?(?:${(allowedKeys[''] ?? []).filter((k) => k !== 'secrets').join('|')})["']?\\s*:`);
  let inRegistries = false;
  return lines.map((line) => {
    if (/dockerRegistry/.test(line)) inRegistries = true;
    else if (otherTopKey.test(line)) inRegistries = false;
    return inRegistries || NAMES_CREDENTIAL.test(line);
  });
}

/**
 * yaml's message in words that quote none of the text: on a line that may hold a credential.
 * Most of its messages put the text at fault after a colon ("Unresolved tag: !x").
 */
export function unquotedMessage(code: string, message: string): string {
  return UNQUOTED_MESSAGES[code] ?? message.split('\n')[0]!.replace(/:\s.*$/s, '').replace(/ character \S+$/, ' character');
}

/**
 * A key indented deeper than the key above it, which holds a plain value (`  image: x` then
 * `   ports: [80]`): yaml reads the second line as a continuation of the first value and reports
 * it there, in words about compact mappings.
 */
function overIndentedKey(lines: readonly string[], index: number): { line: number; col: number; key: string; above: string; indent: number } | undefined {
  const above = /^( *)(?:- +)?([^\s#:][^:#]*?): +[^\s#|>]/.exec(lines[index] ?? '');
  if (!above) return undefined;
  let next = index + 1;
  while (next < lines.length && /^\s*(?:#.*)?$/.test(lines[next]!)) next++;
  const key = /^( *)([^\s#:-][^:#]*?):(?: |$)/.exec(lines[next] ?? '');
  const indent = above[0]!.indexOf(above[2]!);
  if (!key || key[1]!.length <= indent) return undefined;
  return { line: next + 1, col: key[1]!.length + 1, key: key[2]!, above: above[2]!, indent };
}

/**
 * The key a duplicate-key error stands at (`line`, 0-based `col`), and the line of its first appearance: in a
 * block map the last line above at the same column that starts with it, before a line less
 * indented ends the map; in a flow map, earlier on the same line.
 */
function firstOfKey(lines: readonly string[], line: number, col: number): { key: string; line?: number } | undefined {
  // Line by line, never the whole source per error: a file of 20,000 duplicate keys has as many errors.
  // A key's text at `at`, its quotes taken off: "files" and files are one key.
  const keyText = (text: string, at: number) => {
    const token = /^(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\s:,{}[\]#"'][^:,{}[\]\n]*?)(?=\s*:)/.exec(text.slice(at))?.[0];
    return token !== undefined && /^["']/.test(token) ? token.slice(1, -1) : token;
  };
  const name = keyText(lines[line - 1]!, col);
  if (name === undefined) return undefined;
  const startsKey = (text: string, at: number) => keyText(text, at) === name;
  const key = JSON.stringify(name);
  const before = lines[line - 1]!.slice(0, col);
  // In a flow map on the same line: an earlier key after "{" or ",".
  for (const m of before.matchAll(/[{,]\s*/g)) {
    if (startsKey(before, m.index! + m[0].length)) return { key, line };
  }
  for (let i = line - 2; i >= 0; i--) {
    const text = lines[i]!;
    if (/^\s*(?:#.*)?$/.test(text)) continue;
    // A list item's first key stands after its "- " (and any spaces): the map starts there.
    const item = /^\s*-\s+/.exec(text)?.[0].length;
    if (item === col) return startsKey(text, col) ? { key, line: i + 1 } : { key };
    const indent = text.length - text.trimStart().length;
    if (indent < col) return { key };
    if (indent === col && startsKey(text, col)) return { key, line: i + 1 };
  }
  return { key };
}

/** The token a tag error is about: `!word` up to a space or a flow indicator. */
function tagAt(source: string, offset: number): { tag: string; alone: boolean } | undefined {
  // Sticky expressions read from `offset` on, never a copy of the rest of the source per error.
  // A verbatim tag (`!<tag:yaml.org,2002:int>`) may hold a comma; a shorthand one ends at one.
  const tagAtOffset = /!<[^>\s]*>|![^\s,[\]{}]*/y;
  tagAtOffset.lastIndex = offset;
  const tag = tagAtOffset.exec(source)?.[0];
  if (!tag) return undefined;
  // Nothing after the tag on its line (or a flow separator): the tag is all of the value.
  const rest = /[ \t]*(?:#[^\n]*)?(?:$|\r?\n|[,\]}])/y;
  rest.lastIndex = offset + tag.length;
  return { tag, alone: rest.test(source) };
}

const UNCLOSED_FLOW = /end with an? [\]}]/;
const UNCLOSED_FLOW_HINT = 'close each [ with ] and each { with }, or indent the lines that continue the list or map deeper than its key';

/** Limits the expansion of YAML aliases, so that a "billion laughs" file fails fast. */
export const MAX_ALIAS_COUNT = 100;

/** The value at `path` inside `root`, own properties only; undefined where the path leads nowhere. */
export function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const p of path) v = v && typeof v === 'object' && Object.hasOwn(v, p) ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

/** Sets `key` as an own data property: `__proto__` a key like any other, no setter on a prototype run. */
export function defineOwn(node: object, key: string | number, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/**
 * YAML text -> ParsedConfig, or the list of problems. Exactly one document is allowed, keys
 * must be unique, and an empty file is an error rather than an empty service. `dataFile`: a YAML
 * file of data a kustz.yml names, which holds no credential field of kustz.yml's.
 */
export function parseConfig(text: string, file: string, dataFile = false): { config?: ParsedConfig; issues: Issue[] } {
  // A byte order mark is no column: without it, positions on line 1 are the ones an editor shows.
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const root = readYaml(source);
  // A document that is only `null` or `~` is an empty file to parseWithYaml.
  return root && root.value !== null ? { issues: [], config: quickConfig(root, source, file, dataFile) } : parseWithYaml(source, file, dataFile);
}

/**
 * A file that yaml/read.ts could read: the same answers as parseWithYaml gives, from its tree.
 * Only the position of an empty value (`key:` with nothing) is asked from yaml.
 */
function quickConfig(root: YamlNode, source: string, file: string, dataFile: boolean): ParsedConfig {
  let lines: string[] | undefined;
  const lineStarts: number[] = [];
  const at = (offset: number, path: Path): Position => {
    if (!lines) {
      lines = source.split('\n');
      for (let i = 0, start = 0; i < lines.length; start += lines[i]!.length + 1, i++) lineStarts.push(start);
    }
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    const col = offset - lineStarts[low]! + 1;
    return isCredentialPath(path) || (!dataFile && NAMES_CREDENTIAL.test(lines[low]!)) ? { file, line: low + 1, col } : { file, line: low + 1, col, frame: codeFrame(lines[low]!, col) };
  };
  let withYaml: ParsedConfig | undefined;
  return {
    file,
    value: root.value,
    locate(path, options) {
      if (options?.key && path.length) {
        const last = String(path[path.length - 1]);
        const entry = fastNodeAt(root, path, path.length - 1)?.entries?.find((e) => e.key === last);
        if (entry) return at(entry.keyStart, path);
      }
      for (let n = path.length; n >= 0; n--) {
        const node = fastNodeAt(root, path, n);
        if (!node) continue;
        if (node.start !== undefined) return at(node.start, path);
        withYaml ??= parseWithYaml(source, file, dataFile).config;
        return withYaml?.locate(path, options) ?? { file };
      }
      return { file };
    },
    scalarText(path) {
      const node = fastNodeAt(root, path);
      if (!node || node.items || node.entries) return undefined;
      if (node.value === null) return '';
      return typeof node.value === 'string' ? node.value : node.source;
    },
  };
}

function parseWithYaml(source: string, file: string, dataFile: boolean): { config?: ParsedConfig; issues: Issue[] } {
  const tooLarge = documentTooLarge(source, 'this YAML');
  if (tooLarge) return { issues: [issue('yaml.too-large', tooLarge.message, { file, hint: `split it into smaller files, or give Node more: ${tooLarge.roomFor}` })] };
  const { isMap, isNode, isScalar, LineCounter, parseAllDocuments, visit } = yamlLib();
  const lineCounter = new LineCounter();
  // logLevel 'error': yaml would otherwise print its own warnings (a collection used as a key)
  // to stderr, outside kustz's messages.
  // Keys are names, as written: `NULL: x` and `FALSE: y` name the env vars NULL and FALSE (yaml
  // would make them "" and "false"), `0x1F` stays 0x1F. So two keys are one when their text is.
  const uniqueKeys = (a: unknown, b: unknown) => a === b || (isScalar(a) && isScalar(b) && keyText(a) === keyText(b));
  // resolveKnownTags off: !!binary, !!set, !!timestamp are tags like any other, errors, not
  // objects (and yaml's browser build, which the bundle carries, would decode !!binary otherwise
  // than its Node build does).
  const docs = parseAllDocuments(source, { lineCounter, uniqueKeys, prettyErrors: false, strict: true, logLevel: 'error', resolveKnownTags: false });
  for (const doc of docs) keysAsWritten(doc);
  const lines = source.split('\n');
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    const text = lines[line - 1] ?? '';
    // A problem elsewhere on a line that also holds a password (flow style) shows no frame either.
    return !dataFile && NAMES_CREDENTIAL.test(text) ? { file, line, col } : { file, line, col, frame: codeFrame(text, col) };
  };
  // Syntax errors come before any path is known: the line decides whether it may be shown.
  let secretLines: boolean[] | undefined;
  const syntaxAt = (offset: number): Position => {
    const where = at(offset);
    if (!dataFile && (secretLines ??= credentialLines(lines))[where.line! - 1]) delete where.frame;
    return where;
  };

  // Classic Mac files end their lines in CR alone, which YAML takes for no line break at all.
  if (source.includes('\r') && !source.includes('\n')) {
    return { issues: [issue('yaml.cr-line-endings', 'the lines end in CR alone (classic Mac line endings), which YAML does not read as line breaks', {
      file, line: 1, col: source.indexOf('\r') + 1, hint: "save the file with LF line endings, e.g. tr '\\r' '\\n' < old.yml > new.yml",
    })] };
  }
  if (!Array.isArray(docs) || docs.length === 0) {
    const what = source.trim() === '' ? 'the file is empty' : 'the file holds only comments, no YAML document';
    return { issues: [issue('yaml.empty', what, { file, line: 1, col: 1, hint: 'start from `kustz default`' })] };
  }
  const issues: Issue[] = [];
  // A document after the first that holds nothing (a trailing `---`, comments) is no second service.
  const documents = docs.filter((d, i) => i === 0 || d.errors.length > 0 || !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  const overIndented = new Set<number>();
  // yaml reports an unclosed bracket once per bracket, all at one place in the same words: a
  // line of `[[[` would bury the one problem under thousands of copies of it.
  const reported = new Set<string>();
  // A ${VAR} reference unquoted in a flow collection: its "{" opens a map there, and yaml reports
  // each token after it. One message, at the reference, says what to write.
  const references = new Set<number>();
  for (const doc of documents) {
    for (const e of [...doc.errors, ...doc.warnings]) {
      const { line } = lineCounter.linePos(e.pos[0]);
      if (references.has(line) || overIndented.has(line)) continue;
      const deeper = e.code === 'BLOCK_AS_IMPLICIT_KEY' || e.code === 'MULTILINE_IMPLICIT_KEY' ? overIndentedKey(lines, line - 1) : undefined;
      if (deeper) {
        overIndented.add(line).add(deeper.line);
        const where = syntaxAt(lineCounter.lineStarts[deeper.line - 1]! + deeper.col - 1);
        // On a credential line the "key" may be the rest of a password: named by its column only.
        issues.push(where.frame || dataFile
          ? issue('yaml.bad-indent', `"${deeper.key}" is indented deeper than "${deeper.above}" above it, so YAML reads it as more of ${deeper.above}'s value`, {
              ...where, hint: `start "${deeper.key}" in column ${deeper.indent + 1}, under "${deeper.above}", to make it a key of the same map`,
            })
          : issue('yaml.bad-indent', 'this line is indented deeper than the key above it, so YAML reads it as more of that value', {
              ...where, hint: `start a key in column ${deeper.indent + 1}, under the one above; a value goes on the key's own line`,
            }));
        continue;
      }
      const reference = source[e.pos[0] - 1] === '$' && source[e.pos[0]] === '{' ? /^\$\{[^}\s]*\}/.exec(source.slice(e.pos[0] - 1))?.[0] : undefined;
      if (reference !== undefined) {
        references.add(line);
        issues.push(issue('yaml.unquoted-reference', `${reference} inside [...] or {...} must be quoted: YAML reads its "{" as the start of a map`, { ...syntaxAt(e.pos[0] - 1), hint: `write it as "${reference}"` }));
        continue;
      }
      const report = `${e.code} ${e.pos[0]} ${e.message}`;
      if (reported.has(report)) continue;
      reported.add(report);
      // yaml finds a quote unclosed where the text ends, lines below it: shown where it opens.
      const quote = e.code === 'MISSING_CHAR' ? /closing (["'])quote/.exec(e.message)?.[1] : undefined;
      const opened = quote === undefined ? -1 : openingQuote(source, quote, e.pos[0]);
      if (opened >= 0) {
        issues.push(issue('yaml.missing-char', `this ${quote === '"' ? 'double' : 'single'} quote is never closed`, { ...syntaxAt(opened), hint: 'close the quote where the value ends' }));
        continue;
      }
      // BAD_INDENT also stands for a flow collection that never closes; its message says which.
      const where = syntaxAt(e.pos[0]);
      const secret = where.frame === undefined;
      const tag = e.code === 'TAG_RESOLVE_FAILED' ? tagAt(source, e.pos[0]) : undefined;
      // `replicas: !!float 1`: the value after the tag, to the end of its line or flow item.
      const untagged = tag && /[ \t]*([^\n#,\]}]*?)[ \t]*(?:#[^\n]*)?(?:$|\r?\n|[,\]}])/y;
      if (untagged) untagged.lastIndex = e.pos[0] + tag.tag.length;
      const value = untagged?.exec(source)?.[1];
      const core = value === undefined ? undefined : coreTagValue(e.message, value);
      const duplicate = e.code === 'DUPLICATE_KEY' ? firstOfKey(lines, line, lineCounter.linePos(e.pos[0]).col - 1) : undefined;
      const hint = UNCLOSED_FLOW.test(e.message)
        ? UNCLOSED_FLOW_HINT
        : tag?.alone && core && !secret
          ? `write the value after the tag (${tag.tag} ${CORE_TAG_EXAMPLES[core.tag]}), or drop the tag`
        : tag?.alone
          // A data file's value may be a Secret's: its hint quotes nothing either.
          ? secret || dataFile ? 'quote the value: YAML reads a plain value that starts with "!" as a tag' : `quote the value, "${tag.tag}": YAML reads a plain value that starts with "!" as a tag`
          : core && !secret
            ? core.dropTag ? `drop the tag: write ${value}` : `write a valid !!${core.tag}, or drop the tag`
            : e.code === 'TAG_RESOLVE_FAILED' && dataFile
            ? 'remove the !tag: data files take plain values (binary data goes under files:, in a file of its own)'
            : /^Unexpected , in flow/.test(e.message)
              ? 'remove the extra ","'
              : YAML_HINTS[e.code];
      const message = secret
        ? unquotedMessage(e.code, e.message)
        : duplicate
          ? `the key ${duplicate.key} appears twice in one map${duplicate.line ? `; the first is on line ${duplicate.line}` : ''}`
          : core && tag?.alone
            ? `the tag ${tag.tag} has no value after it`
          : core
            ? `${JSON.stringify(value)} is not a valid !!${core.tag}${core.tag === 'float' && core.dropTag ? ' (YAML\'s !!float takes a "." or an exponent)' : ''}`
            : e.message.split('\n')[0]!;
      issues.push(issue(`yaml.${e.code.toLowerCase().replace(/_/g, '-')}`, message, { ...where, ...(hint ? { hint } : {}) }));
    }
  }
  if (documents.length > 1) {
    const second = documents[1]!;
    issues.push(
      issue('yaml.multiple-documents', `a kustz.yml holds exactly one YAML document, this one has ${documents.length}`, {
        ...at(second.range[0]),
        hint: 'describe one service per file and pass several files: kustz render -c a.yml -c b.yml',
      }),
    );
  }
  if (issues.length) return { issues };

  const doc = docs[0]!;
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return { issues: [issue('yaml.empty', 'the file is empty', { file, line: 1, col: 1, hint: 'start from `kustz default`' })] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // toJS throws only for aliases: too many expansions, or one whose anchor is not defined yet.
    let first: Node | undefined;
    // The alias the message names, else the first: its line decides what may be shown.
    const named = /: (\S+)$/.exec((e as Error).message.split('\n')[0]!)?.[1];
    visit(doc, { Alias: (_, node) => (node.source === named || first === undefined ? (first = node) : undefined, node.source === named ? visit.BREAK : undefined) });
    const where = first?.range ? syntaxAt(first.range[0]) : { file, line: 1, col: 1 };
    // An alias's name is the text of the line, which may be a password (`password: *S3cret`).
    const message = first?.range && !where.frame ? unquotedMessage('BAD_ALIAS', (e as Error).message) : (e as Error).message.split('\n')[0]!;
    return {
      issues: [
        /Excessive alias count/.test(message)
          ? issue('yaml.alias-limit', `too many YAML alias expansions (a "billion laughs" file?): ${message}`, {
              ...where,
              hint: `kustz expands at most ${MAX_ALIAS_COUNT} aliases per file; write the values out`,
            })
          : issue('yaml.bad-alias', message, { ...where, hint: 'define the anchor (&name) before the alias (*name) that uses it' }),
      ],
    };
  }

  const nodeAt = (path: Path): Node | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in node && (node as Node).range) return node as Node;
    }
    return undefined;
  };
  return {
    issues: [],
    config: {
      file,
      value,
      locate(path, options) {
        // A key without a value (`{image, ports: [80]}`) has no value node to point at: its key is.
        const valueless = path.length > 0 && !(doc.getIn(path, true) as Node | undefined)?.range;
        if ((options?.key || valueless) && path.length) {
          const parent = doc.getIn(path.slice(0, -1), true);
          const last = String(path[path.length - 1]);
          const pair = isMap(parent) ? parent.items.find((p) => keyName(doc, p.key) === last) : undefined;
          if (isNode(pair?.key) && pair.key.range) {
            const where = at(pair.key.range[0]);
            if (isCredentialPath(path)) delete where.frame;
            return where;
          }
        }
        const node = nodeAt(path);
        const where = node?.range ? at(node.range[0]) : { file };
        if (isCredentialPath(path)) delete where.frame;
        return where;
      },
      scalarText: (path) => textOf(resolvedNodeAt(doc, doc.contents, path)),
    },
  };
}

/** Where the quote that runs on to `end` opens: the last `quote` before it that is no escape (`\"`, `''`). */
function openingQuote(source: string, quote: string, end: number): number {
  let at = source.lastIndexOf(quote, end - 1);
  while (at > 0 && source[at - 1] === (quote === '"' ? '\\' : "'")) at = source.lastIndexOf(quote, at - (quote === '"' ? 1 : 2));
  return at;
}

/**
 * A map key as the value's map names it: a scalar's value; a list or map as key (`? [x]`) by
 * the text yaml makes of it (`[ x ]`), which only yaml itself knows how to write.
 */
function keyName(doc: Document, key: unknown): string | undefined {
  const { isScalar, isCollection, Pair, YAMLMap } = yamlLib();
  if (isScalar(key)) return String(key.value);
  if (!isCollection(key)) return undefined;
  const one = new YAMLMap(doc.schema);
  one.items.push(new Pair(key, null));
  return Object.keys(one.toJS(doc) as object)[0];
}

function keyText(key: unknown): unknown {
  const { isScalar } = yamlLib();
  return isScalar(key) && typeof key.value !== 'string' && key.source !== undefined ? key.source : isScalar(key) ? key.value : key;
}

function keysAsWritten(node: Node | Document): void {
  const { isScalar, visit } = yamlLib();
  visit(node, {
    Pair(_, pair) {
      if (isScalar(pair.key)) pair.key.value = keyText(pair.key);
    },
  });
}

/** A scalar node's text as written, for values that become strings; undefined for anything else. */
export function textOf(node: unknown): string | undefined {
  const { isScalar } = yamlLib();
  if (!isScalar(node)) return undefined;
  if (node.value === null) return '';
  if (typeof node.value === 'string') return node.value;
  return typeof node.source === 'string' ? node.source : String(node.value);
}

/**
 * The node at `path`, following aliases on the way and at the end (doc.getIn stops at them), so
 * that `B: *a` has the text of the anchored `A: &a 1.10`, as its value does.
 */
export function resolvedNodeAt(doc: Document, root: unknown, path: Path): unknown {
  const { isAlias, isCollection } = yamlLib();
  let node: unknown = root;
  for (const key of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (!isCollection(node)) return undefined;
    node = node.get(key, true);
  }
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * A config that is one node of a larger YAML document (a KRM function's functionConfig, whose
 * text is the ResourceList's): keys and scalars as written, as in a kustz.yml; positions only as
 * `file`, since lines of stdin would point nowhere the user can look. Throws as toJS does (aliases).
 */
export function configFromYamlNode(doc: Document, node: Node, file: string): ParsedConfig {
  keysAsWritten(node);
  return {
    file,
    value: node.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }),
    locate: () => ({ file }),
    scalarText: (path) => textOf(resolvedNodeAt(doc, node, path)),
  };
}
