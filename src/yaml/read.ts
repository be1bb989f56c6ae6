/**
 * A reader for the everyday subset of YAML that kustz.yml files and their YAML maps are written
 * in, for speed: the `yaml` package costs about 20 ms to load and run cold and 1 ms per file warm
 * on the build machine, more than the rest of a render together (see `npm run bench`).
 *
 * Subset (anything else makes it return undefined, and the caller asks `yaml`):
 *
 *   document = [ "---" ] ( block-map | block-seq | flow | quoted | plain )   one document
 *   block-map = key ":" value, one per line, keys at one column, unique and resolving to strings
 *   block-seq = "- " item per line; a map may start on the dash line ("- name: x")
 *   value    = nothing (null), a nested block on the next lines, a sequence at the key's column,
 *              or one of the inline forms below followed by an optional comment
 *   inline   = plain one-line scalar | 'single' or "double" quoted one-line scalar
 *            | flow collection on one line: [a, "b", {c: d}] | literal block scalar: | or |-
 *
 * Refused: anchors, aliases, tags, directives, "?" keys, folded and multi-line plain or quoted
 * scalars, tabs and CR anywhere, keys that are not strings, duplicate keys, anything `yaml`
 * would report. The answer is the one `yaml` gives (core schema, as parseConfig calls it): the
 * same value, and the same offsets for every node it places. Empty values get no offset, so
 * their position is asked from `yaml` too. test/yaml-fast.test.ts compares both on generated
 * documents.
 */

import { DECIMAL, decimalForm, HAS_DOT, HAS_EXPONENT, isDigit, radixDigits } from './numbers.js';

export interface YamlNode {
  /** Offset of the node's first character (yaml's `range[0]`); undefined for an empty value. */
  start: number | undefined;
  value: unknown;
  /** A plain scalar as written, when it resolved to something other than a string (`1.10`). */
  source?: string;
  items?: YamlNode[];
  entries?: YamlEntry[];
}

export interface YamlEntry {
  key: string;
  keyStart: number;
  node: YamlNode;
}

/**
 * Characters that make the whole text go to `yaml`: tabs, CR, other controls, BOM, and any
 * surrogate (emoji too: the check stays one quick scan, and lone surrogates are yaml's to judge).
 */
const UNSUPPORTED = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]/;

/** Thrown to give up on the subset; never leaves this module. */
const OUTSIDE = Symbol('outside the subset');
function outside(): never {
  throw OUTSIDE;
}

/** The node tree of `text`, or undefined when `text` is not in the subset. */
export function readYaml(text: string): YamlNode | undefined {
  if (UNSUPPORTED.test(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** A node at `path`, by the rules of yaml's `getIn`: string keys in maps, integer indexes in sequences. */
export function nodeAt(root: YamlNode, path: ReadonlyArray<string | number>, length = path.length): YamlNode | undefined {
  let node: YamlNode | undefined = root;
  for (let i = 0; i < length && node; i++) {
    const p = path[i]!;
    if (node.entries) node = typeof p === 'string' ? node.entries.find((e) => e.key === p)?.node : undefined;
    else if (node.items) {
      const index = typeof p === 'string' && p !== '' ? Number(p) : p;
      node = typeof index === 'number' && Number.isInteger(index) && index >= 0 ? node.items[index] : undefined;
    } else node = undefined;
  }
  return node;
}

/** The core schema's FLOAT_NAN (yaml/dist/schema/core): the words, not the expression. */
const FLOAT_NAN_WORDS = new Set(['.nan', '.NaN', '.NAN', ...['', '+', '-'].flatMap((sign) => ['.inf', '.Inf', '.INF'].map((w) => sign + w))]);

/** The core schema's null and boolean words: NULL and BOOL, looked up instead of matched. */
export const CORE_SCHEMA_WORDS: ReadonlyMap<string, null | boolean> = new Map<string, null | boolean>([
  ['', null], ['~', null], ['null', null], ['Null', null], ['NULL', null],
  ['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false],
]);

/**
 * A plain scalar's value under the core schema, as yaml resolves it. Most scalars are words and
 * small numbers: they are told apart without the regular expressions, each of which V8 compiles
 * on first use, a cost every cold run would pay.
 */
function resolvePlain(start: number, text: string): YamlNode {
  let value: unknown;
  const word = CORE_SCHEMA_WORDS.get(text);
  if (word !== undefined) return { start, value: word, source: text };
  const first = text.charCodeAt(0);
  // Numbers start with a digit, a sign or a dot.
  if (!(isDigit(first) || first === 0x2b || first === 0x2d || first === 0x2e)) return { start, value: text };
  // The core schema's tests, in the order yaml tries them (yaml/dist/schema/core): INT_OCT,
  // INT, INT_HEX, FLOAT_NAN, FLOAT_EXP, FLOAT. INT (decimal digits with an optional sign) matches
  // none of the tests before it (0o needs its letter).
  const form = decimalForm(text);
  if (form === DECIMAL) value = parseInt(text, 10);
  else if (text.startsWith('0o') && radixDigits(text, 2, 8)) value = parseInt(text.substring(2), 8);
  else if (text.startsWith('0x') && radixDigits(text, 2, 16)) value = parseInt(text.substring(2), 16);
  else if (FLOAT_NAN_WORDS.has(text)) value = text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? -Infinity : Infinity;
  else if (form & (HAS_DOT | HAS_EXPONENT)) value = parseFloat(text);
  else return { start, value: text };
  return { start, value, source: text };
}

/** Whether plain `text` reads back as something other than that string: null, a boolean, a number. */
export function plainIsNotString(text: string): boolean {
  return resolvePlain(0, text).source !== undefined;
}

const ESCAPES: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ',
  '"': '"', '/': '/', '\\': '\\', N: '\x85', _: '\xa0', L: '\u2028', P: '\u2029',
};
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Characters that cannot start a plain scalar (or need a look at the next one: - ? :). */
const INDICATORS = ',[]{}#&*!|>\'"%@`?:';
const FLOW_STOP = ',[]{}';

/** Deeper nesting is yaml's to report: recursing on here could overflow the stack, a crash. */
const MAX_DEPTH = 64;

class Reader {
  private readonly lines: string[];
  private readonly starts: number[];
  /** The line being read. */
  private i = 0;
  /** Collections open around the one being read. */
  private depth = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
    this.starts = new Array<number>(this.lines.length);
    for (let i = 0, offset = 0; i < this.lines.length; i++) {
      this.starts[i] = offset;
      offset += this.lines[i]!.length + 1;
    }
  }

  document(): YamlNode {
    this.skipBlank();
    if (this.i < this.lines.length && this.lines[this.i]!.startsWith('---')) {
      if (!/^---(?: +(?:#.*)?)?$/.test(this.lines[this.i]!)) outside();
      this.i++;
      this.skipBlank();
    }
    if (this.i >= this.lines.length) outside();
    const line = this.lines[this.i]!;
    const n = indentOf(line);
    let root: YamlNode;
    if (isSeqLine(line, n)) root = this.seq(n);
    else if (this.key(line, n)) root = this.map(n);
    else if (line[n] === '|') outside();
    else root = this.inline(line, n, -1);
    this.skipBlank();
    if (this.i < this.lines.length) outside();
    return root;
  }

  /** Moves past blank and comment-only lines; document markers there are not ours to read. */
  private skipBlank(): void {
    for (; this.i < this.lines.length; this.i++) {
      const line = this.lines[this.i]!;
      const n = indentOf(line);
      if (n < line.length && line[n] !== '#') {
        if (n === 0 && (line.startsWith('---') || line.startsWith('...'))) outside();
        return;
      }
    }
  }

  /** A block collection whose first line is the current line, at column n. */
  private block(n: number): YamlNode {
    if (++this.depth > MAX_DEPTH) outside();
    try {
      return this.blockAt(n);
    } finally {
      this.depth--;
    }
  }

  private blockAt(n: number): YamlNode {
    const line = this.lines[this.i]!;
    if (isSeqLine(line, n)) return this.seq(n);
    if (!this.key(line, n)) outside();
    return this.map(n);
  }

  /** A block map with keys at column n; the first key may follow a "- " on the current line. */
  private map(n: number): YamlNode {
    const value: Record<string, unknown> = {};
    const entries: YamlEntry[] = [];
    const node: YamlNode = { start: this.starts[this.i]! + n, value, entries };
    for (let first = true; ; first = false) {
      if (!first) {
        this.skipBlank();
        if (this.i >= this.lines.length) break;
        const indent = indentOf(this.lines[this.i]!);
        if (indent < n) break;
        if (indent > n) outside();
      }
      const line = this.lines[this.i]!;
      const key = this.key(line, n);
      if (!key || Object.hasOwn(value, key.text) || key.text === '__proto__' || key.text === '<<') outside();
      const keyStart = this.starts[this.i]! + n;
      const child = this.value(line, key.after, n);
      entries.push({ key: key.text, keyStart, node: child });
      value[key.text] = child.value;
    }
    return node;
  }

  /** A block sequence with its dashes at column n. */
  private seq(n: number): YamlNode {
    const value: unknown[] = [];
    const items: YamlNode[] = [];
    const node: YamlNode = { start: this.starts[this.i]! + n, value, items };
    for (let first = true; ; first = false) {
      if (!first) {
        this.skipBlank();
        if (this.i >= this.lines.length) break;
        const line = this.lines[this.i]!;
        const indent = indentOf(line);
        if (indent < n) break;
        if (indent > n) outside();
        if (!isSeqLine(line, n)) break;
      }
      const line = this.lines[this.i]!;
      const at = skipSpaces(line, n + 1);
      let child: YamlNode;
      if (at === line.length || line[at] === '#') child = this.nested(n);
      else if (isSeqLine(line, at)) outside();
      else if (this.key(line, at)) child = this.map(at);
      else child = this.inline(line, at, n);
      items.push(child);
      value.push(child.value);
    }
    return node;
  }

  /** What follows `key:` (from column `at`) in a map whose keys sit at column n. */
  private value(line: string, at: number, n: number): YamlNode {
    at = skipSpaces(line, at);
    if (at < line.length && line[at] !== '#') return this.inline(line, at, n);
    this.i++;
    this.skipBlank();
    if (this.i < this.lines.length) {
      const next = this.lines[this.i]!;
      const indent = indentOf(next);
      if (indent > n) return this.block(indent);
      if (indent === n && isSeqLine(next, n)) return this.seq(n);
    }
    return { start: undefined, value: null };
  }

  /** The block nested under a bare "-" at column n, or an empty item. */
  private nested(n: number): YamlNode {
    this.i++;
    this.skipBlank();
    if (this.i < this.lines.length) {
      const indent = indentOf(this.lines[this.i]!);
      if (indent > n) return this.block(indent);
    }
    return { start: undefined, value: null };
  }

  /**
   * A scalar or flow collection starting at column `at` of the current line, in a block whose
   * parent sits at column `parent`. Nothing may follow on deeper lines (that would continue a
   * plain scalar, or be an error).
   */
  private inline(line: string, at: number, parent: number): YamlNode {
    const start = this.starts[this.i]! + at;
    const c = line[at]!;
    let node: YamlNode;
    if (c === '|') return this.literal(line, at, parent);
    if (c === '[' || c === '{') {
      const flow = this.flow(line, at);
      trailing(line, flow.end);
      node = flow.node;
    } else if (c === '"' || c === "'") {
      const q = quoted(line, at);
      trailing(line, q.end);
      node = { start, value: q.value };
    } else {
      if (!plainStart(line, at)) outside();
      const hash = line.indexOf(' #', at);
      const text = line.slice(at, hash < 0 ? line.length : hash).replace(/ +$/, '');
      if (text.includes(': ') || text.endsWith(':')) outside();
      node = resolvePlain(start, text);
    }
    this.i++;
    this.skipBlank();
    if (this.i < this.lines.length && indentOf(this.lines[this.i]!) > parent) outside();
    return node;
  }

  /**
   * `|` or `|-` at column `at`: the lines below that are indented deeper than `parent`, with
   * the first one's indentation removed; `|` keeps one final line break, `|-` none.
   */
  private literal(line: string, at: number, parent: number): YamlNode {
    const start = this.starts[this.i]! + at;
    let after = at + 1;
    const strip = line[after] === '-';
    if (strip) after++;
    trailing(line, after);
    const first = this.i + 1;
    let content = first;
    while (content < this.lines.length && indentOf(this.lines[content]!) === this.lines[content]!.length) content++;
    if (content >= this.lines.length) outside();
    const m = indentOf(this.lines[content]!);
    if (m <= parent) outside();
    const out: string[] = [];
    let last = -1;
    let i = first;
    for (; i < this.lines.length; i++) {
      const l = this.lines[i]!;
      const indent = indentOf(l);
      if (indent === l.length) {
        // Spaces beyond the indentation on an empty line would be content: yaml's business.
        if (l.length > m) outside();
        out.push('');
        continue;
      }
      if (indent < m) {
        if (indent > parent) outside();
        break;
      }
      last = out.length;
      out.push(l.slice(m));
    }
    let value = out.slice(0, last + 1).join('\n');
    if (!strip) value += '\n';
    this.i = i;
    return { start, value };
  }

  /** A flow collection that opens at column `at` and closes on the same line. */
  private flow(line: string, at: number): { node: YamlNode; end: number } {
    if (++this.depth > MAX_DEPTH) outside();
    try {
      return this.flowAt(line, at);
    } finally {
      this.depth--;
    }
  }

  private flowAt(line: string, at: number): { node: YamlNode; end: number } {
    const start = this.starts[this.i]! + at;
    let k = skipSpaces(line, at + 1);
    if (line[at] === '[') {
      const value: unknown[] = [];
      const items: YamlNode[] = [];
      const node: YamlNode = { start, value, items };
      if (line[k] === ']') return { node, end: k + 1 };
      for (;;) {
        const item = this.flowItem(line, k);
        items.push(item.node);
        value.push(item.node.value);
        k = skipSpaces(line, item.end);
        if (line[k] === ']') return { node, end: k + 1 };
        if (line[k] !== ',') outside();
        k = skipSpaces(line, k + 1);
      }
    }
    const value: Record<string, unknown> = {};
    const entries: YamlEntry[] = [];
    const node: YamlNode = { start, value, entries };
    if (line[k] === '}') return { node, end: k + 1 };
    for (;;) {
      const keyStart = this.starts[this.i]! + k;
      let key: string;
      if (line[k] === '"' || line[k] === "'") {
        const q = quoted(line, k);
        key = q.value;
        k = q.end;
      } else {
        const plain = flowPlain(line, k);
        if (resolvePlain(0, plain.text).source !== undefined) outside();
        key = plain.text;
        k = plain.end;
      }
      k = skipSpaces(line, k);
      if (line[k] !== ':' || line[k + 1] !== ' ') outside();
      if (Object.hasOwn(value, key) || key === '__proto__' || key === '<<') outside();
      const item = this.flowItem(line, skipSpaces(line, k + 1));
      entries.push({ key, keyStart, node: item.node });
      value[key] = item.node.value;
      k = skipSpaces(line, item.end);
      if (line[k] === '}') return { node, end: k + 1 };
      if (line[k] !== ',') outside();
      k = skipSpaces(line, k + 1);
    }
  }

  private flowItem(line: string, k: number): { node: YamlNode; end: number } {
    const c = line[k];
    let result: { node: YamlNode; end: number };
    if (c === '[' || c === '{') result = this.flow(line, k);
    else if (c === '"' || c === "'") {
      const q = quoted(line, k);
      result = { node: { start: this.starts[this.i]! + k, value: q.value }, end: q.end };
    } else {
      const plain = flowPlain(line, k);
      result = { node: resolvePlain(this.starts[this.i]! + k, plain.text), end: plain.end };
    }
    // An item followed by ":" is a pair inside a sequence; and nothing is left for a missing closer.
    const next = line[skipSpaces(line, result.end)];
    if (next === ':' || next === undefined) outside();
    return result;
  }

  /** A block-map key at column `at`: its text and the column after its ":"; undefined when the line holds no key. */
  private key(line: string, at: number): { text: string; after: number } | undefined {
    const c = line[at];
    if (c === '"' || c === "'") {
      const q = quoted(line, at);
      const colon = skipSpaces(line, q.end);
      if (line[colon] !== ':' || (colon + 1 < line.length && line[colon + 1] !== ' ')) return undefined;
      if (colon !== q.end) outside();
      return { text: q.value, after: colon + 1 };
    }
    let colon = line.indexOf(':', at);
    while (colon >= 0 && colon + 1 < line.length && line[colon + 1] !== ' ') colon = line.indexOf(':', colon + 1);
    if (colon < 0) return undefined;
    const hash = line.indexOf(' #', at);
    if (hash >= 0 && hash < colon) return undefined;
    const text = line.slice(at, colon);
    if (!plainStart(line, at) || text.endsWith(' ') || text.length > 1024 || resolvePlain(0, text).source !== undefined || text === '') outside();
    return { text, after: colon + 1 };
  }
}

// The reads stop at the end of the line: one past it, V8 would drop the function's optimised code.
function indentOf(line: string): number {
  let n = 0;
  while (n < line.length && line.charCodeAt(n) === 32) n++;
  return n;
}

function skipSpaces(line: string, at: number): number {
  while (at < line.length && line.charCodeAt(at) === 32) at++;
  return at;
}

function isSeqLine(line: string, n: number): boolean {
  return line[n] === '-' && (n + 1 === line.length || line[n + 1] === ' ');
}

/** Can a plain scalar start at `at`? Indicators cannot, "-" only before a non-space (in flow: nor a flow indicator). */
function plainStart(line: string, at: number, inFlow = false): boolean {
  const c = line[at];
  if (c === undefined || c === ' ') return false;
  if (c === '-') return at + 1 < line.length && line[at + 1] !== ' ' && !(inFlow && FLOW_STOP.includes(line[at + 1]!));
  return !INDICATORS.includes(c);
}

/** After an inline value only spaces and a comment may follow. */
function trailing(line: string, at: number): void {
  const k = skipSpaces(line, at);
  if (k < line.length && (line[k] !== '#' || k === at)) outside();
}

/** A plain scalar inside a flow collection: up to a flow indicator, ": ", ":" before one, or " #". */
function flowPlain(line: string, at: number): { text: string; end: number } {
  if (!plainStart(line, at, true)) outside();
  let e = at;
  for (; e < line.length; e++) {
    const c = line[e]!;
    if (FLOW_STOP.includes(c)) break;
    if (c === ':' && (e + 1 === line.length || line[e + 1] === ' ' || FLOW_STOP.includes(line[e + 1]!))) break;
    if (c === '#' && line[e - 1] === ' ') break;
  }
  const text = line.slice(at, e);
  // yaml keeps the spaces before a "," or "}" in some places and not in others: its call.
  if (text.endsWith(' ')) outside();
  return { text, end: e };
}

/** A quoted scalar opening at `at` and closing on the same line. */
function quoted(line: string, at: number): { value: string; end: number } {
  let out = '';
  if (line[at] === "'") {
    for (let k = at + 1; ; ) {
      const q = line.indexOf("'", k);
      if (q < 0) outside();
      out += line.slice(k, q);
      if (line[q + 1] !== "'") return { value: out, end: q + 1 };
      out += "'";
      k = q + 2;
    }
  }
  for (let k = at + 1; ; ) {
    let e = k;
    while (e < line.length && line[e] !== '"' && line[e] !== '\\') e++;
    out += line.slice(k, e);
    if (e >= line.length) outside();
    if (line[e] === '"') return { value: out, end: e + 1 };
    const code = line[e + 1];
    if (code === undefined) outside();
    const simple = ESCAPES[code];
    if (simple !== undefined) {
      out += simple;
      k = e + 2;
      continue;
    }
    const digits = HEX_DIGITS[code];
    if (digits === undefined) outside();
    const hex = line.substr(e + 2, digits);
    if (hex.length !== digits || !/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) outside();
    out += String.fromCodePoint(parseInt(hex, 16));
    k = e + 2 + digits;
  }
}
