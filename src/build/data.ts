import type { GeneratedData, KubeObject } from '../types.js';
import { isDigit } from '../yaml/numbers.js';
import { setKeyOrder } from '../yaml/write.js';
import { objectHead, type Identity } from './meta.js';

function base64(value: string | Uint8Array): string {
  // Buffer.from encodes a string as UTF-8 itself (lone surrogates as U+FFFD, as TextEncoder does)
  // and views bytes without copying them.
  return (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength)).toString('base64');
}

/** Runs of up to this many digits, even behind a leading 1, are exact as doubles and too small to wrap as int64. */
const EXACT_RUN_DIGITS = 15;

/**
 * The order kubectl (`-o yaml`) and kustomize print the keys of a ConfigMap or Secret in:
 * gopkg.in/yaml's map-key order. At the first character where two keys differ, a non-letter
 * comes before a letter and two letters go by code; between two non-letters, the runs of digits
 * that start there compare as numbers (x9 before x10), then the shorter run comes first, then the
 * lower code. Go's quirks are kept: where either side has a 0 inside a run whose shared earlier
 * digits are not all zeros, both count from a leading 1, and the sums wrap as int64 does. A key
 * that starts the other comes first. Data keys are ASCII (the API server allows [-._a-zA-Z0-9]),
 * so letters and digits are ASCII ones.
 * Written for V8's interpreter: a 10,000-line .env sorts its keys with this before any of it is
 * compiled.
 */
export function yamlKeyOrder(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const ca = a.charCodeAt(i);
  const cb = b.charCodeAt(i);
  const aLetter = (ca | 0x20) >= 0x61 && (ca | 0x20) <= 0x7a;
  const bLetter = (cb | 0x20) >= 0x61 && (cb | 0x20) <= 0x7a;
  if (aLetter && bLetter) return ca - cb;
  if (aLetter || bLetter) return aLetter ? 1 : -1;
  let lead = 0;
  if (ca === 0x30 || cb === 0x30) {
    for (let j = i - 1; j >= 0 && isDigit(a.charCodeAt(j)); j--) {
      if (a.charCodeAt(j) !== 0x30) {
        lead = 1;
        break;
      }
    }
  }
  let aEnd = i;
  let bEnd = i;
  while (aEnd < a.length && isDigit(a.charCodeAt(aEnd))) aEnd++;
  while (bEnd < b.length && isDigit(b.charCodeAt(bEnd))) bEnd++;
  const byValue = aEnd - i > EXACT_RUN_DIGITS || bEnd - i > EXACT_RUN_DIGITS ? compareLongRuns(lead, a.slice(i, aEnd), b.slice(i, bEnd)) : runValue(lead, a, i, aEnd) - runValue(lead, b, i, bEnd);
  if (byValue !== 0) return byValue;
  if (aEnd !== bEnd) return aEnd - bEnd;
  return ca - cb;
}

/** `lead` followed by the digits from..to (at most EXACT_RUN_DIGITS). */
function runValue(lead: number, key: string, from: number, to: number): number {
  let value = lead;
  for (let k = from; k < to; k++) value = value * 10 + (key.charCodeAt(k) - 0x30);
  return value;
}

/** Longer runs as Go's int64 holds them: wrapped. */
function compareLongRuns(lead: number, a: string, b: string): number {
  const value = (run: string) => BigInt.asIntN(64, BigInt(lead) * 10n ** BigInt(run.length) + BigInt(run || '0'));
  const [x, y] = [value(a), value(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** From this many keys on, keys that do not come in order are spelled out to sort (sortedKeys). */
const SPELL_FROM = 64;
/**
 * What keeps keys from being spelled out: a letter right after a digit (yamlKeyOrder then has
 * cycles, x1b < x9 < x10 < x1b, and only the same comparisons give the same order), a run of
 * digits with a leading zero (runs of one value then order by length) or longer than RUN_MARKS
 * can say.
 */
const NOT_SPELLABLE = /\d[A-Za-z]|\d{8}|(?<!\d)0\d/;
/** A run of n digits (1 to 7) is spelled RUN_MARKS[n] and the digits: between '/' and 'A'. */
const RUN_MARKS = ' :;<=>?@';

/** At most this many keys outside the longest run in order are placed one by one (placeFew). */
const PLACE_AT_MOST = 64;

/**
 * The keys in yamlKeyOrder. Keys that already come in order (as generated files have them) are
 * returned as they are, after one pass (runStarts); a few keys around a long run in order (a
 * generated block under a few written by hand, keys added at the end of a sorted file) are
 * placed into it by binary search. Otherwise, when the first keys are in order, V8's sort merges
 * the rest with yamlKeyOrder. When they are not, each key is spelled so that plain code order is
 * yaml's, '_' as '/' (after '-' and '.', before digits) and each run of digits behind a mark of
 * its length (a longer run is a larger number), and V8 sorts them in C++: a shuffled 10,000-line
 * .env took 35 to 45 ms with yamlKeyOrder, which V8's interpreter then runs 130,000 times, and
 * takes 15 to 20 ms this way. Spelling and unspelling are passes over all keys at once.
 */
export function sortedKeys(data: ReadonlyMap<string, unknown>): string[] {
  const keys = [...data.keys()];
  // Each run but the longest holds a key or more to place: beyond PLACE_AT_MOST + 1 runs, none fits.
  const mostRuns = PLACE_AT_MOST + 1;
  const starts = runStarts(keys, mostRuns);
  if (starts.length === 1) return keys;
  if (keys.length < SPELL_FROM) return keys.sort(yamlKeyOrder);
  const all = keys.join('\n');
  // Where these match, yamlKeyOrder can have cycles or orders unlike the spelling: only V8's sort
  // with the same comparisons gives kubectl's answer.
  if (NOT_SPELLABLE.test(all)) return keys.sort(yamlKeyOrder);
  const placed = starts.length <= mostRuns ? placeFew(keys, starts) : undefined;
  if (placed) return placed;
  if (starts[1]! >= SPELL_FROM) return keys.sort(yamlKeyOrder);
  const spelled = all.replaceAll('_', '/').replace(/\d+/g, (run) => RUN_MARKS[run.length] + run);
  return spelled.split('\n').sort().join('\n').replace(/[:-@]/g, '').replaceAll('/', '_').split('\n');
}

/**
 * Where the runs of keys in yamlKeyOrder start: [0] for keys all in order; the search stops once
 * it has found more than `most`. Numbered keys (KEY_9, KEY_10) are compared without
 * yamlKeyOrder, whose calls cost 1.2 µs each in V8's interpreter, most of it the loop past the
 * common start: two keys that are one text followed by a number (numberRun) are in the order of
 * their numbers, which is the shorter run first, then code order; so are the text alone and the
 * text with a number, which it starts. Texts end before the digits that end a key, so two equal
 * texts mean one of these cases.
 */
function runStarts(keys: readonly string[], most: number): number[] {
  const starts = [0];
  let before = keys[0] ?? '';
  let beforeRun = numberRun(before);
  let beforeText = before.slice(0, beforeRun);
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    const run = numberRun(key);
    const sameText = run === beforeRun && key.startsWith(beforeText);
    const inOrder = sameText ? before.length < key.length || (before.length === key.length && before < key) : yamlKeyOrder(before, key) < 0;
    if (!inOrder && starts.push(i) > most) return starts;
    before = key;
    beforeRun = run;
    if (!sameText) beforeText = key.slice(0, run);
  }
  return starts;
}

/**
 * The keys sorted, when all but PLACE_AT_MOST of them are in the longest run: those few are
 * sorted and put in place by binary search. Only for keys whose order has no cycles (any sort then
 * gives the one answer). Undefined when there are more.
 */
function placeFew(keys: readonly string[], starts: readonly number[]): string[] | undefined {
  let from = 0;
  let to = 0;
  for (let r = 0; r < starts.length; r++) {
    const end = starts[r + 1] ?? keys.length;
    if (end - starts[r]! > to - from) [from, to] = [starts[r]!, end];
  }
  if (keys.length - (to - from) > PLACE_AT_MOST) return undefined;
  const out = keys.slice(from, to);
  let low = 0;
  for (const key of [...keys.slice(0, from), ...keys.slice(to)].sort(yamlKeyOrder)) {
    let high = out.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (yamlKeyOrder(out[mid]!, key) < 0) low = mid + 1;
      else high = mid;
    }
    out.splice(low, 0, key);
    low++;
  }
  return out;
}

/**
 * Where the run of digits that ends `key` starts, when it is a number that the order of numbered
 * keys above covers: at most EXACT_RUN_DIGITS digits, no leading zero but for "0" itself.
 * key.length otherwise.
 */
function numberRun(key: string): number {
  let start = key.length;
  // isDigit written out: a call per character is most of this loop's time in V8's interpreter.
  for (let c = key.charCodeAt(start - 1); c >= 0x30 && c <= 0x39; c = key.charCodeAt(start - 1)) start--;
  const digits = key.length - start;
  if (digits === 0 || digits > EXACT_RUN_DIGITS || (digits > 1 && key.charCodeAt(start) === 0x30)) return key.length;
  return start;
}

/** From this many keys on, a record has its order recorded (setKeyOrder) even without integer-like keys. */
const LARGE_RECORD_KEYS = 256;

/** A canonical array index: JavaScript enumerates such keys first, in numeric order. */
function isArrayIndex(key: string): boolean {
  return String(Number(key)) === key && Number(key) < 4294967295;
}

/**
 * A plain object with `keys` in this order and `values` at the same places. It is in V8's
 * dictionary mode from the start (deleting a property that is not the last one puts it there):
 * built from {} or by Object.fromEntries, each of the first thousand keys would get a hidden class
 * of its own, quadratic work that cost a 10,000-line .env 10 ms. Keys are defined, not assigned:
 * one may be "__proto__". Its order is recorded with setKeyOrder, which yaml/write.ts follows:
 * JavaScript would enumerate keys like "1" and "10" first, and for a large record, Object.keys
 * would sort it out of V8's dictionary again (2 ms for 10,000 keys).
 */
export function orderedRecord(keys: readonly string[], values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { first: '', second: '' };
  delete out['first'];
  delete out['second'];
  let indexKeys = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === '__proto__') Object.defineProperty(out, key, { value: values[i], enumerable: true, writable: true, configurable: true });
    else out[key] = values[i]!;
    // Only a key that starts with a digit can be one; most keys are answered by one comparison.
    if (!indexKeys && key.charCodeAt(0) <= 0x39) indexKeys = isArrayIndex(key);
  }
  if (indexKeys || keys.length >= LARGE_RECORD_KEYS) setKeyOrder(out, keys);
  return out;
}

/** Text goes to `data`; bytes that are not UTF-8 go to `binaryData`, base64 encoded. */
export function buildConfigMap(id: Identity, d: GeneratedData, name = d.name): KubeObject {
  const textKeys: string[] = [];
  const texts: string[] = [];
  const binaryKeys: string[] = [];
  const binaries: string[] = [];
  const keys = sortedKeys(d.data);
  for (let i = 0; i < keys.length; i++) {
    const value = d.data.get(keys[i]!)!;
    if (typeof value === 'string') {
      textKeys.push(keys[i]!);
      texts.push(value);
    } else {
      binaryKeys.push(keys[i]!);
      binaries.push(base64(value));
    }
  }
  return {
    ...objectHead('v1', 'ConfigMap', id, name),
    ...(textKeys.length ? { data: orderedRecord(textKeys, texts) } : {}),
    ...(binaryKeys.length ? { binaryData: orderedRecord(binaryKeys, binaries) } : {}),
  };
}

export function buildSecret(id: Identity, d: GeneratedData, name = d.name): KubeObject {
  const keys = sortedKeys(d.data);
  return {
    ...objectHead('v1', 'Secret', id, name),
    type: d.type ?? 'Opaque',
    ...(keys.length ? { data: orderedRecord(keys, keys.map((key) => base64(d.data.get(key)!))) } : {}),
  };
}
