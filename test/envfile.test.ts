import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { hasErrors } from '../src/errors.js';
import { parseEnvFile } from '../src/envfile.js';
import { utf16Problem } from '../src/files.js';
import { configMapKey, envVarName, PLAIN_DATA_KEY } from '../src/k8s.js';
import { Rng } from './helpers/mutate.js';

type Input = string | Uint8Array;
const toBytes = (input: Input) => (typeof input === 'string' ? new TextEncoder().encode(input) : input);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

const accepted: Array<[name: string, input: Input, entries: Array<[string, string]>]> = [
  ['empty file', '', []],
  ['comments, blank and whitespace-only lines', '# c\n\n   \n\t\n  # indented\nA=1\n', [['A', '1']]],
  ['leading whitespace, incl. NBSP, NEL and U+3000', ' \tA=1\n\u00a0B=2\n\u0085C=3\n\u3000D=4\n', [['A', '1'], ['B', '2'], ['C', '3'], ['D', '4']]],
  ['CRLF', 'A=1\r\n\r\n#c\r\nB=2\r\n', [['A', '1'], ['B', '2']]],
  ['CR inside a value is kept', 'A=x\ry\n', [['A', 'x\ry']]],
  ['only one CR is dropped', 'A=x\r\r\n', [['A', 'x\r']]],
  ['BOM on line 1', '\ufeff  A=1\nB=2', [['A', '1'], ['B', '2']]],
  ['BOM on a blank first line', '\ufeff\nA=1\n', [['A', '1']]],
  ['quotes and inline comments are kept', 'A="x" # y\nB=\'q\'\n', [['A', '"x" # y'], ['B', "'q'"]]],
  ['value with =', 'A=a=b==\n', [['A', 'a=b==']]],
  ['trailing and leading spaces in the value', 'A=  x  \n', [['A', '  x  ']]],
  ['unicode value', 'GREETING=grüß dich 👋 \u200b\n', [['GREETING', 'grüß dich 👋 \u200b']]],
  ['empty values', 'A=\nB=\r\n', [['A', ''], ['B', '']]],
  ['last line without newline', 'A=1\nB=2', [['A', '1'], ['B', '2']]],
  ['key characters', 'a.b-c_D9=1\n_x=2\n-y=3\n.z=4\n', [['a.b-c_D9', '1'], ['_x', '2'], ['-y', '3'], ['.z', '4']]],
  ['longest line both tools read', `A=${'x'.repeat(65532)}\r\n`, [['A', 'x'.repeat(65532)]]],
];

const rejected: Array<[name: string, input: Input, issues: Array<[code: string, line: number, col: number]>]> = [
  // At the 'export ' the hint says to remove, not at the blank after it.
  ['export prefix', 'export A=1\n', [['envfile.invalid-key', 1, 1]]],
  ['spaces around =', '  A = 1\n', [['envfile.invalid-key', 1, 4]]],
  ['tab before =', 'A\t=1\n', [['envfile.invalid-key', 1, 2]]],
  ['leading digit', '1A=x\n', [['envfile.invalid-key', 1, 1]]],
  ['space inside key, no =', 'hello world\n', [['envfile.invalid-key', 1, 6]]],
  ['chdir prefix', '..a=1\n', [['envfile.invalid-key', 1, 1]]],
  ['key over 253 characters', `${'K'.repeat(254)}=1\n`, [['envfile.invalid-key', 1, 1]]],
  ['BOM on a later line', 'A=1\n \ufeffB=2\n', [['envfile.invalid-key', 2, 2]]],
  ['empty key', 'A=1\n  =x\n', [['envfile.empty-key', 2, 3]]],
  ['duplicate key', 'A=1\nB=2\n A=3\n', [['envfile.duplicate-key', 3, 2]]],
  ['duplicate of a plain line', '# c\nB=A=1\nA=1\nA=2\r\nA=3\n', [['envfile.duplicate-key', 4, 1], ['envfile.duplicate-key', 5, 1]]],
  ['duplicate of a line that is not plain', 'A=1\r\nA=2\n', [['envfile.duplicate-key', 2, 1]]],
  ['invalid byte', latin1('A=\xff\n'), [['envfile.invalid-utf8', 1, 3]]],
  ['invalid byte after a multi-byte character', latin1('\xef\xbb\xbfA=\xc3\xa9\xff\n'), [['envfile.invalid-utf8', 1, 4]]],
  ['truncated sequence', latin1('A=\xe2\x82\n'), [['envfile.invalid-utf8', 1, 3]]],
  ['UTF-16 surrogate', latin1('A=\xed\xa0\x80\n'), [['envfile.invalid-utf8', 1, 3]]],
  ['line over 65535 bytes', `A=${'x'.repeat(65533)}\r\nB=2\n`, [['envfile.line-too-long', 1, 1]]],
  [
    'all problems in one pass',
    latin1('1A=x\n=y\nok=1\nok=2\nexport B\nC=\xff\n'),
    [
      ['envfile.invalid-key', 1, 1],
      ['envfile.empty-key', 2, 1],
      ['envfile.duplicate-key', 4, 1],
      ['envfile.invalid-key', 5, 1],
      ['envfile.invalid-utf8', 6, 3],
    ],
  ],
];

test('accepted inputs', () => {
  for (const [name, input, entries] of accepted) {
    const result = parseEnvFile(toBytes(input));
    assert.equal([...result.entries], entries, name);
    assert.equal(result.issues, [], name);
  }
});

test('a key PLAIN_DATA_KEY takes passes both key checks', () => {
  const rng = new Rng(3);
  const chars = 'aZ_-09.= \ufeff#';
  let plain = 0;
  for (let i = 0; i < 20000; i++) {
    const length = rng.chance(0.3) ? 250 + rng.int(6) : rng.int(5);
    let key = '';
    for (let n = 0; n < length; n++) key += chars[rng.int(n < 2 && rng.chance(0.25) ? chars.length : 7)];
    if (!PLAIN_DATA_KEY.test(key)) continue;
    plain++;
    assert.is(envVarName(key) ?? configMapKey(key), undefined, JSON.stringify(key));
  }
  assert.ok(plain > 5000, `most generated keys are plain (${plain})`);
});

test('plain lines read as the full path reads them', () => {
  // A space before each line sends every line down the full path (which drops it again), so the
  // two readings must agree on entries, and on issues but for their columns.
  const pieces = ['K1=v', 'K2=v', 'K1=w', 'K3=a=b', 'K4=  x  ', 'K5=x\ry', 'K6=1\r', 'K7', '#K1=c', '', '1A=x', 'A B=x',
    '..a=1', '=x', `${'L'.repeat(254)}=1`, 'a.b-c_D9=u', 'É=1', 'K8=grüß 👋', `K9=${'x'.repeat(21844)}`, `K10=${'é'.repeat(21842)}`];
  const summary = (text: string) => {
    const { entries, issues } = parseEnvFile(toBytes(text));
    return { entries: [...entries], issues: issues.map((i) => [i.code, i.severity, i.line, i.hint]) };
  };
  for (let c = 0; c < 3000; c++) {
    const rng = new Rng(1000 + c);
    const lines = Array.from({ length: 1 + rng.int(12) }, () => rng.pick(pieces));
    const text = lines.join('\n') + (rng.chance(0.5) ? '\n' : '');
    assert.equal(summary(text), summary(lines.map((l) => ` ${l}`).join('\n')), JSON.stringify(text.slice(0, 300)));
  }
});

test('leading white space is exactly Unicode White_Space (Go unicode.IsSpace)', () => {
  const whiteSpace = /^\p{White_Space}$/u;
  for (let c = 0; c <= 0xffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const char = String.fromCharCode(c);
    if (char === '\n' || char === '#' || char === '=') continue;
    // On line 2: line 1 may start with a byte order mark, which is dropped, not skipped as space.
    const { entries } = parseEnvFile(toBytes(`B=2\n${char}A=1`));
    const key = [...entries.keys()][1];
    if (whiteSpace.test(char)) assert.is(key, 'A', `U+${c.toString(16)} is white space`);
    else assert.is.not(key, 'A', `U+${c.toString(16)} is not white space`);
  }
});

test('rejected inputs', () => {
  for (const [name, input, expected] of rejected) {
    const { issues } = parseEnvFile(toBytes(input));
    assert.equal(
      issues.map((i) => [i.code, i.line, i.col]),
      expected,
      name,
    );
    for (const i of issues) {
      assert.is(i.severity, 'error', name);
      assert.ok(i.hint, `${name}: hint`);
      assert.is(i.file, undefined, name);
    }
  }
});

test('hints say how to fix the key', () => {
  const hint = (s: string) => parseEnvFile(toBytes(s)).issues[0]?.hint ?? '';
  assert.match(hint('export A=1'), "remove 'export '");
  assert.match(hint('A = 1'), "write A=<value> without spaces around '='");
  assert.match(hint('A=1\n\ufeffB=2'), 'byte order mark');
  // The rule the key breaks, not another one.
  assert.is(hint('..e=1'), 'rename the key to "e": a key must not start with \'..\'');
  assert.is(hint('1A=1'), 'rename the key to "_1A": a key must consist of letters, digits, \'_\', \'-\' or \'.\', and must not start with a digit');
  assert.match(hint('A=1\nA=2'), 'line 1');
  assert.match(hint('# A=1\nB=A=1\n\nA=1\nA=2'), 'line 4');
  assert.match(hint(' A=1\nA=2'), 'line 1');
});

test('values never appear in messages or hints', () => {
  const { issues } = parseEnvFile(toBytes('A = s3cret\nA = s3cret\n=s3cret\nexport B=s3cret\n'));
  assert.is(issues.length, 5);
  for (const i of issues) assert.not.match(`${i.message} ${i.hint}`, 's3cret');
});

test('a line without = gives an empty value and a warning', () => {
  const { entries, issues } = parseEnvFile(toBytes('A=1\n  NO_VALUE\n'));
  assert.equal([...entries], [['A', '1'], ['NO_VALUE', '']]);
  assert.is(hasErrors(issues), false);
  assert.equal(
    issues.map((i) => [i.code, i.severity, i.line, i.col, i.hint]),
    [['envfile.no-equals', 'warning', 2, 3, 'write NO_VALUE= to make the empty value explicit']],
  );
});

// The real tools, with an environment that cannot fill in lines without '='.
const dir = mkdtempSync(join(tmpdir(), 'kustz-envfile-'));
const env = { PATH: process.env.PATH ?? '', HOME: dir };
const kubectl = (...args: string[]) => spawnSync('kubectl', args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
const haveKubectl = kubectl('version', '--client').error === undefined;
if (!haveKubectl) console.log('NOTICE: kubectl is not on PATH; skipping the comparisons with kubectl and kustomize');

const withoutEquals: Array<[string, Input]> = [['line without =', 'A=1\nKUSTZ_TEST_UNSET\n']];

test('kubectl and kustomize read valid files the same way', () => {
  if (!haveKubectl) return;
  const envFile = join(dir, 'app.env');
  writeFileSync(join(dir, 'kustomization.yaml'), 'configMapGenerator:\n- name: x\n  envs:\n  - app.env\n');
  for (const [name, input] of [...accepted, ...withoutEquals]) {
    writeFileSync(envFile, toBytes(input));
    const expected = Object.fromEntries(parseEnvFile(toBytes(input)).entries);

    const created = kubectl('create', 'configmap', 'x', `--from-env-file=${envFile}`, '--dry-run=client', '-o', 'json');
    assert.is(created.status, 0, `${name}: ${created.stderr}`);
    assert.equal(JSON.parse(created.stdout).data ?? {}, expected, `kubectl: ${name}`);

    const built = kubectl('kustomize', dir);
    assert.is(built.status, 0, `${name}: ${built.stderr}`);
    assert.equal(parse(built.stdout).data ?? {}, expected, `kustomize: ${name}`);
  }
});

test('kubectl rejects what kustz rejects, except the long line it silently cuts off', () => {
  if (!haveKubectl) return;
  const envFile = join(dir, 'bad.env');
  for (const [name, input, issues] of rejected) {
    writeFileSync(envFile, toBytes(input));
    const created = kubectl('create', 'configmap', 'x', `--from-env-file=${envFile}`, '--dry-run=client', '-o', 'json');
    assert.is(created.status !== 0, issues[0]?.[0] !== 'envfile.line-too-long', name);
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('utf16Problem: UTF-16 with or without a BOM, in either byte order, and no UTF-8 text', () => {
  const utf16 = (text: string, order: 'le' | 'be', bom: boolean) => {
    const le = Buffer.from((bom ? '\ufeff' : '') + text, 'utf16le');
    return order === 'le' ? le : Buffer.from(le).swap16();
  };
  for (const order of ['le', 'be'] as const) {
    for (const bom of [true, false]) {
      for (const text of ['A=1\n', 'é=1\n', '\u4e2d=1\n']) {
        assert.is(utf16Problem(utf16(text, order, bom))?.message, `the file is UTF-16${order.toUpperCase()} text, not UTF-8`, `${order} ${bom} ${JSON.stringify(text)}`);
      }
    }
  }
  for (const text of ['', 'A', 'A=1\n', '\ufeffA=1\n', 'é=1\n', '\u4e2d=1\n', '\u{1F600}=1\n']) assert.is(utf16Problem(Buffer.from(text)), undefined, JSON.stringify(text));
  // Not UTF-8, and no UTF-16 either: the line-by-line check says where.
  assert.is(utf16Problem(Uint8Array.of(0xff, 0x41, 0x0a)), undefined);
  // A short file with one stray NUL is no UTF-16, nor is a long one with a few.
  assert.is(utf16Problem(Buffer.from('ABC=1\0\n')), undefined);
  // Without a BOM, iconv must be told the byte order.
  assert.match(utf16Problem(utf16('A=1\n', 'be', false))!.hint, 'iconv -f UTF-16BE -t UTF-8');
  assert.match(utf16Problem(utf16('A=1\n', 'be', true))!.hint, 'iconv -f UTF-16 -t UTF-8');
  // UTF-8 with a stray NUL or two: the line that holds one says so.
  for (const text of ['name: web\0\nservice:\n  image: nginx\n', 'A=1\0\nB=2\0\nC=3\n']) assert.is(utf16Problem(Buffer.from(text)), undefined, JSON.stringify(text));
});

test.run();
