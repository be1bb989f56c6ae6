/**
 * Code frames: the caret stands under the column in a terminal, whatever the line holds before
 * it, and a long line is shown around the column, not cut before it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeFrame } from '../src/errors.js';

test('the caret counts a tab as a tab, a wide character as two cells and a combining mark as none', () => {
  assert.is(codeFrame('\tkey: 8o', 7), '  | \tkey: 8o\n  | \t     ^');
  // 服务名称 and 描述 take two cells each in a terminal.
  assert.is(codeFrame('pairs: {X: 服务名称, 描述: x}', 18), '  | pairs: {X: 服务名称, 描述: x}\n  |                      ^');
  assert.is(codeFrame('a: 😀 x', 6), '  | a: 😀 x\n  |      ^');
  assert.is(codeFrame('a: 🚀✅ x', 7), '  | a: 🚀✅ x\n  |        ^');
  assert.is(codeFrame('a: e\u0301 x', 6), '  | a: e\u0301 x\n  |     ^');
});

test('a long line is shown around the column, with … where it is cut', () => {
  const line = `  ports: [${Array.from({ length: 40 }, (_, i) => 1001 + i).join(', ')}, 8o]`;
  const col = line.indexOf('8o') + 1;
  const [shown, caret] = codeFrame(line, col).split('\n') as [string, string];
  assert.ok(shown.startsWith('  | …'), shown);
  assert.ok(shown.endsWith('8o]'), shown);
  // The caret's cell in the frame is the cell of "8o" in the shown text.
  assert.is(caret.length - 1, shown.indexOf('8o'));
  const start = codeFrame(line, 5).split('\n') as [string, string];
  assert.ok(start[0].endsWith('…') && !start[0].startsWith('  | …'), start[0]);
  assert.is(start[1], '  |     ^');
  // A window never starts inside a surrogate pair: no lone half is printed.
  // The character under the caret stays in the window, also when the window moved for a pair.
  const last = codeFrame(`${'😀'.repeat(100)}X`, 201).split('\n') as [string, string];
  assert.ok(last[0].endsWith('X'), last[0]);
  assert.is(last[1].length - 1, [...last[0]].reduce((cells, c, i, all) => (i < all.length - 1 ? cells + (c === '😀' ? 2 : 1) : cells), 0));
  for (const col of [200, 201, 202]) {
    const shown = codeFrame('😀'.repeat(200), col).split('\n')[0]!;
    assert.not.match(shown, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, `col ${col}`);
  }
});

test.run();
