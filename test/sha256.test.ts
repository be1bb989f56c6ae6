/** src/sha256.ts stands in for node:crypto (which costs start-up time); it must give its digests. */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sha256Hex } from '../src/sha256.js';

test('sha256Hex gives node:crypto digests at every block boundary and for multi-byte text', () => {
  for (const n of [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 2730, 2731, 8191, 8192, 70000]) {
    for (const text of ['a'.repeat(n), 'é'.repeat(n), '中'.repeat(n), Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7919) % 95))).join('')]) {
      assert.is(sha256Hex(text), createHash('sha256').update(text).digest('hex'), `${n} characters of ${JSON.stringify(text.slice(0, 3))}`);
    }
  }
});

test.run();
