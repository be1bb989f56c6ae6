/**
 * The number forms YAML readers tell plain scalars apart by, as scans of the text rather than
 * regular expressions: V8 compiles each expression at its first use, twice (bytecode, then
 * machine code), and the six these replace cost a cold render 1.1 M instructions to compile for
 * the dozen scalars that start like a number. test/yaml-numbers.test.ts holds the expressions
 * as the specification and compares.
 */

/** Bits of decimalForm's answer: the text is a decimal number; it has a '.'; it has an exponent. */
export const DECIMAL = 1;
export const HAS_DOT = 2;
export const HAS_EXPONENT = 4;

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function digitsFrom(text: string, i: number): number {
  while (i < text.length && isDigit(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Whether all of `text` is `[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?`: 0 when it is
 * not, else DECIMAL with HAS_DOT and HAS_EXPONENT for the parts it has.
 */
export function decimalForm(text: string): number {
  // Past the end charCodeAt answers NaN, and V8 drops optimised code the first time a read goes there.
  const at = (k: number) => (k < text.length ? text.charCodeAt(k) : -1);
  let i = at(0) === 0x2d || at(0) === 0x2b ? 1 : 0;
  const intEnd = digitsFrom(text, i);
  const intDigits = intEnd - i;
  i = intEnd;
  let form = DECIMAL;
  if (at(i) === 0x2e) {
    form |= HAS_DOT;
    const fracEnd = digitsFrom(text, i + 1);
    if (intDigits === 0 && fracEnd === i + 1) return 0;
    i = fracEnd;
  } else if (intDigits === 0) return 0;
  if (at(i) === 0x65 || at(i) === 0x45) {
    form |= HAS_EXPONENT;
    i++;
    if (at(i) === 0x2d || at(i) === 0x2b) i++;
    const expEnd = digitsFrom(text, i);
    if (expEnd === i) return 0;
    i = expEnd;
  }
  return i === text.length ? form : 0;
}

/** Whether `text` from `start` on is one or more digits of `radix` (2, 8 or 16; hex in either case). */
export function radixDigits(text: string, start: number, radix: 2 | 8 | 16): boolean {
  if (start >= text.length) return false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 0x20; // a to f from A to F; nothing else lands there
    const value = isDigit(c) ? c - 0x30 : lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : radix;
    if (value >= radix) return false;
  }
  return true;
}
