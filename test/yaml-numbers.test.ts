/**
 * src/yaml/numbers.ts scans for the number forms that YAML readers resolve plain scalars by; the
 * regular expressions it replaced stand here as the specification. Random texts over the
 * characters those forms are made of, plus a list of edge cases, must get the same answers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isGoNumber } from '../src/serialize.js';
import { decimalForm, HAS_DOT, HAS_EXPONENT, radixDigits } from '../src/yaml/numbers.js';
import { Rng } from './helpers/mutate.js';

// yaml's core schema (yaml/dist/schema/core), and what gopkg.in/yaml.v2 reads as a number.
const DECIMAL_NUMBER = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
const DIGITS = { 2: /^[01]+$/, 8: /^[0-7]+$/, 16: /^[0-9a-fA-F]+$/ } as const;
const GO_NUMBER = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+([eE][-+]?[0-9]+)?)$/;

const EDGES = ['', '0', '-', '+', '.', '+.', '-.5', '5.', '.5', '5.e3', '.e3', '5e', '5e+', '5e+3', '5E-03', '1e3.5', '1..2', '--1', '+-1', '0x', '0x1F', '0X1f',
  '0xg', '-0x1', '0o17', '0O8', '0b101', '0b2', '_1_000_', '1_0.5', '_', '0_x1', '\u00101', '1\u0010', '١', 'a', 'e5', ' 1', '1 ', 'Infinity', '.inf', '0.'];

function texts(): string[] {
  const rng = new Rng(12);
  const alphabet = '0123456789aAbBeEfFgoOxX.+-_ \u0010\u0130';
  const out = [...EDGES];
  for (let i = 0; i < 20000; i++) {
    let text = '';
    for (let n = rng.int(9); n > 0; n--) text += alphabet[rng.int(alphabet.length)];
    out.push(text);
  }
  return out;
}

test('decimalForm: a decimal number, its dot and its exponent, as the expressions say', () => {
  for (const text of texts()) {
    const form = decimalForm(text);
    assert.is(form !== 0, DECIMAL_NUMBER.test(text), JSON.stringify(text));
    assert.is((form & (HAS_DOT | HAS_EXPONENT)) !== 0, FLOAT_EXP.test(text) || FLOAT.test(text), `float: ${JSON.stringify(text)}`);
  }
});

test('radixDigits: digits of base 2, 8 and 16 from an offset', () => {
  for (const text of texts()) {
    for (const radix of [2, 8, 16] as const) {
      for (const start of [0, 2]) assert.is(radixDigits(text, start, radix), DIGITS[radix].test(text.slice(start)), `${radix} from ${start}: ${JSON.stringify(text)}`);
    }
  }
});

test('isGoNumber: what yaml.v2 reads as a number once underscores are gone', () => {
  for (const text of texts()) assert.is(isGoNumber(text), GO_NUMBER.test(text.replaceAll('_', '')), JSON.stringify(text));
});

test.run();
