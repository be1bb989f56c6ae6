import type { Document, Node } from 'yaml';
import type { KubeObject } from './types.js';
import { yamlLib } from './yaml/lib.js';
import { decimalForm, isDigit, radixDigits } from './yaml/numbers.js';
import { hasKeyOrder, keyOrder, writeYaml, type DoubleQuotes } from './yaml/write.js';

/**
 * Objects -> multi-document YAML. Keys keep the order the builders wrote them in; no line
 * folding, so long values survive copy/paste and diffs stay one line per value.
 */
export function serialize(objects: readonly KubeObject[]): string {
  return objects.map(toYaml).join('---\n');
}

export function toYaml(object: unknown): string {
  return writeYaml(object, KUBECTL_QUOTES) ?? toYamlWithLib(object);
}

/** The same text through yaml's document model, for what write.ts leaves to yaml. */
export function toYamlWithLib(object: unknown): string {
  const { Document } = yamlLib();
  const doc = new Document(withKeyOrder(object), { aliasDuplicateObjects: false });
  quoteForKubectl(doc);
  return toGoReadableYaml(doc);
}

/**
 * Double quotes on the strings in `node` that kubectl would read as another type, or that Go's
 * YAML would misread as a literal block (see KUBECTL_QUOTES).
 */
export function quoteForKubectl(node: Node | Document): void {
  const { Scalar, visit } = yamlLib();
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && KUBECTL_QUOTES(scalar.value)) scalar.type = Scalar.QUOTE_DOUBLE;
    },
  });
}

/**
 * Characters that gopkg.in/yaml (kubectl, kustomize, the kubelet's tools) refuses in a YAML text
 * (DEL, the C1 controls, U+FFFE, U+FFFF: "control characters are not allowed"), reads as line
 * breaks (U+0085, U+2028, U+2029) or, at some places in a file, as a byte order mark that breaks
 * the parse (U+FEFF: kustomize failed with "did not find expected key" on a kustomization.yml
 * holding one), where yaml writes them as they are, even inside double quotes.
 */
const GO_YAML_UNSAFE = /[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/;
const GO_YAML_ESCAPES: Record<string, string> = { '\x85': '\\N', '\u2028': '\\L', '\u2029': '\\P' };

/**
 * The document as text that Go's YAML reads back as the same values: every string that holds a
 * GO_YAML_UNSAFE character double-quoted, and those characters escaped (only double quotes have
 * escapes, so none is left outside them).
 */
export function toGoReadableYaml(doc: Document): string {
  const { Scalar, visit } = yamlLib();
  let unsafe = false;
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string' || !GO_YAML_UNSAFE.test(node.value)) return;
      unsafe = true;
      node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  const text = doc.toString({ lineWidth: 0, minContentWidth: 0 });
  if (!unsafe) return text;
  return text.replace(new RegExp(GO_YAML_UNSAFE.source, 'g'), (c) => GO_YAML_ESCAPES[c] ?? (c.charCodeAt(0) < 0x100 ? `\\x${c.charCodeAt(0).toString(16).toUpperCase()}` : `\\u${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * The value with every map that spells out its key order (setKeyOrder) as a Map, which yaml prints
 * in its order; what holds none is returned as it is.
 */
export function withKeyOrder(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(withKeyOrder);
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  const entries = keyOrder(record).map((k) => [k, withKeyOrder(record[k])] as const);
  if (hasKeyOrder(record)) return new Map(entries);
  return entries.some(([k, v]) => v !== record[k]) ? Object.fromEntries(entries) : record;
}

/**
 * kubectl and kustomize decode manifests with gopkg.in/yaml.v2 (inside sigs.k8s.io/yaml), which
 * still reads YAML 1.1 and Go literals: a plain `on`, `y` or `NO` is a boolean there, `1_000`,
 * `0b101` and `0o17` are integers, `08` is a float. YAML 1.2 leaves those plain, and the API
 * server would then reject a boolean env value or silently get the key `true` for `y`, so such
 * strings are quoted as well.
 */
const YAML11_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '~', 'null', 'Null', 'NULL', '<<',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
const GO_RADIX: Record<string, 2 | 8 | 16> = { b: 2, B: 2, o: 8, O: 8, x: 16, X: 16 };

/**
 * What yaml.v2 reads as a number once underscores are gone:
 * `[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?)`.
 * Such a text starts with one of -+._ or a digit: a first look that spares most strings the rest.
 */
export function isGoNumber(text: string): boolean {
  // No read past the end (see decimalForm).
  const c = text.length ? text.charCodeAt(0) : -1;
  if (!(isDigit(c) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x5f)) return false;
  const digits = text.replaceAll('_', '');
  const sign = digits.startsWith('-') || digits.startsWith('+') ? 1 : 0;
  const radix = digits.length > sign + 1 && digits[sign] === '0' ? GO_RADIX[digits[sign + 1]!] : undefined;
  return radix ? radixDigits(digits, sign + 2, radix) : decimalForm(digits) !== 0;
}

function changesTypeForKubectl(text: string): boolean {
  return YAML11_WORDS.has(text) || isGoNumber(text);
}

/**
 * Multi-line strings are literal blocks (`|-`), whose indentation Go's YAML finds from the
 * white space before their first text: it refuses a tab there ("found a tab character where an
 * indentation space is expected"), and counts the spaces of a line of white space alone as
 * indentation, so `" \n"` would read back as `"\n"`. A string whose leading white space holds
 * a tab, or a space on a line (or a string) of white space alone, goes in double quotes.
 */
const BLOCK_MISREAD_BY_GO = /^[ \t\n]*(?:\t|[ ][ \t]*(?:\n|$))/;

function quotedForKubectl(text: string): boolean {
  return changesTypeForKubectl(text) || BLOCK_MISREAD_BY_GO.test(text);
}

/**
 * A string of write.ts's SIMPLE form starts with a letter and holds no tab, which no Go number
 * does: of those, quotedForKubectl picks exactly the words.
 */
const KUBECTL_QUOTES: DoubleQuotes = Object.assign(quotedForKubectl, { simpleWords: YAML11_WORDS });
