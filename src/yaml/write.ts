/**
 * YAML text for the plain data kustz prints (objects, arrays, strings, numbers, booleans), byte
 * for byte what yaml's `new Document(value, { aliasDuplicateObjects: false }).toString({
 * lineWidth: 0, minContentWidth: 0 })` gives, with the strings `doubleQuoted` picks set to
 * double quotes, without building yaml's document model: that model is most of the time of a
 * warm render, and loading yaml a large part of a cold one (see `npm run bench`).
 *
 * The rules are yaml's (stringify/stringifyString.js, stringifyPair.js,
 * stringifyCollection.js), kept where kustz's output needs them. Anything else (control
 * characters, multi-line keys, strings that must be double-quoted across lines, values that are
 * not plain data) returns undefined and the caller asks yaml. test/yaml-fast.test.ts compares
 * both on generated values.
 */

import { CORE_SCHEMA_WORDS, plainIsNotString } from './read.js';

const INDENT_STEP = '  ';

/** Thrown to give up; never leaves this module. */
const OUTSIDE = Symbol('outside the subset');
function outside(): never {
  throw OUTSIDE;
}

/**
 * The maps that spell out their key order: JavaScript enumerates keys like "1" and "10" before
 * all others, whatever order they were added in (build/data.ts records it for such data maps).
 * A WeakMap, not a symbol property on the map: a property that nearly every map lacks made each
 * of them pay for a look-up that misses, a tenth of the time of writing YAML.
 */
const KEY_ORDERS = new WeakMap<object, readonly string[]>();

/** Makes `map` print its keys in the order of `keys`, which are all of its keys. */
export function setKeyOrder(map: object, keys: readonly string[]): void {
  KEY_ORDERS.set(map, keys);
}

export function hasKeyOrder(map: object): boolean {
  return KEY_ORDERS.has(map);
}

/** The keys of a map in the order they are printed. */
export function keyOrder(value: object): readonly string[] {
  return KEY_ORDERS.get(value) ?? Object.keys(value);
}

/** Which strings must be double-quoted whatever else holds (serialize.ts: those kubectl would misread). */
export interface DoubleQuotes {
  (text: string): boolean;
  /** All SIMPLE strings it picks, where that is a set of words: string() then need not ask about the rest. */
  simpleWords?: ReadonlySet<string>;
}

/** The document for `value` (a map or a sequence), or undefined when yaml must write it. */
export function writeYaml(value: unknown, doubleQuoted: DoubleQuotes = () => false): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return collection(value, '', doubleQuoted) + '\n';
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** A map or sequence whose lines after the first start with `indent`. */
function collection(value: object, indent: string, dq: DoubleQuotes): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const itemIndent = indent + INDENT_STEP;
    let out = '';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === undefined) outside();
      out += (i ? `\n${indent}- ` : '- ') + node(item, itemIndent, dq);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) outside();
  const valueIndent = indent + INDENT_STEP;
  const quotedWords = simpleQuotedWords(dq);
  const keys = keyOrder(value);
  // One string grown pair by pair, not an array joined: V8 keeps the pieces linked and copies
  // them once, when the document is written, where a join per map copied each nested map again
  // at every level above it.
  let out = '';
  const between = `\n${indent}`;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v: unknown = (value as Record<string, unknown>)[key];
    if (v === undefined) continue;
    let pair: string;
    // Most pairs, and nearly all of a large data map: a SIMPLE key and value that no rule quotes,
    // asked in a few steps here rather than string by string below (3 µs a pair in V8's
    // interpreter, most of the time a 10,000-line .env took to print).
    if (typeof v === 'string' && quotedWords && SIMPLE.test(key) && SIMPLE.test(v) && !quotedWords.has(key) && !quotedWords.has(v) && key.length <= 1024) {
      pair = `${key}: ${v}`;
    } else {
      const k = string(key, valueIndent, true, dq);
      if (k.length > 1024) outside();
      pair = `${k}:`;
      if (typeof v === 'object' && v !== null) {
        // Only an empty collection comes out as {} or [] (a key or an item would start the text).
        const inner = collection(v, valueIndent, dq);
        pair += inner === '{}' || inner === '[]' ? ` ${inner}` : `\n${valueIndent}${inner}`;
      } else {
        pair += ' ' + node(v, valueIndent, dq);
      }
    }
    out = out === '' ? pair : out + between + pair;
  }
  return out === '' ? '{}' : out;
}

let quotedFor: { dq: DoubleQuotes; words: ReadonlySet<string> | undefined } | undefined;

/** The SIMPLE strings string() quotes: the core schema's words and dq's; undefined when dq has no such set. */
function simpleQuotedWords(dq: DoubleQuotes): ReadonlySet<string> | undefined {
  if (quotedFor?.dq !== dq) quotedFor = { dq, words: dq.simpleWords && new Set([...CORE_SCHEMA_WORDS.keys(), ...dq.simpleWords]) };
  return quotedFor.words;
}

function node(value: unknown, indent: string, dq: DoubleQuotes): string {
  switch (typeof value) {
    case 'string':
      return string(value, indent, false, dq);
    case 'number':
      return number(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : collection(value, indent, dq);
    default:
      return outside();
  }
}

/** yaml's stringifyNumber for a number without format. */
function number(n: number): string {
  if (!isFinite(n)) return isNaN(n) ? '.nan' : n < 0 ? '-.inf' : '.inf';
  return Object.is(n, -0) ? '-0' : JSON.stringify(n);
}

// plainString: what a plain scalar may not be.
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

/** Most keys and values: no rule below can quote these, only what they read back as. */
const SIMPLE = /^[A-Za-z][A-Za-z0-9_./+=-]*$/;
// stringifyString.js: control characters force double quotes (here: yaml's job), as do the
// characters Go's YAML reads as line breaks or refuses (serialize.ts escapes them).
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\u{D800}-\u{DFFF}]/u;

/** A string as a key (`implicitKey`) or a value, at `indent` (yaml's ctx.indent). */
function string(value: string, indent: string, implicitKey: boolean, dq: DoubleQuotes): string {
  if (SIMPLE.test(value)) return dq(value) || CORE_SCHEMA_WORDS.has(value) ? JSON.stringify(value) : value;
  if (CONTROL.test(value)) outside();
  if (dq(value)) return quoted(value, true);
  const multiLine = value.includes('\n');
  if (NOT_PLAIN.test(value)) {
    if (implicitKey || !multiLine) return quoted(value);
    return block(value, indent);
  }
  if (multiLine) {
    if (implicitKey) outside();
    return block(value, indent);
  }
  if (implicitKey && indent === INDENT_STEP && DOCUMENT_MARKER.test(value)) return quoted(value);
  // The core schema's tags other than str: a plain scalar matching one would read back as another type.
  if (plainIsNotString(value)) return quoted(value);
  return value;
}

/** quotedString (or doubleQuotedString) for a one-line string without control characters. */
function quoted(value: string, double = false): string {
  if (value.includes('\n')) outside();
  if (!double && value.includes('"') && !value.includes("'")) return `'${value}'`;
  return JSON.stringify(value);
}

/** blockString with lineWidth 0: always literal. */
function block(value: string, indent: string): string {
  if (/\n[\t ]+$/.test(value)) outside();
  let endStart = value.length;
  while (endStart > 0 && '\n\t '.includes(value[endStart - 1]!)) endStart--;
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  }
  let startWithSpace = false;
  let startEnd = 0;
  let startNlPos = -1;
  for (; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${value.replace(/\n+/g, `$&${indent}`)}${end}`;
}
